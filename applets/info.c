/* info.c - `docker info`: the host as boxcar sees it. */
//applet:info
//summary:show what boxcar sees of this host
//config:config APPLET_INFO
//config:	bool "info"
//config:	default y
//config:	help
//config:	  Print containers and images in the store, the kernel, the
//config:	  cgroup mode, the store and runtime directories, the features
//config:	  compiled in and the security options, like `docker info`.
//usage:[-f FORMAT] [--root DIR] [--runtime-dir DIR]
//usage:Print what `docker info` prints that boxcar has: containers (running,
//usage:paused, stopped) and images in the store, the storage driver, the
//usage:cgroup mode and controllers, kernel, OS, architecture, CPUs, memory,
//usage:host name, the store (Docker Root Dir) and runtime directories, the
//usage:features compiled in and the security options.
//usage:
//usage:  -f, --format T     instead, the Go-style template T over a JSON
//usage:                     object with docker's field names (Containers,
//usage:                     ContainersRunning, Images, CgroupVersion,
//usage:                     KernelVersion, DockerRootDir, SecurityOptions...)
//usage:                     and boxcar's (CgroupMode, RuntimeDir, Features);
//usage:                     {{json .}} for all of it
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "applet.h"
#include "cgroup.h"
#include "container.h"
#include "err.h"
#include "fsutil.h"
#include "human.h"
#include "json.h"
#include "store.h"
#include "template.h"
#include "version.h"

/* The optional features, as Kconfig has them. */
static const struct {
	int on;
	const char *name;
} features[] = {
	{ ENABLED(FEATURE_GZIP), "gzip" },
	{ ENABLED(FEATURE_ZSTD), "zstd" },
	{ ENABLED(FEATURE_TLS), "tls" },
	{ ENABLED(FEATURE_SECCOMP), "seccomp" },
	{ ENABLED(FEATURE_LAYER_CREATE), "layer-create" },
	{ ENABLED(FEATURE_SHA_ASM), "sha-asm" },
};

/* The cgroup controllers, in the order docker lists them. */
static const struct {
	unsigned bit;
	const char *name;
} controllers[] = {
	{ CG_CPU, "cpu" }, { CG_CPUACCT, "cpuacct" }, { CG_MEMORY, "memory" },
	{ CG_PIDS, "pids" }, { CG_FREEZER, "freezer" }, { CG_DEVICES, "devices" },
};

struct counts {
	const struct store *s;
	int all, running, paused, stopped, images, cap;
	char (*seen)[DIGEST_STR_LEN + 1]; /* the images' manifest digests */
};

static int count_container(const char *id, void *arg)
{
	struct counts *c = arg;
	struct container_state st;

	if (container_state_load(c->s, id, &st))
		return 0;
	c->all++;
	if (st.status != ST_RUNNING && st.status != ST_RESTARTING)
		c->stopped++;
	else if (container_paused(id))
		c->paused++;
	else
		c->running++;
	return 0;
}

/* Images, not tags: a manifest tagged twice counts once. */
static int count_image(const char *ref, const char *digest, void *arg)
{
	struct counts *c = arg;
	int seen = 0;

	(void)ref;
	for (int i = 0; i < c->images && !seen; i++)
		seen = !strcmp(c->seen[i], digest);
	if (seen)
		return 0;
	if (c->images == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		if (!(c->seen = realloc(c->seen, c->cap * sizeof(*c->seen))))
			die(EXIT_FAIL, "out of memory");
	}
	snprintf(c->seen[c->images++], sizeof(*c->seen), "%s", digest);
	return 0;
}

/* PRETTY_NAME from /etc/os-release, unquoted, or "". */
static void os_name(char *buf, size_t n)
{
	char *text, *p, *e;
	size_t len;

	buf[0] = 0;
	if (read_file("/etc/os-release", 65536, &text, &len) &&
	    read_file("/usr/lib/os-release", 65536, &text, &len))
		return;
	for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, "PRETTY_NAME=", 12))
			continue;
		p += 12;
		e = p + strcspn(p, "\n");
		if (*p == '"' || *p == '\'')
			p++;
		if (e > p && (e[-1] == '"' || e[-1] == '\''))
			e--;
		snprintf(buf, n, "%.*s", (int)(e - p), p);
		break;
	}
	free(text);
}

struct host {
	struct utsname u;
	struct cgroup_info cg;
	char os[128], ctrls[64], feats[96];
	const char *root, *rundir;
	long cpus;
	int64_t mem;
};

/* Append word to the space-separated list in buf[n]. */
static void add_word(char *buf, size_t n, const char *word)
{
	size_t len = strlen(buf);

	snprintf(buf + len, n - len, "%s%s", len ? " " : "", word);
}

static void print_text(const struct counts *c, const struct host *h)
{
	char mem[16];

	human_size(mem, sizeof(mem), h->mem);
	printf("Containers: %d\n Running: %d\n Paused: %d\n Stopped: %d\n"
	       "Images: %d\n"
	       "Server Version: %s\n"
	       "Storage Driver: overlay2 (layers stored as tar+lz4)\n"
	       "Logging Driver: json-file\n"
	       "Cgroup Driver: cgroupfs\n"
	       "Cgroup Version: %s\n"
	       "Cgroup Mode: %s\n"
	       "Cgroup Controllers: %s\n"
	       "Security Options:\n%s"
	       " no-new-privileges\n"
	       " cgroupns\n"
	       "Kernel Version: %s\n"
	       "Operating System: %s\n"
	       "OSType: linux\n"
	       "Architecture: %s\n"
	       "CPUs: %ld\n"
	       "Total Memory: %s\n"
	       "Name: %s\n"
	       "Docker Root Dir: %s\n"
	       "Runtime Dir: %s\n"
	       "Features: %s\n",
	       c->all, c->running, c->paused, c->stopped, c->images, BOXCAR_VERSION,
	       h->cg.mode == CGROUP_V2 ? "2" : "1", cgroup_mode_name(h->cg.mode), h->ctrls,
	       ENABLED(FEATURE_SECCOMP) ? " seccomp\n  Profile: builtin\n" : "",
	       h->u.release, h->os, h->u.machine, h->cpus, mem, h->u.nodename, h->root,
	       h->rundir, h->feats);
}

static void print_format(const char *format, const struct counts *c, const struct host *h)
{
	struct json_doc d;
	struct json_w w;

	jw_init(&w, 0);
	jw_obj(&w);
	jw_kint(&w, "Containers", c->all);
	jw_kint(&w, "ContainersRunning", c->running);
	jw_kint(&w, "ContainersPaused", c->paused);
	jw_kint(&w, "ContainersStopped", c->stopped);
	jw_kint(&w, "Images", c->images);
	jw_kstr(&w, "ServerVersion", BOXCAR_VERSION);
	jw_kstr(&w, "Driver", "overlay2");
	jw_kstr(&w, "LoggingDriver", "json-file");
	jw_kstr(&w, "CgroupDriver", "cgroupfs");
	jw_kstr(&w, "CgroupVersion", h->cg.mode == CGROUP_V2 ? "2" : "1");
	jw_kstr(&w, "CgroupMode", cgroup_mode_name(h->cg.mode));
	jw_kstr(&w, "CgroupControllers", h->ctrls);
	jw_key(&w, "SecurityOptions");
	jw_arr(&w);
	if (ENABLED(FEATURE_SECCOMP))
		jw_str(&w, "name=seccomp,profile=builtin");
	jw_str(&w, "name=no-new-privileges");
	jw_str(&w, "name=cgroupns");
	jw_end(&w);
	jw_kstr(&w, "KernelVersion", h->u.release);
	jw_kstr(&w, "OperatingSystem", h->os);
	jw_kstr(&w, "OSType", "linux");
	jw_kstr(&w, "Architecture", h->u.machine);
	jw_kint(&w, "NCPU", h->cpus);
	jw_kint(&w, "MemTotal", h->mem);
	jw_kstr(&w, "Name", h->u.nodename);
	jw_kstr(&w, "DockerRootDir", h->root);
	jw_kstr(&w, "RuntimeDir", h->rundir);
	jw_kstr(&w, "Features", h->feats);
	jw_end(&w);
	if (jw_finish(&w) || json_parse(&d, w.buf, w.len) || template_render(format, &d, 0, stdout))
		die_err(EXIT_FAIL);
	putchar('\n');
	json_free(&d);
	jw_free(&w);
}

int info_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, 0, 'f' },
		{ 0 }
	};
	const char *root = NULL, *format = NULL;
	struct counts c = { 0 };
	struct host h;
	struct sysinfo si;
	struct store s;
	int opt;

	while ((opt = applet_getopt_store(argc, argv, "f:h", opts, &root)) != -1) {
		switch (opt) {
		case 'f':
			if (template_check(optarg))
				die_err(EXIT_FAIL);
			format = optarg;
			break;
		default: die_usage("unknown option");
		}
	}
	if (optind < argc)
		die_usage("info takes no arguments");
	memset(&h, 0, sizeof(h));
	h.root = store_root(root);
	h.rundir = container_runtime_dir(NULL);
	if (store_open(&s, h.root, STORE_READ))
		die_err(EXIT_FAIL);
	c.s = &s;
	if (container_each(&s, count_container, &c) < 0 || store_tag_each(&s, count_image, &c) < 0)
		die_err(EXIT_FAIL);
	store_close(&s);
	free(c.seen);
	if (uname(&h.u) < 0)
		die(EXIT_FAIL, "uname");
	if (cgroup_detect(&h.cg))
		die_err(EXIT_FAIL);
	os_name(h.os, sizeof(h.os));
	h.cpus = sysconf(_SC_NPROCESSORS_ONLN);
	h.mem = sysinfo(&si) == 0 ? (int64_t)si.totalram * si.mem_unit : 0;
	for (unsigned i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++)
		if (h.cg.ctrls & controllers[i].bit)
			add_word(h.ctrls, sizeof(h.ctrls), controllers[i].name);
	for (unsigned i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (features[i].on)
			add_word(h.feats, sizeof(h.feats), features[i].name);
	if (format)
		print_format(format, &c, &h);
	else
		print_text(&c, &h);
	return EXIT_OK;
}
