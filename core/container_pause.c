/* container_pause.c - docker pause/unpause: a container's processes
 * stopped by the cgroup freezer. Whether it is paused is read from the
 * freezer each time, never recorded: the kernel's word is the truth, and
 * a reboot or a crash cannot leave a stale "paused" behind. */
#include <errno.h>
#include <stdio.h>

#include "cgroup.h"
#include "container.h"
#include "err.h"

int container_paused(const char *id)
{
	struct cgroup cg;
	char name[CGROUP_NAME_MAX];

	container_cgroup_name(id, name, sizeof(name));
	if (cgroup_open(&cg, name))
		return 0;
	return cgroup_frozen(&cg) == 1;
}

int container_pause(const struct store *s, const char *id, int on)
{
	struct container_state st;
	struct cgroup cg;
	char name[CGROUP_NAME_MAX];
	int lock = container_lock(id), rc = -1, frozen;

	if (lock < 0)
		return -1;
	if (container_state_load(s, id, &st))
		goto out;
	if (st.status != ST_RUNNING) {
		err_setn(0, "container %.12s is not running", id);
		goto out;
	}
	container_cgroup_name(id, name, sizeof(name));
	if (cgroup_open(&cg, name) || (frozen = cgroup_frozen(&cg)) < 0)
		goto out;
	if (on && frozen)
		err_setn(0, "container %.12s is already paused", id);
	else if (!on && !frozen)
		err_setn(0, "container %.12s is not paused", id);
	else
		rc = cgroup_freeze(&cg, on);
out:
	container_unlock(lock);
	return rc;
}
