/* unpause.c - `docker unpause`: the cgroup freezer (core/container_pause.c). */
//applet:unpause
//summary:resume the processes of paused containers
//config:config APPLET_UNPAUSE
//config:	bool "unpause"
//config:	default y
//config:	help
//config:	  Unpause containers with the cgroup freezer, like `docker unpause`.
//usage:CONTAINER...
//usage:Thaw the processes of each paused CONTAINER, as docker unpause does.
//usage:Prints each CONTAINER once it runs again.
//usage:
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "store.h"

int unpause_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, 0, 'R' },
		{ "runtime-dir", required_argument, 0, 'D' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	const char *root = NULL;
	char id[CONTAINER_ID_LEN + 1];
	struct store s;
	int opt, rc = EXIT_OK;

	while ((opt = applet_getopt(argc, argv, "h", opts)) != -1) {
		switch (opt) {
		case 'R': root = optarg; break;
		case 'D': container_runtime_dir(optarg); break;
		case 'h': usage_exit(EXIT_OK);
		default: die_usage("unknown option");
		}
	}
	if (optind >= argc)
		die_usage("need a CONTAINER");
	if (store_open(&s, store_root(root), STORE_READ))
		die_err(EXIT_FAIL);
	for (int i = optind; i < argc; i++) {
		if (container_resolve(&s, argv[i], id) || container_pause(&s, id, 0)) {
			errno = err_errno();
			warn("%s", err_msg());
			rc = EXIT_FAIL;
			continue;
		}
		puts(argv[i]);
	}
	store_close(&s);
	return rc;
}
