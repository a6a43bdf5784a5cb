/* kill.c - send a signal to running containers, as docker kill does. */
//applet:kill
//summary:send a signal to running containers
//config:config APPLET_KILL
//config:	bool "kill"
//config:	default y
//config:	help
//config:	  Send a signal (SIGKILL by default) to containers' init.
//usage:[-s SIGNAL] CONTAINER...
//usage:Send SIGNAL (default KILL) to each CONTAINER's init process; prints
//usage:each CONTAINER signalled. SIGNAL is a name (TERM, SIGTERM) or number.
//usage:An init without a handler for a signal ignores it, as PID 1 does
//usage:(SIGKILL always works).
//usage:
//usage:  -s, --signal SIGNAL
//usage:      --root DIR         store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "signame.h"
#include "store.h"

static int kill_one(struct store *s, const char *id, const char *ref, void *arg)
{
	int sig = *(int *)arg;
	struct container_spec c;
	char why[256];

	if (container_spec_load(s, id, &c))
		return -1;
	/* Killing it, or sending what stops it, is the user stopping it:
	 * an unless-stopped policy leaves it stopped (as docker does). */
	if ((sig == SIGKILL || sig == (c.stop_signal > 0 ? c.stop_signal : SIGTERM))
	    && container_mark_stopped_by_user(s, id)) {
		errno = err_errno();
		warn("%s", err_msg());
	}
	container_spec_free(&c);
	if (container_signal(s, id, sig)) {
		snprintf(why, sizeof(why), "%s", err_msg()); /* err_msg() is the target */
		return err_setn(0, "cannot kill %s: %s", ref, why);
	}
	return 0;
}

int kill_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "signal", required_argument, 0, 's' },
		{ 0 }
	};
	const char *root = NULL;
	int opt, sig = SIGKILL;

	while ((opt = applet_getopt_store(argc, argv, "s:h", opts, &root)) != -1) {
		switch (opt) {
		case 's':
			if ((sig = sig_from_name(optarg)) < 0)
				die_usage("%s", err_msg());
			break;
		default: die_usage("unknown option");
		}
	}
	if (optind >= argc)
		die_usage("need a CONTAINER");
	return applet_each_container(root, argc, argv, kill_one, &sig);
}
