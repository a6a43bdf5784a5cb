/* health.c - health checks: their configuration, their state, and the
 * monitor's runs of them (see health.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "fsutil.h"
#include "health.h"
#include "when.h"

#define HEALTH_FILE_MAX (64u << 10)

static const char *const on_failure_names[] = { "none", "kill", "restart", "stop" };

void health_config_free(struct health_config *h)
{
	for (int i = 0; h->test && h->test[i]; i++)
		free(h->test[i]);
	free(h->test);
	h->test = NULL;
}

const char *health_on_failure_name(enum health_on_failure f)
{
	return on_failure_names[(unsigned)f < 4 ? f : 0];
}

int health_on_failure_parse(const char *s, enum health_on_failure *out)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, on_failure_names[i])) {
			*out = (enum health_on_failure)i;
			return 0;
		}
	return err_setn(0, "invalid --health-on-failure '%s' (none, kill, restart, stop)", s);
}

/* Go's time.ParseDuration with when.c's parser, in integers: strtod
 * would bring musl's float parser (7 KB) for this alone. */
int health_parse_duration(const char *s, int64_t *ms)
{
	int64_t ns;

	if (!strcmp(s, "0")) {
		*ms = 0;
		return 0;
	}
	if (when_duration(s + (*s == '+'), &ns))
		return err_setn(EINVAL, "invalid duration '%s' (30s, 1m30s, 500ms)", s);
	if (ns > 1000000000000000000LL)
		return err_setn(EINVAL, "duration '%s' too long", s);
	*ms = (ns + 500000) / 1000000;
	return 0;
}

static char **list_of(const struct json_doc *d, uint32_t arr, int from)
{
	char **out;
	int n = 0, i = 0;

	for (uint32_t e = json_first(d, arr); e; e = json_next(d, e))
		n++;
	if (n <= from || !(out = calloc(n - from + 1, sizeof(*out))))
		return NULL;
	for (uint32_t e = json_first(d, arr); e; e = json_next(d, e), i++) {
		const char *s = json_str(d, e);

		if (i < from)
			continue;
		if (!s || !(out[i - from] = strdup(s))) {
			for (int k = 0; k < i - from; k++)
				free(out[k]);
			free(out);
			return NULL;
		}
	}
	return out;
}

static char **shell_test(const char *cmd)
{
	char **t = calloc(4, sizeof(*t));

	if (!t)
		return NULL;
	t[0] = strdup("/bin/sh");
	t[1] = strdup("-c");
	t[2] = strdup(cmd);
	if (!t[0] || !t[1] || !t[2]) {
		for (int i = 0; i < 3; i++)
			free(t[i]);
		free(t);
		return NULL;
	}
	return t;
}

/* Test ["CMD", argv...], ["CMD-SHELL", "cmd"] or ["NONE"]. */
static int test_from(const struct json_doc *d, uint32_t arr, struct health_config *h)
{
	const char *kind;
	uint32_t first;

	if (!arr || json_type(d, arr) != JSON_ARRAY || !(first = json_first(d, arr)))
		return 0;
	kind = json_str(d, first);
	if (!kind)
		return err_setn(EINVAL, "image Healthcheck: bad Test");
	if (!strcmp(kind, "NONE")) {
		h->disabled = 1;
		return 0;
	}
	if (!strcmp(kind, "CMD"))
		h->test = list_of(d, arr, 1);
	else if (!strcmp(kind, "CMD-SHELL") && json_next(d, first) && json_str(d, json_next(d, first)))
		h->test = shell_test(json_str(d, json_next(d, first)));
	else
		return err_setn(EINVAL, "image Healthcheck: Test %.20s is not CMD, CMD-SHELL or NONE",
				kind);
	return h->test ? 0 : err_setn(EINVAL, "image Healthcheck: bad Test");
}

int health_config_from_image(const struct json_doc *d, uint32_t cfg, struct health_config *h)
{
	uint32_t hc = cfg ? json_get(d, cfg, "Healthcheck") : 0;
	static const char *const keys[] = { "Interval", "Timeout", "StartPeriod" };
	int64_t *fields[] = { &h->interval_ms, &h->timeout_ms, &h->start_period_ms };
	int64_t v;

	if (!ENABLED(RUN_HEALTHCHECK))
		return 0;
	if (!hc || json_type(d, hc) != JSON_OBJECT || h->disabled)
		return 0;
	if (!h->test && test_from(d, json_get(d, hc, "Test"), h))
		return -1;
	for (int i = 0; i < 3; i++) {
		uint32_t e = json_get(d, hc, keys[i]);

		/* nanoseconds, as Docker writes them */
		if (e && !*fields[i] && !json_int(d, e, &v) && v > 0)
			*fields[i] = v / 1000000;
	}
	if (!h->retries && json_get(d, hc, "Retries") &&
	    !json_int(d, json_get(d, hc, "Retries"), &v) && v > 0 && v < 1000000)
		h->retries = (int)v;
	return 0;
}

static int record_path(const struct store *s, const char *id, const char *name, char *buf)
{
	char dir[PATH_MAX];

	if (container_dir(s, id, dir))
		return -1;
	return path_join(buf, dir, name);
}

int health_config_save(const struct store *s, const char *id, const struct health_config *h)
{
	char path[PATH_MAX];
	struct json_w w;
	int rc;

	if (!ENABLED(RUN_HEALTHCHECK))
		return 0;
	if (!h->test || h->disabled)
		return 0;
	if (record_path(s, id, "healthcheck.json", path))
		return -1;
	jw_init(&w, 0);
	jw_obj(&w);
	jw_key(&w, "test");
	jw_arr(&w);
	for (int i = 0; h->test[i]; i++)
		jw_str(&w, h->test[i]);
	jw_end(&w);
	jw_kint(&w, "interval_ms", h->interval_ms);
	jw_kint(&w, "timeout_ms", h->timeout_ms);
	jw_kint(&w, "start_period_ms", h->start_period_ms);
	jw_kint(&w, "retries", h->retries);
	jw_kstr(&w, "on_failure", health_on_failure_name(h->on_failure));
	jw_end(&w);
	rc = jw_finish(&w) ? err_set("healthcheck.json") :
	     write_file_atomic(path, w.buf, w.len, 0644);
	jw_free(&w);
	return rc;
}

static int64_t get_int(const struct json_doc *d, const char *key, int64_t dflt)
{
	int64_t v;
	uint32_t e = json_get(d, 0, key);

	return e && !json_int(d, e, &v) && v > 0 ? v : dflt;
}

int health_config_load(const struct store *s, const char *id, struct health_config *h)
{
	char path[PATH_MAX], *data;
	struct json_doc d;
	const char *of;
	size_t n;

	memset(h, 0, sizeof(*h));
	if (record_path(s, id, "healthcheck.json", path))
		return -1;
	if (read_file(path, HEALTH_FILE_MAX, &data, &n))
		return err_errno() == ENOENT ? 0 : -1;
	if (json_parse(&d, data, n)) {
		free(data);
		return err_prefix(path);
	}
	free(data);
	if (json_get(&d, 0, "test"))
		h->test = list_of(&d, json_get(&d, 0, "test"), 0);
	h->interval_ms = get_int(&d, "interval_ms", HEALTH_DEFAULT_MS);
	h->timeout_ms = get_int(&d, "timeout_ms", HEALTH_DEFAULT_MS);
	h->start_period_ms = get_int(&d, "start_period_ms", 0);
	h->retries = (int)get_int(&d, "retries", HEALTH_DEFAULT_RETRIES);
	of = json_get_str(&d, 0, "on_failure");
	if (of)
		health_on_failure_parse(of, &h->on_failure);
	json_free(&d);
	return 0;
}

/* ---- the state: health.json ------------------------------------------------ */

struct result {
	int64_t start, end;
	int code;
	char out[HEALTH_OUTPUT_MAX + 1];
};

struct health_run {
	const struct store *s;
	char id[CONTAINER_ID_LEN + 1];
	struct health_config cfg;
	pid_t pid;                 /* the running check, or 0 */
	int fd;                    /* its output, or -1 */
	int timed_out;
	int64_t next, deadline, started;
	const char *status;
	int streak;
	struct result log[HEALTH_LOG_MAX], cur;
	int nlog;
};

int health_status(const struct store *s, const char *id, char *buf, size_t n)
{
	char path[PATH_MAX], *data;
	struct json_doc d;
	const char *st;
	size_t len;

	buf[0] = 0;
	if (record_path(s, id, "health.json", path) || read_file(path, HEALTH_FILE_MAX, &data, &len))
		return 0;
	if (!json_parse(&d, data, len)) {
		st = json_get_str(&d, 0, "Status");
		snprintf(buf, n, "%s", st ? st : "");
		json_free(&d);
	}
	free(data);
	return 0;
}

void health_ps_suffix(const struct store *s, const char *id, char *buf, size_t n)
{
	char st[16];
	size_t at = strlen(buf);

	if (!ENABLED(RUN_HEALTHCHECK))
		return;
	health_status(s, id, st, sizeof(st));
	if (!*st || at >= n)
		return;
	snprintf(buf + at, n - at, !strcmp(st, "starting") ? " (health: %s)" : " (%s)", st);
}

void health_inspect_json(const struct store *s, const char *id, struct json_w *w)
{
	char path[PATH_MAX], *data, t[64];
	struct json_doc d;
	uint32_t log;
	size_t len;
	int64_t v;

	if (!ENABLED(RUN_HEALTHCHECK))
		return;
	if (record_path(s, id, "health.json", path) || read_file(path, HEALTH_FILE_MAX, &data, &len))
		return;
	if (json_parse(&d, data, len)) {
		free(data);
		return;
	}
	free(data);
	jw_key(w, "Health");
	jw_obj(w);
	jw_kstr(w, "Status", json_get_str(&d, 0, "Status") ? json_get_str(&d, 0, "Status") : "");
	jw_kint(w, "FailingStreak", json_int(&d, json_get(&d, 0, "FailingStreak"), &v) ? 0 : v);
	jw_key(w, "Log");
	jw_arr(w);
	log = json_get(&d, 0, "Log");
	for (uint32_t e = log ? json_first(&d, log) : 0; e; e = json_next(&d, e)) {
		const char *o = json_get_str(&d, e, "Output");

		jw_obj(w);
		for (int i = 0; i < 2; i++) {
			const char *k = i ? "End" : "Start";

			snprintf(t, sizeof(t), "%s", json_get_str(&d, e, k) ? json_get_str(&d, e, k) : "");
			jw_kstr(w, k, t);
		}
		jw_kint(w, "ExitCode", json_int(&d, json_get(&d, e, "ExitCode"), &v) ? -1 : v);
		jw_kstr(w, "Output", o ? o : "");
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	json_free(&d);
}

static void save(struct health_run *h)
{
	char path[PATH_MAX], t[64];
	struct json_w w;

	if (record_path(h->s, h->id, "health.json", path))
		return;
	jw_init(&w, 0);
	jw_obj(&w);
	jw_kstr(&w, "Status", h->status);
	jw_kint(&w, "FailingStreak", h->streak);
	jw_key(&w, "Log");
	jw_arr(&w);
	for (int i = 0; i < h->nlog; i++) {
		jw_obj(&w);
		container_time(h->log[i].start, t, sizeof(t));
		jw_kstr(&w, "Start", t);
		container_time(h->log[i].end, t, sizeof(t));
		jw_kstr(&w, "End", t);
		jw_kint(&w, "ExitCode", h->log[i].code);
		jw_kstr(&w, "Output", h->log[i].out);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	if (!jw_finish(&w))
		write_file_atomic(path, w.buf, w.len, 0644);
	jw_free(&w);
}

/* ---- the monitor's side --------------------------------------------------- */

struct health_run *health_run_new(const struct store *s, const char *id)
{
	struct health_run *h;

	if (!ENABLED(RUN_HEALTHCHECK) || !(h = calloc(1, sizeof(*h))))
		return NULL;
	if (health_config_load(s, id, &h->cfg) || !h->cfg.test) {
		health_config_free(&h->cfg);
		free(h);
		return NULL;
	}
	h->s = s;
	snprintf(h->id, sizeof(h->id), "%s", id);
	h->fd = -1;
	h->status = "starting";
	return h;
}

void health_run_stop(struct health_run *h)
{
	if (!h)
		return;
	if (h->pid > 0) {
		int st;

		kill(-h->pid, SIGKILL);
		kill(h->pid, SIGKILL);
		while (waitpid(h->pid, &st, 0) < 0 && errno == EINTR)
			;
		h->pid = 0;
	}
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

void health_run_free(struct health_run *h)
{
	if (!h)
		return;
	health_run_stop(h);
	health_config_free(&h->cfg);
	free(h);
}

void health_run_reset(struct health_run *h)
{
	if (!ENABLED(RUN_HEALTHCHECK) || !h)
		return;
	health_run_stop(h);
	h->started = container_now();
	h->next = h->started + h->cfg.interval_ms * 1000000LL;
	h->status = "starting";
	h->streak = 0;
	save(h);
}

int health_run_timeout(const struct health_run *h)
{
	int64_t when, now = container_now(), ms;

	if (!h)
		return -1;
	when = h->pid > 0 ? h->deadline : h->next;
	ms = (when - now) / 1000000 + 1;
	return ms < 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

int health_run_fd(const struct health_run *h)
{
	return h ? h->fd : -1;
}

static ssize_t read_some(struct health_run *h)
{
	char buf[4096];
	ssize_t k = read(h->fd, buf, sizeof(buf));
	size_t have = strlen(h->cur.out);

	if (k <= 0) {
		if (k == 0 || (errno != EINTR && errno != EAGAIN)) {
			close(h->fd);
			h->fd = -1;
		}
		return k;
	}
	/* kept: the first HEALTH_OUTPUT_MAX bytes, NULs as spaces */
	for (ssize_t i = 0; i < k && have < HEALTH_OUTPUT_MAX; i++)
		h->cur.out[have++] = buf[i] ? buf[i] : ' ';
	h->cur.out[have] = 0;
	return k;
}

void health_run_output(struct health_run *h)
{
	read_some(h);
}

static enum health_on_failure record(struct health_run *h, int code);

static void start(struct health_run *h)
{
	char rootarg[PATH_MAX], *argv[64 + 8];
	int p[2], n = 0;
	pid_t pid;

	memset(&h->cur, 0, sizeof(h->cur));
	h->cur.start = container_now();
	h->timed_out = 0;
	snprintf(rootarg, sizeof(rootarg), "%s", h->s->root);
	argv[n++] = "boxcar";
	argv[n++] = "exec";
	argv[n++] = "--root";
	argv[n++] = rootarg;
	argv[n++] = "--runtime-dir";
	argv[n++] = (char *)container_runtime_dir(NULL);
	argv[n++] = h->id;
	for (int i = 0; h->cfg.test[i] && n < 64 + 6; i++)
		argv[n++] = h->cfg.test[i];
	argv[n] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(h->cur.out, sizeof(h->cur.out), "cannot start the check: %s",
			 strerror(errno));
		h->pid = 0;
		record(h, -1);
		return;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		sigset_t none;

		/* its own process group: a timeout kills all of it */
		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null >= 0)
			dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		/* the binary the monitor runs from: guard_exe's safe copy */
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(p[1]);
	h->fd = p[0];
	fcntl(h->fd, F_SETFL, O_NONBLOCK);
	h->pid = pid;
	h->deadline = h->cur.start + h->cfg.timeout_ms * 1000000LL;
}

void health_run_tick(struct health_run *h)
{
	int64_t now = container_now();

	if (!ENABLED(RUN_HEALTHCHECK) || !h)
		return;
	if (h->pid > 0 && now >= h->deadline && !h->timed_out) {
		/* SIGTERM first: exec passes it on to the check inside the
		 * container (a SIGKILL would leave that running there) */
		h->timed_out = 1;
		kill(h->pid, SIGTERM);
		h->deadline = now + HEALTH_KILL_GRACE_MS * 1000000LL;
	} else if (h->pid > 0 && now >= h->deadline) {
		kill(-h->pid, SIGKILL);
		kill(h->pid, SIGKILL);
		h->deadline = now + HEALTH_KILL_GRACE_MS * 1000000LL;
	} else if (h->pid == 0 && now >= h->next)
		start(h);
}

static enum health_on_failure record(struct health_run *h, int code)
{
	int64_t now = container_now();
	const char *was = h->status;

	h->cur.end = now;
	h->cur.code = code;
	if (h->timed_out)
		snprintf(h->cur.out, sizeof(h->cur.out), "Health check exceeded timeout (%lldms)",
			 (long long)h->cfg.timeout_ms);
	if (h->nlog == HEALTH_LOG_MAX) {
		memmove(&h->log[0], &h->log[1], sizeof(h->log[0]) * (HEALTH_LOG_MAX - 1));
		h->nlog--;
	}
	h->log[h->nlog++] = h->cur;
	if (code == 0) {
		h->status = "healthy";
		h->streak = 0;
	} else if (!(!strcmp(h->status, "starting") &&
		     now < h->started + h->cfg.start_period_ms * 1000000LL)) {
		if (++h->streak >= h->cfg.retries)
			h->status = "unhealthy";
	}
	h->pid = 0;
	h->next = now + h->cfg.interval_ms * 1000000LL;
	save(h);
	return strcmp(was, "unhealthy") && !strcmp(h->status, "unhealthy") ? h->cfg.on_failure
									  : HEALTH_NONE;
}

int health_run_reaped(struct health_run *h, pid_t pid, int status,
		      enum health_on_failure *act)
{
	*act = HEALTH_NONE;
	if (!ENABLED(RUN_HEALTHCHECK) || !h || pid != h->pid || pid <= 0)
		return 0;
	/* the rest of what it wrote (not what a process it left behind
	 * may write later: the pipe goes now) */
	for (int i = 0; h->fd >= 0 && i < 64 && read_some(h) > 0; i++)
		;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	*act = record(h, h->timed_out ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) :
			 128 + WTERMSIG(status));
	return 1;
}
