/* rm.c - remove containers: the record, the name, the overlay mount and
 * the cgroup, so nothing is left under ROOT/containers/ID or RUNDIR/ID. */
//applet:rm
//summary:remove containers
//config:config APPLET_RM
//config:	bool "rm"
//config:	default y
//config:	help
//config:	  Remove stopped containers (running ones with -f): their
//config:	  record, name, overlay upper dir, mount and cgroup.
//usage:[-fv] CONTAINER...
//usage:Remove each CONTAINER and print it. A running container is refused
//usage:unless -f, which kills it first (SIGKILL; no restart policy brings
//usage:it back).
//usage:
//usage:  -f, --force        kill a running container, then remove it
//usage:  -v, --volumes      remove its anonymous volumes too (those no other
//usage:                     container uses); named ones stay, as with docker
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "pollsleep.h"
#include "store.h"
#include "volume.h"

/* As stop does, without the grace period: marked stopped by the user (so
 * no restart policy brings it back), SIGKILL, and its monitor left to
 * record the end and release what it holds; a monitor that does not
 * finish within 10 s is killed (what it leaves, rm releases). The caller
 * holds no store lock: a --rm container's monitor takes it to remove
 * the record. */
static int force_stop(const struct store *s, const char *id)
{
	struct container_state st, before;

	if (container_state_load(s, id, &before) || container_stop(s, id, 0, &st))
		return -1;
	for (int waited = 0, step = 0; waited < 10000 && before.monitor_pid > 0
			&& proc_alive(before.monitor_pid, before.monitor_start);)
		waited += poll_sleep(&step);
	if (before.monitor_pid > 0 && proc_alive(before.monitor_pid, before.monitor_start))
		kill(before.monitor_pid, SIGKILL);
	return 0;
}

struct rm_opts {
	int force, volumes;
};

/* Stopping needs no write lock on the store (s is opened without one,
 * applet.h); a monitor may want to read it to record the exit. */
static int remove_one(struct store *s, const char *id, const char *ref, void *arg)
{
	const struct rm_opts *o = arg;
	struct container_spec c = { 0 };
	struct container_state st;
	struct store w;
	int rc = -1, fd, sl;

	(void)ref;
	/* a container being started (its run may have been killed, its
	 * monitor not): wait until it runs, or its start failed */
	if ((sl = container_start_lock(id, 30000)) < 0 && err_errno() != EWOULDBLOCK)
		return -1;
	if (container_state_load(s, id, &st))
		goto out;
	if (st.status == ST_RUNNING || st.status == ST_RESTARTING) {
		if (!o->force) {
			err_setn(0, "cannot remove running container %.12s: stop it first, "
				 "or use -f", id);
			goto out;
		}
		if (force_stop(s, id))
			goto out;
	}
	/* The layers it used are free once the record is gone: like image rm,
	 * this changes what the store may delete. */
	if (store_open(&w, s->root, STORE_WRITE))
		goto out;
	container_sweep(&w);
	if ((fd = container_lock(id)) < 0)
		goto close;
	if (o->volumes && container_spec_load(&w, id, &c))
		memset(&c, 0, sizeof(c)); /* a broken record still goes */
	rc = container_release(&w, id) || container_remove_record(&w, id) ? -1 : 0;
	container_unlock(fd);
	if (ENABLED(RUN_VOLUMES) && !rc && o->volumes)
		volume_remove_anonymous(&w, &c);
	container_spec_free(&c);
close:
	store_close(&w);
out:
	container_unlock(sl);
	return rc;
}

int rm_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, 0, 'f' },
		{ "volumes", no_argument, 0, 'v' },
		{ 0 }
	};
	struct rm_opts o = { 0 };
	const char *root = NULL;
	int opt;

	while ((opt = applet_getopt_store(argc, argv, "fvh", opts, &root)) != -1) {
		switch (opt) {
		case 'f': o.force = 1; break;
		case 'v': o.volumes = 1; break;
		default: die_usage("unknown option");
		}
	}
	if (optind >= argc)
		die_usage("need a CONTAINER");
	return applet_each_container(root, argc, argv, remove_one, &o);
}
