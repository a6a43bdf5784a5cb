/* template.c - {{.Field}} and {{json .Field}} (see template.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "template.h"

#define ACTION_MAX 256

/* The next action: text before it is [*p, *open); the action's trimmed
 * words in act. 0 at the end (no action), 1 with one, -1 on error. */
static int next_action(const char **p, const char **open, char act[ACTION_MAX])
{
	const char *o = strstr(*p, "{{"), *c;
	size_t n;

	if (!o) {
		*open = *p + strlen(*p);
		return 0;
	}
	if (!(c = strstr(o + 2, "}}")))
		return err_setn(EINVAL, "template: unclosed action");
	*open = o;
	o += 2;
	while (o < c && (*o == ' ' || *o == '-')) /* {{- trims space in Go: close enough */
		o++;
	n = c - o;
	while (n && (o[n - 1] == ' ' || o[n - 1] == '-'))
		n--;
	if (n >= ACTION_MAX)
		return err_setn(EINVAL, "template: action too long");
	memcpy(act, o, n);
	act[n] = 0;
	*p = c + 2;
	return 1;
}

/* ".A.B" -> the path after "json " or alone; 0 if it is not one. */
static const char *path_of(const char *act, int *json)
{
	*json = !strncmp(act, "json ", 5);
	if (*json)
		act += 5 + strspn(act + 5, " ");
	return *act == '.' && !strpbrk(act, " |()$\"") ? act : NULL;
}

int template_check(const char *tmpl)
{
	char act[ACTION_MAX];
	const char *open;
	int r, json;

	while ((r = next_action(&tmpl, &open, act)) > 0)
		if (!path_of(act, &json))
			return err_setn(EINVAL, "template: {{%s}}: only {{.Field}} and "
					"{{json .Field}} are supported", act);
	return r;
}

/* Follow ".A.B" from v: the node, or 0 if a field is missing. */
static uint32_t follow(const struct json_doc *d, uint32_t v, const char *path)
{
	char key[ACTION_MAX];

	while (*path == '.' && path[1]) {
		size_t n = strcspn(path + 1, ".");

		memcpy(key, path + 1, n);
		key[n] = 0;
		if (json_type(d, v) != JSON_OBJECT || !(v = json_get(d, v, key)))
			return 0;
		path += 1 + n;
	}
	return v;
}

static void put_string(const struct json_node *n, FILE *out)
{
	fwrite(n->str, 1, n->len, out);
}

/* As Go's fmt prints the value a template sees. Our own JSON: shallow. */
static void put_go(const struct json_doc *d, uint32_t v, FILE *out)
{
	const struct json_node *n = &d->nodes[v];

	switch (n->type) {
	case JSON_STRING: put_string(n, out); break;
	case JSON_NUMBER: fwrite(n->str, 1, n->len, out); break;
	case JSON_TRUE: fputs("true", out); break;
	case JSON_FALSE: fputs("false", out); break;
	case JSON_NULL: fputs("<nil>", out); break;
	case JSON_ARRAY:
		fputc('[', out);
		for (uint32_t i = json_first(d, v); i; i = json_next(d, i)) {
			if (i != json_first(d, v))
				fputc(' ', out);
			put_go(d, i, out);
		}
		fputc(']', out);
		break;
	case JSON_OBJECT:
		fputs("map[", out);
		for (uint32_t k = json_first(d, v); k; k = json_next(d, k)) {
			if (k != json_first(d, v))
				fputc(' ', out);
			put_string(&d->nodes[k], out);
			fputc(':', out);
			put_go(d, k + 1, out);
		}
		fputc(']', out);
		break;
	}
}

static void put_json(struct json_w *w, const struct json_doc *d, uint32_t v)
{
	const struct json_node *n = &d->nodes[v];

	switch (n->type) {
	case JSON_STRING: jw_strn(w, n->str, n->len); break;
	case JSON_NUMBER: {
		int64_t x;

		if (json_int(d, v, &x) == 0)
			jw_int(w, x);
		else
			jw_null(w); /* we write no fractions */
		break;
	}
	case JSON_TRUE: jw_bool(w, 1); break;
	case JSON_FALSE: jw_bool(w, 0); break;
	case JSON_NULL: jw_null(w); break;
	case JSON_ARRAY:
		jw_arr(w);
		for (uint32_t i = json_first(d, v); i; i = json_next(d, i))
			put_json(w, d, i);
		jw_end(w);
		break;
	case JSON_OBJECT:
		jw_obj(w);
		for (uint32_t k = json_first(d, v); k; k = json_next(d, k)) {
			char key[ACTION_MAX];

			snprintf(key, sizeof(key), "%.*s", (int)d->nodes[k].len, d->nodes[k].str);
			jw_key(w, key);
			put_json(w, d, k + 1);
		}
		jw_end(w);
		break;
	}
}

/* Text with \t and \n as the docker CLI reads them. */
static void put_text(const char *s, const char *end, FILE *out)
{
	for (; s < end; s++) {
		if (s[0] == '\\' && s + 1 < end && (s[1] == 't' || s[1] == 'n')) {
			fputc(s[1] == 't' ? '\t' : '\n', out);
			s++;
		} else
			fputc(*s, out);
	}
}

int template_fields_exist(const char *tmpl, const struct json_doc *d, uint32_t v)
{
	char act[ACTION_MAX];
	const char *p = tmpl, *open, *path;
	int r, json;

	while ((r = next_action(&p, &open, act)) > 0) {
		if (!(path = path_of(act, &json)))
			return err_setn(EINVAL, "template: {{%s}}: only {{.Field}} and "
					"{{json .Field}} are supported", act);
		if (strcmp(path, ".") && !follow(d, v, path))
			return err_setn(0, "template: {{%s}}: no such field", act);
	}
	return r;
}

int template_render(const char *tmpl, const struct json_doc *d, uint32_t v, FILE *out)
{
	char act[ACTION_MAX];
	const char *p = tmpl, *open, *path;
	int r, json;

	for (;;) {
		const char *start = p;

		if ((r = next_action(&p, &open, act)) < 0)
			return -1;
		put_text(start, open, out);
		if (!r)
			return 0;
		if (!(path = path_of(act, &json)))
			return err_setn(EINVAL, "template: {{%s}}: only {{.Field}} and "
					"{{json .Field}} are supported", act);
		uint32_t n = follow(d, v, path);

		if (!n && strcmp(path, ".")) {
			fputs(json ? "null" : "<no value>", out);
		} else if (json) {
			struct json_w w;

			jw_init(&w, 0);
			put_json(&w, d, n);
			if (jw_finish(&w)) {
				jw_free(&w);
				return -1;
			}
			fwrite(w.buf, 1, w.len - (w.len && w.buf[w.len - 1] == '\n'), out);
			jw_free(&w);
		} else
			put_go(d, n, out);
	}
}

/* ---- --format 'table T' (template.h) ---------------------------------- */

/* Literal text of a template: \t and \n as the renderer makes them. */
static void literal(const char *t, size_t n, FILE *out)
{
	for (size_t i = 0; i < n; i++)
		if (t[i] == '\\' && i + 1 < n && (t[i + 1] == 't' || t[i + 1] == 'n'))
			putc(t[++i] == 't' ? '\t' : '\n', out);
		else
			putc(t[i], out);
}

void template_table_header(const char *t, const char *const titles[][2], unsigned ntitles,
			   FILE *out)
{
	while (*t) {
		const char *o = strstr(t, "{{"), *c = o ? strstr(o, "}}") : NULL, *f;

		if (!o || !c) {
			literal(t, strlen(t), out);
			break;
		}
		literal(t, o - t, out);
		f = o + 2 + strspn(o + 2, " ");
		if (!strncmp(f, "json ", 5))
			f += 5 + strspn(f + 5, " ");
		f += *f == '.';
		{
			size_t n = strcspn(f, " }.");
			unsigned i;

			for (i = 0; i < ntitles; i++)
				if (strlen(titles[i][0]) == n && !strncmp(titles[i][0], f, n)) {
					fputs(titles[i][1], out);
					break;
				}
			for (size_t k = 0; i == ntitles && k < n; k++)
				putc(toupper((unsigned char)f[k]), out);
		}
		t = c + 2;
	}
	putc('\n', out);
}

/* The table's lines in buf, cells cut at tabs, aligned as docker's
 * tabwriter does it (cells at least 10 wide, 3 blanks between). */
void template_table_print(char *buf)
{
	int w[64] = { 0 };
	char *line, *save;

	for (int pass = 0; pass < 2; pass++) {
		char *copy = strdup(buf);

		if (!copy)
			return;
		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			int col = 0;

			for (char *cell = line, *tab; cell; cell = tab ? tab + 1 : NULL, col++) {
				int k = 0;

				if ((tab = strchr(cell, '\t')))
					*tab = 0;
				for (const char *p = cell; *p; p++)
					k += (*p & 0xc0) != 0x80;
				if (!pass && tab && col < 64 && k + 3 > w[col])
					w[col] = k + 3 < 10 ? 10 : k + 3;
				if (pass)
					printf("%s%*s", cell, tab && col < 64 ? w[col] - k : 0, "");
			}
			if (pass)
				putchar('\n');
		}
		free(copy);
	}
}

int template_line(const char *tmpl, const char *json, size_t n, FILE *out)
{
	struct json_doc d;
	int rc;

	if (!tmpl)
		return fwrite(json, 1, n, out) == n ? 0 : err_set("write");
	if (json_parse(&d, json, n))
		return -1;
	rc = template_fields_exist(tmpl, &d, 0) || template_render(tmpl, &d, 0, out) ? -1 : 0;
	json_free(&d);
	if (!rc)
		putc('\n', out);
	return rc;
}

int template_each(const char *tmpl, const char *json, size_t n, FILE *out)
{
	struct json_doc d;
	int rc = 0;

	if (json_parse(&d, json, n))
		return -1;
	for (uint32_t e = json_first(&d, 0); e && !rc; e = json_next(&d, e))
		if (!(rc = template_render(tmpl, &d, e, out)))
			putc('\n', out);
	json_free(&d);
	return rc;
}
