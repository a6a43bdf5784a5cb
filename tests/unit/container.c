/* Unit tests for core/container.c: spec and state files round trip,
 * lookups by ID, prefix and name, name races, liveness from /proc. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "err.h"
#include "fsutil.h"
#include "store.h"
#include "unit.h"

static struct store st;

static void make_id(char *id, char c)
{
	memset(id, c, CONTAINER_ID_LEN);
	id[CONTAINER_ID_LEN] = 0;
}

/* A record as `run` makes one: the dir, then the name, then the spec. */
static int make(const char *id, const char *name, int64_t created)
{
	struct container_spec c = { 0 };
	char dir[PATH_MAX];
	char *argv[] = { "/bin/sh", "-c", "echo hi", NULL };

	strcpy(c.id, id);
	strcpy(c.name, name);
	c.argv = argv;
	c.created = created;
	if (container_dir(&st, id, dir) || mkdir_p(dir, 0700))
		return -1;
	if (*name && container_name_reserve(&st, name, id, 1))
		return -1;
	return container_spec_save(&st, &c);
}

static void spec_round_trip(void)
{
	char *layers[] = { "sha256:aa", "sha256:bb", NULL };
	char *argv[] = { "/entry", "a b", "\"q\"", NULL };
	char *env[] = { "PATH=/bin", "X=1=2", NULL };
	struct mount_spec m[] = {
		{ "/host", "/data", 1, 0, NULL, NULL, 0 },
		{ NULL, "/tmp", 0, 1, "size=8m,mode=755", NULL, 0 },
		{ "/r/volumes/vol/_data", "/v", 0, 0, NULL, "vol", 1 },
	};
	struct ulimit_spec u[] = { { RLIMIT_NOFILE, 1024, RLIM_INFINITY } };
	struct container_spec c = { 0 }, r;
	char id[CONTAINER_ID_LEN + 1], dir[PATH_MAX];

	make_id(id, '1');
	strcpy(c.id, id);
	strcpy(c.name, "web");
	c.image = "bb:1";
	strcpy(c.image_id, "sha256:0123");
	c.layers = layers;
	c.argv = argv;
	c.argv_entrypoint = 1;
	c.env = env;
	c.workdir = "/w";
	c.user = "1000:1000";
	c.hostname = "h";
	c.tty = c.interactive = c.read_only = 1;
	c.net = NET_NONE;
	c.mounts = m;
	c.nmounts = 3;
	c.ulimits = u;
	c.nulimits = 1;
	c.cap_add = 1ull << 40;
	c.memory = 64 << 20;
	c.memory_swap = -1;
	c.cpu_millis = 1500;
	c.pids_limit = 100;
	c.stop_signal = SIGINT;
	c.restart = RESTART_ON_FAILURE;
	c.restart_max = 3;
	c.created = 1700000000123456789LL;
	container_dir(&st, id, dir);
	mkdir_p(dir, 0700);
	CHECK("spec save", container_spec_save(&st, &c) == 0);
	CHECK("spec load", container_spec_load(&st, id, &r) == 0);
	CHECK_STR("spec: id", r.id, id);
	CHECK_STR("spec: name", r.name, "web");
	CHECK_STR("spec: image", r.image, "bb:1");
	CHECK_STR("spec: layers", r.layers && r.layers[1] && !r.layers[2] ? r.layers[1] : NULL,
		  "sha256:bb");
	CHECK_STR("spec: argv with spaces and quotes", r.argv ? r.argv[2] : NULL, "\"q\"");
	CHECK("spec: argv_entrypoint", r.argv_entrypoint == 1);
	CHECK_STR("spec: env", r.env ? r.env[1] : NULL, "X=1=2");
	CHECK_STR("spec: user", r.user, "1000:1000");
	CHECK("spec: flags", r.tty && r.interactive && r.read_only && !r.privileged && !r.detach);
	CHECK("spec: net", r.net == NET_NONE);
	CHECK("spec: mounts", r.nmounts == 3 && r.mounts[0].readonly && !r.mounts[1].source
	      && r.mounts[1].tmpfs && !strcmp(r.mounts[1].target, "/tmp"));
	CHECK("spec: mount options", !r.mounts[0].options && r.mounts[1].options
	      && !strcmp(r.mounts[1].options, "size=8m,mode=755"));
	CHECK("spec: a volume mount", !r.mounts[0].volume && !r.mounts[1].volume
	      && r.mounts[2].volume && !strcmp(r.mounts[2].volume, "vol") && r.mounts[2].nocopy
	      && !r.mounts[0].nocopy);
	CHECK("spec: ulimit infinity", r.nulimits == 1 && r.ulimits[0].hard == RLIM_INFINITY
	      && r.ulimits[0].soft == 1024);
	CHECK("spec: caps", r.cap_add == 1ull << 40 && r.cap_drop == 0);
	CHECK("spec: limits", r.memory == 64 << 20 && r.memory_swap == -1
	      && r.cpu_millis == 1500 && r.pids_limit == 100);
	CHECK("spec: restart", r.restart == RESTART_ON_FAILURE && r.restart_max == 3);
	CHECK("spec: stop signal, created", r.stop_signal == SIGINT
	      && r.created == 1700000000123456789LL);
	container_spec_free(&r);
}

static void state_round_trip(void)
{
	struct container_state s = { 0 }, r;
	char id[CONTAINER_ID_LEN + 1];

	make_id(id, '1');
	CHECK("no state.json reads as created",
	      container_state_load(&st, id, &r) == 0 && r.status == ST_CREATED);
	s.status = ST_EXITED;
	s.exit_code = 137;
	s.exit_signal = 9;
	s.oom_killed = 1;
	s.restart_count = 2;
	s.stopped_by_user = 1;
	s.started_at = 1;
	s.finished_at = 2;
	strcpy(s.error, "exec: no such file");
	CHECK("state save", container_state_save(&st, id, &s) == 0);
	CHECK("state load", container_state_load(&st, id, &r) == 0);
	CHECK("state: fields", r.status == ST_EXITED && r.exit_code == 137 && r.exit_signal == 9
	      && r.oom_killed && r.restart_count == 2 && r.stopped_by_user
	      && r.started_at == 1 && r.finished_at == 2);
	CHECK_STR("state: error", r.error, "exec: no such file");
}

/* The 4th letters of the IDs starting with 'a', in the order seen. */
static int each_a(const char *id, void *arg)
{
	char *order = arg;
	size_t n = strlen(order);

	if (id[0] == 'a' && n < 2)
		order[n] = id[3];
	return 0;
}

static void lookups(void)
{
	char a[CONTAINER_ID_LEN + 1], b[CONTAINER_ID_LEN + 1], out[CONTAINER_ID_LEN + 1];
	char order[3] = "";

	make_id(a, 'a');
	make_id(b, 'a');
	b[3] = 'b'; /* aaab... */
	CHECK("make a", make(a, "alpha", 200) == 0);
	CHECK("make b", make(b, "beta", 100) == 0);
	CHECK("resolve full ID", container_resolve(&st, a, out) == 0 && !strcmp(out, a));
	CHECK("resolve unique prefix", container_resolve(&st, "aaab", out) == 0 && !strcmp(out, b));
	CHECK("resolve ambiguous prefix fails", container_resolve(&st, "aa", out) < 0);
	CHECK("resolve by name", container_resolve(&st, "beta", out) == 0 && !strcmp(out, b));
	CHECK("resolve unknown", container_resolve(&st, "nope", out) < 0);
	CHECK_STR("unknown: message", err_msg(), "no such container: nope");
	CHECK("resolve one-char prefix", container_resolve(&st, "1", out) == 0 && out[0] == '1');

	container_each(&st, each_a, order);
	CHECK_STR("each: oldest first", order, "ba");
}

static void names(void)
{
	char id[CONTAINER_ID_LEN + 1], dir[PATH_MAX];
	int wins = 0, status;

	CHECK("name: valid", container_name_valid("my_web.1-x"));
	CHECK("name: no leading dot", !container_name_valid(".x"));
	CHECK("name: no slash", !container_name_valid("a/b"));
	CHECK("name: not empty", !container_name_valid(""));
	make_id(id, 'c');
	CHECK("name in use", make(id, "alpha", 300) < 0 && err_errno() == EEXIST);
	CHECK_STR("name in use: message", err_msg(),
		  "name \"alpha\" is already in use by container aaaaaaaaaaaa");

	/* Eight processes race for one name: exactly one gets it. */
	for (int k = 0; k < 8; k++) {
		if (fork() == 0) {
			char mine[CONTAINER_ID_LEN + 1], d[PATH_MAX];

			make_id(mine, 'd');
			mine[0] = "01234567"[k];
			container_dir(&st, mine, d);
			mkdir_p(d, 0700);
			_exit(container_name_reserve(&st, "racy", mine, 1) == 0 ? 0 : 1);
		}
	}
	while (wait(&status) > 0)
		wins += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	CHECK("name race: exactly one wins", wins == 1);

	/* A name whose container dir is gone (crash) is free again. */
	make_id(id, 'e');
	container_dir(&st, id, dir);
	mkdir_p(dir, 0700);
	CHECK("reserve stale-to-be", container_name_reserve(&st, "stale", id, 1) == 0);
	rmdir(dir);
	make_id(id, 'f');
	container_dir(&st, id, dir);
	mkdir_p(dir, 0700);
	CHECK("stale name taken over", container_name_reserve(&st, "stale", id, 1) == 0);
	CHECK("release", container_name_release(&st, "stale", id) == 0);
	CHECK("released name is free", container_name_reserve(&st, "stale", id, 1) == 0);
}

static pid_t spawn_sleeper(void)
{
	pid_t p = fork();

	if (p == 0) {
		pause();
		_exit(0);
	}
	return p;
}

/* A fake monitor of the container s describes, forked now: when told
 * (monitor_go), it waits delay_us and records the init's exit (137), as
 * run's monitor does. s gets its pid; *go is how to tell it. */
static pid_t fake_monitor(const char *id, struct container_state *s, useconds_t delay_us,
			  int *go)
{
	int p[2];
	pid_t mon;

	if (pipe(p))
		abort();
	mon = fork();
	if (mon == 0) {
		struct container_state e = *s;
		char c;

		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(2);
		usleep(delay_us);
		e.status = ST_EXITED;
		e.exit_code = 137;
		e.finished_at = container_now();
		_exit(container_state_save(&st, id, &e) ? 1 : 0);
	}
	close(p[0]);
	s->monitor_pid = mon;
	s->monitor_start = proc_start_time(mon);
	*go = p[1];
	return mon;
}

static void monitor_go(int go)
{
	if (write(go, "g", 1) != 1)
		abort();
	close(go);
}

static void liveness(void)
{
	struct container_state s = { 0 }, r;
	char id[CONTAINER_ID_LEN + 1];
	pid_t init, mon;
	int go;
	uint64_t t;

	CHECK("our own start time", proc_start_time(getpid()) > 0);
	CHECK("no such pid", proc_start_time(0x3ffffff) == 0);
	init = spawn_sleeper();
	t = proc_start_time(init);
	CHECK("alive", proc_alive(init, t));
	CHECK("another start time is another process", !proc_alive(init, t + 1));
	kill(init, SIGKILL);
	{
		siginfo_t si;	/* until it is a zombie, however loaded the machine */

		waitid(P_PID, init, &si, WEXITED | WNOWAIT);
	}
	CHECK("a zombie is not alive", !proc_alive(init, t));
	waitpid(init, NULL, 0);
	CHECK("reaped: not alive", !proc_alive(init, t));

	/* state.json says running; the init and monitor are real processes. */
	make_id(id, '1');
	init = spawn_sleeper();
	mon = spawn_sleeper();
	s.status = ST_RUNNING;
	s.pid = init;
	s.pid_start = proc_start_time(init);
	s.monitor_pid = mon;
	s.monitor_start = proc_start_time(mon);
	s.started_at = container_now();
	container_state_save(&st, id, &s);
	CHECK("running", container_state_load(&st, id, &r) == 0 && r.status == ST_RUNNING
	      && r.pid == init);
	kill(mon, SIGKILL);
	waitpid(mon, NULL, 0);
	CHECK("monitor killed, init alive: still running",
	      container_state_load(&st, id, &r) == 0 && r.status == ST_RUNNING);
	kill(init, SIGKILL);
	waitpid(init, NULL, 0);
	CHECK("both gone: exited (255)", container_state_load(&st, id, &r) == 0
	      && r.status == ST_EXITED && r.exit_code == 255 && r.pid == 0);

	/* A live monitor records the exit a moment after the init died:
	 * readers wait for it rather than guess. */
	/* The fake monitor writes only after the parent's "running" record is
	 * on disk: on a loaded machine the parent's save could otherwise land
	 * after the monitor's and overwrite it. */
	init = spawn_sleeper();
	s.pid = init;
	s.pid_start = proc_start_time(init);
	mon = fake_monitor(id, &s, 300000, &go);
	container_state_save(&st, id, &s);
	kill(init, SIGKILL);
	waitpid(init, NULL, 0);
	monitor_go(go);
	CHECK("init gone, monitor alive: its record is waited for",
	      container_state_load(&st, id, &r) == 0 && r.status == ST_EXITED
	      && r.exit_code == 137);
	waitpid(mon, NULL, 0);
}

/* The monitor saves its record, then exits. A reader that read "running"
 * just before the save and looked at /proc just after the exit must not
 * call it a crash (255): it reads the record once more. A race, so it is
 * run many times against a monitor that writes at once. */
static void monitor_exits_between_reads(void)
{
	struct container_state s = { 0 }, r;
	char id[CONTAINER_ID_LEN + 1];
	int wrong = 0, rounds = 200;

	make_id(id, '2');
	CHECK("a record for the race", make(id, "", 1) == 0);
	s.status = ST_RUNNING;
	s.pid = spawn_sleeper();
	s.pid_start = proc_start_time(s.pid);
	kill(s.pid, SIGKILL);
	waitpid(s.pid, NULL, 0);	/* the init is gone from the start */
	for (int i = 0; i < rounds; i++) {
		int go;
		pid_t mon = fake_monitor(id, &s, 0, &go);

		container_state_save(&st, id, &s);
		monitor_go(go);
		if (container_state_load(&st, id, &r) || r.status != ST_EXITED || r.exit_code != 137)
			wrong++;
		waitpid(mon, NULL, 0);
	}
	CHECK("monitor exits between two reads: its record, every time", wrong == 0);
	if (wrong)
		fprintf(stderr, "%d of %d reads were wrong\n", wrong, rounds);
}

static void status_text(void)
{
	struct container_state s = { 0 };
	char buf[64];

	s.status = ST_RUNNING;
	s.started_at = container_now() - 3000000000LL;
	container_status_text(&s, buf, sizeof(buf));
	CHECK_STR("Up 3 seconds", buf, "Up 3 seconds");
	s.status = ST_EXITED;
	s.exit_code = 137;
	s.finished_at = container_now() - 125000000000LL;
	container_status_text(&s, buf, sizeof(buf));
	CHECK_STR("Exited (137) 2 minutes ago", buf, "Exited (137) 2 minutes ago");
	s.status = ST_CREATED;
	container_status_text(&s, buf, sizeof(buf));
	CHECK_STR("Created", buf, "Created");
	container_time(1700000000123456789LL, buf, sizeof(buf));
	CHECK_STR("RFC 3339 nano", buf, "2023-11-14T22:13:20.123456789Z");
}

static void removal(void)
{
	char id[CONTAINER_ID_LEN + 1], dir[PATH_MAX], out[CONTAINER_ID_LEN + 1];
	struct stat sb;
	int fd;

	make_id(id, 'a');
	fd = container_lock(id);
	CHECK("lock", fd >= 0);
	container_unlock(fd);
	container_run_dir(id, dir);
	CHECK("lock made RUNDIR/ID", stat(dir, &sb) == 0);
	CHECK("remove record", container_remove_record(&st, id) == 0);
	CHECK("RUNDIR/ID gone", stat(dir, &sb) < 0);
	container_dir(&st, id, dir);
	CHECK("dir gone", stat(dir, &sb) < 0);
	CHECK("name gone", container_resolve(&st, "alpha", out) < 0);
	CHECK("name free again", make(id, "alpha", 1) == 0);
}

/* The restart policies' one decision, after an exit and at boot. */
static void restart_policies(void)
{
	static const struct {
		const char *name;
		enum restart_mode mode;
		int max;
		struct container_state st;
		int after_exit, at_boot;
	} cases[] = {
		{ "no", RESTART_NO, 0, { .exit_code = 1, .lost = 1 }, 0, 0 },
		{ "always, exit 0", RESTART_ALWAYS, 0, { .exit_code = 0 }, 1, 1 },
		{ "always, stopped by hand", RESTART_ALWAYS, 0, { .stopped_by_user = 1 }, 0, 1 },
		{ "unless-stopped, lost", RESTART_UNLESS_STOPPED, 0, { .exit_code = 255, .lost = 1 }, 1, 1 },
		{ "unless-stopped, stopped by hand", RESTART_UNLESS_STOPPED, 0,
		  { .exit_code = 137, .stopped_by_user = 1 }, 0, 0 },
		{ "on-failure, exit 0", RESTART_ON_FAILURE, 0, { .exit_code = 0 }, 0, 0 },
		{ "on-failure, exit 3", RESTART_ON_FAILURE, 0, { .exit_code = 3, .restart_count = 9 }, 1, 1 },
		{ "on-failure:2, gave up", RESTART_ON_FAILURE, 2, { .exit_code = 3, .restart_count = 2 }, 0, 0 },
		{ "on-failure:2, lost on its last run", RESTART_ON_FAILURE, 2,
		  { .exit_code = 255, .restart_count = 2, .lost = 1 }, 0, 1 },
		{ "on-failure, stopped by hand", RESTART_ON_FAILURE, 0,
		  { .exit_code = 143, .stopped_by_user = 1 }, 0, 0 },
	};
	char name[128];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct container_spec c = { .restart = cases[i].mode, .restart_max = cases[i].max };

		snprintf(name, sizeof(name), "restart after an exit: %s", cases[i].name);
		CHECK(name, container_should_restart(&c, &cases[i].st, RESTART_AFTER_EXIT)
		      == cases[i].after_exit);
		snprintf(name, sizeof(name), "restart at boot: %s", cases[i].name);
		CHECK(name, container_should_restart(&c, &cases[i].st, RESTART_AT_BOOT)
		      == cases[i].at_boot);
	}
	CHECK("restart policy names", container_restart_mode("unless-stopped") == RESTART_UNLESS_STOPPED
	      && container_restart_mode("on-failure") == RESTART_ON_FAILURE
	      && container_restart_mode("sometimes") == -1);
}

int main(void)
{
	char tmp[] = "/tmp/bxtest.unit-container.XXXXXX", root[PATH_MAX], run[PATH_MAX];
	char id[CONTAINER_ID_LEN + 1];

	if (!mkdtemp(tmp))
		return 1;
	snprintf(root, sizeof(root), "%s/root", tmp);
	snprintf(run, sizeof(run), "%s/run", tmp);
	setenv("BOXCAR_RUNTIME_DIR", run, 1);
	if (store_open(&st, root, STORE_WRITE)) {
		printf("FAIL: store_open: %s\n", err_msg());
		return 1;
	}
	CHECK("new ID: 64 hex", container_new_id(id) == 0 && strlen(id) == 64
	      && strspn(id, "0123456789abcdef") == 64);
	spec_round_trip();
	state_round_trip();
	lookups();
	names();
	liveness();
	monitor_exits_between_reads();
	status_text();
	removal();
	restart_policies();
	store_close(&st);
	rm_rf(tmp);
	return UNIT_DONE();
}
