/* container_fs.c - a container's root file system opened from outside,
 * for cp: what its processes see when it runs, its overlay when not. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#include "container.h"
#include "err.h"
#include "fsutil.h"
#include "overlay.h"

/* A running container: /proc/PID/root of its init is its root with its
 * mounts (volumes, tmpfs) as it sees them. The pid is checked after the
 * open, so a pid reused in between is not taken for it. */
static int open_running(const struct container_state *st, const char *id)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/root", (int)st->pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set("container %.12s: cannot open %s", id, path);
	if (!proc_alive(st->pid, st->pid_start)) {
		close(fd);
		return err_setn(ESRCH, "container %.12s stopped", id);
	}
	return fd;
}

/* A stopped one: its overlay, mounted in a mount namespace of our own,
 * which goes (and the mount with it) when this process exits. */
static int open_stopped(const struct store *s, const char *id)
{
	struct container_spec c;
	char dir[PATH_MAX];
	int fd;

	if (container_spec_load(s, id, &c))
		return -1;
	if (unshare(CLONE_NEWNS) < 0) {
		container_spec_free(&c);
		return err_set("cannot make a mount namespace");
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		container_spec_free(&c);
		return err_set("cannot make the mounts private");
	}
	/* NULL: on disk; only --rm containers have a tmpfs for it, and
	 * they are gone once stopped. */
	fd = overlay_mount(s, id, c.layers, NULL);
	container_spec_free(&c);
	if (fd)
		return -1;
	if (container_dir(s, id, dir) || path_join(dir, dir, "merged"))
		return -1;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_set("cannot open %s", dir);
	return fd;
}

int container_root_open(const struct store *s, const char *id, int *lock)
{
	struct container_state st;
	int fd;

	if ((*lock = container_lock(id)) < 0)
		return -1;
	if (container_state_load(s, id, &st))
		goto fail;
	if (st.status == ST_RUNNING && st.pid > 0) {
		/* Running: the lock is not needed, and stop must not wait
		 * for a copy. */
		container_unlock(*lock);
		*lock = -1;
		return open_running(&st, id);
	}
	if ((fd = open_stopped(s, id)) >= 0)
		return fd;
fail:
	container_unlock(*lock);
	*lock = -1;
	return -1;
}
