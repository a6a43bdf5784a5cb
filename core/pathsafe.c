/* pathsafe.c - see pathsafe.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
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

int pathsafe_open_dir(int root, const char *rel, int create)
{
	char buf[PATH_MAX];
	int fd, parent;

	if (*rel == '\0')
		fd = fcntl(root, F_DUPFD_CLOEXEC, 0);
	else
		fd = open_in(root, rel);
	if (fd >= 0 || !create || errno != ENOENT)
		goto out;

	/* Slow path, only when a directory is missing: open each prefix in
	 * turn, making what is missing in the directory that holds it. */
	strcpy(buf, rel);
	parent = fcntl(root, F_DUPFD_CLOEXEC, 0);
	for (char *p = buf; parent >= 0; ) {
		char *slash = strchr(p, '/'), *name = p;
		if (slash)
			*slash = '\0';
		fd = open_in(root, buf);
		if (fd < 0 && errno == ENOENT) {
			if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST)
				fd = -1;
			else
				fd = open_in(root, buf);
		}
		close(parent);
		if (!slash || fd < 0)
			break;
		*slash = '/';
		p = slash + 1;
		parent = fd;
	}
out:
	if (fd < 0)
		return err_set("%s: %s", rel, errno == ELOOP ? "through a symbolic link" :
			       "cannot open directory");
	return fd;
}
