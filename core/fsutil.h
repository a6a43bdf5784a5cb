/* fsutil.h - file-system steps that must survive a crash or clean up
 * after one: atomic replace, fsync of a directory, rm -rf, mkdir -p.
 * Errors follow err.h.
 */
#ifndef BOXCAR_FSUTIL_H
#define BOXCAR_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* write(2) until all n bytes are out (EINTR retried): 0, or -1 with errno
 * (no err_set). */
int write_all(int fd, const void *data, size_t n);
/* Replace path with n bytes of data so that a reader (or a reboot) sees
 * the old file or the new one, never a mix: write path.tmp, fsync it,
 * rename it over path, fsync the directory. */
int write_file_atomic(const char *path, const void *data, size_t n, mode_t mode);
/* fsync the directory that holds path (after creating or renaming in it). */
int fsync_parent(const char *path);
int fsync_path(const char *path);
/* Read a whole small file (metadata), or a pipe to its end: at most max
 * bytes, else EFBIG.
 * *data is malloc'd and NUL-terminated. */
int read_file(const char *path, size_t max, char **data, size_t *n);
/* Remove path and everything under it, not following symlinks and not
 * crossing mount points (EBUSY); a missing path is not an error. Walks by
 * directory fd (unlinkat relative to the parent), so any depth goes, in
 * time linear in the entries and constant memory (RM_OPEN open levels;
 * deeper subtrees are renamed up first). rm_rf_at: name in dirfd; what
 * names it in messages. */
int rm_rf(const char *path);
int rm_rf_at(int dirfd, const char *name, const char *what);
/* Empty the directory open at fd (which this takes and closes). With
 * keep, entries whose ctime is at or after *keep stay, with what they
 * hold that is as new (older contents of a kept directory go). */
int rm_contents(int fd, const struct timespec *keep, const char *what);
/* dir + "/" + name into buf[PATH_MAX]: 0, or -1 (ENAMETOOLONG). */
int path_join(char *buf, const char *dir, const char *name);
/* Create path and missing parents. */
int mkdir_p(const char *path, mode_t mode);

#endif
