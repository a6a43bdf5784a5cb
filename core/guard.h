/* guard.h - what a boxcar process does before it goes near a container,
 * so that root inside the container cannot reach the host through it.
 *
 * A process of ours that enters a container (exec's command, run's init,
 * nsenter's program) is, until its execve, a host process with host
 * resources in a place the container can see: its open fds, its working
 * directory, its memory and environment (through ptrace and /proc/PID),
 * and its own binary (/proc/PID/exe, CVE-2019-5736). Each function here
 * closes one of those doors; docs/security.md says which attack each one
 * stops. Errors follow err.h.
 */
#ifndef BOXCAR_GUARD_H
#define BOXCAR_GUARD_H

/* The whole argv that main() was given, for guard_exe's re-exec. */
extern char **boxcar_argv;

/* Close every fd above 2: what the caller's shell left open (a directory
 * of the host, a socket) must not be inherited into a container. */
int guard_close_fds(void);
/* Close-on-exec on every fd above 2, for code that still needs some. */
int guard_cloexec_fds(void);

/* Not dumpable: container root, even with our uid and capabilities,
 * cannot ptrace us or open /proc/PID/{mem,environ,fd,cwd,exe} until our
 * execve makes the process its own (execve resets the flag). */
int guard_undumpable(void);

/* Run from a copy of the boxcar binary that cannot be written: a binary
 * on a read-only mount, or else re-exec through a read-only detached
 * bind mount of it (open_tree + mount_setattr, Linux 5.12), or else a
 * sealed memfd copy (3.17). Then a container that makes us execute
 * ourselves inside it (an image's /bin/sh -> /proc/self/exe) holds a
 * binary it cannot overwrite. Returns only if the running binary is
 * already safe, or if the kernel offers no way (-1, err set): the caller
 * goes on, documented in docs/security.md. */
int guard_exe(void);

/* chdir to dir, resolved inside the current root (after chroot or
 * pivot_root): through no magic link of /proc (openat2 with
 * RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), and checked to be under the
 * root afterwards on kernels without openat2 (the kernel's getcwd says
 * "(unreachable)" for a directory outside it). */
int guard_chdir(const char *dir);

#endif
