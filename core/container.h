/* container.h - a container: its record, its spec and its state.
 *
 * The contract between the pieces of the runtime (docs/containers.md):
 *   core/container.c   records: create/find/list/remove, names, spec and
 *                      state files, liveness checks          (records)
 *   core/cgroup.c      cgroup v1, v2 and hybrid (cgroup.h)    (cgroups)
 *   core/overlay.c     the container's overlay mount          (launch)
 *   core/launch.c      the init process: namespaces, mounts,
 *                      pivot_root, /dev, caps, exec           (launch)
 *   core/monitor.c     waits for the init, logs, restart
 *                      policy, cleanup (run in the foreground
 *                      and the detached monitor)             (launch)
 *
 * On disk (docs/store.md), like Docker's overlay2 + containers dirs:
 *   ROOT/containers/ID/config.json   the spec (written once, at create)
 *   ROOT/containers/ID/state.json    the last known state (atomic writes)
 *   ROOT/containers/ID/layers        layer digests it mounts (one a line;
 *                                    the store refuses to delete them)
 *   ROOT/containers/ID/image         its image's manifest digest
 *   ROOT/containers/ID/volumes       the volumes it mounts (one name a
 *                                    line; volume rm refuses them)
 *   ROOT/containers/ID/diff/         overlay upperdir
 *   ROOT/containers/ID/work/         overlay workdir
 *   ROOT/containers/ID/merged/       overlay mount point
 *   ROOT/containers/ID/upper         a store on an overlayfs: symlink to
 *                                    where diff/ and work/ are (overlay.h)
 *   ROOT/containers/ID/container.log (+ .1 ...) Docker json-file lines
 *   ROOT/containers/names/NAME       symlink -> ../ID: symlink(2) fails
 *                                    with EEXIST, so names are unique
 *                                    even when two runs race
 *   RUNDIR/ID/                       per-boot state on a tmpfs: lock,
 *                                    monitor pid; gone after a reboot
 *
 * RUNDIR: --runtime-dir, else $BOXCAR_RUNTIME_DIR, else CONFIG_RUNTIME_DIR.
 * Liveness is never trusted from a file alone: a pid is alive only if
 * /proc/PID/stat's start time matches the one recorded with it.
 *
 * Errors follow err.h.
 */
#ifndef BOXCAR_CONTAINER_H
#define BOXCAR_CONTAINER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "store.h"

#define CONTAINER_ID_LEN 64   /* hex, like Docker; shown as 12 */
#define CONTAINER_NAME_MAX 128

/* NET_PRIVATE, NET_NONE: a new netns with lo up; NET_BRIDGE: and eth0 on
 * the bridge (bridge.h); NET_CONTAINER: net_container's netns */
enum net_mode { NET_PRIVATE, NET_HOST, NET_NONE, NET_BRIDGE, NET_CONTAINER };
#define NET_MODES 5
enum restart_mode { RESTART_NO, RESTART_ON_FAILURE, RESTART_ALWAYS, RESTART_UNLESS_STOPPED };

struct mount_spec {
	char *source;        /* host path (bind) or NULL (tmpfs) */
	char *target;        /* absolute path inside the container */
	int readonly;
	int tmpfs;
	char *options;       /* tmpfs: its options; bind: propagation, NULL
			      * rprivate (core/mountspec.h) */
	char *volume;        /* a volume's name (volume.h; source is its
			      * _data), "" for an anonymous one not yet
			      * named (run names it), NULL for a bind */
	int nocopy;          /* volume: no copy of the image's files into
			      * an empty volume (volume-nocopy) */
};

struct device_spec {  /* --device HOST[:CONTAINER[:PERMS]] */
	char *host;          /* a char or block device on the host */
	char *path;          /* absolute, where the node is made inside */
	char perms[4];       /* "rwm" or a part of it (recorded, see docs) */
};

struct ulimit_spec {
	int resource;        /* RLIMIT_* */
	uint64_t soft, hard; /* RLIM_INFINITY allowed */
};

/* What `run` was asked for, after the image's defaults were applied:
 * everything `start` needs to start the same container again. Recorded
 * in config.json by container.c's spec_fields, under these members'
 * names: a new member goes there too. */
struct container_spec {
	char id[CONTAINER_ID_LEN + 1];
	char name[CONTAINER_NAME_MAX + 1];
	char *image;           /* as the user named it */
	char image_id[DIGEST_STR_LEN + 1];
	char manifest[DIGEST_STR_LEN + 1];
	char **layers;         /* layer digests, bottom first; NULL-terminated */
	char **argv;           /* entrypoint + cmd, NULL-terminated */
	char **env;            /* K=V, NULL-terminated */
	char *workdir;
	char *user;            /* as given (uid[:gid] or name[:group]) */
	char *hostname;
	char **dns, **dns_search, **dns_options; /* --dns...: NULL-terminated */
	char **extra_hosts;    /* --add-host NAME:IP */
	int tty, interactive, detach, auto_remove, read_only, privileged, init;
	int seccomp_unconfined;       /* --security-opt seccomp=unconfined */
	enum net_mode net;
	char *net_container;   /* --network container:NAME: NAME */
	char *network;         /* NET_BRIDGE: a user network's name (netrec.h);
				* NULL: the default bridge */
	char **net_aliases;    /* --network-alias: NULL-terminated */
	char **ports;          /* -p as given, -P's added: NULL-terminated */
	char *ip, *mac;        /* --ip, --mac-address; NULL: chosen */
	char *ip6;             /* --ip6; NULL: the twin of ip (bridge.h) */
	char **connected;      /* network connect: "NAME [ip=A] [ip6=A]
				* [alias=N]...", eth1 first; NULL-terminated */
	struct mount_spec *mounts;
	int nmounts;
	struct ulimit_spec *ulimits;
	int nulimits;
	struct device_spec *devices;
	int ndevices;
	uint64_t cap_add, cap_drop; /* bit masks of CAP_* numbers */
	int64_t memory, memory_swap;  /* bytes; 0: no limit, -1 swap: unlimited */
	int64_t cpu_millis;           /* --cpus 1.5 -> 1500; 0: no limit */
	int64_t cpu_shares, pids_limit;
	int pids_default;             /* pids_limit is the built-in default:
				       * not an error where there is no pids
				       * controller (docs/security.md) */
	char *storage_size;           /* --storage-opt size=: the tmpfs of a
				       * --rm container's writable layer */
	int stop_signal;
	enum restart_mode restart;
	int restart_max;              /* on-failure:N */
	int64_t created;              /* unix time, ns */
	char *log_max_size;           /* --log-opt max-size=, max-file= as */
	char *log_max_file;           /* given (checked by run); NULL: default */
	/* Added by records: */
	int argv_entrypoint;          /* how many of argv came from the
				       * entrypoint (inspect's Config.Entrypoint;
				       * the rest is Config.Cmd) */
};

enum container_status {
	ST_CREATED, ST_RUNNING, ST_RESTARTING, ST_EXITED, ST_DEAD, ST_REMOVING
};

struct container_state {
	enum container_status status;
	pid_t pid;                    /* host PID of the init */
	uint64_t pid_start;           /* its /proc/PID/stat start time */
	pid_t monitor_pid;
	uint64_t monitor_start;
	int exit_code;                /* Docker style: 128+N after signal N */
	int exit_signal;              /* 0 if it exited normally */
	int oom_killed;
	int restart_count;
	int stopped_by_user;          /* for unless-stopped */
	int64_t started_at, finished_at; /* unix time, ns */
	/* Added by records: */
	int lost;                     /* not in state.json: set by
				       * container_state_load when init and
				       * monitor are gone and the file still
				       * says running or restarting (SIGKILL,
				       * OOM, power loss, reboot) */
	char error[256];              /* why it failed to start (inspect's
				       * State.Error), "" if it did not */
};

/* Paths of a container, all in buffers of PATH_MAX. Its record dir:
 * ROOT/containers/ID, or for a transient (--rm) container the one under
 * the runtime dir, RUNDIR/store-DEV-INO/ID (see core/container.c). */
int container_dir(const struct store *s, const char *id, char *buf);
/* RUNDIR/store-DEV-INO: where the store's transient records live. */
int container_transient_base(const struct store *s, char *buf);
/* Is container id's record a transient one (in the runtime dir)? */
int container_transient(const struct store *s, const char *id);
/* RUNDIR/store-DEV-INO/ID (not created). */
int container_transient_dir(const struct store *s, const char *id, char *buf);
/* Does the FILE ("layers", "image") of any container's record name digest
 * on a line of its own? What keeps a layer or image from being removed. */
int container_refers(const struct store *s, const char *file, const char *digest);
/* The same, naming them: "web (3f2a1b2c3d4e), db (...)" into buf (n
 * bytes, cut with "..."); returns how many. */
int container_refers_names(const struct store *s, const char *file, const char *digest,
			   char *buf, size_t n);

/* The same with their full IDs: "ID, ID" (docker's "volume is in use"). */
int container_refers_ids(const struct store *s, const char *file, const char *name,
			 char *buf, size_t n);

/* Records (core/container.c). */
int container_spec_save(const struct store *s, const struct container_spec *c);
int container_spec_load(const struct store *s, const char *id, struct container_spec *c);
void container_spec_free(struct container_spec *c);
int container_state_save(const struct store *s, const char *id,
			 const struct container_state *st);
/* Loads the state and checks it against /proc: a "running" container
 * whose init is gone or was replaced reads as exited/dead. Precisely:
 * init alive: as recorded (even if its monitor is gone); init gone and
 * monitor alive: waits (up to 10 s) for the monitor's record; both gone
 * (SIGKILL, power loss): "exited" with code 255, pid 0, as Docker shows
 * containers its dead daemon could not watch. */
int container_state_load(const struct store *s, const char *id, struct container_state *st);
/* ID, unambiguous ID prefix or name -> full ID. */
int container_resolve(const struct store *s, const char *ref, char id[CONTAINER_ID_LEN + 1]);
/* Every container ID, oldest first; fn returning non-zero stops. */
int container_each(const struct store *s, int (*fn)(const char *id, void *arg), void *arg);

/* Added by records (core/container.c). */

/* RUNDIR: opt if given (and remembered for later calls with NULL), else
 * the one remembered, else $BOXCAR_RUNTIME_DIR, else CONFIG_RUNTIME_DIR. */
const char *container_runtime_dir(const char *opt);
/* RUNDIR/ID into buf[PATH_MAX] (not created). */
int container_run_dir(const char *id, char *buf);
/* Lock one container: flock(LOCK_EX) on RUNDIR/ID/lock (made if missing),
 * for transitions that read, decide and write state.json (start, stop,
 * rm, the monitor recording an exit). Never held while waiting for a
 * process to die. Returns the fd to give to container_unlock, or -1. */
int container_lock(const char *id);
void container_unlock(int fd);
/* RUNDIR/ID/start.lock: held from a start (run, start) until its monitor
 * reports the container running or has undone a failed start, so that
 * nothing removes a record whose container is being made. timeout_ms
 * < 0: wait as long as it takes; else -1 (EWOULDBLOCK) after it. */
int container_start_lock(const char *id, int timeout_ms);
/* RUNDIR/ID/monitor.lock: held by a detached monitor from its start to
 * its exit, over the release of the mount, cgroup and network lease that
 * follows the exit it records: a start after a stop (restart) waits for
 * it, or the old monitor's release would undo the new start. */
int container_monitor_lock(const char *id, int timeout_ms);
/* A fresh random ID (64 hex digits). */
int container_new_id(char id[CONTAINER_ID_LEN + 1]);

/* Names: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most CONTAINER_NAME_MAX. */
int container_name_valid(const char *name);
/* Reserve name for id: ROOT/containers/names/NAME -> ../ID. Make
 * ROOT/containers/ID first: a link whose container dir is missing is
 * taken as left over by a crash and taken over. EEXIST with "name "x" is
 * already in use by container ID" when another container has it.
 * durable: fsync the names dir (a transient container's name needs not
 * outlive a power loss: its record does not). */
int container_name_reserve(const struct store *s, const char *name, const char *id,
			   int durable);
/* Drop name if it still points at id; 0 if it is already gone. */
int container_name_release(const struct store *s, const char *name, const char *id);
/* Making a record, so that a killed maker leaves a whole record or none:
 * stage writes c's layers, image and config.json into a fresh staging dir
 * (ROOT/tmp/XXXXXX, or RUNDIR/store-DEV-INO/.new-XXXXXX for --rm), named
 * into stage[PATH_MAX]; nothing is left on failure. Take its name
 * (container_name_reserve) between the two; commit renames it into
 * place: ROOT/containers/ID or the transient dir. Under the store's
 * write lock. */
int container_record_stage(const struct store *s, const struct container_spec *c,
			   char *stage);
int container_record_commit(const struct store *s, const struct container_spec *c,
			    const char *stage);
/* Sweep what killed makers and removers of records left: transient
 * staging and half-removed dirs, names whose record is gone (ROOT/tmp is
 * the store's to sweep). Under the store's write lock. */
void container_sweep(const struct store *s);
/* Remove ROOT/containers/ID, its name and RUNDIR/ID. The caller stopped
 * it, unmounted merged/ and destroyed its cgroup before (rm_rf does not
 * cross mount points: a mount still there makes this fail). */
int container_remove_record(const struct store *s, const char *id);

/* Restart policies (core/container.c). */

/* The policy named name ("no", "on-failure", "always", "unless-stopped"),
 * or -1. */
int container_restart_mode(const char *name);
/* The names records and inspect give a policy and a network mode ("no"
 * and "private" for one out of range). */
const char *container_restart_name(enum restart_mode mode);
const char *container_net_name(enum net_mode net);

enum restart_when {
	RESTART_AFTER_EXIT,  /* the monitor saw its init exit */
	RESTART_AT_BOOT,     /* start --all --filter restart-policy=: at boot,
			      * or after a monitor was killed, when nobody
			      * may have watched it end */
};
/* Does c's policy want it running again, given its last state st?
 *   always:         yes, after an exit unless stopped by hand; at boot,
 *                   yes, even if stopped by hand (as Docker's daemon
 *                   restart)
 *   unless-stopped: yes unless stopped by hand (kept in state.json, so
 *                   across reboots too)
 *   on-failure[:N]: unless stopped by hand, if it failed (a non-zero exit,
 *                   or lost while running) and had not given up: fewer
 *                   than N restarts behind it (lost while running: it had
 *                   not)
 *   no:             never. */
int container_should_restart(const struct container_spec *c,
			     const struct container_state *st, enum restart_when when);

/* Docker's words for a status: "created", "running", "exited"... */
const char *container_status_name(enum container_status st);
/* A state as status text the way `docker ps` shows it: "Up 3 seconds",
 * "Exited (0) 2 minutes ago", "Created". */
void container_status_text(const struct container_state *st, char *buf, size_t n);
/* Unix time in ns as RFC 3339 with nanoseconds, UTC (Docker's
 * "2024-01-02T03:04:05.123456789Z"); 0 is "0001-01-01T00:00:00Z". */
void container_time(int64_t ns, char *buf, size_t n);
/* Now, in unix ns. */
int64_t container_now(void);

/* Stopping (core/container.c). */

/* Send sig to the container's init; ESRCH "container ID is not running"
 * if it is not. */
int container_signal(const struct store *s, const char *id, int sig);
/* Wait until the container is no longer running, as recorded by its
 * monitor (or read from /proc when there is none): 0 with *st, or -1
 * (ETIMEDOUT) after timeout_ms (< 0: no limit). */
int container_wait_stopped(const struct store *s, const char *id, int timeout_ms,
			   struct container_state *st);
/* Record that the user stopped it (for unless-stopped), under the lock. */
int container_mark_stopped_by_user(const struct store *s, const char *id);
/* docker stop: mark, send the spec's stop signal (SIGTERM by default),
 * wait timeout_s seconds, then SIGKILL and wait for the record. */
int container_stop(const struct store *s, const char *id, int timeout_s,
		   struct container_state *st);
/* The same with signal sig first instead of the spec's (0: the spec's). */
int container_stop_signal(const struct store *s, const char *id, int sig, int timeout_s,
			  struct container_state *st);
/* The name of its cgroup for cgroup.h: "boxcar-ID", at the top of each
 * hierarchy as runc and crun put theirs: one directory to make and
 * remove per hierarchy, not a shared parent too. */
void container_cgroup_name(const char *id, char *buf, size_t n);
/* Undo what a run left outside the record: unmount merged/ (lazily if it
 * is busy; overlay_umount), kill what is left in its cgroup and destroy
 * it (cgroup_kill, cgroup_destroy). Safe to call again. */
int container_release(const struct store *s, const char *id);

/* Changing a record (core/container_update.c). Give container id the
 * name (unique as in container_name_reserve), running or not. */
int container_rename(const struct store *s, const char *id, const char *name);
/* docker update: the limits set in l (0: unchanged; -1: unlimited, as in
 * cgroup.h), written to its cgroup if it runs, then to its record for
 * the next start. The monitor keeps the cgroup across restarts. */
struct cgroup_limits;
int container_update_limits(const struct store *s, const char *id,
			    const struct cgroup_limits *l);
/* docker update --restart: a new restart policy (max: on-failure's
 * count), in the record, where a running container's monitor reads it
 * when its process exits. Refused for --rm containers, as docker does. */
int container_update_restart(const struct store *s, const char *id,
			     enum restart_mode mode, int max);

/* Its root file system as a directory fd, to copy files in or out
 * (core/container_fs.c; resolve paths under it with pathsafe.h): a
 * running container's through /proc/PID/root, its mounts and volumes
 * included; a stopped one's overlay mounted in a new mount namespace of
 * the caller's (unshare: single-threaded callers; the mount goes when the
 * process exits) while it holds the container's lock, so it is not
 * started meanwhile: *lock, for container_unlock, or -1. */
int container_root_open(const struct store *s, const char *id, int *lock);

/* Pausing (core/container_pause.c). Freeze (on) or thaw a running
 * container's processes with the cgroup freezer, under its lock; errors
 * as Docker's: "is not running", "is already paused", "is not paused". */
int container_pause(const struct store *s, const char *id, int on);
/* Is its cgroup frozen? Read from the freezer, not from a record. */
int container_paused(const char *id);

/* A process's start time from /proc/PID/stat (0 if it does not exist). */
uint64_t proc_start_time(pid_t pid);
/* Is pid alive and still the process that started at start? A zombie
 * is not (its parent has yet to reap it). */
int proc_alive(pid_t pid, uint64_t start);

#endif
