/* ref.c - parse and check NAME[:TAG] (see ref.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "ref.h"

static int lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int alnum(char c)
{
	return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* One path component, s[0..n). */
static int component_ok(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = 0;

		while (i < n && lower_alnum(s[i]))
			i++, run++;
		if (!run)
			return 0;
		if (i == n)
			return 1;
		/* a separator: '.', '_', '__' or any number of '-' */
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += i + 1 < n && s[i + 1] == '_' ? 2 : 1;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return 0;
		if (i == n)
			return 0; /* ends with a separator */
	}
	return n > 0;
}

static int hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int domain_ok(const char *s, size_t n)
{
	const char *close = n && s[0] == '[' ? memchr(s, ']', n) : NULL;
	const char *colon = memchr(close ? close : s, ':', n - (close ? (size_t)(close - s) : 0));
	size_t host = colon ? (size_t)(colon - s) : n;
	size_t i = 0;

	if (colon) {
		if (colon + 1 == s + n)
			return 0;
		for (const char *p = colon + 1; p < s + n; p++)
			if (*p < '0' || *p > '9')
				return 0;
	}
	if (n && s[0] == '[') { /* [IPv6]: hex digits and colons, as Docker's */
		if (!close || close == s + 1 || host != (size_t)(close - s) + 1)
			return 0;
		for (const char *p = s + 1; p < close; p++)
			if (!hex(*p) && *p != ':')
				return 0;
		return 1;
	}
	while (i < host) { /* labels: alnum, inner '-' */
		size_t start = i;

		while (i < host && (alnum(s[i]) || s[i] == '-'))
			i++;
		if (i == start || s[start] == '-' || s[i - 1] == '-')
			return 0;
		if (i < host && s[i++] != '.')
			return 0;
		if (i == host && s[i - 1] == '.')
			return 0;
	}
	return host > 0;
}

int ref_parse(const char *s, struct ref *r)
{
	const char *slash = strrchr(s, '/');
	const char *colon = strrchr(slash ? slash : s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);
	const char *p = s, *end = s + n, *c;

	if (strchr(s, '@'))
		return err_setn(0, "%s: digest references are not supported yet", s);
	if (!n)
		return err_setn(0, "'%s': missing image name", s);
	if (n > REF_NAME_MAX)
		return err_setn(0, "'%.40s...': image name longer than %d", s, REF_NAME_MAX);
	c = memchr(p, '/', n);
	if (c && ((memchr(p, '.', c - p) || memchr(p, ':', c - p)) ||
		  (c - p == 9 && !memcmp(p, "localhost", 9)))) {
		if (!domain_ok(p, c - p))
			return err_setn(0, "'%s': bad registry host", s);
		p = c + 1;
	}
	while (p <= end) {
		c = memchr(p, '/', end - p);
		if (!c)
			c = end;
		if (!component_ok(p, c - p))
			return err_setn(0, "'%s': invalid image name (lower-case letters, "
					"digits and . _ - separators)", s);
		p = c + 1;
	}
	if (colon) {
		const char *t = colon + 1;
		size_t tn = strlen(t);

		if (!tn || tn > REF_TAG_MAX || !(alnum(*t) || *t == '_'))
			return err_setn(0, "'%s': invalid tag", s);
		for (size_t i = 1; i < tn; i++)
			if (!alnum(t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
				return err_setn(0, "'%s': invalid tag", s);
		memcpy(r->tag, t, tn + 1);
	} else
		strcpy(r->tag, "latest");
	memcpy(r->name, s, n);
	r->name[n] = 0;
	snprintf(r->full, sizeof(r->full), "%s:%s", r->name, r->tag);
	return 0;
}
