/* enter.c - a process in a running container (enter.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"
#include "cgroup.h"
#include "container.h"
#include "enter.h"
#include "env.h"
#include "err.h"
#include "guard.h"
#include "launch_int.h"
#include "ns.h"
#include "oci.h" /* oci_process_credentials */
#include "ocispec.h"
#include "passwd.h"
#include "procfs.h"
#include "pty.h"
#include "seccomp.h"
#include "seccomp_oci.h"

extern char **environ;

/* What the parent opened on the host for the child. */
struct host_fds {
	int cg[CGROUP_DIRS_MAX]; /* v1 join files (cgroup_open_join) */
	int ncg;
	int cg2;                 /* the cgroup2 directory, to be cloned into */
	int cg2procs;            /* its cgroup.procs, if not born there */
	int cgns, mntns;         /* the container's, entered by the child */
	unsigned born_in;
};

static void host_fds_close(struct host_fds *h)
{
	int *one[] = { &h->cg2, &h->cg2procs, &h->cgns, &h->mntns };

	while (h->ncg > 0)
		close(h->cg[--h->ncg]);
	for (unsigned i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		if (*one[i] >= 0)
			close(*one[i]);
		*one[i] = -1;
	}
}

/* The container's cgroup in every hierarchy: its join files opened now,
 * on the host, as root (a write through them is checked against who
 * opened them: a process in a user namespace can still join), so this
 * process stays out. A container without one of its own is joined
 * where its init is, by us, and the process inherits it. */
static int open_cgroup(const struct enter *e, struct host_fds *h)
{
	struct cgroup cg;

	if (e->cgroup && *e->cgroup && cgroup_open(&cg, e->cgroup) == 0) {
		if ((h->ncg = cgroup_open_join(&cg, CG_UNIFIED, h->cg)) < 0) {
			h->ncg = 0;
			return -1;
		}
		if ((h->cg2 = cgroup_open_unified(&cg)) >= 0
		    && (h->cg2procs = openat(h->cg2, "cgroup.procs", O_WRONLY | O_CLOEXEC)) < 0)
			return err_set("cannot open %s/cgroup.procs", cgroup_path(&cg, CG_UNIFIED));
		return 0;
	}
	if (e->cgroup && *e->cgroup && err_errno() != ENOENT)
		return -1;
	return proc_join_cgroups(e->pid);
}

/* Every namespace of the init that is not ours (the user and time
 * namespaces usually are): not knowing is an error, not a skip, or the
 * process could end up on the host. The cgroup and mount ones are the
 * child's to enter: clone3 into a cgroup only works from a cgroup
 * namespace that holds where we are, and our paths stay the host's. */
static int enter_namespaces(const struct enter *e, struct host_fds *h)
{
	struct ns_set ns;
	int rc;

	ns_set_init(&ns, e->pid);
	for (int k = 0; k < NS_COUNT; k++) {
		int same = ns_supported(k) ? ns_same(e->pid, k) : 1;

		if (same < 0 || (!same && ns_set_open(&ns, k, NULL))) {
			if (same < 0)
				err_set("cannot compare namespace %s of pid %d", ns_info[k].path + 3,
					(int)e->pid);
			ns_set_close(&ns);
			return -1;
		}
	}
	/* still the init: what was opened is its (a pid reused by a
	 * process of the host's would have the command on the host) */
	if (e->pid_start && !proc_alive(e->pid, e->pid_start)) {
		ns_set_close(&ns);
		return err_setn(ESRCH, "the container's init (pid %d) is gone", (int)e->pid);
	}
	h->cgns = ns.fd[NS_CGROUP];
	h->mntns = ns.fd[NS_MNT];
	ns.fd[NS_CGROUP] = ns.fd[NS_MNT] = -1;
	rc = ns_set_enter(&ns);
	ns_set_close(&ns);
	return rc;
}

static void close_span(unsigned lo, unsigned hi)
{
	if (lo <= hi && syscall(SYS_close_range, lo, hi, 0) < 0)
		for (unsigned fd = lo; fd <= hi && fd < 1024; fd++)
			close((int)fd);
}

/* Close every fd from 3 up but the preserved ones and keep. */
static void close_host_fds(int preserve, int keep)
{
	unsigned from = 3 + (unsigned)preserve;

	if (keep >= (int)from) {
		close_span(from, (unsigned)keep - 1);
		from = (unsigned)keep + 1;
	}
	close_span(from, ~0U);
}

/* A pty of the container's devpts (its name means something inside),
 * its master sent up, its slave our stdio and controlling terminal. */
static int open_terminal(const struct enter *e)
{
	char name[32];
	int slave = pty_open_slave(e->term_sock, name, sizeof(name));

	if (slave < 0)
		return -1;
	/* its own session, the pty its controlling terminal */
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) {
		close(slave);
		return err_set("cannot make the pseudo-terminal the controlling terminal");
	}
	for (int i = 0; i < 3; i++)
		dup2(slave, i);
	if (slave > 2)
		close(slave);
	return 0;
}

/* Docker's: the user from the container's own files, root with the
 * bounding set, another user without capabilities, HOME from passwd. */
static int resolve_user(const struct enter *e)
{
	struct oci_process *p = e->proc;
	struct user_ids ids;
	int rootfd, rc;
	char **env, *home;

	if ((rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_set("cannot open the container's root");
	rc = passwd_resolve(rootfd, e->user, &ids);
	close(rootfd);
	if (rc)
		return -1;
	p->uid = ids.uid;
	p->gid = ids.gid;
	p->ngids = ids.ngroups < OCI_MAX_GIDS ? ids.ngroups : OCI_MAX_GIDS;
	memcpy(p->gids, ids.groups, (size_t)p->ngids * sizeof(p->gids[0]));
	p->has_caps = 1;
	p->caps_effective = p->caps_permitted = ids.uid == 0 ? p->caps_bounding : 0;
	p->caps_inheritable = p->caps_ambient = 0;
	if (!(home = malloc(strlen(ids.home) + 6)))
		return err_setn(ENOMEM, "environment");
	sprintf(home, "HOME=%s", ids.home);
	if (!(env = env_merge(p->env, NULL, 0, &home, 1))) /* HOME where unset */
		return err_setn(ENOMEM, "environment");
	p->env = env;
	return 0;
}

/* Docker's exec: the container's PATH (environ is the process's), and
 * its messages. */
__attribute__((noreturn)) static void exec_docker(char **argv, char **env)
{
	int e;

	environ = env;
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	e = errno;
	if (e == ENOENT && !strchr(argv[0], '/'))
		err_setn(0, "%s: executable file not found in $PATH", argv[0]);
	else
		err_setn(e, "cannot run %s", argv[0]);
	fail(e == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

/* In the child: the order is the defence (docs/security.md). Every fd
 * that names something of the host is closed before anything of the
 * container's is looked up by path (its passwd, its working directory,
 * which could be a link to /proc/self/fd/N); the mount namespace is
 * entered before the root is taken and the directory changed; the
 * filter and the credentials come last, just before the exec. */
__attribute__((noreturn)) static void child(struct enter *e, struct host_fds *h)
{
	struct oci_process *p = e->proc;
	/* without the oci applet, exec's alone: Docker's, no fds kept */
	int docker = !ENABLED(APPLET_OCI) || e->docker;
	int preserve = ENABLED(APPLET_OCI) ? e->preserve_fds : 0;
	int code = docker ? EXIT_CANNOT_EXEC : EXIT_RUNTIME;

	if (cgroup_join(h->cg, h->ncg) || (!h->born_in && h->cg2procs >= 0
					   && cgroup_join(&h->cg2procs, 1)))
		fail(code);
	if (h->cgns >= 0 && setns(h->cgns, CLONE_NEWCGROUP) < 0) {
		err_set("cannot enter the container's cgroup namespace");
		fail(code);
	}
	if (h->mntns >= 0 && setns(h->mntns, CLONE_NEWNS) < 0) {
		err_set("cannot enter the container's mount namespace");
		fail(code);
	}
	host_fds_close(h);
	if (fchdir(e->rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
		err_set("cannot enter the container's root");
		fail(code);
	}
	close(e->rootfd);
	if (p->terminal && open_terminal(e))
		fail(code);
	/* without a terminal: a session of its own, so the caller's
	 * terminal is not its controlling one (no TIOCSTI into it) */
	if (!p->terminal && setsid() < 0) {
		err_set("setsid");
		fail(code);
	}
	for (int i = 0; i < 3; i++)
		if (!p->terminal && e->stdio[i] >= 0 && e->stdio[i] != i
		    && dup2(e->stdio[i], i) < 0) {
			err_set("dup2");
			fail(code);
		}
	/* only stdio, the preserved fds and the report pipe are left */
	close_host_fds(preserve, report_fd);
	if (e->user && resolve_user(e))
		fail(code);
	/* as root, before a filter that may refuse what it calls */
	if (guard_chdir(p->cwd && *p->cwd ? p->cwd : "/"))
		fail(code);
	if (e->seccomp_builtin) {
		/* the container's filter for its capabilities; still
		 * privileged, so it may go on without no_new_privs too */
		if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
			err_set("cannot set no_new_privs");
			fail(code);
		}
		if (seccomp_apply_default(p->caps_bounding))
			fail(code);
	}
	/* without no_new_privs only root may install a filter: before the
	 * credentials then */
	if (ENABLED(APPLET_OCI) && e->seccomp && !p->no_new_privs
	    && seccomp_apply_oci(e->seccomp_doc, e->seccomp, 0))
		fail(code);
	if (oci_process_credentials(p))
		fail(code);
	if (ENABLED(APPLET_OCI) && e->seccomp && p->no_new_privs
	    && seccomp_apply_oci(e->seccomp_doc, e->seccomp, 1))
		fail(code);
	guard_cloexec_fds();
	for (int fd = 3; fd < 3 + preserve; fd++)
		if (fd != report_fd)
			fcntl(fd, F_SETFD, 0);
	if (docker)
		exec_docker(p->args, p->env);
	exec_command(p->args, p->env);
}

pid_t enter_start(struct enter *e, int *code)
{
	struct host_fds h = { .cg2 = -1, .cg2procs = -1, .cgns = -1, .mntns = -1 };
	struct { int code, err; char msg[256]; } r;
	int rep[2], st;
	pid_t pid;
	ssize_t n;

	*code = EXIT_RUNTIME;
	if (open_cgroup(e, &h) || enter_namespaces(e, &h))
		goto out;
	if (pipe2(rep, O_CLOEXEC) < 0) {
		err_set("pipe");
		goto out;
	}
	fflush(NULL);
	/* the pid namespace applies to children: the process is one */
	if ((pid = cgroup_clone(h.cg2, 0, &h.born_in)) < 0) {
		err_set("fork");
		close(rep[0]);
		close(rep[1]);
		goto out;
	}
	if (pid == 0) {
		close(rep[0]);
		report_fd = rep[1];
		child(e, &h);
	}
	close(rep[1]);
	host_fds_close(&h);
	close(e->rootfd);
	e->rootfd = -1;
	do
		n = read(rep[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	close(rep[0]);
	if (n == 0)
		return pid; /* the exec closed the pipe */
	if (n == (ssize_t)sizeof(r)) {
		r.msg[sizeof(r.msg) - 1] = 0;
		*code = r.code;
		err_setn(r.err, "%s", r.msg);
	} else
		err_setn(EIO, "the process failed before its exec");
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return -1;
out:
	host_fds_close(&h);
	close(e->rootfd);
	e->rootfd = -1;
	return -1;
}
