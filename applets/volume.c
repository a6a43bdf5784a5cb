/* volume.c - `docker volume`: create, list, inspect, remove and prune
 * the store's local volumes (core/volume.h). */
//applet:volume
//summary:manage volumes (create, ls, inspect, rm, prune)
//config:config APPLET_VOLUME
//config:	bool "volume"
//config:	default y
//config:	depends on RUN_VOLUMES
//config:	help
//config:	  `docker volume`: local volumes kept in the store
//config:	  (ROOT/volumes/NAME/_data), which run mounts with -v NAME:/dir.
//usage:create|ls|inspect|rm|prune [OPTIONS] [--root DIR]
//usage:  create [NAME] [--label K=V]...  make a volume (a 64-hex name if none
//usage:                      is given) and print its name; an existing one is
//usage:                      no error. -d, --driver local only
//usage:  ls [-q] [-f FILTER]... [--format json|TEMPLATE]
//usage:                      list them; FILTER: dangling=true|false (used by
//usage:                      no container), name=PART, label=K[=V],
//usage:                      driver=local; TEMPLATE fields: Name, Driver,
//usage:                      Scope, Mountpoint, Labels, CreatedAt ("table T":
//usage:                      aligned columns)
//usage:  inspect [-f TEMPLATE] NAME...  docker's JSON for each
//usage:  rm [-f] NAME...     remove them; one a container uses (running or
//usage:                      not) is refused, even with -f, which only makes a
//usage:                      missing one no error
//usage:  prune [-a] [-f]     remove the anonymous volumes no container uses
//usage:                      (-a: every unused volume, named ones too);
//usage:                      asks first unless -f
//usage:
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "human.h"
#include "json.h"
#include "store.h"
#include "template.h"
#include "volume.h"

static const struct option opts[] = {
	{ "all", no_argument, 0, 'a' },
	{ "driver", required_argument, 0, 'd' },
	{ "filter", required_argument, 0, 'f' },
	{ "force", no_argument, 0, 'F' },
	{ "format", required_argument, 0, 'T' },
	{ "label", required_argument, 0, 'l' },
	{ "quiet", no_argument, 0, 'q' },
	{ "root", required_argument, 0, 'R' },
	{ "runtime-dir", required_argument, 0, 'D' },
	{ "help", no_argument, 0, 'h' },
	{ 0 }
};

struct cmd {
	const struct store *s;
	const char *root;
	int all, force, quiet, table, shown;
	const char *format;   /* NULL: the default output; "" json */
	char **filters;       /* ls -f */
	int nfilters;
	char **labels;        /* create --label */
	int nlabels;
	int64_t freed;
	FILE *out;
};

static void open_store(struct store *s, const struct cmd *c, int mode)
{
	if (store_open(s, store_root(c->root), mode))
		die_err(EXIT_FAIL);
}

/* ---- one volume as docker's JSON --------------------------------------- */

static void created_at(int64_t ns, char *buf, size_t n)
{
	time_t t = ns / 1000000000;
	struct tm tm;

	gmtime_r(&t, &tm); /* not strftime: it brings musl's time zones */
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* inspect's object (ls = 0), or ls's line, where Labels is "k=v,k=v" as
 * docker's --format shows it. */
static void volume_json(struct json_w *w, const struct store *s, const struct volume_info *v,
			int ls)
{
	char path[PATH_MAX], when[64];

	created_at(v->created, when, sizeof(when));
	if (volume_data_path(s, v->name, path))
		*path = 0;
	jw_obj(w);
	jw_kstr(w, "CreatedAt", when);
	jw_kstr(w, "Driver", "local");
	jw_key(w, "Labels");
	if (ls) {
		size_t len = 0;
		char *all;

		for (int i = 0; v->labels && v->labels[i]; i++)
			len += strlen(v->labels[i]) + 1;
		if (!(all = calloc(1, len + 1)))
			die(EXIT_FAIL, "out of memory");
		for (int i = 0; v->labels && v->labels[i]; i++)
			strcat(strcat(all, i ? "," : ""), v->labels[i]);
		jw_str(w, all);
		free(all);
	} else if (!v->labels) {
		jw_null(w);
	} else {
		jw_obj(w);
		for (int i = 0; v->labels[i]; i++) {
			char *eq = strchr(v->labels[i], '=');

			*eq = 0; /* volume_load made every label K=V */
			jw_kstr(w, v->labels[i], eq + 1);
			*eq = '=';
		}
		jw_end(w);
	}
	jw_kstr(w, "Mountpoint", path);
	jw_kstr(w, "Name", v->name);
	jw_key(w, "Options");
	jw_null(w);
	jw_kstr(w, "Scope", "local");
	jw_end(w);
}

/* Print w's object through the template, or as it is. */
static void emit(struct json_w *w, const char *format, int check, FILE *out)
{
	struct json_doc d;

	if (jw_finish(w))
		die_err(EXIT_FAIL);
	if (!format || !*format) {
		fwrite(w->buf, 1, w->len, out);
		jw_free(w);
		return;
	}
	if (json_parse(&d, w->buf, w->len) || (check && template_fields_exist(format, &d, 0))
	    || template_render(format, &d, 0, out))
		die_err(EXIT_FAIL);
	putc('\n', out);
	json_free(&d);
	jw_free(w);
}

/* ---- create ------------------------------------------------------------- */

static int create(struct cmd *c, int argc, char **argv)
{
	char name[VOLUME_NAME_MAX + 1];
	struct store s;

	if (argc > 1)
		die_usage("create takes at most one NAME");
	for (int i = 0; i < c->nlabels; i++)
		if (!*c->labels[i] || *c->labels[i] == '=')
			diex(EXIT_FAIL, "invalid label '%s': empty name", c->labels[i]);
	c->labels[c->nlabels] = NULL;
	open_store(&s, c, STORE_WRITE);
	if (volume_create(&s, argc ? argv[0] : NULL, c->labels, 0, name, NULL))
		die_err(EXIT_FAIL);
	store_close(&s);
	puts(name);
	return EXIT_OK;
}

/* ---- ls ----------------------------------------------------------------- */

static int label_has(const struct volume_info *v, const char *want)
{
	size_t k = strcspn(want, "=");

	for (int i = 0; v->labels && v->labels[i]; i++)
		if (!strncmp(v->labels[i], want, k) && v->labels[i][k] == '='
		    && (!want[k] || !strcmp(v->labels[i] + k + 1, want + k + 1)))
			return 1;
	return 0;
}

static int filter_one(const struct cmd *c, const char *f, const struct volume_info *v)
{
	const char *val = strchr(f, '=') + 1;

	switch (*f) {
	case 'd':
		if (f[1] == 'a') /* dangling */
			return !volume_users(c->s, v->name, NULL, 0) == !strcmp(val, "true");
		return !strcmp(val, "local"); /* driver */
	case 'n': return strstr(v->name, val) != NULL;
	default: return label_has(v, val);
	}
}

/* Each key given must match; of one key's values, any (as ps). */
static int filters_match(const struct cmd *c, const struct volume_info *v)
{
	for (int i = 0; i < c->nfilters; i++) {
		int any = 0;
		size_t k = strcspn(c->filters[i], "=");

		for (int j = 0; j < c->nfilters && !any; j++)
			any = !strncmp(c->filters[j], c->filters[i], k + 1)
				&& filter_one(c, c->filters[j], v);
		if (!any)
			return 0;
	}
	return 1;
}

static void filter_check(const char *f)
{
	static const char *const keys[] = { "dangling=", "name=", "label=", "driver=" };
	int ok = 0;

	for (unsigned i = 0; i < 4; i++)
		ok |= !strncmp(f, keys[i], strlen(keys[i]));
	if (!ok)
		diex(EXIT_FAIL, "invalid filter '%.*s'", (int)strcspn(f, "="), f);
	if (!strncmp(f, "dangling=", 9)) {
		if (!strcmp(f + 9, "1"))
			strcpy((char *)f + 9, "true");
		else if (!strcmp(f + 9, "0"))
			strcpy((char *)f + 9, "false");
		else if (strcmp(f + 9, "true") && strcmp(f + 9, "false"))
			diex(EXIT_FAIL, "invalid filter 'dangling=%s'", f + 9);
	}
}

static int ls_one(const struct volume_info *v, void *arg)
{
	struct cmd *c = arg;
	struct json_w w;

	if (!filters_match(c, v))
		return 0;
	if (c->quiet) {
		puts(v->name);
		return 0;
	}
	if (!c->format) {
		printf("%-10s%s\n", "local", v->name);
		return 0;
	}
	jw_init(&w, 0);
	volume_json(&w, c->s, v, 1);
	emit(&w, c->format, 1, c->out);
	return 0;
}

static const char *const ls_titles[][2] = {
	{ "Name", "VOLUME NAME" }, { "Driver", "DRIVER" }, { "Mountpoint", "MOUNTPOINT" },
	{ "CreatedAt", "CREATED AT" },
};

static int ls(struct cmd *c, int argc)
{
	char *table = NULL;
	size_t table_len = 0;
	struct store s;

	if (argc)
		die_usage("ls takes no arguments");
	c->out = stdout;
	if (c->table && !c->quiet) {
		if (!(c->out = open_memstream(&table, &table_len)))
			die(EXIT_FAIL, "out of memory");
		template_table_header(c->format, ls_titles, sizeof(ls_titles) / sizeof(ls_titles[0]),
				      c->out);
	}
	if (!c->quiet && !c->format)
		printf("%-10s%s\n", "DRIVER", "VOLUME NAME");
	open_store(&s, c, STORE_READ);
	c->s = &s;
	if (volume_each(&s, ls_one, c) < 0)
		die_err(EXIT_FAIL);
	store_close(&s);
	if (c->out != stdout) {
		fclose(c->out);
		template_table_print(table);
		free(table);
	}
	return EXIT_OK;
}

/* ---- inspect ------------------------------------------------------------ */

static int inspect(struct cmd *c, int argc, char **argv)
{
	struct json_w w;
	struct store s;
	int rc = EXIT_OK;

	if (!argc)
		die_usage("inspect needs a NAME");
	open_store(&s, c, STORE_READ);
	jw_init(&w, 1);
	if (!c->format)
		jw_arr(&w);
	for (int i = 0; i < argc; i++) {
		struct volume_info v;

		if (volume_load(&s, argv[i], &v)) {
			/* docker's word for it, on stderr, and the rest still shown */
			fprintf(stderr, "Error: No such volume: %s\n", argv[i]);
			rc = EXIT_FAIL;
			continue;
		}
		if (c->format) {
			struct json_w one;

			jw_init(&one, 0);
			volume_json(&one, &s, &v, 0);
			emit(&one, c->format, 0, stdout);
		} else
			volume_json(&w, &s, &v, 0);
		volume_info_free(&v);
	}
	store_close(&s);
	if (!c->format) {
		jw_end(&w);
		emit(&w, NULL, 0, stdout);
	} else
		jw_free(&w);
	return rc;
}

/* ---- rm, prune ---------------------------------------------------------- */

static int rm(struct cmd *c, int argc, char **argv)
{
	struct store s;
	int rc = EXIT_OK;

	if (!argc)
		die_usage("rm needs a NAME");
	open_store(&s, c, STORE_WRITE);
	container_sweep(&s);
	for (int i = 0; i < argc; i++) {
		if (volume_remove(&s, argv[i], c->force)) {
			warnx("%s", err_msg());
			rc = EXIT_FAIL;
			continue;
		}
		puts(argv[i]);
	}
	store_close(&s);
	return rc;
}

static int prune_one(const struct volume_info *v, void *arg)
{
	struct cmd *c = arg;
	int64_t size;

	if ((!c->all && !v->anonymous) || volume_users(c->s, v->name, NULL, 0))
		return 0;
	size = volume_size(c->s, v->name);
	if (volume_remove(c->s, v->name, 1)) {
		warnx("%s", err_msg());
		return 0;
	}
	c->freed += size;
	printf("%s%s\n", c->shown++ ? "" : "Deleted Volumes:\n", v->name);
	return 0;
}

static int prune(struct cmd *c, int argc)
{
	char line[16], size[16];
	struct store s;

	if (argc)
		die_usage("prune takes no arguments");
	if (!c->force) {
		printf("WARNING! This will remove %s local volumes not used by at least one "
		       "container.\nAre you sure you want to continue? [y/N] ",
		       c->all ? "all" : "anonymous");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y'))
			return EXIT_OK;
	}
	open_store(&s, c, STORE_WRITE);
	container_sweep(&s);
	c->s = &s;
	if (volume_each(&s, prune_one, c) < 0)
		die_err(EXIT_FAIL);
	store_close(&s);
	human_size(size, sizeof(size), c->freed);
	printf("%sTotal reclaimed space: %s\n", c->shown ? "\n" : "", size);
	return EXIT_OK;
}

int volume_main(int argc, char **argv)
{
	static const char *const subs[] = { "create", "ls", "inspect", "rm", "prune", "list",
					    "remove" };
	struct cmd c = { 0 };
	int opt, sub = -1;

	applet_help_anywhere(argc, argv); /* volume SUBCOMMAND --help too */
	if (argc < 2)
		die_usage("missing subcommand");
	if (argv[1][0] == '-')
		die_usage("unknown option '%s'", argv[1]);
	for (int i = 0; i < 7; i++)
		if (!strcmp(argv[1], subs[i]))
			sub = i == 5 ? 1 : i == 6 ? 3 : i;
	if (sub < 0)
		die_usage("unknown subcommand '%s' (create, ls, inspect, rm, prune)", argv[1]);
	argc--, argv++;
	if (!(c.filters = calloc(argc + 1, sizeof(char *)))
	    || !(c.labels = calloc(argc + 1, sizeof(char *))))
		die(EXIT_FAIL, "out of memory");
	/* -f is --filter for ls, --format for inspect, --force for rm, prune */
	while ((opt = applet_getopt(argc, argv, sub >= 3 ? "ad:Fl:qhf" : "ad:f:Fl:qh", opts))
	       != -1) {
		switch (opt) {
		case 'a': c.all = 1; break;
		case 'd':
			if (strcmp(optarg, "local"))
				diex(EXIT_FAIL, "volume driver %s is not supported (local)", optarg);
			break;
		case 'f':
			if (sub == 2) { /* inspect -f is --format */
				if (template_check(optarg))
					die_usage("%s", err_msg());
				c.format = optarg;
				break;
			}
			if (sub >= 3) { /* rm -f, prune -f */
				c.force = 1;
				break;
			}
			filter_check(optarg);
			c.filters[c.nfilters++] = optarg;
			break;
		case 'F': c.force = 1; break;
		case 'T':
			if (!strncmp(optarg, "table", 5) && (!optarg[5] || strchr(" \t", optarg[5]))) {
				optarg += 5 + strspn(optarg + 5, " \t");
				if (!*optarg)
					break; /* "table" alone: the usual table */
				c.table = 1;
			}
			if (!strcmp(optarg, "json") && !c.table)
				optarg = "";
			else if (template_check(optarg))
				die_usage("%s", err_msg());
			c.format = optarg;
			break;
		case 'l': c.labels[c.nlabels++] = optarg; break;
		case 'q': c.quiet = 1; break;
		case 'R': c.root = optarg; break;
		case 'D': container_runtime_dir(optarg); break;
		case 'h': usage_exit(EXIT_OK);
		default: die_usage("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	switch (sub) {
	case 0: return create(&c, argc, argv);
	case 1: return ls(&c, argc);
	case 2: return inspect(&c, argc, argv);
	case 3: return rm(&c, argc, argv);
	default: return prune(&c, argc);
	}
}
