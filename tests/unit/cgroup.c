/* Unit tests for core/cgroup*.c, against the real kernel (root only).
 *
 * The same suite runs three times:
 *   host  the hierarchies as mounted here (hybrid on the dev host; in
 *         the QEMU guests hybrid or pure v2 per boxcar.cgroup=),
 *   v2    in a private mount namespace with a fresh cgroup2 on
 *         /sys/fs/cgroup (where every controller is bound to v1, as on
 *         the host, it has none: limits must then fail cleanly),
 *   bare  in a private mount namespace with an empty tmpfs on
 *         /sys/fs/cgroup: cgroup_create() must mount what it needs.
 * Cgroups are named boxcar-unittest-PID/... so the runner's leak check
 * sees any left behind; every child has an alarm and is reaped.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "err.h"
#include "unit.h"

#define MIB (1024 * 1024)
#define LIMITED (CG_CPU | CG_MEMORY | CG_PIDS)

static const char *suite;
static char label[160];

static const char *L(const char *what)
{
	snprintf(label, sizeof(label), "%s: %s", suite, what);
	return label;
}

static void skip(const char *what, const char *why)
{
	printf("SKIPPED: %s: %s (%s)\n", suite, what, why);
}

static int gone(const char *path)
{
	struct stat sb;

	return stat(path, &sb) < 0 && errno == ENOENT;
}

/* The first line of dir/file, or "" */
static const char *readf(const char *dir, const char *file)
{
	static char buf[256];

	if (!dir || cgroup_file_read(dir, file, buf, sizeof(buf)))
		return "";
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

static int has_pid(const char *dir, pid_t pid)
{
	char buf[4096], want[24];
	size_t n;

	if (cgroup_file_read(dir, "cgroup.procs", buf, sizeof(buf)))
		return 0;
	n = (size_t)snprintf(want, sizeof(want), "%d\n", (int)pid);
	for (char *p = buf; (p = strstr(p, want)); p++)
		if (p == buf || p[-1] == '\n')
			return n > 0;
	return 0;
}

/* A child that waits for the go-ahead on a pipe (after it is attached),
 * then runs fn(out) where out is a pipe back to us. */
struct child {
	pid_t pid;
	int go, out;
};

static int spawn(struct child *c, void (*fn)(int out))
{
	int go[2], out[2];

	if (pipe(go) || pipe(out))
		return -1;
	fflush(stdout);
	if ((c->pid = fork()) < 0)
		return -1;
	if (c->pid == 0) {
		char b;

		alarm(30);
		close(go[1]);
		close(out[0]);
		if (read(go[0], &b, 1) != 1)
			_exit(99);
		fn(out[1]);
		_exit(0);
	}
	close(go[0]);
	close(out[1]);
	c->go = go[1];
	c->out = out[0];
	return 0;
}

static void start(struct child *c)
{
	if (write(c->go, "g", 1) != 1)
		perror("write");
	close(c->go);
}

/* Waits (the child's alarm bounds it); the wait status, or -1. */
static int reap(struct child *c)
{
	int st;

	close(c->out);
	return waitpid(c->pid, &st, 0) == c->pid ? st : -1;
}

/* Three grandchildren, then say so and wait to be killed. */
static void family(int out)
{
	for (int i = 0; i < 3; i++)
		if (fork() == 0) {
			alarm(30);
			for (;;)
				pause();
		}
	if (write(out, "r", 1) != 1)
		_exit(98);
	for (;;)
		pause();
}

/* Touch memory 1 MiB at a time up to 128 MiB: the 32 MiB limit must
 * stop it long before. */
static void hog(int out)
{
	(void)out;
	for (int i = 0; i < 128; i++) {
		char *p = malloc(MIB);

		if (!p)
			_exit(3);
		memset(p, i + 1, MIB);
	}
	_exit(0);
}

/* Fork until fork fails; report how many worked and the errno. */
static void forker(int out)
{
	int res[2] = { 0, 0 };

	for (int i = 0; i < 64; i++) {
		pid_t p = fork();

		if (p == 0) {
			alarm(30);
			for (;;)
				pause();
		}
		if (p < 0) {
			res[1] = errno;
			break;
		}
		res[0]++;
	}
	if (write(out, res, sizeof(res)) != sizeof(res))
		_exit(98);
	for (;;)
		pause();
}

static int procs_count(const struct cgroup *cg)
{
	pid_t pids[64];

	return cgroup_procs(cg, pids, 64);
}

static void test_limits(const struct cgroup *cg)
{
	struct cgroup_limits l = { .memory = 32 * MIB, .memory_swap = 32 * MIB,
				   .cpu_millis = 1500, .cpu_shares = 512, .pids_limit = 16 };
	const char *mem = cgroup_path(cg, CG_MEMORY), *cpu = cgroup_path(cg, CG_CPU);
	const char *pids = cgroup_path(cg, CG_PIDS), *v2 = cgroup_path(cg, CG_UNIFIED);
	int ok;

	if (!mem || !cpu || !pids) {
		struct cgroup_limits m = { .memory = 32 * MIB };

		CHECK(L("a limit without its controller fails with EOPNOTSUPP"),
		      cgroup_set_limits(cg, &m) == -1 && errno == EOPNOTSUPP);
		skip("limits read back", "memory, cpu or pids controller missing");
		return;
	}
	ok = cgroup_set_limits(cg, &l) == 0;
	if (!ok)
		printf("  %s: %s\n", err_msg(), strerror(err_errno()));
	CHECK(L("set limits"), ok);
	if (mem == v2) {
		CHECK_STR(L("memory.max"), readf(mem, "memory.max"), "33554432");
		CHECK(L("memory.swap.max is 0 (or absent)"),
		      !strcmp(readf(mem, "memory.swap.max"), "0") ||
		      !*readf(mem, "memory.swap.max"));
	} else {
		CHECK_STR(L("memory.limit_in_bytes"), readf(mem, "memory.limit_in_bytes"),
			  "33554432");
		CHECK(L("memory.memsw.limit_in_bytes equal (or absent)"),
		      !strcmp(readf(mem, "memory.memsw.limit_in_bytes"), "33554432") ||
		      !*readf(mem, "memory.memsw.limit_in_bytes"));
	}
	if (cpu == v2) {
		CHECK_STR(L("cpu.max"), readf(cpu, "cpu.max"), "150000 100000");
		CHECK_STR(L("cpu.weight from shares 512"), readf(cpu, "cpu.weight"), "20");
	} else {
		CHECK_STR(L("cpu.cfs_quota_us"), readf(cpu, "cpu.cfs_quota_us"), "150000");
		CHECK_STR(L("cpu.cfs_period_us"), readf(cpu, "cpu.cfs_period_us"), "100000");
		CHECK_STR(L("cpu.shares"), readf(cpu, "cpu.shares"), "512");
	}
	CHECK_STR(L("pids.max"), readf(pids, "pids.max"), "16");

	/* Raising memory+swap above the current memory limit, then
	 * lowering again: each needs the other write order on v1. */
	l.memory = 64 * MIB;
	l.memory_swap = 128 * MIB;
	CHECK(L("raise memory and swap"), cgroup_set_limits(cg, &l) == 0);
	CHECK_STR(L("raised memory"), readf(mem, mem == v2 ? "memory.max" : "memory.limit_in_bytes"),
		  "67108864");
	l.memory = l.memory_swap = 32 * MIB;
	CHECK(L("lower memory and swap"), cgroup_set_limits(cg, &l) == 0);
	CHECK_STR(L("lowered memory"), readf(mem, mem == v2 ? "memory.max" : "memory.limit_in_bytes"),
		  "33554432");

	l = (struct cgroup_limits){ .cpu_millis = 5 };
	CHECK(L("cpu below 0.01 is EINVAL"), cgroup_set_limits(cg, &l) == -1 && errno == EINVAL);
	l = (struct cgroup_limits){ .memory = MIB, .memory_swap = MIB / 2 };
	CHECK(L("swap total below memory is EINVAL"),
	      cgroup_set_limits(cg, &l) == -1 && errno == EINVAL);
}

static void test_procs_and_signals(const struct cgroup *cg)
{
	struct child c;
	char b;
	int all = 1, st;

	if (spawn(&c, family)) {
		CHECK(L("fork"), 0);
		return;
	}
	CHECK(L("attach"), cgroup_attach(cg, c.pid) == 0);
	for (int i = 0; i < cg->ndirs; i++)
		all &= has_pid(cg->dir[i].path, c.pid);
	CHECK(L("listed in cgroup.procs of every hierarchy"), all);
	start(&c);
	CHECK(L("family ready"), read(c.out, &b, 1) == 1);
	CHECK(L("cgroup_procs counts the child and 3 grandchildren"), procs_count(cg) == 4);
	CHECK(L("cgroup_kill SIGTERM"), cgroup_kill(cg, SIGTERM) == 0);
	st = reap(&c);
	CHECK(L("child died of SIGTERM"), st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	for (int i = 0; i < 100 && procs_count(cg) > 0; i++)
		usleep(20000);
	CHECK(L("SIGTERM reached the grandchildren too"), procs_count(cg) == 0);

	if (spawn(&c, family))
		return;
	cgroup_attach(cg, c.pid);
	start(&c);
	CHECK(L("second family ready"), read(c.out, &b, 1) == 1);
	CHECK(L("cgroup_kill SIGKILL waits until empty"),
	      cgroup_kill(cg, SIGKILL) == 0 && procs_count(cg) == 0);
	st = reap(&c);
	CHECK(L("child died of SIGKILL"), st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* The fast way in: the process moves itself, v1 through "tasks". */
static void test_attach_self(const struct cgroup *cg)
{
	int p[2], all = 1, st;
	pid_t pid;
	char b = 0;

	if (pipe(p) < 0)
		return;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		int fds[CGROUP_DIRS_MAX], n = cgroup_open_join(cg, 0, fds);

		close(p[0]);
		b = n >= 0 && cgroup_join(fds, n) == 0 ? 'y' : 'n';
		if (write(p[1], &b, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	CHECK(L("a process joins by itself (cgroup_join)"), pid > 0 && read(p[0], &b, 1) == 1 && b == 'y');
	close(p[0]);
	for (int i = 0; i < cg->ndirs; i++)
		all &= pid > 0 && has_pid(cg->dir[i].path, pid);
	CHECK(L("...in cgroup.procs of every hierarchy"), all);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
}

static void test_oom(const struct cgroup *cg)
{
	struct child c;
	int st;

	if (!cgroup_path(cg, CG_MEMORY)) {
		skip("OOM kill at 32 MiB", "no memory controller");
		return;
	}
	CHECK(L("no OOM kill yet"), cgroup_oom_killed(cg) == 0);
	if (spawn(&c, hog))
		return;
	cgroup_attach(cg, c.pid);
	start(&c);
	st = reap(&c);
	CHECK(L("a child touching 128 MiB under 32 MiB is SIGKILLed"),
	      st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CHECK(L("cgroup_oom_killed says so"), cgroup_oom_killed(cg) >= 1);
}

static void test_pids(const struct cgroup *cg)
{
	struct child c;
	int res[2] = { -1, -1 }, st;

	if (!cgroup_path(cg, CG_PIDS)) {
		skip("fork stops at pids.max", "no pids controller");
		return;
	}
	/* pids stay charged until reaped: reap the killed grandchildren
	 * that came back to us first. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (spawn(&c, forker))
		return;
	cgroup_attach(cg, c.pid);
	start(&c);
	CHECK(L("forker reported"), read(c.out, res, sizeof(res)) == sizeof(res));
	CHECK(L("fork stops at pids.max 16 (15 children)"), res[0] == 15);
	if (res[0] != 15)
		printf("  forked %d\n", res[0]);
	CHECK(L("with EAGAIN"), res[1] == EAGAIN);
	CHECK(L("cgroup_kill SIGKILL the forker and its 15"), cgroup_kill(cg, SIGKILL) == 0);
	st = reap(&c);
	CHECK(L("forker SIGKILLed"), st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* Open /dev/null read-write, /dev/kmsg write-only and read-only: the
 * errno of each (0 for opened). kmsg needs no capability write-only. */
static void opener(int out)
{
	static const struct { const char *path; int flags; } t[] = {
		{ "/dev/null", O_RDWR }, { "/dev/kmsg", O_WRONLY }, { "/dev/kmsg", O_RDONLY },
	};
	int res[3];

	for (int i = 0; i < 3; i++) {
		int fd = open(t[i].path, t[i].flags | O_CLOEXEC);

		res[i] = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
	}
	if (write(out, res, sizeof(res)) != sizeof(res))
		_exit(98);
}

static void test_devices(const struct cgroup *cg)
{
	static const struct cgroup_device kmsg = { 'c', 1, 11, "w", 0 };
	struct child c;
	int res[3] = { -1, -1, -1 };

	if (access("/dev/kmsg", F_OK)) {
		skip("devices policy", "no /dev/kmsg");
		return;
	}
	if (cgroup_set_devices(cg, &kmsg, 1)) {
		if (err_errno() == EOPNOTSUPP) {
			skip("devices policy", err_msg());
			return;
		}
		printf("  %s: %s\n", err_msg(), strerror(err_errno()));
	}
	if (spawn(&c, opener))
		return;
	cgroup_attach(cg, c.pid);
	start(&c);
	CHECK(L("devices policy: the child reported"), read(c.out, res, sizeof(res)) == sizeof(res));
	CHECK(L("devices policy: null opens rw"), res[0] == 0);
	CHECK(L("devices policy: c 1:11 w opens write-only"), res[1] == 0);
	CHECK(L("devices policy: not read-only (EPERM)"), res[2] == EPERM);
	reap(&c);
}

/* /dev/kmsg (c 1:11) opened write-only, read-only, read-write: 0 or errno */
static void kmsg_opener(int out)
{
	static const int flags[3] = { O_WRONLY, O_RDONLY, O_RDWR };
	int res[3];

	for (int i = 0; i < 3; i++) {
		int fd = open("/dev/kmsg", flags[i] | O_CLOEXEC);

		res[i] = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
	}
	if (write(out, res, sizeof(res)) != sizeof(res))
		_exit(98);
}

/* Ordered allow and deny rules: what v1's kernel makes of them (the
 * last rule naming an access wins), on v2 from the eBPF program alike.
 * Each case in a cgroup of its own: v2 programs of a cgroup add up. */
static void test_device_rules(void)
{
	static const struct {
		const char *what;
		struct cgroup_device rules[3];
		int n;
		int want[3]; /* O_WRONLY, O_RDONLY, O_RDWR */
	} t[] = {
		{ "allow rwm, then deny r: no read", {
			{ 'c', 1, 11, "rwm", 0 }, { 'c', 1, 11, "r", 1 } }, 2,
		  { 0, EPERM, EPERM } },
		{ "deny all, allow rwm, then deny w: no write", {
			{ 'a', -1, -1, "rwm", 1 }, { 'c', 1, 11, "rwm", 0 },
			{ 'c', 1, 11, "w", 1 } }, 3, { EPERM, 0, EPERM } },
		{ "deny w, then allow rwm: all", {
			{ 'c', 1, 11, "w", 1 }, { 'c', 1, 11, "rwm", 0 } }, 2, { 0, 0, 0 } },
		{ "allow r, allow w: read-write too", {
			{ 'c', 1, 11, "r", 0 }, { 'c', 1, 11, "w", 0 } }, 2, { 0, 0, 0 } },
		{ "allow all, then deny w: read only", {
			{ 'a', -1, -1, "rwm", 0 }, { 'c', 1, 11, "w", 1 } }, 2,
		  { EPERM, 0, EPERM } },
		{ "allow all, deny all, then allow c 1:* w: write only", {
			{ 'a', -1, -1, "rwm", 0 }, { 'a', -1, -1, "rwm", 1 },
			{ 'c', 1, -1, "w", 0 } }, 3, { 0, EPERM, EPERM } },
	};
	static const struct cgroup_device hole[2] = {
		{ 'c', 1, -1, "rw", 0 }, { 'c', 1, 11, "w", 1 },
	}, wide[2] = {
		{ 'c', 1, 11, "rw", 0 }, { 'c', -1, -1, "w", 1 },
	};
	char name[CGROUP_NAME_MAX], what[128];
	struct cgroup cg;
	int rc;

	if (access("/dev/kmsg", F_OK)) {
		skip("device rules", "no /dev/kmsg");
		return;
	}
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int res[3] = { -1, -1, -1 };
		struct child c;

		snprintf(name, sizeof(name), "boxcar-unittest-%d/dev%u", (int)getpid(), i);
		snprintf(what, sizeof(what), "device rules: %s", t[i].what);
		if (cgroup_create(&cg, name, 0)) {
			CHECK(L(what), 0);
			continue;
		}
		rc = cgroup_set_devices(&cg, t[i].rules, t[i].n);
		if (rc && err_errno() == EOPNOTSUPP) {
			skip(what, err_msg());
			cgroup_destroy(&cg, 0);
			return;
		}
		if (rc)
			printf("  %s: %s\n", err_msg(), strerror(err_errno()));
		if (!rc && spawn(&c, kmsg_opener) == 0) {
			cgroup_attach(&cg, c.pid);
			start(&c);
			if (read(c.out, res, sizeof(res)) != sizeof(res))
				res[0] = -1;
			reap(&c);
		}
		if (memcmp(res, t[i].want, sizeof(res)))
			printf("  got w %d, r %d, rw %d\n", res[0], res[1], res[2]);
		CHECK(L(what), !memcmp(res, t[i].want, sizeof(res)));
		cgroup_destroy(&cg, 0);
	}
	snprintf(name, sizeof(name), "boxcar-unittest-%d/devhole", (int)getpid());
	if (cgroup_create(&cg, name, 0) == 0) {
		rc = cgroup_set_devices(&cg, hole, 2);
		CHECK(L("device rules: a deny inside a wildcard allow is EINVAL"),
		      rc == -1 && err_errno() == EINVAL);
		cgroup_destroy(&cg, 0);
	}
	/* v1 would leave c 1:11 writable: the deny names it, refused too */
	snprintf(name, sizeof(name), "boxcar-unittest-%d/devwide", (int)getpid());
	if (cgroup_create(&cg, name, 0) == 0) {
		rc = cgroup_set_devices(&cg, wide, 2);
		CHECK(L("device rules: a wildcard deny over a narrower allow is EINVAL"),
		      rc == -1 && err_errno() == EINVAL);
		cgroup_destroy(&cg, 0);
	}
}

static void suite_run(const char *name, enum cgroup_mode want, int want_ours)
{
	struct cgroup cg, cg2, other;
	struct cgroup_info info;
	char cname[CGROUP_NAME_MAX], parent[CGROUP_PATH_MAX];
	int all, ok;

	suite = name;
	snprintf(cname, sizeof(cname), "boxcar-unittest-%d/ctr", (int)getpid());
	ok = cgroup_create(&cg, cname, 0) == 0;
	if (!ok)
		printf("  %s: %s\n", err_msg(), strerror(err_errno()));
	CHECK(L("create"), ok);
	if (!ok)
		return;
	CHECK(L("detect"), cgroup_detect(&info) == 0 && info.mode != CGROUP_NONE &&
	      (info.ctrls & LIMITED) == (cg.ctrls & LIMITED) && info.mounted_by_us == want_ours);
	if (want != CGROUP_NONE)
		CHECK_STR(L("mode"), cgroup_mode_name(cg.mode), cgroup_mode_name(want));
	printf("# %s: mode %s, %d hierarchies, controllers 0x%x%s\n", suite,
	       cgroup_mode_name(cg.mode), cg.ndirs, cg.ctrls,
	       info.mounted_by_us ? ", mounted by boxcar" : "");
	all = cg.ndirs > 0;
	for (int i = 0; i < cg.ndirs; i++)
		all &= !gone(cg.dir[i].path);
	CHECK(L("a directory in every hierarchy"), all);
	CHECK(L("create again is EEXIST"), cgroup_create(&cg2, cname, 0) == -1 && errno == EEXIST);
	CHECK(L("open finds it"), cgroup_open(&cg2, cname) == 0 && cg2.ndirs == cg.ndirs &&
	      cg2.ctrls == cg.ctrls && !strcmp(cg2.dir[0].path, cg.dir[0].path));

	test_limits(&cg);
	test_procs_and_signals(&cg);
	test_attach_self(&cg);
	test_oom(&cg);
	test_pids(&cg);
	test_devices(&cg);
	test_device_rules();

	/* A parent not ours (a cgroupsPath's, another tool's): the leaf
	 * goes, the parent stays though empty. */
	snprintf(cname, sizeof(cname), "boxcar-unittest-%d/keep/leaf", (int)getpid());
	CHECK(L("create under a parent"), cgroup_create(&cg2, cname, 0) == 0);
	CHECK(L("destroy without parents"), cgroup_destroy(&cg2, 0) == 0);
	all = 1;
	for (int i = 0; i < cg2.ndirs; i++) {
		snprintf(parent, sizeof(parent), "%s", cg2.dir[i].path);
		*strrchr(parent, '/') = 0;
		all &= gone(cg2.dir[i].path) && !gone(parent);
	}
	CHECK(L("the leaf is gone, its empty parent stays in every hierarchy"), all);
	snprintf(cname, sizeof(cname), "boxcar-unittest-%d/keep", (int)getpid());
	if (cgroup_open(&cg2, cname) == 0)
		cgroup_destroy(&cg2, 0);

	/* A second container under the same parent keeps it alive. */
	snprintf(cname, sizeof(cname), "boxcar-unittest-%d/other", (int)getpid());
	CHECK(L("create a sibling"), cgroup_create(&other, cname, 0) == 0);
	CHECK(L("destroy"), cgroup_destroy(&cg, 1) == 0);
	all = 1;
	for (int i = 0; i < cg.ndirs; i++)
		all &= gone(cg.dir[i].path);
	CHECK(L("its directories are gone"), all);
	snprintf(parent, sizeof(parent), "%s", other.dir[0].path);
	*strrchr(parent, '/') = 0;
	CHECK(L("the parent stays while the sibling is there"), !gone(parent));
	CHECK(L("destroy the sibling"), cgroup_destroy(&other, 1) == 0);
	all = 1;
	for (int i = 0; i < other.ndirs; i++) {
		snprintf(parent, sizeof(parent), "%s", other.dir[i].path);
		*strrchr(parent, '/') = 0;
		all &= gone(other.dir[i].path) && gone(parent);
	}
	CHECK(L("then the parent is gone in every hierarchy"), all);
	CHECK(L("open after destroy is ENOENT"), cgroup_open(&cg2, "boxcar-unittest-x/none") == -1 &&
	      errno == ENOENT);
	CHECK(L("destroy again is fine"), cgroup_destroy(&cg, 1) == 0);
	CHECK(L("bad names are EINVAL"), cgroup_create(&cg2, "../x", 0) == -1 && errno == EINVAL &&
	      cgroup_create(&cg2, "a//b", 0) == -1 && cgroup_create(&cg2, "/a", 0) == -1);
}

/* Run a suite in a child in its own mount namespace, /sys/fs/cgroup
 * replaced by fstype (cgroup2 or an empty tmpfs). The mounts vanish with
 * the namespace when the child exits. Returns its failures. */
static int in_private_ns(const char *name, const char *fstype, enum cgroup_mode want)
{
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) < 0)
		return 1;
	if (pid == 0) {
		suite = name;
		prctl(PR_SET_CHILD_SUBREAPER, 1); /* not inherited */
		if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
			printf("FAIL: %s: private mount namespace: %s\n", name, strerror(errno));
			_exit(1);
		}
		umount2("/sys/fs/cgroup", MNT_DETACH); /* and the mounts below it */
		if (mount(fstype, "/sys/fs/cgroup", fstype, 0, NULL)) {
			if (errno == ENODEV) {
				skip("suite", "kernel without this file system");
				_exit(0);
			}
			printf("FAIL: %s: mount %s: %s\n", name, fstype, strerror(errno));
			_exit(1);
		}
		if (!strcmp(fstype, "tmpfs")) {
			struct cgroup_info info;

			CHECK(L("detect finds nothing mounted"),
			      cgroup_detect(&info) == 0 && info.mode == CGROUP_NONE);
		}
		suite_run(name, want, !strcmp(fstype, "tmpfs"));
		_exit(UNIT_DONE());
	}
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

int main(void)
{
	struct cgroup_info info;
	int failed = 0;

	if (geteuid() != 0) {
		printf("SKIPPED: cgroup: every case (needs root)\n");
		return 0;
	}
	/* Grandchildren whose parent was killed come back to us to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	CHECK("detect", cgroup_detect(&info) == 0);
	CHECK_STR("mode names", cgroup_mode_name(CGROUP_HYBRID), "hybrid");
	if (info.mode == CGROUP_NONE)
		skip("host", "no cgroups mounted here; the bare suite covers it");
	else
		suite_run("host", info.mode, info.mounted_by_us);
	failed += in_private_ns("v2", "cgroup2", CGROUP_V2);
	failed += in_private_ns("bare", "tmpfs", CGROUP_NONE);
	/* Killed grandchildren are reaped here; none may still be alive. */
	for (int i = 0; i < 100 && (waitpid(-1, NULL, WNOHANG) >= 0 || errno != ECHILD); i++)
		usleep(20000);
	CHECK("no child left", waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	if (failed)
		unit_failures++;
	return UNIT_DONE();
}
