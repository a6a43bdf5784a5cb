/* launch.c - the container's init, from clone to exec (see launch.h):
 * the clone, the report pipe, the go, the terminal, the exec and --init's
 * reaper, for both front ends. What the init sets up it reads from a
 * struct oci_spec (core/launch_oci.c): the oci applet's config.json, or
 * run's container translated by spec_docker_load at each start.
 *
 * The init is cloned into the spec's new namespaces, like fork(2): it
 * runs on with a copy of the caller's memory. Paths the image controls
 * are never followed out of the rootfs: mount targets are resolved with
 * openat2(RESOLVE_IN_ROOT) (or an equivalent walk) and mounted through
 * /proc/self/fd/N.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bridge.h"
#include "applet.h"
#include "caps.h"
#include "cgroup.h"
#include "err.h"
#include "etcfiles.h"
#include "fdpass.h"
#include "fsutil.h"
#include "guard.h"
#include "launch.h"
#include "mountspec.h"
#include "launch_int.h"
#include "passwd.h"
#include "pathsafe.h"
#include "pty.h"
#include "ocispec.h"
#include "seccomp.h"
#include "spec_docker.h"

/* What the init sends up when it fails before the exec. */
struct launch_err {
	int code;
	int err;
	char msg[256];
};

int report_fd = -1;
int pty_sock = -1; /* -t: where the pty's master goes */

__attribute__((noreturn)) void fail(int code)
{
	struct launch_err e = { code, err_errno(), "" };

	snprintf(e.msg, sizeof(e.msg), "%s", err_msg());
	if (report_fd >= 0)
		(void)!write(report_fd, &e, sizeof(e));
	else /* an OCI init past its report (launch_oci.c): the shim's stderr */
		dprintf(2, "boxcar: %s%s%s\n", e.msg, e.err ? ": " : "",
			e.err ? strerror(e.err) : "");
	_exit(code);
}

/* mount(2) with the error recorded. */
int do_mount(const char *src, const char *dst, const char *type, unsigned long flags,
		    const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		return err_set("cannot mount %s on %s", type ? type : src ? src : "", dst);
	return 0;
}

/* ---- /dev -------------------------------------------------------------- */

const struct launch_dev_node dev_nodes[LAUNCH_DEV_NODES] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

/* -t, after pivot_root: a pty of the container's devpts (/dev/ptmx is
 * pts/ptmx), so its slave is /dev/pts/0 there, as runc makes it; a pty
 * of the host's would be a name that means nothing inside. The master
 * goes to the runtime; the slave is stdio, the controlling terminal
 * (the init is a session leader) and, bound, /dev/console. */
int setup_pty(void)
{
	struct stat st;
	char name[32];
	int fd;

	/* the size: run's terminal, when it has one */
	if ((fd = pty_open_slave(pty_sock, name, sizeof(name))) < 0)
		return -1;
	close(pty_sock);
	pty_sock = -1;
	for (int i = 0; i < 3; i++)
		if (dup2(fd, i) < 0)
			return err_set("dup2");
	if (fd > 2)
		close(fd);
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		return err_set("cannot make %s the controlling terminal", name);
	/* the mount point, in a /dev that may be a volume's (an earlier
	 * container's files): never through a link, never blocking on a
	 * FIFO, a file or a device node only */
	if ((fd = open("/dev/console", O_WRONLY | O_CREAT | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY
		       | O_CLOEXEC, 0600)) < 0)
		return err_set("cannot create /dev/console");
	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
		close(fd);
		return err_setn(EINVAL, "/dev/console is not a file or a device node");
	}
	close(fd);
	return do_mount(name, "/dev/console", NULL, MS_BIND, NULL);
}

/* A device node like the host's st at name in dir: mknod, or, without
 * CAP_MKNOD, a bind of the host's node (path). One already there stays.
 * The init's umask is 0 then (setup_root): a node mknod makes has st's
 * mode exactly; set_owner: chown it to st's owner too (0 where the
 * caller knows it is born with it). 1: made by mknod, as st; 0: there
 * already, or bound (the caller's chmod, never through a link); -1 on
 * error. */
int make_node(int dir, const char *name, const struct stat *st, const char *path, int set_owner)
{
	char fdpath[32];
	int fd, rc;

	if (mknodat(dir, name, st->st_mode & (S_IFMT | 07777), st->st_rdev) == 0)
		return set_owner && fchownat(dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0
			? err_set("cannot chown %s", path) : 1;
	if (errno == EEXIST)
		return 0;
	if ((fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return err_set("cannot create %s", path);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	rc = do_mount(path, fdpath, NULL, MS_BIND, NULL);
	close(fd);
	return rc;
}

/* ---- mount targets ------------------------------------------------------ */

/* The target of a mount, resolved inside the rootfs and made if missing:
 * a directory, or (for a file source) a file. Returns an fd, or -1. */
int open_target(int rootfd, const char *target, int want_dir)
{
	char rel[PATH_MAX], *slash;
	int pfd, fd;

	if (path_clean(target, rel))
		return err_prefix(target);
	if (!*rel)
		return err_setn(EINVAL, "%s: cannot mount over the container's root", target);
	if (want_dir) {
		if ((fd = pathsafe_open_dir(rootfd, rel, 1)) < 0)
			return err_set("cannot create mount point %s in the container", target);
		return fd;
	}
	slash = strrchr(rel, '/');
	if (slash)
		*slash = 0;
	pfd = pathsafe_open_dir(rootfd, slash ? rel : "", 1);
	if (pfd < 0)
		return err_set("cannot create the directory of %s in the container", target);
	fd = openat(pfd, slash ? slash + 1 : rel,
		    O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644);
	close(pfd);
	if (fd < 0)
		return err_set("cannot create mount point %s in the container", target);
	return fd;
}

/* The mount at fd and every mount under it read-only (mount_setattr). */
int readonly_tree(int fd)
{
#ifdef SYS_mount_setattr
	struct { unsigned long long set, clr, prop, userns; } attr = { 0x1 /* RDONLY */, 0, 0, 0 };

	return (int)syscall(SYS_mount_setattr, fd, "", 0x1000 /* AT_EMPTY_PATH */
			    | 0x8000 /* AT_RECURSIVE */, &attr, sizeof(attr));
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* ---- inside ------------------------------------------------------------- */

int lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return 0; /* no IPv4 at all: nothing to bring up */
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
			close(s);
			return err_set("cannot bring lo up");
		}
	}
	close(s);
	return 0;
}

static const char *env_get(char **env, const char *key)
{
	size_t n = strlen(key);

	for (int i = 0; env && env[i]; i++)
		if (!strncmp(env[i], key, n) && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

/* execvpe with the container's PATH (musl's uses the caller's). */
__attribute__((noreturn)) void exec_command(char **argv, char **env)
{
	const char *path = env_get(env, "PATH"), *p;
	char buf[PATH_MAX];
	int eacces = 0, other = 0;

	if (!argv || !argv[0] || !*argv[0]) {
		err_setn(0, "no command specified");
		fail(EXIT_RUNTIME);
	}
	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, env);
		err_set("exec: \"%s\"", argv[0]);
		fail(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
	}
	for (p = path ? path : LAUNCH_DEFAULT_PATH; ; p += strcspn(p, ":") + 1) {
		size_t n = strcspn(p, ":");

		if (n + strlen(argv[0]) + 2 <= sizeof(buf)) {
			snprintf(buf, sizeof(buf), "%.*s%s%s", (int)n, p, n ? "/" : "", argv[0]);
			execve(buf, argv, env);
			if (errno == EACCES)
				eacces = 1;
			else if (errno != ENOENT && errno != ENOTDIR && !other) {
				other = errno;
				err_set("exec: \"%s\"", buf);
			}
		}
		if (!p[n])
			break;
	}
	if (other) {
		errno = other;
		fail(EXIT_CANNOT_EXEC);
	}
	if (eacces) {
		err_setn(EACCES, "exec: \"%s\"", argv[0]);
		fail(EXIT_CANNOT_EXEC);
	}
	err_setn(0, "exec: \"%s\": executable file not found in $PATH", argv[0]);
	fail(EXIT_NOT_FOUND);
}

/* --init: PID 1 is our process, whose command line is the host's
 * (`boxcar run -e DB_PASSWORD=... IMAGE`, host paths) and whose
 * environment area is the host shell's; any process in the container
 * may read /proc/1/cmdline. Make them what Docker's PID 1 shows,
 * "boxcar-init -- COMMAND ARGS", and an empty environment: the strings
 * are overwritten in place (the host's are gone from memory, not only
 * hidden), then the kernel is told the new ends (PR_SET_MM, which needs
 * CAP_SYS_RESOURCE: called before the capabilities go). Without it the
 * strings are still gone, the rest of the old area reads as NULs. A
 * command too long for the area is cut at an argument. */
void init_title(char **argv)
{
	unsigned long a[4] = { 0 };
	char buf[1024], *p, *start;
	size_t len = 0, area;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	/* after the ")" of comm: field 3, state; arg_start is field 48 */
	if (!(p = strrchr(buf, ')')))
		return;
	for (int field = 2; *p && field < 48; p++)
		field += *p == ' ';
	for (int i = 0; i < 4; i++) { /* strtoul: no scanf in small builds */
		char *end;

		a[i] = strtoul(p, &end, 10);
		if (end == p || (*end != ' ' && *end != '\n' && *end))
			return;
		p = end;
	}
	if (a[0] >= a[1]
	    || a[1] > a[2] || a[2] > a[3] || a[2] - a[1] > 1)
		return; /* not the layout execve makes: leave it alone */
	start = (char *)a[0];
	area = a[3] - a[0];
	memset(start, 0, area);
	static const char *const head[] = { "boxcar-init", "--" };
	for (int i = 0; i < 2; i++) {
		memcpy(start + len, head[i], strlen(head[i]) + 1);
		len += strlen(head[i]) + 1;
	}
	for (int i = 0; argv[i] && len + strlen(argv[i]) + 1 <= area; i++) {
		memcpy(start + len, argv[i], strlen(argv[i]) + 1);
		len += strlen(argv[i]) + 1;
	}
	prctl(PR_SET_NAME, "boxcar-init", 0, 0, 0);
	/* env first: its start may not pass its end, nor args' end its start */
	if (prctl(PR_SET_MM, PR_SET_MM_ENV_START, a[0] + len, 0, 0) == 0
	    && prctl(PR_SET_MM, PR_SET_MM_ENV_END, a[0] + len, 0, 0) == 0)
		prctl(PR_SET_MM, PR_SET_MM_ARG_END, a[0] + len, 0, 0);
}

/* --init: PID 1 stays boxcar (already in memory: nothing to find in the
 * rootfs), forks the command, forwards signals to it and reaps every
 * orphan, then exits as the command did. */
static pid_t init_child;

static void init_forward(int sig)
{
	if (init_child > 0)
		kill(init_child, sig);
}

__attribute__((noreturn)) void init_reaper(char **argv, char **env)
{
	static const int fwd[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
				   SIGWINCH, SIGALRM, SIGCONT };
	struct sigaction sa = { .sa_handler = init_forward };
	sigset_t all, old;
	int st;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	init_child = fork();
	if (init_child < 0) {
		err_set("fork");
		fail(EXIT_RUNTIME);
	}
	if (init_child == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		exec_command(argv, env);
	}
	/* The command's exec closes its copies: the reaper, which does not
	 * exec, must close its own, or a pipe whose reader the runtime
	 * closed would never fail the command's writes. */
	guard_close_fds();
	report_fd = -1;
	for (unsigned i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaction(fwd[i], &sa, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (;;) {
		pid_t p = waitpid(-1, &st, 0);

		if (p == init_child)
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		if (p < 0 && errno == ECHILD)
			_exit(EXIT_RUNTIME);
	}
}

int set_stdio(const struct launch *l)
{
	int fds[3], null = -1;

	for (int i = 0; i < 3; i++) {
		int src = l->stdio[i];

		if (src < 0) {
			if (null < 0 && (null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
				return err_set("/dev/null");
			src = null;
		}
		/* above 2 first, so that dup2 below cannot clobber a source */
		if ((fds[i] = fcntl(src, F_DUPFD_CLOEXEC, 3)) < 0)
			return err_set("dup");
	}
	for (int i = 0; i < 3; i++)
		if (dup2(fds[i], i) < 0)
			return err_set("dup2");
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	if (null >= 0)
		close(null);
	return 0;
}

/* "go" is one byte (fd_send), with the fds through which the init joins
 * its cgroup (cgroup_open_join). */
_Static_assert(CGROUP_DIRS_MAX <= FDPASS_MAX, "a go carries every join file");

/* The spec launch_clone made for run's container, freed (the init has
 * its copy); returns rc. */
static int drop_own(struct launch *l, int rc)
{
	if (l->own) {
		oci_spec_free(l->own);
		free(l->own);
		l->oci = l->own = NULL;
	}
	return rc;
}

pid_t launch_clone(struct launch *l)
{
	int sync[2], rep[2], sock[2] = { -1, -1 };
	unsigned long flags;
	char etcdir[PATH_MAX], *slash;
	pid_t pid;
	int cgfd, tty;

	l->sync_fd = l->report_fd = l->pty_fd = -1;
	l->own = NULL;
	if (l->c) {
		/* run's: the name files, new at every start (the host's
		 * resolv.conf may have changed since), next to merged/; then
		 * the container as the OCI spec the init follows
		 * (spec_docker.h) */
		if (snprintf(etcdir, sizeof(etcdir), "%s", l->rootfs) >= (int)sizeof(etcdir)
		    || !(slash = strrchr(etcdir, '/')))
			return err_setn(EINVAL, "%s: not a container's merged dir", l->rootfs);
		*slash = 0;
		if (etcfiles_write(etcdir, l->c, l->net))
			return -1;
		if (!(l->own = calloc(1, sizeof(*l->own))))
			return err_setn(ENOMEM, "spec");
		if (spec_docker_load(l->c, l->rootfs, etcdir, l->net ? l->net->nsfd : -1, l->own)) {
			free(l->own);
			l->own = NULL;
			return -1;
		}
		l->oci = l->own;
		l->oci_fifo = l->oci_mntns = -1;
	}
	flags = oci_clone_flags(l);
	tty = oci_terminal(l);
	/* A socket, not a pipe, for go: the init may have failed and gone
	 * by then, and send(MSG_NOSIGNAL) says so without a SIGPIPE. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0)
		return drop_own(l, err_set("socketpair"));
	if (pipe2(rep, O_CLOEXEC) < 0) {
		close(sync[0]);
		close(sync[1]);
		return drop_own(l, err_set("pipe"));
	}
	if (tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0) {
		close(sync[0]);
		close(sync[1]);
		close(rep[0]);
		close(rep[1]);
		return drop_own(l, err_set("socketpair"));
	}
	fflush(NULL);
	/* Like fork(), into new namespaces, and born in the cgroup2
	 * directory when there is one: a move into a cgroup2 cgroup takes
	 * the kernel's global threadgroup lock (see cgroup_open_join). */
	cgfd = cgroup_open_unified(l->cg);
	pid = cgroup_clone(cgfd, flags, &l->born_in);
	if (cgfd >= 0)
		close(cgfd);
	if (pid == 0) {
		close(sync[1]);
		close(rep[0]);
		report_fd = rep[1];
		if (sock[0] >= 0)
			close(sock[0]);
		pty_sock = sock[1];
		oci_init_main(l, sync[0]);
	}
	close(sync[0]);
	close(rep[1]);
	if (sock[1] >= 0)
		close(sock[1]); /* so a recv sees the init's end close */
	if (pid < 0) {
		err_set("cannot create the container's namespaces");
		close(sync[1]);
		close(rep[0]);
		if (sock[0] >= 0)
			close(sock[0]);
		return drop_own(l, -1);
	}
	l->sync_fd = sync[1];
	l->report_fd = rep[0];
	l->pty_fd = sock[0];
	/* bridge networking: eth0 in the init's netns before it goes */
	if (net_attach(l->net, pid)) {
		launch_abort(l, pid);
		return -1;
	}
	return pid;
}

static void close_fds(struct launch *l)
{
	int *fds[] = { &l->sync_fd, &l->report_fd, &l->pty_fd };

	drop_own(l, 0);

	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

void launch_abort(struct launch *l, pid_t pid)
{
	int st;

	close_fds(l);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

pid_t launch_go(struct launch *l, pid_t pid, int *code)
{
	struct launch_err e;
	char msg[256] = "";
	int go = 1, saved = 0, st, cgfds[CGROUP_DIRS_MAX], ncg = 0;
	ssize_t n;

	*code = EXIT_RUNTIME;
	if (l->cg && (ncg = cgroup_open_join(l->cg, l->born_in, cgfds)) < 0) {
		ncg = 0;
		go = 0;
	} else if (fd_send(l->sync_fd, cgfds, ncg) < 0) {
		err_set("cannot start the container's init");
		go = 0;
	}
	while (ncg > 0)
		close(cgfds[--ncg]);
	if (!go) {
		saved = err_errno();
		snprintf(msg, sizeof(msg), "%s", err_msg());
		kill(pid, SIGKILL);
	}
	close(l->sync_fd);
	l->sync_fd = -1;
	do
		n = read(l->report_fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(l->report_fd);
	l->report_fd = -1;
	if (n == 0 && go && l->pty_fd >= 0) {
		/* the init sent the master before its exec: it is queued */
		int m = pty_recv_fd(l->pty_fd);

		if (m < 0) {
			launch_abort(l, pid);
			return -1;
		}
		*l->pty_master = m;
	}
	close_fds(l);
	if (n == 0 && go)
		return pid; /* the exec closed the pipe */
	/* An init that failed on its own says why, even when that made the
	 * attach or the go fail too. */
	if (n == (ssize_t)sizeof(e)) {
		e.msg[sizeof(e.msg) - 1] = 0;
		*code = e.code;
		err_setn(e.err, "%s", e.msg);
	} else if (!go)
		err_setn(saved, "%s", msg);
	else
		err_setn(EIO, "the container's init failed before its command started");
	/* --init: the reaper exits after its child failed to exec */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return -1;
}

