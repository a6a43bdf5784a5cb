/* launch.h - start a container's init: the process that becomes PID 1
 * in new namespaces, on the container's root file system, with its user,
 * capabilities and limits, then execs the container's command
 * (docs/containers.md has every step and why).
 *
 * The caller (core/monitor.c) has mounted the overlay. launch_clone()
 * clones the init, which sets up its mounts, /dev and network at once;
 * meanwhile the caller makes the cgroup (two CPUs, two jobs). The init
 * then waits for launch_go(), which puts it in the cgroup and lets it
 * go on: it unshares its cgroup namespace, drops its privileges and
 * execs, already inside the cgroup. What fails in the init before the
 * exec comes back on a pipe as an exit code (125 runtime, 126 cannot
 * execute, 127 not found, Docker's) and a message; a successful exec
 * closes that pipe.
 * Errors follow err.h.
 */
#ifndef BOXCAR_LAUNCH_H
#define BOXCAR_LAUNCH_H

#include <sys/types.h>

#include "cgroup.h"
#include "container.h"

struct net_lease;
struct oci_spec;

struct launch {
	const struct container_spec *c; /* run's container: launch_clone
				   * translates it into oci (spec_docker.h),
				   * and the init, set up from that, execs
				   * at once (no exec.fifo), dies with its
				   * monitor and may be --init's reaper */
	const char *rootfs;       /* the merged dir, absolute; its parent
				   * (the record) gets hostname, hosts and
				   * resolv.conf (etcfiles.h), bound on
				   * /etc/NAME inside */
	int stdio[3];             /* the init's 0, 1, 2; -1: /dev/null
				   * (not used with -t) */
	int *pty_master;          /* -t (c->tty): set to the master of a pty
				   * the init made from the container's own
				   * devpts; its slave (/dev/pts/0 inside) is
				   * stdio, the controlling terminal and
				   * /dev/console. Its size is fd 0's. */
	const struct cgroup *cg;  /* NULL: no cgroup; read by launch_go, and
				   * by launch_clone: if its directories
				   * exist by then, the init is born in the
				   * cgroup2 one (CLONE_INTO_CGROUP) */
	struct net_lease *net;    /* NULL, or the monitor's (bridge.h):
				   * launch_clone attaches the init's netns
				   * to the bridge, or has it join another
				   * container's */
	/* Set: the init follows this OCI spec instead of c (launch_oci.c,
	 * docs/oci.md): its mounts in order, its namespaces and
	 * credentials; rootfs is the spec's root, c is unused. The init
	 * then stops short of the exec: once set up it closes the report
	 * pipe (launch_go returns) and waits for a byte on oci_fifo. */
	const struct oci_spec *oci;
	struct oci_spec *own;     /* c's, made by launch_clone (spec_docker.h)
				   * and freed once the init goes or not */
	int oci_fifo;             /* read end (O_RDWR) of the bundle's exec.fifo */
	int oci_preserve_fds;     /* fds 3..3+N-1 stay open in the container */
	int oci_no_pivot;         /* chroot instead of pivot_root (--no-pivot) */
	int oci_mntns;            /* a mount namespace to join (the spec's path),
				   * entered by the init itself; -1: none */
	int sync_fd, report_fd, pty_fd; /* launch_clone's, for launch_go */
	unsigned born_in;         /* CG_UNIFIED if it was */
};

/* Clone the init: its host pid, or -1. Then launch_go or launch_abort. */
pid_t launch_clone(struct launch *l);
/* Put the init in l->cg and let it exec: its pid once the command is
 * exec'd, or -1 with *code set (125/126/127) and the init reaped. */
pid_t launch_go(struct launch *l, pid_t pid, int *code);
/* Kill and reap an init that was cloned but will not go. */
void launch_abort(struct launch *l, pid_t pid);

/* The default PATH, Docker's. */
#define LAUNCH_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#endif
