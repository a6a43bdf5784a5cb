/* fuzz_dircache.c - libFuzzer target: struct pathsafe_dir, the directory
 * cache layer_unpack makes and opens directories through, against a walk
 * from the root. Each line of the input is an operation on a tree under a
 * fresh directory in /dev/shm:
 *     d PATH          make the directory PATH (its parents too)
 *     f PATH          a file
 *     l PATH TARGET   a symlink (TARGET may be absolute, or lead up)
 *     r PATH          remove PATH, a whole tree if it is one
 *     o PATH          open PATH through the cache, making it
 *     D N NAME        "NAME/NAME/..." N deep, through the cache
 * After every open through the cache, PATH opened afresh from the root
 * (pathsafe_open_dir, no cache) must be the same directory; when the cache
 * fails, so must the fresh open. Built by scripts/fuzz.sh. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "pathsafe.h"

#define MAX_OPS 200

static void check(struct pathsafe_dir *c, int root, const char *rel)
{
	struct stat a, b;
	int fd = pathsafe_dir_open(c, rel, 1), ref;

	ref = pathsafe_open_dir(root, rel, 0);
	if (fd < 0) {
		if (ref >= 0)
			abort(); /* the cache failed where the root walk finds it */
		return;
	}
	if (ref < 0 || fstat(fd, &a) < 0 || fstat(ref, &b) < 0 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		abort();
	close(ref);
}

/* The parent of rel through the cache, base into *base. */
static int parent(struct pathsafe_dir *c, int root, char *rel, const char **base)
{
	char *slash = strrchr(rel, '/');

	if (!slash) {
		*base = rel;
		return root;
	}
	*slash = 0;
	check(c, root, rel);
	int fd = pathsafe_dir_open(c, rel, 1);
	*slash = '/';
	*base = slash + 1;
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/dev/shm/fuzz_dircache.XXXXXX";
	static char line[PATH_MAX], rel[PATH_MAX], deep[PATH_MAX];
	struct pathsafe_dir c;
	size_t at = 0;
	int root, ops = 0;

	if (!mkdtemp(dir))
		return 0;
	root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		abort();
	pathsafe_dir_init(&c, root);
	while (at < size && ops++ < MAX_OPS) {
		size_t n = 0;
		char *arg, *arg2;
		const char *base;
		int pfd;

		while (at < size && data[at] != '\n' && n < sizeof(line) - 1)
			line[n++] = (char)data[at++];
		at++;
		line[n] = 0;
		if (n < 3 || line[1] != ' ' || memchr(line, 0, n))
			continue;
		arg = line + 2;
		arg2 = strchr(arg, ' ');
		if (arg2)
			*arg2++ = 0;
		if (line[0] == 'D') {
			long k = strtol(arg, NULL, 10);
			size_t len = arg2 ? strlen(arg2) : 0, o = 0;

			if (!len || len > 8 || strchr(arg2, '/') || k < 1)
				continue;
			for (; k-- && o + len + 1 < sizeof(deep) / 2; o += len + 1) {
				memcpy(deep + o, arg2, len);
				deep[o + len] = '/';
			}
			deep[o ? o - 1 : 0] = 0;
			arg = deep;
		}
		if (path_clean(arg, rel) < 0 || !rel[0])
			continue;
		switch (line[0]) {
		case 'o':
		case 'D':
			check(&c, root, rel);
			break;
		case 'd':
		case 'f':
		case 'l':
		case 'r':
			if ((pfd = parent(&c, root, rel, &base)) < 0)
				break;
			if (line[0] == 'd')
				mkdirat(pfd, base, 0755);
			else if (line[0] == 'f')
				close(openat(pfd, base, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
			else if (line[0] == 'l')
				symlinkat(arg2 && *arg2 ? arg2 : "/", pfd, base);
			else {
				pathsafe_dir_forget(&c);
				rm_rf_at(pfd, base, base);
			}
			break;
		}
	}
	pathsafe_dir_close(&c);
	close(root);
	if (rm_rf(dir) < 0)
		abort();
	return 0;
}
