/* release.h - what a container holds outside its record, let go in one
 * order for both front ends: run's monitor when its container is over,
 * container_release for what a killed monitor left (rm, start, the
 * sweep), and `oci delete`.
 *
 *   1. its processes, where some may be left (kill): the cgroup thawed
 *      (a paused container) and everything in it killed (cgroup_kill:
 *      an exec'd process that outlived the init in another PID
 *      namespace, one moved in by hand); then the init, if named,
 *      waited for (up to 5 s), so that the cgroup can go;
 *   2. the cgroup removed (cgroup_destroy);
 *   3. run's network lease (bridge.h: its address, published ports);
 *   4. its root: run's overlay unmounted (overlay.h), or the bind an
 *      `oci` container without a mount namespace put on its root in the
 *      host's, detached if it is still the one made (release_root_mount).
 * The record (run's name, --rm, its anonymous volumes; oci's state dir
 * and poststop hooks) stays the front end's. Every step is tried; -1
 * with the first error (err.h), 0 when all is gone or was never there.
 */
#ifndef BOXCAR_RELEASE_H
#define BOXCAR_RELEASE_H

#include <stdint.h>
#include <sys/types.h>

struct cgroup;
struct net_lease;
struct store;

struct release {
	const struct cgroup *cg;     /* the cgroup, open; or */
	const char *cgroup;          /* its NAME (NULL, "": none) */
	int cgroup_parents;          /* NAME's parents that are boxcar's
				      * (cgroup_destroy) */
	int kill;                    /* processes may be left: step 1 */
	pid_t pid;                   /* the init to wait for; 0: none */
	uint64_t pid_start;          /* its start time (procfs.h) */
	const struct store *store;   /* run's: with id, the lease (net_release,
				      * lease: the monitor's, or NULL: the
				      * record's) and the overlay */
	const char *id;
	struct net_lease *lease;
	const char *rootfs;          /* oci's: the root whose bind goes */
	int root_mnt;                /* its mount ID as create saw it; 0: none */
};
int release_container(const struct release *r);

/* The ID of the mount on top of rootfs (/proc/self/fdinfo), or 0. With
 * detach, if that ID is id: the mount is detached, and all on it (then
 * 0, or -1 if it cannot be). */
int release_root_mount(const char *rootfs, int detach, int id);

#endif
