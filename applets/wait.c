/* wait.c - `docker wait`: block until containers stop, print their exit
 * codes. */
//applet:wait
//summary:wait for containers to stop, print their exit codes
//config:config APPLET_WAIT
//config:	bool "wait"
//config:	default y
//config:	help
//config:	  Block until containers stop and print their exit codes,
//config:	  like `docker wait`.
//usage:CONTAINER...
//usage:Wait until each CONTAINER is no longer running, then print its exit
//usage:code (128+N after signal N), one a line, in the order given. A
//usage:container that already stopped prints at once. Exits 1 if a
//usage:CONTAINER does not exist (the others are still waited for).
//usage:
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "store.h"

/* Sleep until the running init exits: a pidfd (Linux 5.3) wakes us once,
 * where polling the record would wake a board every 20 ms for as long as
 * the container runs. Without pidfds, container_wait_stopped polls. */
static void sleep_while_running(const struct store *s, const char *id)
{
	struct container_state st;
	struct pollfd p = { .events = POLLIN };

	if (container_state_load(s, id, &st) || st.status != ST_RUNNING || st.pid <= 0)
		return;
#ifdef SYS_pidfd_open
	p.fd = syscall(SYS_pidfd_open, st.pid, 0);
	if (p.fd < 0)
		return;
	/* The pid may have been reused between load and open. */
	if (proc_alive(st.pid, st.pid_start))
		while (poll(&p, 1, -1) < 0 && errno == EINTR)
			;
	close(p.fd);
#endif
}

int wait_main(int argc, char **argv)
{
	const char *root = NULL;
	char id[CONTAINER_ID_LEN + 1];
	struct container_state st;
	struct store s;
	int rc_one, rc = EXIT_OK;

	applet_store_options(argc, argv, &root);
	if (optind >= argc)
		die_usage("need a CONTAINER");
	for (int i = optind; i < argc; i++) {
		/* STORE_RECORDS takes no lock: waiting holds up no import
		 * or removal. */
		if (store_open(&s, store_root(root), STORE_RECORDS))
			die_err(EXIT_FAIL);
		rc_one = container_resolve(&s, argv[i], id);
		store_close(&s);
		if (rc_one == 0) {
			sleep_while_running(&s, id);
			rc_one = container_wait_stopped(&s, id, -1, &st);
		}
		if (rc_one) {
			errno = err_errno();
			warn("%s", err_msg());
			rc = EXIT_FAIL;
			continue;
		}
		printf("%d\n", st.exit_code);
		fflush(stdout);
	}
	return rc;
}
