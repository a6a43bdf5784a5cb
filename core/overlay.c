/* overlay.c - the container's overlay mount (see overlay.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "container.h"
#include "digest.h"
#include "du.h"
#include "err.h"
#include "etcfiles.h"
#include "fsutil.h"
#include "overlay.h"

/* Overlay reads its options from one page. */
#define OPTS_MAX 4096

int overlay_mounted(const struct store *s, const char *id)
{
	char path[PATH_MAX], parent[PATH_MAX];
	struct stat a, b;

	if (container_dir(s, id, path) || path_join(parent, path, "merged")
	    || stat(parent, &a) < 0 || stat(path, &b) < 0)
		return 0;
	return a.st_dev != b.st_dev;
}

/* Is dir/sub a mount point (another device than dir)? */
static int mounted_on(const char *dir, const char *sub)
{
	char path[PATH_MAX];
	struct stat a, b;

	return !path_join(path, dir, sub) && stat(path, &a) == 0 && stat(dir, &b) == 0
		&& a.st_dev != b.st_dev;
}

/* ---- a store on an overlayfs (OpenWrt's root) -------------------------
 * An overlay's upperdir and workdir cannot be on an overlayfs (the mount
 * fails with EINVAL). A record on one gets them on the overlay's own
 * upper file system instead, beside its upperdir, where the overlay does
 * not show them (writing under a mounted overlay's upperdir is undefined):
 *   UPPERDIR/../.boxcar-upper/STORE/ID/{diff,work}
 * (OpenWrt: /overlay/.boxcar-upper/..., /overlay/upper being the root's
 * upperdir). STORE is 16 hex digits of the SHA-256 of the store's real
 * path, so stores do not sweep each other's. ID/upper, a symlink in the
 * record, says where they went. */
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#define UPPER_LINK "upper"
#define UPPER_BASE ".boxcar-upper"

static int on_overlayfs(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == OVERLAYFS_SUPER_MAGIC;
}

/* mountinfo and overlay's options escape what they must as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7'
		    && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else
			*d++ = *s;
	}
	*d = 0;
}

/* The upperdir= of the overlay mount of device dev, from
 * /proc/self/mountinfo, into buf (PATH_MAX). */
static int mount_upperdir(dev_t dev, char *buf)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, want[32];
	size_t cap = 0;
	int found = 0;

	if (!f)
		return err_set("cannot open /proc/self/mountinfo");
	snprintf(want, sizeof(want), " %u:%u ", major(dev), minor(dev));
	while (!found && getline(&line, &cap, f) > 0) {
		char *p = strchr(line, ' '), *o;
		size_t n;

		/* "ID PARENT MAJ:MIN ROOT MNT OPTS... - overlay SRC SUPEROPTS" */
		if (!p || !(p = strchr(p + 1, ' ')) || strncmp(p, want, strlen(want))
		    || !(p = strstr(p, " - overlay ")) || !(p = strchr(p + 11, ' ')))
			continue;
		p[strcspn(p, "\n")] = 0;
		for (o = p; (o = strstr(o, "upperdir=")); o++)
			if (o[-1] == ',' || o[-1] == ' ')
				break;
		if (!o)
			continue;
		o += 9;
		n = strcspn(o, ", ");
		if (n >= PATH_MAX)
			continue;
		memcpy(buf, o, n);
		buf[n] = 0;
		unescape(buf);
		found = buf[0] == '/';
	}
	free(line);
	fclose(f);
	if (!found)
		return err_setn(ENOENT, "no upperdir for the overlay mount %u:%u", major(dev),
				minor(dev));
	return 0;
}

/* mkdir at in dirfd, or take the one there if it is a real dir of ours
 * that nobody else can write in; its fd, or -1. */
static int own_dir(int dirfd, const char *name, const char *what)
{
	struct stat st;
	int fd;

	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return err_set("cannot create %s/%s", what, name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_set("cannot open %s/%s", what, name);
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		return err_setn(EPERM, "%s/%s: not a directory of ours (owner or mode)", what, name);
	}
	return fd;
}

/* Is path out of reach of everyone but root? Each dir from it up to /
 * must be root's (or ours), and writable by others only if sticky (/tmp):
 * else whoever can write in one could swap in what we then make, mount
 * or remove. path has no symlinks (realpath). */
static int safe_path(const char *path)
{
	char p[PATH_MAX], *slash;
	struct stat st;

	if (strlen(path) >= sizeof(p))
		return err_setn(ENAMETOOLONG, "%s", path);
	strcpy(p, path);
	do {
		if (lstat(*p ? p : "/", &st) < 0)
			return err_set("cannot stat %s", *p ? p : "/");
		if (!S_ISDIR(st.st_mode) || (st.st_uid && st.st_uid != geteuid())
		    || ((st.st_mode & 022) && !(st.st_mode & S_ISVTX)))
			return err_setn(EPERM, "%s is not a directory only root can change",
					*p ? p : "/");
		slash = strrchr(p, '/');
		if (slash)
			*slash = 0;
	} while (slash);
	return 0;
}

/* The record dir on an overlayfs: the dir of this store's writable
 * layers on the overlay's upper file system, into buf (made when make is
 * set); 1. Not on an overlayfs: 0. What makes it impossible: -1. */
static int upper_base(const struct store *s, const char *on, char *buf, int make)
{
	char path[PATH_MAX], upper[PATH_MAX], real[PATH_MAX], *slash;
	unsigned char sum[DIGEST_LEN];
	struct stat a, b;
	int fd, sub;

	if (!on_overlayfs(on))
		return 0;
	if (stat(on, &a) < 0 || mount_upperdir(a.st_dev, upper))
		return -1;
	if (!realpath(upper, buf))
		return err_set("its upperdir %s is not reachable here", upper);
	slash = strrchr(buf, '/');
	if (!slash || slash == buf) /* "/": no parent beside it */
		return err_setn(0, "its upperdir is %s", buf);
	*slash = 0;
	/* Beside the upperdir on its own file system, out of the overlay's
	 * view; a parent on another file system (the upperdir a mount
	 * point) or an overlayfs again would not do. */
	if (stat(buf, &a) < 0 || stat(upper, &b) < 0 || a.st_dev != b.st_dev || on_overlayfs(buf))
		return err_setn(0, "no file system beside its upperdir %s", upper);
	if (safe_path(buf))
		return -1;
	if (!realpath(s->root, real))
		return err_set("cannot resolve %s", s->root);
	sha256(real, strlen(real), sum);
	if (strlen(buf) + sizeof(UPPER_BASE) + 2 * 8 + 2 >= PATH_MAX)
		return err_setn(ENAMETOOLONG, "%s: path too long", buf);
	strcpy(path, buf);
	strcat(buf, "/" UPPER_BASE "/");
	for (int i = 0; i < 8; i++)
		snprintf(buf + strlen(buf), 3, "%02x", sum[i]);
	if (!make)
		return 1;
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_set("cannot open %s", path);
	sub = own_dir(fd, UPPER_BASE, path);
	close(fd);
	if (sub < 0)
		return -1;
	fd = own_dir(sub, strrchr(buf, '/') + 1, buf);
	close(sub);
	if (fd < 0)
		return -1;
	close(fd);
	return 1;
}

static int refuse(void)
{
	char why[256];
	int e = err_errno();

	/* err_msg() is the target */
	if (e)
		snprintf(why, sizeof(why), "%s: %s", err_msg(), strerror(e));
	else
		snprintf(why, sizeof(why), "%s", err_msg());
	return err_setn(0, "the store is on an overlayfs and its upper file system is not "
			"usable for a container's writable layer: put the store (--root) "
			"on another file system, or run with --rm "
			"(%s)", why);
}

int overlay_check(const struct store *s)
{
	char path[PATH_MAX], base[PATH_MAX];

	if (store_path(s, path, "containers"))
		return -1;
	return upper_base(s, path, base, 0) < 0 ? refuse() : 0;
}

/* The target of ID/upper, before it is mounted or removed: only what
 * upper_home makes (.../.boxcar-upper/STORE/ID), on a path only root can
 * change. */
static int upper_checked(const char *link, char *target, const char *id)
{
	char *base = strrchr(target, '/');
	int rc;

	if (!base || strcmp(base + 1, id) || !strstr(target, "/" UPPER_BASE "/"))
		return err_setn(EINVAL, "%s: not a writable layer of boxcar's (%s)", link, target);
	*base = 0;
	rc = safe_path(target);
	*base = '/';
	return rc;
}

/* Where the record dir's writable layer is: ID/upper's target if there
 * is one, else (made now if make and dir is on an overlayfs) a dir on
 * the overlay's upper file system, else dir itself. */
static int upper_home(const struct store *s, const char *id, const char *dir, char *buf,
		      int make)
{
	char link[PATH_MAX];
	ssize_t n;
	int rc, fd;

	if (path_join(link, dir, UPPER_LINK))
		return -1;
	if ((n = readlink(link, buf, PATH_MAX - 1)) > 0) {
		buf[n] = 0;
		return make ? upper_checked(link, buf, id) : 0;
	}
	rc = make ? upper_base(s, dir, buf, 1) : 0;
	if (rc == 0) {
		strcpy(buf, dir);
		return 0;
	}
	if (rc < 0)
		return refuse();
	if ((fd = open(buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_set("cannot open %s", buf);
	rc = own_dir(fd, id, buf);
	close(fd);
	if (rc < 0 || (close(rc), path_join(buf, buf, id)))
		return -1;
	/* symlink(2) is atomic: a racing start reads the one that won */
	if (symlink(buf, link) < 0 && errno != EEXIST)
		return err_set("cannot create %s", link);
	if ((n = readlink(link, buf, PATH_MAX - 1)) <= 0)
		return err_set("cannot read %s", link);
	buf[n] = 0;
	return 0;
}

int overlay_dir(const struct store *s, const char *id, const char *which, char *buf)
{
	char dir[PATH_MAX], rw[PATH_MAX];
	struct stat st;

	if (container_dir(s, id, dir) || path_join(rw, dir, "rw"))
		return -1;
	if (lstat(rw, &st) == 0)
		return path_join(buf, rw, which);
	return upper_home(s, id, dir, rw, 0) || path_join(buf, rw, which);
}

int64_t overlay_disk_usage(const struct store *s, const char *id)
{
	char dir[PATH_MAX], home[PATH_MAX];
	int64_t n;

	if (container_dir(s, id, dir))
		return 0;
	n = disk_usage(dir);
	if (!upper_home(s, id, dir, home, 0) && strcmp(home, dir))
		n += disk_usage(home);
	return n;
}

int overlay_remove_upper(const char *dir, const char *id)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	if (path_join(link, dir, UPPER_LINK))
		return -1;
	if ((n = readlink(link, target, sizeof(target) - 1)) <= 0)
		return 0;
	target[n] = 0;
	return upper_checked(link, target, id) || rm_rf(target);
}

void overlay_sweep(const struct store *s)
{
	char base[PATH_MAX], path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (store_path(s, path, "containers") || upper_base(s, path, base, 0) != 1
	    || !(d = opendir(base)))
		return;
	while ((e = readdir(d))) {
		struct stat st;

		/* its record, persistent or transient (container_dir) */
		if (e->d_name[0] == '.' || strlen(e->d_name) != CONTAINER_ID_LEN
		    || strspn(e->d_name, "0123456789abcdef") != CONTAINER_ID_LEN
		    || container_dir(s, e->d_name, path))
			continue;
		if (lstat(path, &st) < 0 && errno == ENOENT && !path_join(path, base, e->d_name)
		    && rm_rf(path))
			warn("%s", err_msg());
	}
	closedir(d);
}

/* The writable layer's own tmpfs on dir/rw, with diff/ and work/ in it. */
static int mount_rw(const char *dir, const char *size)
{
	char path[PATH_MAX], opts[64];
	int n = snprintf(opts, sizeof(opts), "mode=0700,size=%s", size);

	if (n < 0 || n >= (int)sizeof(opts))
		return err_setn(EINVAL, "bad size %s", size);
	if (path_join(path, dir, "rw") || mkdir_p(path, 0700))
		return -1;
	if (!mounted_on(dir, "rw") && mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return err_set("cannot mount the writable layer's tmpfs (%s) on %s", opts, path);
	return 0;
}

/* ROOT/init: the topmost layer of every container, under its own, as
 * Docker's "-init" layer: the mount points the init binds the name files
 * on (etcfiles.h), so that making them writes nothing to the container's
 * layer, and commit or layer diff never carries them. */
#define INIT_LAYER "init"

static int init_layer(const struct store *s)
{
	char path[PATH_MAX];

	if (store_path(s, path, INIT_LAYER "/etc/resolv.conf"))
		return -1;
	if (access(path, F_OK) == 0)
		return 0;
	/* 0700 as the store's other dirs (the merged root is the upper's) */
	if (store_path(s, path, INIT_LAYER) || (mkdir(path, 0700) < 0 && errno != EEXIST))
		return err_set("cannot create %s", path);
	for (unsigned i = 0; i < 3; i++) {
		int fd;

		if (store_path(s, path, INIT_LAYER "/etc") || mkdir_p(path, 0755)
		    || store_path(s, path, INIT_LAYER "/etc/%s", etcfiles_names[i]))
			return -1;
		if ((fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
			return err_set("cannot create %s", path);
		close(fd);
	}
	return 0;
}

int overlay_mount(const struct store *s, const char *id, char *const *layers,
		  const char *upper_size)
{
	static const char *const dirs[] = { "diff", "work" };
	char dir[PATH_MAX], path[PATH_MAX], opts[OPTS_MAX], upper[PATH_MAX];
	const char *rel;
	size_t n = 0;
	int nl = 0, cwd, rc;

	if (container_dir(s, id, dir) || path_join(path, dir, "merged") || mkdir_p(path, 0755))
		return -1;
	if (overlay_mounted(s, id))
		return 0;
	if (upper_size && mount_rw(dir, upper_size))
		return -1;
	/* upper and work are in it */
	if (upper_size ? path_join(upper, dir, "rw") : upper_home(s, id, dir, upper, 1))
		return -1;
	for (unsigned i = 0; i < 2; i++)
		if (path_join(path, upper, dirs[i]) || mkdir_p(path, 0755))
			return -1;
	while (layers && layers[nl])
		nl++;
	if (!nl)
		return err_setn(EINVAL, "container %.12s has no layers", id);
	if (init_layer(s))
		return -1;
	n = snprintf(opts, sizeof(opts), "lowerdir=" INIT_LAYER ":");
	for (int i = nl - 1; i >= 0; i--) { /* topmost first */
		char link[SHORT_ID_LEN + 2], lp[PATH_MAX];
		int fd;
		ssize_t k;

		if (strncmp(layers[i], "sha256:", 7)
		    || store_path(s, lp, "layers/%s/link", layers[i] + 7))
			return err_setn(EINVAL, "bad layer %s", layers[i]);
		if ((fd = open(lp, O_RDONLY | O_CLOEXEC)) < 0)
			return err_set("layer %s is missing from the store", layers[i]);
		k = read(fd, link, sizeof(link) - 1);
		close(fd);
		while (k > 0 && (link[k - 1] == '\n' || link[k - 1] == ' '))
			k--;
		if (k <= 0 || k > SHORT_ID_LEN || strspn(link, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
		    < (size_t)k)
			return err_setn(EINVAL, "%s: bad short link", lp);
		link[k] = 0;
		n += snprintf(opts + n, n < sizeof(opts) ? sizeof(opts) - n : 0, "%sl/%s",
			      i == nl - 1 ? "" : ":", link);
		if (n >= sizeof(opts))
			return err_setn(E2BIG, "too many layers for one overlay mount");
	}
	/* The record is under ROOT (relative, short) or, transient, in the
	 * runtime dir, or on an overlay's upper file system (absolute). */
	rel = upper;
	if (!strncmp(upper, s->root, strlen(s->root)) && upper[strlen(s->root)] == '/')
		rel += strlen(s->root) + 1;
	if (strpbrk(rel, ",:\\"))
		return err_setn(EINVAL, "%s: overlay cannot take a path with ',' ':' or '\\'", dir);
	n += snprintf(opts + n, n < sizeof(opts) ? sizeof(opts) - n : 0,
		      ",upperdir=%s/diff,workdir=%s/work", rel, rel);
	if (n >= sizeof(opts))
		return err_setn(E2BIG, "too many layers for one overlay mount");
	/* Relative names are resolved against the cwd when mount(2) runs:
	 * go to ROOT for the call and come back. */
	if ((cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_set("cannot open the current directory");
	if (chdir(s->root) < 0) {
		close(cwd);
		return err_set("cannot enter %s", s->root);
	}
	if (path_join(path, dir, "merged"))
		rc = -1;
	else if ((rc = mount("overlay", path, "overlay", 0, opts)) < 0)
		err_set("cannot mount overlay on %s", path);
	if (fchdir(cwd) < 0 && !rc) {
		err_set("cannot go back to the current directory");
		umount2(path, MNT_DETACH);
		rc = -1;
	}
	close(cwd);
	return rc;
}

/* EINVAL: no longer a mount point, unmounted meanwhile by whoever else
 * releases a dead container (its monitor, or a command that found it
 * dead): the loop looks again. */
int overlay_umount(const struct store *s, const char *id)
{
	char dir[PATH_MAX], path[PATH_MAX];

	if (container_dir(s, id, dir) || path_join(path, dir, "merged"))
		return -1;
	for (int i = 0; i < 8 && overlay_mounted(s, id); i++)
		if (umount2(path, 0) < 0 && errno != EINVAL
		    && umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
			return err_set("cannot unmount %s", path);
	if (path_join(path, dir, "rw"))
		return -1;
	for (int i = 0; i < 8 && mounted_on(dir, "rw"); i++)
		if (umount2(path, 0) < 0 && errno != EINVAL
		    && umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
			return err_set("cannot unmount %s", path);
	return 0;
}
