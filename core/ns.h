/* ns.h - Linux namespaces: which kinds there are, their CLONE_ flags and
 * /proc files, and entering a set of them the way nsenter(1) does.
 *
 * Shared by nsenter and by run/exec (joining a running container). Like
 * all of core/, nothing here exits: failures return -1 with errno kept and
 * a context recorded by err_set() that names the pid or file involved.
 */
#ifndef BOXCAR_NS_H
#define BOXCAR_NS_H

#include <sched.h>
#include <sys/types.h>

/* Linux 5.6. Not every libc we build against defines it. */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

/* In the order they are entered: the user namespace first, so that the
 * others can be entered with the privileges it grants (ns_set_enter);
 * mnt late, because it changes the root and cwd the paths above rely on. */
enum ns_kind {
	NS_USER,
	NS_CGROUP,
	NS_IPC,
	NS_UTS,
	NS_NET,
	NS_PID,
	NS_MNT,
	NS_TIME,
	NS_COUNT
};

struct ns_info {
	const char *path; /* under /proc/PID/: "ns/mnt" (name: path + 3) */
	int flag;         /* CLONE_NEWNS */
};
extern const struct ns_info ns_info[NS_COUNT];

/* NS_* for a name as in /proc/PID/ns ("mnt", "net", ...), or -1. */
int ns_kind_by_name(const char *name);

/* Whether this kernel has namespaces of KIND (/proc/self/ns/NAME). */
int ns_supported(int kind);

/* 1 if process PID is in the same namespace of KIND as we are, 0 if not,
 * -1 if either cannot be looked at. */
int ns_same(pid_t pid, int kind);

/* Open FILE, or /proc/PID/WHAT when FILE is NULL ("ns/net", "root", "cwd"),
 * read-only and close-on-exec. Returns the fd, or -1. */
int ns_target_open(pid_t pid, const char *what, const char *file);

/* The namespaces to enter, opened before any is entered: entering one
 * (mnt, user) can make the files of the next unreachable. */
struct ns_set {
	pid_t pid;                  /* target of those opened without a file (0: none) */
	int fd[NS_COUNT];           /* still to enter, or -1 */
	const char *file[NS_COUNT]; /* where fd came from; NULL: /proc/PID/ns/ */
};

void ns_set_init(struct ns_set *s, pid_t pid);
/* Add KIND, from FILE, or from the target's /proc/PID/ns/NAME if NULL. */
int ns_set_open(struct ns_set *s, int kind, const char *file);
/* Whether KIND is in the set and not entered yet. */
static inline int ns_set_has(const struct ns_set *s, int kind)
{
	return s->fd[kind] >= 0;
}
/* Enter every namespace of the set, in two passes: the first skips the
 * user namespace and puts off those that fail (entering a namespace owned
 * by a user namespace we are not in yet needs its privileges); the second
 * enters the user namespace, then retries the rest. A failure there is
 * final: -1, with the namespace and its pid or file in the context. */
int ns_set_enter(struct ns_set *s);
/* Close what was not entered. */
void ns_set_close(struct ns_set *s);

#endif
