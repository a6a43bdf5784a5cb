/* image.c - list, inspect, tag and remove images in the store. */
//applet:image
//summary:list, inspect, tag and remove images
//config:config APPLET_IMAGE
//config:	bool "image"
//config:	default y
//config:	help
//config:	  Manage the images in the store, like `docker image`.
//usage:ls|inspect|rm|tag|prune [--root DIR] ...
//usage:Manage images in the store (--root DIR, else $BOXCAR_ROOT, else the built-in one).
//usage:
//usage:  ls [-q] [--format T]  REPOSITORY, TAG, IMAGE ID, CREATED and SIZE of each
//usage:                      tag, newest image first (-q: the IMAGE IDs alone;
//usage:                      --format json, or a template of {{.Repository}}
//usage:                      {{.Tag}} {{.ID}} {{.CreatedAt}} {{.CreatedSince}}
//usage:                      {{.Size}}, "table T" with a header)
//usage:  inspect IMAGE...    details as a JSON array, shaped like docker's
//usage:  rm [-f] IMAGE...    drop the tag; with its last tag the image goes, and
//usage:                      the layers no other image or container uses. By
//usage:                      ID: every tag. Refused, naming them, if containers
//usage:                      use it (or, by ID, several tags name it) unless -f
//usage:  tag SOURCE TARGET   give the image SOURCE the name TARGET (NAME[:TAG])
//usage:  prune [-a] [-f]     remove the layers no image or container uses (what a
//usage:                      failed pull or commit, or layer import, left), the
//usage:                      blobs nothing refers to and the partial downloads
//usage:                      no pull holds; -a: also every image no container
//usage:                      uses. Asks first unless -f (--force); prints
//usage:                      what went and the space it freed
//usage:
//usage:IMAGE is NAME[:TAG] or an image ID (or a unique prefix of one).

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "container.h"
#include "du.h"
#include "err.h"
#include "human.h"
#include "image.h"
#include "store.h"
#include "template.h"

struct row {
	char repo[256], tag[129], id[13], created[32], size[16], at[40];
	int seq; /* the order the store lists tags in */
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
	r = &t->rows[t->n];
	r->seq = t->n++;
	snprintf(r->repo, sizeof(r->repo), "%.*s", (int)(colon - ref), ref);
	snprintf(r->tag, sizeof(r->tag), "%s", colon + 1);
	memcpy(r->id, im.id + 7, 12);
	r->id[12] = 0;
	human_age(r->created, sizeof(r->created), json_get_str(&im.config, 0, "created"));
	/* for the order, and docker's CreatedAt: "2024-01-02 03:04:05 +0000 UTC" */
	{
		const char *c = json_get_str(&im.config, 0, "created");

		if (c && strlen(c) >= 19 && c[10] == 'T')
			snprintf(r->at, sizeof(r->at), "%.10s %.8s +0000 UTC", c, c + 11);
		else
			*r->at = 0;
	}
	human_size(r->size, sizeof(r->size), im.size);
	image_close(&im);
	return 0;
}

/* Newest first, as docker lists; tags of one image in the order made. */
static int by_created(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(y->at, x->at);

	return c ? c : y->seq - x->seq;
}

static const char *const image_titles[][2] = {
	{ "Repository", "REPOSITORY" }, { "Tag", "TAG" }, { "ID", "IMAGE ID" },
	{ "CreatedAt", "CREATED AT" }, { "CreatedSince", "CREATED" }, { "Size", "SIZE" },
	{ "Digest", "DIGEST" },
};

/* --format T (or json, or "table T"): each row as docker's JSON line. */
static void print_format(const struct row *r, const char *format, FILE *out)
{
	struct json_w w;

	jw_init(&w, 0);
	jw_obj(&w);
	jw_kstr(&w, "CreatedAt", r->at);
	jw_kstr(&w, "CreatedSince", r->created);
	jw_kstr(&w, "Digest", "<none>");
	jw_kstr(&w, "ID", r->id);
	jw_kstr(&w, "Repository", r->repo);
	jw_kstr(&w, "Size", r->size);
	jw_kstr(&w, "Tag", r->tag);
	jw_end(&w);
	if (jw_finish(&w) || template_line(format, w.buf, w.len, out))
		die_err(EXIT_FAIL);
	jw_free(&w);
}

static int cmd_ls(struct store *s, int argc, char **argv)
{
	struct table t = { s, NULL, 0, 0 };
	int w1 = 10, w2 = 3, w3 = 7, quiet = 0, table = 0;
	const char *format = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = stdout;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			quiet = 1;
		else if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strncmp(argv[i], "--format=", 9))
			format = argv[i] + 9;
		else
			die_usage("ls takes -q and --format only");
	}
	if (format && !strncmp(format, "table", 5) && (!format[5] || strchr(" \t", format[5]))) {
		format += 5 + strspn(format + 5, " \t");
		table = *format != 0;
		if (!table)
			format = NULL; /* "table" alone: the usual listing */
	} else if (format && !strcmp(format, "json"))
		format = ""; /* the JSON lines themselves */
	if (format && *format && template_check(format))
		die_usage("%s", err_msg());
	if (store_tag_each(s, add_row, &t) < 0)
		die_err(EXIT_FAIL);
	qsort(t.rows, t.n, sizeof(*t.rows), by_created);
	if (quiet || format) {
		if (table && !quiet) {
			if (!(out = open_memstream(&buf, &len)))
				die(EXIT_FAIL, "out of memory");
			template_table_header(format, image_titles,
					      sizeof(image_titles) / sizeof(image_titles[0]), out);
		}
		for (int i = 0; i < t.n; i++)
			if (quiet)
				puts(t.rows[i].id);
			else
				print_format(&t.rows[i], *format ? format : NULL, out);
		if (out != stdout) {
			fclose(out);
			template_table_print(buf);
			free(buf);
		}
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
	for (int i = 0; i < t.n; i++) {
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
	int rc = EXIT_OK, force = 0, n = 0;

	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force"))
			force = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			die_usage("unknown option '%s'", argv[i]);
		else
			argv[n++] = argv[i];
	if (!n)
		die_usage("rm needs an IMAGE");
	for (int i = 0; i < n; i++)
		if (image_remove_force(s, argv[i], force, report)) {
			warn("%s", err_msg());
			rc = EXIT_FAIL;
		}
	/* what the removals left to the sweep (and what a killed one did) */
	if (image_gc_pending(s))
		warn("%s", err_msg());
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

/* docker's prune question: 1 if the answer starts with y. */
static int confirm(const char *what)
{
	char line[16];

	printf("WARNING! This will remove %s.\nAre you sure you want to continue? [y/N] ", what);
	fflush(stdout);
	return fgets(line, sizeof(line), stdin) && (line[0] == 'y' || line[0] == 'Y');
}

struct names {
	char **v;
	int n;
};

static int collect_tag(const char *ref, const char *digest, void *arg)
{
	struct names *l = arg;

	(void)digest;
	if (!(l->n % 32) && !(l->v = realloc(l->v, (l->n + 32) * sizeof(*l->v))))
		die(EXIT_FAIL, "out of memory");
	if (!(l->v[l->n++] = strdup(ref)))
		die(EXIT_FAIL, "out of memory");
	return 0;
}

static int collect_layer(const struct layer_info *li, void *arg)
{
	return collect_tag(li->digest, NULL, arg);
}

static int deleted_any;

/* As docker prune words it: "untagged: x", "deleted: sha256:...". */
static void prune_report(const char *what, const char *id)
{
	if (!deleted_any++)
		puts("Deleted Images:");
	printf("%c%s: %s\n", what[0] | 0x20, what + 1, id);
}

static void prune_blob(const char *digest, int64_t size)
{
	(void)size;
	prune_report("deleted", digest);
}

static int cmd_prune(struct store *s, int argc, char **argv)
{
	struct names tags = { 0 }, layers = { 0 };
	struct image_gc_result gc;
	int all = 0, force = 0, parts;
	int64_t part_bytes;
	char size[16];
	int64_t before;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all"))
			all = 1;
		else if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force"))
			force = 1;
		else if (!strcmp(argv[i], "-af") || !strcmp(argv[i], "-fa"))
			all = force = 1;
		else
			die_usage("prune takes -a and -f");
	}
	if (!force && !confirm(all ? "all images without at least one container "
			       "associated to them" : "all dangling images"))
		return EXIT_OK;
	before = disk_usage(s->root);
	if (all) {
		if (store_tag_each(s, collect_tag, &tags) < 0)
			die_err(EXIT_FAIL);
		for (int i = 0; i < tags.n; i++) {
			char digest[DIGEST_STR_LEN + 1];

			if (store_tag_get(s, tags.v[i], digest) == 0 &&
			    !container_refers(s, "image", digest) &&
			    image_remove(s, tags.v[i], prune_report))
				warn("%s", err_msg());
			free(tags.v[i]);
		}
	}
	if (store_layer_each(s, collect_layer, &layers) < 0)
		die_err(EXIT_FAIL);
	for (int i = 0; i < layers.n; i++) {
		/* refused when an image or a container uses it: kept */
		if (image_layer_remove(s, layers.v[i]) == 0)
			prune_report("deleted", layers.v[i]);
		free(layers.v[i]);
	}
	free(tags.v);
	free(layers.v);
	/* blobs nothing refers to, and downloads no pull holds */
	if (image_gc(s, 0, &gc, prune_blob) || store_partials(s, 1, &parts, &part_bytes))
		warn("%s", err_msg());
	else if (parts)
		printf("%sDeleted %d partial download%s\n", deleted_any++ ? "" : "Deleted Images:\n",
		       parts, parts == 1 ? "" : "s");
	human_size(size, sizeof(size), before - disk_usage(s->root));
	printf("%sTotal reclaimed space: %s\n", deleted_any ? "\n" : "", size);
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
		{ "prune", cmd_prune, STORE_WRITE },
	};
	const char *root = NULL;
	struct store s;
	int i = 1, n = 1, rc;

	applet_help_anywhere(argc, argv); /* image SUBCOMMAND --help too */
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
	applet_help_anywhere(argc, argv);
	/* what image SUB takes are names, but for ls's -q and --root */
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "-q") && strcmp(argv[i], "--root")
		    && strcmp(argv[i], "-f") && strcmp(argv[i], "--force")
		    && strcmp(argv[i], "--quiet") && strcmp(argv[i], "--format")
		    && strncmp(argv[i], "--format=", 9)
		    && strncmp(argv[i], "--root=", 7) && (i == 1 || strcmp(argv[i - 1], "--root")))
			die_usage("unknown option '%s'", argv[i]);
	av[0] = argv[0];
	av[1] = (char *)sub;
	memcpy(av + 2, argv + 1, (argc - 1) * sizeof(*av));
	return image_main(argc + 1, av);
}
