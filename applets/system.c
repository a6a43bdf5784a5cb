/* system.c - `docker system df`: what the store holds on disk, and how
 * much of it a prune would give back; `system prune`: give it back. */
//applet:system
//summary:show the store's disk use and reclaim it (system df, prune)
//config:config APPLET_SYSTEM
//config:	bool "system (df, prune)"
//config:	default y
//config:	help
//config:	  `docker system df`: the disk use of images and containers;
//config:	  `docker system prune`: container prune, then image prune
//config:	  (and volume prune with --volumes).
//usage:df|prune [OPTIONS] [--root DIR] [--runtime-dir DIR]
//usage:  df                  disk use, as docker system df shows it:
//usage:      Images          how many (ACTIVE: used by a container); SIZE: every
//usage:                      layer in the store, its LZ4 archive and unpacked
//usage:                      tree; RECLAIMABLE: the layers no container uses
//usage:                      (what image prune -a frees)
//usage:      Containers      how many (ACTIVE: running); SIZE: their writable
//usage:                      layers and logs; RECLAIMABLE: the stopped ones'
//usage:                      (what container prune frees)
//usage:      Local Volumes   how many (ACTIVE: used by a container, running or
//usage:                      not); SIZE: their files; RECLAIMABLE: the unused
//usage:                      ones' (what volume prune -a frees)
//usage:      Build Cache     boxcar keeps none
//usage:      Blobs           manifests, configs and layer archives nothing refers
//usage:                      to (a removal cut short, a retag); all reclaimable
//usage:      Downloads       partial downloads no pull holds (ROOT/downloads,
//usage:                      kept to resume); all reclaimable
//usage:                      (image prune removes both)
//usage:      Layer archives  the LZ4 archives kept beside the layers' trees (part
//usage:                      of Images; ACTIVE: of layers a container uses)
//usage:      Tree-only       layers kept as their tree only ($BOXCAR_STORE_TREE_ONLY):
//usage:                      SIZE is what their archives would take, saved
//usage:      --format json   one JSON object per line (Type, TotalCount,
//usage:                      Active, Size, Reclaimable), as docker's
//usage:  prune [-a] [-f] [--volumes]  what container prune and then image prune
//usage:                      remove: every stopped container, the layers and
//usage:                      images no container uses (-a: untagged too, as
//usage:                      image prune -a), unreferenced blobs and partial
//usage:                      downloads; --volumes: then volume prune, the
//usage:                      anonymous volumes no container uses (as docker
//usage:                      23+). Asks first unless -f (no build cache;
//usage:                      unused networks: network prune)
//usage:
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <getopt.h>
#include <sys/wait.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "human.h"
#include "image.h"
#include "overlay.h"
#include "store.h"
#include "volume.h"

struct usage {
	int count, active;
	int64_t size, reclaimable;
};

struct df {
	const struct store *s;
	struct usage images, containers, volumes, blobs, downloads, archives, tree_only;
	char (*seen)[DIGEST_STR_LEN + 1];
	int nseen;
};

static int add_image(const char *ref, const char *digest, void *arg)
{
	struct df *d = arg;

	(void)ref;
	for (int i = 0; i < d->nseen; i++)
		if (!strcmp(d->seen[i], digest))
			return 0;
	if (!(d->nseen % 32) && !(d->seen = realloc(d->seen, (d->nseen + 32) * sizeof(*d->seen))))
		die(EXIT_FAIL, "out of memory");
	strcpy(d->seen[d->nseen++], digest);
	d->images.count++;
	d->images.active += container_refers(d->s, "image", digest) > 0;
	return 0;
}

static int add_layer(const struct layer_info *li, void *arg)
{
	struct df *d = arg;
	/* a tree-only layer's archive is not on disk (store_tree.c) */
	int64_t size = (li->tree_only ? 0 : li->size) + li->diff_size;
	int used = container_refers(d->s, "layers", li->digest) > 0;
	struct usage *a = li->tree_only ? &d->tree_only : &d->archives;

	d->images.size += size;
	if (!used)
		d->images.reclaimable += size;
	a->count++;
	a->active += used;
	a->size += li->size;
	if (!used && !li->tree_only)
		a->reclaimable += li->size;
	return 0;
}

static int add_container(const char *id, void *arg)
{
	struct df *d = arg;
	struct container_state st;
	int64_t size;

	if (container_state_load(d->s, id, &st))
		return 0;
	size = overlay_disk_usage(d->s, id);
	d->containers.count++;
	d->containers.size += size;
	if (st.status == ST_RUNNING || st.status == ST_RESTARTING)
		d->containers.active++;
	else
		d->containers.reclaimable += size;
	return 0;
}

static int add_volume(const struct volume_info *v, void *arg)
{
	struct df *d = arg;
	int64_t size = volume_size(d->s, v->name);

	d->volumes.count++;
	d->volumes.size += size;
	if (volume_users(d->s, v->name, NULL, 0))
		d->volumes.active++;
	else
		d->volumes.reclaimable += size;
	return 0;
}

static void row(const char *type, const struct usage *u, int json)
{
	char size[16], rec[16], pct[16] = "";

	human_size(size, sizeof(size), u->size);
	human_size(rec, sizeof(rec), u->reclaimable);
	if (u->size > 0)
		snprintf(pct, sizeof(pct), " (%d%%)", (int)(100 * u->reclaimable / u->size));
	if (json) {
		/* Type, counts and sizes are ours: no escaping needed */
		printf("{\"Active\":\"%d\",\"Reclaimable\":\"%s%s\",\"Size\":\"%s\","
		       "\"TotalCount\":\"%d\",\"Type\":\"%s\"}\n", u->active, rec, pct, size,
		       u->count, type);
		return;
	}
	printf("%-15s %-9d %-9d %-9s %s%s\n", type, u->count, u->active, size, rec, pct);
}

static int df(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, 0, 'F' },
		{ 0 }
	};
	const char *root = NULL;
	struct usage none = { 0 };
	struct df d = { 0 };
	struct image_gc_result gc;
	struct store s;
	int opt, json = 0;

	while ((opt = applet_getopt_store(argc, argv, "h", opts, &root)) != -1) {
		switch (opt) {
		case 'F':
			if (strcmp(optarg, "json"))
				die_usage("--format: json only");
			json = 1;
			break;
		default: die_usage("unknown option");
		}
	}
	if (optind < argc)
		die_usage("df takes no arguments");
	if (store_open(&s, store_root(root), STORE_READ))
		die_err(EXIT_FAIL);
	d.s = &s;
	if (store_tag_each(&s, add_image, &d) < 0 || store_layer_each(&s, add_layer, &d) < 0 ||
	    container_each(&s, add_container, &d) < 0 || volume_each(&s, add_volume, &d) < 0
	    || image_gc(&s, 1, &gc, NULL)
	    || store_partials(&s, 0, &d.downloads.count, &d.downloads.size))
		die_err(EXIT_FAIL);
	d.blobs.count = gc.blobs;
	d.blobs.size = d.blobs.reclaimable = gc.bytes;
	d.downloads.reclaimable = d.downloads.size;
	store_close(&s);
	free(d.seen);
	if (!json)
		printf("%-15s %-9s %-9s %-9s %s\n", "TYPE", "TOTAL", "ACTIVE", "SIZE",
		       "RECLAIMABLE");
	row("Images", &d.images, json);
	row("Containers", &d.containers, json);
	row("Local Volumes", &d.volumes, json);
	row("Build Cache", &none, json);
	row("Blobs", &d.blobs, json);
	row("Downloads", &d.downloads, json);
	row("Layer archives", &d.archives, json);
	row("Tree-only", &d.tree_only, json);
	return EXIT_OK;
}

/* One prune applet in a child of its own: its die() ends the child, and
 * its exit status is what it says of itself. */
static int run_prune(const char *applet, char **argv)
{
	const struct applet *a = applet_find(applet);
	int argc = 0, status;
	pid_t pid;

	while (argv[argc])
		argc++;
	if (!a)
		return EXIT_OK; /* configured out: nothing of its kind to prune */
	fflush(NULL);
	if ((pid = fork()) < 0)
		die(EXIT_FAIL, "fork");
	if (!pid) {
		current_applet = a;
		applet_name = a->name;
		optind = 0; /* getopt starts over for the applet (musl, glibc) */
		exit(a->main(argc, argv));
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAIL;
}

static int prune(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, 0, 'a' },
		{ "force", no_argument, 0, 'f' },
		{ "volumes", no_argument, 0, 'V' },
		{ "root", required_argument, 0, 'R' },
		{ "runtime-dir", required_argument, 0, 'D' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	char *cprune[8] = { "container", "prune", "-f" }, *iprune[9] = { "image", "prune", "-f" };
	char *vprune[8] = { "volume", "prune", "-f" };
	int opt, all = 0, force = 0, volumes = 0, nc = 3, ni = 3, rc;
	char line[16];

	while ((opt = applet_getopt(argc, argv, "afh", opts)) != -1) {
		switch (opt) {
		case 'a': all = 1; break;
		case 'f': force = 1; break;
		case 'V': volumes = 1; break;
		case 'R': vprune[nc] = cprune[nc] = iprune[ni++] = "--root";
			  nc++;
			  vprune[nc] = cprune[nc] = iprune[ni++] = optarg;
			  nc++;
			  break;
		case 'D': vprune[nc] = cprune[nc] = iprune[ni++] = "--runtime-dir";
			  nc++;
			  vprune[nc] = cprune[nc] = iprune[ni++] = optarg;
			  nc++;
			  break;
		case 'h': usage_exit(EXIT_OK);
		default: die_usage("unknown option");
		}
	}
	if (optind < argc)
		die_usage("prune takes no arguments");
	if (all)
		iprune[ni++] = "-a";
	if (!force) {
		printf("WARNING! This will remove:\n  - all stopped containers\n%s  - all %s\n"
		       "  - unreferenced blobs and partial downloads\n\n"
		       "Are you sure you want to continue? [y/N] ",
		       volumes ? "  - all anonymous volumes not used by at least one container\n"
			       : "",
		       all ? "images without at least one container associated to them"
			   : "layers no image or container uses");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y'))
			return EXIT_OK;
	}
	rc = run_prune("container", cprune);
	if (volumes && run_prune("volume", vprune))
		rc = EXIT_FAIL;
	if (run_prune("image", iprune))
		rc = EXIT_FAIL;
	return rc ? EXIT_FAIL : EXIT_OK;
}

int system_main(int argc, char **argv)
{
	applet_help_anywhere(argc, argv); /* system SUBCOMMAND --help too */
	if (argc < 2)
		die_usage("missing subcommand");
	if (argv[1][0] == '-')
		die_usage("unknown option '%s'", argv[1]);
	if (!strcmp(argv[1], "prune"))
		return prune(argc - 1, argv + 1);
	if (strcmp(argv[1], "df"))
		die_usage("unknown subcommand '%s' (df, prune)", argv[1]);
	return df(argc - 1, argv + 1);
}
