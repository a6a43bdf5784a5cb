/* logs.c - a container's output, from the Docker json-file lines its
 * monitor writes to ROOT/containers/ID/container.log (rotated to .1,
 * .2, ...: the highest number is the oldest). Lines from stdout go to
 * stdout, lines from stderr to stderr, as docker logs does. */
//applet:logs
//summary:show a container's output
//config:config APPLET_LOGS
//config:	bool "logs"
//config:	default y
//config:	help
//config:	  Print what a container wrote, from its json-file log.
//usage:[-f] [-t] [-n N] CONTAINER
//usage:Print CONTAINER's output, oldest first, rotated files included:
//usage:what it wrote to stdout on stdout, to stderr on stderr.
//usage:
//usage:  -f, --follow       keep printing new output until the container stops
//usage:  -n, --tail N       only the last N lines (default all; of those in the
//usage:                     --since/--until window when given)
//usage:  -t, --timestamps   put the time of each line in front of it
//usage:      --since TIME   only lines from TIME on: RFC 3339 (2024-01-02T03:04:05Z,
//usage:                     or the date), Unix seconds, or a duration ago (10m, 1h30m)
//usage:      --until TIME   only lines up to TIME (the same forms)
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "fsutil.h"
#include "json.h"
#include "number.h"
#include "when.h"
#include "store.h"

#define LINE_MAX_BYTES (1u << 20) /* longer lines are cut (json-file's are 16 KiB) */

/* Whole lines from an fd; a partial line waits for the rest unless the
 * end is final. */
struct lines {
	int fd;
	char *buf;
	size_t len, cap, start;
};

static void lines_init(struct lines *l, int fd)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
}

/* The next line (NUL-terminated, no newline) or NULL: at the end of what
 * is there now (*eof = 1), or on an error. */
static char *next_line(struct lines *l, int final, int *eof)
{
	*eof = 0;
	for (;;) {
		char *nl = l->len > l->start ? memchr(l->buf + l->start, '\n', l->len - l->start) : NULL;
		ssize_t n;

		if (nl) {
			char *line = l->buf + l->start;

			*nl = 0;
			l->start = nl + 1 - l->buf;
			return line;
		}
		if (l->start) { /* keep the partial line at the front */
			memmove(l->buf, l->buf + l->start, l->len - l->start);
			l->len -= l->start;
			l->start = 0;
		}
		if (l->len + 4096 + 1 > l->cap) {
			if (l->cap >= LINE_MAX_BYTES) { /* cut it: a line on its own */
				l->buf[l->len] = 0;
				l->len = 0;
				return l->buf;
			}
			l->cap = l->cap ? 2 * l->cap : 16384;
			if (!(l->buf = realloc(l->buf, l->cap)))
				die(EXIT_FAIL, "out of memory");
		}
		n = read(l->fd, l->buf + l->len, l->cap - l->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*eof = 1;
			if (final && l->len) {
				l->buf[l->len] = 0;
				l->len = 0;
				return l->buf;
			}
			return NULL;
		}
		l->len += n;
	}
}

struct logs {
	int timestamps;
	int64_t since, until; /* ns; 0: no bound (--since, --until) */
	long skip; /* lines still to skip before printing (--tail) */
};

/* --since and --until: a line without a readable time is shown. */
static int in_window(const struct logs *o, const char *t)
{
	int64_t ns;

	if ((!o->since && !o->until) || !t || when_parse(t, 0, &ns))
		return 1;
	return (!o->since || ns >= o->since) && (!o->until || ns <= o->until);
}

/* {"log":"...","stream":"stdout","time":"..."}: print the log text on the
 * stream it came from, unless --tail says to skip it yet; with count,
 * print nothing. 1 if the entry is one to show: --tail counts only those
 * (the last N lines of the --since/--until window, not of the file). */
static int print_entry(struct logs *o, const char *line, int count)
{
	struct json_doc d;
	uint32_t log;
	const char *stream, *t;
	FILE *out;
	int shown;

	if (json_parse(&d, line, strlen(line)))
		return 0; /* not ours: a crash cut the line short */
	log = json_get(&d, 0, "log");
	stream = json_get_str(&d, 0, "stream");
	t = json_get_str(&d, 0, "time");
	shown = log && json_type(&d, log) == JSON_STRING && in_window(o, t);
	if (shown && !count && o->skip > 0)
		o->skip--;
	else if (shown && !count) {
		out = stream && !strcmp(stream, "stderr") ? stderr : stdout;
		if (o->timestamps)
			fprintf(out, "%s ", t ? t : "");
		fwrite(d.nodes[log].str, 1, d.nodes[log].len, out);
		fflush(out);
	}
	json_free(&d);
	return shown;
}

/* Print (or, with count, count) the lines of the open file fd, from its
 * start. With end, *end says where the partial last line, if any,
 * starts: follow() goes on from there. */
static long do_file(struct logs *o, int fd, int count, off_t *end)
{
	struct lines l;
	long n = 0;
	char *line;
	int eof;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return 0;
	lines_init(&l, fd);
	/* a last line without its newline is being written, or was cut by a
	 * crash: not an entry (yet) */
	while ((line = next_line(&l, 0, &eof)))
		n += print_entry(o, line, count);
	if (end)
		*end = lseek(fd, 0, SEEK_CUR) - (off_t)(l.len - l.start);
	free(l.buf);
	return n;
}

#define LOG_FILES_MAX 64

/* The log files, oldest first (container.log.N ... .1, then
 * container.log), opened as one snapshot: the monitor rotates by
 * renaming (.1 to .2 ..., container.log to .1), so files opened one by
 * one while it rotates would skip one, or read one twice. container.log
 * is opened first and the rest after it; if it was rotated meanwhile
 * (another inode has its name), open them all again. */
struct snapshot {
	int fd[LOG_FILES_MAX];
	int n;  /* fd[n - 1] is container.log */
};

static void snapshot_close(struct snapshot *sn)
{
	for (int i = 0; i < sn->n; i++)
		if (sn->fd[i] >= 0)
			close(sn->fd[i]);
	sn->n = 0;
}

/* Is the file open as fd still the one named log (k 0) or log.k? */
static int still_named(int fd, const char *log, int k)
{
	char path[PATH_MAX + 16];
	struct stat a, b;

	if (k)
		snprintf(path, sizeof(path), "%s.%d", log, k);
	else
		snprintf(path, sizeof(path), "%s", log);
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino
		&& a.st_dev == b.st_dev;
}

static void snapshot_open(struct snapshot *sn, const char *log)
{
	char path[PATH_MAX + 16];

	for (int tries = 0; tries < 10; tries++) {
		int rev[LOG_FILES_MAX], n = 0, same = 1;

		if ((rev[n] = open(log, O_RDONLY | O_CLOEXEC)) < 0) {
			sn->n = 0;
			return;
		}
		for (n = 1; n < LOG_FILES_MAX; n++) {
			snprintf(path, sizeof(path), "%s.%d", log, n);
			if ((rev[n] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
				break;
		}
		sn->n = n;
		for (int i = 0; i < n; i++)
			sn->fd[i] = rev[n - 1 - i];
		/* Every name still on the file opened by it: a rotation renames
		 * the oldest first and container.log last, so one that began
		 * while these were opened (.2 opened, then renamed to .3 and
		 * opened again as .3) shows on one name or another. */
		for (int i = 0; i < n && same; i++)
			same = still_named(rev[i], log, i);
		if (same)
			return;
		snapshot_close(sn);
	}
	/* rotated at every try: what the last one got (never reached in
	 * practice: a rotation takes microseconds, and comes at max-size) */
	sn->n = 0;
	if ((sn->fd[0] = open(log, O_RDONLY | O_CLOEXEC)) >= 0)
		sn->n = 1;
}

/* Every file of the snapshot, oldest first. */
static long all_files(struct logs *o, const struct snapshot *sn, int count, off_t *end)
{
	long n = 0;

	for (int i = 0; i < sn->n; i++)
		n += do_file(o, sn->fd[i], count, i == sn->n - 1 ? end : NULL);
	return n;
}

static int still_running(const struct store *s, const char *id)
{
	struct container_state st;

	return !container_state_load(s, id, &st)
		&& (st.status == ST_RUNNING || st.status == ST_RESTARTING);
}

/* Follow container.log from where all_files() ended. When it is rotated
 * (renamed to .1 and made again), finish the old file, then take the new
 * one. Ends when the container is not running and all is printed. */
static void follow(struct logs *o, const struct store *s, const char *id, const char *log,
		   int fd, off_t from)
{
	struct lines l;
	struct stat a, b;
	char *line;
	int eof;

	while (fd < 0 && still_running(s, id)) {
		usleep(100000);
		fd = open(log, O_RDONLY | O_CLOEXEC);
		from = 0;
	}
	if (fd < 0)
		return;
	lseek(fd, from, SEEK_SET);
	lines_init(&l, fd);
	for (;;) {
		int running = still_running(s, id); /* before reading: no line is missed */

		while ((line = next_line(&l, 0, &eof)))
			print_entry(o, line, 0);
		if (fstat(fd, &a) == 0 && stat(log, &b) == 0
		    && (a.st_ino != b.st_ino || a.st_dev != b.st_dev)) {
			int nfd = open(log, O_RDONLY | O_CLOEXEC);

			if (nfd >= 0) {
				while ((line = next_line(&l, 1, &eof)))
					print_entry(o, line, 0);
				close(fd);
				free(l.buf);
				lines_init(&l, fd = nfd);
				continue;
			}
		}
		if (!running)
			break;
		usleep(100000);
	}
	while ((line = next_line(&l, 1, &eof)))
		print_entry(o, line, 0);
	free(l.buf);
	close(fd);
}

int logs_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, 0, 'f' },
		{ "tail", required_argument, 0, 'n' },
		{ "timestamps", no_argument, 0, 't' },
		{ "since", required_argument, 0, 'S' },
		{ "until", required_argument, 0, 'U' },
		{ 0 }
	};
	struct logs o = { 0 };
	const char *root = NULL;
	char id[CONTAINER_ID_LEN + 1], log[PATH_MAX];
	struct snapshot sn;
	off_t end;
	int64_t tail = -1;
	int opt, follow_it = 0;
	struct store s;

	while ((opt = applet_getopt_store(argc, argv, "fn:th", opts, &root)) != -1) {
		switch (opt) {
		case 'f': follow_it = 1; break;
		case 'n':
			if (!strcmp(optarg, "all"))
				break;
			if (number_int(optarg, 0, LONG_MAX, NUMBER_STRTOL, &tail))
				die_usage("--tail %s: not a number of lines", optarg);
			break;
		case 't': o.timestamps = 1; break;
		case 'S':
		case 'U': {
			struct timespec now;
			int64_t *when = opt == 'S' ? &o.since : &o.until;

			clock_gettime(CLOCK_REALTIME, &now);
			if (when_parse(optarg, now.tv_sec * 1000000000LL + now.tv_nsec, when))
				die_usage("--%s: %s", opt == 'S' ? "since" : "until", err_msg());
			if (!*when)
				*when = 1; /* the epoch itself: still a bound */
			break;
		}
		default: die_usage("unknown option");
		}
	}
	if (argc - optind != 1)
		die_usage("need one CONTAINER");
	if (store_open(&s, store_root(root), STORE_RECORDS))
		die_err(EXIT_FAIL);
	if (container_resolve(&s, argv[optind], id) || container_dir(&s, id, log)
	    || path_join(log, log, "container.log"))
		die_err(EXIT_FAIL);
	/* Following may take hours: do not hold the store's lock (its paths
	 * are all we use from here on). */
	store_close(&s);
	snapshot_open(&sn, log);
	if (tail >= 0) {
		o.skip = all_files(&o, &sn, 1, NULL) - tail;
		if (o.skip < 0)
			o.skip = 0;
	}
	end = 0;
	all_files(&o, &sn, 0, follow_it ? &end : NULL);
	if (follow_it) {
		/* on from where the snapshot's container.log ended */
		int fd = sn.n ? dup(sn.fd[sn.n - 1]) : -1;

		follow(&o, &s, id, log, fd, end);
	}
	snapshot_close(&sn);
	return EXIT_OK;
}
