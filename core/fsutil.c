/* fsutil.c - crash-safe file steps (see fsutil.h). */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "err.h"
#include "fsutil.h"

int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set("cannot open %s", path);
	if (fsync(fd) < 0 && errno != EINVAL) { /* some file systems cannot */
		close(fd);
		return err_set("cannot sync %s", path);
	}
	close(fd);
	return 0;
}

int fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n >= sizeof(dir))
		return err_setn(ENAMETOOLONG, "%s", path);
	if (!slash)
		strcpy(dir, ".");
	else if (!n)
		strcpy(dir, "/");
	else {
		memcpy(dir, path, n);
		dir[n] = 0;
	}
	return fsync_path(dir);
}

int write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			errno = w ? errno : EIO;
			return -1;
		}
		p += w, n -= w;
	}
	return 0;
}

int write_file_atomic(const char *path, const void *data, size_t n, mode_t mode)
{
	char tmp[PATH_MAX];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return err_setn(ENAMETOOLONG, "%s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return err_set("cannot create %s", tmp);
	if (write_all(fd, data, n) < 0 || fsync(fd) < 0) {
		err_set("cannot write %s", tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		err_set("cannot rename %s", tmp);
		unlink(tmp);
		return -1;
	}
	return fsync_parent(path);
}

/* A pipe or terminal (stdin) has no size: read to its end, at most max. */
static int read_stream(int fd, const char *path, size_t max, char **data, size_t *n)
{
	size_t cap = 4096, got = 0;
	char *buf = malloc(cap), *nb;

	for (;;) {
		ssize_t r;

		if (!buf) {
			close(fd);
			return err_setn(ENOMEM, "cannot read %s", path);
		}
		if (got + 1 == cap) {
			if (cap > max) {
				free(buf);
				close(fd);
				return err_setn(EFBIG, "cannot read %s", path);
			}
			if (!(nb = realloc(buf, cap * 2)))
				free(buf);
			buf = nb;
			cap *= 2;
			continue;
		}
		if ((r = read(fd, buf + got, cap - 1 - got)) < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_set("cannot read %s", path);
			free(buf);
			close(fd);
			return -1;
		}
		if (!r)
			break;
		got += r;
	}
	close(fd);
	if (got > max) {
		free(buf);
		return err_setn(EFBIG, "cannot read %s", path);
	}
	buf[got] = 0;
	*data = buf;
	*n = got;
	return 0;
}

int read_file(const char *path, size_t max, char **data, size_t *n)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set("cannot open %s", path);
	if (fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)))
		return read_stream(fd, path, max, data, n);
	if (fstat(fd, &st) < 0 || (size_t)st.st_size > max) {
		if (errno == 0 || (size_t)st.st_size > max)
			errno = EFBIG;
		err_set("cannot read %s", path);
		close(fd);
		return -1;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		close(fd);
		return err_set("cannot read %s", path);
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (!r)
				errno = EIO;
			err_set("cannot read %s", path);
			free(buf);
			close(fd);
			return -1;
		}
		got += r;
	}
	close(fd);
	buf[got] = 0;
	*data = buf;
	*n = got;
	return 0;
}

/* ---- removing trees -------------------------------------------------------
 *
 * By directory fd, never by path: a tree of any depth (a layer can nest
 * directories far past PATH_MAX, through symlinks) is removed with
 * unlinkat() relative to each entry's parent. At most RM_OPEN directory
 * levels are held open (a DIR each); a subtree deeper than that is moved
 * up, with one rename, into the shallowest open directory whose entries
 * all go, and removed from there later. Work is linear in the number of
 * entries, memory constant, whatever the depth. Mount points are not
 * crossed (EBUSY). */

#define RM_OPEN 256 /* DIRs of ~2 KiB each, allocated as the walk goes down */
#define RM_FIRST 8  /* levels at first, doubled as the walk goes deeper: a
		     * container's directory is a few deep, and 72 KiB at once
		     * is an mmap of pages never touched */

struct rm_level {
	DIR *d;
	int all;    /* every entry goes (no ctime test) */
	int remove; /* the directory itself goes once empty */
	int refill; /* a subtree was moved in: read it again */
	char name[NAME_MAX + 1];
};

static int is_kept(const struct stat *sb, const struct timespec *keep)
{
	return sb->st_ctim.tv_sec > keep->tv_sec ||
	       (sb->st_ctim.tv_sec == keep->tv_sec && sb->st_ctim.tv_nsec >= keep->tv_nsec);
}

/* Rename name in pfd into dir afd under a fresh name. */
static int move_up(int pfd, const char *name, int afd, unsigned long *seq)
{
	char to[32];

	for (;;) {
		snprintf(to, sizeof(to), ".rm-%lu", ++*seq);
		if (syscall(SYS_renameat2, pfd, name, afd, to, 1 /* RENAME_NOREPLACE */) == 0)
			return 0;
		if (errno == EEXIST)
			continue;
		if (errno != EINVAL && errno != ENOSYS)
			return -1;
		/* a file system without RENAME_NOREPLACE: we are the only
		 * writer of a tree being removed */
		if (faccessat(afd, to, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		return renameat(pfd, name, afd, to);
	}
}

/* A directory about to be emptied: rwx for its owner, or an unprivileged
 * caller could not empty a 0555 directory a layer brought. */
static void open_up(int fd, const struct stat *sb)
{
	if ((sb->st_mode & 0700) != 0700)
		fchmod(fd, (sb->st_mode & 07777) | 0700);
}

int rm_contents(int fd, const struct timespec *keep, const char *what)
{
	struct rm_level *lv;
	struct stat sb;
	unsigned n = 0, cap = RM_FIRST;
	unsigned long seq = 0;
	dev_t dev;
	int rc = -1, e = 0;
	const char *bad = "";

	if (!(lv = malloc(cap * sizeof(*lv)))) {
		close(fd);
		return err_set("cannot remove %s", what);
	}
	if (fstat(fd, &sb) < 0 || !(lv[0].d = fdopendir(fd))) {
		e = errno;
		close(fd);
		goto out;
	}
	dev = sb.st_dev;
	lv[0].all = !keep;
	lv[0].remove = 0;
	lv[0].refill = 0;
	n = 1;
	while (n) {
		struct rm_level *l = &lv[n - 1];
		int pfd = dirfd(l->d), cfd, kept = 0, isdir;
		struct dirent *de;

		bad = "";
		errno = 0;
		if (!(de = readdir(l->d))) {
			if ((e = errno))
				goto out;
			if (l->refill) {
				l->refill = 0;
				rewinddir(l->d);
				continue;
			}
			if (n == 1)
				break;
			closedir(l->d);
			n--;
			if (l->remove && unlinkat(dirfd(lv[n - 1].d), l->name, AT_REMOVEDIR) < 0) {
				e = errno, bad = l->name;
				goto out;
			}
			continue;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		bad = de->d_name;
		isdir = de->d_type == DT_DIR;
		if (!l->all || de->d_type == DT_UNKNOWN) {
			if (fstatat(pfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
				if ((e = errno) == ENOENT)
					continue;
				goto out;
			}
			isdir = S_ISDIR(sb.st_mode);
			kept = !l->all && is_kept(&sb, keep);
		}
		if (!isdir) {
			if (kept || unlinkat(pfd, de->d_name, 0) == 0 || errno == ENOENT)
				continue;
			if (errno != EISDIR) { /* EISDIR: a directory after all */
				e = errno;
				goto out;
			}
		}
		cfd = openat(pfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0 && errno == EACCES && l->all) {
			fchmodat(pfd, de->d_name, 0700, 0);
			cfd = openat(pfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (cfd < 0 || fstat(cfd, &sb) < 0) {
			e = errno;
			if (cfd >= 0)
				close(cfd);
			goto out;
		}
		if (sb.st_dev != dev) {
			close(cfd);
			e = EBUSY; /* a mount point: not ours to empty */
			goto out;
		}
		if (n == RM_OPEN) {
			unsigned a = 0;

			close(cfd);
			while (a < n - 1 && !lv[a].all)
				a++;
			/* a kept directory this deep, or nowhere to move it */
			if (kept || a >= n - 1) {
				e = ELOOP;
				goto out;
			}
			if (move_up(pfd, de->d_name, dirfd(lv[a].d), &seq) < 0) {
				e = errno;
				goto out;
			}
			lv[a].refill = 1;
			continue;
		}
		if (n == cap) {
			struct rm_level *more = realloc(lv, 2 * cap * sizeof(*lv));

			if (!more) {
				e = ENOMEM;
				close(cfd);
				goto out;
			}
			lv = more;
			cap *= 2;
			l = &lv[n - 1];
		}
		if (!(lv[n].d = fdopendir(cfd))) {
			e = errno;
			close(cfd);
			goto out;
		}
		lv[n].remove = !kept;
		lv[n].all = l->all || !kept;
		lv[n].refill = 0;
		if (lv[n].all)
			open_up(cfd, &sb);
		strcpy(lv[n].name, de->d_name);
		n++;
	}
	rc = 0;
out:
	/* bad points into a DIR's buffer or lv: say it before they go */
	if (rc < 0)
		err_setn(e, "cannot remove %s%s%s", what, *bad ? ": " : "", bad);
	while (n)
		closedir(lv[--n].d);
	free(lv);
	return rc;
}

int rm_rf_at(int dirfd, const char *name, const char *what)
{
	struct stat sb;
	int fd;

	if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : err_set("cannot remove %s", what);
	if (!S_ISDIR(sb.st_mode))
		return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ?
		       err_set("cannot remove %s", what) : 0;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == EACCES) {
		fchmodat(dirfd, name, 0700, 0);
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return err_set("cannot remove %s", what);
	open_up(fd, &sb);
	if (rm_contents(fd, NULL, what) < 0)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return err_set("cannot remove %s", what);
	return 0;
}

int rm_rf(const char *path)
{
	return rm_rf_at(AT_FDCWD, path, path);
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return err_setn(ENAMETOOLONG, "%s", path);
	/* Mostly the parents are there: one call, not one per component. */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = 0;
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return err_set("cannot create %s", buf);
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

int path_join(char *buf, const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);

	if (a + b + 2 > PATH_MAX)
		return err_setn(ENAMETOOLONG, "%s/%s", dir, name);
	memcpy(buf, dir, a);
	buf[a] = '/';
	memcpy(buf + a + 1, name, b + 1);
	return 0;
}
