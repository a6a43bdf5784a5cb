/* oci.c - boxcar as an OCI runtime: runc's command line, for containerd's
 * shim, podman's conmon and k3s (docs/oci.md). `boxcar oci CMD` or a link
 * named boxcar-oci. The lifecycle is core/oci.c; the init, core/launch.c
 * with core/launch_oci.c. */
//applet:oci
//summary:run OCI bundles with runc's command line (link: boxcar-oci)
//config:config APPLET_OCI
//config:	bool "oci"
//config:	default y
//config:	help
//config:	  An OCI runtime with runc's command line, for containerd,
//config:	  k3s and podman: create, start, state, kill, delete, exec...
//config:	  over a bundle's config.json. Install a link named
//config:	  boxcar-oci and name it as the runtime's binary.
//usage:[GLOBAL OPTIONS] COMMAND [OPTIONS] [ID] [ARGS]
//usage:Run containers from OCI bundles (a directory with config.json and a
//usage:root file system), taking runc's command line: through a link named
//usage:boxcar-oci, containerd's shim and podman's conmon drive it as they
//usage:drive runc. State lives under --root; the caller (the shim) is the
//usage:container's parent: there is no monitor.
//usage:
//usage:Commands:
//usage:  create [--bundle DIR] [--pid-file F] [--console-socket S] [--no-pivot]
//usage:         [--no-new-keyring] [--preserve-fds N] ID
//usage:                        set the container up; its process waits for start
//usage:  start ID              run the process of a created container
//usage:  run [create's options] [-d] ID   create, start and (without -d) wait, delete
//usage:  state ID              the OCI state as JSON
//usage:  kill [--all] ID [SIGNAL]   signal the init (--all: every process; default TERM)
//usage:  delete [--force] ID   remove a stopped container (--force: kill it first)
//usage:  exec [--process F] [-d] [--pid-file F] [--console-socket S] [-t] [--cwd D]
//usage:       [-e K=V] [--user UID[:GID]] [--cap CAP] [--preserve-fds N] ID [ARG...]
//usage:                        run a process in a running container
//usage:  list [--format table|json]   the containers under --root
//usage:  ps [--format table|json] ID  the processes of a container
//usage:  pause ID, resume ID   freeze and thaw with the cgroup freezer
//usage:  update --resources F ID   new memory, cpu and pids limits (F: - for stdin)
//usage:  features              what this runtime supports, as JSON
//usage:  spec [--bundle DIR]   write a default config.json
//usage:
//usage:Global options:
//usage:      --root DIR        state directory (default /run/boxcar-oci)
//usage:      --log FILE        append errors there (the shim reads them)
//usage:      --log-format F    text or json (runc's {"level","msg","time"} lines)
//usage:      --debug           accepted
//usage:      --systemd-cgroup  cgroupsPath is slice:prefix:name (cgroupfs is written)
//usage:  -v, --version         print the version and the spec's version

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "caps.h"
#include "cgroup.h"
#include "cgroup_oci.h"
#include "container.h"
#include "err.h"
#include "fsutil.h"
#include "guard.h"
#include "json.h"
#include "oci.h"
#include "signame.h"
#include "version.h"

static const char *root_dir = OCI_ROOT_DEFAULT;
static const char *log_file;
static int log_json;
static int systemd_cgroup;

/* An error as runc reports it: a line on stderr and, with --log, a line
 * in the log ({"level":"error","msg":...,"time":...} with --log-format
 * json), which containerd's shim and conmon read back for their user. */
__attribute__((noreturn)) static void oci_fail(int code)
{
	char msg[512], t[40];
	int e = err_errno();

	snprintf(msg, sizeof(msg), "%s%s%s", err_msg(), e ? ": " : "", e ? strerror(e) : "");
	fprintf(stderr, "boxcar-oci: %s\n", msg);
	if (log_file) {
		FILE *f = fopen(log_file, "ae");

		if (f) {
			if (log_json) {
				struct json_w w;

				container_time(container_now(), t, sizeof(t));
				jw_init(&w, 0);
				jw_obj(&w);
				jw_kstr(&w, "level", "error");
				jw_kstr(&w, "msg", msg);
				jw_kstr(&w, "time", t);
				jw_end(&w);
				if (!jw_finish(&w))
					fputs(w.buf, f);
				jw_free(&w);
			} else
				fprintf(f, "boxcar-oci: %s\n", msg);
			fclose(f);
		}
	}
	exit(code);
}

__attribute__((noreturn, format(printf, 1, 2))) static void oci_failx(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_setn(0, "%s", msg);
	oci_fail(EXIT_FAIL);
}

/* Options of one command: getopt_long_only, so that runc's single-dash
 * spellings (-bundle) work too; an unknown one fails as runc's do. */
static int next_opt(int argc, char **argv, const char *shorts, const struct option *o)
{
	int c;

	if (optind < argc && !strcmp(argv[optind], "--help"))
		usage_exit(0);
	opterr = 0;
	c = getopt_long_only(argc, argv, shorts, o, NULL);
	if (c == '?' || c == ':')
		oci_failx("%s: bad or incomplete option %s", argv[0],
			  optind > 0 && optind <= argc ? argv[optind - 1] : "");
	return c;
}

static const char *one_id(int argc, char **argv)
{
	if (optind >= argc)
		oci_failx("%s: a container ID is needed", argv[0]);
	if (!oci_id_valid(argv[optind]))
		oci_failx("invalid container id %s", argv[optind]);
	return argv[optind];
}

/* The fds create, run and exec keep: 0-2 and --preserve-fds N after,
 * each one open: a gap would be filled by a file of ours (the state
 * directory's lock, a directory of the host's) and passed in with them,
 * the host's tree for the container (runc refuses such a gap too). */
static void guard_fds(int preserve)
{
	guard_exe(); /* the init runs this binary in the container (guard.h) */
	for (int fd = 3; fd < 3 + preserve; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			oci_failx("--preserve-fds %d: fd %d is not open", preserve, fd);
	if (syscall(SYS_close_range, 3 + preserve, ~0u, 0) < 0)
		for (int fd = 3 + preserve; fd < 1024; fd++)
			close(fd);
}

/* ---- create, run ---------------------------------------------------------- */

static int cmd_create(int argc, char **argv, int run)
{
	static const struct option o[] = {
		{ "bundle", required_argument, 0, 'b' },
		{ "pid-file", required_argument, 0, 'p' },
		{ "console-socket", required_argument, 0, 'c' },
		{ "no-pivot", no_argument, 0, 'P' },
		{ "no-new-keyring", no_argument, 0, 'K' },
		{ "preserve-fds", required_argument, 0, 'f' },
		{ "detach", no_argument, 0, 'd' },
		{ "keep", no_argument, 0, 'k' },
		{ "no-subreaper", no_argument, 0, 'S' },
		{ 0 }
	};
	struct oci_create cr = { .root = root_dir, .bundle = "." };
	int c, detach = 0, st;
	pid_t pid;

	while ((c = next_opt(argc, argv, "+b:d", o)) != -1) {
		switch (c) {
		case 'b': cr.bundle = optarg; break;
		case 'p': cr.pid_file = optarg; break;
		case 'c': cr.console_socket = optarg; break;
		case 'P': cr.no_pivot = 1; break;
		case 'f': cr.preserve_fds = atoi(optarg); break;
		case 'd': detach = 1; break;
		default: break; /* no-new-keyring: no keyring is made anyway */
		}
	}
	if (cr.preserve_fds < 0 || cr.preserve_fds > 1000)
		oci_failx("--preserve-fds %d: out of range", cr.preserve_fds);
	cr.id = one_id(argc, argv);
	cr.systemd_cgroup = systemd_cgroup;
	guard_fds(cr.preserve_fds);
	if ((pid = oci_create(&cr)) < 0)
		oci_fail(EXIT_FAIL);
	if (!run)
		return 0;
	if (oci_start(root_dir, cr.id))
		oci_fail(EXIT_FAIL);
	if (detach)
		return 0;
	/* foreground: we are the init's parent; its status is ours */
	signal(SIGINT, SIG_IGN);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			oci_fail(EXIT_FAIL);
	if (oci_delete(root_dir, cr.id, 1))
		oci_fail(EXIT_FAIL);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- state, list, ps ------------------------------------------------------ */

static void print_state(const char *id, struct json_w *w, int with_lock)
{
	struct oci_state st;
	struct oci_spec s;
	int lock = with_lock ? oci_lock(root_dir, id) : -1, spec;

	if (with_lock && lock < 0)
		oci_fail(EXIT_FAIL);
	if (oci_state_load(root_dir, id, &st))
		oci_fail(EXIT_FAIL);
	spec = oci_saved_spec(root_dir, id, &s) == 0;
	oci_state_json(w, &st, spec ? &s : NULL);
	if (spec)
		oci_spec_free(&s);
	if (lock >= 0)
		container_unlock(lock);
}

static int cmd_state(int argc, char **argv)
{
	struct json_w w;

	optind = 1;
	(void)next_opt(argc, argv, "+", (const struct option[]){ { 0 } });
	jw_init(&w, 1);
	print_state(one_id(argc, argv), &w, 1);
	if (jw_finish(&w))
		oci_fail(EXIT_FAIL);
	fputs(w.buf, stdout);
	jw_free(&w);
	return 0;
}

static int want_json(int argc, char **argv)
{
	static const struct option o[] = {
		{ "format", required_argument, 0, 'f' }, { "quiet", no_argument, 0, 'q' }, { 0 }
	};
	int c, json = 0;

	while ((c = next_opt(argc, argv, "+f:q", o)) != -1)
		if (c == 'f')
			json = !strcmp(optarg, "json");
	return json;
}

static int cmd_list(int argc, char **argv)
{
	int json = want_json(argc, argv), n = 0;
	struct json_w w;
	struct dirent *de;
	DIR *d = opendir(root_dir);

	jw_init(&w, 0);
	jw_arr(&w);
	if (!json)
		printf("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	while (d && (de = readdir(d))) {
		struct oci_state st;
		char t[40];

		if (!oci_id_valid(de->d_name) || oci_state_load(root_dir, de->d_name, &st))
			continue;
		n++;
		if (json) {
			oci_state_json(&w, &st, NULL);
			continue;
		}
		container_time(st.created, t, sizeof(t));
		printf("%-20s %-8d %-10s %-40s %s\n", st.id, st.status == OCI_STOPPED ? 0 : st.pid,
		       oci_status_name(st.status), st.bundle, t);
	}
	if (d)
		closedir(d);
	jw_end(&w);
	if (json) {
		if (!n) {
			jw_free(&w);
			puts("null");
			return 0;
		}
		if (jw_finish(&w))
			oci_fail(EXIT_FAIL);
		fputs(w.buf, stdout);
	}
	jw_free(&w);
	return 0;
}

static int cmd_ps(int argc, char **argv)
{
	int json = want_json(argc, argv), n;
	const char *id = one_id(argc, argv);
	pid_t pids[4096];

	if ((n = oci_pids(root_dir, id, pids, 4096)) < 0)
		oci_fail(EXIT_FAIL);
	if (n > 4096)
		n = 4096;
	if (json) {
		printf("[");
		for (int i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
	} else {
		printf("PID\n");
		for (int i = 0; i < n; i++)
			printf("%d\n", (int)pids[i]);
	}
	return 0;
}

/* ---- kill, delete, pause, update ----------------------------------------- */

static int cmd_kill(int argc, char **argv)
{
	static const struct option o[] = { { "all", no_argument, 0, 'a' }, { 0 } };
	int c, all = 0, sig = SIGTERM;
	const char *id;

	while ((c = next_opt(argc, argv, "+a", o)) != -1)
		all = 1;
	id = one_id(argc, argv);
	if (optind + 1 < argc && (sig = sig_from_name(argv[optind + 1])) <= 0)
		oci_failx("unknown signal %s", argv[optind + 1]);
	if (oci_kill(root_dir, id, sig, all))
		oci_fail(EXIT_FAIL);
	return 0;
}

static int cmd_delete(int argc, char **argv)
{
	static const struct option o[] = { { "force", no_argument, 0, 'f' }, { 0 } };
	int c, force = 0;

	while ((c = next_opt(argc, argv, "+f", o)) != -1)
		force = 1;
	if (oci_delete(root_dir, one_id(argc, argv), force))
		oci_fail(EXIT_FAIL);
	return 0;
}

static int cmd_pause(int argc, char **argv, int on)
{
	optind = 1;
	(void)next_opt(argc, argv, "+", (const struct option[]){ { 0 } });
	if (oci_pause(root_dir, one_id(argc, argv), on))
		oci_fail(EXIT_FAIL);
	return 0;
}

static int cmd_update(int argc, char **argv)
{
	static const struct option o[] = { { "resources", required_argument, 0, 'r' }, { 0 } };
	const char *res = NULL, *id;
	struct oci_state st;
	struct oci_spec s;
	struct cgroup cg;
	char *text, *doc;
	size_t n;
	int c, lock, rc;

	while ((c = next_opt(argc, argv, "+r:", o)) != -1)
		res = optarg;
	id = one_id(argc, argv);
	if (!res)
		oci_failx("update: only --resources is supported");
	if (read_file(strcmp(res, "-") ? res : "/dev/stdin", 1 << 20, &text, &n))
		oci_fail(EXIT_FAIL);
	/* a minimal spec around the resources, so that one reader checks them */
	if (!(doc = malloc(n + 128)))
		oci_failx("out of memory");
	n = (size_t)snprintf(doc, n + 128, "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"x\"],"
			     "\"cwd\":\"/\"},\"root\":{\"path\":\"x\"},\"linux\":{\"resources\":%.*s}}",
			     (int)n, text);
	free(text);
	if (oci_spec_parse(&s, doc, n))
		oci_fail(EXIT_FAIL);
	free(doc);
	if ((lock = oci_lock(root_dir, id)) < 0 || oci_state_load(root_dir, id, &st))
		oci_fail(EXIT_FAIL);
	if (st.status == OCI_STOPPED)
		oci_failx("container %s is stopped", id);
	rc = cgroup_open(&cg, st.cgroup) || oci_set_limits(&s, &cg);
	container_unlock(lock);
	oci_spec_free(&s);
	if (rc)
		oci_fail(EXIT_FAIL);
	return 0;
}

/* ---- exec ----------------------------------------------------------------- */

static int cmd_exec(int argc, char **argv)
{
	static const struct option o[] = {
		{ "process", required_argument, 0, 'p' },
		{ "detach", no_argument, 0, 'd' },
		{ "pid-file", required_argument, 0, 'P' },
		{ "console-socket", required_argument, 0, 'c' },
		{ "tty", no_argument, 0, 't' },
		{ "cwd", required_argument, 0, 'w' },
		{ "env", required_argument, 0, 'e' },
		{ "user", required_argument, 0, 'u' },
		{ "additional-gids", required_argument, 0, 'g' },
		{ "cap", required_argument, 0, 'C' },
		{ "no-new-privs", no_argument, 0, 'N' },
		{ "preserve-fds", required_argument, 0, 'f' },
		{ "process-label", required_argument, 0, 'L' },
		{ "apparmor", required_argument, 0, 'A' },
		{ "ignore-paused", no_argument, 0, 'I' },
		{ 0 }
	};
	struct oci_exec e = { .root = root_dir };
	struct oci_process proc;
	struct oci_spec s;
	struct json_doc pd = { 0 };
	const char *process = NULL, *cwd = NULL, *user = NULL;
	char *env[256], *text;
	uint64_t caps = 0;
	int c, nenv = 0, tty = -1, nnp = 0, code, rc;
	size_t n;

	while ((c = next_opt(argc, argv, "+p:dP:c:tw:e:u:g:C:Nf:L:A:", o)) != -1) {
		switch (c) {
		case 'p': process = optarg; break;
		case 'd': e.detach = 1; break;
		case 'P': e.pid_file = optarg; break;
		case 'c': e.console_socket = optarg; break;
		case 't': tty = 1; break;
		case 'w': cwd = optarg; break;
		case 'e':
			if (nenv == 255)
				oci_failx("exec: too many -e");
			env[nenv++] = optarg;
			break;
		case 'u': user = optarg; break;
		case 'C':
			if ((rc = oci_cap(optarg)) < 0 || rc >= 64)
				oci_fail(EXIT_FAIL);
			caps |= 1ull << rc;
			break;
		case 'N': nnp = 1; break;
		case 'f': e.preserve_fds = atoi(optarg); break;
		case 'L': case 'A':
			oci_failx("exec: %s is not supported by boxcar", c == 'L' ? "--process-label"
				  : "--apparmor");
		default: break;
		}
	}
	e.id = one_id(argc, argv);
	if (e.preserve_fds < 0 || e.preserve_fds > 1000)
		oci_failx("--preserve-fds %d: out of range", e.preserve_fds);
	guard_fds(e.preserve_fds);
	/* until the exec: no ptrace, no /proc/PID/{mem,fd,environ} for root
	 * in the container, whose pid namespace our child enters */
	if (guard_undumpable())
		oci_fail(EXIT_FAIL);
	if (process) {
		if (read_file(process, JSON_MAX_INPUT, &text, &n)
		    || oci_process_parse_text(&pd, text, n, &proc))
			oci_fail(EXIT_FAIL);
		free(text);
	} else {
		/* runc: the container's process, with the command and the
		 * options given here */
		if (optind + 1 >= argc)
			oci_failx("exec: no command (--process or arguments)");
		if (oci_saved_spec(root_dir, e.id, &s))
			oci_fail(EXIT_FAIL);
		proc = s.proc;
		memset(&s.proc, 0, sizeof(s.proc));
		free(proc.args);
		proc.args = argv + optind + 1;
		proc.terminal = 0;
		if (nenv) {
			int k = 0;
			char **all;

			while (proc.env && proc.env[k])
				k++;
			if (!(all = calloc((size_t)(k + nenv + 1), sizeof(char *))))
				oci_failx("out of memory");
			memcpy(all, proc.env, (size_t)k * sizeof(char *));
			memcpy(all + k, env, (size_t)nenv * sizeof(char *));
			free(proc.env);
			proc.env = all;
		}
	}
	if (tty >= 0)
		proc.terminal = tty;
	if (cwd)
		proc.cwd = cwd;
	if (user) {
		char *end;
		unsigned long u = strtoul(user, &end, 10);

		if (end == user || (*end && *end != ':'))
			oci_failx("exec: --user %s: UID[:GID] as numbers", user);
		proc.uid = (uid_t)u;
		if (*end) {
			char *gend;

			proc.gid = (gid_t)strtoul(end + 1, &gend, 10);
			if (gend == end + 1 || *gend)
				oci_failx("exec: --user %s: UID[:GID] as numbers", user);
		}
	}
	if (caps) {
		proc.has_caps = 1;
		proc.caps_bounding |= caps;
		proc.caps_effective |= caps;
		proc.caps_permitted |= caps;
		proc.caps_inheritable |= caps;
		proc.caps_ambient |= caps;
	}
	if (nnp)
		proc.no_new_privs = 1;
	e.proc = &proc;
	if ((rc = oci_exec(&e, &code)) < 0)
		oci_fail(code == EXIT_RUNTIME ? 255 : code);
	return rc;
}

/* ---- features, spec, version ---------------------------------------------- */

static int cmd_features(void)
{
	static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "uts" };
	static const char *const opts[] = {
		"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec",
		"lazytime", "mand", "noatime", "nodev", "nodiratime", "noexec", "nolazytime",
		"nomand", "norelatime", "nostrictatime", "nosuid", "private", "rbind", "relatime",
		"remount", "ro", "rprivate", "rro", "rrw", "rshared", "rslave", "runbindable", "rw",
		"shared", "slave", "strictatime", "suid", "sync", "unbindable",
	};
	static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
					     "startContainer", "poststart", "poststop" };
	static const char *const actions[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
		"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRACE",
		"SCMP_ACT_TRAP" };
	static const char *const ops[] = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
		"SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE" };
	struct json_w w;

	jw_init(&w, 1);
	jw_obj(&w);
	jw_kstr(&w, "ociVersionMin", "1.0.0");
	jw_kstr(&w, "ociVersionMax", OCI_VERSION);
	jw_key(&w, "hooks");
	jw_arr(&w);
	for (unsigned i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		jw_str(&w, hooks[i]);
	jw_end(&w);
	jw_key(&w, "mountOptions");
	jw_arr(&w);
	for (unsigned i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		jw_str(&w, opts[i]);
	jw_end(&w);
	jw_key(&w, "linux");
	jw_obj(&w);
	jw_key(&w, "namespaces");
	jw_arr(&w);
	for (unsigned i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		jw_str(&w, ns[i]);
	jw_end(&w);
	jw_key(&w, "cgroup");
	jw_obj(&w);
	jw_key(&w, "v1");
	jw_bool(&w, 1);
	jw_key(&w, "v2");
	jw_bool(&w, 1);
	jw_key(&w, "systemd");
	jw_bool(&w, 0);
	jw_end(&w);
	jw_key(&w, "seccomp");
	jw_obj(&w);
	jw_key(&w, "enabled");
	jw_bool(&w, ENABLED(FEATURE_SECCOMP));
	jw_key(&w, "actions");
	jw_arr(&w);
	for (unsigned i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		jw_str(&w, actions[i]);
	jw_end(&w);
	jw_key(&w, "operators");
	jw_arr(&w);
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		jw_str(&w, ops[i]);
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
	if (jw_finish(&w))
		oci_fail(EXIT_FAIL);
	fputs(w.buf, stdout);
	jw_free(&w);
	return 0;
}

/* runc spec's default, trimmed: sh on a terminal, Docker's capabilities,
 * the usual mounts, masked and read-only paths. */
static const char default_spec[] =
"{\n"
"\t\"ociVersion\": \"" OCI_VERSION "\",\n"
"\t\"process\": {\n"
"\t\t\"terminal\": true,\n"
"\t\t\"user\": { \"uid\": 0, \"gid\": 0 },\n"
"\t\t\"args\": [ \"sh\" ],\n"
"\t\t\"env\": [ \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", \"TERM=xterm\" ],\n"
"\t\t\"cwd\": \"/\",\n"
"\t\t\"capabilities\": {\n"
"\t\t\t\"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
"\t\t\t\"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
"\t\t\t\"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n"
"\t\t},\n"
"\t\t\"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n"
"\t\t\"noNewPrivileges\": true\n"
"\t},\n"
"\t\"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
"\t\"hostname\": \"boxcar\",\n"
"\t\"mounts\": [\n"
"\t\t{ \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
"\t\t{ \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
"\t\t{ \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\", \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\" ] },\n"
"\t\t{ \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\", \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },\n"
"\t\t{ \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\", \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
"\t\t{ \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\", \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] },\n"
"\t\t{ \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\", \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\" ] }\n"
"\t],\n"
"\t\"linux\": {\n"
"\t\t\"resources\": { \"devices\": [ { \"allow\": false, \"access\": \"rwm\" } ] },\n"
"\t\t\"namespaces\": [ { \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" }, { \"type\": \"uts\" }, { \"type\": \"mount\" }, { \"type\": \"cgroup\" } ],\n"
"\t\t\"maskedPaths\": [ \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\" ],\n"
"\t\t\"readonlyPaths\": [ \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\" ]\n"
"\t}\n"
"}\n";

static int cmd_spec(int argc, char **argv)
{
	static const struct option o[] = {
		{ "bundle", required_argument, 0, 'b' }, { "rootless", no_argument, 0, 'r' }, { 0 }
	};
	const char *bundle = ".";
	char path[PATH_MAX];
	int c, fd;

	while ((c = next_opt(argc, argv, "+b:", o)) != -1) {
		if (c == 'r')
			oci_failx("spec: --rootless is not supported");
		bundle = optarg;
	}
	if (path_join(path, bundle, "config.json"))
		oci_fail(EXIT_FAIL);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		err_set("File %s exists. Remove it first", path);
		oci_fail(EXIT_FAIL);
	}
	if (write(fd, default_spec, sizeof(default_spec) - 1) != (ssize_t)sizeof(default_spec) - 1) {
		err_set("%s", path);
		oci_fail(EXIT_FAIL);
	}
	close(fd);
	return 0;
}

/* ---- main ------------------------------------------------------------------ */

int oci_main(int argc, char **argv)
{
	static const struct option o[] = {
		{ "root", required_argument, 0, 'r' },
		{ "log", required_argument, 0, 'l' },
		{ "log-format", required_argument, 0, 'F' },
		{ "debug", no_argument, 0, 'D' },
		{ "systemd-cgroup", no_argument, 0, 's' },
		{ "rootless", required_argument, 0, 'R' },
		{ "criu", required_argument, 0, 'c' },
		{ "version", no_argument, 0, 'v' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	const char *cmd;
	int c;

	/* the global options as every applet's (a wrong one: one line and
	 * the hint); runc's callers spell them with two dashes */
	while ((c = applet_getopt(argc, argv, "+vh", o)) != -1) {
		switch (c) {
		case 'r': root_dir = optarg; break;
		case 'l': log_file = optarg; break;
		case 'F': log_json = !strcmp(optarg, "json"); break;
		case 's': systemd_cgroup = 1; break;
		case 'v':
			printf("boxcar-oci version %s\nspec: %s\n", BOXCAR_VERSION, OCI_VERSION);
			return 0;
		case 'h': usage_exit(0);
		default: break; /* --debug, --rootless, --criu: accepted */
		}
	}
	if (optind >= argc)
		usage_exit(EXIT_FAIL);
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 1;
	if (!strcmp(cmd, "create") || !strcmp(cmd, "run"))
		return cmd_create(argc, argv, cmd[0] == 'r');
	if (!strcmp(cmd, "start") || !strcmp(cmd, "state")) {
		if (cmd[3] == 't')
			return cmd_state(argc, argv);
		optind = 1;
		(void)next_opt(argc, argv, "+", (const struct option[]){ { 0 } });
		if (oci_start(root_dir, one_id(argc, argv)))
			oci_fail(EXIT_FAIL);
		return 0;
	}
	if (!strcmp(cmd, "kill"))
		return cmd_kill(argc, argv);
	if (!strcmp(cmd, "delete"))
		return cmd_delete(argc, argv);
	if (!strcmp(cmd, "exec"))
		return cmd_exec(argc, argv);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc, argv);
	if (!strcmp(cmd, "ps"))
		return cmd_ps(argc, argv);
	if (!strcmp(cmd, "pause") || !strcmp(cmd, "resume"))
		return cmd_pause(argc, argv, cmd[0] == 'p');
	if (!strcmp(cmd, "update"))
		return cmd_update(argc, argv);
	if (!strcmp(cmd, "features"))
		return cmd_features();
	if (!strcmp(cmd, "spec"))
		return cmd_spec(argc, argv);
	applet_help_anywhere(argc, argv);
	oci_failx("unknown command %s", cmd);
}
