/* container.c - container records: spec and state files, names, locks,
 * lookups and liveness (see container.h).
 *
 * config.json and state.json are boxcar's own JSON, written with json.h;
 * `inspect` turns them into Docker's shape. Nothing here trusts a pid
 * from a file: state_load() checks it against /proc.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "bridge.h"
#include "cgroup.h"
#include "container.h"
#include "err.h"
#include "fsutil.h"
#include "human.h"
#include "json.h"
#include "overlay.h"
#include "pollsleep.h"
#include "release.h"

#define RECORD_MAX (1u << 20) /* config.json, state.json */

static const char *const net_names[NET_MODES] = { "private", "host", "none", "bridge",
						    "container" };
static const char *const restart_names[] = { "no", "on-failure", "always",
					      "unless-stopped" };
static const char *const status_names[] = { "created", "running", "restarting",
					    "exited", "dead", "removing" };

const char *container_status_name(enum container_status st)
{
	return (unsigned)st < sizeof(status_names) / sizeof(status_names[0])
		? status_names[st] : "unknown";
}

static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

const char *container_net_name(enum net_mode net)
{
	return net_names[(unsigned)net < NET_MODES ? net : 0];
}

const char *container_restart_name(enum restart_mode mode)
{
	return restart_names[(unsigned)mode < 4 ? mode : 0];
}

int container_restart_mode(const char *name)
{
	return name_index(restart_names, 4, name);
}

int container_should_restart(const struct container_spec *c,
			     const struct container_state *st, enum restart_when when)
{
	int failed = st->exit_code != 0, fresh = 0;

	if (when == RESTART_AT_BOOT && st->lost) {
		/* it was running or between two runs when it was lost */
		failed = 1;
		fresh = 1;
	}
	switch (c->restart) {
	case RESTART_ALWAYS:
		return when == RESTART_AT_BOOT || !st->stopped_by_user;
	case RESTART_UNLESS_STOPPED:
		return !st->stopped_by_user;
	case RESTART_ON_FAILURE:
		return !st->stopped_by_user && failed
			&& (fresh || c->restart_max <= 0 || st->restart_count < c->restart_max);
	default:
		return 0;
	}
}

/* ---- paths and locks ----------------------------------------------------- */

static char runtime_dir[PATH_MAX / 2];

const char *container_runtime_dir(const char *opt)
{
	const char *env = getenv("BOXCAR_RUNTIME_DIR");

	if (opt && *opt && strlen(opt) < sizeof(runtime_dir))
		strcpy(runtime_dir, opt);
	if (*runtime_dir)
		return runtime_dir;
	return env && *env ? env : CONFIG_RUNTIME_DIR;
}

static int id_valid(const char *id)
{
	size_t n = strspn(id, "0123456789abcdef");

	return n == CONTAINER_ID_LEN && !id[n];
}

/* A --rm container is transient: its record, writable layer and merged
 * dir live under the runtime dir (a tmpfs, like /run), in RUNDIR/store-
 * DEV-INO/ID for the store at ROOT, not in ROOT/containers. It is thrown
 * away when it ends, so nothing of it needs to reach the disk: starting
 * one creates, syncs and frees no inode on the store's file system (on
 * ext4 that was most of the start time), and a power loss leaves nothing
 * to clean up. What it writes takes RAM, charged to its memory cgroup
 * (podman's --transient-store makes the same trade). */
int container_transient_base(const struct store *s, char *buf)
{
	/* Asked for at every container_dir(): the last answer is kept,
	 * for the same store and runtime dir. */
	static char root[sizeof(s->root)], run[sizeof(runtime_dir)], base[PATH_MAX];
	const char *rd = container_runtime_dir(NULL);
	struct stat sb;

	if (*base && !strcmp(root, s->root) && !strcmp(run, rd)) {
		strcpy(buf, base);
		return 0;
	}
	if (stat(s->root, &sb) < 0)
		return err_set("cannot open %s", s->root);
	if (snprintf(buf, PATH_MAX, "%s/store-%llx-%llx", rd, (unsigned long long)sb.st_dev,
		     (unsigned long long)sb.st_ino) >= PATH_MAX)
		return err_setn(ENAMETOOLONG, "runtime dir too long");
	if (strlen(rd) < sizeof(run)) {
		strcpy(root, s->root);
		strcpy(run, rd);
		strcpy(base, buf);
	}
	return 0;
}

int container_transient_dir(const struct store *s, const char *id, char *buf)
{
	if (!id_valid(id))
		return err_setn(EINVAL, "%s: not a container ID", id);
	return container_transient_base(s, buf) || path_join(buf, buf, id);
}

int container_transient(const struct store *s, const char *id)
{
	char dir[PATH_MAX], base[PATH_MAX];
	size_t n;

	if (container_dir(s, id, dir) || container_transient_base(s, base))
		return 0;
	n = strlen(base);
	return !strncmp(dir, base, n) && dir[n] == '/';
}

/* ROOT/containers/ID if it is there, else the transient dir if that is
 * there, else ROOT/containers/ID (for messages and for making it). */
int container_dir(const struct store *s, const char *id, char *buf)
{
	char t[PATH_MAX];
	struct stat sb;

	if (!id_valid(id))
		return err_setn(EINVAL, "%s: not a container ID", id);
	if (store_path(s, buf, "containers/%s", id))
		return -1;
	if (lstat(buf, &sb) == 0 || errno != ENOENT)
		return 0;
	if (!container_transient_dir(s, id, t) && lstat(t, &sb) == 0)
		strcpy(buf, t);
	return 0;
}

int container_run_dir(const char *id, char *buf)
{
	if (!id_valid(id))
		return err_setn(EINVAL, "%s: not a container ID", id);
	if (snprintf(buf, PATH_MAX, "%s/%s", container_runtime_dir(NULL), id) >= PATH_MAX)
		return err_setn(ENAMETOOLONG, "runtime dir too long");
	return 0;
}

int container_lock(const char *id)
{
	char path[PATH_MAX];
	int fd;

	if (container_run_dir(id, path) || mkdir_p(path, 0700))
		return -1;
	if (strlen(path) + 6 >= sizeof(path))
		return err_setn(ENAMETOOLONG, "%s", path);
	strcat(path, "/lock");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set("cannot open %s", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			err_set("cannot lock %s", path);
			close(fd);
			return -1;
		}
	return fd;
}

static int run_lock(const char *id, const char *name, int timeout_ms)
{
	char path[PATH_MAX];
	int fd, waited = 0, step = 0;

	if (container_run_dir(id, path) || mkdir_p(path, 0700) || path_join(path, path, name))
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return err_set("cannot open %s", path);
	while (flock(fd, timeout_ms < 0 ? LOCK_EX : LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK && waited < timeout_ms) {
			waited += poll_sleep(&step);
			continue;
		}
		if (errno != EINTR) {
			close(fd);
			return err_set("cannot lock %s", path);
		}
	}
	return fd;
}

int container_start_lock(const char *id, int timeout_ms)
{
	return run_lock(id, "start.lock", timeout_ms);
}

int container_monitor_lock(const char *id, int timeout_ms)
{
	return run_lock(id, "monitor.lock", timeout_ms);
}

void container_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

int container_new_id(char id[CONTAINER_ID_LEN + 1])
{
	unsigned char r[CONTAINER_ID_LEN / 2];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return err_set("getrandom");
	for (unsigned i = 0; i < sizeof(r); i++)
		sprintf(id + 2 * i, "%02x", r[i]);
	/* Docker avoids all-digit short IDs: they read as numbers. */
	if (strspn(id, "0123456789") >= 12)
		id[0] = 'a';
	return 0;
}

/* ---- time --------------------------------------------------------------- */

int64_t container_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void container_time(int64_t ns, char *buf, size_t n)
{
	time_t t = ns / 1000000000;
	struct tm tm;

	if (ns <= 0 || !gmtime_r(&t, &tm)) {
		snprintf(buf, n, "0001-01-01T00:00:00Z");
		return;
	}
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%09dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(ns % 1000000000));
}

static long long seconds_since(int64_t ns)
{
	return (container_now() - ns) / 1000000000;
}

void container_status_text(const struct container_state *st, char *buf, size_t n)
{
	char d[64];

	switch (st->status) {
	case ST_RUNNING:
		human_duration(d, sizeof(d), seconds_since(st->started_at));
		snprintf(buf, n, "Up %s", d);
		break;
	case ST_RESTARTING:
		human_duration(d, sizeof(d), seconds_since(st->finished_at));
		snprintf(buf, n, "Restarting (%d) %s ago", st->exit_code, d);
		break;
	case ST_EXITED:
		if (!st->finished_at) {
			snprintf(buf, n, "Exited (%d)", st->exit_code);
			break;
		}
		human_duration(d, sizeof(d), seconds_since(st->finished_at));
		snprintf(buf, n, "Exited (%d) %s ago", st->exit_code, d);
		break;
	case ST_DEAD:
		snprintf(buf, n, "Dead");
		break;
	case ST_REMOVING:
		snprintf(buf, n, "Removal In Progress");
		break;
	default:
		snprintf(buf, n, "Created");
	}
}

/* ---- /proc -------------------------------------------------------------- */

/* Field 3 (state) and field 22 (starttime) of /proc/PID/stat. The command
 * name (field 2) may hold spaces and ')', so fields count from the last
 * ')'. */
static int proc_stat(pid_t pid, char *state, uint64_t *start)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd, field;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -1;
	p += 2;
	*state = *p;
	for (field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return -1;
	*start = strtoull(p, NULL, 10);
	return 0;
}

uint64_t proc_start_time(pid_t pid)
{
	uint64_t start;
	char state;

	return proc_stat(pid, &state, &start) ? 0 : start;
}

/* A zombie has run its course: it only waits for its parent to look. */
int proc_alive(pid_t pid, uint64_t start)
{
	uint64_t now;
	char state;

	if (proc_stat(pid, &state, &now) || now != start)
		return 0;
	return state != 'Z' && state != 'X' && state != 'x';
}

/* ---- spec (config.json) ------------------------------------------------- */

/* config.json, one line a field in the order written: its key, its kind
 * and where it is. The key is the member's name: renaming a member
 * renames its key on disk, and records written before lose the field.
 * Reading, a key that is missing or holds another type gives 0, NULL or
 * "", and a fixed buffer gets no more than it holds. */
enum field_kind {
	F_FIXED,           /* char[arg]: a string, cut to fit when read */
	F_STR,             /* char *: a string or null */
	F_LIST,            /* char **, NULL-terminated: an array of strings */
	F_BOOL,            /* int: true or false */
	F_INT,             /* an integer of arg bytes: int, int64_t, uint64_t
			    * (as an int64_t of its bits); narrowed as C does */
	F_RLIM,            /* uint64_t: RLIM_INFINITY, which does not fit an
			    * int64, as -1; any negative reads as it */
	F_ENUM,            /* int: a name of enum_names[arg], unknown ones read
			    * as 0 */
	F_ARRAY,           /* a pointer to structs of nested[arg], counted by
			    * an int: an array of objects */
	F_OBJECT,          /* nested[arg]'s fields, of this same struct */
	F_KIND = 0x0f,
	F_OMIT = 0x10,     /* flag: left out when NULL */
	F_WITH_PREV = 0x20 /* flag: left out when the field before was */
};

struct field {
	const char *key;
	unsigned short off;  /* offsetof the member */
	unsigned char kind;  /* enum field_kind */
	unsigned char arg;   /* F_FIXED, F_INT: sizeof the member; else above */
};

#define FIELD_AT(type, kind, m, arg) { #m, offsetof(type, m), kind, arg }
/* The walkers read an F_INT as an int or an int64_t and an F_BOOL as an
 * int: a member of another size fails the build here, as an array of
 * size -1, rather than being read past its end. */
#define FIELD_SIZE_OK(kind, n) \
	(((kind) & F_KIND) == F_INT ? (n) == sizeof(int) || (n) == sizeof(int64_t) \
	 : ((kind) & F_KIND) == F_BOOL ? (n) == sizeof(int) : 1)
#define FIELD_N(type, kind, m, n) \
	FIELD_AT(type, kind, m, (n) + 0 * sizeof(char[FIELD_SIZE_OK(kind, n) ? 1 : -1]))
#define FIELD(type, kind, m) FIELD_N(type, kind, m, sizeof(((type *)0)->m))
#define SPEC(kind, m) FIELD(struct container_spec, kind, m)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(CONTAINER_NAME_MAX < 255 && DIGEST_STR_LEN < 255, "F_FIXED sizes fit arg");
_Static_assert(sizeof(enum net_mode) == sizeof(int)
	       && sizeof(enum restart_mode) == sizeof(int), "F_ENUM is an int");

enum { NAMES_NET, NAMES_RESTART };
static const struct {
	const char *const *names;
	int n;
} enum_names[] = {
	[NAMES_NET] = { net_names, NET_MODES },
	[NAMES_RESTART] = { restart_names, 4 },
};

static const struct field mount_fields[] = {
	FIELD(struct mount_spec, F_STR, source),
	FIELD(struct mount_spec, F_STR, target),
	FIELD(struct mount_spec, F_BOOL, readonly),
	FIELD(struct mount_spec, F_BOOL, tmpfs),
	FIELD(struct mount_spec, F_STR | F_OMIT, options),
	FIELD(struct mount_spec, F_STR | F_OMIT, volume),
	FIELD(struct mount_spec, F_BOOL | F_WITH_PREV, nocopy), /* with a volume */
};

static const struct field ulimit_fields[] = {
	FIELD(struct ulimit_spec, F_INT, resource),
	FIELD(struct ulimit_spec, F_RLIM, soft),
	FIELD(struct ulimit_spec, F_RLIM, hard),
};

static const struct field device_fields[] = {
	FIELD(struct device_spec, F_STR, host),
	FIELD(struct device_spec, F_STR, path),
	FIELD(struct device_spec, F_FIXED, perms),
};

static const struct field log_fields[] = {
	{ "max-size", offsetof(struct container_spec, log_max_size), F_STR | F_OMIT, 0 },
	{ "max-file", offsetof(struct container_spec, log_max_file), F_STR | F_OMIT, 0 },
};

enum { NEST_MOUNTS, NEST_ULIMITS, NEST_DEVICES, NEST_LOG };
static const struct nest {
	const struct field *fields;
	unsigned char n;
	unsigned short size, count; /* F_ARRAY: sizeof a struct; offsetof its count */
} nested[] = {
#define NEST(f, type, count) { f, COUNT(f), sizeof(type), offsetof(struct container_spec, count) }
	[NEST_MOUNTS] = NEST(mount_fields, struct mount_spec, nmounts),
	[NEST_ULIMITS] = NEST(ulimit_fields, struct ulimit_spec, nulimits),
	[NEST_DEVICES] = NEST(device_fields, struct device_spec, ndevices),
	[NEST_LOG] = { log_fields, COUNT(log_fields), 0, 0 },
#undef NEST
};

static const struct field spec_fields[] = {
	SPEC(F_FIXED, id),
	SPEC(F_FIXED, name),
	SPEC(F_STR, image),
	SPEC(F_FIXED, image_id),
	SPEC(F_FIXED, manifest),
	SPEC(F_LIST, layers),
	SPEC(F_LIST, argv),
	SPEC(F_INT, argv_entrypoint),
	SPEC(F_LIST, env),
	SPEC(F_LIST, dns),
	SPEC(F_LIST, dns_search),
	SPEC(F_LIST, dns_options),
	SPEC(F_LIST, extra_hosts),
	SPEC(F_STR, workdir),
	SPEC(F_STR, user),
	SPEC(F_STR, hostname),
	SPEC(F_BOOL, tty),
	SPEC(F_BOOL, interactive),
	SPEC(F_BOOL, detach),
	SPEC(F_BOOL, auto_remove),
	SPEC(F_BOOL, read_only),
	SPEC(F_BOOL, privileged),
	SPEC(F_BOOL, seccomp_unconfined),
	SPEC(F_BOOL, init),
	FIELD_AT(struct container_spec, F_ENUM, net, NAMES_NET),
	SPEC(F_STR, net_container),
	SPEC(F_STR, network),
	SPEC(F_LIST, net_aliases),
	SPEC(F_LIST, ports),
	SPEC(F_STR, ip),
	SPEC(F_STR, ip6),
	SPEC(F_LIST, connected),
	SPEC(F_STR, mac),
	FIELD_AT(struct container_spec, F_ARRAY, mounts, NEST_MOUNTS),
	FIELD_AT(struct container_spec, F_ARRAY, ulimits, NEST_ULIMITS),
	FIELD_AT(struct container_spec, F_ARRAY, devices, NEST_DEVICES),
	SPEC(F_INT, cap_add),
	SPEC(F_INT, cap_drop),
	SPEC(F_INT, memory),
	SPEC(F_INT, memory_swap),
	SPEC(F_INT, cpu_millis),
	SPEC(F_INT, cpu_shares),
	SPEC(F_INT, pids_limit),
	SPEC(F_BOOL, pids_default),
	SPEC(F_STR, storage_size),
	SPEC(F_INT, stop_signal),
	FIELD_AT(struct container_spec, F_ENUM, restart, NAMES_RESTART),
	SPEC(F_INT, restart_max),
	SPEC(F_INT, created),
	{ "log_opts", 0, F_OBJECT, NEST_LOG },
};

/* An F_ARRAY's pointer is of its struct's type: read and set as bytes. */
static char *array_at(const char *p)
{
	char *a;

	memcpy(&a, p, sizeof(a));
	return a;
}

static void put_fields(struct json_w *w, const struct field *f, int n, const char *base)
{
	int omitted = 0;

	for (; n--; f++) {
		const char *p = base + f->off;
		const struct nest *sub = NULL;

		if (f->kind & F_WITH_PREV ? omitted : f->kind & F_OMIT && !*(char *const *)p) {
			omitted = 1;
			continue;
		}
		omitted = 0;
		jw_key(w, f->key);
		switch (f->kind & F_KIND) {
		case F_FIXED:
			jw_str(w, p);
			break;
		case F_STR:
			if (*(char *const *)p)
				jw_str(w, *(char *const *)p);
			else
				jw_null(w);
			break;
		case F_LIST: {
			char *const *l = *(char **const *)p;

			jw_arr(w);
			for (int i = 0; l && l[i]; i++)
				jw_str(w, l[i]);
			jw_end(w);
			break;
		}
		case F_BOOL:
			jw_bool(w, *(const int *)p);
			break;
		case F_INT:
			jw_int(w, f->arg == sizeof(int) ? *(const int *)p : *(const int64_t *)p);
			break;
		case F_RLIM: {
			uint64_t v = *(const uint64_t *)p;

			jw_int(w, v == RLIM_INFINITY ? -1 : (int64_t)v);
			break;
		}
		case F_ENUM: {
			unsigned v = *(const unsigned *)p;

			jw_str(w, enum_names[f->arg].names[v < (unsigned)enum_names[f->arg].n ? v : 0]);
			break;
		}
		case F_ARRAY:
			sub = &nested[f->arg];
			jw_arr(w);
			for (int i = 0; i < *(const int *)(base + sub->count); i++) {
				jw_obj(w);
				put_fields(w, sub->fields, sub->n, array_at(p) + i * sub->size);
				jw_end(w);
			}
			jw_end(w);
			break;
		case F_OBJECT:
			sub = &nested[f->arg];
			jw_obj(w);
			put_fields(w, sub->fields, sub->n, base);
			jw_end(w);
			break;
		}
	}
}

/* Write data to path atomically with a tmp name of our own, so two
 * writers (monitor and stop) never share one. */
static int write_record(const char *path, const char *data, size_t n)
{
	char tmp[PATH_MAX];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >= (int)sizeof(tmp))
		return err_setn(ENAMETOOLONG, "%s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set("cannot create %s", tmp);
	for (size_t off = 0; off < n;) {
		ssize_t k = write(fd, data + off, n - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			err_set("cannot write %s", tmp);
			goto fail;
		}
		off += k;
	}
	if (fsync(fd) < 0) {
		err_set("cannot write %s", tmp);
		goto fail;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		err_set("cannot rename %s", tmp);
		unlink(tmp);
		return -1;
	}
	return fsync_parent(path);
fail:
	close(fd);
	unlink(tmp);
	return -1;
}

/* w, finished, into DIR/FILE; w is freed. */
static int save_json_in(const char *dir, const char *file, struct json_w *w)
{
	char path[PATH_MAX];
	int rc;

	if (jw_finish(w) || path_join(path, dir, file)) {
		jw_free(w);
		return -1;
	}
	rc = write_record(path, w->buf, w->len);
	jw_free(w);
	return rc;
}

static int save_json(const struct store *s, const char *id, const char *file, struct json_w *w)
{
	char dir[PATH_MAX];

	if (container_dir(s, id, dir)) {
		jw_free(w);
		return -1;
	}
	return save_json_in(dir, file, w);
}

static void spec_json(struct json_w *w, const struct container_spec *c)
{
	jw_init(w, 1);
	jw_obj(w);
	put_fields(w, spec_fields, COUNT(spec_fields), (const char *)c);
	jw_end(w);
}

int container_spec_save(const struct store *s, const struct container_spec *c)
{
	struct json_w w;

	spec_json(&w, c);
	return save_json(s, c->id, "config.json", &w);
}

/* Records are made whole in a staging dir and renamed into place (see
 * container_record_stage): a dir named by an ID is a complete record or
 * gone, whenever its maker is killed. Transient ones stage next to where
 * they go (rename cannot cross file systems), under a name that is no
 * ID and starts with a dot, so no listing and no container_refers sees
 * them. */
#define TRANSIENT_STAGE ".new-"
#define TRANSIENT_GONE ".gone-"   /* a removal's (container_remove_record) */

int container_record_stage(const struct store *s, const struct container_spec *c,
			   char *stage)
{
	char path[PATH_MAX], *buf;
	struct json_w w;
	size_t len = 0;
	int rc;

	if (c->auto_remove) {
		/* The base goes with the store's last transient record (rm):
		 * make it again if it went between the two calls. */
		for (int tries = 0;; tries++) {
			if (container_transient_base(s, stage) || mkdir_p(stage, 0700)
			    || path_join(stage, stage, TRANSIENT_STAGE "XXXXXX"))
				return -1;
			if (mkdtemp(stage))
				break;
			if (errno != ENOENT || tries > 10)
				return err_set("cannot create %s", stage);
		}
	} else {
		/* made and committed under the store's write lock (run):
		 * no sweep runs meanwhile, so its flock is not needed */
		int fd = store_mktemp(s, stage);

		if (fd < 0)
			return -1;
		close(fd);
	}
	for (int i = 0; c->layers && c->layers[i]; i++)
		len += strlen(c->layers[i]) + 1;
	for (int i = 0; i < c->nmounts; i++)
		len += c->mounts[i].volume ? strlen(c->mounts[i].volume) + 1 : 0;
	if (!(buf = malloc(len + 1))) {
		rm_rf(stage);
		return err_setn(ENOMEM, "layers");
	}
	len = 0;
	for (int i = 0; c->layers && c->layers[i]; i++)
		len += sprintf(buf + len, "%s\n", c->layers[i]);
	spec_json(&w, c);
	rc = path_join(path, stage, "layers") || write_file_atomic(path, buf, len, 0600)
		|| path_join(path, stage, "image")
		|| write_file_atomic(path, c->manifest, strlen(c->manifest), 0600);
	/* the volumes it mounts, for volume rm to refuse (volume.h) */
	len = 0;
	for (int i = 0; i < c->nmounts; i++)
		if (c->mounts[i].volume)
			len += sprintf(buf + len, "%s\n", c->mounts[i].volume);
	rc = rc || (len && (path_join(path, stage, "volumes")
			    || write_file_atomic(path, buf, len, 0600)));
	free(buf);
	if (rc)
		jw_free(&w);
	else
		rc = save_json_in(stage, "config.json", &w);
	if (rc) {
		int e = err_errno();
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err_msg());
		rm_rf(stage);
		return err_setn(e, "%s", msg);
	}
	return 0;
}

int container_record_commit(const struct store *s, const struct container_spec *c,
			    const char *stage)
{
	char dir[PATH_MAX];

	if (c->auto_remove ? container_transient_dir(s, c->id, dir)
	    : store_path(s, dir, "containers/%s", c->id))
		return -1;
	if (rename(stage, dir) < 0)
		return err_set("cannot create %s", dir);
	return c->auto_remove ? 0 : fsync_parent(dir);
}

static int load_json(const struct store *s, const char *id, const char *file,
		     struct json_doc *d)
{
	char path[PATH_MAX], *data;
	size_t n;
	int rc;

	if (container_dir(s, id, path) || path_join(path, path, file))
		return -1;
	if (read_file(path, RECORD_MAX, &data, &n))
		return -1;
	rc = json_parse(d, data, n);
	free(data);
	if (rc) {
		char msg[200];

		snprintf(msg, sizeof(msg), "%s", err_msg());
		return err_setn(EINVAL, "%s: %s (a damaged record: rm -f removes it)", path, msg);
	}
	return 0;
}

static char *dup_str(const char *v, int *bad)
{
	char *r;

	if (!v)
		return NULL;
	if (!(r = strdup(v)))
		*bad = 1;
	return r;
}

static char **dup_list(const struct json_doc *d, uint32_t a, int *bad)
{
	uint32_t n = 0;
	char **l;

	if (!a || json_type(d, a) != JSON_ARRAY)
		return NULL;
	if (!(l = calloc(d->nodes[a].len + 1, sizeof(char *)))) {
		*bad = 1;
		return NULL;
	}
	for (uint32_t i = json_first(d, a); i; i = json_next(d, i)) {
		const char *v = json_str(d, i);

		if (v && !(l[n++] = strdup(v)))
			*bad = 1;
	}
	return l;
}

static int64_t get_int(const struct json_doc *d, uint32_t obj, const char *key)
{
	int64_t v = 0;

	json_int(d, json_get(d, obj, key), &v);
	return v;
}

static int get_bool(const struct json_doc *d, uint32_t obj, const char *key)
{
	uint32_t v = json_get(d, obj, key);

	return v && json_type(d, v) == JSON_TRUE;
}

static void copy_fixed(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* The fields of object obj into base (zeroed), by the table; *bad on
 * ENOMEM. Sizes are the table's, whatever the file says. */
static void get_fields(const struct json_doc *d, uint32_t obj, const struct field *f, int n,
		       char *base, int *bad)
{
	for (; n--; f++) {
		char *p = base + f->off;
		const struct nest *sub = NULL;
		uint32_t v = json_get(d, obj, f->key);
		int64_t i = 0;

		switch (f->kind & F_KIND) {
		case F_FIXED:
			copy_fixed(p, f->arg, json_str(d, v));
			break;
		case F_STR:
			*(char **)p = dup_str(json_str(d, v), bad);
			break;
		case F_LIST:
			*(char ***)p = dup_list(d, v, bad);
			break;
		case F_BOOL:
			*(int *)p = v && json_type(d, v) == JSON_TRUE;
			break;
		case F_INT:
			json_int(d, v, &i);
			if (f->arg == sizeof(int))
				*(int *)p = (int)i;
			else
				*(int64_t *)p = i;
			break;
		case F_RLIM:
			json_int(d, v, &i);
			*(uint64_t *)p = i < 0 ? RLIM_INFINITY : (uint64_t)i;
			break;
		case F_ENUM:
			i = name_index(enum_names[f->arg].names, enum_names[f->arg].n, json_str(d, v));
			*(int *)p = i < 0 ? 0 : (int)i;
			break;
		case F_ARRAY: {
			int *count;
			char *a;

			sub = &nested[f->arg];
			count = (int *)(base + sub->count);
			if (!v || json_type(d, v) != JSON_ARRAY || !d->nodes[v].len)
				break;
			a = calloc(d->nodes[v].len, sub->size);
			memcpy(p, &a, sizeof(a));
			*bad |= !a;
			for (uint32_t e = json_first(d, v); e && a; e = json_next(d, e))
				get_fields(d, e, sub->fields, sub->n, a + (*count)++ * sub->size, bad);
			break;
		}
		case F_OBJECT:
			sub = &nested[f->arg];
			if (v)  /* not 0: that would be the top object */
				get_fields(d, v, sub->fields, sub->n, base, bad);
			break;
		}
	}
}

int container_spec_load(const struct store *s, const char *id, struct container_spec *c)
{
	struct json_doc d;
	int bad = 0;

	memset(c, 0, sizeof(*c));
	if (load_json(s, id, "config.json", &d))
		return -1;
	get_fields(&d, 0, spec_fields, COUNT(spec_fields), (char *)c, &bad);
	json_free(&d);
	if (bad) {
		container_spec_free(c);
		return err_setn(ENOMEM, "%s: loading its config", id);
	}
	if (strcmp(c->id, id)) {
		container_spec_free(c);
		return err_setn(EINVAL, "%s: config.json names another container", id);
	}
	return 0;
}

static void free_list(char **l)
{
	for (int i = 0; l && l[i]; i++)
		free(l[i]);
	free(l);
}

static void free_fields(const struct field *f, int n, char *base)
{
	for (; n--; f++) {
		char *p = base + f->off;
		const struct nest *sub = NULL;

		switch (f->kind & F_KIND) {
		case F_STR:
			free(*(char **)p);
			break;
		case F_LIST:
			free_list(*(char ***)p);
			break;
		case F_ARRAY:
			sub = &nested[f->arg];
			for (int i = 0; i < *(int *)(base + sub->count); i++)
				free_fields(sub->fields, sub->n, array_at(p) + i * sub->size);
			free(array_at(p));
			break;
		case F_OBJECT:
			sub = &nested[f->arg];
			free_fields(sub->fields, sub->n, base);
			break;
		}
	}
}

void container_spec_free(struct container_spec *c)
{
	free_fields(spec_fields, COUNT(spec_fields), (char *)c);
	memset(c, 0, sizeof(*c));
}

/* ---- state (state.json) ------------------------------------------------- */

int container_state_save(const struct store *s, const char *id,
			 const struct container_state *st)
{
	struct json_w w;

	jw_init(&w, 1);
	jw_obj(&w);
	jw_kstr(&w, "status", container_status_name(st->status));
	jw_kint(&w, "pid", st->pid);
	jw_kint(&w, "pid_start", (int64_t)st->pid_start);
	jw_kint(&w, "monitor_pid", st->monitor_pid);
	jw_kint(&w, "monitor_start", (int64_t)st->monitor_start);
	jw_kint(&w, "exit_code", st->exit_code);
	jw_kint(&w, "exit_signal", st->exit_signal);
	jw_key(&w, "oom_killed"); jw_bool(&w, st->oom_killed);
	jw_kint(&w, "restart_count", st->restart_count);
	jw_key(&w, "stopped_by_user"); jw_bool(&w, st->stopped_by_user);
	jw_kint(&w, "started_at", st->started_at);
	jw_kint(&w, "finished_at", st->finished_at);
	jw_kstr(&w, "error", st->error);
	jw_end(&w);
	return save_json(s, id, "state.json", &w);
}

/* state.json as written, without the /proc check. A container made but
 * never given a state file is "created". */
static int state_read(const struct store *s, const char *id, struct container_state *st)
{
	struct json_doc d;
	int i;

	memset(st, 0, sizeof(*st));
	if (load_json(s, id, "state.json", &d)) {
		/* What cannot be read is dead, as Docker shows a container
		 * its daemon cannot restore: listed, and removable. */
		st->status = err_errno() == ENOENT ? ST_CREATED : ST_DEAD;
		if (st->status == ST_DEAD)
			copy_fixed(st->error, sizeof(st->error), err_msg());
		return 0;
	}
	i = name_index(status_names, 6, json_get_str(&d, 0, "status"));
	st->status = i < 0 ? ST_DEAD : (enum container_status)i;
	st->pid = get_int(&d, 0, "pid");
	st->pid_start = get_int(&d, 0, "pid_start");
	st->monitor_pid = get_int(&d, 0, "monitor_pid");
	st->monitor_start = get_int(&d, 0, "monitor_start");
	st->exit_code = get_int(&d, 0, "exit_code");
	st->exit_signal = get_int(&d, 0, "exit_signal");
	st->oom_killed = get_bool(&d, 0, "oom_killed");
	st->restart_count = get_int(&d, 0, "restart_count");
	st->stopped_by_user = get_bool(&d, 0, "stopped_by_user");
	st->started_at = get_int(&d, 0, "started_at");
	st->finished_at = get_int(&d, 0, "finished_at");
	copy_fixed(st->error, sizeof(st->error), json_get_str(&d, 0, "error"));
	json_free(&d);
	return 0;
}

/* A container whose init and monitor are both gone (its foreground run
 * or monitor was killed) has nobody left to undo its run: its overlay
 * stays mounted, its cgroup made. Whoever finds it so does what the
 * monitor would have, if nobody holds the container's lock (a start or
 * rm under way does it itself; and a caller holding it must not wait on
 * itself). The record stays, read as exited (255). */
static void release_lost(const struct store *s, const char *id)
{
	char path[PATH_MAX], name[CGROUP_NAME_MAX];
	struct cgroup cg;
	int fd, busy;

	container_cgroup_name(id, name, sizeof(name));
	busy = overlay_mounted(s, id) > 0;
	if (!busy && !cgroup_open(&cg, name))
		busy = 1;
	if (!busy || container_run_dir(id, path) || mkdir_p(path, 0700)
	    || path_join(path, path, "lock"))
		return;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 && container_release(s, id))
		warn("%.12s: %s", id, err_msg());
	close(fd);
}

/* How long a reader waits for a live monitor to record the exit of an
 * init that is gone. It reaps at once, but its record is fsync'd twice:
 * on a busy disk or a board's NAND flash that can take seconds. The wait
 * ends as soon as the record is there. */
#define MONITOR_GRACE_MS 10000

/* The state, checked against /proc:
 *  - running/restarting with the init alive: as recorded;
 *  - the init gone, the monitor alive: the monitor is about to record the
 *    exit (or, restarting, the next start): wait for it a little;
 *  - the init gone and no live monitor (SIGKILL, power loss): nobody will
 *    record how it ended; it reads "exited" with 255, as Docker shows
 *    containers that were running when its daemon died. */
int container_state_load(const struct store *s, const char *id, struct container_state *st)
{
	int waited = 0, step = 0, seen_gone = 0;

	for (;;) {
		int monitor;

		if (state_read(s, id, st))
			return -1;
		if (st->status != ST_RUNNING && st->status != ST_RESTARTING)
			return 0;
		if (st->status == ST_RUNNING && st->pid > 0 && proc_alive(st->pid, st->pid_start))
			return 0;
		monitor = st->monitor_pid > 0 && proc_alive(st->monitor_pid, st->monitor_start);
		if (monitor && st->status == ST_RESTARTING)
			return 0;
		if (monitor) {
			if (waited >= MONITOR_GRACE_MS)
				break;
			waited += poll_sleep(&step);
		} else if (seen_gone++) {
			break;
		}
		/* else read once more: the monitor may have saved its record
		 * and exited between our read and our look at /proc, and
		 * a monitor seen gone has written all it ever will. */
	}
	st->status = ST_EXITED;
	st->exit_code = 255;
	st->exit_signal = 0;
	st->pid = 0;
	st->monitor_pid = 0;
	st->lost = 1;
	release_lost(s, id);
	return 0;
}

/* ---- names -------------------------------------------------------------- */

int container_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > CONTAINER_NAME_MAX || !strchr(
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", name[0]))
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789_.-") == n;
}

static int bad_name(const char *name)
{
	return err_setn(EINVAL, "invalid container name \"%s\": only [a-zA-Z0-9]"
			"[a-zA-Z0-9_.-] are allowed", name);
}

/* Names are links NAME -> ../ID in ROOT/containers/names, or for a
 * transient container in RUNDIR/store-DEV-INO/names: nothing of a --rm
 * container is written to the store's disk. ../ID is the record dir in
 * both. A name is unique across the two: see container_name_reserve. */
static int names_dir(const struct store *s, int transient, char *dir)
{
	if (transient)
		return container_transient_base(s, dir) || path_join(dir, dir, "names");
	return store_path(s, dir, "containers/names");
}

/* DIR/NAME into path, and the ID it points at into id (or ""). */
static int read_name(const char *dir, const char *name, char *path, char *id)
{
	char link[PATH_MAX];
	ssize_t n;

	*id = 0;
	if (snprintf(path, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		return err_setn(ENAMETOOLONG, "%s", dir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return errno == ENOENT ? 0 : err_set("cannot read %s", path);
	link[n] = 0;
	if (!strncmp(link, "../", 3) && id_valid(link + 3))
		strcpy(id, link + 3);
	return 0;
}

/* Is there a record for the container a name link points at? A link
 * without one was left by a crash between removing the two. */
static int live(const struct store *s, const char *id)
{
	char dir[PATH_MAX];
	struct stat sb;

	return *id && (container_dir(s, id, dir) || stat(dir, &sb) == 0 || errno != ENOENT);
}

/* The container that holds name, persistent or transient: its ID, or "". */
static int name_owner(const struct store *s, const char *name, char *id)
{
	char dir[PATH_MAX], path[PATH_MAX];

	if (!container_name_valid(name))
		return bad_name(name);
	for (int t = 0; t < 2; t++) {
		if (names_dir(s, t, dir) || read_name(dir, name, path, id))
			return -1;
		if (live(s, id))
			return 0;
	}
	*id = 0;
	return 0;
}

static int in_use(const char *name, const char *id)
{
	return err_setn(EEXIST, "name \"%s\" is already in use by container %.12s", name, id);
}

/* Take name in dir: a new link, or one left by a crash (under a lock on
 * the dir, so two takers cannot both win; a plain symlink() racing with
 * us still fails on whichever link is there). */
static int take_name(const struct store *s, const char *dir, const char *name, const char *id,
		     int durable)
{
	char path[PATH_MAX], target[4 + CONTAINER_ID_LEN], owner[CONTAINER_ID_LEN + 1];
	int lfd, rc;

	snprintf(target, sizeof(target), "../%s", id);
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return err_setn(ENAMETOOLONG, "%s", dir);
	/* A transient names dir goes with the store's last transient
	 * container (container_remove_record): make it again if need be. */
	for (int tries = 0; tries < 10; tries++) {
		if (symlink(target, path) == 0)
			return durable ? fsync_parent(path) : 0;
		if (errno != ENOENT || mkdir_p(dir, 0700))
			break;
	}
	if (errno != EEXIST)
		return err_set("cannot create %s", path);
	lfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lfd < 0)
		return err_set("cannot open %s", dir);
	while (flock(lfd, LOCK_EX) < 0 && errno == EINTR)
		;
	rc = -1;
	if (read_name(dir, name, path, owner))
		goto out;
	if (live(s, owner)) {
		in_use(name, owner);
		goto out;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		err_set("cannot remove %s", path);
		goto out;
	}
	if (symlink(target, path) < 0) {
		if (errno == EEXIST && !read_name(dir, name, path, owner))
			in_use(name, owner);
		else
			err_set("cannot create %s", path);
		goto out;
	}
	rc = durable ? fsync_parent(path) : 0;
out:
	close(lfd);
	return rc;
}

/* Ours in one names dir, then a look at the other: of two containers
 * that took the same name in different dirs at once, at least one sees
 * the other and gives it back (run makes names under the store's write
 * lock, so it does not come to that). */
int container_name_reserve(const struct store *s, const char *name, const char *id,
			   int durable)
{
	char dir[PATH_MAX], other[PATH_MAX], path[PATH_MAX], owner[CONTAINER_ID_LEN + 1];

	if (!id_valid(id))
		return err_setn(EINVAL, "%s: not a container ID", id);
	if (!container_name_valid(name))
		return bad_name(name);
	if (names_dir(s, !durable, dir) || names_dir(s, durable, other) || mkdir_p(dir, 0700))
		return -1;
	if (read_name(other, name, path, owner))
		return -1;
	if (live(s, owner))
		return in_use(name, owner);
	if (take_name(s, dir, name, id, durable))
		return -1;
	if (!read_name(other, name, path, owner) && live(s, owner)) {
		container_name_release(s, name, id);
		return in_use(name, owner);
	}
	return 0;
}

int container_name_release(const struct store *s, const char *name, const char *id)
{
	char dir[PATH_MAX], path[PATH_MAX], owner[CONTAINER_ID_LEN + 1];

	if (!*name)
		return 0;
	for (int t = 0; t < 2; t++) {
		if (names_dir(s, t, dir) || read_name(dir, name, path, owner))
			return -1;
		if (!strcmp(owner, id) && unlink(path) < 0 && errno != ENOENT)
			return err_set("cannot remove %s", path);
	}
	return 0;
}

static void remove_lost(const struct store *s, const char *id)
{
	int fd = container_lock(id);

	if (fd < 0)
		return;
	if (container_release(s, id) || container_remove_record(s, id))
		warn("%.12s: %s", id, err_msg());
	container_unlock(fd);
}

/* Under the store's write lock, which every maker and remover of records
 * holds: what is staged now was left by a killed run, what is being
 * removed by a killed rm, and a name whose record is gone by either. */
void container_sweep(const struct store *s)
{
	char dirs[2][PATH_MAX], path[PATH_MAX], id[CONTAINER_ID_LEN + 1];
	struct dirent *e;
	DIR *d;

	if (container_transient_base(s, dirs[0]) || !(d = opendir(dirs[0])))
		goto names;
	while ((e = readdir(d))) {
		struct container_state st;

		if ((!strncmp(e->d_name, TRANSIENT_STAGE, strlen(TRANSIENT_STAGE))
		     || !strncmp(e->d_name, TRANSIENT_GONE, strlen(TRANSIENT_GONE)))
		    && !path_join(path, dirs[0], e->d_name) && rm_rf(path))
			warn("%s", err_msg());
		/* a --rm container whose monitor was killed: nobody else
		 * will remove it (state_load released its mount) */
		if (id_valid(e->d_name) && !container_state_load(s, e->d_name, &st) && st.lost)
			remove_lost(s, e->d_name);
	}
	closedir(d);
names:
	overlay_sweep(s);
	for (int t = 0; t < 2; t++) {
		if (names_dir(s, t, dirs[t]) || !(d = opendir(dirs[t])))
			continue;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.' && !read_name(dirs[t], e->d_name, path, id)
			    && !live(s, id))
				unlink(path);
		closedir(d);
	}
}

/* Drop every name that points at id: for a record whose config.json,
 * which names it, cannot be read. */
static int release_names_of(const struct store *s, const char *id)
{
	char dir[PATH_MAX], path[PATH_MAX], owner[CONTAINER_ID_LEN + 1];
	struct dirent *e;
	DIR *d;

	for (int t = 0; t < 2; t++) {
		if (names_dir(s, t, dir))
			return -1;
		if (!(d = opendir(dir)))
			continue;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.' && !read_name(dir, e->d_name, path, owner)
			    && !strcmp(owner, id))
				unlink(path);
		closedir(d);
	}
	return 0;
}

int container_remove_record(const struct store *s, const char *id)
{
	char dir[PATH_MAX], tmp[PATH_MAX], run[PATH_MAX], name[CONTAINER_NAME_MAX + 1] = "";
	struct container_spec c;

	if (container_dir(s, id, dir))
		return -1;
	if (!container_spec_load(s, id, &c)) {
		strcpy(name, c.name);
		container_spec_free(&c);
	} else if (release_names_of(s, id))
		return -1;
	/* Rename first, so the record is whole or gone: a crash half-way
	 * through rm_rf leaves a dir that is not a container any more. A
	 * transient one is renamed next to itself (rename cannot cross file
	 * systems); the name is no ID, so no listing sees it. */
	if (container_transient(s, id)) {
		if (container_transient_base(s, tmp) || path_join(tmp, tmp, TRANSIENT_GONE)
		    || strlen(tmp) + CONTAINER_ID_LEN >= PATH_MAX)
			return -1;
		strcat(tmp, id);
	} else if (store_path(s, tmp, "tmp/container-%s", id))
		return -1;
	/* RUNDIR/ID (its lock, which the caller holds) before the record:
	 * a killed rm leaves the record whole, to be removed again, never
	 * a run dir without one (RUNDIR is shared by stores: nobody else
	 * could tell whose it is). */
	if (container_run_dir(id, run) || rm_rf(run))
		return -1;
	if (rm_rf(tmp) || (rename(dir, tmp) < 0 && errno != ENOENT))
		return err_set("cannot remove %s", dir);
	if (container_name_release(s, name, id))
		return -1;
	/* the writable layer off the record (an overlayfs store) first: a
	 * crash now leaves it to overlay_sweep, its record being gone */
	if (overlay_remove_upper(tmp, id) || rm_rf(tmp))
		return -1;
	/* The last transient record of the store takes its dir (and names
	 * dir) along; one being made meanwhile makes them again (see run's
	 * create() and take_name()). */
	if (!container_transient_base(s, dir) && !path_join(tmp, dir, "names")
	    && (rmdir(tmp) == 0 || errno == ENOENT))
		rmdir(dir);
	return 0;
}

/* ---- lookups ------------------------------------------------------------ */

struct entry {
	char id[CONTAINER_ID_LEN + 1];
	int64_t created;
};

static int by_created(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The dirs that hold container records: ROOT/containers and the
 * transient ones' (see container_dir). */
static int record_dirs(const struct store *s, char dirs[2][PATH_MAX])
{
	return store_path(s, dirs[0], "containers") || container_transient_base(s, dirs[1]);
}

struct entries {
	struct entry *e;
	int n, cap;
};

/* Add the IDs of the records in dir that hold a config.json. */
static int list_dir(const struct store *s, const char *dir, struct entries *l)
{
	struct dirent *de;
	DIR *d;

	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : err_set("cannot open %s", dir);
	while ((de = readdir(d))) {
		struct container_spec c;
		struct stat sb;
		int64_t created;

		if (!id_valid(de->d_name))
			continue;
		/* A dir named by an ID is a whole record (staged, renamed in
		 * and out): one whose config cannot be read is damaged, and
		 * listed all the same (ps shows it Dead, rm removes it). */
		if (!container_spec_load(s, de->d_name, &c)) {
			created = c.created;
			container_spec_free(&c);
		} else if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0
			   && S_ISDIR(sb.st_mode))
			created = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
		else
			continue;
		if (l->n == l->cap) {
			int cap = l->cap ? 2 * l->cap : 16;
			struct entry *ne = realloc(l->e, cap * sizeof(*ne));

			if (!ne) {
				closedir(d);
				return err_setn(ENOMEM, "listing containers");
			}
			l->e = ne;
			l->cap = cap;
		}
		strcpy(l->e[l->n].id, de->d_name);
		l->e[l->n++].created = created;
	}
	closedir(d);
	return 0;
}

/* Every container, persistent and transient, sorted oldest first. */
static int list(const struct store *s, struct entry **out, int *count)
{
	char dirs[2][PATH_MAX];
	struct entries l = { 0 };

	*out = NULL;
	*count = 0;
	if (record_dirs(s, dirs) || list_dir(s, dirs[0], &l) || list_dir(s, dirs[1], &l)) {
		free(l.e);
		return -1;
	}
	if (l.n)
		qsort(l.e, l.n, sizeof(*l.e), by_created);
	*out = l.e;
	*count = l.n;
	return 0;
}

/* Does the FILE ("layers", "image") of any container's record name digest
 * on a line of its own? What keeps a layer or image from being removed.
 * With buf: every such container, "NAME (SHORT-ID)" comma-separated (as
 * much as fits n bytes), and how many. */
static int refers(const struct store *s, const char *file, const char *digest, char *buf,
		  size_t n, int ids)
{
	char dirs[2][PATH_MAX], path[PATH_MAX], *data;
	struct dirent *e;
	int used = 0;
	size_t len = 0, size;
	DIR *d;

	if (buf && n)
		*buf = 0;
	if (record_dirs(s, dirs))
		return 0;
	for (int k = 0; k < 2 && (buf || !used); k++) {
		if (!(d = opendir(dirs[k])))
			continue;
		while ((buf || !used) && (e = readdir(d))) {
			struct container_spec c;
			char name[CONTAINER_NAME_MAX + 1] = "?";
			int hit = 0;

			if (e->d_name[0] == '.'
			    || snprintf(path, sizeof(path), "%s/%s/%s", dirs[k], e->d_name,
					file) >= (int)sizeof(path)
			    || read_file(path, RECORD_MAX, &data, &size))
				continue;
			for (char *line = strtok(data, "\n"); line && !hit; line = strtok(NULL, "\n"))
				hit = !strcmp(line, digest);
			free(data);
			used += hit;
			if (!hit || !buf)
				continue;
			if (ids) {
				len += snprintf(len < n ? buf + len : NULL, len < n ? n - len : 0,
						"%s%s", used > 1 ? ", " : "", e->d_name);
				continue;
			}
			if (!container_spec_load(s, e->d_name, &c)) {
				snprintf(name, sizeof(name), "%s", c.name);
				container_spec_free(&c);
			}
			len += snprintf(len < n ? buf + len : NULL, len < n ? n - len : 0, "%s%s (%.12s)",
					used > 1 ? ", " : "", name, e->d_name);
		}
		closedir(d);
	}
	if (buf && len >= n && n > 4)
		strcpy(buf + n - 4, "...");
	return used;
}

int container_refers(const struct store *s, const char *file, const char *digest)
{
	return refers(s, file, digest, NULL, 0, 0);
}

int container_refers_names(const struct store *s, const char *file, const char *digest,
			   char *buf, size_t n)
{
	return refers(s, file, digest, buf, n, 0);
}

int container_refers_ids(const struct store *s, const char *file, const char *name,
			 char *buf, size_t n)
{
	return refers(s, file, name, buf, n, 1);
}

int container_each(const struct store *s, int (*fn)(const char *id, void *arg), void *arg)
{
	struct entry *e;
	int n, rc = 0;

	if (list(s, &e, &n))
		return -1;
	for (int i = 0; i < n && !rc; i++)
		rc = fn(e[i].id, arg);
	free(e);
	return rc;
}

/* Docker's order: a full ID, then a name, then an ID prefix. */
int container_resolve(const struct store *s, const char *ref, char id[CONTAINER_ID_LEN + 1])
{
	char path[PATH_MAX];
	struct entry *e;
	struct stat sb;
	int n, found = 0;
	size_t len = strlen(ref);

	if (!len)
		return err_setn(0, "no such container: \"\"");
	if (id_valid(ref) && !container_dir(s, ref, path) && stat(path, &sb) == 0) {
		strcpy(id, ref);
		return 0;
	}
	if (container_name_valid(ref) && !name_owner(s, ref, id) && *id)
		return 0;
	if (strspn(ref, "0123456789abcdef") == len && len < CONTAINER_ID_LEN) {
		if (list(s, &e, &n))
			return -1;
		for (int i = 0; i < n; i++)
			if (!strncmp(e[i].id, ref, len)) {
				strcpy(id, e[i].id);
				found++;
			}
		free(e);
		if (found > 1)
			return err_setn(0, "multiple containers found with ID prefix %s", ref);
		if (found)
			return 0;
	}
	return err_setn(0, "no such container: %s", ref);
}

/* ---- stopping ----------------------------------------------------------- */

int container_signal(const struct store *s, const char *id, int sig)
{
	struct container_state st;

	if (container_state_load(s, id, &st))
		return -1;
	if (st.status != ST_RUNNING || st.pid <= 0)
		return err_setn(ESRCH, "container %.12s is not running", id);
	/* proc_alive was checked just now; the pid cannot be reused before
	 * the monitor reaps it, and the monitor records that first. */
	if (kill(st.pid, sig) < 0)
		return err_set("cannot signal container %.12s (pid %d)", id, (int)st.pid);
	/* A frozen init dies only once thawed: docker resumes a paused
	 * container it kills (stop's SIGTERM waits, as there). */
	if (sig == SIGKILL && container_paused(id))
		container_pause(s, id, 0);
	return 0;
}

/* Done when the record says it is not running any more, or when nobody
 * is left to say so (init and monitor gone: then state_load's verdict). */
int container_wait_stopped(const struct store *s, const char *id, int timeout_ms,
			   struct container_state *st)
{
	for (int waited = 0, step = 0;; waited += poll_sleep(&step)) {
		int init, monitor;

		if (state_read(s, id, st))
			return -1;
		if (st->status != ST_RUNNING && st->status != ST_RESTARTING)
			return 0;
		init = st->status == ST_RUNNING && st->pid > 0 && proc_alive(st->pid, st->pid_start);
		monitor = st->monitor_pid > 0 && proc_alive(st->monitor_pid, st->monitor_start);
		if (!init && !monitor)
			return container_state_load(s, id, st);
		if (timeout_ms >= 0 && waited >= timeout_ms)
			return err_setn(ETIMEDOUT, "container %.12s did not stop", id);
	}
}

int container_mark_stopped_by_user(const struct store *s, const char *id)
{
	struct container_state st;
	int fd = container_lock(id), rc = -1;

	if (fd < 0)
		return -1;
	if (!state_read(s, id, &st) && (st.status == ST_RUNNING || st.status == ST_RESTARTING)) {
		st.stopped_by_user = 1;
		rc = container_state_save(s, id, &st);
	} else
		rc = 0;
	container_unlock(fd);
	return rc;
}

int container_stop(const struct store *s, const char *id, int timeout_s,
		   struct container_state *st)
{
	return container_stop_signal(s, id, 0, timeout_s, st);
}

int container_stop_signal(const struct store *s, const char *id, int sig, int timeout_s,
			  struct container_state *st)
{
	struct container_spec c;

	if (!sig) {
		/* a damaged config still lets it be stopped */
		sig = SIGTERM;
		if (!container_spec_load(s, id, &c)) {
			if (c.stop_signal > 0)
				sig = c.stop_signal;
			container_spec_free(&c);
		}
	}
	if (container_state_load(s, id, st))
		return -1;
	if (st->status != ST_RUNNING && st->status != ST_RESTARTING)
		return 0;
	if (container_mark_stopped_by_user(s, id))
		return -1;
	/* past INT_MAX ms (24 days) as -1, forever: timeout_s * 1000 would
	 * wrap, 4294968 s to 704 ms */
	if (timeout_s != 0 && container_signal(s, id, sig) == 0
	    && container_wait_stopped(s, id, timeout_s < 0 || timeout_s > INT_MAX / 1000 ? -1
					     : timeout_s * 1000, st) == 0)
		return 0;
	if (container_signal(s, id, SIGKILL) && errno != ESRCH)
		return -1;
	return container_wait_stopped(s, id, 30000, st);
}

void container_cgroup_name(const char *id, char *buf, size_t n)
{
	snprintf(buf, n, "boxcar-%s", id);
}

int container_release(const struct store *s, const char *id)
{
	char name[CGROUP_NAME_MAX];
	/* whatever is left in its cgroup (an exec'd process that outlived
	 * the init in another PID namespace, a process moved in by hand),
	 * the cgroup, its address and published ports, the overlay */
	struct release r = { .cgroup = name, .kill = 1, .store = s, .id = id };

	container_cgroup_name(id, name, sizeof(name));
	return release_container(&r);
}
