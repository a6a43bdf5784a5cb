/* guard.c - keep the host out of a container's reach (see guard.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "err.h"
#include "guard.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
/* From linux/mount.h and linux/openat2.h, which a musl-only build
 * cannot include. */
#define OPEN_TREE_CLONE 1
#define MOUNT_ATTR_RDONLY 0x1
#define MOUNT_ATTR_NOSUID 0x2
#define MOUNT_ATTR_NODEV 0x4
#define MFD_CLOEXEC 0x0001U
#define MFD_ALLOW_SEALING 0x0002U
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_IN_ROOT 0x10

struct mount_attr_ {
	unsigned long long attr_set, attr_clr, propagation, userns_fd;
};
struct open_how_ {
	unsigned long long flags, mode, resolve;
};

extern char **environ;
char **boxcar_argv;

/* ---- fds ---------------------------------------------------------------- */

/* Without close_range (Linux < 5.9): the fds /proc lists, or every
 * number below the limit if there is no /proc. */
static void each_fd(int cloexec)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	struct rlimit r;
	long max = 65536;

	if (d) {
		while ((de = readdir(d))) {
			int fd = atoi(de->d_name);

			if (fd > 2 && fd != dirfd(d))
				cloexec ? fcntl(fd, F_SETFD, FD_CLOEXEC) : close(fd);
		}
		closedir(d);
		return;
	}
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < (rlim_t)max)
		max = (long)r.rlim_cur;
	for (int fd = 3; fd < max; fd++)
		cloexec ? fcntl(fd, F_SETFD, FD_CLOEXEC) : close(fd);
}

int guard_close_fds(void)
{
	if (syscall(SYS_close_range, 3, ~0u, 0) < 0)
		each_fd(0);
	return 0;
}

int guard_cloexec_fds(void)
{
	if (syscall(SYS_close_range, 3, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
		each_fd(1);
	return 0;
}

int guard_undumpable(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return err_set("cannot make the process undumpable");
	return 0;
}

/* ---- the binary --------------------------------------------------------- */

/* The environment variable that marks a re-exec: it carries the name the
 * process had (an exec through an fd names it after the fd number). */
#define REEXEC_ENV "BOXCAR_GUARDED_EXE"

static int exe_is_safe(void)
{
	struct statvfs sv;
	int fd, seals;

	if (statvfs("/proc/self/exe", &sv) == 0 && (sv.f_flag & ST_RDONLY))
		return 1;
	if ((fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	seals = fcntl(fd, F_GET_SEALS);
	close(fd);
	return seals >= 0 && (seals & F_SEAL_WRITE);
}

static void reexec(int fd, const char *comm)
{
	if (setenv(REEXEC_ENV, comm, 1) == 0)
		syscall(SYS_execveat, fd, "", boxcar_argv, environ, AT_EMPTY_PATH);
	unsetenv(REEXEC_ENV);
}

/* A read-only bind mount of the binary that is in no mount namespace:
 * nothing can make it writable again, and it goes when we do. */
static void reexec_ro_bind(const char *comm)
{
#if defined(SYS_open_tree) && defined(SYS_mount_setattr)
	struct mount_attr_ attr = { MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0, 0, 0 };
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | O_CLOEXEC);

	if (fd < 0)
		return;
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) == 0)
		reexec(fd, comm);
	close(fd);
#else
	(void)comm;
#endif
}

/* A sealed copy in memory: costs the binary's size in RAM while we run. */
static void reexec_memfd(const char *comm)
{
#ifdef SYS_memfd_create
	int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), fd = -1;
	struct stat st;
	off_t off = 0;

	if (in < 0 || fstat(in, &st) < 0
	    || (fd = (int)syscall(SYS_memfd_create, "boxcar", MFD_CLOEXEC | MFD_ALLOW_SEALING)) < 0)
		goto out;
	while (off < st.st_size)
		if (sendfile(fd, in, &off, st.st_size - off) <= 0)
			goto out;
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) == 0)
		reexec(fd, comm);
out:
	if (in >= 0)
		close(in);
	if (fd >= 0)
		close(fd);
#else
	(void)comm;
#endif
}

int guard_exe(void)
{
	const char *was = getenv(REEXEC_ENV);
	char comm[17] = "boxcar";

	if (was) {
		/* ours: give the process its name back, and the variable
		 * goes nowhere further (a container's environment is built
		 * from its spec, but a shell's is not) */
		prctl(PR_SET_NAME, was, 0, 0, 0);
		unsetenv(REEXEC_ENV);
		if (exe_is_safe())
			return 0;
		return err_setn(EPERM, "cannot protect the boxcar binary");
	}
	if (!boxcar_argv || exe_is_safe())
		return 0;
	prctl(PR_GET_NAME, comm, 0, 0, 0);
	/* BOXCAR_GUARD_EXE=memfd: the copy first (bench/run.sh measures
	 * both ways) */
	if (!(was = getenv("BOXCAR_GUARD_EXE")) || strcmp(was, "memfd"))
		reexec_ro_bind(comm);
	reexec_memfd(comm);
	reexec_ro_bind(comm);
	return err_set("cannot protect the boxcar binary");
}

/* ---- the working directory ---------------------------------------------- */

int guard_chdir(const char *dir)
{
	struct open_how_ how = { O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
				 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	char cwd[PATH_MAX];
	int root, fd = -1;
	long n;

	if ((root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fd = (int)syscall(SYS_openat2, root, dir, &how, sizeof(how));
		close(root);
	}
	if (fd >= 0) {
		int rc = fchdir(fd);

		close(fd);
		if (rc < 0)
			return err_set("cannot change to working directory %s", dir);
	} else if (errno == ELOOP || errno == EXDEV) {
		return err_set("cannot change to working directory %s", dir);
	} else if (chdir(dir) < 0) /* no openat2: checked below */
		return err_set("cannot change to working directory %s", dir);
	/* The raw call: the kernel puts "(unreachable)" before a directory
	 * outside our root, where a libc may just fail. */
	n = syscall(SYS_getcwd, cwd, sizeof(cwd));
	if (n <= 0 || cwd[0] != '/') {
		(void)!chdir("/"); /* leave nothing of the host as our cwd */
		return err_setn(EXDEV, "working directory %s is outside the container", dir);
	}
	return 0;
}
