/* launch.h - start a container's init: the process that becomes PID 1
 * in new namespaces, on the container's root file system, with its user,
 * capabilities and limits, then execs the container's command
 * (docs/containers.md has every step and why).
 *
 * The caller (core/monitor.c) has mounted the overlay and made the
 * cgroup. launch_start() clones the init; the init waits on a pipe until
 * the parent has put it in the cgroup, so that it unshares its cgroup
 * namespace (and forks, allocates, execs) already inside it. What fails
 * in the init before the exec comes back on a second pipe as an exit
 * code (125 runtime, 126 cannot execute, 127 not found, Docker's) and a
 * message; a successful exec closes that pipe.
 * Errors follow err.h.
 */
#ifndef BOXCAR_LAUNCH_H
#define BOXCAR_LAUNCH_H

#include <sys/types.h>

#include "cgroup.h"
#include "container.h"

struct launch {
	const struct container_spec *c;
	const char *rootfs;       /* the merged dir, absolute */
	int stdio[3];             /* the init's 0, 1, 2; -1: /dev/null
				   * (not used with -t) */
	int *pty_master;          /* -t (c->tty): set to the master of a pty
				   * the init made from the container's own
				   * devpts; its slave (/dev/pts/0 inside) is
				   * stdio, the controlling terminal and
				   * /dev/console. Its size is fd 0's. */
	const struct cgroup *cg;  /* NULL: no cgroup */
};

/* Start the init and return its host pid once its command is exec'd,
 * or -1 with *code set (125/126/127) and the init reaped. */
pid_t launch_start(const struct launch *l, int *code);

/* The default PATH, Docker's. */
#define LAUNCH_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#endif
