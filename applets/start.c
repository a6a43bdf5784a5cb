/* start.c - start stopped containers again, detached, with the spec they
 * were made with: the same monitor `run -d` uses (core/monitor.h). */
//applet:start
//summary:start stopped containers again
//config:config APPLET_START
//config:	bool "start"
//config:	default y
//config:	depends on APPLET_RUN
//config:	help
//config:	  Start an exited container again with the same spec.
//usage:CONTAINER...
//usage:Start each stopped CONTAINER again in the background, with the spec
//usage:it was made with (its --log-opt values too), and print it once its
//usage:command runs. A running container is left as it is.
//usage:
//usage:  --root DIR         store directory (default $BOXCAR_ROOT or the built-in one)
//usage:  --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "guard.h"
#include "fsutil.h"
#include "monitor.h"
#include "store.h"

/* Two starts of one container at once would make two inits: the second
 * waits on RUNDIR/ID/start.lock, then finds it running. Not the
 * container lock: the monitor takes that to record "running". */
static int start_lock(const char *id)
{
	char path[PATH_MAX];
	int fd;

	if (container_run_dir(id, path) || mkdir_p(path, 0700) || path_join(path, path, "start.lock"))
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return err_set("cannot open %s", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return err_set("cannot lock %s", path);
		}
	return fd;
}

/* A start clears what stop recorded, so the restart policy applies again
 * (the monitor keeps a stopped_by_user it finds in state.json). */
static int clear_stopped(const struct store *s, const char *id)
{
	struct container_state st;
	int fd = container_lock(id), rc = 0;

	if (fd < 0)
		return -1;
	if (container_state_load(s, id, &st) == 0 && st.stopped_by_user) {
		st.stopped_by_user = 0;
		rc = container_state_save(s, id, &st);
	}
	container_unlock(fd);
	return rc;
}

static int start_one(struct store *s, const char *root, const char *ref)
{
	char id[CONTAINER_ID_LEN + 1];
	struct container_state st;
	struct container_spec c;
	int fd, code, rc = -1;

	if (store_open(s, root, STORE_READ))
		return -1;
	if (container_resolve(s, ref, id) || container_spec_load(s, id, &c)) {
		store_close(s);
		return -1;
	}
	/* the monitor's children must not inherit the store's lock */
	store_close(s);
	if ((fd = start_lock(id)) < 0)
		goto out;
	if (container_state_load(s, id, &st))
		goto unlock;
	if (st.status == ST_RUNNING || st.status == ST_RESTARTING) {
		rc = 0;
		goto unlock;
	}
	/* what a monitor that was killed left: its mount and cgroup */
	if (container_release(s, id) || clear_stopped(s, id))
		goto unlock;
	rc = monitor_detached(s, &c, &code);
unlock:
	close(fd);
out:
	container_spec_free(&c);
	return rc;
}

int start_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, 0, 'R' },
		{ "runtime-dir", required_argument, 0, 'D' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	const char *root = NULL;
	struct store s;
	int opt, rc = EXIT_OK;

	guard_exe(); /* the init runs this binary in the container (guard.h) */
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 'R': root = optarg; break;
		case 'D': container_runtime_dir(optarg); break;
		case 'h': usage_exit(EXIT_OK);
		default: die_usage("unknown option");
		}
	}
	if (optind >= argc)
		die_usage("need a CONTAINER");
	for (int i = optind; i < argc; i++) {
		if (start_one(&s, store_root(root), argv[i])) {
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
