/* stop.c - stop running containers the way docker stop does: the stop
 * signal, a grace period, then SIGKILL. */
//applet:stop
//summary:stop running containers
//config:config APPLET_STOP
//config:	bool "stop"
//config:	default y
//config:	help
//config:	  Stop containers: their stop signal (SIGTERM unless the image
//config:	  or run said otherwise), then SIGKILL after a timeout.
//usage:[-t SECONDS] CONTAINER...
//usage:Send each CONTAINER's stop signal (SIGTERM by default) to its init,
//usage:wait up to SECONDS (default 10) for it to exit, then SIGKILL it. Prints
//usage:each CONTAINER once it has stopped. A container stopped this way is
//usage:not restarted by an unless-stopped policy.
//usage:
//usage:  -t, --time SECONDS  grace period before SIGKILL (-1: wait forever)
//usage:      --root DIR      store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "number.h"
#include "store.h"

int stop_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "time", required_argument, 0, 't' },
		{ "timeout", required_argument, 0, 't' },
		{ 0 }
	};
	const char *root = NULL;
	char (*ids)[CONTAINER_ID_LEN + 1];
	struct container_state st;
	struct store s;
	int opt, timeout = 10, rc = EXIT_OK;

	while ((opt = applet_getopt_store(argc, argv, "t:h", opts, &root)) != -1) {
		switch (opt) {
		case 't': {
			int64_t t;

			if (number_int(optarg, -1, INT_MAX, NUMBER_STRTOL, &t))
				die_usage("-t %s: not a number of seconds", optarg);
			timeout = (int)t;
			break;
		}
		default: die_usage("unknown option");
		}
	}
	if (optind >= argc)
		die_usage("need a CONTAINER");
	/* Every name resolved first (STORE_RECORDS takes no lock), so the
	 * unknown ones are said before any stop starts waiting. */
	if (store_open(&s, store_root(root), STORE_RECORDS))
		die_err(EXIT_FAIL);
	if (!(ids = calloc(argc, sizeof(*ids))))
		die(EXIT_FAIL, "out of memory");
	for (int i = optind; i < argc; i++)
		if (container_resolve(&s, argv[i], ids[i])) {
			errno = err_errno();
			warn("%s", err_msg());
			ids[i][0] = 0;
			rc = EXIT_FAIL;
		}
	store_close(&s);
	for (int i = optind; i < argc; i++) {
		if (!ids[i][0])
			continue;
		if (container_stop(&s, ids[i], timeout, &st)) {
			errno = err_errno();
			warn("%s", err_msg());
			rc = EXIT_FAIL;
			continue;
		}
		puts(argv[i]);
		fflush(stdout);
	}
	free(ids);
	return rc;
}
