/* url.h - absolute http:// and https:// URLs, as registries and their
 * redirects use them.
 *
 *     scheme://host[:port][/path][?query][#fragment]
 *
 * host is a name, an IPv4 address or a bracketed IPv6 literal ([::1]);
 * userinfo (user@) is refused. The request target (path and query) must be
 * printable ASCII without spaces, so it can go into a request line as is.
 * The fragment is dropped.
 */
#ifndef BOXCAR_URL_H
#define BOXCAR_URL_H

#include <stddef.h>
#include <stdint.h>

#define URL_HOST_MAX 256   /* bytes of a host name, with its NUL */
#define URL_MAX 8192       /* bytes of a whole URL (presigned CDN URLs are long) */

struct url {
	int tls;                 /* 1 for https, 0 for http */
	char host[URL_HOST_MAX]; /* lower-cased; IPv6 without brackets */
	uint16_t port;           /* explicit, or 443 / 80 */
	int port_given;          /* the URL named a port */
	const char *target;      /* path[?query] inside the parsed string; "/" if empty */
	size_t target_len;
};

/* Parse s (NUL-terminated). u->target points into s, which must outlive u.
 * -1 with "URL: ..." recorded (EINVAL) if it is not a URL we accept. */
int url_parse(struct url *u, const char *s);

/* Write "host" or "host:port" (port only when not the scheme's default;
 * IPv6 bracketed) as a Host header wants it. Returns the length, or -1 if
 * it does not fit in n bytes. */
int url_authority(const struct url *u, char *buf, size_t n);

/* Resolve a Location header against the URL it came from: an absolute URL,
 * a scheme-relative //host/path, an absolute path /p or a relative path.
 * The result (NUL-terminated) goes to out; -1 if malformed or longer than
 * n bytes. */
int url_resolve(const char *base, const char *location, char *out, size_t n);

/* 1 if a and b have the same scheme, host and port: whether credentials
 * meant for a may be sent to b. */
int url_same_origin(const struct url *a, const struct url *b);

#endif
