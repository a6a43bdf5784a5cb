/* health.h - health checks (docs/containers.md, "Health checks").
 *
 * The check is the image's HEALTHCHECK (config.Healthcheck) or run's
 * --health-* options, kept in the container's record as healthcheck.json.
 * A detached container's monitor runs it: every interval, the boxcar
 * binary it runs from (guarded, guard.h) as `boxcar exec ID TEST...`, so
 * the check runs inside the container with its namespaces, cgroup,
 * capabilities, seccomp filter and user, never on the host. A check that
 * outlives its timeout gets SIGTERM (exec passes it to the command in the
 * container), SIGKILL a second later, and counts as a failure. retries
 * failures in a row make the container unhealthy; failures within the
 * start period do not count while it is still starting. The state is
 * health.json in the record, in Docker's State.Health shape (Status,
 * FailingStreak, Log of the last HEALTH_LOG_MAX results with Start, End,
 * ExitCode, Output cut to HEALTH_OUTPUT_MAX bytes).
 *
 * --health-on-failure (podman's option; Docker has none) says what the
 * monitor does when the container turns unhealthy: none, kill (SIGKILL;
 * the restart policy then applies), restart (killed and started again
 * whatever the policy), stop (killed and left stopped).
 */
#ifndef BOXCAR_HEALTH_H
#define BOXCAR_HEALTH_H

#include <stdint.h>
#include <sys/types.h>

#include "json.h"
#include "store.h"

#define HEALTH_LOG_MAX 5
#define HEALTH_OUTPUT_MAX 4096
#define HEALTH_DEFAULT_MS 30000   /* interval and timeout */
#define HEALTH_DEFAULT_RETRIES 3
#define HEALTH_KILL_GRACE_MS 1000 /* SIGTERM at the timeout, SIGKILL this much later */

enum health_on_failure { HEALTH_NONE, HEALTH_KILL, HEALTH_RESTART, HEALTH_STOP };

struct health_config {
	char **test;              /* argv of the check (NULL-terminated), or NULL: none */
	int64_t interval_ms, timeout_ms, start_period_ms; /* 0: default */
	int retries;              /* 0: default */
	enum health_on_failure on_failure;
	int disabled;             /* --no-healthcheck, or the image's NONE */
};

void health_config_free(struct health_config *h);
/* The image's config.Healthcheck (cfg: the "config" object) into h for
 * what the options did not set. 0, or -1 if malformed. */
int health_config_from_image(const struct json_doc *d, uint32_t cfg, struct health_config *h);
/* A Go duration ("30s", "1m30s", "500ms") in ms: 0, or -1. */
int health_parse_duration(const char *s, int64_t *ms);
/* on_failure by name ("none", "kill", "restart", "stop"): 0 or -1. */
int health_on_failure_parse(const char *s, enum health_on_failure *out);
const char *health_on_failure_name(enum health_on_failure f);

/* healthcheck.json in the record of container id. Save writes nothing
 * when there is no check; load leaves h->test NULL when there is none. */
int health_config_save(const struct store *s, const char *id, const struct health_config *h);
int health_config_load(const struct store *s, const char *id, struct health_config *h);

/* The status in health.json: "starting", "healthy", "unhealthy", or ""
 * when the container has no check (or never ran one). */
int health_status(const struct store *s, const char *id, char *buf, size_t n);
/* " (healthy)", " (unhealthy)" or " (health: starting)" appended to
 * buf (ps's STATUS), or nothing. */
void health_ps_suffix(const struct store *s, const char *id, char *buf, size_t n);
/* health.json's contents (the State.Health object) appended to w, or
 * nothing when there is none. */
void health_inspect_json(const struct store *s, const char *id, struct json_w *w);

/* ---- the monitor's side ---- */
struct health_run;

/* NULL when the container has no check. root: the store root, passed to
 * `boxcar exec --root`. */
struct health_run *health_run_new(const struct store *s, const char *id);
void health_run_free(struct health_run *h);
/* The container (re)started: status starting, first check an interval
 * from now. */
void health_run_reset(struct health_run *h);
/* ms until health_run_tick has work (-1: none). */
int health_run_timeout(const struct health_run *h);
/* The running check's output pipe, or -1; health_run_output reads it. */
int health_run_fd(const struct health_run *h);
void health_run_output(struct health_run *h);
/* Start a check that is due, kill one past its timeout. */
void health_run_tick(struct health_run *h);
/* pid was reaped with status: 1 if it was the check (its result is
 * recorded), else 0. Returns through *act what to do when the container
 * has just turned unhealthy (HEALTH_NONE otherwise). */
int health_run_reaped(struct health_run *h, pid_t pid, int status,
		      enum health_on_failure *act);
/* The container stopped: kill a running check. */
void health_run_stop(struct health_run *h);

#endif
