/* imgchange.c - commit --change instructions (see imgchange.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "imgchange.h"
#include "json.h"

static int add(struct imgchange *ch, const char *s, size_t n)
{
	char **v = realloc(ch->args, (ch->n + 2) * sizeof(char *));

	if (!v)
		return err_setn(ENOMEM, "out of memory");
	ch->args = v;
	if (!(v[ch->n] = malloc(n + 1)))
		return err_setn(ENOMEM, "out of memory");
	memcpy(v[ch->n], s, n);
	v[ch->n][n] = 0;
	v[++ch->n] = NULL;
	return 0;
}

/* The JSON form: 1 if p is an array of strings (added), 0 if it is not
 * JSON of that shape (then it is the shell form, as Docker reads it). */
static int json_form(struct imgchange *ch, const char *p, int *rc)
{
	struct json_doc d;
	uint32_t i;

	*rc = 0;
	if (*p != '[' || json_parse(&d, p, strlen(p)))
		return 0;
	if (json_type(&d, 0) != JSON_ARRAY) {
		json_free(&d);
		return 0;
	}
	for (i = json_first(&d, 0); i; i = json_next(&d, i))
		if (json_type(&d, i) != JSON_STRING) {
			json_free(&d);
			return 0;
		}
	for (i = json_first(&d, 0); i && !*rc; i = json_next(&d, i))
		*rc = add(ch, d.nodes[i].str, d.nodes[i].len);
	json_free(&d);
	/* [] is an empty command, not none */
	if (!*rc && !ch->args && !(ch->args = calloc(1, sizeof(char *))))
		*rc = err_setn(ENOMEM, "out of memory");
	return 1;
}

/* Shell-like words: blanks separate, '...' literal, "..." with \" and \\,
 * a backslash elsewhere escapes the next character. */
static int words(struct imgchange *ch, const char *p)
{
	char *buf = malloc(strlen(p) + 1);
	int rc = 0;

	if (!buf)
		return err_setn(ENOMEM, "out of memory");
	while (!rc) {
		size_t n = 0;

		p += strspn(p, " \t");
		if (!*p)
			break;
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '\'') {
				const char *e = strchr(p + 1, '\'');

				if (!e) {
					rc = err_setn(0, "unterminated single quote");
					break;
				}
				memcpy(buf + n, p + 1, e - p - 1);
				n += e - p - 1;
				p = e + 1;
			} else if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					buf[n++] = *p;
				}
				if (!*p) {
					rc = err_setn(0, "unterminated double quote");
					break;
				}
				p++;
			} else {
				if (*p == '\\' && p[1])
					p++;
				buf[n++] = *p++;
			}
		}
		if (!rc)
			rc = add(ch, buf, n);
	}
	free(buf);
	return rc;
}

/* ENV and LABEL: all KEY=VALUE words, or the legacy KEY VALUE. */
static int pairs(struct imgchange *ch, const char *name, const char *p)
{
	size_t k = strcspn(p, " \t=");

	if (p[k] != '=') { /* legacy: KEY then the rest of the line */
		const char *v = p + k + strspn(p + k, " \t");
		struct imgchange w = { 0 };
		int rc;

		if (!*v)
			return err_setn(0, "%s names can not be blank", name);
		if ((rc = words(&w, v)) == 0) {
			size_t len = k + 2;
			char *kv;

			for (int i = 0; i < w.n; i++)
				len += strlen(w.args[i]) + 1;
			if (!(kv = malloc(len)))
				rc = err_setn(ENOMEM, "out of memory");
			else {
				size_t n = k + 1;

				memcpy(kv, p, k);
				kv[k] = '=';
				kv[n] = 0;
				for (int i = 0; i < w.n; i++)
					n += sprintf(kv + n, "%s%s", i ? " " : "", w.args[i]);
				rc = add(ch, kv, n);
				free(kv);
			}
		}
		imgchange_free(&w);
		return rc;
	}
	if (words(ch, p))
		return -1;
	for (int i = 0; i < ch->n; i++) {
		char *eq = strchr(ch->args[i], '=');

		if (!eq)
			return err_setn(0, "Syntax error - can't find = in \"%.100s\". Must be of the "
					"form: name=value", ch->args[i]);
		if (eq == ch->args[i])
			return err_setn(0, "%s names can not be blank", name);
	}
	return 0;
}

static int ports(struct imgchange *ch, const char *p)
{
	if (words(ch, p))
		return -1;
	if (!ch->n)
		return err_setn(0, "EXPOSE requires at least one argument");
	for (int i = 0; i < ch->n; i++) {
		char *a = ch->args[i], *slash = strchr(a, '/'), *end, buf[64];
		unsigned long lo, hi;
		const char *proto = "tcp";

		if (slash) {
			*slash = 0;
			proto = slash + 1;
			for (char *c = slash + 1; *c; c++)
				*c = tolower((unsigned char)*c);
		}
		errno = 0;
		lo = strtoul(a, &end, 10);
		hi = lo;
		if (*end == '-' && end > a)
			hi = strtoul(end + 1, &end, 10);
		if (errno || end == a || *end || !isdigit((unsigned char)*a) || lo < 1 || hi > 65535
		    || hi < lo || (strcmp(proto, "tcp") && strcmp(proto, "udp") && strcmp(proto, "sctp")))
			return err_setn(0, "invalid port to EXPOSE: %.64s%s%.16s", a, slash ? "/" : "",
					slash ? proto : "");
		if (lo == hi)
			snprintf(buf, sizeof(buf), "%lu/%s", lo, proto);
		else
			snprintf(buf, sizeof(buf), "%lu-%lu/%s", lo, hi, proto);
		free(a);
		if (!(ch->args[i] = strdup(buf)))
			return err_setn(ENOMEM, "out of memory");
	}
	return 0;
}

int imgchange_parse(const char *line, struct imgchange *ch)
{
	static const char *const names[] = {
		"cmd", "entrypoint", "env", "label", "expose", "user", "workdir", "stopsignal",
		"volume",
	};
	char word[16], *rest, *copy;
	size_t n, len;
	int rc = -1, k = -1;

	memset(ch, 0, sizeof(*ch));
	line += strspn(line, " \t");
	if ((len = strlen(line)) > IMGCHANGE_MAX)
		return err_setn(0, "change too long");
	n = strcspn(line, " \t");
	if (n >= sizeof(word))
		return err_setn(0, "%.*s is not a valid change command", n > 64 ? 64 : (int)n, line);
	for (size_t i = 0; i < n; i++)
		word[i] = tolower((unsigned char)line[i]);
	word[n] = 0;
	for (int i = 0; i < 9; i++)
		if (!strcmp(word, names[i]))
			k = i;
	if (k < 0) {
		if (!strcmp(word, "healthcheck") || !strcmp(word, "onbuild"))
			return err_setn(0, "%s is not supported by boxcar commit", word);
		return err_setn(0, "%s is not a valid change command", *word ? word : "\"\"");
	}
	ch->kind = (enum imgchange_kind)k;
	if (!(copy = strdup(line + n + strspn(line + n, " \t"))))
		return err_setn(ENOMEM, "out of memory");
	for (size_t e = strlen(copy); e && (copy[e - 1] == ' ' || copy[e - 1] == '\t'); e--)
		copy[e - 1] = 0;
	rest = copy;
	switch (ch->kind) {
	case CHANGE_CMD:
	case CHANGE_ENTRYPOINT:
		if (json_form(ch, rest, &rc))
			break;
		if (!*rest) {
			rc = err_setn(0, "%s requires at least one argument", word);
			break;
		}
		rc = add(ch, "/bin/sh", 7) || add(ch, "-c", 2) || add(ch, rest, strlen(rest)) ? -1 : 0;
		break;
	case CHANGE_ENV:
	case CHANGE_LABEL:
		if (!*rest) {
			rc = err_setn(0, "%s requires at least one argument", word);
			break;
		}
		rc = pairs(ch, ch->kind == CHANGE_ENV ? "ENV" : "LABEL", rest);
		break;
	case CHANGE_EXPOSE:
		rc = ports(ch, rest);
		break;
	case CHANGE_VOLUME:
		if (!json_form(ch, rest, &rc))
			rc = words(ch, rest);
		for (int i = 0; !rc && i <= ch->n; i++)
			if (i == ch->n ? !ch->n : !*ch->args[i])
				rc = err_setn(0, i == ch->n ? "VOLUME requires at least one argument"
					      : "VOLUME specified can not be an empty string");
		break;
	default:
		rc = *rest ? add(ch, rest, strlen(rest))
			: err_setn(0, "%s requires exactly one argument", word);
	}
	free(copy);
	if (rc)
		imgchange_free(ch);
	return rc;
}

void imgchange_free(struct imgchange *ch)
{
	for (int i = 0; i < ch->n; i++)
		free(ch->args[i]);
	free(ch->args);
	ch->args = NULL;
	ch->n = 0;
}
