/* spec_docker.c - run's container as an OCI runtime spec (see
 * spec_docker.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
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
#include "env.h"
#include "err.h"
#include "etcfiles.h"
#include "launch.h"
#include "mountspec.h"
#include "ns.h"
#include "ocispec.h"
#include "seccomp.h"
#include "spec_docker.h"

/* Docker's lists (moby oci/defaults.go): the one table of them. */
char *const docker_masked_paths[DOCKER_NMASKED + 1] = {
	"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", "/sys/devices/virtual/powercap", NULL
};
char *const docker_readonly_paths[DOCKER_NREADONLY + 1] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL
};

/* a, b and c (NULL: none) joined, a string the spec owns (freed by
 * oci_spec_free), or NULL with err_set. No printf: this is on every
 * start's way. */
static char *own_str(struct oci_spec *s, const char *a, const char *b, const char *c)
{
	const char *part[3] = { a, b, c };
	size_t len[3], n = 0;
	struct oci_owned *o;
	char *p;

	for (int i = 0; i < 3; i++)
		n += len[i] = part[i] ? strlen(part[i]) : 0;
	if (!(o = malloc(sizeof(*o) + n + 1))) {
		err_setn(ENOMEM, "spec");
		return NULL;
	}
	p = o->s;
	for (int i = 0; i < 3; i++) {
		memcpy(p, part[i] ? part[i] : "", len[i]);
		p += len[i];
	}
	*p = 0;
	o->next = s->owned;
	s->owned = o;
	return o->s;
}

static int nomem(void)
{
	return err_setn(ENOMEM, "spec");
}

static int count(char *const *v)
{
	int n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* The environment the init used to compute: the spec's, then PATH,
 * HOSTNAME, TERM (-t) and HOME where missing. */
static int process_env(const struct spec_docker *d, struct oci_spec *s)
{
	const struct container_spec *c = d->c;
	char *def[4] = { "PATH=" LAUNCH_DEFAULT_PATH, NULL, c->tty ? "TERM=xterm" : NULL, NULL };

	if (c->hostname && !(def[1] = own_str(s, "HOSTNAME=", c->hostname, NULL)))
		return -1;
	/* without d->user: the init adds it (spec_docker_user); only
	 * --dry-run gives one */
	if (ENABLED(RUN_DRY_RUN) && d->user && !(def[3] = own_str(s, "HOME=", d->user->home, NULL)))
		return -1;
	if (!(s->proc.env = env_merge(c->env, NULL, 0, def, 4)))
		return nomem();
	return 0;
}

_Static_assert(PASSWD_GROUPS_MAX <= OCI_MAX_GIDS, "every group of the user in the spec");

/* Docker: root gets the set, any other user only the bounding set (file
 * capabilities may use it). */
static void set_user(struct oci_process *p, const struct user_ids *u)
{
	p->uid = u->uid;
	p->gid = u->gid;
	p->ngids = 0;
	for (int i = 0; i < u->ngroups && i < OCI_MAX_GIDS; i++)
		p->gids[p->ngids++] = u->groups[i];
	p->caps_effective = p->caps_permitted = u->uid == 0 ? p->caps_bounding : 0;
}

int spec_docker_user(struct oci_process *p, const char *user)
{
	struct user_ids u;
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), rc;
	char **env, *home;

	if (fd < 0)
		return err_set("cannot open /");
	rc = passwd_resolve(fd, user, &u);
	close(fd);
	if (rc)
		return -1;
	set_user(p, &u);
	/* HOME where unset; the init's own memory, until its exec */
	if (!(home = malloc(strlen(u.home) + 6)))
		return nomem();
	sprintf(home, "HOME=%s", u.home);
	if (!(env = env_merge(p->env, NULL, 0, &home, 1)))
		return nomem();
	p->env = env;
	return 0;
}

static int process(const struct spec_docker *d, struct oci_spec *s)
{
	const struct container_spec *c = d->c;
	/* the user now: --dry-run's alone (spec_docker_load gives none) */
	const struct user_ids *u = ENABLED(RUN_DRY_RUN) ? d->user : NULL;
	struct oci_process *p = &s->proc;
	/* no more than the runtime holds (--privileged on a host whose
	 * bounding set lacks one): what the container will have */
	uint64_t set = caps_effective_set(c->cap_add, c->cap_drop, c->privileged) & caps_held();
	int n = count(c->argv);

	p->terminal = c->tty;
	if (!(p->args = calloc((size_t)n + 1, sizeof(char *))))
		return nomem();
	memcpy(p->args, c->argv, (size_t)n * sizeof(char *));
	if (process_env(d, s))
		return -1;
	p->cwd = c->workdir && *c->workdir ? c->workdir : "/";
	p->has_caps = 1;
	p->caps_bounding = p->caps_effective = p->caps_permitted = set;
	/* the user now (--dry-run), or by the init (spec_docker_user) */
	if (u)
		set_user(p, u);
	else
		s->run_user = c->user ? c->user : "";
	if (!(p->rlimits = calloc((size_t)c->nulimits + 1, sizeof(*p->rlimits))))
		return nomem();
	for (int i = 0; i < c->nulimits; i++)
		p->rlimits[p->nrlimits++] = (struct oci_rlimit){ c->ulimits[i].resource,
								   c->ulimits[i].soft,
								   c->ulimits[i].hard };
	p->no_new_privs = !c->privileged;
	return 0;
}

/* A mount of the spec, its options read by the one table of them
 * (oci_mount_options). */
static int put_mount(struct oci_spec *s, const char *dest, const char *type, const char *source,
		     const char *const *opts, int optional)
{
	struct oci_mount *m = &s->mounts[s->nmounts];

	m->dest = dest;
	m->type = type;
	m->source = source;
	m->optional = optional;
	if (oci_mount_options(m, opts, count((char *const *)opts)))
		return -1;
	if (!strcmp(type, "bind"))
		m->bind = 1;
	s->nmounts++;
	return 0;
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
static int volume(struct oci_spec *s, const struct mount_spec *ms)
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

	if (!ms->tmpfs) {
		opts[n++] = "rbind";
		opts[n++] = ms->options && *ms->options ? ms->options : "rprivate";
		if (ms->readonly)
			opts[n++] = have_rro() ? "rro" : "ro";
		opts[n] = NULL;
		if (put_mount(s, ms->target, "bind", ms->source, opts, 0))
			return -1;
		s->mounts[s->nmounts - 1].volume = ENABLED(RUN_VOLUMES) && ms->volume;
		s->mounts[s->nmounts - 1].nocopy = ms->nocopy;
		return 0;
	}
	if (mountspec_tmpfs(ms->options, &f, data, sizeof(data)))
		return err_prefix(ms->target);
	f |= ms->readonly ? MS_RDONLY : 0;
	for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (f & flags[i].flag)
			opts[n++] = flags[i].name;
	for (p = strtok(data, ","); p && n < 15; p = strtok(NULL, ","))
		opts[n++] = p;
	opts[n] = NULL;
	return put_mount(s, ms->target, "tmpfs", "tmpfs", opts, 0);
}

static int mounts(const struct spec_docker *d, struct oci_spec *s)
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

	if (!(s->mounts = calloc((size_t)c->nmounts + 10, sizeof(*s->mounts))))
		return nomem();
	/* mqueue: skipped without it; devpts: again without gid=5; sysfs:
	 * the host's alone, not recursive, where a new one cannot be had
	 * (launch_oci.c's mount_one) */
	if (put_mount(s, "/proc", "proc", "proc", proc, 0)
	    || put_mount(s, "/dev", "tmpfs", "tmpfs", dev, 0)
	    || put_mount(s, "/dev/pts", "devpts", "devpts", pts, 1)
	    || put_mount(s, "/dev/shm", "tmpfs", "shm", shm, 0)
	    || put_mount(s, "/dev/mqueue", "mqueue", "mqueue", proc, 1)
	    || put_mount(s, "/sys", "sysfs", "sysfs", c->privileged ? proc : sys, 1))
		return -1;
	/* the name files before the volumes (a volume on one wins); skipped
	 * over a symbolic link of the image */
	for (int i = 0; d->etcdir && i < 3; i++) {
		char *src = own_str(s, d->etcdir, "/", etcfiles_names[i]);
		char *dst = own_str(s, "/etc/", etcfiles_names[i], NULL);

		if (!src || !dst || put_mount(s, dst, "bind", src, bind, 1))
			return -1;
		s->mounts[s->nmounts - 1].file = 1;
	}
	for (int i = 0; i < c->nmounts; i++)
		if (volume(s, &c->mounts[i]))
			return -1;
	return 0;
}

static void device(struct oci_device *dv, const char *path, const struct stat *st)
{
	dv->path = path;
	dv->type = S_ISBLK(st->st_mode) ? S_IFBLK : S_IFCHR;
	dv->major = major(st->st_rdev);
	dv->minor = minor(st->st_rdev);
	dv->mode = st->st_mode & 07777;
	dv->uid = st->st_uid;
	dv->gid = st->st_gid;
}

/* Room for one more device in s->devices (*cap of them). */
static int more_devices(struct oci_spec *s, int *cap)
{
	struct oci_device *v;

	if (s->ndevices < *cap)
		return 0;
	if (!(v = realloc(s->devices, (size_t)(*cap * 2 + 16) * sizeof(*v))))
		return nomem();
	s->devices = v;
	*cap = *cap * 2 + 16;
	return 0;
}

/* --privileged: the host's device nodes, as Docker lists them (runc's
 * HostDevices), not what the container makes itself. */
static int host_devices(struct oci_spec *s, int *cap, const char *dir, int depth)
{
	static const char *const skip[] = { "pts", "shm", "mqueue", "fd", "console",
					    ".lxc", ".lxd-mounts", ".udev" };
	struct dirent *de;
	DIR *dp = opendir(dir);
	int rc = 0;

	while (!rc && dp && (de = readdir(dp))) {
		char path[PATH_MAX], *own;
		struct stat st;
		unsigned i;

		for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
			if (!strcmp(de->d_name, skip[i]))
				break;
		if (i < sizeof(skip) / sizeof(skip[0]) || de->d_name[0] == '.'
		    || snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path)
		    || lstat(path, &st) < 0)
			continue;
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			if (more_devices(s, cap) || !(own = own_str(s, path, NULL, NULL)))
				rc = -1;
			else
				device(&s->devices[s->ndevices++], own, &st);
		} else if (S_ISDIR(st.st_mode) && depth < 8) {
			rc = host_devices(s, cap, path, depth + 1);
		}
	}
	if (dp)
		closedir(dp);
	return rc;
}

static int namespaces(const struct spec_docker *d, struct oci_spec *s)
{
	static const int kinds[] = { CLONE_NEWPID, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNS };
	const struct container_spec *c = d->c;
	struct stat st;

	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		s->ns[s->nns++].flag = kinds[i];
	s->mount_ns = 1;
	if (c->net != NET_HOST) {
		s->ns[s->nns].flag = CLONE_NEWNET;
		if (c->net == NET_CONTAINER && d->netns
		    && !(s->ns[s->nns].path = own_str(s, d->netns, NULL, NULL)))
			return -1;
		s->nns++;
	}
	/* run unshares one where the kernel has them (4.6) */
	if (stat("/proc/self/ns/cgroup", &st) == 0)
		s->ns[s->nns++].flag = CLONE_NEWCGROUP;
	for (int i = 0; i < s->nns; i++)
		if (!s->ns[i].path)
			s->new_ns |= (unsigned long)s->ns[i].flag;
	return 0;
}

/* linux.devices and the device rules: deny all (the runtime adds
 * Docker's defaults), each --device allowed; --privileged: all. */
static int devices(const struct container_spec *c, struct oci_spec *s)
{
	int cap = 0;

	if (!(s->devrules = calloc((size_t)c->ndevices + 1, sizeof(*s->devrules))))
		return nomem();
	s->devrules[s->ndevrules++] = (struct oci_devrule){ c->privileged, 'a', -1, -1, "rwm" };
	if (c->privileged && host_devices(s, &cap, "/dev", 0))
		return -1;
	for (int i = 0; i < c->ndevices; i++) {
		struct stat st;

		if (!c->devices[i].host || stat(c->devices[i].host, &st) < 0)
			continue;
		if (more_devices(s, &cap))
			return -1;
		device(&s->devices[s->ndevices++], c->devices[i].path, &st);
		if (!c->privileged) {
			struct oci_devrule *r = &s->devrules[s->ndevrules++];

			*r = (struct oci_devrule){ 1, S_ISBLK(st.st_mode) ? 'b' : 'c',
						   (int)major(st.st_rdev), (int)minor(st.st_rdev),
						   "" };
			snprintf(r->access, sizeof(r->access), "%s", c->devices[i].perms);
		}
	}
	return 0;
}

static int linux_part(const struct spec_docker *d, struct oci_spec *s)
{
	const struct container_spec *c = d->c;
	char cg[CGROUP_NAME_MAX];

	if (namespaces(d, s) || devices(c, s))
		return -1;
	if (c->memory > 0) {
		s->memory = c->memory;
		s->memory_swap = c->memory_swap;
	}
	s->cpu_shares = c->cpu_shares > 0 ? c->cpu_shares : 0;
	if (c->cpu_millis > 0) { /* cgroup.h: over 100 ms */
		s->cpu_quota = c->cpu_millis * 100;
		s->cpu_period = 100000;
	}
	s->pids_limit = c->pids_limit;
	container_cgroup_name(c->id, cg, sizeof(cg));
	if (!(s->cgroups_path = own_str(s, cg, NULL, NULL)))
		return -1;
	if (!c->privileged) {
		if (!(s->masked = malloc(sizeof(docker_masked_paths)))
		    || !(s->readonly = malloc(sizeof(docker_readonly_paths))))
			return nomem();
		memcpy(s->masked, docker_masked_paths, sizeof(docker_masked_paths));
		memcpy(s->readonly, docker_readonly_paths, sizeof(docker_readonly_paths));
	}
	/* the default filter, as its built-in program (the init's;
	 * oci_spec_json writes it as the profile) */
	s->seccomp_builtin = ENABLED(FEATURE_SECCOMP) && !c->privileged && !c->seccomp_unconfined;
	return 0;
}

static int annotations(const struct container_spec *c, struct oci_spec *s)
{
	if (*c->name)
		s->ann[s->nann++] = (struct oci_annotation){ SPEC_ANN_NAME, c->name };
	if (c->image)
		s->ann[s->nann++] = (struct oci_annotation){ SPEC_ANN_IMAGE, c->image };
	s->ann[s->nann].key = SPEC_ANN_NETWORK;
	if (!(s->ann[s->nann++].value = own_str(s, container_net_name(c->net),
						 c->net == NET_CONTAINER ? ":" : NULL,
						 c->net == NET_CONTAINER ? c->net_container : NULL)))
		return -1;
	if (c->init)
		s->ann[s->nann++] = (struct oci_annotation){ SPEC_ANN_INIT, "true" };
	return 0;
}

int spec_docker_fill(const struct spec_docker *d, struct oci_spec *s)
{
	const struct container_spec *c = d->c;

	memset(s, 0, sizeof(*s));
	s->swappiness = s->net_classid = -1;
	s->version = OCI_VERSION;
	s->root = d->rootfs;
	s->root_readonly = c->read_only;
	s->hostname = c->hostname;
	s->run_init = c->init;
	/* the annotations are --dry-run's to show (oci_spec_json): no
	 * one else reads them */
	if (process(d, s) || mounts(d, s) || linux_part(d, s)
	    || (ENABLED(RUN_DRY_RUN) && annotations(c, s))) {
		oci_spec_free(s);
		return -1;
	}
	return 0;
}

int spec_docker_load(const struct container_spec *c, const char *rootfs, const char *etcdir,
		     int nsfd, struct oci_spec *s)
{
	struct spec_docker d = { .c = c, .rootfs = rootfs, .etcdir = etcdir };
	char netns[32];

	if (nsfd >= 0) {
		snprintf(netns, sizeof(netns), "/proc/self/fd/%d", nsfd);
		d.netns = netns;
	}
	return spec_docker_fill(&d, s);
}
