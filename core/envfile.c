/* envfile.c - docker's --env-file format (see envfile.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "envfile.h"
#include "err.h"

static int bad(const char *name, const char *fmt, const char *what)
{
	char msg[160];

	snprintf(msg, sizeof(msg), fmt, what);
	return err_setn(0, "invalid env file (%s): %s", name, msg);
}

/* Valid UTF-8 (the docker CLI refuses a file that is not). */
static int utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
			: (c >> 3) == 30 ? 4 : 0;
		unsigned cp;

		if (!len || i + len > n)
			return 0;
		cp = len == 1 ? c : c & (0x7f >> len);
		for (unsigned k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		/* overlong forms, surrogates, past U+10FFFF */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)
		    || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += len;
	}
	return 1;
}

static int parse_line(char *line, const char *name, const char *(*lookup)(const char *),
		      int (*add)(const char *, void *), void *arg)
{
	char *p = line + strspn(line, " \t\v\f\r"), *eq, *kv;
	const char *v;
	size_t k;
	int rc;

	if (!*p || *p == '#')
		return 0;
	k = strcspn(p, "=");
	if (!k)
		return bad(name, "no variable name on line '%.100s'", p);
	eq = p + k;
	if (strcspn(p, " \t") < k) {
		*eq = 0;
		return bad(name, "variable '%.100s' contains whitespaces", p);
	}
	if (*eq)
		return add(p, arg);
	if (!(v = lookup ? lookup(p) : getenv(p)))
		return 0;
	if (!(kv = malloc(k + strlen(v) + 2)))
		return err_setn(ENOMEM, "env file %s", name);
	sprintf(kv, "%s=%s", p, v);
	rc = add(kv, arg);
	free(kv);
	return rc;
}

/* One line into buf (ENVFILE_LINE_MAX + 1 bytes), without its \n: its
 * length, -1 at the end of the file, -2 if it does not fit. Read with
 * a bound, so that a file without newlines cannot take all memory. */
static ssize_t read_line(FILE *f, char *buf)
{
	size_t n = 0;
	int c;

	while ((c = getc(f)) != EOF && c != '\n') {
		if (n == ENVFILE_LINE_MAX)
			return -2;
		buf[n++] = (char)c;
	}
	if (c == EOF && !n)
		return -1;
	buf[n] = 0;
	return (ssize_t)n;
}

int envfile_parse(FILE *f, const char *name, const char *(*lookup)(const char *key),
		  int (*add)(const char *kv, void *arg), void *arg)
{
	char *line = malloc(ENVFILE_LINE_MAX + 1);
	ssize_t n;
	int rc = 0;

	if (!line)
		return err_setn(ENOMEM, "env file %s", name);
	for (int lineno = 1; !rc && (n = read_line(f, line)) != -1; lineno++) {
		char *p = line;

		/* a \r before the \n goes too (Go's ScanLines) */
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = 0;
		if (n < 0)
			rc = err_setn(0, "invalid env file (%s): line %d too long", name, lineno);
		else if (memchr(line, 0, n) || !utf8_valid((unsigned char *)line, n))
			rc = err_setn(0, "invalid env file (%s): invalid utf8 bytes at line %d",
				      name, lineno);
		else {
			if (lineno == 1 && !strncmp(p, "\xef\xbb\xbf", 3))
				p += 3;
			rc = parse_line(p, name, lookup, add, arg);
		}
	}
	if (!rc && ferror(f))
		rc = err_set("cannot read env file %s", name);
	free(line);
	return rc;
}
