/* enter.h - a process in a running container, for `exec` (Docker's
 * options translated into a process spec, applets/exec.c) and `oci exec`
 * (a process spec, core/oci_exec.c): one path in.
 *
 * The parent joins the init's namespaces but mount and cgroup (so its
 * paths are still the host's: a pid file, a console socket), and forks
 * the process into the container's cgroup2 directory where the kernel
 * can (cgroup_clone); the process then joins the v1 cgroups through
 * files opened on the host, enters the cgroup and mount namespaces,
 * takes the init's root (/proc/PID/root, opened by the caller: also
 * right for a --no-pivot container), closes every fd of the host,
 * resolves its user inside if asked, changes to its working directory
 * (guard_chdir: within the root, no magic link), and only then takes its
 * seccomp filter and credentials, and execs. Undumpable throughout
 * (the caller's guard.h). What fails before the exec comes back on a
 * pipe with a code, as with the init (launch.c). docs/security.md says
 * why each step is where it is.
 */
#ifndef BOXCAR_ENTER_H
#define BOXCAR_ENTER_H

#include <stdint.h>
#include <sys/types.h>

struct json_doc;
struct oci_process;

struct enter {
	pid_t pid;                  /* the container's init */
	uint64_t pid_start;         /* its start time (procfs.h): checked
				     * once its namespaces are open, so that
				     * they and rootfd are its, not a reused
				     * pid's (0: not checked) */
	int rootfd;                 /* its /proc/PID/root (opened by the caller
				     * before it checked the init is still
				     * the one it looked up); closed here */
	const char *cgroup;         /* its cgroup NAME; NULL, or one gone:
				     * the init's cgroups are joined by the
				     * parent (a container made without one) */
	struct oci_process *proc;   /* args, env, cwd, uid/gid/gids,
				     * capabilities, rlimits, oomScoreAdj,
				     * noNewPrivileges, terminal */
	const char *user;           /* set: USER[:GROUP] resolved in the
				     * container's passwd and group, over
				     * proc's ids; then Docker's rule:
				     * effective and permitted are proc's
				     * bounding set for root, empty for
				     * another user; HOME from passwd is
				     * added to env where unset */
	int seccomp_builtin;        /* the built-in filter for proc's bounding
				     * set, before the credentials (as root:
				     * no no_new_privs needed) */
	const struct json_doc *seccomp_doc;
	uint32_t seccomp;           /* or linux.seccomp's node (0: none), in
				     * runc's order: before the credentials
				     * without noNewPrivileges, else after
				     * (builds with the oci applet) */
	int stdio[3];               /* the process's 0, 1, 2; -1: ours */
	int term_sock;              /* proc->terminal: the pty's master (of the
				     * container's devpts) goes here; -1: not
				     * sent. The caller closes it. */
	int preserve_fds;           /* fds 3..3+N-1 stay open (oci exec) */
	int docker;                 /* Docker's exit codes: 126 for anything
				     * that fails before the exec, and its
				     * messages ("X: executable file not
				     * found in $PATH"); else runc's (125) */
};

/* Enter and fork: the process's pid once it exec'd, or -1 with err set
 * and *code (125, 126, 127), the process reaped. The caller is left in
 * the container's namespaces but mount and cgroup, outside its cgroup
 * (unless the container has none of its own); it waits for the pid. */
pid_t enter_start(struct enter *e, int *code);

#endif
