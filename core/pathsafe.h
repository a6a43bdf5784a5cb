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

#include <limits.h>

/* Clean an archive name into out (PATH_MAX bytes): leading "/" and "."
 * and empty components dropped, no trailing "/". "" is the root itself.
 * Refuses an empty name and any ".." component (EINVAL). */
int path_clean(const char *name, char *out);

/* Open the directory rel (a path_clean()ed path; "" is root) under root,
 * O_RDONLY|O_DIRECTORY. With create, missing components are made (0755).
 * Returns the fd, or -1. */
int pathsafe_open_dir(int root, const char *rel, int create);

/* The last directory opened under root, to start the next walk from: an
 * archive lists a directory's entries together, and its next directory is
 * mostly a child or a sibling. Going up by ".." is only done over the
 * trailing components known to be real directories (opened with
 * O_NOFOLLOW or made here), so the result is always what resolving rel
 * from root gives; a symlink on the way is resolved from root. Making a
 * missing directory costs what is made, not a walk from root per
 * component, whatever the depth. */
struct pathsafe_dir {
	int root;          /* not owned */
	int fd;            /* the directory at path, or -1 */
	int valid;         /* path still names fd (see pathsafe_dir_forget) */
	unsigned ncomp;    /* components in path */
	unsigned nreal;    /* trailing ones that are real directories */
	char path[PATH_MAX];
};

void pathsafe_dir_init(struct pathsafe_dir *c, int root);
/* Like pathsafe_open_dir(), but the fd belongs to c: valid until the next
 * call. */
int pathsafe_dir_open(struct pathsafe_dir *c, const char *rel, int create);
/* Something was removed or replaced under root: start from root next
 * time. The fd stays open until the next pathsafe_dir_open(). */
void pathsafe_dir_forget(struct pathsafe_dir *c);
void pathsafe_dir_close(struct pathsafe_dir *c);

#endif
