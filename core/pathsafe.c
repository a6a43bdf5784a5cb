/* pathsafe.c - see pathsafe.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "err.h"
#include "pathsafe.h"

/* From linux/openat2.h, which a musl-only build cannot include. */
struct open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_IN_ROOT 0x10

int path_clean(const char *name, char *out)
{
	size_t o = 0;
	const char *p = name;

	if (!*name)
		return err_setn(EINVAL, "empty name");
	while (*p) {
		const char *c = p;
		size_t len;

		while (*p && *p != '/')
			p++;
		len = (size_t)(p - c);
		while (*p == '/')
			p++;
		if (len == 0 || (len == 1 && c[0] == '.'))
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.')
			return err_setn(EINVAL, "name contains \"..\"");
		if (o + !!o + len >= PATH_MAX)
			return err_setn(ENAMETOOLONG, "name too long");
		if (o)
			out[o++] = '/';
		memcpy(out + o, c, len);
		o += len;
	}
	out[o] = '\0';
	return 0;
}

/* 1: openat2 works, 0: it does not (ENOSYS, seccomp), -1: not tried yet.
 * BOXCAR_NO_OPENAT2 in the environment forces the walk, for the tests. */
static int have_openat2 = -1;

static int open_openat2(int root, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd, tries = 0;

	do /* EAGAIN: a concurrent rename raced with ".." resolution */
		fd = (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN && ++tries < 16);
	return fd;
}

/* One component at a time; a symlink anywhere is refused (ELOOP). */
static int open_walk(int root, const char *rel)
{
	char comp[NAME_MAX + 1];
	int fd = fcntl(root, F_DUPFD_CLOEXEC, 0);

	while (fd >= 0 && *rel) {
		size_t len = strcspn(rel, "/");
		int next;

		if (len > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, rel, len);
		comp[len] = '\0';
		rel += len + (rel[len] == '/');
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && (errno == ENOTDIR || errno == ELOOP)) {
			struct stat st;
			if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				errno = ELOOP;
		}
		close(fd);
		fd = next;
	}
	return fd;
}

static int open_in(int root, const char *rel)
{
	if (have_openat2 < 0)
		have_openat2 = !getenv("BOXCAR_NO_OPENAT2");
	if (have_openat2) {
		int fd = open_openat2(root, rel);
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
			return fd;
		if (errno == ENOSYS)
			have_openat2 = 0;
		else /* EPERM: seccomp, or a real permission error: walk decides */
			return open_walk(root, rel);
	}
	return open_walk(root, rel);
}

void pathsafe_dir_init(struct pathsafe_dir *c, int root)
{
	c->root = root;
	c->fd = -1;
	c->valid = 0;
	c->ncomp = c->nreal = 0;
	c->path[0] = 0;
}

void pathsafe_dir_forget(struct pathsafe_dir *c)
{
	c->valid = 0;
}

void pathsafe_dir_close(struct pathsafe_dir *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->valid = 0;
}

static void set_fd(struct pathsafe_dir *c, int fd)
{
	if (c->fd >= 0 && c->fd != fd)
		close(c->fd);
	c->fd = fd;
}

static unsigned count_comps(const char *p)
{
	unsigned n = *p ? 1 : 0;

	for (; *p; p++)
		n += *p == '/';
	return n;
}

/* Walk down from c's directory (c->path, a prefix of rel) to rel, one
 * component at a time, making what is missing with create. A symlink is
 * resolved from root (RESOLVE_IN_ROOT, or refused by the walk). */
static int walk_down(struct pathsafe_dir *c, const char *rel, int create)
{
	size_t at = strlen(c->path);
	char comp[NAME_MAX + 1];

	while (rel[at]) {
		size_t len;
		int next;

		at += at && rel[at] == '/';
		len = strcspn(rel + at, "/");
		if (len > NAME_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, rel + at, len);
		comp[len] = 0;
		next = openat(c->fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(c->fd, comp, 0755) < 0 && errno != EEXIST)
				return -1;
			next = openat(c->fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		memcpy(c->path, rel, at + len);
		c->path[at + len] = 0;
		c->ncomp++;
		if (next >= 0) {
			c->nreal++;
		} else if (errno == ELOOP || errno == ENOTDIR) {
			/* a symlink (or not a directory): what root says */
			next = open_in(c->root, c->path);
			c->nreal = 0;
		}
		if (next < 0) {
			c->valid = 0;
			return -1;
		}
		set_fd(c, next);
		at += len;
	}
	return 0;
}

int pathsafe_dir_open(struct pathsafe_dir *c, const char *rel, int create)
{
	size_t k = 0, common = 0;
	unsigned up, kc = 0;
	int fd, e;

	if (c->valid && !strcmp(c->path, rel))
		return c->fd;
	/* the longest common prefix of whole components */
	if (c->valid) {
		for (k = 0; c->path[k] && c->path[k] == rel[k]; k++)
			if (c->path[k] == '/')
				common = k, kc++;
		if (!c->path[k] && (!rel[k] || rel[k] == '/'))
			common = k, kc++;
		else if (!rel[k] && c->path[k] == '/')
			common = k, kc++;
		if (!common)
			kc = 0;
	}
	up = c->valid ? c->ncomp - kc : 0;
	/* Near the last one (a child, a sibling): from there. */
	if (c->valid && up <= c->nreal && up <= 8)
		goto from_cache;
	fd = *rel ? open_in(c->root, rel) : fcntl(c->root, F_DUPFD_CLOEXEC, 0);
	if (fd >= 0) {
		set_fd(c, fd);
		snprintf(c->path, sizeof(c->path), "%s", rel);
		c->ncomp = count_comps(rel);
		c->nreal = 0;
		c->valid = 1;
		return fd;
	}
	if (!create || errno != ENOENT)
		goto fail;
	if (!(c->valid && up <= c->nreal)) {
		/* from root: real directories all the way, as far as they go */
		if ((fd = fcntl(c->root, F_DUPFD_CLOEXEC, 0)) < 0)
			goto fail;
		set_fd(c, fd);
		c->path[0] = 0;
		c->ncomp = c->nreal = 0;
		c->valid = 1;
		goto down;
	}
from_cache:
	for (; up; up--) {
		fd = openat(c->fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			goto fail;
		set_fd(c, fd);
		c->ncomp--;
		c->nreal--;
	}
	c->path[common] = 0;
down:
	if (walk_down(c, rel, create) < 0)
		goto fail;
	return c->fd;
fail:
	e = errno;
	c->valid = 0;
	errno = e;
	return err_set("%s: %s", rel, errno == ELOOP ? "through a symbolic link" :
		       "cannot open directory");
}

int pathsafe_open_dir(int root, const char *rel, int create)
{
	struct pathsafe_dir c;
	int fd;

	if (!create) {
		fd = *rel ? open_in(root, rel) : fcntl(root, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return err_set("%s: %s", rel, errno == ELOOP ?
				       "through a symbolic link" : "cannot open directory");
		return fd;
	}
	pathsafe_dir_init(&c, root);
	if (pathsafe_dir_open(&c, rel, create) < 0) {
		pathsafe_dir_close(&c);
		return -1;
	}
	return c.fd;
}
