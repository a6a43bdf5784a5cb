/* exec.c - run a command in a running container, as docker exec does:
 * in all of its init's namespaces, its cgroups, its root, with its
 * environment and no more capabilities than it has.
 *
 * What the container is allowed is read from its init (/proc/PID/status:
 * CapBnd, NoNewPrivs), not recomputed from the spec, so the command gets
 * exactly what the container got, whatever policy made it.
 */
//applet:exec
//summary:run a command in a running container
//config:config APPLET_EXEC
//config:	bool "exec"
//config:	default y
//config:	help
//config:	  Run a command in the namespaces and cgroup of a container.
//usage:[OPTIONS] CONTAINER COMMAND [ARG...]
//usage:Run COMMAND inside the running CONTAINER: in its namespaces (PID,
//usage:mount, UTS, IPC, network, cgroup), its cgroups and root directory,
//usage:with its environment, user and capabilities. Exits with COMMAND's
//usage:status; 126 if it cannot be run, 127 if it is not found.
//usage:
//usage:  -d, --detach          run in the background; print nothing
//usage:  -e, --env KEY[=VALUE] set a variable (repeatable; KEY alone: ours)
//usage:  -i, --interactive     keep stdin attached (else it reads /dev/null)
//usage:  -t, --tty             run it on a pseudo-terminal (relayed in raw mode)
//usage:  -u, --user USER[:GROUP]  name or number, resolved in the container
//usage:  -w, --workdir DIR     working directory (default the container's)
//usage:      --root DIR        store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"
#include "caps.h"
#include "cgroup.h"
#include "container.h"
#include "err.h"
#include "fsutil.h"
#include "guard.h"
#include "ns.h"
#include "passwd.h"
#include "procfs.h"
#include "pty.h"
#include "seccomp.h"
#include "setid.h"
#include "store.h"

extern char **environ;

struct exec {
	int detach, interactive, tty;
	int master;        /* -t: the pty's master, from the child */
	int sock;          /* -t: the child's end, that it comes over */
	const char *user, *workdir;
	char **env;        /* -e, NULL-terminated */
	int nenv;
	char **argv;
	struct container_spec c;
	pid_t pid;
	uint64_t bounding;
	int no_new_privs;
	int seccomp;       /* the init has a filter: the same one */
	int rootfd;
	int devnull;       /* opened on the host: the container may have none */
	struct cgroup cg;  /* the container's, if it has one */
	int has_cg;
	int cgfds[CGROUP_DIRS_MAX]; /* its v1 join files (cgroup_open_join) */
	int ncg;
	int cg2fd;         /* its cgroup2 directory, to be cloned into */
	int cgnsfd;        /* its cgroup namespace: the command enters it */
	unsigned born_in;  /* the command was cloned into its cgroup2 dir */
	int piped;         /* without -t on a terminal: stdio through pipes */
	int ours[3];       /* our ends: stdin's write end, stdout's, stderr's */
	int theirs[3];     /* the command's ends, -1 where not piped */
};

static int env_has(char **env, int n, const char *kv)
{
	size_t kl = strcspn(kv, "=");

	for (int j = 0; j < n; j++)
		if (!strncmp(env[j], kv, kl) && env[j][kl] == '=')
			return j;
	return -1;
}

/* The environment as docker exec makes it: the container's, then -e;
 * then what run's init gets too where unset: HOSTNAME, TERM=xterm with
 * -t (ours, not the container's -t), HOME from passwd. */
static char **make_env(struct exec *e, const char *home)
{
	int n = 0, k = 0;
	char **env, *extra[3];

	while (e->c.env && e->c.env[n])
		n++;
	if (!(env = calloc(n + e->nenv + 4, sizeof(char *))))
		return NULL;
	for (int i = 0; i < n; i++)
		env[k++] = e->c.env[i];
	for (int i = 0; i < e->nenv; i++) {
		int j = env_has(env, k, e->env[i]);

		env[j < 0 ? k++ : j] = e->env[i];
	}
	extra[0] = e->c.hostname ? malloc(strlen(e->c.hostname) + 10) : NULL;
	if (extra[0])
		sprintf(extra[0], "HOSTNAME=%s", e->c.hostname);
	extra[1] = e->tty ? "TERM=xterm" : NULL;
	if ((extra[2] = malloc(strlen(home) + 6)))
		sprintf(extra[2], "HOME=%s", home);
	for (int i = 0; i < 3; i++)
		if (extra[i] && env_has(env, k, extra[i]) < 0)
			env[k++] = extra[i];
	return env;
}

/* The container's cgroup, boxcar-ID, in every hierarchy: its join
 * files are opened now, on the host; the command is cloned into the
 * cgroup2 directory and writes itself into the rest (cgroup_open_join
 * says why), so this process stays out. A container made without one
 * (by hand, or by an older boxcar) is joined where its init is, by us,
 * and the command inherits it. */
static int prepare_cgroup(struct exec *e)
{
	char name[CGROUP_NAME_MAX];

	container_cgroup_name(e->c.id, name, sizeof(name));
	if (cgroup_open(&e->cg, name) == 0) {
		e->has_cg = 1;
		e->cg2fd = cgroup_open_unified(&e->cg);
		return (e->ncg = cgroup_open_join(&e->cg, CG_UNIFIED, e->cgfds)) < 0 ? -1 : 0;
	}
	if (err_errno() != ENOENT)
		return -1;
	return proc_join_cgroups(e->pid);
}

/* The cgroup's fds, of the host: closed once joined, and by the parent. */
static void close_cgroup(struct exec *e)
{
	for (int i = 0; i < e->ncg; i++)
		close(e->cgfds[i]);
	if (e->cg2fd >= 0)
		close(e->cg2fd);
	if (e->cgnsfd >= 0)
		close(e->cgnsfd);
}

/* In the child: the v1 join files; the cgroup2 directory too if it was
 * not born there (a kernel without CLONE_INTO_CGROUP), the slow way,
 * through the directory opened on the host. */
static int join_cgroup(struct exec *e)
{
	int fd, rc;

	if (cgroup_join(e->cgfds, e->ncg))
		return -1;
	if (e->born_in || e->cg2fd < 0)
		return 0;
	if ((fd = openat(e->cg2fd, "cgroup.procs", O_WRONLY | O_CLOEXEC)) < 0)
		return err_set("cannot join the container's cgroup");
	rc = cgroup_join(&fd, 1);
	close(fd);
	return rc;
}

/* In the child, inside the namespaces: become what the container is and
 * exec. On failure, errno and a message go up the pipe.
 *
 * The order is the defence (docs/security.md): every fd that names
 * something of the host is closed before anything of the container's is
 * looked up by path (its passwd, its working directory, which could be a
 * link to /proc/self/fd/N), and the seccomp filter is on before the
 * capabilities go, so no moment runs without it. We are undumpable
 * (exec_main) until the execve: container root cannot ptrace us. */
__attribute__((noreturn)) static void child(struct exec *e, int report)
{
	const char *wd = e->workdir ? e->workdir : e->c.workdir && *e->c.workdir ? e->c.workdir : "/";
	struct user_ids ids;
	char msg[256];
	int err[2], rootfd;

	if (join_cgroup(e))
		goto fail;
	if (e->cgnsfd >= 0 && setns(e->cgnsfd, CLONE_NEWCGROUP) < 0) {
		err_set("cannot enter the container's cgroup namespace");
		goto fail;
	}
	close_cgroup(e);
	if (fchdir(e->rootfd) < 0 || chroot(".") < 0) {
		err_set("cannot enter the container's root");
		goto fail;
	}
	close(e->rootfd);
	/* the user from the container's passwd and group files */
	if ((rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		err_set("cannot open the container's root");
		goto fail;
	}
	if (passwd_resolve(rootfd, e->user ? e->user : e->c.user, &ids))
		goto fail;
	close(rootfd);
	if (e->tty) {
		char name[32];
		int m, slave;

		/* a pty of the container's devpts, as run -t makes one (its
		 * name means something inside); the master goes up to us */
		if (pty_open(&m, name, sizeof(name)))
			goto fail;
		if ((slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
			err_set("cannot open %s", name);
			goto fail;
		}
		tty_copy_size(0, slave);
		if (pty_send_fd(e->sock, m))
			goto fail;
		close(m);
		close(e->sock);
		/* its own session, the pty its controlling terminal */
		if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) {
			err_set("cannot make the pseudo-terminal the controlling terminal");
			goto fail;
		}
		for (int i = 0; i < 3; i++)
			dup2(slave, i);
		close(slave);
	}
	/* Without -t: a session of its own, so the caller's terminal is not
	 * its controlling one (no TIOCSTI into the caller's shell), and
	 * pipes instead of that terminal (run_pipes) */
	if (!e->tty && setsid() < 0) {
		err_set("setsid");
		goto fail;
	}
	for (int i = 0; e->piped && i < 3; i++) {
		if (e->theirs[i] >= 0)
			dup2(e->theirs[i], i);
		if (e->theirs[i] > 2)
			close(e->theirs[i]);
		if (e->ours[i] > 2)
			close(e->ours[i]);
	}
	if ((!e->interactive || e->detach) && !e->tty)
		dup2(e->devnull, 0);
	if (e->detach) { /* nobody reads its output (docker keeps none either) */
		dup2(e->devnull, 1);
		dup2(e->devnull, 2);
	}
	close(e->devnull);
	/* only stdio and the report pipe are left */
	if (guard_chdir(wd))
		goto fail;
	if (e->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		err_set("cannot set no_new_privs");
		goto fail;
	}
	/* the container's filter, for its capabilities (its bounding set);
	 * still privileged, so it may go on without no_new_privs too */
	if (e->seccomp && seccomp_apply_default(e->bounding))
		goto fail;
	if (caps_bound(e->bounding))
		goto fail;
	if (setid_become(ids.uid, ids.gid, (size_t)ids.ngroups, ids.groups) < 0) {
		err_set("cannot become %u:%u", (unsigned)ids.uid, (unsigned)ids.gid);
		goto fail;
	}
	/* root keeps what the container's root has; others got none at
	 * setuid, as in the container */
	if (ids.uid == 0 && caps_set(e->bounding))
		goto fail;
	if (!(environ = make_env(e, ids.home))) {
		err_setn(ENOMEM, "environment");
		goto fail;
	}
	signal(SIGPIPE, SIG_DFL);
	execvp(e->argv[0], e->argv);
	/* docker's codes: 127 when there is no such command, else 126 */
	err[0] = errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
	if (errno == ENOENT && !strchr(e->argv[0], '/'))
		err_setn(0, "%s: executable file not found in $PATH", e->argv[0]);
	else
		err_set("cannot run %s", e->argv[0]);
	goto report;
fail:
	err[0] = EXIT_CANNOT_EXEC;
report:
	err[1] = err_errno();
	snprintf(msg, sizeof(msg), "%s", err_msg());
	if (write(report, err, sizeof(err)) == sizeof(err))
		(void)!write(report, msg, strlen(msg) + 1);
	_exit(err[0]);
}

static pid_t child_pid;
static volatile sig_atomic_t winch;

static void forward(int sig)
{
	if (sig == SIGWINCH)
		winch = 1;
	else if (child_pid > 0)
		kill(child_pid, sig);
}

/* -t: our stdin to the pty (with -i), the pty to our stdout, until the
 * command is gone and the pty drained; our terminal in raw mode so keys
 * reach it as typed. */
static void relay(struct exec *e)
{
	struct termios saved;
	int raw = e->interactive ? tty_raw(0, &saved) : 0, in = e->interactive ? 0 : -1;
	char buf[4096];

	tty_copy_size(0, e->master);
	for (;;) {
		struct pollfd p[2] = { { e->master, POLLIN, 0 }, { in, POLLIN, 0 } };
		ssize_t n;

		if (winch) {
			winch = 0;
			tty_copy_size(0, e->master);
		}
		if (poll(p, in >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			n = read(e->master, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) /* EIO: the last holder of the slave is gone */
				break;
			if (write_all(1, buf, n))
				break;
		}
		if (in >= 0 && p[1].revents) {
			n = read(0, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				/* end of our input: the terminal's EOF for the command */
				write_all(e->master, "\x04", 1);
				in = -1;
			} else if (write_all(e->master, buf, n))
				break;
		}
	}
	if (raw > 0)
		tty_restore(0, &saved);
}

/* Without -t, a terminal is never the command's stdio (it could read
 * what is typed there, or turn echo off): where one of ours is a
 * terminal, pipes between, that we copy until its output ends. */
static int open_pipes(struct exec *e)
{
	int p[2];

	e->piped = !e->tty && !e->detach
		&& (isatty(1) || isatty(2) || (e->interactive && isatty(0)));
	for (int i = 0; i < 3; i++)
		e->ours[i] = e->theirs[i] = -1;
	for (int i = !e->interactive; e->piped && i < 3; i++) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return err_set("pipe");
		e->theirs[i] = p[i ? 1 : 0];
		e->ours[i] = p[i ? 0 : 1];
	}
	return 0;
}

static void run_pipes(struct exec *e)
{
	char buf[4096];

	signal(SIGPIPE, SIG_IGN); /* a side that went away is an EPIPE */
	while (e->ours[1] >= 0 || e->ours[2] >= 0) {
		struct pollfd p[3] = { { e->ours[0] >= 0 ? 0 : -1, POLLIN, 0 },
				       { e->ours[1], POLLIN, 0 }, { e->ours[2], POLLIN, 0 } };

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 3; i++) {
			ssize_t n;

			if (!p[i].revents)
				continue;
			n = read(i ? e->ours[i] : 0, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n > 0 && !write_all(i ? i : e->ours[0], buf, n))
				continue;
			/* the end of one side: close ours, the other sees it */
			close(e->ours[i]);
			e->ours[i] = -1;
		}
	}
	if (e->ours[0] >= 0)
		close(e->ours[0]);
}

/* Enter the container's namespaces and cgroups, fork, wait. */
static int run(struct exec *e)
{
	struct ns_set ns;
	int p[2], sock[2], err[2] = { 0, 0 }, status;
	char msg[256] = "";
	ssize_t n;

	if (prepare_cgroup(e))
		return -1;
	ns_set_init(&ns, e->pid);
	/* every namespace of the init that is not ours (the user and time
	 * namespaces usually are): not knowing is an error, not a skip, or
	 * the command could end up on the host */
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
	/* The kernel lets clone3 into a cgroup only from a cgroup namespace
	 * that holds where we are: the command enters the container's. */
	if (e->has_cg && ns_set_has(&ns, NS_CGROUP)) {
		e->cgnsfd = ns.fd[NS_CGROUP];
		ns.fd[NS_CGROUP] = -1;
	}
	if (ns_set_enter(&ns)) {
		ns_set_close(&ns);
		return -1;
	}
	ns_set_close(&ns);
	if (pipe2(p, O_CLOEXEC) < 0)
		return err_set("pipe");
	if (e->tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
		return err_set("socketpair");
	if (open_pipes(e))
		return -1;
	/* the pid namespace applies to children: the command is one */
	child_pid = cgroup_clone(e->cg2fd, 0, &e->born_in);
	if (child_pid < 0)
		return err_set("fork");
	if (child_pid > 0)
		close_cgroup(e);
	if (child_pid == 0) {
		close(p[0]);
		if (e->tty) {
			close(sock[0]);
			e->sock = sock[1];
		}
		child(e, p[1]);
	}
	close(p[1]);
	close(e->rootfd);
	if (e->tty)
		close(sock[1]);
	for (int i = 0; i < 3; i++)
		if (e->theirs[i] >= 0)
			close(e->theirs[i]);
	n = read(p[0], err, sizeof(err));
	if (n == sizeof(err)) {
		if (read(p[0], msg, sizeof(msg) - 1) < 0)
			*msg = 0;
		msg[sizeof(msg) - 1] = 0;
	}
	close(p[0]);
	if (n == sizeof(err)) {
		waitpid(child_pid, NULL, 0);
		errno = err[1];
		die(err[0], "%s", msg);
	}
	/* sent before the exec, so it is there now */
	if (e->tty && (e->master = pty_recv_fd(sock[0])) < 0) {
		kill(child_pid, SIGKILL);
		waitpid(child_pid, NULL, 0);
		return -1;
	}
	if (e->detach)
		return 0; /* it is the container's now: its init reaps it */
	signal(SIGTERM, forward);
	signal(SIGINT, forward);
	signal(SIGHUP, forward);
	signal(SIGQUIT, forward);
	if (e->tty) {
		struct sigaction sa = { .sa_handler = forward }; /* no SA_RESTART: poll wakes */

		sigaction(SIGWINCH, &sa, NULL);
		relay(e);
	} else if (e->piped)
		run_pipes(e);
	while (waitpid(child_pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_set("waitpid");
	if (WIFSIGNALED(status)) {
		/* die the same way, so the shell sees 128+N */
		signal(WTERMSIG(status), SIG_DFL);
		kill(getpid(), WTERMSIG(status));
		_exit(128 + WTERMSIG(status));
	}
	exit(WEXITSTATUS(status));
}

int exec_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "detach", no_argument, 0, 'd' },
		{ "env", required_argument, 0, 'e' },
		{ "interactive", no_argument, 0, 'i' },
		{ "tty", no_argument, 0, 't' },
		{ "user", required_argument, 0, 'u' },
		{ "workdir", required_argument, 0, 'w' },
		{ 0 }
	};
	struct exec e = { .cg2fd = -1, .cgnsfd = -1 };
	struct container_state st;
	const char *root = NULL;
	char id[CONTAINER_ID_LEN + 1], path[64], v[16];
	struct store s;
	int opt;

	/* From a binary the container cannot overwrite; nothing of the
	 * caller's open files goes in; no ptrace until the command runs
	 * (guard.h). */
	guard_exe();
	guard_close_fds();
	if (guard_undumpable())
		die_err(EXIT_RUNTIME);
	if (!(e.env = calloc(argc + 1, sizeof(char *))))
		die(EXIT_RUNTIME, "out of memory");
	while ((opt = applet_getopt_store(argc, argv, "+de:itu:w:h", opts, &root)) != -1) {
		switch (opt) {
		case 'd': e.detach = 1; break;
		case 'e':
			if (*optarg == '=')
				die_usage("-e %s: no variable name", optarg);
			if (strchr(optarg, '='))
				e.env[e.nenv++] = optarg;
			else if (getenv(optarg)) { /* -e KEY: ours, as docker does */
				char *kv = malloc(strlen(optarg) + strlen(getenv(optarg)) + 2);

				if (!kv)
					die(EXIT_RUNTIME, "out of memory");
				sprintf(kv, "%s=%s", optarg, getenv(optarg));
				e.env[e.nenv++] = kv;
			}
			break;
		case 'i': e.interactive = 1; break;
		case 't': e.tty = 1; break;
		case 'u': e.user = optarg; break;
		case 'w':
			if (*optarg != '/')
				die_usage("-w %s: not an absolute path", optarg);
			e.workdir = optarg;
			break;
		default: die_usage("unknown option");
		}
	}
	if (argc - optind < 2)
		die_usage("need CONTAINER and COMMAND");
	e.argv = argv + optind + 1;
	if ((e.devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		die(EXIT_RUNTIME, "/dev/null");
	if (e.tty && e.detach)
		die_usage("-t and -d: a detached command has nobody to talk to");

	if (store_open(&s, store_root(root), STORE_RECORDS))
		die_err(EXIT_FAIL);
	if (container_resolve(&s, argv[optind], id) || container_spec_load(&s, id, &e.c)
	    || container_state_load(&s, id, &st))
		die_err(EXIT_FAIL);
	store_close(&s); /* the command may run for days */
	if (st.status != ST_RUNNING)
		diex(EXIT_FAIL, "container %.12s is not running", id);
	if (container_paused(id))
		diex(EXIT_FAIL, "container %.12s is paused, unpause the container before exec", id);
	e.pid = st.pid;

	/* What the container may do, from its init; its root before any
	 * namespace is entered (the mount namespace hides /proc/PID). */
	snprintf(path, sizeof(path), "/proc/%d/root", (int)e.pid);
	e.rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (e.rootfd < 0 || proc_caps(e.pid, "CapBnd", &e.bounding))
		die(EXIT_RUNTIME, "container %.12s: cannot read its init (pid %d)", id, (int)e.pid);
	e.no_new_privs = !proc_status_field(e.pid, "NoNewPrivs", v, sizeof(v)) && !strcmp(v, "1");
	e.seccomp = !proc_status_field(e.pid, "Seccomp", v, sizeof(v)) && !strcmp(v, "2");
	/* and it is still the init we looked up, not a reused pid */
	if (!proc_alive(e.pid, st.pid_start))
		diex(EXIT_FAIL, "container %.12s is not running", id);
	if (run(&e))
		die_err(EXIT_RUNTIME);
	return EXIT_OK;
}
