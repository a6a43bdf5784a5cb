/* run.c - run a command in a new container, as docker run does: make the
 * container from an image (record, name, overlay), start it, and either
 * stay with it in the foreground or leave it to a detached monitor.
 * The runtime is in core/ (launch.c, monitor.c; docs/containers.md). */
//applet:run
//summary:run a command in a new container
//config:config APPLET_RUN
//config:	bool "run"
//config:	default y
//config:	help
//config:	  Start a container from an image in the store.
//config:
//config:config RUN_HEALTHCHECK
//config:	bool "Health checks (--health-cmd, the image's HEALTHCHECK)"
//config:	default y
//config:	depends on APPLET_RUN && APPLET_EXEC
//config:	help
//config:	  A detached container's monitor runs its health check
//config:	  through `boxcar exec`; inspect and ps show the result, and
//config:	  --health-on-failure can restart or stop it. About 5 KB.
//config:
//config:config RUN_VOLUMES
//config:	bool "Volumes (-v NAME:/dir, -v /dir, an image's VOLUME)"
//config:	default y
//config:	depends on APPLET_RUN
//config:	help
//config:	  Docker's local volumes in the store (ROOT/volumes), named
//config:	  and anonymous, and the volume applet. Without it only bind
//config:	  mounts and tmpfs: -v NAME:/dir is refused and an image's
//config:	  VOLUME list is ignored (its files stay in the container's
//config:	  layer). About 8 KB.
//config:
//config:config RUN_DRY_RUN
//config:	bool "run --dry-run (the container as an OCI config.json)"
//config:	default y
//config:	depends on APPLET_RUN
//config:	help
//config:	  Print the OCI runtime spec of the container run would
//config:	  make (core/spec_docker.c), making nothing. About 16 KB
//config:	  in a build without the oci applet (the seccomp profile's
//config:	  call names), a few KB with it.
//config:
//config:config RUN_LOG_MAX_SIZE
//config:	int "Log file size cap (KiB)"
//config:	default 1024
//config:	depends on APPLET_RUN
//config:	help
//config:	  A container's container.log is rotated when it
//config:	  passes this size (--log-opt max-size= overrides). Small by
//config:	  default: flash wears with every write. 0: no cap.
//config:
//config:config RUN_LOG_MAX_FILE
//config:	int "Log files kept"
//config:	default 2
//config:	depends on APPLET_RUN
//config:	help
//config:	  How many log files a container keeps, container.log
//config:	  included (--log-opt max-file= overrides).
//usage:[OPTIONS] IMAGE [COMMAND [ARG...]]
//usage:Run COMMAND (default: the image's entrypoint and command) in a new
//usage:container made from IMAGE. In the foreground, exits with its status
//usage:(128+N if signal N killed it); 125 if the container could not be made
//usage:or started, 126 if COMMAND cannot be executed, 127 if not found.
//usage:
//usage:  -d, --detach             run in the background, print the container ID
//usage:  -i, --interactive        keep stdin attached
//usage:  -t, --tty                allocate a pseudo-terminal
//usage:      --rm                 remove the container (and its anonymous volumes)
//usage:                           when it exits
//usage:      --name NAME          name the container
//usage:  -e, --env KEY[=VALUE]    set a variable (repeatable)
//usage:      --env-file FILE      read KEY=VALUE lines from FILE
//usage:  -w, --workdir DIR        working directory (made if missing)
//usage:  -u, --user USER[:GROUP]  name or number, from the image's /etc/passwd
//usage:  -h, --hostname NAME      host name (default: the short ID)
//usage:      --entrypoint CMD     override the image's entrypoint
//usage:  -v, --volume SRC:DST[:OPTS]  bind-mount host path SRC on DST; OPTS:
//usage:                           ro|rw, [r]private|[r]slave|[r]shared, z|Z;
//usage:                           SRC a NAME: volume NAME (made if missing; an
//usage:                           empty one gets the image's files at DST unless
//usage:                           OPTS has nocopy); -v DST: an anonymous volume
//usage:      --tmpfs DST[:OPTS]   mount a tmpfs on DST; OPTS: size=, mode=, uid=,
//usage:                           gid=, nr_inodes=, ro, exec, suid, dev (default
//usage:                           noexec,nosuid,nodev, as Docker)
//usage:      --volumes-from CONTAINER[:ro|:rw]  the volumes and bind mounts of
//usage:                           CONTAINER, on the same targets
//usage:      --mount type=bind|volume|tmpfs,source=SRC,target=DST[,readonly]
//usage:                           [,bind-propagation=P][,volume-nocopy]
//usage:                           [,tmpfs-size=S][,tmpfs-mode=M]
//usage:      --read-only          mount the root file system read-only
//usage:      --dns IP             nameserver in /etc/resolv.conf (repeatable; default the host's)
//usage:      --dns-search DOMAIN  search domain (repeatable)
//usage:      --dns-option OPT     resolver option (repeatable)
//usage:      --add-host NAME:IP   a line in /etc/hosts (repeatable)
//usage:      --net, --network MODE  bridge: on boxcar's bridge, with NAT (the default
//usage:                           unless built without, or $BOXCAR_NETWORK); none: lo only;
//usage:                           host: the host's; container:NAME: NAME's; a network's
//usage:                           name: on that network (network create)
//usage:      --network-alias NAME  another name of it on its network (repeatable)
//usage:  -p, --publish [IP:][HOSTPORT:]PORT[/udp]  publish the container's PORT on
//usage:                           the host (no HOSTPORT: a free one) (repeatable);
//usage:                           ranges: 8000-8010:80-90, 80-90
//usage:  -P, --publish-all        publish the image's exposed ports on free host ports
//usage:      --ip ADDR            the container's address on its network
//usage:      --ip6 ADDR           its IPv6 address, on a network with an IPv6 subnet
//usage:      --mac-address MAC    its eth0's MAC address
//usage:      --privileged         every capability, the host's devices, no masked paths,
//usage:                           no seccomp filter
//usage:      --security-opt OPT   seccomp=unconfined: no seccomp filter;
//usage:                           no-new-privileges: always on (but --privileged)
//usage:      --storage-opt size=SIZE  with --rm: cap the writable layer's tmpfs
//usage:                           (k, m, g or % of RAM; 0: no cap; default 25%)
//usage:      --device HOST[:CONTAINER[:PERMS]]  make host device HOST in the container
//usage:      --cap-add CAP        add a capability (ALL: all of them)
//usage:      --cap-drop CAP       drop a capability (ALL: all of them)
//usage:      --ulimit NAME=SOFT[:HARD]  resource limit (nofile=1024:2048)
//usage:  -m, --memory SIZE        memory limit (k, m, g suffixes)
//usage:      --memory-swap SIZE   memory + swap limit (-1: unlimited swap)
//usage:      --cpus N             CPU quota (1.5: one and a half CPUs)
//usage:  -c, --cpu-shares N       relative CPU weight
//usage:      --pids-limit N       most processes at once (0 or -1: no limit; the
//usage:                           default is the build's, 2048 unless configured)
//usage:      --stop-signal SIG    signal `stop` sends (default SIGTERM)
//usage:      --restart POLICY     no, on-failure[:N], always, unless-stopped (-d)
//usage:      --init               run a reaper as PID 1 that forwards signals
//usage:      --health-cmd CMD     check health by running CMD (sh -c) in it (-d)
//usage:      --health-interval D  time between checks (default 30s; 1m30s, 500ms)
//usage:      --health-timeout D   a check running longer fails (default 30s)
//usage:      --health-retries N   failures in a row that make it unhealthy (3)
//usage:      --health-start-period D  failures before this do not count
//usage:      --health-on-failure ACTION  when unhealthy: none, kill, restart, stop
//usage:      --no-healthcheck     no check, not even the image's HEALTHCHECK
//usage:      --log-opt K=V        max-size=SIZE, max-file=N (json-file log)
//usage:      --dry-run            make nothing: print the container as an OCI config.json
//usage:                           (what `boxcar oci` would run; docs/oci.md)
//usage:      --root DIR           store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR    per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <unistd.h>

#include "applet.h"
#include "bridge.h"
#include "caps.h"
#include "cgroup.h"
#include "container.h"
#include "err.h"
#include "env.h"
#include "envfile.h"
#include "etcfiles.h"
#include "netrec.h"
#include "guard.h"
#include "pathsafe.h"
#include "fsutil.h"
#include "human.h"
#include "image.h"
#include "json.h"
#include "health.h"
#include "launch.h"
#include "monitor.h"
#include "mountspec.h"
#include "number.h"
#include "volume.h"
#include "ocispec.h"
#include "overlay.h"
#include "passwd.h"
#include "signame.h"
#include "spec_docker.h"
#include "store.h"

/* A NULL-terminated list that grows. */
struct list {
	char **v;
	int n, cap;
};

static void list_add(struct list *l, char *s)
{
	if (l->n + 2 > l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		if (!(l->v = realloc(l->v, l->cap * sizeof(char *))))
			die(EXIT_RUNTIME, "out of memory");
	}
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

static char *xstrdup(const char *s)
{
	char *r = strdup(s);

	if (!r)
		die(EXIT_RUNTIME, "out of memory");
	return r;
}

/* -e KEY=V, or -e KEY: the host's value, or nothing (Docker). */
static void env_arg(struct list *env, const char *arg)
{
	const char *v;
	char *kv;

	if (!*arg || *arg == '=')
		diex(EXIT_RUNTIME, "invalid environment variable: %s", arg);
	if (strchr(arg, '=')) {
		list_add(env, xstrdup(arg));
		return;
	}
	if (!(v = getenv(arg)))
		return;
	if (!(kv = malloc(strlen(arg) + strlen(v) + 2)))
		die(EXIT_RUNTIME, "out of memory");
	sprintf(kv, "%s=%s", arg, v);
	list_add(env, kv);
}

static int env_file_add(const char *kv, void *env)
{
	list_add(env, xstrdup(kv));
	return 0;
}

/* Docker's format and messages (core/envfile.h). */
static void env_file(struct list *env, const char *path)
{
	FILE *f = fopen(path, "re");

	if (!f)
		die(EXIT_RUNTIME, "open %s", path);
	if (envfile_parse(f, path, NULL, env_file_add, env))
		die_err(EXIT_RUNTIME);
	fclose(f);
}

static int64_t parse_size(const char *what, const char *s)
{
	int64_t v;

	if (human_parse_size(s, &v))
		diex(EXIT_RUNTIME, "invalid %s: '%s'", what, s);
	return v;
}

static int64_t parse_int(const char *what, const char *s, int64_t min, int64_t max)
{
	int64_t v;

	if (number_int(s, min, max, NUMBER_STRTOL, &v))
		diex(EXIT_RUNTIME, "invalid %s: '%s'", what, s);
	return v;
}

/* "1.5" -> 1500. */
static int64_t parse_cpus(const char *s)
{
	int64_t millis;

	if (cgroup_parse_cpus(s, &millis))
		diex(EXIT_RUNTIME, "invalid --cpus: '%s'", s);
	return millis;
}

static void parse_ulimit(struct container_spec *c, const char *s)
{
	static const struct { const char *name; int res; } names[] = {
		{ "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU }, { "data", RLIMIT_DATA },
		{ "fsize", RLIMIT_FSIZE }, { "locks", RLIMIT_LOCKS },
		{ "memlock", RLIMIT_MEMLOCK }, { "msgqueue", RLIMIT_MSGQUEUE },
		{ "nice", RLIMIT_NICE }, { "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
		{ "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO }, { "rttime", RLIMIT_RTTIME },
		{ "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
	};
	const char *eq = strchr(s, '=');
	struct ulimit_spec u;
	char val[64], *colon;
	unsigned i;

	for (i = 0; eq && i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == (size_t)(eq - s) && !strncmp(names[i].name, s, eq - s))
			break;
	if (!eq || i == sizeof(names) / sizeof(names[0]) || strlen(eq + 1) >= sizeof(val))
		diex(EXIT_RUNTIME, "invalid ulimit: '%s'", s);
	strcpy(val, eq + 1);
	u.resource = names[i].res;
	if ((colon = strchr(val, ':')))
		*colon++ = 0;
#define LIMIT(x) (!strcmp(x, "unlimited") || !strcmp(x, "-1") ? RLIM_INFINITY \
		  : (uint64_t)parse_int("ulimit", x, 0, INT64_MAX))
	u.soft = LIMIT(val);
	u.hard = colon ? LIMIT(colon) : u.soft;
#undef LIMIT
	if (u.soft > u.hard)
		diex(EXIT_RUNTIME, "invalid ulimit: '%s': soft limit above hard limit", s);
	if (!(c->ulimits = realloc(c->ulimits, (c->nulimits + 1) * sizeof(u))))
		die(EXIT_RUNTIME, "out of memory");
	c->ulimits[c->nulimits++] = u;
}

/* -v, --tmpfs, --mount: parsed and checked by core/mountspec.c; here
 * what needs the file system (the source exists) and the other mounts
 * (one mount per target, as Docker: "Duplicate mount point"). */
static void add_mount(struct container_spec *c, enum mountspec_kind kind, const char *arg)
{
	struct mount_spec m;
	struct stat st;

	if (mountspec_parse(kind, arg, &m))
		die_err(EXIT_RUNTIME);
	if (!m.tmpfs && !m.volume && stat(m.source, &st) < 0)
		die(EXIT_RUNTIME, "invalid volume source %s", m.source);
	for (int i = 0; i < c->nmounts; i++) {
		char a[PATH_MAX], b[PATH_MAX];

		if (!path_clean(c->mounts[i].target, a) && !path_clean(m.target, b) && !strcmp(a, b))
			diex(EXIT_RUNTIME, "duplicate mount point: /%s", b);
	}
	if (!(c->mounts = realloc(c->mounts, (c->nmounts + 1) * sizeof(*c->mounts))))
		die(EXIT_RUNTIME, "out of memory");
	c->mounts[c->nmounts++] = m;
}

/* The image's VOLUME list (Config.Volumes, an object whose keys are the
 * paths): an anonymous volume on each path no mount of the user's has,
 * as Docker does. The paths are the image's: checked as -v's. */
static void image_volumes(struct container_spec *c, const struct json_doc *d, uint32_t cfg)
{
	uint32_t vols = cfg ? json_get(d, cfg, "Volumes") : 0;

	if (!ENABLED(RUN_VOLUMES) || !vols || json_type(d, vols) != JSON_OBJECT)
		return;
	for (uint32_t k = json_first(d, vols); k; k = json_next(d, k)) {
		const char *path = json_str(d, k);
		char a[PATH_MAX], b[PATH_MAX];
		int dup = 0;

		if (!path || *path != '/' || strchr(path, ':') || strlen(path) >= PATH_MAX
		    || path_clean(path, b) || !*b)
			diex(EXIT_RUNTIME, "image %s: invalid volume path '%.200s'", c->image,
			     path ? path : "");
		for (int i = 0; i < c->nmounts && !dup; i++)
			dup = !path_clean(c->mounts[i].target, a) && !strcmp(a, b);
		if (!dup)
			add_mount(c, MOUNTSPEC_VOLUME, path);
	}
}

/* --volumes-from CONTAINER[:ro|:rw]: its volumes and bind mounts (not
 * its tmpfs), on the same targets, read-only as they were unless the
 * suffix says; a target the user mounts something else on keeps that. */
static void add_volumes_from(const struct store *s, struct container_spec *c, const char *arg)
{
	char *ref = xstrdup(arg), *mode = strrchr(ref, ':'), id[CONTAINER_ID_LEN + 1];
	struct container_spec from;
	int ro = -1;

	if (!ENABLED(RUN_VOLUMES))
		diex(EXIT_RUNTIME, "--volumes-from: volumes are not built into this boxcar "
		     "(RUN_VOLUMES)");
	if (mode && (!strcmp(mode, ":ro") || !strcmp(mode, ":rw"))) {
		ro = mode[2] == 'o';
		*mode = 0;
	} else if (mode)
		diex(EXIT_RUNTIME, "invalid mode for --volumes-from: %s", mode + 1);
	if (container_resolve(s, ref, id) || container_spec_load(s, id, &from))
		die_err(EXIT_RUNTIME);
	for (int i = 0; i < from.nmounts; i++) {
		struct mount_spec *m = &from.mounts[i], *n;
		char a[PATH_MAX], b[PATH_MAX];
		int dup = 0;

		if (m->tmpfs || !m->source)
			continue;
		for (int k = 0; k < c->nmounts && !dup; k++)
			dup = !path_clean(c->mounts[k].target, a) && !path_clean(m->target, b)
				&& !strcmp(a, b);
		if (dup)
			continue;
		if (!(c->mounts = realloc(c->mounts, (c->nmounts + 1) * sizeof(*c->mounts))))
			die(EXIT_RUNTIME, "out of memory");
		n = &c->mounts[c->nmounts++];
		*n = *m; /* its strings move over */
		n->nocopy = 1; /* filled by its first user already */
		if (ro >= 0)
			n->readonly = ro;
		m->source = m->target = m->options = m->volume = NULL;
	}
	container_spec_free(&from);
	free(ref);
}

/* Name and make the volumes c mounts (anonymous ones get a name, a
 * named one is made on first use, as Docker does) and point their
 * sources at _data. Under the store's write lock, before the record is
 * made; undo_volumes removes the anonymous ones made here if the record
 * is not. */
static int prepare_volumes(struct store *s, struct container_spec *c)
{
	for (int i = 0; ENABLED(RUN_VOLUMES) && i < c->nmounts; i++) {
		struct mount_spec *m = &c->mounts[i];
		char name[VOLUME_NAME_MAX + 1], path[PATH_MAX];
		int existed;

		if (!m->volume)
			continue;
		if (volume_create(s, m->volume, NULL, !*m->volume, name, &existed)
		    || volume_data_path(s, name, path))
			return -1;
		free(m->volume);
		free(m->source);
		m->volume = xstrdup(name);
		m->source = xstrdup(path);
	}
	return 0;
}

static void undo_volumes(struct store *s, const struct container_spec *c)
{
	if (ENABLED(RUN_VOLUMES))
		volume_remove_anonymous(s, c);
}

/* --device HOST[:CONTAINER[:PERMS]], as Docker: HOST a char or block
 * device (a symlink to one is fine), CONTAINER absolute (default HOST),
 * PERMS of r, w, m (default rwm). */
static void parse_device(struct container_spec *c, const char *arg)
{
	char *s = xstrdup(arg), *dst = strchr(s, ':'), *perms = NULL;
	struct device_spec d = { 0 };
	struct stat st;

	if (dst) {
		*dst++ = 0;
		if ((perms = strchr(dst, ':')))
			*perms++ = 0;
		else if (*dst != '/') { /* HOST:PERMS */
			perms = dst;
			dst = NULL;
		}
	}
	if (!dst || !*dst)
		dst = s;
	if (*s != '/' || *dst != '/')
		diex(EXIT_RUNTIME, "invalid device %s: paths must be absolute", arg);
	if (stat(s, &st) < 0)
		die(EXIT_RUNTIME, "error gathering device information while adding custom device %s", s);
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		diex(EXIT_RUNTIME, "invalid device %s: not a character or block device", s);
	if (!perms || !*perms)
		perms = "rwm";
	if (strlen(perms) > 3 || strspn(perms, "rwm") != strlen(perms))
		diex(EXIT_RUNTIME, "invalid device mode: %s", perms);
	strcpy(d.perms, perms);
	d.host = xstrdup(s);
	d.path = xstrdup(dst);
	if (!(c->devices = realloc(c->devices, (c->ndevices + 1) * sizeof(d))))
		die(EXIT_RUNTIME, "out of memory");
	c->devices[c->ndevices++] = d;
	free(s);
}

static uint64_t parse_caps(const char *arg)
{
	char *s = xstrdup(arg);
	uint64_t m = 0;

	for (char *n = strtok(s, ","); n; n = strtok(NULL, ",")) {
		int cap = cap_from_name(n);

		if (cap < 0)
			die_err(EXIT_RUNTIME);
		m |= cap == 64 ? CAPS_ALL : 1ull << cap;
	}
	free(s);
	return m;
}

static void parse_restart(struct container_spec *c, const char *s)
{
	int mode = container_restart_mode(s);

	if (mode >= 0)
		c->restart = mode;
	else if (!strncmp(s, "on-failure:", 11)) {
		c->restart = RESTART_ON_FAILURE;
		c->restart_max = parse_int("restart count", s + 11, 0, INT32_MAX);
	} else
		diex(EXIT_RUNTIME, "invalid restart policy: unknown policy '%s'; use one of "
		     "'no', 'always', 'on-failure', or 'unless-stopped'", s);
}

/* Checked here, kept as given: inspect shows them so, start uses them. */
static void parse_log_opt(struct container_spec *c, const char *s)
{
	if (!strncmp(s, "max-size=", 9)) {
		parse_size("log max-size", s + 9);
		c->log_max_size = xstrdup(s + 9);
	} else if (!strncmp(s, "max-file=", 9)) {
		parse_int("log max-file", s + 9, 1, 100);
		c->log_max_file = xstrdup(s + 9);
	} else
		diex(EXIT_RUNTIME, "unknown log option '%s' (max-size=, max-file=)", s);
}

/* Docker's spellings: "seccomp=unconfined" (also seccomp:unconfined),
 * "no-new-privileges" (=true, :true), which boxcar always sets. */
static void parse_security_opt(struct container_spec *c, const char *s)
{
	if (!strcmp(s, "seccomp=unconfined") || !strcmp(s, "seccomp:unconfined"))
		c->seccomp_unconfined = 1;
	else if (!strncmp(s, "seccomp=", 8) || !strncmp(s, "seccomp:", 8))
		diex(EXIT_RUNTIME, "seccomp profiles are not supported: '%s' (the default filter, "
		     "or seccomp=unconfined)", s);
	else if (strcmp(s, "no-new-privileges") && strcmp(s, "no-new-privileges=true")
		 && strcmp(s, "no-new-privileges:true"))
		diex(EXIT_RUNTIME, "unknown security option '%s' (seccomp=unconfined, "
		     "no-new-privileges)", s);
}

/* --storage-opt size=N[k|m|g|%]: the size of the tmpfs that holds a --rm
 * container's writable layer (0: as big as the kernel allows). */
static void parse_storage_opt(struct container_spec *c, const char *s)
{
	const char *v = s + 5;
	size_t n = strspn(v, "0123456789");

	if (strncmp(s, "size=", 5))
		diex(EXIT_RUNTIME, "unknown storage option '%s' (size=SIZE)", s);
	if (!n || (v[n] && (v[n + 1] || !strchr("kKmMgG%", v[n]))))
		diex(EXIT_RUNTIME, "--storage-opt %s: not a size (N, Nk, Nm, Ng or N%%)", s);
	free(c->storage_size);
	c->storage_size = xstrdup(v);
}

static int ip_valid(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* A word for resolv.conf: no blanks or control characters in it. */
static const char *name_arg(const char *opt, const char *s)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			diex(EXIT_RUNTIME, "invalid %s '%s': no blanks", opt, s);
	if (!*s)
		diex(EXIT_RUNTIME, "invalid %s: empty", opt);
	return s;
}

/* A string array of the image config, appended to l. */
static int config_list(const struct json_doc *d, uint32_t cfg, const char *key, struct list *l)
{
	uint32_t a = cfg ? json_get(d, cfg, key) : 0;

	if (!a || json_type(d, a) != JSON_ARRAY)
		return 0;
	for (uint32_t i = json_first(d, a); i; i = json_next(d, i))
		if (json_str(d, i))
			list_add(l, xstrdup(json_str(d, i)));
	return 1;
}

static const char *config_str(const struct json_doc *d, uint32_t cfg, const char *key)
{
	const char *v = cfg ? json_get_str(d, cfg, key) : NULL;

	return v && *v ? v : NULL;
}

/* The user must exist in the image before anything is made: look in the
 * topmost layer that has an /etc/passwd (what the container will see,
 * unless it was deleted by a layer above). u: resolve it there even when
 * none was asked for (root), for --dry-run; NULL: only check. */
static void check_user(const struct store *s, char **layers, int n, const char *user,
		       struct user_ids *u)
{
	char path[PATH_MAX];
	struct user_ids mine;
	int fd = -1;

	if (!u && (!user || !*user))
		return;
	for (int i = n - 1; i >= 0 && fd < 0; i--) {
		struct stat st;

		if (store_path(s, path, "layers/%s/diff", layers[i] + 7))
			continue;
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && fstatat(fd, "etc/passwd", &st, 0) < 0 && i > 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0 && passwd_resolve(fd, user, u ? u : &mine)) {
		close(fd);
		die_err(EXIT_RUNTIME);
	}
	if (fd >= 0)
		close(fd);
}

/* --dry-run: the container as config.json on stdout (spec_docker.h),
 * with the paths it would have; nothing is made. */
static int dry_run(const struct store *s, struct container_spec *c, const struct user_ids *u)
{
	struct spec_docker d = { .c = c, .user = u };
	char dir[PATH_MAX], rootfs[PATH_MAX], netns[64];
	struct oci_spec spec;
	struct json_w w;

	if (c->net == NET_CONTAINER) {
		char id[CONTAINER_ID_LEN + 1];
		struct container_state st;

		if (container_resolve(s, c->net_container, id) || container_state_load(s, id, &st))
			die_err(EXIT_RUNTIME);
		if (st.status != ST_RUNNING || st.pid <= 0)
			diex(EXIT_RUNTIME, "--network container:%s: the container is not running",
			     c->net_container);
		snprintf(netns, sizeof(netns), "/proc/%d/ns/net", (int)st.pid);
		d.netns = netns;
	}
	if ((c->auto_remove ? container_transient_dir(s, c->id, dir) : container_dir(s, c->id, dir))
	    || path_join(rootfs, dir, "merged"))
		die_err(EXIT_RUNTIME);
	d.rootfs = rootfs;
	d.etcdir = dir;
	/* a volume's source is its _data, known once run names it: an
	 * anonymous one is shown under the name "ANONYMOUS" */
	for (int i = 0; i < c->nmounts; i++) {
		struct mount_spec *m = &c->mounts[i];
		char data[PATH_MAX];

		if (m->volume && !m->source) {
			if (volume_data_path(s, *m->volume ? m->volume : "ANONYMOUS", data)
			    || !(m->source = strdup(data)))
				die_err(EXIT_RUNTIME);
		}
	}
	if (spec_docker_fill(&d, &spec))
		die_err(EXIT_RUNTIME);
	jw_init(&w, 1);
	oci_spec_json(&spec, &w);
	if (jw_finish(&w))
		die_err(EXIT_RUNTIME);
	fputs(w.buf, stdout);
	jw_free(&w);
	oci_spec_free(&spec);
	return EXIT_OK;
}

/* A name as Docker makes one up: adjective_noun. */
static void random_name(char *buf, size_t n)
{
	static const char *const adj[] = {
		"brave", "calm", "eager", "fond", "happy", "keen", "lucid", "merry",
		"nifty", "quirky", "sharp", "stoic", "tender", "vivid", "witty", "zen",
	};
	static const char *const noun[] = {
		"babbage", "curie", "darwin", "euler", "fermat", "gauss", "hopper", "kepler",
		"lovelace", "noether", "pascal", "ritchie", "shannon", "thompson", "turing", "wozniak",
	};
	unsigned char r[2];

	if (getrandom(r, 2, 0) != 2)
		r[0] = getpid(), r[1] = getpid() >> 4;
	snprintf(buf, n, "%s_%s", adj[r[0] % 16], noun[r[1] % 16]);
}

/* The record: ROOT/containers/ID/{config.json,layers,image} and the
 * name; with --rm it is transient, in the runtime dir (container_dir).
 * Staged whole and renamed into place, so a run killed at any point
 * leaves a record ps shows or none (what it left is swept first). On
 * failure nothing is left. */
static int create(struct store *s, struct container_spec *c, int named)
{
	char stage[PATH_MAX], msg[256];
	int e;

	container_sweep(s);
	if (!c->auto_remove && overlay_check(s))
		return -1;
	if (prepare_volumes(s, c) || container_record_stage(s, c, stage)) {
		e = err_errno();
		snprintf(msg, sizeof(msg), "%s", err_msg());
		undo_volumes(s, c);
		return err_setn(e, "%s", msg);
	}
	for (int tries = 0;; tries++) {
		if (!container_name_reserve(s, c->name, c->id, !c->auto_remove))
			break;
		if (named || err_errno() != EEXIST || tries > 20) {
			e = err_errno();
			snprintf(msg, sizeof(msg), "%s", err_msg());
			rm_rf(stage);
			undo_volumes(s, c);
			return err_setn(e, "%s", msg);
		}
		random_name(c->name, sizeof(c->name));
		if (tries > 10)
			snprintf(c->name + strlen(c->name), 8, "%d", tries);
	}
	if (!container_record_commit(s, c, stage))
		return 0;
	e = err_errno();
	snprintf(msg, sizeof(msg), "%s", err_msg());
	container_name_release(s, c->name, c->id);
	rm_rf(stage);
	volume_remove_anonymous(s, c);
	return err_setn(e, "%s", msg);
}

/* --network MODE: the one parser of network modes. */
static void parse_network(struct container_spec *c, const char *mode)
{
	if (!strcmp(mode, "host"))
		c->net = NET_HOST;
	else if (!strcmp(mode, "none"))
		c->net = NET_NONE;
	else if (!strcmp(mode, "private"))
		c->net = NET_PRIVATE;
	else if (!strcmp(mode, "bridge") || !strcmp(mode, "default")) {
		if (!ENABLED(FEATURE_BRIDGE))
			diex(EXIT_RUNTIME, "--network %s: this boxcar was built without bridge "
			     "networking (none, host, container:NAME)", mode);
		c->net = NET_BRIDGE;
	} else if (!strncmp(mode, "container:", 10) && mode[10]) {
		c->net = NET_CONTAINER;
		free(c->net_container);
		c->net_container = xstrdup(mode + 10);
	} else if (ENABLED(FEATURE_BRIDGE) && netrec_name_valid(mode)) {
		c->net = NET_BRIDGE; /* a user network: checked once the store is open */
		free(c->network);
		c->network = xstrdup(mode);
		return;
	} else
		diex(EXIT_RUNTIME, "unknown network mode '%s' (bridge, none, host, container:NAME, "
		     "a network's name)", mode);
	free(c->network);
	c->network = NULL;
}

/* -p, checked now; kept as given for each start to bind again, a range
 * as its ports one by one. */
static void add_port(struct list *ports, const char *spec)
{
	struct portmap p;
	char one[64];
	int n;

	if (!ENABLED(FEATURE_BRIDGE)) {
		list_add(ports, xstrdup(spec));
		return;
	}
	if ((n = portmap_range(spec, 0, one)) < 0)
		die_err(EXIT_RUNTIME);
	if (n > PORTMAP_MAX)
		diex(EXIT_RUNTIME, "-p %s: more than %d ports", spec, PORTMAP_MAX);
	for (int i = 0; i < n; i++) {
		portmap_range(spec, i, one);
		if (portmap_parse(one, &p))
			die_err(EXIT_RUNTIME);
		list_add(ports, xstrdup(one));
	}
}

/* -P: the image's ExposedPorts ("80/tcp": {}), each on a free host port. */
static void publish_all(const struct json_doc *d, uint32_t cfg, struct list *ports)
{
	uint32_t e = cfg ? json_get(d, cfg, "ExposedPorts") : 0;

	if (!e || json_type(d, e) != JSON_OBJECT)
		return;
	for (uint32_t k = json_first(d, e); k; k = json_next(d, k)) {
		const char *key = json_str(d, k);
		struct portmap p;

		if (key && strcmp(key + strcspn(key, "/"), "/sctp") && !portmap_parse(key, &p)
		    && !p.host_port && !p.host_ip)
			list_add(ports, xstrdup(key));
	}
}

enum {
	O_RM = 256, O_NAME, O_ENV_FILE, O_ENTRYPOINT, O_TMPFS, O_READ_ONLY, O_NET, O_PRIV,
	O_CAP_ADD, O_CAP_DROP, O_ULIMIT, O_MEM_SWAP, O_CPUS, O_PIDS, O_STOP_SIGNAL,
	O_RESTART, O_INIT, O_LOG_OPT, O_DEVICE, O_SECURITY_OPT,
	O_STORAGE_OPT, O_DNS, O_DNS_SEARCH, O_DNS_OPTION, O_ADD_HOST, O_IP, O_IP6, O_MAC, O_NET_ALIAS,
	O_HEALTH_CMD, O_HEALTH_INTERVAL, O_HEALTH_TIMEOUT, O_HEALTH_RETRIES, O_HEALTH_START,
	O_HEALTH_ON_FAILURE, O_NO_HEALTH, O_DRY_RUN,
	O_MOUNT = 512, /* docker habits (issue 16): numbered apart from the rest */
	O_VOLUMES_FROM,
};

/* --health-*: into h (health.h), over the image's HEALTHCHECK. */
static void parse_health(struct health_config *h, int opt, const char *arg)
{
	if (!ENABLED(RUN_HEALTHCHECK))
		diex(EXIT_RUNTIME, "health checks are not built into this boxcar (RUN_HEALTHCHECK)");
	int64_t *ms = opt == O_HEALTH_INTERVAL ? &h->interval_ms :
		      opt == O_HEALTH_TIMEOUT ? &h->timeout_ms : &h->start_period_ms;

	switch (opt) {
	case O_HEALTH_CMD:
		health_config_free(h);
		if (!(h->test = calloc(4, sizeof(*h->test))))
			diex(EXIT_RUNTIME, "out of memory");
		h->test[0] = xstrdup("/bin/sh");
		h->test[1] = xstrdup("-c");
		h->test[2] = xstrdup(arg);
		break;
	case O_HEALTH_RETRIES: h->retries = parse_int("--health-retries", arg, 1, 1000000); break;
	case O_HEALTH_ON_FAILURE:
		if (health_on_failure_parse(arg, &h->on_failure))
			die_err(EXIT_RUNTIME);
		break;
	case O_NO_HEALTH: h->disabled = 1; break;
	default:
		if (health_parse_duration(arg, ms) || (*ms <= 0 && opt != O_HEALTH_START))
			diex(EXIT_RUNTIME, "invalid duration for %s: '%s'",
			     opt == O_HEALTH_INTERVAL ? "--health-interval" :
			     opt == O_HEALTH_TIMEOUT ? "--health-timeout" : "--health-start-period",
			     arg);
	}
}

int run_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "detach", no_argument, 0, 'd' }, { "interactive", no_argument, 0, 'i' },
		{ "tty", no_argument, 0, 't' }, { "rm", no_argument, 0, O_RM },
		{ "name", required_argument, 0, O_NAME }, { "env", required_argument, 0, 'e' },
		{ "env-file", required_argument, 0, O_ENV_FILE },
		{ "workdir", required_argument, 0, 'w' }, { "user", required_argument, 0, 'u' },
		{ "hostname", required_argument, 0, 'h' },
		{ "entrypoint", required_argument, 0, O_ENTRYPOINT },
		{ "volume", required_argument, 0, 'v' }, { "tmpfs", required_argument, 0, O_TMPFS },
		{ "mount", required_argument, 0, O_MOUNT },
		{ "volumes-from", required_argument, 0, O_VOLUMES_FROM },
		{ "read-only", no_argument, 0, O_READ_ONLY },
		{ "net", required_argument, 0, O_NET }, { "network", required_argument, 0, O_NET },
		{ "privileged", no_argument, 0, O_PRIV },
		{ "device", required_argument, 0, O_DEVICE },
		{ "security-opt", required_argument, 0, O_SECURITY_OPT },
		{ "storage-opt", required_argument, 0, O_STORAGE_OPT },
		{ "dns", required_argument, 0, O_DNS },
		{ "dns-search", required_argument, 0, O_DNS_SEARCH },
		{ "dns-option", required_argument, 0, O_DNS_OPTION },
		{ "add-host", required_argument, 0, O_ADD_HOST },
		{ "publish", required_argument, 0, 'p' },
		{ "publish-all", no_argument, 0, 'P' },
		{ "ip", required_argument, 0, O_IP }, { "ip6", required_argument, 0, O_IP6 },
		{ "network-alias", required_argument, 0, O_NET_ALIAS },
		{ "net-alias", required_argument, 0, O_NET_ALIAS },
		{ "mac-address", required_argument, 0, O_MAC },
		{ "cap-add", required_argument, 0, O_CAP_ADD },
		{ "cap-drop", required_argument, 0, O_CAP_DROP },
		{ "ulimit", required_argument, 0, O_ULIMIT },
		{ "memory", required_argument, 0, 'm' },
		{ "memory-swap", required_argument, 0, O_MEM_SWAP },
		{ "cpus", required_argument, 0, O_CPUS },
		{ "cpu-shares", required_argument, 0, 'c' },
		{ "pids-limit", required_argument, 0, O_PIDS },
		{ "stop-signal", required_argument, 0, O_STOP_SIGNAL },
		{ "restart", required_argument, 0, O_RESTART }, { "init", no_argument, 0, O_INIT },
		{ "health-cmd", required_argument, 0, O_HEALTH_CMD },
		{ "health-interval", required_argument, 0, O_HEALTH_INTERVAL },
		{ "health-timeout", required_argument, 0, O_HEALTH_TIMEOUT },
		{ "health-retries", required_argument, 0, O_HEALTH_RETRIES },
		{ "health-start-period", required_argument, 0, O_HEALTH_START },
		{ "health-on-failure", required_argument, 0, O_HEALTH_ON_FAILURE },
		{ "no-healthcheck", no_argument, 0, O_NO_HEALTH },
		{ "log-opt", required_argument, 0, O_LOG_OPT },
		{ "dry-run", no_argument, 0, O_DRY_RUN },
		{ 0 }
	};
	struct container_spec c = { 0 };
	struct health_config hc = { 0 };
	struct list env = { 0 }, set_env = { 0 }, cmd = { 0 }, cli_env = { 0 }, env_files = { 0 };
	struct list volumes_from = { 0 };
	struct list dns = { 0 }, dns_search = { 0 }, dns_options = { 0 }, hosts = { 0 };
	struct list ports = { 0 }, aliases = { 0 };
	const char *root = NULL, *entrypoint = NULL, *stop_signal = NULL, *v;
	char abs_root[PATH_MAX], *memory_swap = NULL;
	struct store s;
	struct image im;
	struct user_ids user = { .home = "/" };
	uint32_t cfg, a;
	uint8_t a6[16];
	int dry = 0, opt, named = 0, has_entrypoint = 0, status, code, pids_set = 0, all_ports = 0;

	die_usage_code = EXIT_RUNTIME; /* docker: 125 for a bad option too */
	guard_exe(); /* the init runs this binary in the container (guard.h) */
	/* the default network: $BOXCAR_NETWORK, else the build's */
	v = getenv("BOXCAR_NETWORK");
	parse_network(&c, v && *v ? v : ENABLED(DEFAULT_NETWORK_BRIDGE) ? "bridge" : "none");
	/* "+": options end at IMAGE; what follows is the command's. */
	while ((opt = applet_getopt_store(argc, argv, "+dite:w:u:h:v:m:c:p:P", opts, &root)) != -1) {
		switch (opt) {
		case 'd': c.detach = 1; break;
		case 'i': c.interactive = 1; break;
		case 't': c.tty = 1; break;
		case O_RM: c.auto_remove = 1; break;
		case O_NAME:
			if (!container_name_valid(optarg) || strlen(optarg) > CONTAINER_NAME_MAX)
				diex(EXIT_RUNTIME, "invalid container name \"%s\": only "
				     "[a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", optarg);
			strcpy(c.name, optarg);
			named = 1;
			break;
		case 'e': list_add(&cli_env, optarg); break;
		case O_ENV_FILE: list_add(&env_files, optarg); break;
		case 'w':
			if (*optarg != '/')
				diex(EXIT_RUNTIME, "the working directory '%s' is invalid: it needs "
				     "to be an absolute path", optarg);
			c.workdir = xstrdup(optarg);
			break;
		case 'u': c.user = xstrdup(optarg); break;
		case 'h': c.hostname = xstrdup(optarg); break;
		case O_ENTRYPOINT: entrypoint = optarg; has_entrypoint = 1; break;
		case 'v': add_mount(&c, MOUNTSPEC_VOLUME, optarg); break;
		case O_TMPFS: add_mount(&c, MOUNTSPEC_TMPFS, optarg); break;
		case O_MOUNT: add_mount(&c, MOUNTSPEC_MOUNT, optarg); break;
		case O_VOLUMES_FROM: list_add(&volumes_from, optarg); break;
		case O_READ_ONLY: c.read_only = 1; break;
		case O_NET: parse_network(&c, optarg); break;
		case O_NET_ALIAS:
			if (!netrec_name_valid(optarg))
				diex(EXIT_RUNTIME, "invalid network alias \"%s\"", optarg);
			list_add(&aliases, xstrdup(optarg));
			break;
		case 'p': add_port(&ports, optarg); break;
		case 'P': all_ports = 1; break;
		case O_IP: c.ip = xstrdup(optarg); break;
		case O_IP6: c.ip6 = xstrdup(optarg); break;
		case O_MAC: c.mac = xstrdup(optarg); break;
		case O_PRIV: c.privileged = 1; break;
		case O_DEVICE: parse_device(&c, optarg); break;
		case O_SECURITY_OPT: parse_security_opt(&c, optarg); break;
		case O_STORAGE_OPT: parse_storage_opt(&c, optarg); break;
		case O_DNS:
			if (!ip_valid(optarg))
				diex(EXIT_RUNTIME, "invalid --dns %s: not an IP address", optarg);
			list_add(&dns, xstrdup(optarg));
			break;
		case O_DNS_SEARCH: list_add(&dns_search, xstrdup(name_arg("--dns-search", optarg))); break;
		case O_DNS_OPTION: list_add(&dns_options, xstrdup(name_arg("--dns-option", optarg))); break;
		case O_ADD_HOST:
			if (!etcfiles_host_valid(optarg))
				diex(EXIT_RUNTIME, "invalid --add-host %s: want NAME:IP", optarg);
			list_add(&hosts, xstrdup(optarg));
			break;
		case O_CAP_ADD: c.cap_add |= parse_caps(optarg); break;
		case O_CAP_DROP: c.cap_drop |= parse_caps(optarg); break;
		case O_ULIMIT: parse_ulimit(&c, optarg); break;
		case 'm': c.memory = parse_size("memory size", optarg); break;
		case O_MEM_SWAP: memory_swap = optarg; break;
		case O_CPUS: c.cpu_millis = parse_cpus(optarg); break;
		case 'c': c.cpu_shares = parse_int("--cpu-shares", optarg, 0, 262144); break;
		case O_PIDS:
			c.pids_limit = parse_int("--pids-limit", optarg, -1, INT32_MAX);
			pids_set = 1;
			break;
		case O_STOP_SIGNAL: stop_signal = optarg; break;
		case O_RESTART: parse_restart(&c, optarg); break;
		case O_INIT: c.init = 1; break;
		case O_HEALTH_CMD: case O_HEALTH_INTERVAL: case O_HEALTH_TIMEOUT:
		case O_HEALTH_RETRIES: case O_HEALTH_START: case O_HEALTH_ON_FAILURE:
		case O_NO_HEALTH:
			parse_health(&hc, opt, optarg);
			break;
		case O_LOG_OPT: parse_log_opt(&c, optarg); break;
		case O_DRY_RUN:
			if (!ENABLED(RUN_DRY_RUN))
				diex(EXIT_RUNTIME, "--dry-run is not built into this boxcar (RUN_DRY_RUN)");
			dry = 1;
			break;
		default: die_usage("unknown option");
		}
	}
	if (optind >= argc)
		die_usage("need an IMAGE");
	/* Checks that need no store: bad input makes nothing. */
	if (memory_swap) {
		c.memory_swap = !strcmp(memory_swap, "-1") ? -1 : parse_size("memory-swap", memory_swap);
		if (!c.memory)
			diex(EXIT_RUNTIME, "you should always set the memory limit when using "
			     "the memory-swap limit");
		if (c.memory_swap > 0 && c.memory_swap < c.memory)
			diex(EXIT_RUNTIME, "minimum memory-swap limit should be larger than "
			     "the memory limit");
	} else if (c.memory > 0)
		c.memory_swap = 2 * c.memory; /* Docker's default: as much swap as memory */
	if (c.memory && c.memory < 6 << 20)
		diex(EXIT_RUNTIME, "minimum memory limit allowed is 6MB");
	if (c.auto_remove && c.restart != RESTART_NO)
		diex(EXIT_RUNTIME, "conflicting options: --restart and --rm");
	if ((ports.n || all_ports || c.ip || c.ip6 || c.mac) && c.net != NET_BRIDGE)
		diex(EXIT_RUNTIME, "-p, -P, --ip, --ip6 and --mac-address need --network bridge");
	if (c.ip && inet_pton(AF_INET, c.ip, &a) != 1)
		diex(EXIT_RUNTIME, "invalid --ip %s: not an IPv4 address", c.ip);
	if (c.ip6 && inet_pton(AF_INET6, c.ip6, a6) != 1)
		diex(EXIT_RUNTIME, "invalid --ip6 %s: not an IPv6 address", c.ip6);
	if (aliases.n && !c.network)
		diex(EXIT_RUNTIME, "network-scoped aliases are only supported for user-defined "
		     "networks");
	c.net_aliases = aliases.v;
	if (c.net == NET_CONTAINER && c.hostname)
		diex(EXIT_RUNTIME, "conflicting options: --hostname and --network container");
	/* the kernel takes 64 bytes of anything; /etc/hosts a word */
	if (c.hostname) {
		size_t n = strlen(c.hostname);

		for (size_t i = 0; i < n; i++)
			if ((unsigned char)c.hostname[i] <= ' ' || c.hostname[i] == 0x7f)
				n = 0;
		if (!n || n > 64)
			diex(EXIT_RUNTIME, "invalid hostname: 1 to 64 characters, no space or "
			     "control character");
	}
	c.dns = dns.v;
	c.dns_search = dns_search.v;
	c.dns_options = dns_options.v;
	c.extra_hosts = hosts.v;
	/* Docker: 0 or -1 is no limit; unset is the build's default
	 * (Podman's 2048: a fork bomb stays in its container) */
	if (!pids_set && CONFIG_DEFAULT_PIDS_LIMIT > 0) {
		c.pids_limit = CONFIG_DEFAULT_PIDS_LIMIT;
		c.pids_default = 1;
	} else if (c.pids_limit <= 0)
		c.pids_limit = pids_set ? -1 : 0;
	/* a --rm container's writable layer is a tmpfs of its own, capped,
	 * so that it cannot fill the runtime dir (docs/security.md) */
	if (c.storage_size && !c.auto_remove)
		diex(EXIT_RUNTIME, "--storage-opt size= applies to --rm containers only (their "
		     "writable layer is a tmpfs; others write to the store's disk)");
	if (c.auto_remove && !c.storage_size && *CONFIG_TRANSIENT_SIZE)
		c.storage_size = xstrdup(CONFIG_TRANSIENT_SIZE);
	for (int i = 0; i < env_files.n; i++)
		if (access(env_files.v[i], R_OK) < 0)
			die(EXIT_RUNTIME, "open %s", env_files.v[i]);

	if (store_open(&s, store_root(root), dry ? STORE_READ : STORE_WRITE))
		die_err(EXIT_RUNTIME);
	store_unguard(&s); /* it publishes no blob: a bad input leaves nothing */
	/* The monitor changes directory: the root must not be relative. */
	if (!realpath(s.root, abs_root) || strlen(abs_root) >= sizeof(s.root))
		die(EXIT_RUNTIME, "%s", s.root);
	strcpy(s.root, abs_root);
	if (ENABLED(FEATURE_BRIDGE) && c.network) { /* --network NAME: a network of this store's */
		struct netrec nr;

		if (netrec_find(s.root, c.network, &nr))
			die_err(EXIT_RUNTIME);
		free(c.network);
		c.network = xstrdup(nr.name);
		if (!strcmp(nr.name, "bridge")) { /* its ID given */
			free(c.network);
			c.network = NULL;
		}
	}
	if (image_open(&s, argv[optind], &im)) {
		if (err_errno() == ENOENT || !err_errno())
			diex(EXIT_RUNTIME, "unable to find image '%s' locally", argv[optind]);
		die_err(EXIT_RUNTIME);
	}
	c.image = xstrdup(argv[optind]);
	strcpy(c.image_id, im.id);
	strcpy(c.manifest, im.manifest_digest);
	{
		struct list layers = { 0 };
		char *path;

		a = json_get(&im.manifest, 0, "layers");
		for (uint32_t i = a ? json_first(&im.manifest, a) : 0; i; i = json_next(&im.manifest, i)) {
			const char *d = json_get_str(&im.manifest, i, "digest");

			if (!d || !digest_valid(d))
				diex(EXIT_RUNTIME, "image %s: bad layer descriptor", c.image);
			list_add(&layers, xstrdup(d));
		}
		if (!layers.n)
			diex(EXIT_RUNTIME, "image %s has no layers", c.image);
		c.layers = layers.v;
		cfg = json_get(&im.config, 0, "config");
		if (cfg && json_type(&im.config, cfg) != JSON_OBJECT)
			cfg = 0;
		/* argv: entrypoint + command, each the image's unless given */
		if (has_entrypoint) {
			if (*entrypoint)
				list_add(&cmd, xstrdup(entrypoint));
		} else
			config_list(&im.config, cfg, "Entrypoint", &cmd);
		c.argv_entrypoint = cmd.n;
		if (optind + 1 < argc)
			for (int i = optind + 1; i < argc; i++)
				list_add(&cmd, xstrdup(argv[i]));
		else if (!has_entrypoint)
			config_list(&im.config, cfg, "Cmd", &cmd);
		if (!cmd.n)
			diex(EXIT_RUNTIME, "no command specified");
		c.argv = cmd.v;
		/* env: the image's, then --env-file and -e by KEY; PATH if none */
		config_list(&im.config, cfg, "Env", &env);
		for (int i = 0; i < env_files.n; i++)
			env_file(&set_env, env_files.v[i]);
		for (int i = 0; i < cli_env.n; i++)
			env_arg(&set_env, cli_env.v[i]);
		path = (env.n || set_env.n) && getenv("PATH") ? NULL : xstrdup("PATH=" LAUNCH_DEFAULT_PATH);
		if (!(c.env = env_merge(env.v, set_env.v, set_env.n, &path, 1)))
			die(EXIT_RUNTIME, "out of memory");
		if (ENABLED(FEATURE_BRIDGE) && all_ports)
			publish_all(&im.config, cfg, &ports);
		if (ports.n > PORTMAP_MAX)
			diex(EXIT_RUNTIME, "more than %d published ports", PORTMAP_MAX);
		c.ports = ports.v;
		if (!c.workdir && (v = config_str(&im.config, cfg, "WorkingDir")))
			c.workdir = xstrdup(v);
		if (!c.user && (v = config_str(&im.config, cfg, "User")))
			c.user = xstrdup(v);
		if (!stop_signal)
			stop_signal = config_str(&im.config, cfg, "StopSignal");
		if (stop_signal && (c.stop_signal = sig_from_name(stop_signal)) < 0)
			diex(EXIT_RUNTIME, "invalid stop signal: %s", stop_signal);
		if (health_config_from_image(&im.config, cfg, &hc))
			die_err(EXIT_RUNTIME);
		check_user(&s, c.layers, layers.n, c.user, dry ? &user : NULL);
		for (int i = 0; i < volumes_from.n; i++)
			add_volumes_from(&s, &c, volumes_from.v[i]);
		image_volumes(&c, &im.config, cfg);
	}
	image_close(&im);

	if (container_new_id(c.id))
		die_err(EXIT_RUNTIME);
	if (!c.hostname)
		c.hostname = strndup(c.id, 12);
	if (!named)
		random_name(c.name, sizeof(c.name));
	c.created = container_now();
	if (ENABLED(RUN_DRY_RUN) && dry)
		return dry_run(&s, &c, &user);
	if (create(&s, &c, named)) {
		if (err_errno() == EEXIST) /* the name: the message says it all */
			diex(EXIT_RUNTIME, "%s", err_msg());
		die_err(EXIT_RUNTIME);
	}
	/* The check next to the record: the monitor reads it. */
	if (health_config_save(&s, c.id, &hc)) {
		int e = err_errno();
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err_msg());
		container_remove_record(&s, c.id);
		undo_volumes(&s, &c);
		err_setn(e, "%s", msg);
		die_err(EXIT_RUNTIME);
	}
	health_config_free(&hc);
	/* The record is written: let other commands use the store while the
	 * container runs (its layers are safe, the record names them). */
	store_close(&s);

	if (c.detach) {
		if (monitor_detached(&s, &c, &code))
			die_err(code);
		printf("%s\n", c.id);
		return EXIT_OK;
	}
	if (monitor_foreground(&s, &c, &status))
		die_err(status);
	return status;
}
