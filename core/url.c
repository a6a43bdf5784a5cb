/* url.c - http(s) URLs: parse, Host header, resolve redirects (see url.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "url.h"

static int bad(const char *why)
{
	return err_setn(EINVAL, "URL: %s", why);
}

/* What may appear in a request target: printable ASCII but space, and no
 * '#'. Anything else (controls, 8-bit) would be sent raw on the wire. */
static int target_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '#';
}

static int host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int url_parse(struct url *u, const char *s)
{
	const char *p, *h, *hend;
	size_t len, n;

	len = strnlen(s, URL_MAX);
	if (len == URL_MAX)
		return bad("too long");
	memset(u, 0, sizeof(*u));
	if (!strncasecmp(s, "https://", 8)) {
		u->tls = 1;
		u->port = 443;
		p = s + 8;
	} else if (!strncasecmp(s, "http://", 7)) {
		u->port = 80;
		p = s + 7;
	} else {
		return bad("not an http:// or https:// URL");
	}
	/* host */
	if (*p == '[') {
		h = ++p;
		while (*p && *p != ']') {
			if (!(*p == ':' || *p == '.' || (lower(*p) >= 'a' && lower(*p) <= 'f') ||
			      (*p >= '0' && *p <= '9')))
				return bad("bad IPv6 address");
			p++;
		}
		if (*p != ']')
			return bad("unterminated [IPv6 address]");
		hend = p++;
		if (hend == h)
			return bad("empty host");
	} else {
		h = p;
		while (*p && *p != ':' && *p != '/' && *p != '?' && *p != '#') {
			if (*p == '@')
				return bad("user@host is not supported");
			if (!host_char(*p))
				return bad("bad character in host");
			p++;
		}
		hend = p;
		if (hend == h)
			return bad("empty host");
	}
	n = hend - h;
	if (n >= sizeof(u->host))
		return bad("host name too long");
	for (size_t i = 0; i < n; i++)
		u->host[i] = lower(h[i]);
	u->host[n] = 0;
	/* port */
	if (*p == ':') {
		unsigned long port = 0;

		p++;
		if (*p < '0' || *p > '9')
			return bad("bad port");
		while (*p >= '0' && *p <= '9') {
			port = port * 10 + (*p++ - '0');
			if (port > 65535)
				return bad("port out of range");
		}
		if (port == 0)
			return bad("port out of range");
		u->port = port;
		u->port_given = 1;
	}
	if (*p && *p != '/' && *p != '?' && *p != '#')
		return bad("bad character after host");
	/* target */
	u->target = p;
	while (*p && *p != '#') {
		if (!target_char(*p))
			return bad("bad character in path (spaces and controls must be %-encoded)");
		p++;
	}
	u->target_len = p - u->target;
	if (u->target_len == 0) {
		u->target = "/";
		u->target_len = 1;
	}
	/* "http://h?q" keeps target "?q": http.c sends "/?q". */
	return 0;
}

int url_authority(const struct url *u, char *buf, size_t n)
{
	int ipv6 = strchr(u->host, ':') != NULL;
	int def = u->port == (u->tls ? 443 : 80);
	int r;

	if (def)
		r = snprintf(buf, n, ipv6 ? "[%s]" : "%s", u->host);
	else
		r = snprintf(buf, n, ipv6 ? "[%s]:%u" : "%s:%u", u->host, (unsigned)u->port);
	if (r < 0 || (size_t)r >= n)
		return err_setn(ENAMETOOLONG, "URL: host too long");
	return r;
}

int url_same_origin(const struct url *a, const struct url *b)
{
	return a->tls == b->tls && a->port == b->port && !strcmp(a->host, b->host);
}

static int put(char *out, size_t n, size_t *at, const char *s, size_t len)
{
	if (len >= n - *at)
		return err_setn(ENAMETOOLONG, "redirect: URL too long");
	memcpy(out + *at, s, len);
	*at += len;
	out[*at] = 0;
	return 0;
}

int url_resolve(const char *base, const char *loc, char *out, size_t n)
{
	struct url b;
	const char *scheme_end, *path_end;
	size_t at = 0;

	if (n == 0)
		return err_setn(ENAMETOOLONG, "redirect: URL too long");
	out[0] = 0;
	if (!strncasecmp(loc, "http://", 7) || !strncasecmp(loc, "https://", 8)) {
		if (put(out, n, &at, loc, strlen(loc)))
			return -1;
	} else {
		if (url_parse(&b, base))
			return -1;
		scheme_end = strstr(base, "://") + 3;
		if (loc[0] == '/' && loc[1] == '/') {
			/* scheme-relative */
			if (put(out, n, &at, base, scheme_end - base - 2) ||
			    put(out, n, &at, loc, strlen(loc)))
				return -1;
		} else {
			/* scheme://authority of base, as written */
			if (put(out, n, &at, base,
				(scheme_end - base) + strcspn(scheme_end, "/?#")))
				return -1;
			if (loc[0] == '/') {
				if (put(out, n, &at, loc, strlen(loc)))
					return -1;
			} else {
				/* relative: replace the last path segment of base */
				const char *t = b.target;
				size_t tl = strcspn(t, "?");

				path_end = t;
				for (size_t i = 0; i < tl; i++)
					if (t[i] == '/')
						path_end = t + i + 1;
				if (path_end == t || *t != '/') {
					if (put(out, n, &at, "/", 1))
						return -1;
				} else if (put(out, n, &at, t, path_end - t)) {
					return -1;
				}
				if (put(out, n, &at, loc, strlen(loc)))
					return -1;
			}
		}
	}
	/* The result must itself be a URL we accept. */
	return url_parse(&b, out) ? -1 : 0;
}
