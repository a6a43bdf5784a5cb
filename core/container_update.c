/* container_update.c - changing a container's record after it was made:
 * rename, and update's new limits. config.json is replaced atomically
 * under the container's lock, so a reader sees the old spec or the new. */
#include <errno.h>
#include <string.h>

#include "cgroup.h"
#include "container.h"
#include "err.h"

int container_rename(const struct store *s, const char *id, const char *name)
{
	struct container_spec c;
	char old[CONTAINER_NAME_MAX + 1];
	int lock, rc = -1;

	if (!container_name_valid(name))
		return err_setn(EINVAL, "invalid container name \"%s\": only [a-zA-Z0-9]"
				"[a-zA-Z0-9_.-] are allowed", name);
	if ((lock = container_lock(id)) < 0)
		return -1;
	if (container_spec_load(s, id, &c))
		goto out;
	if (!strcmp(c.name, name)) {
		err_setn(EINVAL, "renaming a container with the same name as its current name");
		goto free;
	}
	/* New name first: if anything fails after, the old one still works
	 * and the new one is released; a crash leaves a link to this ID
	 * that the next reserve of that name takes over only if the
	 * container is gone. */
	if (container_name_reserve(s, name, id, !container_transient(s, id)))
		goto free;
	strcpy(old, c.name);
	strcpy(c.name, name);
	if (container_spec_save(s, &c)) {
		container_name_release(s, name, id);
		goto free;
	}
	rc = container_name_release(s, old, id);
free:
	container_spec_free(&c);
out:
	container_unlock(lock);
	return rc;
}

int container_update_limits(const struct store *s, const char *id,
			    const struct cgroup_limits *l)
{
	struct container_spec c;
	struct container_state st;
	struct cgroup_limits now = { 0 };
	struct cgroup cg;
	char name[CGROUP_NAME_MAX];
	int lock, rc = -1;

	if ((lock = container_lock(id)) < 0)
		return -1;
	if (container_spec_load(s, id, &c))
		goto out;
	if (l->memory) {
		int64_t swap = l->memory_swap ? l->memory_swap : c.memory_swap;

		/* docker's rule: a new memory limit must stay under the swap
		 * limit already set, unless that is changed too */
		if (swap > 0 && l->memory > swap) {
			err_setn(EINVAL, "memory limit should be smaller than already set "
				 "memoryswap limit, update the memoryswap at the same time");
			goto free;
		}
		c.memory = now.memory = l->memory;
		c.memory_swap = now.memory_swap = swap;
	} else if (l->memory_swap) {
		if (!c.memory) {
			err_setn(EINVAL, "you should always set the memory limit when using "
				 "the memory-swap limit");
			goto free;
		}
		if (l->memory_swap > 0 && l->memory_swap < c.memory) {
			err_setn(EINVAL, "minimum memory-swap limit should be larger than the "
				 "memory limit");
			goto free;
		}
		now.memory = c.memory;
		c.memory_swap = now.memory_swap = l->memory_swap;
	}
	if (l->cpu_millis)
		c.cpu_millis = now.cpu_millis = l->cpu_millis;
	if (l->cpu_shares)
		c.cpu_shares = now.cpu_shares = l->cpu_shares;
	if (l->pids_limit)
		c.pids_limit = now.pids_limit = l->pids_limit;
	/* The running cgroup first: a limit the kernel refuses (below what
	 * is in use, a missing controller) leaves the record as it was. */
	if (container_state_load(s, id, &st))
		goto free;
	if (st.status == ST_RUNNING || st.status == ST_RESTARTING) {
		container_cgroup_name(id, name, sizeof(name));
		if (cgroup_open(&cg, name) || cgroup_set_limits(&cg, &now))
			goto free;
	}
	rc = container_spec_save(s, &c);
free:
	container_spec_free(&c);
out:
	container_unlock(lock);
	return rc;
}

int container_update_restart(const struct store *s, const char *id,
			     enum restart_mode mode, int max)
{
	struct container_spec c;
	int lock, rc = -1;

	if ((lock = container_lock(id)) < 0)
		return -1;
	if (container_spec_load(s, id, &c))
		goto out;
	if (c.auto_remove && mode != RESTART_NO)
		err_setn(0, "Restart policy cannot be updated because AutoRemove is "
			 "enabled for the container");
	else {
		c.restart = mode;
		c.restart_max = mode == RESTART_ON_FAILURE ? max : 0;
		rc = container_spec_save(s, &c);
	}
	container_spec_free(&c);
out:
	container_unlock(lock);
	return rc;
}
