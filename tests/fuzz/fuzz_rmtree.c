/* fuzz_rmtree.c - libFuzzer target: the bytes build a tree (directories
 * nested up to a few thousand deep, files, symlinks, names like the walk's
 * own ".rm-N", modes without rwx), built by fd so no path limit applies;
 * then rm_rf removes it, or rm_contents empties it with a ctime to keep
 * that keeps nothing. The tree must be gone: anything left is a crash.
 * Trees live under /dev/shm (tmpfs), not on the disk.
 * Built by scripts/fuzz.sh with all of core/ except multicall.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

#define MAX_MADE 4000

static const char *const names[] = { "a", "b", ".rm-1", ".rm-2", "x y", "..." };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/dev/shm/fuzz_rmtree.XXXXXX";
	int fd, depth = 0, made = 0;
	struct stat sb;

	if (!size || !mkdtemp(dir))
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		abort();
	for (size_t i = 1; i < size && made < MAX_MADE; i++) {
		const char *name = names[(data[i] >> 3) % (sizeof(names) / sizeof(names[0]))];
		int next, n;

		switch (data[i] & 7) {
		case 0: /* a directory, and into it */
		case 5: /* a chain of them */
			n = (data[i] & 7) == 5 ? 50 + (data[i] >> 3) * 20 : 1;
			while (n-- && made < MAX_MADE) {
				if (mkdirat(fd, name, 0755) < 0 && errno != EEXIST)
					break;
				made++;
				next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (next < 0)
					break;
				close(fd);
				fd = next;
				depth++;
			}
			break;
		case 1: /* up */
			if (depth) {
				next = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				if (next < 0)
					abort();
				close(fd);
				fd = next;
				depth--;
			}
			break;
		case 2:
			next = openat(fd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
			if (next >= 0)
				close(next), made++;
			break;
		case 3:
			made += symlinkat(data[i] & 8 ? "/" : "..", fd, name) == 0;
			break;
		case 4:
			made += mkdirat(fd, name, 0755) == 0;
			break;
		case 6: /* no permissions (root passes, an unprivileged run does not) */
			fchmod(fd, data[i] & 8 ? 0 : 0555);
			break;
		case 7: /* the root of it all, again */
			while (depth) {
				next = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				if (next < 0)
					abort();
				close(fd);
				fd = next;
				depth--;
			}
			break;
		}
	}
	close(fd);
	if (data[0] & 1) {
		if (rm_rf(dir) < 0 || lstat(dir, &sb) == 0 || errno != ENOENT)
			abort();
		return 0;
	}
	/* a keep time in the future keeps nothing, but makes the walk look
	 * at each entry's ctime and not move subtrees into the top */
	struct timespec keep = { .tv_sec = INT32_MAX };
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || rm_contents(fd, &keep, dir) < 0 || rmdir(dir) < 0)
		abort();
	return 0;
}
