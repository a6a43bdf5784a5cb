/* regauth.c - WWW-Authenticate challenges, Basic credentials, token
 * answers (see regauth.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "err.h"
#include "json.h"
#include "regauth.h"
#include "store.h" /* err_prefix */

/* RFC 7230 tchar */
static int tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A token at p: its length (0 if none). */
static size_t token_len(const char *p)
{
	size_t n = 0;

	while (tchar(p[n]))
		n++;
	return n;
}

/* Copy a token or a quoted string at *pp into out (cap bytes, NUL
 * included), advancing *pp. -1 on an unterminated string or overflow. */
static int read_value(const char **pp, char *out, size_t cap, int *overflow)
{
	const char *p = *pp;
	size_t n = 0;

	*overflow = 0;
	if (*p != '"') {
		size_t t = token_len(p);

		/* token68 padding ("abc==") reads as part of the value */
		while (p[t] == '=' || p[t] == '/')
			t++;
		if (t >= cap)
			*overflow = 1;
		else
			memcpy(out, p, t), out[t] = 0;
		*pp = p + t;
		return 0;
	}
	for (p++; *p != '"'; p++) {
		if (!*p)
			return -1;
		if (*p == '\\' && !*++p)
			return -1;
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return -1;
		if (n + 1 < cap)
			out[n++] = *p;
		else
			*overflow = 1;
	}
	out[n] = 0;
	*pp = p + 1;
	return 0;
}

static char *param_slot(struct regauth_challenge *c, const char *name, size_t n, size_t *cap)
{
	static const struct { const char *name; size_t off, cap; } keep[] = {
		{ "realm", offsetof(struct regauth_challenge, realm), REGAUTH_REALM_MAX },
		{ "service", offsetof(struct regauth_challenge, service), 256 },
		{ "scope", offsetof(struct regauth_challenge, scope), REGAUTH_SCOPE_MAX },
		{ "error", offsetof(struct regauth_challenge, error), 64 },
	};

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (strlen(keep[i].name) == n && !strncasecmp(keep[i].name, name, n)) {
			*cap = keep[i].cap;
			return (char *)c + keep[i].off;
		}
	return NULL;
}

int regauth_parse(const char *hdr, struct regauth_challenge *out, int max)
{
	const char *p = hdr;
	char scratch[REGAUTH_REALM_MAX];
	int count = 0;

	if (strlen(hdr) > REGAUTH_HEADER_MAX)
		return err_setn(0, "WWW-Authenticate header longer than %d bytes",
				REGAUTH_HEADER_MAX);
	for (;;) {
		struct regauth_challenge *c;
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		n = token_len(p);
		if (!n)
			return err_setn(0, "WWW-Authenticate: bad character at offset %zu",
					(size_t)(p - hdr));
		if (count == max)
			return err_setn(0, "WWW-Authenticate: more than %d challenges", max);
		c = &out[count++];
		memset(c, 0, sizeof(*c));
		if (n >= sizeof(c->scheme))
			return err_setn(0, "WWW-Authenticate: scheme name too long");
		for (size_t i = 0; i < n; i++)
			c->scheme[i] = p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i];
		p += n;
		/* Parameters, until a token not followed by '=' starts the next
		 * challenge. */
		for (;;) {
			const char *save = p, *name;
			size_t cap, nn;
			char *slot;
			int over;

			while (*p == ' ' || *p == '\t' || *p == ',')
				p++;
			name = p;
			nn = token_len(p);
			if (!nn) {
				if (*p)
					return err_setn(0, "WWW-Authenticate: bad character "
							"at offset %zu", (size_t)(p - hdr));
				break;
			}
			p = skip_ws(p + nn);
			if (*p != '=') {
				p = save; /* the next challenge's scheme */
				break;
			}
			p = skip_ws(p + 1);
			slot = param_slot(c, name, nn, &cap);
			if (read_value(&p, slot ? slot : scratch, slot ? cap : sizeof(scratch),
				       &over))
				return err_setn(0, "WWW-Authenticate: unterminated quoted "
						"string");
			if (over && slot)
				return err_setn(0, "WWW-Authenticate: %.*s value too long",
						(int)nn, name);
			p = skip_ws(p);
			if (*p && *p != ',')
				return err_setn(0, "WWW-Authenticate: bad character at "
						"offset %zu", (size_t)(p - hdr));
		}
	}
	return count;
}

int regauth_basic(const char *user, const char *pass, char *out, size_t cap)
{
	size_t un = strlen(user), pn = strlen(pass), n = un + 1 + pn;
	char *raw;

	if (un > 4096 || pn > 4096 || 6 + BASE64_LEN(n) + 1 > cap)
		return err_setn(0, "credentials too long");
	if (!(raw = malloc(n + 1)))
		return err_set("credentials");
	memcpy(raw, user, un);
	raw[un] = ':';
	memcpy(raw + un + 1, pass, pn);
	memcpy(out, "Basic ", 6);
	base64_encode(raw, n, out + 6);
	explicit_bzero(raw, n);
	free(raw);
	return 0;
}

int regauth_token_parse(const char *json, size_t n, char *token, size_t cap,
			int64_t *expires_in)
{
	struct json_doc d;
	const char *t;
	uint32_t e;
	int rc = -1;

	if (json_parse(&d, json, n))
		return err_prefix("token service answer");
	t = json_get_str(&d, 0, "token");
	if (!t || !*t)
		t = json_get_str(&d, 0, "access_token");
	*expires_in = 60;
	e = json_get(&d, 0, "expires_in");
	if (e && (json_int(&d, e, expires_in) || *expires_in < 0))
		*expires_in = 60;
	if (!t || !*t)
		err_setn(0, "token service answer has no token");
	else if (strlen(t) >= cap)
		err_setn(0, "token longer than %zu bytes", cap - 1);
	else if (strpbrk(t, "\r\n"))
		err_setn(0, "token has a line break");
	else {
		strcpy(token, t);
		rc = 0;
	}
	json_free(&d);
	return rc;
}

int regauth_urlencode(const char *s, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = *s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c)) {
			if (n + 1 >= cap)
				return err_setn(0, "URL too long");
			out[n++] = c;
		} else {
			if (n + 3 >= cap)
				return err_setn(0, "URL too long");
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	if (!cap)
		return err_setn(0, "URL too long");
	out[n] = 0;
	return 0;
}
