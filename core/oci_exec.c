/* oci_exec.c - runc exec: a process in a running container (see oci.h).
 *
 * The process spec (--process, or the saved config's, overridden by
 * options) goes in through the core's one path (enter.h, as `boxcar
 * exec`): the init's cgroups and namespaces joined, its root from
 * /proc/INIT/root (also right for a --no-pivot container, whose mount
 * namespace's root is the host's), the spec's credentials and the
 * container's seccomp profile, every fd of ours but --preserve-fds
 * closed. Here: the state, the console socket, the pid file, the wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "enter.h"
#include "err.h"
#include "fsutil.h"
#include "oci.h"
#include "store.h" /* err_prefix */

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
	struct enter en = { .proc = e->proc, .term_sock = -1, .stdio = { -1, -1, -1 },
			    .preserve_fds = e->preserve_fds };
	char path[64];
	int lock, status;

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
	en.pid = st.pid;
	en.pid_start = st.pid_start;
	en.cgroup = st.cgroup;
	en.seccomp_doc = &s.doc;
	en.seccomp = s.seccomp;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)st.pid);
	if ((en.rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		err_set("cannot open %s", path);
		goto fail;
	}
	if (e->console_socket && (en.term_sock = console_connect(e->console_socket)) < 0)
		goto fail;
	/* the lock until the process is in: a delete waits for it */
	child = enter_start(&en, code);
	container_unlock(lock);
	lock = -1;
	if (en.term_sock >= 0)
		close(en.term_sock);
	oci_spec_free(&s);
	if (child < 0)
		return -1;
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
	if (en.rootfd >= 0)
		close(en.rootfd);
	oci_spec_free(&s);
	container_unlock(lock);
	return -1;
}
