/* stats.c - `docker stats`: CPU, memory, network, block I/O and pids of
 * containers, read from their cgroup files and /proc. Cheap enough to
 * leave running on a board: a few small reads per container a second. */
//applet:stats
//summary:show containers' resource use
//config:config APPLET_STATS
//config:	bool "stats"
//config:	default y
//config:	help
//config:	  Show the CPU, memory, network, block I/O and pids use of
//config:	  containers, like `docker stats`.
//usage:[-a] [--no-stream] [--format T] [CONTAINER...]
//usage:Show the resource use of the running containers (or of each CONTAINER):
//usage:CPU % (of one CPU, over the last second), MEM USAGE / LIMIT (what
//usage:its memory cgroup is charged less inactive page cache, as docker
//usage:counts; the host's memory when there is no limit), MEM %, NET I/O
//usage:(its network namespace's interfaces but lo; 0B with --network
//usage:host), BLOCK I/O (cgroup v2 io.stat; -- where the io controller is
//usage:not enabled) and PIDS. Refreshed in place every second until
//usage:interrupted.
//usage:
//usage:  -a, --all          stopped containers too
//usage:      --no-stream    print one table (after a one-second sample) and exit
//usage:      --format T     a line per container from the Go-style template T over
//usage:                     {"Container", "ID", "Name", "CPUPerc", "MemUsage",
//usage:                     "MemPerc", "NetIO", "BlockIO", "PIDs"}; json: the object
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "cgroup.h"
#include "container.h"
#include "err.h"
#include "human.h"
#include "json.h"
#include "store.h"
#include "template.h"

struct sample {
	char id[CONTAINER_ID_LEN + 1], name[CONTAINER_NAME_MAX + 1];
	int running, host_net;
	pid_t pid;
	struct cgroup_stats cs;
	int64_t rx, tx, cpu0;
	char cpu[24], mem[56], memperc[24], net[56], blk[56], pids[24];
};

struct stats {
	const struct store *s;
	int all;
	struct sample *v;
	int n, cap;
};

/* docker's units.BytesSize: binary units, 4 significant digits. */
static void bytes_size(char *buf, size_t n, int64_t v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double d = v;
	unsigned u = 0;

	while (d >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		d /= 1024;
		u++;
	}
	human_sig(buf, n, d, 4, units[u]);
}

/* Bytes received and sent on every interface of pid's network namespace
 * but lo, from /proc/PID/net/dev. */
static void net_io(pid_t pid, int64_t *rx, int64_t *tx)
{
	char path[48], line[512];
	FILE *f;

	*rx = *tx = 0;
	snprintf(path, sizeof(path), "/proc/%d/net/dev", (int)pid);
	if (!(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *name = line, *p, *end;
		long long v[9];
		int i;

		if (!colon)
			continue; /* the two header lines */
		while (*name == ' ')
			name++;
		*colon = 0;
		if (!strcmp(name, "lo"))
			continue;
		/* rx: bytes packets errs drop fifo frame compressed multicast;
		 * tx: bytes. (strtoll, not sscanf: scanf would link 6 KB of libc
		 * for this one line.) */
		for (i = 0, p = colon + 1; i < 9; i++, p = end) {
			v[i] = strtoll(p, &end, 10);
			if (end == p)
				break;
		}
		if (i == 9) {
			*rx += v[0];
			*tx += v[8];
		}
	}
	fclose(f);
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Read one container's counters into v. */
static void measure(struct sample *v)
{
	char name[CGROUP_NAME_MAX];
	struct cgroup cg;

	memset(&v->cs, 0, sizeof(v->cs));
	v->cs.cpu_ns = v->cs.mem_usage = v->cs.pids = v->cs.blk_read = -1;
	v->rx = v->tx = 0;
	if (!v->running)
		return;
	container_cgroup_name(v->id, name, sizeof(name));
	if (cgroup_open(&cg, name) == 0)
		cgroup_stats(&cg, &v->cs);
	if (!v->host_net)
		net_io(v->pid, &v->rx, &v->tx);
}

static int add(const char *id, void *arg)
{
	struct stats *st = arg;
	struct container_spec c;
	struct container_state s;
	struct sample *v;

	if (container_spec_load(st->s, id, &c))
		return 0;
	if (container_state_load(st->s, id, &s)) {
		container_spec_free(&c);
		return 0;
	}
	if (st->all || s.status == ST_RUNNING) {
		if (st->n == st->cap) {
			st->cap = st->cap ? 2 * st->cap : 16;
			if (!(st->v = realloc(st->v, st->cap * sizeof(*st->v))))
				die(EXIT_FAIL, "out of memory");
		}
		v = &st->v[st->n++];
		memset(v, 0, sizeof(*v));
		strcpy(v->id, id);
		strcpy(v->name, c.name);
		v->running = s.status == ST_RUNNING;
		v->pid = s.pid;
		v->host_net = c.net == NET_HOST;
	}
	container_spec_free(&c);
	return 0;
}

/* Turn the counters into docker's texts; elapsed: ns since the last
 * sample (0: none, no CPU % yet). */
static void texts(struct sample *v, int64_t elapsed, int64_t host_mem)
{
	char a[24], b[24];
	int64_t limit = v->cs.mem_limit > 0 ? v->cs.mem_limit : host_mem;

	if (!v->running) {
		strcpy(v->cpu, "0.00%");
		strcpy(v->mem, "0B / 0B");
		strcpy(v->memperc, "0.00%");
		strcpy(v->net, "0B / 0B");
		strcpy(v->blk, "0B / 0B");
		strcpy(v->pids, "0");
		return;
	}
	if (elapsed > 0 && v->cs.cpu_ns >= 0 && v->cpu0 >= 0)
		human_fixed(v->cpu, sizeof(v->cpu),
			    100.0 * (double)(v->cs.cpu_ns - v->cpu0) / (double)elapsed, 2, "%");
	else
		strcpy(v->cpu, "--");
	if (v->cs.mem_usage >= 0) {
		bytes_size(a, sizeof(a), v->cs.mem_usage);
		bytes_size(b, sizeof(b), limit);
		snprintf(v->mem, sizeof(v->mem), "%s / %s", a, b);
		human_fixed(v->memperc, sizeof(v->memperc),
			    limit > 0 ? 100.0 * (double)v->cs.mem_usage / (double)limit : 0.0, 2, "%");
	} else {
		strcpy(v->mem, "-- / --");
		strcpy(v->memperc, "--");
	}
	human_size(a, sizeof(a), v->rx);
	human_size(b, sizeof(b), v->tx);
	snprintf(v->net, sizeof(v->net), "%s / %s", a, b);
	if (v->cs.blk_read >= 0) {
		human_size(a, sizeof(a), v->cs.blk_read);
		human_size(b, sizeof(b), v->cs.blk_write);
		snprintf(v->blk, sizeof(v->blk), "%s / %s", a, b);
	} else
		strcpy(v->blk, "-- / --");
	if (v->cs.pids >= 0)
		snprintf(v->pids, sizeof(v->pids), "%" PRId64, v->cs.pids);
	else
		strcpy(v->pids, "--");
}

static void print_format(const struct sample *v, const char *format)
{
	struct json_doc d;
	struct json_w w;

	jw_init(&w, 0);
	jw_obj(&w);
	jw_kstr(&w, "BlockIO", v->blk);
	jw_kstr(&w, "CPUPerc", v->cpu);
	jw_kstr(&w, "Container", v->name);
	jw_key(&w, "ID");
	jw_strn(&w, v->id, 12);
	jw_kstr(&w, "MemPerc", v->memperc);
	jw_kstr(&w, "MemUsage", v->mem);
	jw_kstr(&w, "Name", v->name);
	jw_kstr(&w, "NetIO", v->net);
	jw_kstr(&w, "PIDs", v->pids);
	jw_end(&w);
	if (jw_finish(&w))
		die_err(EXIT_FAIL);
	if (!strcmp(format, "json"))
		fwrite(w.buf, 1, w.len, stdout);
	else {
		if (json_parse(&d, w.buf, w.len) || template_render(format, &d, 0, stdout))
			die_err(EXIT_FAIL);
		putchar('\n');
		json_free(&d);
	}
	jw_free(&w);
}

static void print_table(const struct stats *st, const char *format)
{
	int wn = 4, wm = 17, wnet = 7, wb = 9;

	if (format) {
		for (int i = 0; i < st->n; i++)
			print_format(&st->v[i], format);
		return;
	}
	for (int i = 0; i < st->n; i++) {
		const struct sample *v = &st->v[i];
		int a = strlen(v->name), b = strlen(v->mem), c = strlen(v->net), d = strlen(v->blk);

		wn = a > wn ? a : wn;
		wm = b > wm ? b : wm;
		wnet = c > wnet ? c : wnet;
		wb = d > wb ? d : wb;
	}
	printf("%-12s   %-*s   %-7s   %-*s   %-7s   %-*s   %-*s   %s\n", "CONTAINER ID", wn, "NAME",
	       "CPU %", wm, "MEM USAGE / LIMIT", "MEM %", wnet, "NET I/O", wb, "BLOCK I/O",
	       "PIDS");
	for (int i = 0; i < st->n; i++) {
		const struct sample *v = &st->v[i];

		printf("%.12s   %-*s   %-7s   %-*s   %-7s   %-*s   %-*s   %s\n", v->id, wn, v->name,
		       v->cpu, wm, v->mem, v->memperc, wnet, v->net, wb, v->blk, v->pids);
	}
}

int stats_main(int argc, char **argv)
{
	enum { O_NO_STREAM = 256, O_FORMAT };
	static const struct option opts[] = {
		{ "all", no_argument, 0, 'a' },
		{ "no-stream", no_argument, 0, O_NO_STREAM },
		{ "format", required_argument, 0, O_FORMAT },
		{ 0 }
	};
	const char *root = NULL, *format = NULL;
	struct stats st = { 0 };
	struct sysinfo si;
	struct store s;
	int64_t host_mem = 0, t0, t1;
	int opt, stream = 1, tty = isatty(1);

	while ((opt = applet_getopt_store(argc, argv, "ah", opts, &root)) != -1) {
		switch (opt) {
		case 'a': st.all = 1; break;
		case O_NO_STREAM: stream = 0; break;
		case O_FORMAT:
			if (strcmp(optarg, "json") && template_check(optarg))
				die_err(EXIT_FAIL);
			format = optarg;
			break;
		default: die_usage("unknown option");
		}
	}
	if (sysinfo(&si) == 0)
		host_mem = (int64_t)si.totalram * si.mem_unit;
	if (store_open(&s, store_root(root), STORE_RECORDS))
		die_err(EXIT_FAIL);
	st.s = &s;
	if (optind < argc) {
		st.all = 1; /* named ones are shown whatever their state */
		for (int i = optind; i < argc; i++) {
			char id[CONTAINER_ID_LEN + 1];

			if (container_resolve(&s, argv[i], id))
				die_err(EXIT_FAIL);
			add(id, &st);
		}
	} else if (container_each(&s, add, &st) < 0)
		die_err(EXIT_FAIL);
	store_close(&s);
	for (int i = 0; i < st.n; i++) {
		measure(&st.v[i]);
		st.v[i].cpu0 = st.v[i].cs.cpu_ns;
	}
	t0 = now_ns();
	for (;;) {
		sleep(1);
		t1 = now_ns();
		for (int i = 0; i < st.n; i++) {
			measure(&st.v[i]);
			texts(&st.v[i], t1 - t0, host_mem);
			st.v[i].cpu0 = st.v[i].cs.cpu_ns;
		}
		t0 = t1;
		if (stream && tty)
			fputs("\033[2J\033[H", stdout); /* in place, as docker redraws */
		print_table(&st, format);
		fflush(stdout);
		if (!stream)
			break;
	}
	free(st.v);
	return EXIT_OK;
}
