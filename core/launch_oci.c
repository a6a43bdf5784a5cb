/* launch_oci.c - the init of a container described by an OCI spec
 * (launch.h's l->oci): the `oci` applet's (docs/oci.md) and run's, whose
 * container spec_docker_load translates (docs/containers.md, "One init").
 * The clone, report pipe, terminal and exec are launch.c's. In order:
 *   1. wait for go and join the cgroup first (runc's order: the cgroup
 *      namespace, and cgroup mounts, are rooted at the container's)
 *   2. the root's propagation, the root bound on itself, then the
 *      spec's mounts in order, each destination resolved inside the
 *      root (RESOLVE_IN_ROOT walk, mounted through /proc/self/fd/N; the
 *      walk's directory kept for the next target in it), umask 0
 *   3. /dev's default nodes (mknod with their modes) and links,
 *      linux.devices, masked and read-only paths, a read-only root
 *   4. pivot_root (chroot with --no-pivot, or in the host's mount
 *      namespace), terminal, hostname, sysctl
 *   5. rlimits, no_new_privs, the bounding set, user and groups, the
 *      capability sets, cwd
 *   6. close the report pipe (create returns), wait for start's byte
 *      on exec.fifo, the seccomp filter, exec.
 * What fails before 6 comes back to create; after, to the shim's
 * stderr with exit code 125-127. run's init (l->c set) mounts first and
 * goes after 5 (the parent makes the cgroup meanwhile), brings lo up,
 * has no exec.fifo: its exec closes the report pipe, or --init's reaper
 * forks it.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"
#include "bridge.h"
#include "caps.h"
#include "cgroup.h"
#include "err.h"
#include "fdpass.h"
#include "fsutil.h"
#include "guard.h"
#include "launch_int.h"
#include "ns.h"
#include "ocispec.h"
#include "setid.h"
#include "spec_docker.h"
#include "store.h"
#include "volume.h"
#include "pathsafe.h"
#include "seccomp_oci.h"

unsigned long oci_clone_flags(const struct launch *l)
{
	/* cgroup is unshared after the join; a user namespace's maps are
	 * written by create before go */
	return l->oci->new_ns & ~(unsigned long)CLONE_NEWCGROUP;
}

int oci_terminal(const struct launch *l)
{
	return l->oci->proc.terminal;
}

static void xfail(void)
{
	fail(EXIT_RUNTIME);
}

/* ---- mounts -------------------------------------------------------------- */

/* The flags a bind remount must keep: in a user namespace the kernel
 * refuses to clear what the mount below has (nosuid, nodev, noexec,
 * atime flags), as runc keeps them. */
static unsigned long kept_flags(const char *path)
{
	struct statvfs v;
	unsigned long f = 0;

	if (statvfs(path, &v) < 0)
		return 0;
	if (v.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (v.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (v.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (v.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (v.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (v.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

/* /proc/self/fd/N of fd, for mount(2). */
static const char *fdpath(int fd, char *buf, size_t n)
{
	snprintf(buf, n, "/proc/self/fd/%d", fd);
	return buf;
}

/* Is the source a directory? (bind mounts make a directory or a file
 * at the destination to match) */
static int source_is_dir(const char *src)
{
	struct stat st;

	return stat(src, &st) < 0 || S_ISDIR(st.st_mode);
}

/* A cgroup mount: the container's own cgroups, not the host's tree. On
 * cgroup v2, its directory bound at dest; on v1, a tmpfs with one
 * directory per hierarchy, each the container's cgroup there bound. */
static int mount_cgroup(const struct launch *l, const struct oci_mount *m, int rootfd)
{
	const struct cgroup *cg = l->cg;
	unsigned long ro = m->flags & MS_RDONLY;
	char p[32], name[CGROUP_PATH_MAX];
	int fd, rc;

	if (!cg || !cg->ndirs)
		return err_setn(EOPNOTSUPP, "mount %s: no cgroup to show", m->dest);
	if ((fd = open_target(rootfd, m->dest, 1)) < 0)
		return -1;
	if (cg->ndirs == 1 && (cg->dir[0].ctrls & CG_UNIFIED)) {
		rc = do_mount(cg->dir[0].path, fdpath(fd, p, sizeof(p)), NULL, MS_BIND | MS_REC, NULL);
		close(fd);
		if (rc || !ro || (fd = open_target(rootfd, m->dest, 1)) < 0)
			return rc;
		rc = do_mount(NULL, fdpath(fd, p, sizeof(p)), NULL, MS_BIND | MS_REMOUNT | MS_RDONLY
			      | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
		close(fd);
		return rc;
	}
	rc = do_mount("tmpfs", fdpath(fd, p, sizeof(p)), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		      "mode=755");
	close(fd);
	for (int i = 0; !rc && i < cg->ndirs; i++) {
		/* dir[i].path is MOUNTPOINT/NAME: the hierarchy's name is the
		 * mount point's last component */
		size_t n = strlen(cg->dir[i].path) - strlen(cg->name) - 1;
		const char *base;
		char target[PATH_MAX];
		int sub;

		if (n >= sizeof(name))
			continue;
		memcpy(name, cg->dir[i].path, n);
		name[n] = 0;
		base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
		if (snprintf(target, sizeof(target), "%s/%s", m->dest, base) >= (int)sizeof(target))
			return err_setn(ENAMETOOLONG, "%s", m->dest);
		if ((sub = open_target(rootfd, target, 1)) < 0)
			return -1;
		rc = do_mount(cg->dir[i].path, fdpath(sub, p, sizeof(p)), NULL, MS_BIND | MS_REC, NULL);
		close(sub);
		if (!rc && ro && (sub = open_target(rootfd, target, 1)) >= 0) {
			rc = do_mount(NULL, fdpath(sub, p, sizeof(p)), NULL, MS_BIND | MS_REMOUNT
				      | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
			close(sub);
		}
	}
	if (!rc && ro && (fd = open_target(rootfd, m->dest, 1)) >= 0) {
		rc = do_mount(NULL, fdpath(fd, p, sizeof(p)), NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID
			      | MS_NODEV | MS_NOEXEC, "mode=755");
		close(fd);
	}
	return rc;
}

/* run's volume: its _data opened with no symbolic link followed
 * (volume.h) and filled from the image's files at the target if it is
 * empty (unless nocopy): Docker's copy-up, done here, in the
 * container's mount namespace, before anything is mounted on the
 * target. The fd, or -1. */
static int open_volume(const struct oci_mount *m, int rootfd)
{
	char rel[PATH_MAX];
	int fd = volume_open_data(m->source), from;
	struct stat root, st;

	if (fd < 0 || m->nocopy || path_clean(m->dest, rel) || !*rel)
		return fd;
	if ((from = pathsafe_open_dir(rootfd, rel, 0)) < 0)
		return fd; /* nothing there, or not a directory: nothing to copy */
	/* only the image's files: not /proc, /dev or a mount made before */
	if (fstat(rootfd, &root) < 0 || fstat(from, &st) < 0 || st.st_dev != root.st_dev) {
		close(from);
		return fd;
	}
	if (volume_populate(from, fd)) {
		close(from);
		close(fd);
		return -1;
	}
	close(from);
	return fd;
}

/* proc, sysfs and whatever goes on /dev: the masked and read-only paths,
 * and the /dev/null that masks, are looked up once everything is
 * mounted. Through a symbolic link of the image's, such a mount lands
 * where the link leads at its turn, and a later mount (/dev's tmpfs, a
 * volume, a --tmpfs) may hide the link's way there: the masks then find
 * nothing, or /dev/null is the image's, and the real /proc/sys stays
 * writable. On an ordinary directory only, no link on the way (runc's
 * rule for proc and sysfs; main's init's for all three). The way's last
 * directory, opened, is the mount's target: no second walk. -2: not such
 * a mount, or not there yet (open_target makes it a directory); -1: a
 * link or a non-directory on the way. */
static int strict_target(int rootfd, const struct oci_mount *m)
{
	int fs = !m->bind && m->type && (!strcmp(m->type, "proc") || !strcmp(m->type, "sysfs"));
	char rel[PATH_MAX], *c, *slash;
	int fd = rootfd, next;

	if (path_clean(m->dest, rel) || !(fs || !strcmp(rel, "dev")) || !*rel)
		return -2; /* a bad path: open_target says so */
	for (c = rel; ; c = slash + 1) {
		if ((slash = strchr(c, '/')))
			*slash = 0;
		next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
		if (fd != rootfd)
			close(fd);
		if (next < 0 && errno == ENOENT)
			return -2;
		if (next < 0)
			return err_set("%s: not on an ordinary directory", m->dest);
		if (!slash)
			return next;
		fd = next;
	}
}

/* The directory the last path opened was in: masked and read-only paths
 * are mostly in /proc, whose fd is kept from one to the next (one walk,
 * not sixteen). The init is alone in its mount namespace then; a mount
 * on that directory or above it drops the fd (a walk from it would see
 * under the mount). */
struct parent_dir {
	char rel[PATH_MAX];
	int fd;
	const char *tmpfs; /* the last tmpfs mounted (its dest) */
	int fresh;         /* fd is that tmpfs: targets in it are made first */
};

/* Is dest (a spec's path) the cleaned rel? Only a guess at a fresh
 * tmpfs (mkdirat before openat there), right or wrong as safe: a name
 * there already just fails to be made. */
static int same_rel(const char *dest, const char *rel)
{
	size_t n = strlen(rel);

	while (*dest == '/')
		dest++;
	return !strncmp(dest, rel, n) && (!dest[n] || (dest[n] == '/' && !dest[n + 1]));
}

static void parent_drop(struct parent_dir *pd)
{
	if (pd->fd >= 0)
		close(pd->fd);
	pd->fd = -1;
}

/* A mount was made at rel (cleaned): the kept directory is stale if it is
 * rel or under it. */
static void parent_mounted(struct parent_dir *pd, const char *path)
{
	char rel[PATH_MAX];
	size_t n;

	if (pd->fd < 0)
		return;
	if (path_clean(path, rel)) {
		parent_drop(pd);
		return;
	}
	n = strlen(rel);
	if (!strncmp(pd->rel, rel, n) && (pd->rel[n] == 0 || pd->rel[n] == '/'))
		parent_drop(pd);
}

/* A mount's target as open_target makes it, its directory kept in pd
 * from one target to the next (/dev/pts, /dev/shm, /dev/mqueue in the
 * /dev just mounted: one walk, not three; the name files in /etc the
 * same). The last component is opened without following a link; a link
 * there, or anything else amiss, takes open_target's whole walk, which
 * resolves it inside the root (and says what is wrong). *child: the fd
 * is a child of pd's directory (a mount on it leaves pd's fd right). */
static int open_mount_target(int rootfd, const char *target, int want_dir, struct parent_dir *pd,
			     int *child)
{
	char rel[PATH_MAX], *slash, *name;
	int dir = rootfd, fd;

	*child = 0;
	if (path_clean(target, rel) || !*rel)
		return open_target(rootfd, target, want_dir);
	slash = strrchr(rel, '/');
	name = slash ? slash + 1 : rel;
	if (slash) {
		*slash = 0;
		if (pd->fd < 0 || strcmp(pd->rel, rel)) {
			parent_drop(pd);
			if ((pd->fd = pathsafe_open_dir(rootfd, rel, 1)) < 0)
				return open_target(rootfd, target, want_dir);
			snprintf(pd->rel, sizeof(pd->rel), "%s", rel);
			pd->fresh = pd->tmpfs && same_rel(pd->tmpfs, rel);
		}
		dir = pd->fd;
	}
	if (want_dir) {
		/* /dev/pts, /dev/shm, /dev/mqueue in the /dev just mounted */
		if (dir != rootfd && pd->fresh)
			mkdirat(dir, name, 0755);
		fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && (mkdirat(dir, name, 0755) == 0 || errno == EEXIST))
			fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	} else {
		fd = openat(dir, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
			    0644);
	}
	if (fd < 0)
		return open_target(rootfd, target, want_dir);
	*child = 1;
	return fd;
}

static int mount_one(const struct launch *l, const struct oci_mount *m, int rootfd,
		     struct parent_dir *pd)
{
	unsigned long flags = m->flags & ~(unsigned long)(MS_REC | MS_REMOUNT);
	char p[32], vp[32];
	const char *src = m->source;
	int fd, rc, vfd = -1, child;

	if ((fd = strict_target(rootfd, m)) == -1)
		return -1;
	/* pd's directory stays right under a mount on one of its children
	 * alone (child); anything else drops it (a path through a link may
	 * have led a mount onto it or above it) */
	if (ENABLED(APPLET_OCI) && ((m->type && !strcmp(m->type, "cgroup"))
				    || (m->type && !strcmp(m->type, "cgroup2") && !m->bind))) {
		if (fd >= 0)
			close(fd);
		parent_drop(pd);
		return mount_cgroup(l, m, rootfd);
	}
	/* a volume is mounted through its fd: no path walked again */
	if (ENABLED(RUN_VOLUMES) && m->volume) {
		if ((vfd = open_volume(m, rootfd)) < 0) {
			if (fd >= 0)
				close(fd);
			return err_prefix(m->dest);
		}
		src = fdpath(vfd, vp, sizeof(vp));
	}
	/* strict_target's: pd's directory is right after a mount there
	 * unless it is at or under it (parent_mounted) */
	child = 1;
	if (fd < 0 && (fd = open_mount_target(rootfd, m->dest, vfd >= 0
					      || (m->bind ? !m->file && source_is_dir(src) : 1),
					      pd, &child)) < 0) {
		if (vfd >= 0)
			close(vfd);
		/* run's name files: never over a symbolic link of the image */
		return m->optional && m->bind && err_errno() == ELOOP ? 0 : -1;
	}
	if (m->bind) {
		rc = do_mount(src, fdpath(fd, p, sizeof(p)), NULL,
			      MS_BIND | (m->flags & MS_REC), NULL);
		if (vfd >= 0)
			close(vfd);
	} else {
		rc = do_mount(m->source ? m->source : m->type, fdpath(fd, p, sizeof(p)), m->type,
			      flags, m->data[0] ? m->data : NULL);
		/* sysfs where a new one cannot be had (the host's network
		 * namespace, without rights over it): the host's, as runc,
		 * but read-only when asked; run's alone (not recursive: the
		 * host's cgroupfs, debugfs... are under it) */
		if (rc && !strcmp(m->type, "sysfs") && (errno == EPERM || errno == EBUSY)) {
			rc = do_mount("/sys", p, NULL, MS_BIND | (m->optional ? 0 : MS_REC), NULL);
			if (!rc && (flags & MS_RDONLY))
				rc = do_mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID
					      | MS_NODEV | MS_NOEXEC, NULL);
		}
		/* a devpts that refuses gid=5 (no such group mapped) */
		if (rc && m->optional && !strcmp(m->type, "devpts") && strstr(m->data, ",gid=5")) {
			char data[sizeof(m->data)];

			snprintf(data, sizeof(data), "%s", m->data);
			*strstr(data, ",gid=5") = 0;
			rc = do_mount(m->type, p, m->type, flags, data);
		}
		/* a small kernel without POSIX message queues */
		if (rc && m->optional && !strcmp(m->type, "mqueue") && errno == ENODEV)
			rc = 0;
	}
	close(fd);
	if (child)
		parent_mounted(pd, m->dest);
	else
		parent_drop(pd);
	if (rc)
		return -1;
	if (!m->bind && !strcmp(m->type, "tmpfs"))
		pd->tmpfs = m->dest;
	/* The fd named the directory under the new mount: again, to reach
	 * the mount itself for the flags a bind ignores and propagation. */
	if ((m->bind && (flags || m->rro)) || m->prop) {
		if ((fd = open_target(rootfd, m->dest, m->volume
				      || (m->bind ? source_is_dir(m->source) : 1))) < 0)
			return -1;
		fdpath(fd, p, sizeof(p));
		rc = 0;
		if (m->bind && m->rro) {
			rc = readonly_tree(fd);
			if (rc)
				err_set("mount %s: rro (recursively read-only needs Linux 5.12)", m->dest);
		}
		if (!rc && m->bind && flags)
			rc = do_mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | flags | kept_flags(p), NULL);
		if (!rc && m->prop)
			rc = do_mount(NULL, p, NULL, m->prop, NULL);
		close(fd);
	}
	return rc;
}

/* Open rel (cleaned, relative to the root) without following its last
 * component, its parents resolved inside the root: O_PATH, or -1 with
 * errno ENOENT when it is not there. st (NULL: not wanted): its stat. */
static int open_in_root(int rootfd, const char *path, struct stat *st, struct parent_dir *pd)
{
	char rel[PATH_MAX], *slash;
	int fd;

	if (path_clean(path, rel) || !*rel)
		return err_setn(EINVAL, "bad path %s", path);
	slash = strrchr(rel, '/');
	if (slash)
		*slash = 0;
	if (pd->fd < 0 || strcmp(pd->rel, slash ? rel : "")) {
		parent_drop(pd);
		if ((pd->fd = pathsafe_open_dir(rootfd, slash ? rel : "", 0)) < 0)
			return -1;
		snprintf(pd->rel, sizeof(pd->rel), "%s", slash ? rel : "");
	}
	fd = openat(pd->fd, slash ? slash + 1 : rel, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || (st && fstat(fd, st) < 0)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* What masks a file: the null device, opened once (*null). Not whatever
 * is at /dev/null (a volume on /dev, a bundle's own /dev): a link there
 * to a /proc/sys file would bind that file, writable, on /proc/keys
 * (runc's CVE-2025-31133). */
static int null_device(int *null, char *p, size_t n)
{
	struct stat st;

	if (*null < 0 && (*null = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC)) >= 0
	    && (fstat(*null, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))) {
		close(*null);
		*null = -1;
		errno = ENODEV;
	}
	if (*null < 0)
		return err_set("/dev/null is not the null device");
	fdpath(*null, p, n);
	return 0;
}

static int mask_paths(char **paths, int rootfd, struct parent_dir *pd)
{
	int null = -1, rc = 0;

	for (int i = 0; !rc && paths && paths[i]; i++) {
		struct stat st;
		char p[32], np[32];
		int fd = open_in_root(rootfd, paths[i], &st, pd);

		if (fd < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			rc = err_set("masked path %s", paths[i]);
			break;
		}
		if (S_ISDIR(st.st_mode))
			rc = do_mount("tmpfs", fdpath(fd, p, sizeof(p)), "tmpfs", MS_RDONLY, "size=0");
		else if (S_ISLNK(st.st_mode))
			rc = 0; /* a link in /proc leads to what it names, masked or not */
		else
			rc = null_device(&null, np, sizeof(np))
				|| do_mount(np, fdpath(fd, p, sizeof(p)), NULL, MS_BIND, NULL);
		close(fd);
		if (!rc)
			parent_mounted(pd, paths[i]);
	}
	if (null >= 0)
		close(null);
	return rc ? -1 : 0;
}

static int readonly_paths(char **paths, int rootfd, struct parent_dir *pd)
{
	for (int i = 0; paths && paths[i]; i++) {
		char p[32];
		int fd = open_in_root(rootfd, paths[i], NULL, pd), rc;

		if (fd < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			return err_set("read-only path %s", paths[i]);
		}
		rc = do_mount(fdpath(fd, p, sizeof(p)), p, NULL, MS_BIND | MS_REC, NULL);
		close(fd);
		if (rc)
			return -1;
		parent_mounted(pd, paths[i]);
		if ((fd = open_in_root(rootfd, paths[i], NULL, pd)) < 0)
			return -1;
		fdpath(fd, p, sizeof(p));
		rc = do_mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV
			      | MS_NOEXEC | kept_flags(p), NULL);
		close(fd);
		if (rc)
			return -1;
	}
	return 0;
}

/* run's masked and read-only paths (Docker's, all in /proc and /sys),
 * by path, as main's own init did them: in the proc and sysfs just
 * mounted, before any other mount of the spec goes on (cwd the root,
 * before pivot_root). proc and sysfs are on ordinary directories of the
 * root (strict_target) and nothing of the container has run yet, so no
 * link can be on the way but the kernel's own (a link is left alone,
 * as mask_paths does); what masks is the host's null device, checked.
 * Half the system calls of the fd way after pivot_root, which a bundle's
 * paths (anywhere in its root) need. 1: done; 0: not done (not run's
 * paths, or no null device here): finish_root does them; -1: failed. */
static int run_masks(const struct oci_spec *s)
{
	char rel[PATH_MAX];
	struct stat st;

	if (stat("/dev/null", &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return 0;
	for (char *const *p = s->masked; p && *p; p++)
		if (path_clean(*p, rel) || (strncmp(rel, "proc/", 5) && strncmp(rel, "sys/", 4)))
			return 0;
	for (char *const *p = s->readonly; p && *p; p++)
		if (path_clean(*p, rel) || strncmp(rel, "proc/", 5))
			return 0;
	for (char *const *p = s->masked; p && *p; p++) {
		path_clean(*p, rel);
		if (lstat(rel, &st) < 0 || S_ISLNK(st.st_mode))
			continue;
		if (S_ISDIR(st.st_mode) ? do_mount("tmpfs", rel, "tmpfs", MS_RDONLY, "size=0")
		    : do_mount("/dev/null", rel, NULL, MS_BIND, NULL))
			return -1;
	}
	for (char *const *p = s->readonly; p && *p; p++) {
		path_clean(*p, rel);
		if (lstat(rel, &st) < 0 || S_ISLNK(st.st_mode))
			continue;
		if (do_mount(rel, rel, NULL, MS_BIND | MS_REC, NULL)
		    || do_mount(NULL, rel, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID
				| MS_NODEV | MS_NOEXEC, NULL))
			return -1;
	}
	return 1;
}

/* /dev: the spec's devices, then the defaults every OCI runtime makes
 * (null zero full random urandom tty, the fd links, ptmx). A node
 * already there (the spec's, or a bind of /dev) stays. */
static int setup_oci_dev(const struct oci_spec *s, int rootfd)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
		{ "pts/ptmx", "ptmx" },
	};
	struct stat dst;
	int dev, born_root;

	for (int i = 0; i < s->ndevices; i++) {
		const struct oci_device *dv = &s->devices[i];
		char rel[PATH_MAX], *slash, host[64];
		struct stat st = { .st_mode = dv->type | dv->mode,
				   .st_rdev = makedev(dv->major, dv->minor),
				   .st_uid = dv->uid, .st_gid = dv->gid };
		int dir, rc;

		if (path_clean(dv->path, rel) || !*rel)
			return err_setn(EINVAL, "device %s: bad path", dv->path);
		slash = strrchr(rel, '/');
		if (slash)
			*slash = 0;
		if ((dir = pathsafe_open_dir(rootfd, slash ? rel : "", 1)) < 0)
			return err_set("cannot create the directory of %s", dv->path);
		snprintf(host, sizeof(host), "/dev/char/%u:%u", dv->major, dv->minor);
		if (dv->type == S_IFBLK)
			snprintf(host, sizeof(host), "/dev/block/%u:%u", dv->major, dv->minor);
		unlinkat(dir, slash ? slash + 1 : rel, 0);
		rc = make_node(dir, slash ? slash + 1 : rel, &st, host, 1);
		/* there already or bound: chmod, never through a link (a node
		 * swapped for one meanwhile): we still see the host's root,
		 * where an absolute link would lead */
		if (rc == 0 && fchmodat(dir, slash ? slash + 1 : rel, dv->mode, AT_SYMLINK_NOFOLLOW) < 0
		    && errno != ENOENT)
			rc = err_set("cannot chmod %s", dv->path);
		close(dir);
		if (rc < 0)
			return err_prefix(dv->path);
	}
	if ((dev = pathsafe_open_dir(rootfd, "dev", 1)) < 0)
		return err_set("cannot create /dev");
	/* a node is born root's (uid and gid 0) when we are root and /dev
	 * is not set-group-ID: no chown then (main's mknod under umask 0) */
	born_root = geteuid() == 0 && getegid() == 0 && fstat(dev, &dst) == 0
		&& !(dst.st_mode & S_ISGID);
	for (unsigned i = 0; i < LAUNCH_DEV_NODES; i++) {
		struct stat st = { .st_mode = S_IFCHR | 0666,
				   .st_rdev = makedev(dev_nodes[i].major, dev_nodes[i].minor) };
		char host[64];
		int rc;

		snprintf(host, sizeof(host), "/dev/%s", dev_nodes[i].name);
		if ((rc = make_node(dev, dev_nodes[i].name, &st, host, !born_root)) < 0) {
			close(dev);
			return -1;
		}
		/* one already there (the image's /dev, no tmpfs there) or a
		 * bind: 0666, never through a symbolic link: before
		 * pivot_root an absolute one names a host file (one made
		 * here has its mode: umask 0) */
		if (rc == 0)
			fchmodat(dev, dev_nodes[i].name, 0666, AT_SYMLINK_NOFOLLOW);
	}
	for (unsigned i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST) {
			close(dev);
			return err_set("cannot create /dev/%s", links[i][1]);
		}
	/* /dev/core where the kernel has a kcore, as runc and Docker */
	if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev, "core") < 0
	    && errno != EEXIST) {
		close(dev);
		return err_set("cannot create /dev/core");
	}
	close(dev);
	return 0;
}

static unsigned long propagation(const char *name)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} t[] = {
		{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
		{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
		{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
		{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
	};

	for (unsigned i = 0; name && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(name, t[i].name))
			return t[i].flags;
	return 0;
}

static int setup_root(const struct launch *l, int *masked)
{
	const struct oci_spec *s = l->oci;
	/* run's spec: no rootfsPropagation, a mount namespace of its own */
	unsigned long prop = ENABLED(APPLET_OCI) ? propagation(s->rootfs_propagation) : 0;
	struct parent_dir pd = { .fd = -1 };
	int own = !ENABLED(APPLET_OCI) || s->mount_ns, rootfd;

	if (ENABLED(APPLET_OCI) && s->rootfs_propagation && *s->rootfs_propagation && !prop)
		return err_setn(EINVAL, "rootfsPropagation %s", s->rootfs_propagation);
	if (!own && prop)
		return err_setn(EINVAL, "rootfsPropagation without a mount namespace of its own");
	/* private or else slave for the setup (an unbindable root could not
	 * be bound, a shared one would show our mounts to the host); what
	 * was asked goes on the new root at the end */
	if ((own && do_mount(NULL, "/", NULL, (prop & ~(unsigned long)MS_REC) == MS_PRIVATE
			     ? MS_PRIVATE | MS_REC : MS_SLAVE | MS_REC, NULL))
	    || do_mount(l->rootfs, l->rootfs, NULL, MS_BIND | MS_REC, NULL))
		return -1;
	/* No mount namespace (the spec names none): we are in the host's.
	 * Every mount of the container goes on this bind of its root, made
	 * private so that none reaches the host's other mounts; the root is
	 * a chroot (pivot_root would replace the host's), and delete
	 * detaches the bind with all on it (oci.c). */
	if (!own && do_mount(NULL, l->rootfs, NULL, MS_PRIVATE | MS_REC, NULL))
		return -1;
	if (chdir(l->rootfs) < 0 || (rootfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_set("cannot enter %s", l->rootfs);
	/* until the end of the setup (oci_init_main's umask 022): mount
	 * points and nodes made with their modes exactly (make_node) */
	umask(0);
	for (int i = 0; i < s->nmounts; i++) {
		const struct oci_mount *m = &s->mounts[i];

		if (mount_one(l, m, rootfd, &pd)) {
			err_prefix(m->dest);
			parent_drop(&pd);
			close(rootfd);
			return -1;
		}
		/* run's: its masks once its proc and sysfs are there (sysfs
		 * comes after proc in its spec), before the volumes */
		if (l->c && !*masked && !m->bind && m->type && !strcmp(m->type, "sysfs")
		    && (*masked = run_masks(s)) < 0) {
			parent_drop(&pd);
			close(rootfd);
			return -1;
		}
	}
	parent_drop(&pd);
	if (setup_oci_dev(s, rootfd)) {
		close(rootfd);
		return -1;
	}
	close(rootfd);
	if (!own) {
		if (chroot(".") < 0 || chdir("/") < 0)
			return err_set("cannot change root to %s", l->rootfs);
	} else if (ENABLED(APPLET_OCI) && l->oci_no_pivot) {
		if (do_mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") < 0 || chdir("/") < 0)
			return err_set("cannot change root to %s", l->rootfs);
	} else {
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return err_set("pivot_root");
		if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
			return err_set("cannot detach the host's root");
	}
	/* the root's own propagation as asked, once it is the root */
	if (prop && do_mount(NULL, "/", NULL, prop, NULL))
		return -1;
	return 0;
}

/* After the sysctls (runc's order: a read-only /proc/sys would refuse
 * them): masked and read-only paths, then a read-only root. */
static int finish_root(const struct oci_spec *s, int masked)
{
	struct parent_dir pd = { .fd = -1 };
	int rootfd, rc;

	if (!masked) {
		if ((rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			return err_set("cannot open /");
		rc = mask_paths(s->masked, rootfd, &pd) || readonly_paths(s->readonly, rootfd, &pd);
		parent_drop(&pd);
		close(rootfd);
		if (rc)
			return -1;
	}
	if (s->root_readonly
	    && do_mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags("/"), NULL))
		return -1;
	return 0;
}

/* linux.sysctl through the container's /proc/sys (namespaced keys only
 * are writable there, as the kernel decides). */
static int set_sysctls(const struct oci_spec *s)
{
	const struct json_doc *d = &s->doc;

	for (uint32_t k = s->sysctl ? json_first(d, s->sysctl) : 0; k; k = json_next(d, k)) {
		const char *key = json_str(d, k), *val = json_str(d, k + 1);
		char path[PATH_MAX];
		int fd, n;

		if (!key || !val || strstr(key, "..") || key[0] == '.' || key[0] == '/')
			return err_setn(EINVAL, "sysctl %s", key ? key : "");
		n = snprintf(path, sizeof(path), "/proc/sys/%s", key);
		if (n >= (int)sizeof(path))
			return err_setn(ENAMETOOLONG, "sysctl %s", key);
		for (char *c = path + 10; *c; c++)
			if (*c == '.')
				*c = '/';
		if ((fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			return err_set("sysctl %s", key);
		n = (int)write(fd, val, strlen(val));
		close(fd);
		if (n < 0)
			return err_set("sysctl %s=%s", key, val);
	}
	return 0;
}

/* ---- credentials --------------------------------------------------------- */

/* capset's EPERM, explained: the first capability asked for that this
 * process does not hold (the host's own bounding set may lack one), or
 * an inheritable one outside the bounding set. */
static int caps_refused(uint64_t want, uint64_t inh)
{
	struct { uint32_t version; int pid; } h = { 0x20080522, 0 };
	struct { uint32_t eff, perm, inh; } d[2];
	uint64_t held, miss, bset = 0;

	for (int cap = 0, r; cap < 64 && (r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0)) >= 0; cap++)
		if (r == 1)
			bset |= 1ull << cap;
	if (syscall(SYS_capget, &h, d) < 0)
		return err_set("capset");
	held = d[0].perm | (uint64_t)d[1].perm << 32;
	if ((miss = want & ~held) || (miss = inh & ~bset & ~(d[0].inh | (uint64_t)d[1].inh << 32))) {
		int cap = __builtin_ctzll(miss);

		return err_setn(EPERM, "process.capabilities: CAP_%s: %s", cap_name(cap) ? cap_name(cap) : "?",
				miss & ~held ? "not held by the runtime itself (its bounding set lacks it)"
				: "inheritable but not in the bounding set");
	}
	return err_set("capset");
}

static int set_caps(const struct oci_process *p)
{
	struct { uint32_t version; int pid; } h = { 0x20080522, 0 };
	struct { uint32_t eff, perm, inh; } d[2];
	/* A capability this kernel does not know is left out (runc warns,
	 * crun too); one it knows is granted or the container fails, never
	 * a process with fewer than asked. */
	uint64_t known = caps_known(), eff, perm, inh;

	eff = p->caps_effective & known;
	perm = p->caps_permitted & known;
	inh = p->caps_inheritable & known;
	d[0].eff = (uint32_t)eff, d[1].eff = (uint32_t)(eff >> 32);
	d[0].perm = (uint32_t)perm, d[1].perm = (uint32_t)(perm >> 32);
	d[0].inh = (uint32_t)inh, d[1].inh = (uint32_t)(inh >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return errno == EPERM ? caps_refused(eff | perm | inh, inh) : err_set("capset");
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* run's and exec's processes have no ambient set */
	for (int cap = 0; ENABLED(APPLET_OCI) && cap < 64; cap++)
		if ((p->caps_ambient & known) >> cap & 1
		    && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return err_set("cannot raise ambient capability CAP_%s",
				       cap_name(cap) ? cap_name(cap) : "?");
	return 0;
}

/* The process's user, limits and capabilities: shared with `oci exec`. */
int oci_process_credentials(const struct oci_process *p)
{
	for (int i = 0; i < p->nrlimits; i++) {
		struct rlimit r = { p->rlimits[i].soft, p->rlimits[i].hard };

		if (setid_rlimit(p->rlimits[i].resource, &r) < 0)
			return err_set("cannot set rlimit %d", p->rlimits[i].resource);
	}
	if (ENABLED(APPLET_OCI) && p->has_oom_score_adj) {
		char v[16];
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC), n;

		if (fd < 0)
			return err_set("oomScoreAdj");
		n = snprintf(v, sizeof(v), "%d", p->oom_score_adj);
		if (write(fd, v, (size_t)n) != n) {
			close(fd);
			return err_set("oomScoreAdj %d", p->oom_score_adj);
		}
		close(fd);
	}
	if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_set("cannot set no_new_privs");
	if (caps_bound(p->has_caps ? p->caps_bounding : 0))
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_set("keepcaps");
	if (setid_become(p->uid, p->gid, (size_t)p->ngids, p->gids) < 0)
		return err_set("cannot become user %u:%u", (unsigned)p->uid, (unsigned)p->gid);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return set_caps(p);
}

/* ---- the init ------------------------------------------------------------ */

/* Close every fd from `from` up but those in keep: create's lock on the
 * state directory among them (a flock lives as long as any copy). */
static void close_except(int from, const int *keep, int n)
{
	for (int fd = from, hi; fd < 65536; fd = hi + 1) {
		hi = 65535;
		for (int i = 0; i < n; i++)
			if (keep[i] >= fd && keep[i] - 1 < hi)
				hi = keep[i] - 1;
		if (hi >= fd && syscall(SYS_close_range, fd, hi, 0) < 0)
			for (int k = fd; k <= hi && k < 1024; k++)
				close(k);
		if (hi == 65535)
			break;
		hi++; /* keep[] one: step over it */
	}
}

/* startContainer hooks: in the container, before its process, the state
 * on their stdin. */
static int start_hooks(const struct oci_spec *s, const char *state)
{
	for (int i = 0; i < s->nhooks[OCI_START_CONTAINER]; i++) {
		const struct oci_hook *h = &s->hooks[OCI_START_CONTAINER][i];
		char *const none[] = { (char *)h->path, NULL }, *const empty[] = { NULL };
		int in[2], st;
		pid_t pid;

		if (pipe2(in, O_CLOEXEC) < 0 || (pid = fork()) < 0)
			return err_set("startContainer hook %s", h->path);
		if (pid == 0) {
			dup2(in[0], 0);
			execve(h->path, h->args && h->args[0] ? h->args : none, h->env ? h->env : empty);
			_exit(127);
		}
		close(in[0]);
		(void)!write(in[1], state, strlen(state));
		close(in[1]);
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR)
				return err_set("startContainer hook %s", h->path);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			return err_setn(0, "startContainer hook %s failed", h->path);
	}
	return 0;
}

/* Go: into the cgroup (the parent sends its join files), then, if
 * asked, the user namespace's root and a cgroup namespace rooted there. */
static void go(const struct launch *l, int syncfd)
{
	const struct oci_spec *s = l->oci;
	int cgfds[CGROUP_DIRS_MAX], ncg;

	if ((ncg = fd_recv(syncfd, cgfds, CGROUP_DIRS_MAX)) < 0)
		_exit(EXIT_RUNTIME); /* the parent gave up */
	close(syncfd);
	if (cgroup_join(cgfds, ncg))
		xfail();
	while (ncg > 0)
		close(cgfds[--ncg]);
	/* in a new user namespace: its root (create wrote the maps) */
	if (ENABLED(APPLET_OCI) && (s->new_ns & CLONE_NEWUSER) && setid_root() < 0) {
		err_set("cannot become root in the user namespace (is 0 mapped?)");
		xfail();
	}
	if ((s->new_ns & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0) {
		err_set("cannot make a cgroup namespace");
		xfail();
	}
}

void oci_init_main(const struct launch *l, int syncfd)
{
	const struct oci_spec *s = l->oci;
	struct oci_process proc = s->proc; /* run's user is set in it */
	const struct oci_process *p = &proc;
	/* run's container: exec at once; without the oci applet, the only
	 * one (none of the bundle's fields, exec.fifo, hooks or fds) */
	int run = !ENABLED(APPLET_OCI) || l->c != NULL;
	int preserve = ENABLED(APPLET_OCI) ? l->oci_preserve_fds : 0;
	int masked = 0; /* run's masks made before pivot_root (run_masks) */
	sigset_t none;
	char state[PIPE_BUF];
	ssize_t n;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < 65; sig++)
		signal(sig, SIG_DFL);
	/* oci: no PDEATHSIG, create exits and the init stays with the
	 * shim; run: a setup that outlives its monitor goes */
	if (run)
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* until the exec: no ptrace, no /proc/1/{exe,fd,environ} for root in
	 * the container (a --init reaper stays so) */
	if (guard_undumpable())
		xfail();
	if (run) {
		/* --network container:NAME, before /sys shows a netns */
		if (l->net && l->net->nsfd >= 0 && setns(l->net->nsfd, CLONE_NEWNET) < 0) {
			err_set("cannot join the network of container %s", l->c->net_container);
			xfail();
		}
		if (!p->terminal && set_stdio(l))
			xfail();
	}
	{
		int keep[] = { syncfd, report_fd, pty_sock, l->oci_fifo, l->oci_mntns };

		close_except(3 + preserve, keep, 5);
	}
	if (p->terminal || run)
		setsid();
	/* 1. go, first as runc (cgroup mounts are rooted there); run's
	 * init sets up its root meanwhile and goes last (two CPUs at once) */
	if (!run)
		go(l, syncfd);
	/* 2-4 */
	/* a mount namespace of its own, new or joined by path (here: create
	 * stays in the host's to write its state), or the host's if the
	 * spec names none (setup_root) */
	if (ENABLED(APPLET_OCI) && l->oci_mntns >= 0) {
		if (setns(l->oci_mntns, CLONE_NEWNS) < 0) {
			err_set("cannot join the mount namespace");
			xfail();
		}
		close(l->oci_mntns);
	}
	if (setup_root(l, &masked))
		xfail();
	if (p->terminal && setup_pty())
		xfail();
	umask(022);
	if (s->hostname && *s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0) {
		err_set("sethostname");
		xfail();
	}
	if (ENABLED(APPLET_OCI) && s->domainname && *s->domainname
	    && setdomainname(s->domainname, strlen(s->domainname)) < 0) {
		err_set("setdomainname");
		xfail();
	}
	if (run && (s->new_ns & CLONE_NEWNET) && lo_up())
		xfail();
	if ((ENABLED(APPLET_OCI) && set_sysctls(s)) || finish_root(s, masked))
		xfail();
	/* run's user, in the root as the container sees it, while the
	 * parent makes the cgroup (main's init did it here too) */
	if (s->run_user && spec_docker_user(&proc, s->run_user))
		xfail();
	/* 5: the working directory before the user changes (runc makes it)
	 * and before a filter that may refuse what guard_chdir calls */
	if (strcmp(p->cwd, "/") && (mkdir_p(p->cwd, 0755) || guard_chdir(p->cwd)))
		xfail(); /* "/": setup_root's last chdir */
	if (run)
		go(l, syncfd);
	/* --init: its title while it may still set it (CAP_SYS_RESOURCE) */
	if (s->run_init)
		init_title(p->args);
	/* without no_new_privs only a process with CAP_SYS_ADMIN may
	 * install a filter: before the credentials then (runc's order),
	 * else as late as can be, after start */
	if (ENABLED(APPLET_OCI) && s->seccomp && !p->no_new_privs
	    && seccomp_apply_oci(&s->doc, s->seccomp, 0))
		xfail();
	if (oci_process_credentials(p))
		xfail();
	guard_cloexec_fds();
	for (int fd = 3; fd < 3 + preserve; fd++)
		if (fd != l->oci_fifo && fd != report_fd)
			fcntl(fd, F_SETFD, 0);
	if (!run) {
		/* 6: set up; create may return. Then wait for start. */
		close(report_fd);
		report_fd = -1;
		/* start writes the state (one write under PIPE_BUF: atomic) */
		while ((n = read(l->oci_fifo, state, sizeof(state) - 1)) < 0 && errno == EINTR)
			;
		/* the fifo stays open (O_CLOEXEC) until the exec closes it:
		 * start returns once the process runs (oci.c) */
		state[n > 0 ? n : 0] = 0;
		if (start_hooks(s, state))
			xfail();
	}
	if (s->seccomp_builtin && seccomp_apply_default(p->caps_bounding))
		xfail();
	if (ENABLED(APPLET_OCI) && s->seccomp && p->no_new_privs
	    && seccomp_apply_oci(&s->doc, s->seccomp, 1))
		xfail();
	/* run's: the report pipe closes at the exec, which it reports */
	if (s->run_init)
		init_reaper(p->args, p->env);
	exec_command(p->args, p->env);
}
