/* rename.c - `docker rename`: give a container another name. */
//applet:rename
//summary:rename a container
//config:config APPLET_RENAME
//config:	bool "rename"
//config:	default y
//config:	help
//config:	  Give a container a new name, like `docker rename`.
//usage:CONTAINER NEW_NAME
//usage:Give CONTAINER (a name, an ID or a unique prefix of one) the name
//usage:NEW_NAME, running or not; its old name is free at once. NEW_NAME is
//usage:[a-zA-Z0-9][a-zA-Z0-9_.-]* and must not be another container's.
//usage:
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <getopt.h>
#include <stdio.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "store.h"

int rename_main(int argc, char **argv)
{
	const char *root = NULL;
	char id[CONTAINER_ID_LEN + 1];
	struct store s;

	applet_store_options(argc, argv, &root);
	if (argc - optind != 2)
		die_usage("need CONTAINER and NEW_NAME");
	/* Written under the store's lock: resolving a name and taking
	 * another must not race with a run taking it. */
	if (store_open(&s, store_root(root), STORE_WRITE))
		die_err(EXIT_FAIL);
	if (container_resolve(&s, argv[optind], id) || container_rename(&s, id, argv[optind + 1]))
		die_err(EXIT_FAIL);
	store_close(&s);
	return EXIT_OK;
}
