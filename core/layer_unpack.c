/* layer_unpack.c - a tar stream into a directory, and never outside it.
 *
 * Every name is cleaned (pathsafe.h: no "..", leading "/" dropped) and
 * its directory is opened under the destination with openat2
 * RESOLVE_IN_ROOT (or a no-symlink walk); the entry itself is made with
 * the *at() calls relative to that fd, never following a final symlink.
 * The last directory opened is kept (pathsafe_dir), since archives list
 * a directory's files together: one openat per file, not one path walk,
 * and a new directory beside it is made from there, so the work is what
 * is made, not the depth it is made at.
 *
 * Directory modes and mtimes are set when the archive leaves the
 * directory (creating files inside would change the mtime, a read-only
 * mode would stop us): a stack of the directories on the current path,
 * bounded by the path length, so memory stays constant; a directory the
 * archive comes back to later keeps the time of that later change.
 *
 * Memory: one 64 KiB buffer plus this struct (~90 KiB); nothing grows
 * with the number or size of entries (xattrs of one entry: TAR_PAX_MAX).
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fsutil.h"
#include "layer.h"
#include "pathsafe.h"
#include "tar.h"

#define BUF_SIZE 65536
#define DIR_DEPTH (PATH_MAX / 2 + 1) /* "a/a/a/...": the deepest possible */
#define OPAQUE_XATTR "trusted.overlay.opaque"
#define WH ".wh."
#define WH_OPQ ".wh..wh..opq"

struct pending_dir {
	size_t len; /* of its path, a prefix of u->dpath */
	unsigned mode;
	struct timespec mtime;
};

struct unpack {
	struct layer_unpack_opts *o;
	struct tar_reader t;
	int root;
	mode_t umask;
	struct timespec since;     /* apply_whiteouts: what this layer touched */
	char name[PATH_MAX];       /* the current entry, cleaned */
	char link[PATH_MAX];       /* its hard link target, cleaned */
	struct pathsafe_dir cd;    /* the last directory opened */
	char dpath[PATH_MAX];      /* the deepest pending directory */
	struct pending_dir dirs[DIR_DEPTH];
	unsigned ndirs;
	unsigned char buf[BUF_SIZE];
};

/* Prefix the recorded error with the entry's name; keeps errno. */
static int entry_err(struct unpack *u, const char *what)
{
	char msg[256];
	int e = errno;

	snprintf(msg, sizeof(msg), "%s", what ? what : err_msg());
	return err_setn(e, "%s: %s", u->t.e.path, msg);
}

/* Something was removed: the cached directory may be gone, or an
 * ancestor replaced. The fd stays open (a caller may hold it) until the
 * next dir_fd(). */
static void forget_dir(struct unpack *u)
{
	pathsafe_dir_forget(&u->cd);
}

/* The fd of directory rel ("" is the root), made if missing. */
static int dir_fd(struct unpack *u, const char *rel)
{
	if (!*rel)
		return u->root;
	return pathsafe_dir_open(&u->cd, rel, 1);
}

/* Remove name in pfd, a whole tree if it is a directory. */
static int remove_entry(struct unpack *u, int pfd, const char *name)
{
	struct stat sb;
	int fd;

	if (fstatat(pfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : err_set("cannot stat");
	if (!S_ISDIR(sb.st_mode))
		return unlinkat(pfd, name, 0) < 0 ? err_set("cannot remove") : 0;
	forget_dir(u); /* it may be the cached one, or hold it */
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_set("cannot remove directory");
	if (rm_contents(fd, NULL, "directory") < 0)
		return -1;
	return unlinkat(pfd, name, AT_REMOVEDIR) < 0 ? err_set("cannot remove directory") : 0;
}

/* name exists where an entry goes (a duplicate, or a lower layer's):
 * 1 if it is a directory and a directory is wanted, else it is removed
 * and 0 says to create again, like tar's "later wins". */
static int make_room(struct unpack *u, int pfd, const char *name, int want_dir)
{
	struct stat sb;

	if (fstatat(pfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return err_set("cannot stat");
	if (want_dir && S_ISDIR(sb.st_mode))
		return 1;
	return remove_entry(u, pfd, name);
}

/* Only these are restored; trusted.overlay.* would steer overlayfs
 * (redirects, metacopy) and is made by whiteout conversion alone. */
int layer_xattr_allowed(const char *name)
{
	if (!strncmp(name, "trusted.overlay.", 16))
		return 0;
	return !strncmp(name, "user.", 5) || !strncmp(name, "trusted.", 8) ||
	       !strcmp(name, "security.capability") ||
	       !strcmp(name, "system.posix_acl_access") ||
	       !strcmp(name, "system.posix_acl_default");
}

static int set_xattrs(struct unpack *u, int fd)
{
	const struct tar_entry *e = &u->t.e;
	const char *name;
	const void *value;
	size_t pos = 0, len;

	while (tar_xattr_next(e, &pos, &name, &value, &len)) {
		if (!layer_xattr_allowed(name) || fsetxattr(fd, name, value, len, 0) == 0)
			continue;
		/* A filesystem without xattrs (tmpfs before 6.6 for user.*)
		 * loses them, as with GNU tar: counted for the caller to say. */
		if (errno != ENOTSUP && errno != EOPNOTSUPP)
			return err_set("cannot set xattr %s", name);
		u->o->xattrs_dropped++;
	}
	return 0;
}

static struct timespec entry_mtime(const struct tar_entry *e)
{
	return (struct timespec){ .tv_sec = e->mtime, .tv_nsec = e->mtime_nsec };
}

/* Set mode and mtime of the pending directories that the archive has
 * left: those that are not ancestors of path. */
static int leave_dirs(struct unpack *u, const char *path, int all)
{
	while (u->ndirs) {
		struct pending_dir *d = &u->dirs[u->ndirs - 1];
		struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, d->mtime };
		int fd;

		if (!all && (d->len == 0 || (!strncmp(path, u->dpath, d->len) &&
					     path[d->len] == '/')))
			break;
		u->ndirs--;
		u->dpath[d->len] = '\0';
		fd = u->dpath[0] ? pathsafe_dir_open(&u->cd, u->dpath, 0) : u->root;
		if (fd < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue; /* replaced by a later entry */
			return -1;
		}
		if (fchmod(fd, d->mode) < 0 || futimens(fd, ts) < 0)
			return err_set("%s: cannot set mode or time", u->dpath);
	}
	return 0;
}

static int push_dir(struct unpack *u, const struct tar_entry *e)
{
	size_t len = strlen(u->name);
	struct pending_dir *d;

	/* after leave_dirs() the stack holds ancestors of this name only,
	 * and the root again for a second "./" */
	if (u->ndirs && u->dirs[u->ndirs - 1].len == len)
		u->ndirs--;
	if (u->ndirs == DIR_DEPTH)
		return err_setn(ENAMETOOLONG, "directories nested too deep");
	d = &u->dirs[u->ndirs++];
	d->len = len;
	memcpy(u->dpath, u->name, d->len + 1);
	d->mode = e->mode;
	d->mtime = entry_mtime(e);
	return 0;
}

static int owner(struct unpack *u, int fd, const char *name, int flags)
{
	const struct tar_entry *e = &u->t.e;

	if (!u->o->same_owner)
		return 0;
	if (fchownat(fd, name, e->uid, e->gid, flags) < 0)
		return err_set("cannot change owner to %u:%u", (unsigned)e->uid, (unsigned)e->gid);
	return 0;
}

static int unpack_file(struct unpack *u, int pfd, const char *base)
{
	const struct tar_entry *e = &u->t.e;
	struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, entry_mtime(e) };
	int fd, rc = 0;
	ssize_t n;

	for (;;) {
		fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    e->mode & 0777);
		if (fd >= 0 || errno != EEXIST)
			break;
		if (make_room(u, pfd, base, 0) < 0)
			return -1;
	}
	if (fd < 0)
		return err_set("cannot create");
	if (u->o->file_data && e->size)
		u->o->file_data(u->o->file_data_arg, u->name, e->size);
	while ((n = tar_read_data(&u->t, u->buf, sizeof(u->buf))) > 0) {
		for (ssize_t off = 0; off < n; ) {
			ssize_t w = write(fd, u->buf + off, (size_t)(n - off));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				close(fd);
				return err_set("write error");
			}
			off += w;
		}
	}
	if (n < 0) {
		close(fd);
		return -1;
	}
	/* chown clears setuid/setgid, so the mode comes after it */
	if (owner(u, fd, "", AT_EMPTY_PATH) < 0 ||
	    (((e->mode & 07000) || (e->mode & u->umask)) && fchmod(fd, e->mode) < 0) ||
	    set_xattrs(u, fd) < 0 || futimens(fd, ts) < 0)
		rc = err_set("cannot set metadata");
	if (close(fd) < 0 && rc == 0)
		rc = err_set("write error");
	return rc;
}

static int unpack_dir(struct unpack *u, int pfd, const char *base)
{
	const struct tar_entry *e = &u->t.e;
	int rc;

	while (mkdirat(pfd, base, 0700) < 0) {
		if (errno != EEXIST)
			return err_set("cannot create directory");
		if ((rc = make_room(u, pfd, base, 1)) < 0)
			return -1;
		if (rc == 1)
			break;
	}
	if (owner(u, pfd, base, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (e->xattr_len) {
		int fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return err_set("cannot open directory");
		rc = set_xattrs(u, fd);
		close(fd);
		if (rc < 0)
			return -1;
	}
	return push_dir(u, e);
}

/* Symlinks, fifos, devices, hard links: no data, no fd. */
static int unpack_special(struct unpack *u, int pfd, const char *base)
{
	const struct tar_entry *e = &u->t.e;
	struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, entry_mtime(e) };
	int rc, tfd = -1;

	if ((e->type == TAR_CHR || e->type == TAR_BLK) && !u->o->allow_devices)
		return err_setn(EPERM, "device nodes are not allowed here");
	if (e->type == TAR_HARDLINK) {
		char *slash;
		if (path_clean(e->link, u->link) < 0)
			return -1;
		if (!u->link[0])
			return err_setn(EINVAL, "hard link to the root directory");
		slash = strrchr(u->link, '/');
		if (slash) {
			*slash = '\0';
			tfd = pathsafe_open_dir(u->root, u->link, 0);
			if (tfd < 0)
				return err_set("hard link target %s not found", e->link);
		}
	}
	for (;;) {
		switch (e->type) {
		case TAR_SYMLINK:
			rc = symlinkat(e->link, pfd, base);
			break;
		case TAR_HARDLINK: {
			const char *t = tfd >= 0 ? u->link + strlen(u->link) + 1 : u->link;
			rc = linkat(tfd >= 0 ? tfd : u->root, t, pfd, base, 0);
			break;
		}
		case TAR_FIFO:
			rc = mknodat(pfd, base, S_IFIFO | (e->mode & 0777), 0);
			break;
		default:
			rc = mknodat(pfd, base, (e->type == TAR_CHR ? S_IFCHR : S_IFBLK) |
				     (e->mode & 0777), makedev(e->devmajor, e->devminor));
		}
		if (rc == 0 || errno != EEXIST)
			break;
		if (make_room(u, pfd, base, 0) < 0) {
			rc = -1;
			break;
		}
	}
	if (tfd >= 0)
		close(tfd);
	if (rc < 0) {
		if (e->type == TAR_HARDLINK && errno == ENOENT)
			return err_set("hard link target %s not found", e->link);
		return err_set("cannot create");
	}
	if (e->type == TAR_HARDLINK)
		return 0; /* the target's metadata is the link's */
	if (owner(u, pfd, base, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (e->type != TAR_SYMLINK && ((e->mode & 07000) || (e->mode & u->umask)) &&
	    fchmodat(pfd, base, e->mode, AT_SYMLINK_NOFOLLOW) < 0)
		return err_set("cannot change mode");
	if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return err_set("cannot set time");
	return 0;
}

/* .wh.NAME and .wh..wh..opq (OCI image spec, "Whiteouts"). 1 if the
 * entry was a whiteout and is dealt with, 0 to unpack it as a file. */
static int whiteout(struct unpack *u, int pfd, const char *base)
{
	const char *victim = base + sizeof(WH) - 1;
	int opaque = !strcmp(base, WH_OPQ);

	if (strncmp(base, WH, sizeof(WH) - 1) || !(u->o->oci_to_overlay || u->o->apply_whiteouts))
		return 0;
	if (!opaque && !strncmp(victim, WH, sizeof(WH) - 1))
		return 1; /* aufs metadata (.wh..wh.plnk): nothing for us */
	if (!opaque && (!*victim || !strcmp(victim, ".") || !strcmp(victim, "..")))
		return err_setn(EINVAL, "bad whiteout name");
	if (u->o->oci_to_overlay) {
		if (opaque)
			return fsetxattr(pfd, OPAQUE_XATTR, "y", 1, 0) < 0 ?
			       err_set("cannot set " OPAQUE_XATTR) : 1;
		if (remove_entry(u, pfd, victim) < 0)
			return -1;
		/* overlayfs's whiteout: a 0/0 character device, with the
		 * marker's owner and mtime, so that packing the tree gives
		 * the marker back as it was (tree-only layers, store_tree.c) */
		struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, entry_mtime(&u->t.e) };

		if (mknodat(pfd, victim, S_IFCHR, makedev(0, 0)) < 0)
			return err_set("cannot create whiteout");
		if (owner(u, pfd, victim, AT_SYMLINK_NOFOLLOW) < 0 ||
		    utimensat(pfd, victim, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return err_set("cannot set the whiteout's owner and time");
		return 1;
	}
	if (opaque) {
		int fd = fcntl(pfd, F_DUPFD_CLOEXEC, 0);
		forget_dir(u);
		if (fd < 0)
			return err_set("cannot open directory");
		return rm_contents(fd, &u->since, "directory contents") < 0 ? -1 : 1;
	}
	return remove_entry(u, pfd, victim) < 0 ? -1 : 1;
}

static int unpack_entry(struct unpack *u)
{
	const struct tar_entry *e = &u->t.e;
	char *base, *slash;
	int pfd, rc;

	if (path_clean(e->path, u->name) < 0)
		return -1;
	if (leave_dirs(u, u->name, 0) < 0)
		return -1;
	if (!u->name[0]) { /* "./": the destination itself */
		if (e->type != TAR_DIR)
			return err_setn(EINVAL, "not a directory, cannot replace the destination");
		if (u->o->same_owner && fchown(u->root, e->uid, e->gid) < 0)
			return err_set("cannot change owner");
		return push_dir(u, e);
	}
	slash = strrchr(u->name, '/');
	if (slash) {
		*slash = '\0';
		base = slash + 1;
		pfd = dir_fd(u, u->name);
		*slash = '/';
	} else {
		base = u->name;
		pfd = dir_fd(u, "");
	}
	if (pfd < 0)
		return -1;
	if ((rc = whiteout(u, pfd, base)) != 0)
		return rc < 0 ? -1 : 0;
	switch (e->type) {
	case TAR_REG:
		return unpack_file(u, pfd, base);
	case TAR_DIR:
		return unpack_dir(u, pfd, base);
	default:
		return unpack_special(u, pfd, base);
	}
}

/* apply_whiteouts tells this layer's entries from older ones by ctime:
 * wait for the clock inodes are stamped from to tick, so that everything
 * older has a ctime before u->since and everything this layer touches
 * one at or after it. */
static void start_clock(struct unpack *u)
{
	struct timespec t0, ms = { 0, 1000000 };

	clock_gettime(CLOCK_REALTIME_COARSE, &t0);
	do {
		nanosleep(&ms, NULL);
		clock_gettime(CLOCK_REALTIME_COARSE, &u->since);
	} while (u->since.tv_sec == t0.tv_sec && u->since.tv_nsec == t0.tv_nsec);
}

int layer_unpack(struct reader *r, const char *dir, struct layer_unpack_opts *o)
{
	struct unpack *u = malloc(sizeof(*u));
	int rc = -1;

	if (!u)
		return err_set("out of memory");
	memset(u, 0, offsetof(struct unpack, dirs));
	u->o = o;
	u->ndirs = 0;
	o->entries = 0;
	u->umask = umask(0);
	umask(u->umask);
	tar_reader_init(&u->t, r);
	pathsafe_dir_init(&u->cd, -1);
	u->root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pathsafe_dir_init(&u->cd, u->root);
	if (u->root < 0) {
		err_set("%s: cannot open", dir);
		goto out;
	}
	if (o->apply_whiteouts && !o->oci_to_overlay)
		start_clock(u);
	while ((rc = tar_next(&u->t)) > 0) {
		if (unpack_entry(u) < 0) {
			rc = entry_err(u, NULL);
			break;
		}
		o->entries++;
	}
	if (rc == 0)
		rc = leave_dirs(u, "", 1);
	/* Read to the end: tar's zero padding, and an LZ4 frame's checksum. */
	while (rc == 0) {
		ssize_t n = reader_read(r, u->buf, sizeof(u->buf));
		if (n <= 0) {
			rc = (int)n;
			break;
		}
	}
out:
	pathsafe_dir_close(&u->cd);
	if (u->root >= 0)
		close(u->root);
	tar_reader_free(&u->t);
	free(u);
	return rc < 0 ? -1 : 0;
}
