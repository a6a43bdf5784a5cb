/* image.c - list, inspect, tag and remove images in the store. */
//applet:image
//summary:list, inspect, tag and remove images
//config:config APPLET_IMAGE
//config:	bool "image"
//config:	default y
//config:	help
//config:	  Manage the images in the store, like `docker image`.
//usage:ls|inspect|rm|tag [--root DIR] ...
//usage:Manage images in the store (--root DIR, else $BOXCAR_ROOT, else the built-in one).
//usage:
//usage:  ls [-q]              REPOSITORY, TAG, IMAGE ID, CREATED and SIZE of each tag
//usage:                      (-q: the IMAGE IDs alone)
//usage:  inspect IMAGE...    details as a JSON array, shaped like docker's
//usage:  rm IMAGE...         drop the tag; with its last tag the image goes, and
//usage:                      the layers no other image or container uses
//usage:  tag SOURCE TARGET   give the image SOURCE the name TARGET (NAME[:TAG])
//usage:
//usage:IMAGE is NAME[:TAG] or an image ID (or a unique prefix of one).

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "err.h"
#include "human.h"
#include "image.h"
#include "store.h"

struct row {
	char repo[256], tag[129], id[13], created[32], size[16];
};

struct table {
	const struct store *s;
	struct row *rows;
	int n, cap;
};

static int add_row(const char *ref, const char *digest, void *arg)
{
	struct table *t = arg;
	const char *colon = strrchr(ref, ':');
	struct image im;
	struct row *r;

	if (image_open_manifest(t->s, digest, &im)) {
		warn("%s: %s", ref, err_msg());
		return 0;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		if (!(t->rows = realloc(t->rows, t->cap * sizeof(*t->rows))))
			die(EXIT_FAIL, "out of memory");
	}
	r = &t->rows[t->n++];
	snprintf(r->repo, sizeof(r->repo), "%.*s", (int)(colon - ref), ref);
	snprintf(r->tag, sizeof(r->tag), "%s", colon + 1);
	memcpy(r->id, im.id + 7, 12);
	r->id[12] = 0;
	human_age(r->created, sizeof(r->created), json_get_str(&im.config, 0, "created"));
	human_size(r->size, sizeof(r->size), im.size);
	image_close(&im);
	return 0;
}

static int cmd_ls(struct store *s, int argc, char **argv)
{
	struct table t = { s, NULL, 0, 0 };
	int w1 = 10, w2 = 3, w3 = 7, quiet = argc == 1 && !strcmp(argv[0], "-q");

	if (argc && !quiet)
		die_usage("ls takes no arguments but -q");
	if (store_tag_each(s, add_row, &t) < 0)
		die_err(EXIT_FAIL);
	if (quiet) {
		for (int i = t.n - 1; i >= 0; i--)
			puts(t.rows[i].id);
		free(t.rows);
		return EXIT_OK;
	}
	for (int i = 0; i < t.n; i++) {
		int a = strlen(t.rows[i].repo), b = strlen(t.rows[i].tag);
		int c = strlen(t.rows[i].created);

		w1 = a > w1 ? a : w1;
		w2 = b > w2 ? b : w2;
		w3 = c > w3 ? c : w3;
	}
	printf("%-*s   %-*s   %-12s   %-*s   %s\n", w1, "REPOSITORY", w2, "TAG",
	       "IMAGE ID", w3, "CREATED", "SIZE");
	/* newest tag first, as docker lists */
	for (int i = t.n - 1; i >= 0; i--) {
		struct row *r = &t.rows[i];

		printf("%-*s   %-*s   %-12s   %-*s   %s\n", w1, r->repo, w2, r->tag, r->id,
		       w3, r->created, r->size);
	}
	free(t.rows);
	return EXIT_OK;
}

static int cmd_inspect(struct store *s, int argc, char **argv)
{
	struct json_w w;
	int rc = EXIT_OK;

	if (!argc)
		die_usage("inspect needs an IMAGE");
	jw_init(&w, 1);
	jw_arr(&w);
	for (int i = 0; i < argc; i++) {
		struct image im;

		if (image_open(s, argv[i], &im)) {
			warn("%s", err_msg());
			rc = EXIT_FAIL;
			continue;
		}
		image_inspect_json(&w, s, &im);
		image_close(&im);
	}
	jw_end(&w);
	if (jw_finish(&w))
		die_err(EXIT_FAIL);
	fwrite(w.buf, 1, w.len, stdout);
	jw_free(&w);
	return rc;
}

static void report(const char *what, const char *id)
{
	printf("%s: %s\n", what, id);
}

static int cmd_rm(struct store *s, int argc, char **argv)
{
	int rc = EXIT_OK;

	if (!argc)
		die_usage("rm needs an IMAGE");
	for (int i = 0; i < argc; i++)
		if (image_remove(s, argv[i], report)) {
			warn("%s", err_msg());
			rc = EXIT_FAIL;
		}
	return rc;
}

static int cmd_tag(struct store *s, int argc, char **argv)
{
	if (argc != 2)
		die_usage("tag needs SOURCE and TARGET");
	if (image_tag(s, argv[0], argv[1]))
		die_err(EXIT_FAIL);
	return EXIT_OK;
}

int image_main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct store *s, int argc, char **argv);
		int mode;
	} cmds[] = {
		{ "ls", cmd_ls, STORE_READ },
		{ "inspect", cmd_inspect, STORE_READ },
		{ "rm", cmd_rm, STORE_WRITE },
		{ "tag", cmd_tag, STORE_WRITE },
	};
	const char *root = NULL;
	struct store s;
	int i = 1, n = 1, rc;

	/* --root DIR may come before or after the subcommand */
	for (int k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--root") && k + 1 < argc)
			root = argv[++k];
		else if (!strncmp(argv[k], "--root=", 7))
			root = argv[k] + 7;
		else
			argv[n++] = argv[k];
	}
	argc = n;
	argv[n] = NULL;
	if (i >= argc)
		die_usage("missing subcommand");
	for (unsigned k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (strcmp(argv[i], cmds[k].name))
			continue;
		if (store_open(&s, store_root(root), cmds[k].mode))
			die_err(EXIT_FAIL);
		rc = cmds[k].run(&s, argc - i - 1, argv + i + 1);
		store_close(&s);
		return rc;
	}
	die_usage("unknown subcommand '%s'", argv[i]);
}

/* images, rmi and tag (applets/images.c, rmi.c, tag.c): Docker's older
 * names for image ls, rm and tag, run as `image SUB ARGS...`. */
int image_alias_main(const char *sub, int argc, char **argv)
{
	char **av = calloc(argc + 2, sizeof(*av));

	if (!av)
		die(EXIT_FAIL, "out of memory");
	av[0] = argv[0];
	av[1] = (char *)sub;
	memcpy(av + 2, argv + 1, (argc - 1) * sizeof(*av));
	return image_main(argc + 1, av);
}
