/* Unit tests for core/fsutil.c's removal walk and core/pathsafe.c's
 * directory cache: trees far deeper than PATH_MAX (built by fd, as a
 * layer can), the walk's own .rm-N names, a ctime to keep, and
 * directories made deep down through the cache. Run on the boards too
 * (the hostile registry tests need python3, which they lack). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fsutil.h"
#include "pathsafe.h"
#include "unit.h"

/* n directories "a" nested under dir's fd, a file at the bottom; the fd
 * of the deepest one. */
static int chain(int fd, int n, const char *name)
{
	fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	for (int i = 0; i < n && fd >= 0; i++) {
		int next;

		if (mkdirat(fd, name, 0755) < 0 && errno != EEXIST)
			return -1;
		next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	if (fd >= 0)
		close(openat(fd, "f", O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	return fd;
}

static int gone(const char *path)
{
	struct stat st;

	return lstat(path, &st) < 0 && errno == ENOENT;
}

int main(void)
{
	/* tmpfs where there is one: thousands of directories on a busy disk */
	char dir[] = "/dev/shm/bxtest.fsutil.XXXXXX", sub[64];
	struct timespec t0, keep;
	struct pathsafe_dir c;
	struct stat a, b;
	int fd, root, d, ok;

	if (access("/dev/shm", W_OK) < 0)
		memcpy(dir, "/tmp/", 5), memmove(dir + 5, dir + 9, sizeof(dir) - 9);
	if (!mkdtemp(dir))
		return 1;
	root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* 3000 deep: a path of 6000 bytes from dir, 12 x RM_OPEN levels */
	fd = chain(root, 3000, "a");
	CHECK("a chain 3000 deep is built", fd >= 0);
	close(fd);
	close(openat(root, ".rm-1", O_WRONLY | O_CREAT | O_CLOEXEC, 0600)); /* its own names */
	mkdirat(root, ".rm-2", 0755);
	fd = chain(root, 700, "b");
	fchmod(fd, 0500); /* no write permission at the bottom */
	close(fd);
	snprintf(sub, sizeof(sub), "%s/a", dir);
	CHECK("rm_rf: a tree past PATH_MAX and past the open levels", rm_rf(sub) == 0 && gone(sub));
	fd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK("rm_contents: empties what is left", rm_contents(fd, NULL, dir) == 0);
	CHECK("rm_contents: nothing stays", rmdir(dir) == 0);
	mkdir(dir, 0700);
	close(root);
	root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* a ctime to keep: what comes after it stays, even deep down */
	close(chain(root, 400, "old"));
	clock_gettime(CLOCK_REALTIME_COARSE, &t0);
	do
		clock_gettime(CLOCK_REALTIME_COARSE, &keep);
	while (keep.tv_sec == t0.tv_sec && keep.tv_nsec == t0.tv_nsec);
	mkdirat(root, "new", 0755);
	fd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ok = rm_contents(fd, &keep, dir) == 0;
	CHECK("rm_contents with keep: the old deep tree goes", ok && faccessat(root, "old", F_OK, 0) < 0);
	CHECK("rm_contents with keep: the new one stays", faccessat(root, "new", F_OK, 0) == 0);

	/* the directory cache: siblings made deep down, through a symlink */
	pathsafe_dir_init(&c, root);
	close(chain(root, 1500, "c"));
	ok = 1;
	for (int i = 0; i < 50 && ok; i++) {
		static char rel[8192];
		size_t o = 0;

		for (int j = 0; j < 1500; j++)
			rel[o++] = 'c', rel[o++] = '/';
		snprintf(rel + o, sizeof(rel) - o, "d%d/e", i);
		d = pathsafe_dir_open(&c, rel, 1);
		fd = pathsafe_open_dir(root, rel, 0);
		ok = d >= 0 && fd >= 0 && !fstat(d, &a) && !fstat(fd, &b) && a.st_ino == b.st_ino;
		if (fd >= 0)
			close(fd);
	}
	CHECK("pathsafe_dir: 50 new directories 1500 deep are where a walk from the root finds them", ok);
	symlinkat("c/c/c", root, "l");
	d = pathsafe_dir_open(&c, "l/c/new", 1);
	fd = pathsafe_open_dir(root, "c/c/c/c/new", 0);
	CHECK("pathsafe_dir: a symlink on the way is resolved from the root",
	      d >= 0 && fd >= 0 && !fstat(d, &a) && !fstat(fd, &b) && a.st_ino == b.st_ino);
	if (fd >= 0)
		close(fd);
	symlinkat("/c", root, "abs");
	d = pathsafe_dir_open(&c, "abs/c/x", 1);
	fd = pathsafe_open_dir(root, "c/c/x", 0);
	CHECK("pathsafe_dir: an absolute symlink stays inside the root",
	      d >= 0 && fd >= 0 && !fstat(d, &a) && !fstat(fd, &b) && a.st_ino == b.st_ino);
	if (fd >= 0)
		close(fd);
	/* a mount point inside is not crossed, and not removed */
	snprintf(sub, sizeof(sub), "%s/c/mnt", dir);
	mkdir(sub, 0755);
	if (mount("bxtest-rm", sub, "tmpfs", 0, "size=64k") == 0) {
		close(open(strcat(sub, "/kept"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
		snprintf(sub, sizeof(sub), "%s/c", dir);
		CHECK("rm_rf: a mount point inside stops it (EBUSY)",
		      rm_rf(sub) < 0 && err_errno() == EBUSY);
		snprintf(sub, sizeof(sub), "%s/c/mnt/kept", dir);
		CHECK("rm_rf: and what is mounted there stays", access(sub, F_OK) == 0);
		snprintf(sub, sizeof(sub), "%s/c/mnt", dir);
		umount(sub);
	}
	close(openat(root, "file", O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	CHECK("pathsafe_dir: a file is not a directory", pathsafe_dir_open(&c, "file/x", 1) < 0);
	pathsafe_dir_close(&c);
	close(root);
	CHECK("rm_rf: the whole test dir goes", rm_rf(dir) == 0 && gone(dir));
	return UNIT_DONE();
}
