/* commit.c - make an image from a container: its image's layers and one
 * more, packed from the container's overlay upper dir (what it changed;
 * what it deleted becomes a whiteout), with its command and environment
 * as the new image's defaults. */
//applet:commit
//summary:make an image from a container's changes
//config:config APPLET_COMMIT
//config:	bool "commit"
//config:	default y
//config:	depends on FEATURE_LAYER_CREATE
//config:	help
//config:	  Create an image from a container: its image's layers plus
//config:	  a layer of its changes, like `docker commit`.
//usage:[OPTIONS] CONTAINER NAME[:TAG]
//usage:Make the image NAME[:TAG] from CONTAINER: its image's layers and a new
//usage:one holding what the container changed (deleted files become
//usage:whiteouts), with the container's configuration as Docker records it:
//usage:its command (the one it was run with: give -c 'CMD ...' to make another
//usage:the default), entrypoint, environment, working directory, user, stop
//usage:signal and its image's labels. Prints the image ID. A running
//usage:container is paused while its changes are packed (as docker's); with
//usage:--pause=false it runs on, files it deletes meanwhile are left out and
//usage:files it writes may be caught half-written.
//usage:
//usage:  -a, --author AUTHOR  the image's author ("Name <mail>")
//usage:  -m, --message TEXT   a comment for the image (image inspect's Comment)
//usage:  -c, --change LINE    a Dockerfile instruction applied to the config:
//usage:                       CMD, ENTRYPOINT (JSON or shell form), ENV, LABEL,
//usage:                       EXPOSE, USER, WORKDIR, STOPSIGNAL, VOLUME
//usage:                       (repeatable)
//usage:  -p, --pause[=BOOL]   pause a running container while packing (default true)
//usage:  --root DIR         store directory (default $BOXCAR_ROOT or the built-in one)
//usage:  --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "overlay.h"
#include "fsutil.h"
#include "imgchange.h"
#include "image.h"
#include "layer.h"
#include "ref.h"
#include "signame.h"
#include "store.h"

/* The labels of the container's image, as K=V, for the new image. */
static char **image_labels(const struct store *s, const char *manifest)
{
	struct image im;
	char **l = NULL;
	uint32_t cfg, lab, n = 0;

	if (!*manifest || image_open_manifest(s, manifest, &im))
		return NULL;
	cfg = json_get(&im.config, 0, "config");
	lab = cfg ? json_get(&im.config, cfg, "Labels") : 0;
	if (lab && json_type(&im.config, lab) == JSON_OBJECT
	    && (l = calloc(im.config.nodes[lab].len + 1, sizeof(char *))))
		for (uint32_t k = json_first(&im.config, lab); k; k = json_next(&im.config, k)) {
			const char *key = json_str(&im.config, k), *v = json_str(&im.config, k + 1);

			if (key && v && (l[n] = malloc(strlen(key) + strlen(v) + 2)))
				sprintf(l[n++], "%s=%s", key, v);
		}
	image_close(&im);
	return l;
}

/* KEY=VALUE into a NULL-terminated list (a new one), replacing KEY. */
static char **kv_set(char **list, const char *kv)
{
	size_t k = strcspn(kv, "="), n = 0;
	char **l;

	while (list && list[n])
		n++;
	if (!(l = calloc(n + 2, sizeof(char *))))
		die(EXIT_FAIL, "out of memory");
	if (n)
		memcpy(l, list, n * sizeof(char *));
	for (size_t i = 0; i < n; i++)
		if (!strncmp(l[i], kv, k) && (l[i][k] == '=' || !l[i][k])) {
			l[i] = (char *)kv;
			return l;
		}
	l[n] = (char *)kv;
	return l;
}

/* -c LINE, as Docker's builder applies it to the container's config
 * (an ENTRYPOINT clears a CMD not given by another -c, as in a
 * Dockerfile). */
static void apply_change(struct image_config *cfg, const char *line, int *cmd_set)
{
	struct imgchange ch;

	if (imgchange_parse(line, &ch))
		diex(EXIT_FAIL, "invalid change '%s': %s", line, err_msg());
	switch (ch.kind) {
	case CHANGE_CMD:
		cfg->cmd = ch.args;
		*cmd_set = 1;
		break;
	case CHANGE_ENTRYPOINT:
		cfg->entrypoint = ch.args;
		if (!*cmd_set)
			cfg->cmd = NULL;
		break;
	case CHANGE_ENV:
		for (int i = 0; i < ch.n; i++)
			cfg->env = kv_set(cfg->env, ch.args[i]);
		break;
	case CHANGE_LABEL:
		for (int i = 0; i < ch.n; i++)
			cfg->labels = kv_set(cfg->labels, ch.args[i]);
		break;
	case CHANGE_EXPOSE:
		for (int i = 0; i < ch.n; i++)
			cfg->exposed = kv_set(cfg->exposed, ch.args[i]);
		break;
	case CHANGE_VOLUME:
		for (int i = 0; i < ch.n; i++)
			cfg->volumes = kv_set(cfg->volumes, ch.args[i]);
		break;
	case CHANGE_USER:
		cfg->user = ch.args[0];
		break;
	case CHANGE_WORKDIR:
		if (ch.args[0][0] == '/')
			cfg->workdir = ch.args[0];
		else { /* relative: to the one before, as in a Dockerfile */
			const char *base = cfg->workdir && *cfg->workdir ? cfg->workdir : "/";
			char *w = malloc(strlen(base) + strlen(ch.args[0]) + 2);

			if (!w)
				die(EXIT_FAIL, "out of memory");
			sprintf(w, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", ch.args[0]);
			cfg->workdir = w;
		}
		break;
	case CHANGE_STOPSIGNAL:
		if (sig_from_name(ch.args[0]) < 0)
			diex(EXIT_FAIL, "invalid change '%s': invalid signal: %s", line, ch.args[0]);
		cfg->stop_signal = ch.args[0];
		break;
	}
	/* the strings now belong to cfg, until we exit */
}

int commit_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "author", required_argument, 0, 'a' },
		{ "message", required_argument, 0, 'm' },
		{ "change", required_argument, 0, 'c' },
		{ "pause", optional_argument, 0, 'p' },
		{ 0 }
	};
	/* live: a running container may delete what the walk just listed */
	struct layer_pack_opts po = { .overlay_to_oci = 1, .live = 1 };
	int pause = 1, paused = 0, packed;
	const char *root = NULL;
	char id[CONTAINER_ID_LEN + 1], image_id[DIGEST_STR_LEN + 1], diff[PATH_MAX];
	char **cmd = NULL, **entrypoint = NULL;
	struct image_config cfg = { 0 };
	struct container_spec c;
	struct layer_info *li;
	struct store s;
	struct ref r;
	int opt, n = 0, existed, argc_c = 0, nchanges = 0, cmd_set = 0;
	char **changes = calloc(argc, sizeof(char *));

	if (!changes)
		die(EXIT_FAIL, "out of memory");
	while ((opt = applet_getopt_store(argc, argv, "ha:m:c:p", opts, &root)) != -1) {
		switch (opt) {
		case 'a': cfg.author = optarg; break;
		case 'm': cfg.comment = optarg; break;
		case 'c': changes[nchanges++] = optarg; break;
		case 'p':
			if (!optarg || !strcmp(optarg, "true") || !strcmp(optarg, "1"))
				pause = 1;
			else if (!strcmp(optarg, "false") || !strcmp(optarg, "0"))
				pause = 0;
			else
				die_usage("--pause: true or false");
			break;
		default: die_usage("unknown option");
		}
	}
	if (argc - optind != 2)
		die_usage("need CONTAINER and NAME[:TAG]");
	/* bad changes refused before anything is packed */
	for (int i = 0, scratch_cmd = 0; i < nchanges; i++)
		apply_change(&(struct image_config){ 0 }, changes[i], &scratch_cmd);
	if (ref_parse(argv[optind + 1], &r))
		die_err(EXIT_FAIL);
	if (store_open(&s, store_root(root), STORE_STAGE))
		die_err(EXIT_FAIL);
	if (container_resolve(&s, argv[optind], id) || container_spec_load(&s, id, &c))
		die_err(EXIT_FAIL);
	while (c.layers && c.layers[n])
		n++;
	if (!(li = calloc(n + 1, sizeof(*li))))
		die(EXIT_FAIL, "out of memory");
	for (int i = 0; i < n; i++)
		if (store_layer_get(&s, c.layers[i], &li[i]))
			die_err(EXIT_FAIL);
	/* Paused by us only if it runs and is not paused already; a build
	 * without a freezer commits it live. */
	if (pause && !container_paused(id)) {
		if (!container_pause(&s, id, 1))
			paused = 1;
		else if (err_errno() == EOPNOTSUPP || err_errno() == ENOENT)
			warn("%.12s: cannot pause, committing it running: %s", id, err_msg());
	}
	packed = !overlay_dir(&s, id, "diff", diff)
		&& !store_layer_import_dir_opts(&s, diff, &po, &li[n], &existed);
	if (paused && container_pause(&s, id, 0))
		warn("%.12s: %s", id, err_msg());
	if (!packed)
		die_err(EXIT_FAIL);
	/* The store was locked only for the new layer's commit (it is now,
	 * until store_close): the layers below may have gone meanwhile, with
	 * the container and its image. */
	for (int i = 0; i < n; i++)
		if (store_layer_get(&s, c.layers[i], &li[i]))
			diex(EXIT_FAIL, "layer %.19s went away during the commit", c.layers[i]);

	/* its command as the image's: entrypoint and cmd apart again */
	while (c.argv && c.argv[argc_c])
		argc_c++;
	if (c.argv_entrypoint > 0 && c.argv_entrypoint <= argc_c) {
		entrypoint = calloc(c.argv_entrypoint + 1, sizeof(char *));
		if (entrypoint)
			memcpy(entrypoint, c.argv, c.argv_entrypoint * sizeof(char *));
	}
	if (c.argv && argc_c > c.argv_entrypoint)
		cmd = c.argv + c.argv_entrypoint;
	cfg.cmd = cmd;
	cfg.entrypoint = entrypoint;
	cfg.env = c.env;
	cfg.workdir = c.workdir;
	cfg.user = c.user;
	cfg.labels = image_labels(&s, c.manifest);
	if (c.stop_signal > 0)
		cfg.stop_signal = sig_name(c.stop_signal);
	/* Docker's history line: the container's command */
	{
		size_t len = 1;
		char *by;

		for (int i = 0; i < argc_c; i++)
			len += strlen(c.argv[i]) + 1;
		if ((by = calloc(1, len)))
			for (int i = 0; i < argc_c; i++)
				strcat(strcat(by, i ? " " : ""), c.argv[i]);
		cfg.created_by = by;
	}
	for (int i = 0; i < nchanges; i++)
		apply_change(&cfg, changes[i], &cmd_set);
	if (image_create(&s, r.full, li, n + 1, &cfg, image_id))
		die_err(EXIT_FAIL);
	store_close(&s);
	puts(image_id);
	return EXIT_OK;
}
