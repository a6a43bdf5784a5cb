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
