/* seccomp.c - the container's default seccomp filter (see seccomp.h).
 *
 * The program, classic BPF over struct seccomp_data:
 *   arch != ours            -> kill the process
 *   (x86-64) nr >= x32 bit  -> kill the process
 *   nr == a refused call    -> EPERM           (once per call on the list)
 *   clone with ns flags     -> EPERM           (unless SYS_ADMIN)
 *   clone3                  -> ENOSYS          (unless SYS_ADMIN)
 *   personality(odd value)  -> EPERM
 *   anything else           -> allow
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
#include "seccomp.h"

struct bpf_insn_c {          /* struct sock_filter */
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
struct bpf_prog_c {          /* struct sock_fprog */
	unsigned short len;
	struct bpf_insn_c *filter;
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

/* 2 per refused call, the preamble, clone, clone3, personality, allow */
#define PROG_MAX (2 * NREFUSED + 6 + 5 + 2 + (NPERSONAS + 3) + 1)

static int has(uint64_t caps, int cap)
{
	return cap >= 0 && cap < 64 && (caps >> cap & 1);
}

static struct bpf_insn_c insn(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	struct bpf_insn_c i = { code, jt, jf, k };

	return i;
}

int seccomp_apply_default(uint64_t caps)
{
	struct bpf_insn_c p[PROG_MAX];
	struct bpf_prog_c prog;
	int n = 0, admin = has(caps, C_SYS_ADMIN);

	if (!ENABLED(FEATURE_SECCOMP))
		return 0;
	p[n++] = insn(LD_ABS, OFF_ARCH, 0, 0);
	p[n++] = insn(JEQ, AUDIT_ARCH_OURS, 1, 0);
	p[n++] = insn(RET, RET_KILL_PROCESS, 0, 0);
	p[n++] = insn(LD_ABS, OFF_NR, 0, 0);
#ifdef X32_SYSCALL_BIT
	/* x32 calls come as x86-64 with this bit: other numbers */
	p[n++] = insn(JGE, X32_SYSCALL_BIT, 0, 1);
	p[n++] = insn(RET, RET_KILL_PROCESS, 0, 0);
#endif
	for (int i = 0; i < NREFUSED; i++) {
		if (has(caps, refused[i].cap) || has(caps, refused[i].cap2))
			continue;
		p[n++] = insn(JEQ, (uint32_t)refused[i].nr, 0, 1);
		p[n++] = insn(RET, RET_ERRNO | EPERM, 0, 0);
	}
	if (!admin) {
		/* clone's flags are its first argument on every arch we build
		 * for (s390 would differ). Both branches return. */
		p[n++] = insn(JEQ, SYS_clone, 0, 4);
		p[n++] = insn(LD_ABS, OFF_ARG_LO(0), 0, 0);
		p[n++] = insn(JSET, CLONE_NS_FLAGS, 0, 1);
		p[n++] = insn(RET, RET_ERRNO | EPERM, 0, 0);
		p[n++] = insn(RET, RET_ALLOW, 0, 0);
#ifdef SYS_clone3
		/* its flags are in memory, out of a filter's reach: ENOSYS
		 * makes a libc fall back to clone, as with Docker */
		p[n++] = insn(JEQ, SYS_clone3, 0, 1);
		p[n++] = insn(RET, RET_ERRNO | ENOSYS, 0, 0);
#endif
	}
	p[n++] = insn(JEQ, SYS_personality, 0, (uint8_t)(NPERSONAS + 2));
	p[n++] = insn(LD_ABS, OFF_ARG_LO(0), 0, 0);
	for (int i = 0; i < NPERSONAS; i++) /* the i-th: jump to the allow */
		p[n++] = insn(JEQ, personas[i], (uint8_t)(NPERSONAS - i), 0);
	p[n++] = insn(RET, RET_ERRNO | EPERM, 0, 0);
	p[n++] = insn(RET, RET_ALLOW, 0, 0);

	prog.len = (unsigned short)n;
	prog.filter = p;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return err_set("cannot install the seccomp filter");
	return 0;
}
