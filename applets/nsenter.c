/* nsenter.c - run a program in the namespaces of other processes.
 *
 * A drop-in for util-linux nsenter 2.38: same options, same order of
 * work, same exit codes. Messages also say which pid or file failed, and
 * -a leaves out the namespaces we are in already (see want_all).
 */
//applet:nsenter alias
//summary:run a program in other processes' namespaces
//config:config APPLET_NSENTER
//config:	bool "nsenter"
//config:	default y
//config:	help
//config:	  A drop-in for util-linux nsenter(1): run a program in the
//config:	  mount, UTS, IPC, network, PID, user, cgroup and time
//config:	  namespaces, root and working directory of another process,
//config:	  or in namespace files such as the bind mounts `ip netns`
//config:	  makes. With INSTALL_PLAIN_NAMES it is also installed as
//config:	  plain `nsenter`. About 6 KiB with its help text, and 6 KiB
//config:	  of libc (fork, exec, set*id) that run and exec share.
//usage:[OPTIONS] [PROGRAM [ARG...]]
//usage:Run PROGRAM in the namespaces of other processes: those of the target
//usage:PID, or those of FILEs (/proc/PID/ns/* files or bind mounts of them).
//usage:Without PROGRAM, run $SHELL (default /bin/sh) as a login shell.
//usage:Short options take FILE or DIR attached: -m/run/ns/mnt.
//usage:
//usage:Options:
//usage: -a, --all              enter all namespaces of the target that differ
//usage:                        from ours
//usage: -t, --target PID       target process to get namespaces from
//usage: -m, --mount[=FILE]     enter mount namespace
//usage: -u, --uts[=FILE]       enter UTS namespace (hostname etc)
//usage: -i, --ipc[=FILE]       enter System V IPC namespace
//usage: -n, --net[=FILE]       enter network namespace
//usage: -p, --pid[=FILE]       enter pid namespace
//usage: -C, --cgroup[=FILE]    enter cgroup namespace
//usage: -U, --user[=FILE]      enter user namespace
//usage: -T, --time[=FILE]      enter time namespace
//usage: -S, --setuid UID       set uid in entered namespace
//usage: -G, --setgid GID       set gid in entered namespace
//usage:     --preserve-credentials do not touch uids or gids
//usage: -r, --root[=DIR]       set the root directory
//usage: -w, --wd[=DIR]         set the working directory
//usage: -W, --wdns DIR         set the working directory in namespace
//usage: -F, --no-fork          do not fork before exec'ing PROGRAM
//usage:
//usage: -h, --help             display this help
//usage: -V, --version          display version

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"
#include "err.h"
#include "guard.h"
#include "ns.h"
#include "number.h"
#include "setid.h"
#include "version.h"

/* The namespace options, indexed by enum ns_kind. */
static const char ns_letters[NS_COUNT + 1] = "UCiunpmT";

enum { OPT_PRESERVE_CRED = 256 };

static const char optstring[] = "+:ahVt:m::u::i::n::p::C::U::T::S:G:r::w::W:F";
static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "target", required_argument, NULL, 't' },
	{ "mount", optional_argument, NULL, 'm' },
	{ "uts", optional_argument, NULL, 'u' },
	{ "ipc", optional_argument, NULL, 'i' },
	{ "net", optional_argument, NULL, 'n' },
	{ "pid", optional_argument, NULL, 'p' },
	{ "cgroup", optional_argument, NULL, 'C' },
	{ "user", optional_argument, NULL, 'U' },
	{ "time", optional_argument, NULL, 'T' },
	{ "setuid", required_argument, NULL, 'S' },
	{ "setgid", required_argument, NULL, 'G' },
	{ "root", optional_argument, NULL, 'r' },
	{ "wd", optional_argument, NULL, 'w' },
	{ "wdns", required_argument, NULL, 'W' },
	{ "no-fork", no_argument, NULL, 'F' },
	{ "preserve-credentials", no_argument, NULL, OPT_PRESERVE_CRED },
	{ NULL, 0, NULL, 0 }
};

struct nsenter {
	pid_t pid;                    /* -t, 0: none */
	char want[NS_COUNT];          /* namespaces asked for */
	const char *file[NS_COUNT];   /* their FILE; NULL: the target's */
	char all, no_fork, preserve_cred, set_uid, set_gid, root, wd;
	uid_t uid;
	gid_t gid;
	const char *root_dir, *wd_dir; /* NULL: the target's */
	const char *wdns;
};

/* A decimal number up to max, or a usage error naming what it is. */
static unsigned long parse_number(const char *s, unsigned long max, const char *what)
{
	int64_t v;

	if (number_int(s, 0, (int64_t)max, 0, &v))
		die_usage("failed to parse %s: '%s'", what, s);
	return v;
}

/* getopt's own messages are off: ours go through die_usage, one line in
 * the house format, worded like util-linux's (glibc's). */
__attribute__((noreturn)) static void bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':') {
		if (arg && !strncmp(arg, "--", 2))
			die_usage("option '%s' requires an argument", arg);
		die_usage("option requires an argument -- '%c'", optopt);
	}
	if (!optopt)
		die_usage("unrecognized option '%s'", arg);
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == optopt) /* a known option: --flag=VALUE */
			die_usage("option '--%s' doesn't allow an argument", o->name);
	die_usage("invalid option -- '%c'", optopt);
}

static void parse_options(struct nsenter *o, int argc, char **argv)
{
	const char *p;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		p = c > 0 && c < 256 ? strchr(ns_letters, c) : NULL;
		if (p) {
			o->want[p - ns_letters] = 1;
			o->file[p - ns_letters] = optarg;
			continue;
		}
		switch (c) {
		case 'a':
			o->all = 1;
			break;
		case 't':
			o->pid = parse_number(optarg, INT_MAX, "pid");
			break;
		case 'S':
			o->uid = parse_number(optarg, (uid_t)-1, "uid");
			o->set_uid = 1;
			break;
		case 'G':
			o->gid = parse_number(optarg, (gid_t)-1, "gid");
			o->set_gid = 1;
			break;
		case 'r':
			o->root = 1;
			o->root_dir = optarg;
			break;
		case 'w':
			o->wd = 1;
			o->wd_dir = optarg;
			break;
		case 'W':
			o->wdns = optarg;
			break;
		case 'F':
			o->no_fork = 1;
			break;
		case OPT_PRESERVE_CRED:
			o->preserve_cred = 1;
			break;
		case 'h':
			usage_exit(EXIT_OK);
		case 'V':
			printf("nsenter from boxcar %s\n", BOXCAR_VERSION);
			exit(EXIT_OK);
		default:
			bad_option(c, argv);
		}
	}
	if (o->wd && o->wdns)
		diex(EXIT_FAIL, "mutually exclusive arguments: --wdns --wd");
}

/* -a: every namespace of the target that is not ours already. The kernel
 * refuses our own user namespace (util-linux skips it too); entering the
 * others again would cost a fork for pid and a reset of root and cwd for
 * mnt, and fails for an unprivileged user joining its own user namespace
 * (util-linux enters them all, and fails there). */
static void want_all(struct nsenter *o)
{
	if (!o->pid)
		diex(EXIT_FAIL, "no target PID specified for --all");
	for (int k = 0; k < NS_COUNT; k++) {
		int same;

		if (o->want[k] || !ns_supported(k))
			continue;
		same = ns_same(o->pid, k);
		if (same < 0)
			die_err(EXIT_FAIL);
		o->want[k] = !same;
	}
}

/* A pid namespace applies to our children only: fork, let the child go
 * on, and become a mirror of it, so the caller sees its stops and its
 * exit status or killing signal as ours. */
static void continue_as_child(void)
{
	int status;
	pid_t child;

	signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would hide it */
	child = fork();
	if (child < 0)
		die(EXIT_FAIL, "fork failed");
	if (!child)
		return;
	for (;;) {
		if (waitpid(child, &status, WUNTRACED) < 0) {
			if (errno == EINTR)
				continue;
			die(EXIT_FAIL, "waitpid failed");
		}
		if (!WIFSTOPPED(status))
			break;
		kill(getpid(), SIGSTOP);
		kill(child, SIGCONT);
	}
	if (WIFEXITED(status))
		exit(WEXITSTATUS(status));
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		struct rlimit nocore = { 0, 0 };
		sigset_t set;

		setid_rlimit(RLIMIT_CORE, &nocore); /* the child dumped it already */
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		kill(getpid(), sig);
	}
	exit(EXIT_FAIL);
}

__attribute__((noreturn)) static void exec_failed(const char *prog)
{
	die(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC,
	    "failed to execute %s", prog);
}

/* No program: $SHELL as a login shell, argv[0] "-sh". */
__attribute__((noreturn)) static void exec_shell(void)
{
	const char *shell = getenv("SHELL");
	const char *base;
	char arg0[NAME_MAX + 2];

	if (!shell)
		shell = "/bin/sh";
	base = strrchr(shell, '/');
	snprintf(arg0, sizeof(arg0), "-%s", base ? base + 1 : shell);
	execl(shell, arg0, (char *)NULL);
	exec_failed(shell);
}

int nsenter_main(int argc, char **argv)
{
	struct nsenter o = { 0 };
	struct ns_set ns;
	int root_fd = -1, wd_fd = -1, do_fork, groups_failed = 0;

	/* The target may be a container: until PROGRAM runs, its root
	 * must not ptrace us nor reach this binary (guard.h). */
	guard_exe();
	if (guard_undumpable())
		die_err(EXIT_FAIL);
	parse_options(&o, argc, argv);
	if (o.all)
		want_all(&o);

	/* Open everything first: once in the target's mount or user
	 * namespace, its /proc/PID files may be out of sight. */
	ns_set_init(&ns, o.pid);
	for (int k = 0; k < NS_COUNT; k++)
		if (o.want[k] && ns_set_open(&ns, k, o.file[k]) < 0)
			die_err(EXIT_FAIL);
	if (o.root && (root_fd = ns_target_open(o.pid, "root", o.root_dir)) < 0)
		die_err(EXIT_FAIL);
	if (o.wd && (wd_fd = ns_target_open(o.pid, "cwd", o.wd_dir)) < 0)
		die_err(EXIT_FAIL);

	/* In a user namespace we become root (or -S/-G) without the groups
	 * of outside. setgroups() is tried before entering and again after;
	 * only both failing is an error. */
	if (ns_set_has(&ns, NS_USER) && !o.preserve_cred) {
		o.set_uid = o.set_gid = 1;
		if (setid_groups(0, NULL) < 0)
			groups_failed = 1;
	}
	/* A pid ns holds our children only; a time ns takes us too, so it
	 * needs no fork (util-linux forks for pid alone as well). */
	do_fork = ns_set_has(&ns, NS_PID) && !o.no_fork;

	if (ns_set_enter(&ns) < 0)
		die_err(EXIT_FAIL);

	/* -r without -w keeps the current directory, as it is now that the
	 * namespaces are entered. */
	if (root_fd >= 0 && wd_fd < 0 && !o.wdns) {
		wd_fd = open(".", O_RDONLY | O_CLOEXEC);
		if (wd_fd < 0)
			die(EXIT_FAIL, "cannot open current working directory");
	}
	if (root_fd >= 0) {
		if (fchdir(root_fd) < 0)
			die(EXIT_FAIL, "change directory by root file descriptor failed");
		if (chroot(".") < 0)
			die(EXIT_FAIL, "chroot failed");
		close(root_fd);
	}
	if (o.wdns && (wd_fd = open(o.wdns, O_RDONLY | O_CLOEXEC)) < 0)
		die(EXIT_FAIL, "cannot open %s", o.wdns);
	if (wd_fd >= 0) {
		if (fchdir(wd_fd) < 0)
			die(EXIT_FAIL, "change directory by working directory file descriptor failed");
		close(wd_fd);
	}

	if (do_fork)
		continue_as_child();

	if (o.set_gid) {
		if (setid_groups(0, NULL) < 0 && groups_failed)
			die(EXIT_FAIL, "setgroups failed");
		if (setid_gid(o.gid) < 0)
			die(EXIT_FAIL, "setgid failed");
	}
	if (o.set_uid && setid_uid(o.uid) < 0)
		die(EXIT_FAIL, "setuid failed");

	if (optind < argc) {
		execvp(argv[optind], argv + optind);
		exec_failed(argv[optind]);
	}
	exec_shell();
}
