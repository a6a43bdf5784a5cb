/* container.c - `docker container prune`: remove stopped containers. */
//applet:container
//summary:remove stopped containers (container prune)
//config:config APPLET_CONTAINER
//config:	bool "container (prune)"
//config:	default y
//config:	help
//config:	  `docker container prune`: remove every stopped container.
//usage:prune [-f] [--root DIR] [--runtime-dir DIR]
//usage:  prune [-f]          remove every container that is not running (created,
//usage:                      exited, dead): its record, writable layer and logs.
//usage:                      Asks first unless -f (--force); prints the IDs and
//usage:                      the space freed
//usage:
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "human.h"
#include "overlay.h"
#include "store.h"

struct prune {
	const struct store *s;
	char (*ids)[CONTAINER_ID_LEN + 1];
	int n;
};

static int collect(const char *id, void *arg)
{
	struct prune *p = arg;

	if (!(p->n % 32) && !(p->ids = realloc(p->ids, (p->n + 32) * sizeof(*p->ids))))
		die(EXIT_FAIL, "out of memory");
	strcpy(p->ids[p->n++], id);
	return 0;
}

/* Remove id if it is not running, deciding under its lock so a start
 * cannot slip in between. 1 if removed, 0 if kept, -1. */
static int prune_one(const struct store *s, const char *id, int64_t *freed)
{
	struct container_state st;
	int fd = container_lock(id), rc = 0;

	if (fd < 0)
		return -1;
	if (container_state_load(s, id, &st) == 0 && st.status != ST_RUNNING &&
	    st.status != ST_RESTARTING && st.status != ST_REMOVING) {
		int64_t size = overlay_disk_usage(s, id);

		rc = container_release(s, id) || container_remove_record(s, id) ? -1 : 1;
		if (rc > 0)
			*freed += size;
	}
	container_unlock(fd);
	return rc;
}

static int prune(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, 0, 'f' },
		{ 0 }
	};
	const char *root = NULL;
	struct prune p = { 0 };
	struct store s;
	int64_t freed = 0;
	int opt, force = 0, shown = 0, rc = EXIT_OK;
	char line[16], size[16];

	while ((opt = applet_getopt_store(argc, argv, "fh", opts, &root)) != -1) {
		switch (opt) {
		case 'f': force = 1; break;
		default: die_usage("unknown option");
		}
	}
	if (optind < argc)
		die_usage("prune takes no arguments");
	if (!force) {
		printf("WARNING! This will remove all stopped containers.\n"
		       "Are you sure you want to continue? [y/N] ");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y'))
			return EXIT_OK;
	}
	/* The records go, and with them the layers' last users: written
	 * under the store's lock, as rm does. */
	if (store_open(&s, store_root(root), STORE_WRITE))
		die_err(EXIT_FAIL);
	container_sweep(&s);
	if (container_each(&s, collect, &p) < 0)
		die_err(EXIT_FAIL);
	for (int i = 0; i < p.n; i++) {
		int r = prune_one(&s, p.ids[i], &freed);

		if (r < 0) {
			errno = err_errno();
			warn("%.12s: %s", p.ids[i], err_msg());
			rc = EXIT_FAIL;
		} else if (r > 0)
			printf("%s%s\n", shown++ ? "" : "Deleted Containers:\n", p.ids[i]);
	}
	store_close(&s);
	free(p.ids);
	human_size(size, sizeof(size), freed);
	printf("%sTotal reclaimed space: %s\n", shown ? "\n" : "", size);
	return rc;
}

int container_main(int argc, char **argv)
{
	applet_help_anywhere(argc, argv); /* container SUBCOMMAND --help too */
	if (argc < 2)
		die_usage("missing subcommand");
	if (argv[1][0] == '-')
		die_usage("unknown option '%s'", argv[1]);
	if (strcmp(argv[1], "prune"))
		die_usage("unknown subcommand '%s' (this build has prune)", argv[1]);
	return prune(argc - 1, argv + 1);
}
