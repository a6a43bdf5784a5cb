/* pathsafe.h - resolve archive paths inside a directory and nowhere else.
 *
 * Names from archives are untrusted. They are first cleaned into a plain
 * relative path (path_clean), then resolved under a root directory fd:
 * with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) where the kernel
 * has it (Linux 5.6+), so ".." and symlinks, absolute ones included, are
 * resolved as if root were "/"; on older kernels by a component walk with
 * O_NOFOLLOW that refuses a symlink in any directory component.
 * Errors follow err.h.
 */
#ifndef BOXCAR_PATHSAFE_H
#define BOXCAR_PATHSAFE_H

/* Clean an archive name into out (PATH_MAX bytes): leading "/" and "."
 * and empty components dropped, no trailing "/". "" is the root itself.
 * Refuses an empty name and any ".." component (EINVAL). */
int path_clean(const char *name, char *out);

/* Open the directory rel (a path_clean()ed path; "" is root) under root,
 * O_RDONLY|O_DIRECTORY. With create, missing components are made (0755).
 * Returns the fd, or -1. */
int pathsafe_open_dir(int root, const char *rel, int create);

#endif
