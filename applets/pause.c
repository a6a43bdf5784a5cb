/* pause.c - `docker pause`: the cgroup freezer (core/container_pause.c). */
//applet:pause
//summary:pause all processes of containers
//config:config APPLET_PAUSE
//config:	bool "pause"
//config:	default y
//config:	help
//config:	  Pause containers with the cgroup freezer, like `docker pause`.
//usage:CONTAINER...
//usage:Freeze every process of each running CONTAINER with the cgroup freezer
//usage:(v1 freezer.state, or cgroup.freeze on cgroup v2), as docker pause
//usage:does: they stay in memory, get no CPU and see no signal until
//usage:unpause. ps and inspect show the container as paused; exec into it
//usage:is refused. Prints each CONTAINER once it is paused.
//usage:
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <getopt.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "store.h"

static int freeze_one(struct store *s, const char *id, const char *ref, void *freeze)
{
	(void)ref;
	return container_pause(s, id, *(int *)freeze);
}

/* pause and unpause (applets/unpause.c): the same but for the freezer's
 * direction. */
int pause_freeze_main(int argc, char **argv, int freeze)
{
	const char *root = NULL;

	applet_store_options(argc, argv, &root);
	if (optind >= argc)
		die_usage("need a CONTAINER");
	return applet_each_container(root, argc, argv, freeze_one, &freeze);
}

int pause_main(int argc, char **argv)
{
	return pause_freeze_main(argc, argv, 1);
}
