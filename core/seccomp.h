/* seccomp.h - the default seccomp filter of a container: the system
 * calls Docker's default profile refuses, refused the same way.
 *
 * Docker's profile is an allowlist of ~370 calls per architecture.
 * Ours is the other side of it, a denylist, built at run time as a
 * classic BPF program from the build's own <sys/syscall.h> numbers, so
 * it needs no per-architecture tables and no libseccomp:
 *  - always refused (EPERM): keys (add_key, keyctl, request_key: the
 *    kernel keyring is not namespaced), io_uring, userfaultfd, and the
 *    obsolete calls Docker leaves out (uselib, ustat, sysfs, _sysctl,
 *    nfsservctl, vm86...);
 *  - refused unless the container has the capability that allows them,
 *    as in Docker's profile: SYS_ADMIN for mount, umount, pivot_root,
 *    setns, unshare, clone with namespace flags (clone3: ENOSYS, so a
 *    libc falls back to clone), quotactl, bpf, perf_event_open,
 *    fanotify_init, lookup_dcookie, name_to_handle_at, open_by_handle_at,
 *    swapon/swapoff and the new mount API; SYS_MODULE, SYS_BOOT (reboot,
 *    kexec), SYS_TIME, SYS_RAWIO (iopl, ioperm), SYS_PACCT, SYS_NICE
 *    (NUMA policy calls), SYSLOG, SYS_TTY_CONFIG (vhangup);
 *  - personality() only with the values Docker allows (0, 8, 0x20000,
 *    0x20008, 0xffffffff).
 * Many of these also need a capability in the kernel; the filter is
 * what keeps a root without capabilities from the rest: an unprivileged
 * user namespace (unshare -U) gives back every capability inside it.
 * A system call of another ABI than the build's (i386 or x32 on x86-64,
 * arm64 on an armv7 build) kills the process: the numbers differ and
 * the list would not apply.
 */
#ifndef BOXCAR_SECCOMP_H
#define BOXCAR_SECCOMP_H

#include <stdint.h>

/* Install the filter for a container whose capability set is caps, on
 * the calling thread and what it execs. Needs no_new_privs set first
 * (or CAP_SYS_ADMIN). Call last before execve: it applies to us too.
 * -1 with err_set on failure. Without FEATURE_SECCOMP: nothing, 0. */
int seccomp_apply_default(uint64_t caps);

/* One classic BPF instruction: struct sock_filter. */
struct seccomp_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
/* Room for the longest default program (it is ~150 instructions). */
#define SECCOMP_PROG_MAX 512

/* The default filter for caps as a program in p (max instructions):
 * the numbers with a rule in a binary search tree with at most leaf
 * numbers tested one after another at each leaf. A leaf as big as the
 * list gives the plain linear program, which the unit tests compare the
 * tree with. Its length, or -1 with err_set. */
int seccomp_default_program(uint64_t caps, int leaf, struct seccomp_insn *p, int max);

/* The same filter as an OCI seccomp profile (the value of linux.seccomp),
 * written to w: what `run --dry-run` shows (spec_docker.h). Through
 * seccomp_oci.h it compiles to a linear program that answers every call
 * as the default program does. */
struct json_w;
void seccomp_default_json(uint64_t caps, struct json_w *w);

#endif
