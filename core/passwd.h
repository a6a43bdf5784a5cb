/* passwd.h - a container user, resolved the way Docker does: USER[:GROUP]
 * where each is a name or a number, looked up in the image's /etc/passwd
 * and /etc/group (read under a root directory, never the host's).
 *   - a name that is not in passwd is an error; a number need not be
 *     (then gid 0 and HOME=/ unless given);
 *   - supplementary groups: every group of /etc/group listing the user;
 *   - HOME comes from passwd ("/" when unknown).
 * Errors follow err.h.
 */
#ifndef BOXCAR_PASSWD_H
#define BOXCAR_PASSWD_H

#include <stddef.h>
#include <sys/types.h>

#define PASSWD_GROUPS_MAX 64

struct user_ids {
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[PASSWD_GROUPS_MAX];
	char home[256];
};

/* spec NULL or "" is root. rootfd: the directory that is "/" for the
 * lookup (files are opened under it with RESOLVE_IN_ROOT, so a symlinked
 * /etc/passwd cannot point out of it). */
int passwd_resolve(int rootfd, const char *spec, struct user_ids *u);
/* The name of uid in rootfd's etc/passwd into name: 0, or -1 if it has
 * none (no error recorded). For listings: top's USER column. */
int passwd_name(int rootfd, uid_t uid, char *name, size_t n);

#endif
