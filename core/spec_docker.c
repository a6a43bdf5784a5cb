/* spec_docker.c - run's container as an OCI runtime spec (see
 * spec_docker.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "applet.h"
#include "caps.h"
#include "cgroup.h"
#include "err.h"
#include "etcfiles.h"
#include "json.h"
#include "launch.h"
#include "mountspec.h"
#include "ocispec.h"
#include "seccomp.h"
#include "spec_docker.h"

/* Docker's lists (moby oci/defaults.go), relative to the root: the one
 * table of them (launch.c masks them too). */
const char *const docker_masked_paths[DOCKER_NMASKED] = {
	"proc/asound", "proc/acpi", "proc/kcore", "proc/keys", "proc/latency_stats",
	"proc/timer_list", "proc/timer_stats", "proc/sched_debug", "proc/scsi",
	"sys/firmware", "sys/devices/virtual/powercap",
};
const char *const docker_readonly_paths[DOCKER_NREADONLY] = {
	"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

static const char *rlimit_name(int res)
{
	static const struct {
		int res;
		const char *name;
	} t[] = {
		{ RLIMIT_AS, "RLIMIT_AS" }, { RLIMIT_CORE, "RLIMIT_CORE" },
		{ RLIMIT_CPU, "RLIMIT_CPU" }, { RLIMIT_DATA, "RLIMIT_DATA" },
		{ RLIMIT_FSIZE, "RLIMIT_FSIZE" }, { RLIMIT_LOCKS, "RLIMIT_LOCKS" },
		{ RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK" }, { RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE" },
		{ RLIMIT_NICE, "RLIMIT_NICE" }, { RLIMIT_NOFILE, "RLIMIT_NOFILE" },
		{ RLIMIT_NPROC, "RLIMIT_NPROC" }, { RLIMIT_RSS, "RLIMIT_RSS" },
		{ RLIMIT_RTPRIO, "RLIMIT_RTPRIO" }, { RLIMIT_RTTIME, "RLIMIT_RTTIME" },
		{ RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING" }, { RLIMIT_STACK, "RLIMIT_STACK" },
	};

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].res == res)
			return t[i].name;
	return NULL;
}

static void list(struct json_w *w, const char *key, const char *const *v, int n)
{
	jw_key(w, key);
	jw_arr(w);
	for (int i = 0; v && (n < 0 ? v[i] != NULL : i < n); i++)
		jw_str(w, v[i]);
	jw_end(w);
}

static int env_has(char **env, const char *key)
{
	size_t n = strlen(key);

	for (int i = 0; env && env[i]; i++)
		if (!strncmp(env[i], key, n) && env[i][n] == '=')
			return 1;
	return 0;
}

static void caps(struct json_w *w, const char *key, uint64_t set)
{
	char name[40];

	jw_key(w, key);
	jw_arr(w);
	for (int cap = 0; cap < 64; cap++)
		if ((set >> cap & 1) && cap_name(cap)) {
			snprintf(name, sizeof(name), "CAP_%s", cap_name(cap));
			jw_str(w, name);
		}
	jw_end(w);
}

/* The environment the init computes (launch.c's make_env): the spec's,
 * then PATH, HOSTNAME, TERM (-t) and HOME where missing. */
static void process_env(struct json_w *w, const struct spec_docker *d)
{
	const struct container_spec *c = d->c;
	char buf[300];

	jw_key(w, "env");
	jw_arr(w);
	for (int i = 0; c->env && c->env[i]; i++)
		jw_str(w, c->env[i]);
	if (!env_has(c->env, "PATH"))
		jw_str(w, "PATH=" LAUNCH_DEFAULT_PATH);
	if (!env_has(c->env, "HOSTNAME") && c->hostname) {
		snprintf(buf, sizeof(buf), "HOSTNAME=%s", c->hostname);
		jw_str(w, buf);
	}
	if (c->tty && !env_has(c->env, "TERM"))
		jw_str(w, "TERM=xterm");
	if (!env_has(c->env, "HOME")) {
		snprintf(buf, sizeof(buf), "HOME=%s", d->user->home);
		jw_str(w, buf);
	}
	jw_end(w);
}

static void process(struct json_w *w, const struct spec_docker *d)
{
	const struct container_spec *c = d->c;
	const struct user_ids *u = d->user;
	/* no more than the runtime holds (--privileged on a host whose
	 * bounding set lacks one): what the container will have */
	uint64_t set = caps_effective_set(c->cap_add, c->cap_drop, c->privileged) & caps_held();

	jw_key(w, "process");
	jw_obj(w);
	jw_key(w, "terminal");
	jw_bool(w, c->tty);
	jw_key(w, "user");
	jw_obj(w);
	jw_kint(w, "uid", u->uid);
	jw_kint(w, "gid", u->gid);
	jw_key(w, "additionalGids");
	jw_arr(w);
	for (int i = 0; i < u->ngroups; i++)
		jw_int(w, u->groups[i]);
	jw_end(w);
	jw_end(w);
	list(w, "args", (const char *const *)c->argv, -1);
	process_env(w, d);
	jw_kstr(w, "cwd", c->workdir && *c->workdir ? c->workdir : "/");
	/* Docker: root gets the set, any other user only the bounding set
	 * (file capabilities may use it) */
	jw_key(w, "capabilities");
	jw_obj(w);
	caps(w, "bounding", set);
	caps(w, "effective", u->uid == 0 ? set : 0);
	caps(w, "permitted", u->uid == 0 ? set : 0);
	jw_end(w);
	jw_key(w, "rlimits");
	jw_arr(w);
	for (int i = 0; i < c->nulimits; i++) {
		const struct ulimit_spec *r = &c->ulimits[i];

		if (!rlimit_name(r->resource))
			continue;
		jw_obj(w);
		jw_kstr(w, "type", rlimit_name(r->resource));
		/* RLIM_INFINITY is 2^64-1: the writer's int64 says -1, which
		 * the reader takes for unlimited */
		jw_kint(w, "hard", r->hard == RLIM_INFINITY ? -1 : (int64_t)r->hard);
		jw_kint(w, "soft", r->soft == RLIM_INFINITY ? -1 : (int64_t)r->soft);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "noNewPrivileges");
	jw_bool(w, !c->privileged);
	jw_end(w);
}

static void put_mount(struct json_w *w, const char *dest, const char *type, const char *source,
		  const char *const *opts)
{
	jw_obj(w);
	jw_kstr(w, "destination", dest);
	jw_kstr(w, "type", type);
	jw_kstr(w, "source", source);
	list(w, "options", opts, -1);
	jw_end(w);
}

/* Does the kernel have mount_setattr (a recursively read-only bind,
 * "rro")? ENOSYS says no; anything else (EBADF for fd -1) yes. */
static int have_rro(void)
{
#ifdef SYS_mount_setattr
	return syscall(SYS_mount_setattr, -1, "", 0, NULL, 0) < 0 && errno != ENOSYS;
#else
	return 0;
#endif
}

/* A volume or tmpfs (mountspec.h) as a mount of the spec. */
static int volume(struct json_w *w, const struct mount_spec *m)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} flags[] = {
		{ MS_RDONLY, "ro" }, { MS_NOSUID, "nosuid" }, { MS_NODEV, "nodev" },
		{ MS_NOEXEC, "noexec" },
	};
	const char *opts[16];
	char data[256], *p;
	unsigned long f;
	int n = 0;

	if (!m->tmpfs) {
		opts[n++] = "rbind";
		opts[n++] = m->options && *m->options ? m->options : "rprivate";
		if (m->readonly)
			opts[n++] = have_rro() ? "rro" : "ro";
		opts[n] = NULL;
		put_mount(w, m->target, "bind", m->source, opts);
		return 0;
	}
	if (mountspec_tmpfs(m->options, &f, data, sizeof(data)))
		return err_prefix(m->target);
	f |= m->readonly ? MS_RDONLY : 0;
	for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (f & flags[i].flag)
			opts[n++] = flags[i].name;
	for (p = strtok(data, ","); p && n < 15; p = strtok(NULL, ","))
		opts[n++] = p;
	opts[n] = NULL;
	put_mount(w, m->target, "tmpfs", "tmpfs", opts);
	return 0;
}

static int mounts(struct json_w *w, const struct spec_docker *d)
{
	static const char *const proc[] = { "nosuid", "noexec", "nodev", NULL };
	static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k",
					   NULL };
	static const char *const pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666",
					   "mode=0620", "gid=5", NULL };
	static const char *const shm[] = { "nosuid", "noexec", "nodev", "mode=1777",
					   "size=65536k", NULL };
	static const char *const sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
	static const char *const bind[] = { "bind", NULL }; /* a file: nothing under it */
	const struct container_spec *c = d->c;

	jw_key(w, "mounts");
	jw_arr(w);
	put_mount(w, "/proc", "proc", "proc", proc);
	put_mount(w, "/dev", "tmpfs", "tmpfs", dev);
	put_mount(w, "/dev/pts", "devpts", "devpts", pts);
	put_mount(w, "/dev/shm", "tmpfs", "shm", shm);
	put_mount(w, "/dev/mqueue", "mqueue", "mqueue", proc);
	put_mount(w, "/sys", "sysfs", "sysfs", c->privileged ? proc : sys);
	/* the name files before the volumes: a volume on one wins */
	for (int i = 0; d->etcdir && i < 3; i++) {
		char src[PATH_MAX], dst[32];

		snprintf(dst, sizeof(dst), "/etc/%s", etcfiles_names[i]);
		if (snprintf(src, sizeof(src), "%s/%s", d->etcdir, etcfiles_names[i])
		    >= (int)sizeof(src))
			return err_setn(ENAMETOOLONG, "%s", d->etcdir);
		put_mount(w, dst, "bind", src, bind);
	}
	for (int i = 0; i < c->nmounts; i++)
		if (volume(w, &c->mounts[i]))
			return -1;
	jw_end(w);
	return 0;
}

static void device(struct json_w *w, const char *path, const struct stat *st)
{
	jw_obj(w);
	jw_kstr(w, "path", path);
	jw_kstr(w, "type", S_ISBLK(st->st_mode) ? "b" : "c");
	jw_kint(w, "major", major(st->st_rdev));
	jw_kint(w, "minor", minor(st->st_rdev));
	jw_kint(w, "fileMode", st->st_mode & 07777);
	jw_kint(w, "uid", st->st_uid);
	jw_kint(w, "gid", st->st_gid);
	jw_end(w);
}

/* --privileged: the host's device nodes, as Docker lists them (runc's
 * HostDevices), not what the container makes itself. */
static void host_devices(struct json_w *w, const char *dir, int depth)
{
	static const char *const skip[] = { "pts", "shm", "mqueue", "fd", "console",
					    ".lxc", ".lxd-mounts", ".udev" };
	struct dirent *de;
	DIR *dp = opendir(dir);

	while (dp && (de = readdir(dp))) {
		char path[PATH_MAX];
		struct stat st;
		unsigned i;

		for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
			if (!strcmp(de->d_name, skip[i]))
				break;
		if (i < sizeof(skip) / sizeof(skip[0]) || de->d_name[0] == '.'
		    || snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path)
		    || lstat(path, &st) < 0)
			continue;
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			device(w, path, &st);
		else if (S_ISDIR(st.st_mode) && depth < 8)
			host_devices(w, path, depth + 1);
	}
	if (dp)
		closedir(dp);
}

static void namespaces(struct json_w *w, const struct spec_docker *d)
{
	static const char *const kinds[] = { "pid", "ipc", "uts", "mount" };
	const struct container_spec *c = d->c;
	struct stat st;

	jw_key(w, "namespaces");
	jw_arr(w);
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		jw_obj(w);
		jw_kstr(w, "type", kinds[i]);
		jw_end(w);
	}
	if (c->net != NET_HOST) {
		jw_obj(w);
		jw_kstr(w, "type", "network");
		if (c->net == NET_CONTAINER && d->netns)
			jw_kstr(w, "path", d->netns);
		jw_end(w);
	}
	/* run unshares one where the kernel has them (4.6) */
	if (stat("/proc/self/ns/cgroup", &st) == 0) {
		jw_obj(w);
		jw_kstr(w, "type", "cgroup");
		jw_end(w);
	}
	jw_end(w);
}

static void resources(struct json_w *w, const struct container_spec *c)
{
	jw_key(w, "resources");
	jw_obj(w);
	jw_key(w, "devices");
	jw_arr(w);
	jw_obj(w);
	jw_key(w, "allow");
	jw_bool(w, c->privileged);
	jw_kstr(w, "access", "rwm");
	jw_end(w);
	for (int i = 0; !c->privileged && i < c->ndevices; i++) {
		struct stat st;

		if (!c->devices[i].host || stat(c->devices[i].host, &st) < 0)
			continue;
		jw_obj(w);
		jw_key(w, "allow");
		jw_bool(w, 1);
		jw_kstr(w, "type", S_ISBLK(st.st_mode) ? "b" : "c");
		jw_kint(w, "major", major(st.st_rdev));
		jw_kint(w, "minor", minor(st.st_rdev));
		jw_kstr(w, "access", c->devices[i].perms);
		jw_end(w);
	}
	jw_end(w);
	if (c->memory > 0) {
		jw_key(w, "memory");
		jw_obj(w);
		jw_kint(w, "limit", c->memory);
		if (c->memory_swap)
			jw_kint(w, "swap", c->memory_swap);
		jw_end(w);
	}
	if (c->cpu_millis > 0 || c->cpu_shares > 0) {
		jw_key(w, "cpu");
		jw_obj(w);
		if (c->cpu_shares > 0)
			jw_kint(w, "shares", c->cpu_shares);
		if (c->cpu_millis > 0) { /* cgroup.h: over 100 ms */
			jw_kint(w, "quota", c->cpu_millis * 100);
			jw_kint(w, "period", 100000);
		}
		jw_end(w);
	}
	if (c->pids_limit) {
		jw_key(w, "pids");
		jw_obj(w);
		jw_kint(w, "limit", c->pids_limit);
		jw_end(w);
	}
	jw_end(w);
}

/* One of Docker's tables, its paths made absolute. */
static void abs_paths(struct json_w *w, const char *key, const char *const *rel, int n)
{
	char path[64];

	jw_key(w, key);
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/%s", rel[i]);
		jw_str(w, path);
	}
	jw_end(w);
}

static void linux_part(struct json_w *w, const struct spec_docker *d)
{
	const struct container_spec *c = d->c;
	char cg[CGROUP_NAME_MAX];

	jw_key(w, "linux");
	jw_obj(w);
	namespaces(w, d);
	jw_key(w, "devices");
	jw_arr(w);
	if (c->privileged)
		host_devices(w, "/dev", 0);
	for (int i = 0; i < c->ndevices; i++) {
		struct stat st;

		if (c->devices[i].host && stat(c->devices[i].host, &st) == 0)
			device(w, c->devices[i].path, &st);
	}
	jw_end(w);
	resources(w, c);
	container_cgroup_name(c->id, cg, sizeof(cg));
	jw_kstr(w, "cgroupsPath", cg);
	if (!c->privileged) {
		abs_paths(w, "maskedPaths", docker_masked_paths, DOCKER_NMASKED);
		abs_paths(w, "readonlyPaths", docker_readonly_paths, DOCKER_NREADONLY);
	}
	if (ENABLED(RUN_DRY_RUN) && ENABLED(FEATURE_SECCOMP) && !c->privileged && !c->seccomp_unconfined
	    && !d->no_profile) {
		jw_key(w, "seccomp");
		seccomp_default_json(caps_effective_set(c->cap_add, c->cap_drop, 0), w);
	}
	jw_end(w);
}

static const char *const net_names[NET_MODES] = {
	[NET_PRIVATE] = "private", [NET_HOST] = "host", [NET_NONE] = "none",
	[NET_BRIDGE] = "bridge", [NET_CONTAINER] = "container",
};

int spec_docker_json(const struct spec_docker *d, struct json_w *w)
{
	const struct container_spec *c = d->c;
	char net[CONTAINER_NAME_MAX + 16];

	jw_obj(w);
	jw_kstr(w, "ociVersion", OCI_VERSION);
	process(w, d);
	jw_key(w, "root");
	jw_obj(w);
	jw_kstr(w, "path", d->rootfs);
	jw_key(w, "readonly");
	jw_bool(w, c->read_only);
	jw_end(w);
	if (c->hostname)
		jw_kstr(w, "hostname", c->hostname);
	if (mounts(w, d))
		return -1;
	linux_part(w, d);
	jw_key(w, "annotations");
	jw_obj(w);
	if (*c->name)
		jw_kstr(w, SPEC_ANN_NAME, c->name);
	if (c->image)
		jw_kstr(w, SPEC_ANN_IMAGE, c->image);
	snprintf(net, sizeof(net), "%s%s%s", net_names[c->net], c->net == NET_CONTAINER ? ":" : "",
		 c->net == NET_CONTAINER && c->net_container ? c->net_container : "");
	jw_kstr(w, SPEC_ANN_NETWORK, net);
	if (c->init)
		jw_kstr(w, SPEC_ANN_INIT, "true");
	jw_end(w);
	jw_end(w);
	return 0;
}

int spec_docker_load(const struct container_spec *c, const char *rootfs, const char *etcdir,
		     int nsfd, struct oci_spec *s)
{
	struct spec_docker d = { .c = c, .rootfs = rootfs, .etcdir = etcdir, .no_profile = 1 };
	struct user_ids u;
	struct json_w w;
	char netns[32];
	int fd, rc;

	if ((fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_set("cannot open %s", rootfs);
	rc = passwd_resolve(fd, c->user, &u);
	close(fd);
	if (rc)
		return -1;
	d.user = &u;
	if (nsfd >= 0) {
		snprintf(netns, sizeof(netns), "/proc/self/fd/%d", nsfd);
		d.netns = netns;
	}
	jw_init(&w, 0);
	rc = spec_docker_json(&d, &w) || jw_finish(&w) || oci_spec_parse(s, w.buf, w.len);
	jw_free(&w);
	if (rc)
		return -1;
	s->run_init = c->init;
	s->seccomp_builtin = ENABLED(FEATURE_SECCOMP) && !c->privileged && !c->seccomp_unconfined;
	for (int i = 0; i < s->nmounts; i++) {
		struct oci_mount *m = &s->mounts[i];

		/* mqueue: skipped without it; devpts: again without gid=5;
		 * sysfs: the host's alone, not recursive, where a new one
		 * cannot be had; the name files: skipped over a link */
		m->optional = !strcmp(m->type, "mqueue") || !strcmp(m->type, "devpts")
			|| !strcmp(m->type, "sysfs")
			|| (etcdir && m->bind && !strncmp(m->source, etcdir, strlen(etcdir))
			    && m->source[strlen(etcdir)] == '/');
	}
	/* the volumes are the last mounts, in c's order (mounts above) */
	for (int i = 0, j = s->nmounts - c->nmounts; ENABLED(RUN_VOLUMES) && i < c->nmounts; i++, j++)
		if (c->mounts[i].volume) {
			if (j < 0 || strcmp(s->mounts[j].dest, c->mounts[i].target)) {
				oci_spec_free(s);
				return err_setn(EINVAL, "volume %s out of place", c->mounts[i].target);
			}
			s->mounts[j].volume = 1;
			s->mounts[j].nocopy = c->mounts[i].nocopy;
		}
	return 0;
}
