/* The default seccomp filter, installed in child processes: what it
 * refuses and with which errno, what a capability lets through, and that
 * everyday calls still work. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"
#include "config.h"
#include "seccomp.h"
#include "unit.h"

#define CAP_SYS_ADMIN 21
#define CAP_SYS_TIME 25
#ifdef SYS_settimeofday
#define NR_SETTIMEOFDAY SYS_settimeofday
#else
#define NR_SETTIMEOFDAY SYS_settimeofday_time32 /* musl, 32-bit arches */
#endif

/* What a raw system call gave: 0 or -errno. */
static long sc(long nr, long a, long b, long c)
{
	return syscall(nr, a, b, c) < 0 ? -errno : 0;
}

/* Run the checks of body in a child with the filter for caps: the
 * child's verdicts come back as its exit status (0: all passed). */
static int filtered(uint64_t caps, int (*body)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_apply_default(caps) < 0)
			_exit(100);
		_exit(body());
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int no_caps(void)
{
	char buf[4096];
	int bad = 0;

	bad |= (sc(SYS_keyctl, 0, 0, 0) != -EPERM) << 0;
	bad |= (sc(SYS_unshare, 0x10000000 /* CLONE_NEWUSER */, 0, 0) != -EPERM) << 1;
	bad |= (sc(SYS_unshare, 0, 0, 0) != -EPERM) << 2;
	bad |= (sc(SYS_personality, 0x0040000 /* ADDR_NO_RANDOMIZE */, 0, 0) != -EPERM) << 3;
	bad |= (syscall(SYS_personality, 0xffffffffL) < 0) << 4; /* the query */
	bad |= (getppid() <= 0 || getcwd(buf, sizeof(buf)) == NULL) << 5;
#ifdef SYS_clone3
	bad |= (sc(SYS_clone3, 0, 0, 0) != -ENOSYS) << 6;
#endif
	return bad;
}

/* fork() is clone without namespace flags: allowed; with CLONE_NEWUSER
 * it is refused. */
static int clones(void)
{
	pid_t pid = fork();
	int st, bad = 0;

	if (pid == 0)
		_exit(7);
	bad |= (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st)
		|| WEXITSTATUS(st) != 7) << 0;
#if defined(__x86_64__) || defined(__aarch64__) || defined(__arm__) || defined(__mips__)
	/* flags first, stack 0: a fork-like clone, but into a new user ns */
	bad |= (sc(SYS_clone, 0x10000000 | SIGCHLD, 0, 0) != -EPERM) << 1;
#endif
	return bad;
}

/* With SYS_ADMIN the namespace calls pass the filter (and reach the
 * kernel, which decides); others stay refused. */
static int admin(void)
{
	int bad = 0;

	bad |= (sc(SYS_unshare, 0, 0, 0) != 0) << 0;
	bad |= (sc(SYS_keyctl, 0, 0, 0) != -EPERM) << 1;
#ifdef SYS_clone3
	bad |= (sc(SYS_clone3, 0, 0, 0) == -ENOSYS) << 2;
#endif
	return bad;
}

/* SYS_TIME lets settimeofday through to the kernel: with a NULL time
 * and timezone it does nothing and succeeds. Without: EPERM. */
static int time_cap(void)
{
	return sc(NR_SETTIMEOFDAY, 0, 0, 0) != 0;
}

static int time_nocap(void)
{
	return sc(NR_SETTIMEOFDAY, 0, 0, 0) != -EPERM;
}

#ifdef __x86_64__
/* An x32 call (getpid | the x32 bit) kills the process. */
static int x32(void)
{
	syscall(0x40000000L | SYS_getpid);
	return 0;
}
#endif

int main(void)
{
	int r;

	if (!ENABLED(FEATURE_SECCOMP)) {
		printf("SKIPPED: FEATURE_SECCOMP is off\n");
		return 0;
	}
	r = filtered(0, no_caps);
	CHECK("no caps: keyctl, unshare, personality refused; clone3 ENOSYS; the rest works", r == 0);
	if (r)
		printf("  failed checks: mask 0x%x\n", (unsigned)r);
	CHECK("no caps: fork works, clone into a new user ns refused", filtered(0, clones) == 0);
	CHECK("SYS_ADMIN: unshare passes, keyctl still refused, clone3 passes",
	      filtered(1ull << CAP_SYS_ADMIN, admin) == 0);
	CHECK("SYS_TIME: settimeofday passes", filtered(1ull << CAP_SYS_TIME, time_cap) == 0);
	CHECK("no SYS_TIME: settimeofday refused", filtered(0, time_nocap) == 0);
#ifdef __x86_64__
	CHECK("x86-64: an x32 system call kills the process", filtered(0, x32) == 128 + SIGSYS);
#endif
	return UNIT_DONE();
}
