/* The default seccomp filter, installed in child processes: what it
 * refuses and with which errno, what a capability lets through, and that
 * everyday calls still work. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"
#include "config.h"
#include "json.h"
#include "seccomp.h"
#include "seccomp_oci.h"
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

/* ---- the program itself, run by a classic BPF interpreter ---------- */

struct sdata {			/* struct seccomp_data */
	int nr;
	uint32_t arch;
	uint64_t ip;
	uint64_t args[6];
};

/* The return value, or ~0 for a program the kernel would not accept
 * (an unknown instruction, a jump or load out of range, no return). */
static uint32_t interpret(const struct seccomp_insn *p, int n, const struct sdata *d, int *steps)
{
	uint32_t a = 0;

	for (int pc = 0; pc < n; pc++) {
		const struct seccomp_insn *i = &p[pc];

		++*steps;
		switch (i->code) {
		case 0x20: /* LD W ABS */
			if (i->k % 4 || i->k > sizeof(*d) - 4)
				return ~0u;
			memcpy(&a, (const char *)d + i->k, 4);
			continue;
		case 0x15: pc += a == i->k ? i->jt : i->jf; break;	/* JEQ */
		case 0x35: pc += a >= i->k ? i->jt : i->jf; break;	/* JGE */
		case 0x45: pc += (a & i->k) ? i->jt : i->jf; break;	/* JSET */
		case 0x25: pc += a > i->k ? i->jt : i->jf; break;	/* JGT */
		case 0x54: a &= i->k; continue;				/* ALU AND */
		case 0x06: return i->k;					/* RET */
		default: return ~0u;
		}
		if (pc >= n)
			return ~0u;
	}
	return ~0u;
}

/* The tree must say what the plain list says, for every number and the
 * arguments that matter, and walk far fewer instructions doing it. */
static void tree_is_list(const char *what, uint64_t caps)
{
	static struct seccomp_insn list[SECCOMP_PROG_MAX], tree[SECCOMP_PROG_MAX];
	static const uint32_t arg0[] = { 0, 17 /* SIGCHLD */, 0x10000000 | 17, 0x20000, 8,
					 0x40000, 0xffffffff };
	int nl, nt, same = 1, valid = 1, worst = 0, list_worst = 0;
	char name[160];

	nl = seccomp_default_program(caps, 100000, list, SECCOMP_PROG_MAX);
	nt = seccomp_default_program(caps, 4, tree, SECCOMP_PROG_MAX);
	snprintf(name, sizeof(name), "%s: programs built", what);
	CHECK(name, nl > 10 && nt > nl);
	if (nl <= 10 || nt <= nl)
		return;
	for (uint32_t nr = 0; nr < 2048; nr++)
		for (unsigned a = 0; a < sizeof(arg0) / sizeof(arg0[0]); a++) {
			struct sdata d = { .nr = (int)nr, .arch = list[1].k };
			int sl = 0, st = 0;
			uint32_t rl, rt;

			d.args[0] = arg0[a];
			rl = interpret(list, nl, &d, &sl);
			rt = interpret(tree, nt, &d, &st);
			same &= rl == rt;
			valid &= rl != ~0u;
			if (st > worst)
				worst = st;
			if (sl > list_worst)
				list_worst = sl;
		}
	snprintf(name, sizeof(name), "%s: tree and list agree on calls 0-2047", what);
	CHECK(name, same && valid);
	snprintf(name, sizeof(name), "%s: a call walks at most 20 instructions (list: %d)",
		 what, list_worst);
	CHECK(name, worst <= 20);
	if (worst > 20)
		printf("  the tree walked %d\n", worst);
	if (!caps) {
		/* what the kernel tests below show, on both programs, for
		 * calls on either side of every special rule */
		static const long refused[] = { SYS_keyctl, SYS_mount, SYS_umount2, SYS_pivot_root,
			SYS_setns, SYS_unshare, SYS_reboot, SYS_bpf, SYS_init_module,
			SYS_delete_module, SYS_acct, SYS_syslog, SYS_vhangup };
		static const long allowed[] = { SYS_read, SYS_write, SYS_getpid, SYS_kill,
			SYS_exit_group, SYS_execve, SYS_openat, SYS_close };
		int ok = 1;

		for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
			struct sdata d = { .nr = (int)refused[i], .arch = list[1].k };
			int s = 0;

			ok &= interpret(list, nl, &d, &s) == (0x50000u | EPERM);
			ok &= interpret(tree, nt, &d, &s) == (0x50000u | EPERM);
		}
		for (unsigned i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
			struct sdata d = { .nr = (int)allowed[i], .arch = list[1].k };
			int s = 0;

			ok &= interpret(list, nl, &d, &s) == 0x7fff0000u;
			ok &= interpret(tree, nt, &d, &s) == 0x7fff0000u;
		}
		CHECK("no caps: both programs refuse mount, reboot...; allow read, getpid...", ok);
	}
	{
		struct sdata d = { .nr = SYS_getpid, .arch = list[1].k ^ 1 };
		int s = 0;

		snprintf(name, sizeof(name), "%s: another arch is killed", what);
		CHECK(name, interpret(tree, nt, &d, &s) == 0x80000000u);
	}
}

/* The default filter written as an OCI profile (what `run --dry-run`
 * shows), compiled by the OCI compiler, answers every call as the
 * default program does. */
static void json_is_default(const char *what, uint64_t caps)
{
	static struct seccomp_insn def[SECCOMP_PROG_MAX], oci[SECCOMP_OCI_PROG_MAX];
	static const uint32_t arg0[] = { 0, 17 /* SIGCHLD */, 0x10000000 | 17, 0x20000, 8,
					 0x40000, 0x20008, 0xffffffff, 0x7e020000 };
	struct json_w w;
	struct json_doc d = { 0 };
	int nd, no = -1, same = 1;
	char name[160];

	jw_init(&w, 0);
	seccomp_default_json(caps, &w);
	if (!jw_finish(&w) && !json_parse(&d, w.buf, w.len))
		no = seccomp_oci_program(&d, 0, oci, SECCOMP_OCI_PROG_MAX);
	jw_free(&w);
	json_free(&d);
	nd = seccomp_default_program(caps, 4, def, SECCOMP_PROG_MAX);
	snprintf(name, sizeof(name), "%s: the profile compiles", what);
	CHECK(name, no > 10 && nd > 10);
	if (no <= 10 || nd <= 10)
		return;
	for (uint32_t nr = 0; nr < 2048; nr++)
		for (unsigned a = 0; a < sizeof(arg0) / sizeof(arg0[0]); a++) {
			struct sdata sd = { .nr = (int)nr, .arch = def[1].k };
			int s = 0;

			sd.args[0] = arg0[a];
			same &= interpret(def, nd, &sd, &s) == interpret(oci, no, &sd, &s);
		}
	snprintf(name, sizeof(name), "%s: profile and default filter agree on calls 0-2047", what);
	CHECK(name, same);
}

int main(void)
{
	int r;

	if (!ENABLED(FEATURE_SECCOMP)) {
		printf("SKIPPED: FEATURE_SECCOMP is off\n");
		return 0;
	}
	tree_is_list("no caps", 0);
	tree_is_list("SYS_ADMIN", 1ull << CAP_SYS_ADMIN);
	tree_is_list("SYS_TIME", 1ull << CAP_SYS_TIME);
	tree_is_list("Docker's default caps", 0xa80425fbull);
	tree_is_list("every cap", ~0ull);
	json_is_default("no caps", 0);
	json_is_default("SYS_ADMIN", 1ull << CAP_SYS_ADMIN);
	json_is_default("Docker's default caps", 0xa80425fbull);
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
