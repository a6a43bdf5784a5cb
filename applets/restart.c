/* restart.c - stop containers, then start them again, as docker restart
 * does: stop's signal, grace period and SIGKILL, then start's monitor. */
//applet:restart
//summary:stop and start containers again
//config:config APPLET_RESTART
//config:	bool "restart"
//config:	default y
//config:	depends on APPLET_RUN
//config:	help
//config:	  Stop containers (as stop does) and start them again (as
//config:	  start does).
//usage:[-t SECONDS] [-s SIGNAL] CONTAINER...
//usage:Stop each CONTAINER if it runs (its stop signal, SIGTERM by default,
//usage:then SIGKILL after SECONDS), start it again with the spec it was made
//usage:with, and print it once its command runs. A stopped one is just
//usage:started. Its restart policy applies again, as after start.
//usage:
//usage:  -t, --time SECONDS   grace period before SIGKILL (default 10; -1: wait forever)
//usage:  -s, --signal SIGNAL  send SIGNAL (name or number) instead of the stop signal
//usage:      --root DIR       store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "guard.h"
#include "monitor.h"
#include "number.h"
#include "signame.h"
#include "store.h"

static int restart_one(struct store *s, const char *root, const char *ref, int sig,
		       int timeout)
{
	char id[CONTAINER_ID_LEN + 1];
	struct container_state st;
	int started, code;

	if (store_open(s, root, STORE_READ))
		return -1;
	if (container_resolve(s, ref, id)) {
		store_close(s);
		return -1;
	}
	/* waiting for it must not hold up imports; the monitor's children
	 * must not inherit the store's lock */
	store_close(s);
	if (container_stop_signal(s, id, sig, timeout, &st))
		return -1;
	return monitor_start(s, id, &started, &code);
}

int restart_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "time", required_argument, 0, 't' },
		{ "timeout", required_argument, 0, 't' },
		{ "signal", required_argument, 0, 's' },
		{ 0 }
	};
	const char *root = NULL;
	struct store s;
	int opt, timeout = 10, sig = 0, rc = EXIT_OK;

	guard_exe(); /* the init runs this binary in the container (guard.h) */
	while ((opt = applet_getopt_store(argc, argv, "t:s:h", opts, &root)) != -1) {
		switch (opt) {
		case 't': {
			int64_t t;

			if (number_int(optarg, -1, INT_MAX, NUMBER_STRTOL, &t))
				die_usage("-t %s: not a number of seconds", optarg);
			timeout = (int)t;
			break;
		}
		case 's':
			if ((sig = sig_from_name(optarg)) <= 0)
				die_usage("invalid signal: %s", optarg);
			break;
		default: die_usage("unknown option");
		}
	}
	if (optind >= argc)
		die_usage("need a CONTAINER");
	for (int i = optind; i < argc; i++) {
		if (restart_one(&s, store_root(root), argv[i], sig, timeout)) {
			errno = err_errno();
			warn("%s: %s", argv[i], err_msg());
			rc = EXIT_FAIL;
			continue;
		}
		puts(argv[i]);
		fflush(stdout);
	}
	return rc;
}
