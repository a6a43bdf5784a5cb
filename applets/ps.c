/* ps.c - list containers, as `docker ps` does, with the host PID of
 * each container's init (what `ps` on the host shows for it). */
//applet:ps
//summary:list containers
//config:config APPLET_PS
//config:	bool "ps"
//config:	default y
//config:	help
//config:	  List containers with their state and host PIDs.
//usage:[-a] [-q] [--no-trunc] [-f FILTER]... [--format json|TEMPLATE]
//usage:List running containers, newest first: CONTAINER ID, IMAGE, COMMAND,
//usage:CREATED, STATUS, PORTS (published, HOSTIP:HOSTPORT->PORT/PROTO), the host
//usage:PID of the container's init and NAMES.
//usage:A container whose processes died with nobody to record it (its
//usage:monitor was killed too, or the machine went down) shows as
//usage:Exited (255).
//usage:
//usage:  -a, --all          all containers, not only running ones
//usage:  -q, --quiet        only the IDs
//usage:      --no-trunc     full IDs and commands
//usage:  -f, --filter K=V   only containers with name=RE (a regular expression
//usage:                     found in the name: . * + ? [a-z] \d ^ $ |), id=ID
//usage:                     (a prefix), status=STATE (created,
//usage:                     running, paused, restarting, exited, dead; implies
//usage:                     -a), label=KEY[=VALUE] (the image's labels),
//usage:                     ancestor=IMAGE (name[:tag] or ID; images made from
//usage:                     it too), exited=CODE, network=NAME (bridge, host,
//usage:                     none or a user network);
//usage:                     several: each key must match, one of its values
//usage:      --format json  one JSON object per line, as docker's
//usage:      --format T     a line per container from the Go-style template T:
//usage:                     {{.ID}} {{.Names}} {{.Status}} {{.Pid}} (0 when not
//usage:                     running), \t, \n; "table T": aligned columns
//usage:                     under a header
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "bridge.h"
#include "container.h"
#include "health.h"
#include "err.h"
#include "human.h"
#include "image.h"
#include "json.h"
#include "rematch.h"
#include "store.h"
#include "template.h"

struct row {
	char id[CONTAINER_ID_LEN + 1], pid[16], created[48], status[64];
	char *image, *command, *name, *state, *created_at;
	char ports[PORTMAP_MAX * 48];
};

struct ps {
	const struct store *s;
	int all, quiet, no_trunc, json, table;
	const char *format;
	char **filters; /* KEY=VALUE, checked */
	int nfilters;
	FILE *out;      /* table: the rendered lines, aligned at the end */
	struct row *rows;
	int n, cap;
};

/* The command line as docker shows it: argv joined by spaces, cut to 20
 * characters with an ellipsis, in double quotes. */
static char *command_text(char **argv, int no_trunc)
{
	size_t len = 3;
	char *s, *p;

	for (int i = 0; argv && argv[i]; i++)
		len += strlen(argv[i]) + 1;
	if (!(s = malloc(len + 4)))
		die(EXIT_FAIL, "out of memory");
	p = s;
	*p++ = '"';
	for (int i = 0; argv && argv[i]; i++)
		p += sprintf(p, "%s%s", i ? " " : "", argv[i]);
	*p = 0;
	if (!no_trunc && strlen(s + 1) > 20) {
		/* 19 characters (not bytes: keep UTF-8 whole) and "…" */
		size_t k = 1;

		for (int c = 0; c < 19; c++)
			do
				k++;
			while ((s[k] & 0xc0) == 0x80);
		strcpy(s + k, "\xe2\x80\xa6");
		p = s + k + 3;
	}
	strcpy(p, "\"");
	return s;
}

/* ---- -f KEY=VALUE (docker ps --filter) ---------------------------------- */

static const char *const filter_keys[] = {
	"name", "id", "status", "label", "ancestor", "exited", "network",
};

static void filter_check(const char *f)
{
	static const char *const states[] = {
		"created", "restarting", "running", "removing", "paused", "exited", "dead",
	};
	size_t k = strcspn(f, "=");
	unsigned i, ok = 0;

	for (i = 0; i < sizeof(filter_keys) / sizeof(filter_keys[0]); i++)
		if (strlen(filter_keys[i]) == k && !strncmp(filter_keys[i], f, k))
			break;
	if (!f[k] || i == sizeof(filter_keys) / sizeof(filter_keys[0]))
		diex(EXIT_FAIL, "invalid filter '%.*s'", (int)k, f);
	if (i == 2) {
		for (unsigned j = 0; j < sizeof(states) / sizeof(states[0]); j++)
			ok |= !strcmp(f + k + 1, states[j]);
		if (!ok)
			diex(EXIT_FAIL, "invalid filter 'status=%s'", f + k + 1);
	}
	if (i == 0 && rematch_check(f + k + 1))
		diex(EXIT_FAIL, "invalid filter 'name=%s': %s", f + k + 1, err_msg());
	if (i == 5 && (!f[k + 1] || strspn(f + k + 1, "0123456789") != strlen(f + k + 1)))
		diex(EXIT_FAIL, "invalid filter 'exited=%s'", f + k + 1);
}

/* name=: Go's regular expression (core/rematch.h), against the name as
 * docker keeps it too, with a leading "/" ("^/web"). */
static int name_match(const char *name, const char *pat)
{
	char slashed[CONTAINER_NAME_MAX + 2];

	snprintf(slashed, sizeof(slashed), "/%s", name);
	return rematch(pat, name) || rematch(pat, slashed);
}

static int label_match(const struct store *s, const struct container_spec *c, const char *want)
{
	size_t k = strcspn(want, "=");
	struct image im;
	uint32_t cfg, l, v;
	int found = 0;

	if (!*c->manifest || image_open_manifest(s, c->manifest, &im))
		return 0;
	cfg = json_get(&im.config, 0, "config");
	l = cfg ? json_get(&im.config, cfg, "Labels") : 0;
	for (uint32_t i = l && json_type(&im.config, l) == JSON_OBJECT ? json_first(&im.config, l) : 0;
	     i && !found; i = json_next(&im.config, i)) {
		const char *key = json_str(&im.config, i);

		v = i + 1;
		found = key && strlen(key) == k && !strncmp(key, want, k)
			&& (!want[k] || (json_str(&im.config, v)
					 && !strcmp(json_str(&im.config, v), want + k + 1)));
	}
	image_close(&im);
	return found;
}

static int ancestor_match(const struct store *s, const struct container_spec *c,
			  const char *want)
{
	struct image im;
	int found;

	if (c->image && (!strcmp(c->image, want)
			 || (!strchr(want, ':') && !strncmp(c->image, want, strlen(want))
			     && !strcmp(c->image + strlen(want), ":latest"))))
		return 1;
	if (image_open(s, want, &im))
		return 0;
	found = !strcmp(im.id, c->image_id);
	/* or an image made from it (commit, a build FROM it): its layers
	 * are IMAGE's and more, as docker's ancestor= finds descendants */
	if (!found && c->layers && im.layers) {
		int i = 0;

		for (uint32_t l = json_first(&im.manifest, im.layers); l;
		     l = json_next(&im.manifest, l), i++) {
			const char *d = json_get_str(&im.manifest, l, "digest");

			if (!d || !c->layers[i] || strcmp(d, c->layers[i]))
				break;
			found = !json_next(&im.manifest, l);
		}
	}
	image_close(&im);
	return found;
}

static int filter_one(const struct ps *ps, const char *f, const char *id,
		      const struct container_spec *c, const struct container_state *st,
		      const char *state)
{
	const char *v = strchr(f, '=') + 1;

	if (!strncmp(f, "network=", 8)) { /* its networks' names, as run and connect named them */
		size_t n = strlen(v);

		for (int i = 0; c->connected && c->connected[i]; i++)
			if (!strncmp(c->connected[i], v, n) && strchr(" ", c->connected[i][n]))
				return 1;
		return !strcmp(v, c->net == NET_BRIDGE ? c->network ? c->network : "bridge"
			       : c->net == NET_HOST ? "host" : c->net == NET_CONTAINER ? ""
			       : "none");
	}
	switch (*f) {
	case 'n': return name_match(c->name, v);
	case 'i': return !strncmp(id, v, strlen(v));
	case 's': return !strcmp(state, v);
	case 'l': return label_match(ps->s, c, v);
	case 'a': return ancestor_match(ps->s, c, v);
	default: /* exited */
		return st->status == ST_EXITED && st->exit_code == atoi(v);
	}
}

/* Each key given must match; of one key's values, any. */
static int filters_match(const struct ps *ps, const char *id, const struct container_spec *c,
			 const struct container_state *st, const char *state)
{
	for (int i = 0; i < ps->nfilters; i++) {
		size_t k = strcspn(ps->filters[i], "=") + 1;
		int any = 0;

		for (int j = 0; j < ps->nfilters && !any; j++)
			any = !strncmp(ps->filters[j], ps->filters[i], k)
				&& filter_one(ps, ps->filters[j], id, c, st, state);
		if (!any)
			return 0;
	}
	return 1;
}

static int add(const char *id, void *arg)
{
	struct ps *ps = arg;
	struct container_spec c;
	struct container_state st;
	struct row *r;
	char t[48];
	int paused;

	if (container_state_load(ps->s, id, &st)) {
		errno = err_errno();
		warn("%.12s: %s", id, err_msg());
		return 0;
	}
	if (container_spec_load(ps->s, id, &c)) {
		/* a damaged record: listed Dead (docker's word), so that it
		 * can be seen and removed */
		warnx("%.12s: %s", id, err_msg());
		memset(&st, 0, sizeof(st));
		st.status = ST_DEAD;
		strcpy(c.id, id);
	}
	paused = st.status == ST_RUNNING && container_paused(id);
	if ((!ps->all && st.status != ST_RUNNING && st.status != ST_RESTARTING)
	    || !filters_match(ps, id, &c, &st,
			      paused ? "paused" : container_status_name(st.status))) {
		container_spec_free(&c);
		return 0;
	}
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 16;
		if (!(ps->rows = realloc(ps->rows, ps->cap * sizeof(*ps->rows))))
			die(EXIT_FAIL, "out of memory");
	}
	r = &ps->rows[ps->n++];
	snprintf(r->id, sizeof(r->id), "%.*s", ps->no_trunc ? CONTAINER_ID_LEN : 12, id);
	if (st.status == ST_RUNNING)
		snprintf(r->pid, sizeof(r->pid), "%d", (int)st.pid);
	else
		strcpy(r->pid, "-");
	container_time(c.created, t, sizeof(t));
	human_age(r->created, sizeof(r->created), t);
	container_status_text(&st, r->status, sizeof(r->status));
	if (paused) /* docker's words */
		snprintf(r->status + strlen(r->status), sizeof(r->status) - strlen(r->status),
			 " (Paused)");
	else if (st.status == ST_RUNNING) /* docker's: "Up 5 minutes (healthy)" */
		health_ps_suffix(ps->s, id, r->status, sizeof(r->status));
	*r->ports = 0;
	if (ENABLED(FEATURE_BRIDGE) && st.status == ST_RUNNING && c.net == NET_BRIDGE) {
		struct ipam_lease l;

		if (net_lease_get(ps->s->root, id, NULL, &l) == 1)
			for (int i = 0; i < l.nports; i++) {
				size_t k = strlen(r->ports);

				if (k)
					strcpy(r->ports + k, ", "), k += 2;
				portmap_format(&l.ports[i], r->ports + k, sizeof(r->ports) - k);
			}
	}
	r->image = strdup(c.image ? c.image : c.image_id);
	r->command = command_text(c.argv, ps->no_trunc || ps->json);
	r->name = strdup(c.name);
	r->state = paused ? "paused" : (char *)container_status_name(st.status);
	r->created_at = strdup(t);
	container_spec_free(&c);
	if (!r->image || !r->name || !r->created_at)
		die(EXIT_FAIL, "out of memory");
	return 0;
}

static void print_json(const struct row *r, const char *format, FILE *out)
{
	struct json_w w;

	jw_init(&w, 0);
	jw_obj(&w);
	jw_kstr(&w, "Command", r->command);
	jw_kstr(&w, "CreatedAt", r->created_at);
	jw_kstr(&w, "ID", r->id);
	jw_kstr(&w, "Image", r->image);
	jw_kstr(&w, "Names", r->name);
	/* 0 when not running: what docker's State.Pid says then */
	jw_kint(&w, "Pid", strcmp(r->pid, "-") ? atoi(r->pid) : 0);
	jw_kstr(&w, "Ports", r->ports);
	jw_kstr(&w, "RunningFor", r->created);
	jw_kstr(&w, "State", r->state);
	jw_kstr(&w, "Status", r->status);
	jw_end(&w);
	if (jw_finish(&w))
		die_err(EXIT_FAIL);
	if (format) {
		struct json_doc d;

		if (json_parse(&d, w.buf, w.len) || template_fields_exist(format, &d, 0)
		    || template_render(format, &d, 0, out))
			die_err(EXIT_FAIL);
		putc('\n', out);
		json_free(&d);
	} else
		fwrite(w.buf, 1, w.len, stdout);
	jw_free(&w);
}

/* Column width: the widest cell, at least the header's. */
static int width(const struct ps *ps, const char *head, size_t off, int is_ptr)
{
	int w = strlen(head);

	for (int i = 0; i < ps->n; i++) {
		const char *cell = is_ptr ? *(char **)((char *)&ps->rows[i] + off)
					  : (char *)&ps->rows[i] + off;
		int k = 0;

		for (const char *p = cell; *p; p++) /* count characters, not bytes */
			k += (*p & 0xc0) != 0x80;
		w = k > w ? k : w;
	}
	return w;
}

/* printf's %-*s counts bytes; pad by characters so "…" lines up. */
static void cell(const char *s, int w, const char *sep)
{
	int k = 0;

	for (const char *p = s; *p; p++)
		k += (*p & 0xc0) != 0x80;
	fputs(s, stdout);
	if (*sep)
		printf("%*s%s", w - k, "", sep);
	else
		putchar('\n');
}

/* --format 'table T': docker's column titles for ps */
static const char *const ps_titles[][2] = {
	{ "ID", "CONTAINER ID" }, { "Image", "IMAGE" }, { "Command", "COMMAND" },
	{ "CreatedAt", "CREATED AT" }, { "RunningFor", "CREATED" }, { "State", "STATE" },
	{ "Status", "STATUS" }, { "Names", "NAMES" }, { "Pid", "PID" },
};

int ps_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, 0, 'a' },
		{ "quiet", no_argument, 0, 'q' },
		{ "no-trunc", no_argument, 0, 'N' },
		{ "format", required_argument, 0, 'F' },
		{ "filter", required_argument, 0, 'f' },
		{ 0 }
	};
	struct ps ps = { 0 };
	const char *root = NULL;
	struct store s;
	char *table = NULL;
	size_t table_len = 0;
	int opt;

	if (!(ps.filters = calloc(argc, sizeof(char *))))
		die(EXIT_FAIL, "out of memory");
	ps.out = stdout;
	while ((opt = applet_getopt_store(argc, argv, "aqhf:", opts, &root)) != -1) {
		switch (opt) {
		case 'a': ps.all = 1; break;
		case 'f':
			filter_check(optarg);
			ps.filters[ps.nfilters++] = optarg;
			if (!strncmp(optarg, "status=", 7))
				ps.all = 1; /* as docker: a status filter looks at all */
			break;
		case 'q': ps.quiet = 1; break;
		case 'N': ps.no_trunc = 1; break;
		case 'F':
			ps.json = 1;
			if (!strncmp(optarg, "table", 5) && (!optarg[5] || strchr(" \t", optarg[5]))) {
				optarg += 5 + strspn(optarg + 5, " \t");
				ps.table = 1;
				if (!*optarg) { /* "table" alone: the usual table */
					ps.json = ps.table = 0;
					break;
				}
			}
			if (strcmp(optarg, "json") || ps.table) {
				if (template_check(optarg))
					die_usage("%s", err_msg());
				ps.format = optarg;
			}
			break;
		default: die_usage("unknown option");
		}
	}
	if (optind < argc)
		die_usage("no arguments expected");
	if (store_open(&s, store_root(root), STORE_RECORDS))
		die_err(EXIT_FAIL);
	ps.s = &s;
	if (container_each(&s, add, &ps) < 0)
		die_err(EXIT_FAIL);
	store_close(&s);

	int wid = ps.no_trunc ? CONTAINER_ID_LEN : 12;
	int wim = width(&ps, "IMAGE", offsetof(struct row, image), 1);
	int wcm = width(&ps, "COMMAND", offsetof(struct row, command), 1);
	int wcr = width(&ps, "CREATED", offsetof(struct row, created), 0);
	int wst = width(&ps, "STATUS", offsetof(struct row, status), 0);
	int wpid = width(&ps, "PID", offsetof(struct row, pid), 0);
	int wpo = width(&ps, "PORTS", offsetof(struct row, ports), 0);

	if (ps.table && !ps.quiet) {
		if (!(ps.out = open_memstream(&table, &table_len)))
			die(EXIT_FAIL, "out of memory");
		template_table_header(ps.format, ps_titles,
				      sizeof(ps_titles) / sizeof(ps_titles[0]), ps.out);
	}
	if (!ps.quiet && !ps.json) {
		cell("CONTAINER ID", wid, "   ");
		cell("IMAGE", wim, "   ");
		cell("COMMAND", wcm, "   ");
		cell("CREATED", wcr, "   ");
		cell("STATUS", wst, "   ");
		cell("PORTS", wpo, "   ");
		cell("PID", wpid, "   ");
		cell("NAMES", 0, "");
	}
	/* newest first, as docker lists */
	for (int i = ps.n - 1; i >= 0; i--) {
		struct row *r = &ps.rows[i];

		if (ps.quiet)
			puts(r->id);
		else if (ps.json)
			print_json(r, ps.format, ps.out);
		else {
			cell(r->id, wid, "   ");
			cell(r->image, wim, "   ");
			cell(r->command, wcm, "   ");
			cell(r->created, wcr, "   ");
			cell(r->status, wst, "   ");
			cell(r->ports, wpo, "   ");
			cell(r->pid, wpid, "   ");
			cell(r->name, 0, "");
		}
		free(r->image);
		free(r->command);
		free(r->name);
		free(r->created_at);
	}
	free(ps.rows);
	if (ps.out != stdout) {
		fclose(ps.out);
		template_table_print(table);
		free(table);
	}
	return EXIT_OK;
}
