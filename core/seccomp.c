/* seccomp.c - the container's default seccomp filter (see seccomp.h).
 *
 * The program, classic BPF over struct seccomp_data:
 *   arch != ours            -> kill the process
 *   (x86-64) nr >= x32 bit  -> kill the process
 *   nr == a refused call    -> EPERM
 *   clone with ns flags     -> EPERM           (unless SYS_ADMIN)
 *   clone3                  -> ENOSYS          (unless SYS_ADMIN)
 *   personality(odd value)  -> EPERM
 *   anything else           -> allow
 * The numbers with a rule are sorted and searched as a binary tree (JGE)
 * down to leaves of a few JEQs, not tested one after another: when the
 * filter is installed the kernel runs it once for every system call
 * number to cache which ones it always allows, under a spinlock: a
 * list of ~60 compares made that ~70 us of each container start (perf).
 * The kernel's definitions are spelled out here: musl ships no kernel
 * headers, and these are ABI, fixed forever.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "applet.h"
#include "config.h"
#include "err.h"
#include "json.h"
#include "seccomp.h"
#include "seccomp_oci.h"

struct bpf_prog_c {          /* struct sock_fprog */
	unsigned short len;
	struct seccomp_insn *filter;
};

#define LD_ABS   0x20        /* BPF_LD | BPF_W | BPF_ABS */
#define JEQ      0x15        /* BPF_JMP | BPF_JEQ | BPF_K */
#define JGE      0x35        /* BPF_JMP | BPF_JGE | BPF_K */
#define JSET     0x45        /* BPF_JMP | BPF_JSET | BPF_K */
#define RET      0x06        /* BPF_RET | BPF_K */

#define RET_KILL_PROCESS 0x80000000u
#define RET_ERRNO        0x00050000u
#define RET_ALLOW        0x7fff0000u

#ifndef PR_SET_SECCOMP
#define PR_SET_SECCOMP 22
#endif
#define SECCOMP_MODE_FILTER 2

/* offsetof(struct seccomp_data, ...); an argument is 64 bits, its low
 * half first on a little-endian machine. */
#define OFF_NR   0
#define OFF_ARCH 4
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define OFF_ARG_LO(i) (16 + 8 * (i) + 4)
#else
#define OFF_ARG_LO(i) (16 + 8 * (i))
#endif

/* AUDIT_ARCH_*: the ELF machine, | 64-bit | little-endian. */
#define AA_64 0x80000000u
#define AA_LE 0x40000000u
#if defined(__x86_64__) && !defined(__ILP32__)
#define AUDIT_ARCH_OURS (62 | AA_64 | AA_LE)
#define X32_SYSCALL_BIT 0x40000000u
#elif defined(__aarch64__) && !defined(__ILP32__)
#define AUDIT_ARCH_OURS (183 | AA_64 | AA_LE)
#elif defined(__arm__) && defined(__ARMEL__)
#define AUDIT_ARCH_OURS (40 | AA_LE)
#elif defined(__mips__) && defined(__MIPSEL__) && _MIPS_SIM == _ABIO32
#define AUDIT_ARCH_OURS (8 | AA_LE)
#elif defined(__mips__) && defined(__MIPSEB__) && _MIPS_SIM == _ABIO32
#define AUDIT_ARCH_OURS 8
#elif defined(__i386__)
#define AUDIT_ARCH_OURS (3 | AA_LE)
#elif CONFIG_FEATURE_SECCOMP
#error "seccomp: no AUDIT_ARCH for this architecture; turn off FEATURE_SECCOMP"
#else
#define AUDIT_ARCH_OURS 0
#endif

/* Capability numbers (linux/capability.h). */
enum {
	C_NONE = -1, C_DAC_READ_SEARCH = 2, C_SYS_MODULE = 16, C_SYS_RAWIO = 17,
	C_SYS_PTRACE = 19, C_SYS_PACCT = 20, C_SYS_ADMIN = 21, C_SYS_BOOT = 22,
	C_SYS_NICE = 23, C_SYS_TIME = 25, C_SYS_TTY_CONFIG = 26, C_SYSLOG = 34,
	C_PERFMON = 38, C_BPF = 39,
};

/* The list leaves out what an arch does not have, by #ifdef; these it
 * must have, under one name or another, or the libc renamed them. */
#if CONFIG_FEATURE_SECCOMP && (!defined(SYS_keyctl) || !defined(SYS_unshare) \
	|| !defined(SYS_setns) || !defined(SYS_mount) || !defined(SYS_umount2) \
	|| !defined(SYS_clone) || !defined(SYS_personality) || !defined(SYS_bpf) \
	|| (!defined(SYS_settimeofday) && !defined(SYS_settimeofday_time32)) \
	|| (!defined(SYS_clock_settime) && !defined(SYS_clock_settime32)))
#error "seccomp: <sys/syscall.h> lacks a call the filter must list"
#endif

/* A refused call, and the capabilities that allow it (C_NONE: none). */
struct refused {
	long nr;
	signed char cap, cap2;
};

static const struct refused refused[] = {
	/* never: not namespaced, or obsolete, or a large attack surface */
#ifdef SYS_add_key
	{ SYS_add_key, C_NONE, C_NONE },
#endif
#ifdef SYS_keyctl
	{ SYS_keyctl, C_NONE, C_NONE },
#endif
#ifdef SYS_request_key
	{ SYS_request_key, C_NONE, C_NONE },
#endif
#ifdef SYS_io_uring_setup
	{ SYS_io_uring_setup, C_NONE, C_NONE },
#endif
#ifdef SYS_io_uring_enter
	{ SYS_io_uring_enter, C_NONE, C_NONE },
#endif
#ifdef SYS_io_uring_register
	{ SYS_io_uring_register, C_NONE, C_NONE },
#endif
#ifdef SYS_uselib
	{ SYS_uselib, C_NONE, C_NONE },
#endif
#ifdef SYS_ustat
	{ SYS_ustat, C_NONE, C_NONE },
#endif
#ifdef SYS_sysfs
	{ SYS_sysfs, C_NONE, C_NONE },
#endif
#ifdef SYS__sysctl
	{ SYS__sysctl, C_NONE, C_NONE },
#endif
#ifdef SYS_nfsservctl
	{ SYS_nfsservctl, C_NONE, C_NONE },
#endif
#ifdef SYS_vm86
	{ SYS_vm86, C_NONE, C_NONE },
#endif
#ifdef SYS_vm86old
	{ SYS_vm86old, C_NONE, C_NONE },
#endif
#ifdef SYS_create_module
	{ SYS_create_module, C_NONE, C_NONE },
#endif
#ifdef SYS_get_kernel_syms
	{ SYS_get_kernel_syms, C_NONE, C_NONE },
#endif
#ifdef SYS_query_module
	{ SYS_query_module, C_NONE, C_NONE },
#endif
	/* SYS_ADMIN: mounts and namespaces */
#ifdef SYS_mount
	{ SYS_mount, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_umount
	{ SYS_umount, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_umount2
	{ SYS_umount2, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_pivot_root
	{ SYS_pivot_root, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_setns
	{ SYS_setns, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_unshare
	{ SYS_unshare, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_fsopen
	{ SYS_fsopen, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_fsconfig
	{ SYS_fsconfig, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_fsmount
	{ SYS_fsmount, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_fspick
	{ SYS_fspick, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_move_mount
	{ SYS_move_mount, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_open_tree
	{ SYS_open_tree, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_mount_setattr
	{ SYS_mount_setattr, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_quotactl
	{ SYS_quotactl, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_quotactl_fd
	{ SYS_quotactl_fd, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_swapon
	{ SYS_swapon, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_swapoff
	{ SYS_swapoff, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_fanotify_init
	{ SYS_fanotify_init, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_lookup_dcookie
	{ SYS_lookup_dcookie, C_SYS_ADMIN, C_NONE },
#endif
#ifdef SYS_name_to_handle_at
	{ SYS_name_to_handle_at, C_SYS_ADMIN, C_DAC_READ_SEARCH },
#endif
#ifdef SYS_open_by_handle_at
	{ SYS_open_by_handle_at, C_DAC_READ_SEARCH, C_NONE },
#endif
#ifdef SYS_bpf
	{ SYS_bpf, C_SYS_ADMIN, C_BPF },
#endif
#ifdef SYS_perf_event_open
	{ SYS_perf_event_open, C_SYS_ADMIN, C_PERFMON },
#endif
	/* the other capabilities Docker's profile asks for */
#ifdef SYS_init_module
	{ SYS_init_module, C_SYS_MODULE, C_NONE },
#endif
#ifdef SYS_finit_module
	{ SYS_finit_module, C_SYS_MODULE, C_NONE },
#endif
#ifdef SYS_delete_module
	{ SYS_delete_module, C_SYS_MODULE, C_NONE },
#endif
#ifdef SYS_reboot
	{ SYS_reboot, C_SYS_BOOT, C_NONE },
#endif
#ifdef SYS_kexec_load
	{ SYS_kexec_load, C_SYS_BOOT, C_NONE },
#endif
#ifdef SYS_kexec_file_load
	{ SYS_kexec_file_load, C_SYS_BOOT, C_NONE },
#endif
#ifdef SYS_settimeofday
	{ SYS_settimeofday, C_SYS_TIME, C_NONE },
#endif
#ifdef SYS_settimeofday_time32 /* musl's name on 32-bit arches */
	{ SYS_settimeofday_time32, C_SYS_TIME, C_NONE },
#endif
#ifdef SYS_stime
	{ SYS_stime, C_SYS_TIME, C_NONE },
#endif
#ifdef SYS_clock_settime
	{ SYS_clock_settime, C_SYS_TIME, C_NONE },
#endif
#ifdef SYS_clock_settime32
	{ SYS_clock_settime32, C_SYS_TIME, C_NONE },
#endif
#ifdef SYS_clock_settime64
	{ SYS_clock_settime64, C_SYS_TIME, C_NONE },
#endif
#ifdef SYS_iopl
	{ SYS_iopl, C_SYS_RAWIO, C_NONE },
#endif
#ifdef SYS_ioperm
	{ SYS_ioperm, C_SYS_RAWIO, C_NONE },
#endif
#ifdef SYS_acct
	{ SYS_acct, C_SYS_PACCT, C_NONE },
#endif
#ifdef SYS_mbind
	{ SYS_mbind, C_SYS_NICE, C_NONE },
#endif
#ifdef SYS_get_mempolicy
	{ SYS_get_mempolicy, C_SYS_NICE, C_NONE },
#endif
#ifdef SYS_set_mempolicy
	{ SYS_set_mempolicy, C_SYS_NICE, C_NONE },
#endif
#ifdef SYS_migrate_pages
	{ SYS_migrate_pages, C_SYS_NICE, C_NONE },
#endif
#ifdef SYS_move_pages
	{ SYS_move_pages, C_SYS_NICE, C_NONE },
#endif
#ifdef SYS_syslog
	{ SYS_syslog, C_SYSLOG, C_SYS_ADMIN },
#endif
#ifdef SYS_vhangup
	{ SYS_vhangup, C_SYS_TTY_CONFIG, C_NONE },
#endif
#ifdef SYS_userfaultfd
	{ SYS_userfaultfd, C_SYS_PTRACE, C_NONE },
#endif
};
#define NREFUSED (int)(sizeof(refused) / sizeof(refused[0]))

/* CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET (NEWTIME,
 * 0x80, is the exit signal's byte for clone: only unshare and clone3) */
#define CLONE_NS_FLAGS 0x7e020000u

/* The personality() values Docker's profile allows: PER_LINUX,
 * PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and the query. */
static const uint32_t personas[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };
#define NPERSONAS (int)(sizeof(personas) / sizeof(personas[0]))

/* What the program does with one number that has a rule. */
enum { R_EPERM, R_CLONE, R_CLONE3, R_PERSONALITY };
struct rule {
	uint32_t nr;
	unsigned char what;
};
#define NRULES_MAX (NREFUSED + 3)

/* Calls tested one after another in a leaf of the search tree. */
#define LEAF_DEFAULT 4

static int has(uint64_t caps, int cap)
{
	return cap >= 0 && cap < 64 && (caps >> cap & 1);
}

struct prog {
	struct seccomp_insn *p;
	int n, max;
};

static int emit(struct prog *g, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (g->n >= g->max)
		return -1;
	g->p[g->n++] = (struct seccomp_insn){ code, jt, jf, k };
	return 0;
}

/* One rule, entered with the call number in A; falls through to the
 * next when the number is another. */
static int emit_rule(struct prog *g, const struct rule *r)
{
	int rc = 0;

	switch (r->what) {
	case R_EPERM:
		rc |= emit(g, JEQ, r->nr, 0, 1);
		rc |= emit(g, RET, RET_ERRNO | EPERM, 0, 0);
		break;
	case R_CLONE:
		/* clone's flags are its first argument on every arch we
		 * build for (s390 would differ). Both branches return. */
		rc |= emit(g, JEQ, r->nr, 0, 4);
		rc |= emit(g, LD_ABS, OFF_ARG_LO(0), 0, 0);
		rc |= emit(g, JSET, CLONE_NS_FLAGS, 0, 1);
		rc |= emit(g, RET, RET_ERRNO | EPERM, 0, 0);
		rc |= emit(g, RET, RET_ALLOW, 0, 0);
		break;
	case R_CLONE3:
		/* its flags are in memory, out of a filter's reach: ENOSYS
		 * makes a libc fall back to clone, as with Docker */
		rc |= emit(g, JEQ, r->nr, 0, 1);
		rc |= emit(g, RET, RET_ERRNO | ENOSYS, 0, 0);
		break;
	case R_PERSONALITY:
		rc |= emit(g, JEQ, r->nr, 0, (uint8_t)(NPERSONAS + 3));
		rc |= emit(g, LD_ABS, OFF_ARG_LO(0), 0, 0);
		for (int i = 0; i < NPERSONAS; i++) /* the i-th: jump to the allow */
			rc |= emit(g, JEQ, personas[i], (uint8_t)(NPERSONAS - i), 0);
		rc |= emit(g, RET, RET_ERRNO | EPERM, 0, 0);
		rc |= emit(g, RET, RET_ALLOW, 0, 0);
		break;
	}
	return rc;
}

/* rules[lo, hi), sorted: a JGE on the middle number, the lower half
 * falling through, the upper half jumped to; at most leaf rules one
 * after another, then allow. */
static int emit_tree(struct prog *g, const struct rule *rules, int lo, int hi, int leaf)
{
	int mid, at;

	if (hi - lo <= leaf) {
		for (int i = lo; i < hi; i++)
			if (emit_rule(g, &rules[i]))
				return -1;
		return emit(g, RET, RET_ALLOW, 0, 0);
	}
	mid = lo + (hi - lo) / 2;
	at = g->n;
	if (emit(g, JGE, rules[mid].nr, 0, 0) || emit_tree(g, rules, lo, mid, leaf))
		return -1;
	if (g->n - at - 1 > 255) /* a jump is 8 bits */
		return -1;
	g->p[at].jt = (uint8_t)(g->n - at - 1);
	return emit_tree(g, rules, mid, hi, leaf);
}

static void add_rule(struct rule *rules, int *n, uint32_t nr, unsigned char what)
{
	int i = *n;

	for (int j = 0; j < *n; j++)
		if (rules[j].nr == nr)
			return;	/* two names for one number: the first rule */
	for (; i > 0 && rules[i - 1].nr > nr; i--)
		rules[i] = rules[i - 1];
	rules[i].nr = nr;
	rules[i].what = what;
	(*n)++;
}

int seccomp_default_program(uint64_t caps, int leaf, struct seccomp_insn *p, int max)
{
	struct rule rules[NRULES_MAX];
	struct prog g = { p, 0, max };
	int nrules = 0, rc = 0;

	for (int i = 0; i < NREFUSED; i++)
		if (!has(caps, refused[i].cap) && !has(caps, refused[i].cap2))
			add_rule(rules, &nrules, (uint32_t)refused[i].nr, R_EPERM);
	if (!has(caps, C_SYS_ADMIN)) {
		add_rule(rules, &nrules, SYS_clone, R_CLONE);
#ifdef SYS_clone3
		add_rule(rules, &nrules, SYS_clone3, R_CLONE3);
#endif
	}
	add_rule(rules, &nrules, SYS_personality, R_PERSONALITY);

	rc |= emit(&g, LD_ABS, OFF_ARCH, 0, 0);
	rc |= emit(&g, JEQ, AUDIT_ARCH_OURS, 1, 0);
	rc |= emit(&g, RET, RET_KILL_PROCESS, 0, 0);
	rc |= emit(&g, LD_ABS, OFF_NR, 0, 0);
#ifdef X32_SYSCALL_BIT
	/* x32 calls come as x86-64 with this bit: other numbers */
	rc |= emit(&g, JGE, X32_SYSCALL_BIT, 0, 1);
	rc |= emit(&g, RET, RET_KILL_PROCESS, 0, 0);
#endif
	if (rc || emit_tree(&g, rules, 0, nrules, leaf < 1 ? 1 : leaf))
		return err_setn(E2BIG, "the seccomp filter does not fit");
	return g.n;
}

int seccomp_apply_default(uint64_t caps)
{
	struct seccomp_insn p[SECCOMP_PROG_MAX];
	struct bpf_prog_c prog;
	int n;

	if (!ENABLED(FEATURE_SECCOMP))
		return 0;
	if ((n = seccomp_default_program(caps, LEAF_DEFAULT, p, SECCOMP_PROG_MAX)) < 0)
		return -1;
	prog.len = (unsigned short)n;
	prog.filter = p;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return err_set("cannot install the seccomp filter");
	return 0;
}

/* A rule of an OCI profile for one call, ERRNO(err), left open for its
 * "args"; the caller closes it. */
static void json_rule(struct json_w *w, const char *name, int err)
{
	jw_obj(w);
	jw_key(w, "names");
	jw_arr(w);
	jw_str(w, name);
	jw_end(w);
	jw_kstr(w, "action", "SCMP_ACT_ERRNO");
	jw_kint(w, "errnoRet", err);
}

/* An argument condition on the first argument. */
static void json_arg0(struct json_w *w, const char *op, int64_t v, int64_t v2)
{
	jw_obj(w);
	jw_kint(w, "index", 0);
	jw_kint(w, "value", v);
	if (v2 >= 0)
		jw_kint(w, "valueTwo", v2);
	jw_kstr(w, "op", op);
	jw_end(w);
}

/* The same filter as an OCI profile (linux.seccomp), for a config.json
 * that says what run does (spec_docker.h): the refused calls as EPERM,
 * clone with a namespace flag EPERM (one rule per flag: the spec's
 * conditions compare, they cannot test "any of"), clone3 ENOSYS, and
 * personality with a value not in Docker's list EPERM. */
void seccomp_default_json(uint64_t caps, struct json_w *w)
{
	const char *name;

	jw_obj(w);
	jw_kstr(w, "defaultAction", "SCMP_ACT_ALLOW");
	jw_key(w, "syscalls");
	jw_arr(w);
	jw_obj(w);
	jw_key(w, "names");
	jw_arr(w);
	for (int i = 0; i < NREFUSED; i++)
		if (!has(caps, refused[i].cap) && !has(caps, refused[i].cap2)
		    && (name = seccomp_syscall_name(refused[i].nr)))
			jw_str(w, name);
	jw_end(w);
	jw_kstr(w, "action", "SCMP_ACT_ERRNO");
	jw_kint(w, "errnoRet", EPERM);
	jw_end(w);
	for (int bit = 0; !has(caps, C_SYS_ADMIN) && bit < 32; bit++) {
		if (!(CLONE_NS_FLAGS >> bit & 1))
			continue;
		json_rule(w, "clone", EPERM);
		jw_key(w, "args");
		jw_arr(w);
		json_arg0(w, "SCMP_CMP_MASKED_EQ", 1ll << bit, 1ll << bit);
		jw_end(w);
		jw_end(w);
	}
	if (!has(caps, C_SYS_ADMIN) && seccomp_syscall_nr("clone3") >= 0) {
		json_rule(w, "clone3", ENOSYS);
		jw_end(w);
	}
	json_rule(w, "personality", EPERM);
	jw_key(w, "args");
	jw_arr(w);
	for (int i = 0; i < NPERSONAS; i++)
		json_arg0(w, "SCMP_CMP_NE", personas[i], -1);
	jw_end(w);
	jw_end(w);
	jw_end(w);
	jw_end(w);
}
