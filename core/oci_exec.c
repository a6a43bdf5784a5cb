/* oci_exec.c - runc exec: a process in a running container (see oci.h).
 *
 * We join the init's cgroups and namespaces (the pid namespace applies to
 * our children), then fork the process. It takes the container's root
 * from /proc/INIT/root (also right for a --no-pivot container, whose
 * mount namespace's root is the host's), its credentials from the
 * process spec, the container's seccomp profile, and execs. Undumpable
 * throughout and every fd of ours closed (guard.h). What fails before
 * the exec comes back on a pipe, as with the init (launch.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "err.h"
#include "fdpass.h"
#include "fsutil.h"
#include "guard.h"
#include "launch_int.h"
#include "ns.h"
#include "oci.h"
#include "pty.h"
#include "seccomp_oci.h"

struct exec_err {
	int code, err;
	char msg[256];
};

static int report = -1;

__attribute__((noreturn)) static void child_fail(int code)
{
	struct exec_err e = { code, err_errno(), "" };

	snprintf(e.msg, sizeof(e.msg), "%s", err_msg());
	(void)!write(report, &e, sizeof(e));
	_exit(code);
}

static int console_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof(a.sun_path))
		return err_setn(ENAMETOOLONG, "console socket %s", path);
	strcpy(a.sun_path, path);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return err_set("socket");
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(s);
		return err_set("cannot connect to console socket %s", path);
	}
	return s;
}

/* -t: a pty of the container's devpts, its master to the console
 * socket, its slave our stdio and controlling terminal. */
static int exec_pty(int sock)
{
	char name[32];
	int m, fd;

	if (pty_open(&m, name, sizeof(name)))
		return -1;
	if ((fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		close(m);
		return err_set("cannot open %s", name);
	}
	if (sock >= 0 && fd_send(sock, &m, 1)) {
		close(m);
		close(fd);
		return err_set("cannot send the terminal");
	}
	close(m);
	setsid();
	for (int i = 0; i < 3; i++)
		if (dup2(fd, i) < 0)
			return err_set("dup2");
	if (fd > 2)
		close(fd);
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		return err_set("cannot make %s the controlling terminal", name);
	return 0;
}

__attribute__((noreturn)) static void exec_child(const struct oci_exec *e,
						 const struct oci_spec *s, int mntfd, int rootfd,
						 int sock)
{
	const struct oci_process *p = e->proc;

	if (mntfd >= 0 && setns(mntfd, CLONE_NEWNS) < 0) {
		err_set("cannot enter the container's mount namespace");
		child_fail(EXIT_RUNTIME);
	}
	if (fchdir(rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
		err_set("cannot enter the container's root");
		child_fail(EXIT_RUNTIME);
	}
	close(rootfd);
	if (p->terminal && exec_pty(sock))
		child_fail(EXIT_RUNTIME);
	if (sock >= 0)
		close(sock);
	/* without no_new_privs only root may install a filter: before the
	 * credentials then */
	if (s->seccomp && !p->no_new_privs && seccomp_apply_oci(&s->doc, s->seccomp, 0))
		child_fail(EXIT_RUNTIME);
	if (oci_process_credentials(p) || guard_chdir(p->cwd))
		child_fail(EXIT_RUNTIME);
	if (s->seccomp && p->no_new_privs && seccomp_apply_oci(&s->doc, s->seccomp, 1))
		child_fail(EXIT_RUNTIME);
	guard_cloexec_fds();
	for (int fd = 3; fd < 3 + e->preserve_fds; fd++)
		if (fd != report)
			fcntl(fd, F_SETFD, 0);
	report_fd = report; /* exec_command's failures come back too */
	exec_command(p->args, p->env);
}

static pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int oci_exec(const struct oci_exec *e, int *code)
{
	static const int fwd[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
	struct oci_state st;
	struct oci_spec s;
	struct ns_set ns;
	struct cgroup cg;
	struct exec_err err;
	char path[64];
	int lock, rootfd = -1, mntfd = -1, sock = -1, rep[2], status;
	ssize_t n;

	*code = EXIT_RUNTIME;
	if ((lock = oci_lock(e->root, e->id)) < 0)
		return -1;
	if (oci_state_load(e->root, e->id, &st) || oci_saved_spec(e->root, e->id, &s)) {
		container_unlock(lock);
		return -1;
	}
	if (st.status != OCI_RUNNING && st.status != OCI_CREATED) {
		container_unlock(lock);
		oci_spec_free(&s);
		return err_setn(0, "cannot exec in a %s container", oci_status_name(st.status));
	}
	ns_set_init(&ns, st.pid);
	snprintf(path, sizeof(path), "/proc/%d/root", (int)st.pid);
	if ((rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		err_set("cannot open %s", path);
		goto fail;
	}
	/* the mount namespace only in the child: we still write the pid
	 * file and log on the host's paths */
	for (int k = 0; k < NS_COUNT; k++) {
		int same;

		if (!ns_supported(k))
			continue;
		if ((same = ns_same(st.pid, k)) < 0 || (!same && ns_set_open(&ns, k, NULL)))
			goto fail;
	}
	if (st.cgroup[0] && (cgroup_open(&cg, st.cgroup) || cgroup_attach(&cg, getpid())))
		goto fail;
	if (e->console_socket && (sock = console_connect(e->console_socket)) < 0)
		goto fail;
	mntfd = ns.fd[NS_MNT];
	ns.fd[NS_MNT] = -1;
	if (ns_set_enter(&ns))
		goto fail;
	container_unlock(lock);
	lock = -1;
	if (pipe2(rep, O_CLOEXEC) < 0) {
		err_set("pipe");
		goto fail;
	}
	fflush(NULL);
	if ((child = fork()) < 0) {
		err_set("fork");
		close(rep[0]);
		close(rep[1]);
		goto fail;
	}
	if (child == 0) {
		close(rep[0]);
		report = rep[1];
		exec_child(e, &s, mntfd, rootfd, sock);
	}
	close(rep[1]);
	close(rootfd);
	if (mntfd >= 0)
		close(mntfd);
	if (sock >= 0)
		close(sock);
	ns_set_close(&ns);
	oci_spec_free(&s);
	do
		n = read(rep[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(rep[0]);
	if (n == (ssize_t)sizeof(err)) {
		err.msg[sizeof(err.msg) - 1] = 0;
		*code = err.code;
		waitpid(child, &status, 0);
		return err_setn(err.err, "%s", err.msg);
	}
	if (e->pid_file) {
		char buf[24];
		int len = snprintf(buf, sizeof(buf), "%d", (int)child);

		if (write_file_atomic(e->pid_file, buf, (size_t)len, 0644))
			return err_prefix(e->pid_file);
	}
	if (e->detach)
		return 0;
	for (unsigned i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		signal(fwd[i], forward);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return err_set("wait");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
fail:
	if (rootfd >= 0)
		close(rootfd);
	if (mntfd >= 0)
		close(mntfd);
	if (sock >= 0)
		close(sock);
	ns_set_close(&ns);
	oci_spec_free(&s);
	if (lock >= 0)
		container_unlock(lock);
	return -1;
}
