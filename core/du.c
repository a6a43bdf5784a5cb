/* du.c - disk use of a tree, for `system df` and the prunes. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdint.h>
#include <sys/stat.h>

#include "du.h"

static int64_t total;

static int add(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)path, (void)type, (void)f;
	total += (int64_t)st->st_blocks * 512;
	return 0;
}

int64_t disk_usage(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return 0;
	total = 0;
	/* Not following links, not crossing into mounts (a container's
	 * merged/ while it runs). Unreadable parts count as nothing. */
	nftw(path, add, 16, FTW_PHYS | FTW_MOUNT);
	return total;
}
