/* oci.h - containers run as an OCI runtime, the way runc runs them for
 * containerd's shim and podman's conmon (docs/oci.md): the lifecycle of
 * the runtime spec (create, start, state, kill, delete) over a bundle.
 *
 * State, one directory per container under ROOT (--root, default
 * /run/boxcar-oci), kept apart from the store's containers:
 *   ROOT/ID/state.json   pid, its start time, bundle, rootfs, created,
 *                        cgroup (written once create has the init ready)
 *   ROOT/ID/config.json  the bundle's config.json as it was at create
 *                        (hooks and annotations for later commands)
 *   ROOT/ID/exec.fifo    while created: the init blocks reading it;
 *                        start writes one byte and removes it
 * Every command takes flock(LOCK_EX) on ROOT/ID (the directory), so
 * concurrent calls of a shim see one transition at a time. The status is
 * never stored: stopped if the init (checked by its start time) is gone,
 * paused if its cgroup is frozen, created while exec.fifo exists,
 * creating before state.json, else running.
 *
 * No monitor: create's caller (the shim) is the init's parent, or its
 * subreaper once create exits. Errors follow err.h.
 */
#ifndef BOXCAR_OCI_H
#define BOXCAR_OCI_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "json.h"
#include "ocispec.h"

#define OCI_ROOT_DEFAULT "/run/boxcar-oci"
#define OCI_ID_MAX 1024

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_PAUSED, OCI_STOPPED };

struct oci_state {
	char id[OCI_ID_MAX + 1];
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];
	char cgroup[CGROUP_NAME_MAX];
	pid_t pid;
	uint64_t pid_start;
	int64_t created;          /* unix ns */
	int no_pivot;
	int root_mnt;             /* without a mount namespace: the mount ID
				   * of the init's bind of rootfs in the
				   * host's, which delete detaches; 0: none */
	enum oci_status status;
};

struct oci_create {
	const char *root, *id, *bundle;
	const char *pid_file;      /* NULL: none */
	const char *console_socket; /* a terminal's master goes there */
	int preserve_fds;
	int no_pivot;
	int systemd_cgroup;        /* cgroupsPath is slice:prefix:name */
};

/* IDs as containerd and podman pass them: [A-Za-z0-9][A-Za-z0-9_+.-]*,
 * at most OCI_ID_MAX. */
int oci_id_valid(const char *id);
/* ROOT/ID into buf[PATH_MAX]. */
int oci_dir(const char *root, const char *id, char *buf);

/* Lock ROOT/ID (ENOENT: "container ID does not exist"): the fd, or -1. */
int oci_lock(const char *root, const char *id);
/* Read state.json and find the status; the caller holds the lock. */
int oci_state_load(const char *root, const char *id, struct oci_state *st);
const char *oci_status_name(enum oci_status s);
/* The spec's state JSON (ociVersion, id, status, pid, bundle, rootfs,
 * created, annotations) into w; spec: the saved config, may be NULL. */
void oci_state_json(struct json_w *w, const struct oci_state *st, const struct oci_spec *spec);
/* ROOT/ID/config.json, saved at create. */
int oci_saved_spec(const char *root, const char *id, struct oci_spec *spec);

/* create: the init set up and waiting for start; returns its pid. */
pid_t oci_create(const struct oci_create *o);
/* start: let a created container's init exec its process. */
int oci_start(const char *root, const char *id);
/* kill: sig to the init, or with all to every process in its cgroup. */
int oci_kill(const char *root, const char *id, int sig, int all);
/* delete: a stopped container's cgroup and state; force:
 * kill it first whatever its status. A missing one with force: 0. */
int oci_delete(const char *root, const char *id, int force);
/* pause/resume through the cgroup freezer. */
int oci_pause(const char *root, const char *id, int on);
/* The pids in its cgroup (up to max): how many, or -1. */
int oci_pids(const char *root, const char *id, pid_t *pids, int max);

/* Run hooks of kind with the state JSON on their stdin; -1 with err_set
 * naming the first that failed or timed out. */
int oci_run_hooks(const struct oci_spec *s, enum oci_hook_kind kind, const char *state);

/* exec: a process in a running container (oci_process from --process
 * or the saved config, overridden by options), as runc exec. */
struct oci_exec {
	const char *root, *id;
	struct oci_process *proc;
	const char *pid_file, *console_socket;
	int detach;
	int preserve_fds;
};
/* Returns the process's exit status (wait; 128+N for signal N), or with
 * detach 0 once it exec'd; -1 with err_set and *code (125-127). */
int oci_exec(const struct oci_exec *e, int *code);

/* The process's rlimits, oom_score_adj, no_new_privs, bounding set, user,
 * groups and capability sets, in that order (core/launch_oci.c). */
int oci_process_credentials(const struct oci_process *p);

#endif
