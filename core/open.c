/* open.c - open(2) as openat(AT_FDCWD, ...), nothing more.
 *
 * musl's open follows every O_CLOEXEC open with fcntl(FD_CLOEXEC), for
 * kernels before 2.6.23 that ignored the flag: one system call more per
 * open, 50 in one `run` (opendir's and fdopen's callers too). boxcar
 * needs a far newer kernel (overlayfs, openat2 where it has it), so in
 * a static musl link this open takes the place of musl's. openat has no
 * such fallback. A glibc build (the fuzzers) keeps its own libc's.
 */
#include <fcntl.h>

#ifndef __GLIBC__
#include <stdarg.h>
#include <sys/types.h>

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return openat(AT_FDCWD, path, flags, mode);
}
#endif
