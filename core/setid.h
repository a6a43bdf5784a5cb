/* setid.h - the process's user and group IDs and its limits, as the raw
 * system calls.
 *
 * musl's setuid, setgid, setgroups, setresuid and setresgid change every
 * thread of the process (__synccall: a signal to each thread, and the
 * semaphores that wait for them, 1.5 KB linked), and so does setrlimit
 * where the kernel has no prlimit64. boxcar never starts a
 * second thread, and these run in a process of its own making (the
 * container's init, exec's child, nsenter), so the kernel's per-thread
 * calls are the whole change. 32-bit ARM and x86 keep 16-bit IDs under
 * the old names: the 32 variants are the ones musl calls there too.
 * Each returns 0, or -1 with errno.
 */
#ifndef BOXCAR_SETID_H
#define BOXCAR_SETID_H

#include <stddef.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#ifdef SYS_setuid32
#define SETID_NR(name) SYS_##name##32
#else
#define SETID_NR(name) SYS_##name
#endif

static inline int setid_groups(size_t n, const gid_t *groups)
{
	return (int)syscall(SETID_NR(setgroups), n, groups);
}

static inline int setid_gid(gid_t gid)
{
	return (int)syscall(SETID_NR(setgid), gid);
}

static inline int setid_uid(uid_t uid)
{
	return (int)syscall(SETID_NR(setuid), uid);
}

/* real, effective and saved IDs to 0: root of a new user namespace */
static inline int setid_root(void)
{
	return syscall(SETID_NR(setresgid), 0, 0, 0) < 0 ? -1
	       : (int)syscall(SETID_NR(setresuid), 0, 0, 0);
}

/* setrlimit of this process: prlimit64, which is what musl's setrlimit
 * calls first too */
static inline int setid_rlimit(int resource, const struct rlimit *r)
{
	return prlimit(0, resource, r, NULL);
}

/* groups, then gid, then uid (after which the others cannot change) */
static inline int setid_become(uid_t uid, gid_t gid, size_t n, const gid_t *groups)
{
	return setid_groups(n, groups) < 0 || setid_gid(gid) < 0 || setid_uid(uid) < 0 ? -1 : 0;
}

#endif
