/* monitor.c - a container from up to over (see monitor.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "applet.h"
#include "bridge.h"
#include "cgroup.h"
#include "cgroup_oci.h"
#include "container.h"
#include "err.h"
#include "fsutil.h"
#include "human.h"
#include "json.h"
#include "launch.h"
#include "logfile.h"
#include "health.h"
#include "monitor.h"
#include "number.h"
#include "volume.h"
#include "overlay.h"
#include "pty.h"
#include "release.h"

#ifndef CONFIG_RUN_LOG_MAX_SIZE
#define CONFIG_RUN_LOG_MAX_SIZE 1024
#endif
#ifndef CONFIG_RUN_LOG_MAX_FILE
#define CONFIG_RUN_LOG_MAX_FILE 2
#endif

/* Restart back-off: 100 ms, doubled after each quick exit, capped; reset
 * after a run that lasted RESTART_RESET_NS. */
#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 60000
#define RESTART_RESET_NS (10 * 1000000000LL)

/* container.log with the spec's --log-opt values, else Kconfig's. */
static int log_open(struct logfile *log, const char *path, const struct container_spec *c)
{
	int64_t size = (int64_t)CONFIG_RUN_LOG_MAX_SIZE * 1024;
	int64_t files = CONFIG_RUN_LOG_MAX_FILE;

	if (c->log_max_size && human_parse_size(c->log_max_size, &size))
		size = (int64_t)CONFIG_RUN_LOG_MAX_SIZE * 1024;
	if (c->log_max_file && number_int(c->log_max_file, 1, 100, NUMBER_STRTOL, &files))
		files = CONFIG_RUN_LOG_MAX_FILE;
	return logfile_open(log, path, size, (int)files);
}

/* ---- up and down -------------------------------------------------------- */

/* The OOM killer should pick a container's processes, not the monitor
 * that records how they ended and restarts them: a detached monitor runs
 * at -999, as Docker's containerd-shim, and goes back to 0 while it
 * clones an init, which inherits the value (and, from a write by root,
 * its floor). Going down needs CAP_SYS_RESOURCE: without it the monitor
 * stays as it was. The file stays open (close-on-exec): a write is ~6 µs
 * where open, write and close took ~25 (run -d + rm -f: ~11 ms). */
#define MONITOR_OOM_SCORE_ADJ (-999)

static void set_oom_score_adj(int v)
{
	static int fd = -1;
	char buf[16];
	int n;

	if (fd < 0 && (fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC)) < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%d", v);
	(void)!write(fd, buf, n);
}

/* The cgroup, as the spec says (core/cgroup_oci.h), in two steps: its
 * directories (the spec's cgroupsPath is container_cgroup_name's, no
 * CG_EXTRA: run sets none of those limits), reused if a crash left them
 * (*made: by us), before the init is cloned into them; then, once
 * launch_clone has made the spec, its linux.resources (limits and the
 * devices policy: Docker's defaults and the --device nodes with their
 * PERMS, none with --privileged), written while the init sets up. A
 * kernel that cannot enforce a devices policy (no v1 devices
 * controller, no cgroup eBPF, as on some embedded kernels) runs the
 * container without, unless a --device asked for less than rwm: that
 * promise we could not keep. */
static int make_cgroup_dirs(const struct container_spec *c, struct cgroup *cg, int *made)
{
	char name[CGROUP_NAME_MAX];

	container_cgroup_name(c->id, name, sizeof(name));
	return oci_cgroup_make(cg, name, 0, made);
}

/* Clone the init into the cgroup, limit that (with limit: the first
 * start; a restart keeps what `update` set since) while the init sets
 * up, and let it go (launch_go), the cgroup's limits on the way. */
static pid_t start_init(const struct container_spec *c, struct launch *l, const struct cgroup *cg,
			int limit, int *code)
{
	pid_t pid;

	*code = EXIT_RUNTIME;
	if ((pid = launch_clone(l)) < 0)
		return -1;
	/* on failure the init goes first: it is in the cgroup, which
	 * release() then removes */
	if (limit && oci_cgroup_limit(l->oci, cg, OCI_CG_DEVICES_STRICT
				      | (c->pids_default ? OCI_CG_PIDS_DEFAULT : 0))) {
		launch_abort(l, pid);
		return -1;
	}
	return launch_go(l, pid, code);
}

/* Undo overlay_mount, keeping the error that made us. */
static int umount_failed(struct store *s, const struct container_spec *c)
{
	int e = err_errno();
	char msg[256];

	snprintf(msg, sizeof(msg), "%s", err_msg());
	overlay_umount(s, c->id);
	return err_setn(e, "%s", msg);
}

/* A --rm container's writable layer is in RAM: a tmpfs of its own, with
 * the cap it was given (TRANSIENT_SIZE, --storage-opt size=). */
static const char *upper_size(const struct container_spec *c)
{
	return c->auto_remove && c->storage_size && *c->storage_size ? c->storage_size : NULL;
}

/* The container's network lease, held as long as this monitor runs
 * (bridge.h): one container per monitor. In .bss: net_setup fills it. */
static struct net_lease monitor_net;

/* The overlay, the network lease, then the cgroup's directories. */
static int prepare(struct store *s, const struct container_spec *c, struct cgroup *cg)
{
	int made;

	if (overlay_mount(s, c->id, c->layers, upper_size(c)))
		return -1;
	if (net_setup(s, c, &monitor_net))
		return umount_failed(s, c);
	if (make_cgroup_dirs(c, cg, &made)) {
		net_release(s, c->id, &monitor_net);
		return umount_failed(s, c);
	}
	return 0;
}

static int has_volumes(const struct container_spec *c)
{
	for (int i = 0; ENABLED(RUN_VOLUMES) && i < c->nmounts; i++)
		if (c->mounts[i].volume)
			return 1;
	return 0;
}

/* What a run leaves outside the record goes; with --rm the record too.
 * Failures are reported, not returned: the container is over anyway. */
static void release(struct store *s, const struct container_spec *c, struct cgroup *cg)
{
	int e = err_errno();
	char msg[256];

	snprintf(msg, sizeof(msg), "%s", err_msg()); /* the caller may report it yet */
	{
		/* the init is gone, and its PID namespace with it: nothing
		 * to kill (release.h) */
		struct release r = { .cg = cg, .store = s, .id = c->id, .lease = &monitor_net };

		if (release_container(&r))
			warn("%s", err_msg());
	}
	if (c->auto_remove && container_transient(s, c->id) && !has_volumes(c)) {
		/* In the runtime dir: nothing of the store changes, so no
		 * store lock (the name goes only if it is still ours). */
		if (container_remove_record(s, c->id))
			warn("%s", err_msg());
	} else if (c->auto_remove) {
		struct store ls;

		if (store_open(&ls, s->root, STORE_WRITE)) {
			warn("%s", err_msg());
			err_setn(e, "%s", msg);
			return;
		}
		if (container_remove_record(&ls, c->id))
			warn("%s", err_msg());
		else if (ENABLED(RUN_VOLUMES)) /* its anonymous volumes go too, as docker's */
			volume_remove_anonymous(&ls, c);
		store_close(&ls);
	}
	err_setn(e, "%s", msg);
}

/* ---- state ------------------------------------------------------------- */

/* stopped_by_user as `stop` recorded it, read from the file as it is
 * (container_state_load would wait for us, the monitor, to record). */
static int stopped_by_user(const struct store *s, const char *id)
{
	char path[PATH_MAX], *data;
	struct json_doc d;
	uint32_t v;
	size_t n;
	int r = 0;

	if (container_dir(s, id, path) || path_join(path, path, "state.json")
	    || read_file(path, 1 << 20, &data, &n))
		return 0;
	if (json_parse(&d, data, n) == 0) {
		v = json_get(&d, 0, "stopped_by_user");
		r = v && json_type(&d, v) == JSON_TRUE;
		json_free(&d);
	}
	free(data);
	return r;
}

/* Under the container's lock, keeping what stop recorded. The error
 * context is kept too: the caller may report it yet. */
static void save_state(const struct store *s, const char *id, struct container_state *st)
{
	int e = err_errno(), fd = container_lock(id);
	char msg[256];

	snprintf(msg, sizeof(msg), "%s", err_msg());
	st->stopped_by_user |= stopped_by_user(s, id);
	if (container_state_save(s, id, st))
		warn("%s", err_msg());
	container_unlock(fd);
	err_setn(e, "%s", msg);
}

/* ---- watching ----------------------------------------------------------- */

/* One container's log per process, foreground or detached: 36 KiB of
 * .bss, static so the monitor allocates nothing. */
static struct logfile container_log;

static sigset_t watched, saved_mask;

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
				 SIGALRM, SIGCONT };

/* A signalfd for SIGCHLD, the forwarded signals and SIGWINCH; they are
 * blocked (the init unblocks its own at once). */
static int signals_open(void)
{
	int fd;

	sigemptyset(&watched);
	sigaddset(&watched, SIGCHLD);
	sigaddset(&watched, SIGWINCH);
	sigaddset(&watched, SIGPIPE);
	for (unsigned i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&watched, forwarded[i]);
	sigprocmask(SIG_BLOCK, &watched, &saved_mask);
	fd = signalfd(-1, &watched, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0) {
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		return err_set("signalfd");
	}
	return fd;
}

static void signals_close(int fd)
{
	close(fd);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

struct watch {
	pid_t pid;
	int status;         /* wait status, once done */
	int done;
	int sfd;
	int in, in_to;      /* stdin -> pty master (fg -t -i), or a pipe */
	int in_pipe;        /* in_to is a pipe: closed at our stdin's end */
	int out[2];         /* pty master or stdout pipe, stderr pipe */
	int winch_to;       /* pty master to resize on SIGWINCH, or -1 */
	struct logfile *log; /* where out[] is logged, or NULL */
	int echo;           /* out[] to our stdout and stderr too (foreground) */
	int stop;           /* a signal asked the monitor to stop */
	struct health_run *health; /* its health check (health.h), or NULL */
	int health_restart; /* unhealthy with --health-on-failure=restart */
};

/* The container has just turned unhealthy: what --health-on-failure says. */
static void health_act(struct watch *w, enum health_on_failure act)
{
	if (act == HEALTH_NONE || w->done)
		return;
	if (act == HEALTH_RESTART)
		w->health_restart = 1;
	else if (act == HEALTH_STOP)
		w->stop = 1;
	kill(w->pid, SIGKILL);
}

static void on_signal(struct watch *w)
{
	struct signalfd_siginfo si;

	while (read(w->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = si.ssi_signo;

		if (sig == SIGCHLD) {
			int st;
			pid_t p;

			while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
				enum health_on_failure act;

				if (p == w->pid) {
					w->status = st;
					w->done = 1;
				} else if (health_run_reaped(w->health, p, st, &act))
					health_act(w, act);
			}
		} else if (sig == SIGWINCH) {
			if (w->winch_to >= 0)
				tty_copy_size(0, w->winch_to);
		} else if (sig != SIGPIPE) {
			if (sig == SIGTERM || sig == SIGINT)
				w->stop = 1;
			if (!w->done)
				kill(w->pid, sig);
		}
	}
}

/* Relay until the init is gone and its output is drained. */
static void watch_run(struct watch *w)
{
	static char buf[4096];
	int64_t drain_until = 0;

	for (;;) {
		struct pollfd p[5];
		int n = 0, timeout = w->done ? -1 : health_run_timeout(w->health), r;

		if (w->done) {
			if (!drain_until)
				drain_until = container_now() + 1000000000LL;
			timeout = (int)((drain_until - container_now()) / 1000000);
			if (timeout <= 0 || (w->out[0] < 0 && w->out[1] < 0))
				break;
		}
		p[n++] = (struct pollfd){ w->sfd, POLLIN, 0 };
		for (int i = 0; i < 2; i++)
			p[n++] = (struct pollfd){ w->out[i], POLLIN, 0 };
		p[n++] = (struct pollfd){ w->done ? -1 : w->in, POLLIN, 0 };
		p[n++] = (struct pollfd){ health_run_fd(w->health), POLLIN, 0 };
		r = poll(p, n, timeout);
		if (r < 0 && errno != EINTR)
			break;
		if (!w->done && w->health) {
			if (r > 0 && p[4].revents)
				health_run_output(w->health);
			health_run_tick(w->health);
		}
		if (r <= 0)
			continue;
		if (p[0].revents)
			on_signal(w);
		for (int i = 0; i < 2; i++) {
			ssize_t k;

			if (!p[1 + i].revents)
				continue;
			k = read(w->out[i], buf, sizeof(buf));
			if (k < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (k <= 0) { /* EOF, or EIO: the pty's last slave closed */
				close(w->out[i]);
				w->out[i] = -1;
				continue;
			}
			if (w->log)
				logfile_feed(w->log, i ? &w->log->err : &w->log->out, buf, k);
			/* Our reader is gone (`run ... | head`): close ours too, so
			 * the container's writes fail as they would on our stdout. */
			if (w->echo && write_all(i ? 2 : 1, buf, k) && errno == EPIPE) {
				close(w->out[i]);
				w->out[i] = -1;
			}
		}
		if (p[3].revents) {
			ssize_t k = read(w->in, buf, sizeof(buf));

			if (k > 0)
				write_all(w->in_to, buf, k);
			else if (k == 0 || errno != EINTR) {
				/* stdin ended: the terminal's end-of-file to the
				 * pty, or the pipe's end */
				if (w->in_pipe && w->in_to >= 0) {
					close(w->in_to);
					w->in_to = -1;
				} else if (k == 0 && w->in_to >= 0)
					write_all(w->in_to, "\x04", 1);
				w->in = -1;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (w->out[i] >= 0) {
			close(w->out[i]);
			w->out[i] = -1;
		}
	if (w->in_pipe && w->in_to >= 0) {
		close(w->in_to);
		w->in_to = -1;
	}
	while (!w->done) { /* the output closed early: wait for the init */
		int st;
		pid_t p = waitpid(w->pid, &st, 0);

		if (p == w->pid) {
			w->status = st;
			w->done = 1;
		} else if (p < 0 && errno != EINTR)
			break;
	}
}

static void exit_state(struct container_state *st, int status)
{
	if (WIFSIGNALED(status)) {
		st->exit_signal = WTERMSIG(status);
		st->exit_code = 128 + st->exit_signal;
	} else {
		st->exit_signal = 0;
		st->exit_code = WEXITSTATUS(status);
	}
}

/* ---- one start ---------------------------------------------------------- */

struct io {
	int stdio[3];        /* for the init */
	int master;          /* pty master (the init makes the pty), or -1 */
	int pipes[2];        /* our ends of stdout/stderr pipes, or -1 */
};

static void io_close(struct io *io)
{
	for (int i = 0; i < 3; i++)
		if (io->stdio[i] > 2 && (i == 0 || io->stdio[i] != io->stdio[i - 1]))
			close(io->stdio[i]);
	for (int i = 0; i < 3; i++)
		io->stdio[i] = -1;
}

/* Detached stdio: two pipes whose other ends we read; with -t nothing
 * (the init makes the pty and sends us its master). */
static int io_detached(struct io *io, int tty)
{
	int p[2];

	io->master = io->pipes[0] = io->pipes[1] = -1;
	io->stdio[0] = io->stdio[1] = io->stdio[2] = -1;
	if (tty)
		return 0;
	for (int i = 0; i < 2; i++) {
		if (pipe2(p, O_CLOEXEC) < 0) {
			if (i)
				close(io->pipes[0]), close(io->stdio[1]);
			return err_set("pipe");
		}
		io->pipes[i] = p[0];
		io->stdio[1 + i] = p[1];
	}
	return 0;
}

/* ---- foreground --------------------------------------------------------- */

/* `update --restart` changes the record while we run: the policy in
 * force is the one there when the process exits (kept as it was if the
 * record cannot be read). */
static void reload_restart_policy(const struct store *s, struct container_spec *c)
{
	struct container_spec now;

	if (container_spec_load(s, c->id, &now))
		return;
	c->restart = now.restart;
	c->restart_max = now.restart_max;
	container_spec_free(&now);
}

static void fail_state(const struct store *s, const struct container_spec *c, int code)
{
	struct container_state st = { .status = ST_EXITED, .exit_code = code };

	st.finished_at = container_now();
	snprintf(st.error, sizeof(st.error), "%s", err_msg());
	save_state(s, c->id, &st);
}

static void running_state(const struct store *s, const struct container_spec *c, pid_t pid,
			  int restarts, struct container_state *st)
{
	memset(st, 0, sizeof(*st));
	st->status = ST_RUNNING;
	st->pid = pid;
	st->pid_start = proc_start_time(pid);
	st->monitor_pid = getpid();
	st->monitor_start = proc_start_time(getpid());
	st->started_at = container_now();
	st->restart_count = restarts;
	save_state(s, c->id, st);
}

/* The foreground's output is kept in container.log as a detached one's
 * (Docker logs both), so it goes through pipes (or the pty) that we copy
 * out and log. Not with --rm: the log would go with the record, and the
 * container writes to our stdout directly, with no copy and no log.
 *
 * But never to a terminal: without -t, a container handed the caller's
 * terminal could read what is typed there or leave echo off. Where our
 * stdout or stderr is one, the output goes through the pipes, and stdin
 * (-i) through one more, which we copy: only then, so a run whose stdio
 * are files or pipes pays nothing (docs/security.md). */
int monitor_foreground(struct store *s, struct container_spec *c, int *status)
{
	struct watch w = { .in = -1, .in_to = -1, .out = { -1, -1 }, .winch_to = -1, .echo = 1 };
	struct container_state st;
	struct launch l = { .c = c };
	char rootfs[PATH_MAX], path[PATH_MAX];
	struct termios saved;
	struct cgroup cg;
	struct io io = { .stdio = { -1, -1, -1 }, .master = -1, .pipes = { -1, -1 } };
	int code = EXIT_RUNTIME, raw = 0, oom0 = 0, logged = !c->auto_remove, made = 0;
	int relay_out = !c->tty && (isatty(1) || isatty(2));
	int relay_in = !c->tty && c->interactive && isatty(0);

	if (container_dir(s, c->id, rootfs) || path_join(path, rootfs, "container.log")
	    || path_join(rootfs, rootfs, "merged"))
		return -1;
	*status = EXIT_RUNTIME;
	if (overlay_mount(s, c->id, c->layers, upper_size(c))
	    || net_setup(s, c, &monitor_net)) {
		fail_state(s, c, EXIT_RUNTIME);
		release(s, c, NULL);
		return -1;
	}
	if (*monitor_net.warning)
		warnx("warning: %s", monitor_net.warning);
	l.net = &monitor_net;
	l.rootfs = rootfs;
	l.cg = &cg;
	l.stdio[0] = c->interactive ? 0 : -1;
	l.stdio[1] = 1;
	l.stdio[2] = 2;
	if (logged) {
		if (log_open(&container_log, path, c))
			goto fail;
		w.log = &container_log;
	}
	if ((logged || relay_out) && !c->tty) {
		if (io_detached(&io, 0))
			goto fail_log;
		memcpy(l.stdio + 1, io.stdio + 1, 2 * sizeof(int));
	}
	if (relay_in) {
		int p[2];

		if (pipe2(p, O_CLOEXEC) < 0) {
			err_set("pipe");
			goto fail_io;
		}
		l.stdio[0] = io.stdio[0] = p[0]; /* closed with io once launched */
		w.in = 0;
		w.in_to = p[1];
		w.in_pipe = 1;
	}
	if (c->tty) {
		l.pty_master = &io.master; /* the init sizes it as our fd 0 */
		if (c->interactive && (raw = tty_raw(0, &saved)) < 0)
			goto fail_io;
	}
	if ((w.sfd = signals_open()) < 0)
		goto fail_io;
	/* The init is born in the cgroup (its cgroup2 directory), and
	 * mounts its root while we write the limits. */
	if (make_cgroup_dirs(c, &cg, &made)) {
		w.pid = -1;
		l.cg = NULL;
	} else {
		oom0 = cgroup_oom_killed(&cg);
		w.pid = start_init(c, &l, &cg, 1, &code);
	}
	io_close(&io);
	if (w.pid < 0) {
		if (w.in_pipe)
			close(w.in_to);
		signals_close(w.sfd);
		if (raw)
			tty_restore(0, &saved);
		for (int i = 0; i < 2; i++)
			if (io.pipes[i] >= 0)
				close(io.pipes[i]);
		if (logged)
			logfile_close(&container_log);
		fail_state(s, c, code);
		*status = code;
		release(s, c, l.cg ? &cg : NULL);
		return -1;
	}
	running_state(s, c, w.pid, 0, &st);
	w.out[0] = io.master >= 0 ? io.master : io.pipes[0];
	w.out[1] = io.master >= 0 ? -1 : io.pipes[1];
	if (io.master >= 0) {
		w.winch_to = io.master;
		if (c->interactive) {
			w.in = 0;
			w.in_to = io.master;
		}
	}
	watch_run(&w);
	signals_close(w.sfd);
	if (raw)
		tty_restore(0, &saved);
	if (logged) {
		logfile_flush(&container_log);
		logfile_close(&container_log);
	}
	st.status = ST_EXITED;
	st.finished_at = container_now();
	exit_state(&st, w.status);
	/* A --rm record goes right away: nobody would read how it ended
	 * (a reader meanwhile sees the init gone and waits for us). */
	if (!c->auto_remove) {
		st.oom_killed = cgroup_oom_killed(&cg) > oom0;
		save_state(s, c->id, &st);
	}
	release(s, c, &cg);
	*status = st.exit_code;
	return 0;
fail_io:
	if (raw)
		tty_restore(0, &saved);
	if (w.in_pipe)
		close(w.in_to);
	io_close(&io);
	for (int i = 0; i < 2; i++)
		if (io.pipes[i] >= 0)
			close(io.pipes[i]);
fail_log:
	if (logged)
		logfile_close(&container_log);
fail:
	fail_state(s, c, EXIT_RUNTIME);
	release(s, c, NULL); /* before the cgroup was made */
	return -1;
}

/* ---- detached ----------------------------------------------------------- */

struct report {
	int code;
	int err;
	char msg[320]; /* an error, or a warning (net_lease's) */
};

/* The start lock, shared with whoever forked the monitor (run, start),
 * held by the monitor until it reports the container running: a run or
 * start killed meanwhile does not let an rm remove a record whose
 * container is still being made. A failure keeps it until _exit, after
 * the monitor released what it made. */
static int monitor_start_lock = -1, held_start_lock = -1;

static void send_report(int *fd, int code)
{
	struct report r = { code, code ? err_errno() : 0, "" };

	if (!code && monitor_start_lock >= 0) {
		close(monitor_start_lock);
		monitor_start_lock = -1;
	}
	if (*fd < 0)
		return;
	if (code)
		snprintf(r.msg, sizeof(r.msg), "%s", err_msg());
	else /* a warning for run to show: the monitor's stderr is /dev/null */
		snprintf(r.msg, sizeof(r.msg), "%s", monitor_net.warning);
	(void)!write(*fd, &r, sizeof(r));
	close(*fd);
	*fd = -1;
}

/* Sleep ms, unless stop or a stop signal comes first: 1 if it did. */
static int backoff(const struct store *s, const char *id, struct watch *w, int ms)
{
	for (int left = ms; left > 0; left -= 100) {
		struct pollfd p = { w->sfd, POLLIN, 0 };

		if (poll(&p, 1, left < 100 ? left : 100) > 0)
			on_signal(w);
		if (w->stop || stopped_by_user(s, id))
			return 1;
	}
	return 0;
}

/* The detached monitor's life: start, log, wait, record, maybe again. */
__attribute__((noreturn)) static void monitor_main(struct store *s, struct container_spec *c,
						   int report)
{
	struct container_state st;
	struct launch l = { .c = c };
	char rootfs[PATH_MAX], path[PATH_MAX];
	struct cgroup cg;
	struct io io;
	int code, restarts = 0, delay = BACKOFF_FIRST_MS, limited = 0;

	if (container_dir(s, c->id, rootfs) || path_join(path, rootfs, "container.log")
	    || path_join(rootfs, rootfs, "merged"))
		goto fail_early;
	set_oom_score_adj(MONITOR_OOM_SCORE_ADJ);
	/* held until _exit: released by the process's end (container.h) */
	if (container_monitor_lock(c->id, -1) < 0)
		goto fail_early;
	if (prepare(s, c, &cg))
		goto fail_early;
	if (log_open(&container_log, path, c))
		goto fail;
	l.net = &monitor_net;
	l.rootfs = rootfs;
	l.cg = &cg;
	struct watch w = { .sfd = signals_open(), .health = health_run_new(s, c->id) };
	if (w.sfd < 0)
		goto fail;
	for (;;) {
		int oom0 = cgroup_oom_killed(&cg);

		if (io_detached(&io, c->tty)) {
			code = EXIT_RUNTIME;
			goto start_failed;
		}
		memcpy(l.stdio, io.stdio, sizeof(l.stdio));
		l.pty_master = &io.master;
		set_oom_score_adj(0);
		w.pid = start_init(c, &l, &cg, !limited, &code);
		limited |= w.pid >= 0;
		set_oom_score_adj(MONITOR_OOM_SCORE_ADJ);
		io_close(&io);
		if (w.pid < 0) {
			if (io.master >= 0)
				close(io.master);
			for (int i = 0; i < 2; i++)
				if (io.pipes[i] >= 0)
					close(io.pipes[i]);
start_failed:
			{
				char msg[256];

				snprintf(msg, sizeof(msg), "%s", err_msg());
				logfile_feed(&container_log, &container_log.err, msg, strlen(msg));
				logfile_feed(&container_log, &container_log.err, "\n", 1);
			}
			fail_state(s, c, code);
			send_report(&report, code);
			break;
		}
		running_state(s, c, w.pid, restarts, &st);
		send_report(&report, 0);
		w.done = 0;
		w.health_restart = 0;
		health_run_reset(w.health);
		w.log = &container_log;
		w.out[0] = io.master >= 0 ? io.master : io.pipes[0];
		w.out[1] = io.master >= 0 ? -1 : io.pipes[1];
		watch_run(&w);
		health_run_stop(w.health);
		logfile_flush(&container_log);
		st.status = ST_EXITED;
		st.pid = 0;
		st.finished_at = container_now();
		exit_state(&st, w.status);
		st.oom_killed = cgroup_oom_killed(&cg) > oom0;
		st.stopped_by_user |= stopped_by_user(s, c->id);
		reload_restart_policy(s, c);
		if (w.stop || (!w.health_restart &&
			       !container_should_restart(c, &st, RESTART_AFTER_EXIT))) {
			save_state(s, c->id, &st);
			break;
		}
		if (st.finished_at - st.started_at >= RESTART_RESET_NS)
			delay = BACKOFF_FIRST_MS;
		st.status = ST_RESTARTING;
		save_state(s, c->id, &st);
		if (backoff(s, c->id, &w, delay)) {
			st.status = ST_EXITED;
			save_state(s, c->id, &st);
			break;
		}
		delay = delay * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : delay * 2;
		restarts++;
	}
	logfile_close(&container_log);
	signals_close(w.sfd);
	health_run_free(w.health);
	release(s, c, &cg);
	_exit(0);
fail:
	fail_state(s, c, EXIT_RUNTIME);
	send_report(&report, EXIT_RUNTIME);
	release(s, c, &cg);
	_exit(EXIT_RUNTIME);
fail_early:
	fail_state(s, c, EXIT_RUNTIME);
	send_report(&report, EXIT_RUNTIME);
	release(s, c, NULL);
	_exit(EXIT_RUNTIME);
}

int monitor_detached(struct store *s, struct container_spec *c, int *code)
{
	struct report r;
	int p[2], st, sl = held_start_lock;
	ssize_t n;
	pid_t pid;

	*code = EXIT_RUNTIME;
	if (sl < 0 && (sl = container_start_lock(c->id, -1)) < 0)
		return -1;
	if (pipe2(p, O_CLOEXEC) < 0) {
		err_set("pipe");
		goto fail;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		err_set("fork");
		goto fail;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		close(p[0]);
		setsid();
		if (fork() != 0)
			_exit(0);
		/* The monitor: no terminal, no fd of whoever ran us (a shell's
		 * $(...) waits for its pipe to close). */
		if (null >= 0)
			for (int i = 0; i < 3; i++)
				dup2(null, i);
		for (int fd = 3; fd < 1024; fd++)
			if (fd != p[1] && fd != null && fd != sl)
				close(fd);
		if (null > 2)
			close(null);
		(void)!chdir("/");
		monitor_start_lock = sl;
		monitor_main(s, c, p[1]);
	}
	close(p[1]);
	if (sl != held_start_lock)
		close(sl);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	do
		n = read(p[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n != (ssize_t)sizeof(r))
		return err_setn(EIO, "the container's monitor died");
	r.msg[sizeof(r.msg) - 1] = 0;
	if (r.code == 0) {
		if (*r.msg)
			warnx("warning: %s", r.msg);
		return 0;
	}
	*code = r.code;
	return err_setn(r.err, "%s", r.msg);
fail:
	if (sl != held_start_lock)
		close(sl);
	return -1;
}

/* ---- start -------------------------------------------------------------- */

/* A start clears what stop recorded, so the restart policy applies again
 * (the monitor keeps a stopped_by_user it finds in state.json). */
static int clear_stopped(const struct store *s, const char *id)
{
	struct container_state st;
	int fd = container_lock(id), rc = 0;

	if (fd < 0)
		return -1;
	if (container_state_load(s, id, &st) == 0 && st.stopped_by_user) {
		st.stopped_by_user = 0;
		rc = container_state_save(s, id, &st);
	}
	container_unlock(fd);
	return rc;
}

/* What must be there before anything is mounted: the image's layers and
 * the host's side of every volume and device. At boot a USB disk not
 * mounted yet, or a layer deleted by hand, says so by name here rather
 * than as a mount's errno. */
/* What must be there before anything is mounted: the image's layers and
 * the host's side of every volume and device. At boot a USB disk not
 * mounted yet, or a layer deleted by hand, says so by name here rather
 * than as a mount's errno. The message is whole (errno 0): it is the
 * State.Error too. */
static int check_sources(const struct store *s, const struct container_spec *c)
{
	char path[PATH_MAX];
	struct stat sb;

	for (int i = 0; c->layers && c->layers[i]; i++)
		if (strncmp(c->layers[i], "sha256:", 7)
		    || store_path(s, path, "layers/%s/link", c->layers[i] + 7)
		    || stat(path, &sb) < 0)
			return err_setn(0, "image %s: layer %s: %s", c->image ? c->image : "?",
					c->layers[i], strerror(ENOENT));
	for (int i = 0; i < c->nmounts; i++) {
		const struct mount_spec *m = &c->mounts[i];
		int fd;

		if (ENABLED(RUN_VOLUMES) && m->volume && m->source) {
			/* opened as launch opens it: a link there is refused */
			if ((fd = volume_open_data(m->source)) < 0)
				return err_setn(0, "volume %s: %s: %s", m->volume, m->source,
						strerror(err_errno() ? err_errno() : EINVAL));
			close(fd);
		} else if (!m->tmpfs && m->source && stat(m->source, &sb) < 0)
			return err_setn(0, "volume source %s: %s", m->source, strerror(errno));
	}
	for (int i = 0; i < c->ndevices; i++)
		if (c->devices[i].host && stat(c->devices[i].host, &sb) < 0)
			return err_setn(0, "device %s: %s", c->devices[i].host, strerror(errno));
	return 0;
}

int monitor_start(struct store *s, const char *id, int *started, int *code)
{
	struct container_state st;
	struct container_spec c;
	int fd, ml, rc = -1;

	*started = 0;
	*code = EXIT_RUNTIME;
	if (container_spec_load(s, id, &c))
		return -1;
	/* Two starts at once would make two inits: the second waits here,
	 * then finds it running (container.h). */
	if ((fd = container_start_lock(id, -1)) < 0)
		goto out;
	if (container_state_load(s, id, &st))
		goto unlock;
	if (st.status == ST_RUNNING || st.status == ST_RESTARTING) {
		rc = 0;
		goto unlock;
	}
	if (check_sources(s, &c)) {
		fail_state(s, &c, EXIT_RUNTIME); /* ps -a and inspect say why */
		goto unlock;
	}
	/* a monitor that recorded the exit may still be releasing what the
	 * container had: its release must not undo this start */
	if ((ml = container_monitor_lock(id, 30000)) < 0) {
		if (err_errno() == EWOULDBLOCK)
			err_setn(EBUSY, "container %.12s: its monitor is still releasing it", id);
		goto unlock;
	}
	container_unlock(ml);
	/* what a monitor that was killed left: its mount and cgroup */
	if (container_release(s, id) || clear_stopped(s, id))
		goto unlock;
	held_start_lock = fd;
	if ((rc = monitor_detached(s, &c, code)) == 0)
		*started = 1;
	held_start_lock = -1;
unlock:
	close(fd);
out:
	container_spec_free(&c);
	return rc;
}
