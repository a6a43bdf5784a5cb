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
#include "enter.h"
#include "env.h"
#include "err.h"
#include "fsutil.h"
#include "guard.h"
#include "launch.h"
#include "ocispec.h"
#include "procfs.h"
#include "pty.h"
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
	uint64_t pid_start;
	uint64_t bounding;
	int no_new_privs;
	int seccomp;       /* the init has a filter: the same one */
	int rootfd;
	int devnull;       /* opened on the host: the container may have none */
	int piped;         /* without -t on a terminal: stdio through pipes */
	int ours[3];       /* our ends: stdin's write end, stdout's, stderr's */
	int theirs[3];     /* the command's ends, -1 where not piped */
};

/* The environment as docker exec makes it: the container's, then -e;
 * then what run's init gets too where unset: PATH (an image's Env may
 * lack it, and run records none then), HOSTNAME, TERM=xterm with -t
 * (ours, not the container's -t); HOME from passwd is enter's (the user
 * is resolved inside). */
static char **make_env(struct exec *e)
{
	char *def[3] = { "PATH=" LAUNCH_DEFAULT_PATH, NULL, e->tty ? "TERM=xterm" : NULL };

	if (e->c.hostname && (def[1] = malloc(strlen(e->c.hostname) + 10)))
		sprintf(def[1], "HOSTNAME=%s", e->c.hostname);
	return env_merge(e->c.env, e->env, e->nenv, def, 3);
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

/* Docker's options as a process spec, entered (enter.h): in the
 * container's namespaces and cgroup, as what its init is (its bounding
 * set, no_new_privs, the built-in seccomp filter if it has one), the
 * user resolved in its own passwd. Then relay and wait. */
static int run(struct exec *e)
{
	char name[CGROUP_NAME_MAX];
	struct oci_process p = {
		.args = e->argv, .env = make_env(e),
		.cwd = e->workdir ? e->workdir : e->c.workdir && *e->c.workdir ? e->c.workdir : "/",
		.terminal = e->tty, .no_new_privs = e->no_new_privs,
		.has_caps = 1, .caps_bounding = e->bounding,
	};
	struct enter en = {
		.pid = e->pid, .pid_start = e->pid_start, .rootfd = e->rootfd, .cgroup = name, .proc = &p,
		.user = e->user ? e->user : e->c.user ? e->c.user : "",
		.seccomp_builtin = e->seccomp, .term_sock = -1, .docker = 1,
	};
	int sock[2], status, code;

	if (!p.env)
		return err_setn(ENOMEM, "environment");
	container_cgroup_name(e->c.id, name, sizeof(name));
	if (e->tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
		return err_set("socketpair");
	if (e->tty)
		en.term_sock = sock[1];
	if (open_pipes(e))
		return -1;
	for (int i = 0; i < 3; i++)
		en.stdio[i] = e->piped ? e->theirs[i] : -1;
	if (!e->interactive || e->detach)
		en.stdio[0] = e->devnull;
	if (e->detach) /* nobody reads its output (docker keeps none either) */
		en.stdio[1] = en.stdio[2] = e->devnull;
	child_pid = enter_start(&en, &code);
	e->rootfd = -1;
	if (e->tty)
		close(sock[1]);
	for (int i = 0; i < 3; i++)
		if (e->theirs[i] >= 0)
			close(e->theirs[i]);
	if (child_pid < 0)
		die_err(code);
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
	struct exec e = { 0 };
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
	e.pid_start = st.pid_start;

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
