/* ps.c - list containers, as `docker ps` does, with the host PID of
 * each container's init (what `ps` on the host shows for it). */
//applet:ps
//summary:list containers
//config:config APPLET_PS
//config:	bool "ps"
//config:	default y
//config:	help
//config:	  List containers with their state and host PIDs.
//usage:[-a] [-q] [--no-trunc] [--format json]
//usage:List running containers, newest first: CONTAINER ID, IMAGE, COMMAND,
//usage:CREATED, STATUS, the host PID of the container's init and NAMES.
//usage:A container whose processes died with nobody to record it (its
//usage:monitor was killed too, or the machine went down) shows as
//usage:Exited (255).
//usage:
//usage:  -a, --all          all containers, not only running ones
//usage:  -q, --quiet        only the IDs
//usage:      --no-trunc     full IDs and commands
//usage:      --format json  one JSON object per line, as docker's
//usage:      --format T     a line per container from the Go-style template T:
//usage:                     {{.ID}} {{.Names}} {{.Status}} {{.Pid}}, \t, \n
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "container.h"
#include "health.h"
#include "err.h"
#include "human.h"
#include "json.h"
#include "store.h"
#include "template.h"

struct row {
	char id[CONTAINER_ID_LEN + 1], pid[16], created[48], status[64];
	char *image, *command, *name, *state, *created_at;
};

struct ps {
	const struct store *s;
	int all, quiet, no_trunc, json;
	const char *format;
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

static int add(const char *id, void *arg)
{
	struct ps *ps = arg;
	struct container_spec c;
	struct container_state st;
	struct row *r;
	char t[48];
	int paused;

	if (container_spec_load(ps->s, id, &c) || container_state_load(ps->s, id, &st)) {
		errno = err_errno();
		warn("%.12s: %s", id, err_msg());
		return 0;
	}
	if (!ps->all && st.status != ST_RUNNING && st.status != ST_RESTARTING) {
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
	paused = st.status == ST_RUNNING && container_paused(id);
	if (paused) /* docker's words */
		snprintf(r->status + strlen(r->status), sizeof(r->status) - strlen(r->status),
			 " (Paused)");
	else if (st.status == ST_RUNNING) /* docker's: "Up 5 minutes (healthy)" */
		health_ps_suffix(ps->s, id, r->status, sizeof(r->status));
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

static void print_json(const struct row *r, const char *format)
{
	struct json_w w;

	jw_init(&w, 0);
	jw_obj(&w);
	jw_kstr(&w, "Command", r->command);
	jw_kstr(&w, "CreatedAt", r->created_at);
	jw_kstr(&w, "ID", r->id);
	jw_kstr(&w, "Image", r->image);
	jw_kstr(&w, "Names", r->name);
	jw_key(&w, "Pid");
	if (strcmp(r->pid, "-"))
		jw_int(&w, atoi(r->pid));
	else
		jw_null(&w);
	jw_kstr(&w, "RunningFor", r->created);
	jw_kstr(&w, "State", r->state);
	jw_kstr(&w, "Status", r->status);
	jw_end(&w);
	if (jw_finish(&w))
		die_err(EXIT_FAIL);
	if (format) {
		struct json_doc d;

		if (json_parse(&d, w.buf, w.len) || template_fields_exist(format, &d, 0)
		    || template_render(format, &d, 0, stdout))
			die_err(EXIT_FAIL);
		putchar('\n');
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

int ps_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, 0, 'a' },
		{ "quiet", no_argument, 0, 'q' },
		{ "no-trunc", no_argument, 0, 'N' },
		{ "format", required_argument, 0, 'f' },
		{ "root", required_argument, 0, 'R' },
		{ "runtime-dir", required_argument, 0, 'D' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	struct ps ps = { 0 };
	const char *root = NULL;
	struct store s;
	int opt;

	while ((opt = applet_getopt(argc, argv, "aqh", opts)) != -1) {
		switch (opt) {
		case 'a': ps.all = 1; break;
		case 'q': ps.quiet = 1; break;
		case 'N': ps.no_trunc = 1; break;
		case 'f':
			ps.json = 1;
			if (strcmp(optarg, "json")) {
				if (template_check(optarg))
					die_usage("%s", err_msg());
				ps.format = optarg;
			}
			break;
		case 'R': root = optarg; break;
		case 'D': container_runtime_dir(optarg); break;
		case 'h': usage_exit(EXIT_OK);
		default: die_usage("unknown option");
		}
	}
	if (optind < argc)
		die_usage("no arguments expected");
	if (store_open(&s, store_root(root), STORE_READ))
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

	if (!ps.quiet && !ps.json) {
		cell("CONTAINER ID", wid, "   ");
		cell("IMAGE", wim, "   ");
		cell("COMMAND", wcm, "   ");
		cell("CREATED", wcr, "   ");
		cell("STATUS", wst, "   ");
		cell("PID", wpid, "   ");
		cell("NAMES", 0, "");
	}
	/* newest first, as docker lists */
	for (int i = ps.n - 1; i >= 0; i--) {
		struct row *r = &ps.rows[i];

		if (ps.quiet)
			puts(r->id);
		else if (ps.json)
			print_json(r, ps.format);
		else {
			cell(r->id, wid, "   ");
			cell(r->image, wim, "   ");
			cell(r->command, wcm, "   ");
			cell(r->created, wcr, "   ");
			cell(r->status, wst, "   ");
			cell(r->pid, wpid, "   ");
			cell(r->name, 0, "");
		}
		free(r->image);
		free(r->command);
		free(r->name);
		free(r->created_at);
	}
	free(ps.rows);
	return EXIT_OK;
}
