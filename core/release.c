/* release.c - what a container holds outside its record, let go
 * (release.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "bridge.h"
#include "cgroup.h"
#include "container.h" /* proc_alive */
#include "err.h"
#include "overlay.h"
#include "procfs.h"
#include "release.h"

/* Keep the first error: rc, or now a new one's. */
static int first(int rc, int *e, char *msg, size_t n)
{
	if (rc == 0 || *e >= 0)
		return rc;
	*e = err_errno();
	snprintf(msg, n, "%s", err_msg());
	return rc;
}

static void wait_gone(pid_t pid, uint64_t start)
{
	struct timespec ts = { 0, 10 * 1000000L };

	for (int i = 0; i < 500 && proc_alive(pid, start); i++)
		nanosleep(&ts, NULL);
}

int release_root_mount(const char *rootfs, int detach, int id)
{
	char p[48], text[256], *at;
	int fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC), now = 0, info;
	ssize_t n = -1;

	if (fd < 0)
		return 0;
	/* "pos: flags: mnt_id: ino:", a few lines (a proc file: no size) */
	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
	if ((info = open(p, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(info, text, sizeof(text) - 1);
		close(info);
	}
	text[n > 0 ? n : 0] = 0;
	if ((at = strstr(text, "\nmnt_id:")))
		now = atoi(at + 8);
	if (detach && now && now == id) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		if (umount2(p, MNT_DETACH) < 0)
			now = err_set("cannot detach the mounts on %s", rootfs);
		else
			now = 0;
	}
	close(fd);
	return now;
}

int release_container(const struct release *r)
{
	const struct cgroup *cg = r->cg;
	struct cgroup opened;
	char msg[256] = "";
	int e = -1;

	if (!cg && r->cgroup && *r->cgroup) {
		if (cgroup_open(&opened, r->cgroup) == 0)
			cg = &opened;
		else if (err_errno() != ENOENT)
			first(-1, &e, msg, sizeof(msg));
	}
	if (r->kill) {
		if (cg) {
			cgroup_freeze(cg, 0);
			if (cgroup_kill(cg, SIGKILL) && err_errno() != ENOENT)
				first(-1, &e, msg, sizeof(msg));
		} else if (r->pid > 0 && proc_alive(r->pid, r->pid_start))
			kill(r->pid, SIGKILL);
	}
	if (r->pid > 0)
		wait_gone(r->pid, r->pid_start);
	if (cg)
		first(cgroup_destroy(cg, r->cgroup_parents), &e, msg, sizeof(msg));
	if (r->store && r->id) {
		net_release(r->store, r->id, r->lease);
		first(overlay_umount(r->store, r->id), &e, msg, sizeof(msg));
	}
	if (ENABLED(APPLET_OCI) && r->rootfs && r->root_mnt)
		first(release_root_mount(r->rootfs, 1, r->root_mnt) < 0 ? -1 : 0, &e, msg,
		      sizeof(msg));
	return e < 0 ? 0 : err_setn(e, "%s", msg);
}
