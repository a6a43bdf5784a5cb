/* passwd.c - user resolution (see passwd.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "err.h"
#include "number.h"
#include "passwd.h"
#include "pathsafe.h"

struct open_how_ {
	uint64_t flags, mode, resolve;
};
#define RESOLVE_NO_MAGICLINKS_ 0x02
#define RESOLVE_IN_ROOT_ 0x10
/* A passwd or group file bigger than this is not read: the image is
 * not trusted (docs/security.md). */
#define PASSWD_FILE_MAX (4 << 20)

/* etc/NAME under rootfd, or NULL (missing is not an error: no entries).
 * The image chooses what is there: a FIFO would block us, /dev/zero
 * never end; only a regular file of a sane size is read. */
static FILE *open_in_root(int rootfd, const char *name)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	struct open_how_ how = { (uint64_t)flags, 0, RESOLVE_IN_ROOT_ | RESOLVE_NO_MAGICLINKS_ };
	const char *base = strrchr(name, '/');
	char dir[16];
	struct stat st;
	int fd = -1, dfd;
	FILE *f;

	errno = ENOSYS;
	if (!getenv("BOXCAR_NO_OPENAT2")) /* the tests' way to the walk */
		fd = (int)syscall(SYS_openat2, rootfd, name, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS && base && base - name < (int)sizeof(dir)) {
		/* Linux < 5.6: no symbolic link at all, on the way (an image's
		 * /etc -> /etc would be the host's) or at the end */
		memcpy(dir, name, base - name);
		dir[base - name] = 0;
		if ((dfd = pathsafe_open_dir(rootfd, dir, 0)) >= 0) {
			fd = openat(dfd, base + 1, flags | O_NOFOLLOW);
			close(dfd);
		}
	}
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > PASSWD_FILE_MAX) {
		close(fd);
		return NULL;
	}
	if (!(f = fdopen(fd, "r")))
		close(fd);
	return f;
}

/* "123" -> 123; -1 if not a plain number. */
static long number(const char *s)
{
	int64_t v;

	return number_int(s, 0, INT32_MAX, 0, &v) ? -1 : (long)v;
}

/* Split a passwd/group line into at most max fields at ':'. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\n")] = 0;
	while (n < max) {
		f[n++] = line;
		if (!(line = strchr(line, ':')))
			break;
		*line++ = 0;
	}
	return n;
}

/* Find a passwd entry by name (or by uid when name is NULL). */
static int find_user(FILE *f, const char *name, long uid, struct user_ids *u, char *uname,
		     size_t n)
{
	char line[1024], *fl[7];

	while (f && fgets(line, sizeof(line), f)) {
		if (split(line, fl, 7) < 7)
			continue;
		if (name ? strcmp(fl[0], name) : number(fl[2]) != uid)
			continue;
		if (number(fl[2]) < 0 || number(fl[3]) < 0)
			continue;
		u->uid = number(fl[2]);
		u->gid = number(fl[3]);
		snprintf(u->home, sizeof(u->home), "%s", *fl[5] ? fl[5] : "/");
		snprintf(uname, n, "%s", fl[0]);
		return 1;
	}
	return 0;
}

int passwd_name(int rootfd, uid_t uid, char *name, size_t n)
{
	FILE *pw = open_in_root(rootfd, "etc/passwd");
	struct user_ids u;
	int found = find_user(pw, NULL, (long)uid, &u, name, n);

	if (pw)
		fclose(pw);
	return found ? 0 : -1;
}

int passwd_resolve(int rootfd, const char *spec, struct user_ids *u)
{
	char user[256], uname[256] = "", line[4096], *group, *fl[4];
	FILE *pw = NULL, *gr = NULL;
	long v;
	int rc = -1;

	memset(u, 0, sizeof(*u));
	strcpy(u->home, "/");
	snprintf(user, sizeof(user), "%s", spec && *spec ? spec : "0");
	if ((group = strchr(user, ':')))
		*group++ = 0;
	pw = open_in_root(rootfd, "etc/passwd");
	gr = open_in_root(rootfd, "etc/group");
	if (!*user)
		strcpy(user, "0");
	if ((v = number(user)) >= 0) {
		if (!find_user(pw, NULL, v, u, uname, sizeof(uname))) {
			u->uid = v;
			u->gid = 0;
		}
	} else if (!find_user(pw, user, 0, u, uname, sizeof(uname))) {
		err_setn(0, "unable to find user %s: no matching entries in passwd file", user);
		goto out;
	}
	if (group && *group) {
		if ((v = number(group)) >= 0)
			u->gid = v;
		else {
			int found = 0;

			while (gr && !found && fgets(line, sizeof(line), gr))
				if (split(line, fl, 4) >= 3 && !strcmp(fl[0], group) && number(fl[2]) >= 0) {
					u->gid = number(fl[2]);
					found = 1;
				}
			if (!found) {
				err_setn(0, "unable to find group %s: no matching entries in group file",
					 group);
				goto out;
			}
		}
	}
	/* Supplementary groups: those that list the user by name. The
	 * primary group comes first. */
	u->groups[u->ngroups++] = u->gid;
	if (gr && *uname) {
		rewind(gr);
		while (u->ngroups < PASSWD_GROUPS_MAX && fgets(line, sizeof(line), gr)) {
			char *m, *save;

			if (split(line, fl, 4) < 4 || number(fl[2]) < 0)
				continue;
			for (m = strtok_r(fl[3], ",", &save); m; m = strtok_r(NULL, ",", &save))
				if (!strcmp(m, uname) && (gid_t)number(fl[2]) != u->gid) {
					u->groups[u->ngroups++] = number(fl[2]);
					break;
				}
		}
	}
	rc = 0;
out:
	if (pw)
		fclose(pw);
	if (gr)
		fclose(gr);
	return rc;
}
