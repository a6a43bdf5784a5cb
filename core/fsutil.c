/* fsutil.c - crash-safe file steps (see fsutil.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static int write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
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

int read_file(const char *path, size_t max, char **data, size_t *n)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set("cannot open %s", path);
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

/* First pass: make every directory writable, or an unprivileged user
 * could not empty a 0555 directory a layer brought. */
static int make_writable(const char *p, const struct stat *st, int type, struct FTW *f)
{
	if (type == FTW_D && (st->st_mode & 0700) != 0700)
		chmod(p, (st->st_mode & 07777) | 0700);
	return 0;
}

static int remove_failed; /* nftw has no user pointer */

static int remove_one(const char *p, const struct stat *st, int type, struct FTW *f)
{
	if ((type == FTW_DP ? rmdir(p) : unlink(p)) < 0 && errno != ENOENT) {
		remove_failed = 1;
		return err_set("cannot remove %s", p);
	}
	return 0;
}

int rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : err_set("cannot remove %s", path);
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 && errno != ENOENT ? err_set("cannot remove %s", path) : 0;
	remove_failed = 0;
	if (nftw(path, remove_one, 16, FTW_PHYS | FTW_MOUNT | FTW_DEPTH) == 0)
		return 0;
	/* A dir without write or search permission stops anyone but root
	 * (an unpacked layer may have one): open them up, then again. */
	if (!remove_failed || (err_errno() != EACCES && err_errno() != EPERM))
		return remove_failed ? -1 : err_set("cannot remove %s", path);
	if (nftw(path, make_writable, 16, FTW_PHYS | FTW_MOUNT) < 0)
		return err_set("cannot remove %s", path);
	remove_failed = 0;
	if (nftw(path, remove_one, 16, FTW_PHYS | FTW_MOUNT | FTW_DEPTH) != 0)
		return remove_failed ? -1 : err_set("cannot remove %s", path);
	return 0;
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
