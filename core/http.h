/* http.h - a small HTTP/1.1 client for registries.
 *
 *     struct http_client *c = http_client_new(&(struct http_options){ 0 });
 *     struct http_response rs;
 *     const char *hdrs[] = { "Accept: application/json", NULL };
 *     if (http_request(c, &(struct http_request){ .url = u, .headers = hdrs }, &rs))
 *             die_err(...);
 *     if (rs.status == 200) stream_copy(rs.body, w);
 *     http_response_close(&rs);
 *     http_client_free(c);
 *
 * One request at a time per client: a response must be closed before the
 * next request. Connections are kept alive and reused, one per
 * scheme/host/port (up to HTTP_MAX_CONNS hosts: registry, token server,
 * blob CDN); an idle one the server has closed is re-opened, and a request
 * that finds its reused connection dead is retried once on a new one.
 *
 * Redirects are not followed here: the caller sees 3xx, the Location header
 * (url_resolve() in url.h makes it absolute) and decides, because an
 * Authorization header must not go to another host.
 *
 * http:// is plain TCP, https:// is TLS 1.2 with verification always on
 * (tls.h). Choosing http:// (pull --insecure) is the caller's decision.
 *
 * Limits on what the server sends (all checked; beyond them a response is
 * refused with EBADMSG, "HOST: bad HTTP response: ..."):
 *   status line + headers  HTTP_HEAD_MAX bytes, HTTP_HEADERS_MAX headers;
 *   obsolete line folding, NUL or other control bytes in headers: refused;
 *   Content-Length: digits only, < 2^63, repeated values must agree;
 *   Transfer-Encoding: only "chunked" (with Content-Length: refused);
 *   chunk sizes: up to 15 hex digits, extensions ignored, trailers skipped
 *   (bounded like headers); 1xx responses skipped (at most 10).
 *
 * Errors follow err.h: -1 with the context recorded by err_set().
 */
#ifndef BOXCAR_HTTP_H
#define BOXCAR_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stream.h"

#define HTTP_HEAD_MAX 16384   /* status line and headers of one response */
#define HTTP_HEADERS_MAX 100  /* header fields of one response */
#define HTTP_INBUF 4096       /* read-ahead for parsing lines */
#define HTTP_REQUEST_MAX 16384 /* request line and headers we send */
#define HTTP_MAX_CONNS 4      /* kept-alive connections per client */
#define HTTP_MIN_PROGRESS 32768 /* bytes of a body per timeout window (~1 KiB/s) */

struct http_options {
	const char *ca_file;    /* PEM bundle; NULL: $SSL_CERT_FILE, else
	                         * /etc/ssl/certs/ca-certificates.crt. Loaded
	                         * at the first https:// request. */
	int timeout_ms;         /* connect, and each read/write; 0: 30 s.
	                         * Also: the whole of a response's head
	                         * (connect and TLS handshake included), the
	                         * whole body read by http_read_body(), and
	                         * the window a blob body must bring at least
	                         * HTTP_MIN_PROGRESS bytes in */
	const char *user_agent; /* NULL: "boxcar/VERSION" */
};

struct http_request {
	const char *method;          /* NULL: "GET" */
	const char *url;             /* absolute http:// or https:// URL */
	const char *const *headers;  /* NULL-terminated "Name: value" lines or
	                              * NULL: Accept, Authorization, Range...
	                              * (CR, LF or NUL in them is refused) */
	const void *body;            /* sent with Content-Length when non-NULL */
	size_t body_len;
	/* Or a body streamed from a reader (blob uploads): exactly body_len
	 * bytes (fewer is an error), sent with Content-Length. A request
	 * whose connection turns out dead is sent again on a new one only if
	 * body_rewind takes the reader back to its start (0); without it,
	 * such a request always goes on a new connection. */
	struct reader *body_reader;
	int (*body_rewind)(struct reader *r);
};

/* ---- the parsing layer: no sockets, any struct reader as the source ----
 * Used by the client, and by the unit tests and the fuzzer on byte strings. */

struct http_head {
	int status;             /* 100..999 */
	int minor;              /* HTTP/1.minor */
	uint16_t count;         /* header fields */
	size_t used;            /* bytes of buf in use */
	int64_t content_length; /* -1 if none */
	int chunked;
	int conn_close;         /* "Connection: close", or HTTP/1.0 */
	struct { uint16_t name, value; } field[HTTP_HEADERS_MAX]; /* offsets in buf */
	char buf[HTTP_HEAD_MAX]; /* reason phrase at 0, then "name\0value\0"... */
};

/* A response being read: buffered input, the head, the body framing. */
struct http_msg {
	struct reader body;     /* the body as a stream: read until 0 */
	struct reader *src;     /* the transport */
	const char *what;       /* for messages ("HOST") */
	struct http_head head;
	int framing;            /* private: HTTP_BODY_* in http_parse.c */
	int state;              /* private */
	uint64_t left;          /* private: bytes left in the body or chunk */
	int silent;             /* private: EOF before the first byte */
	int failed;             /* private: a body read failed */
	size_t in_pos, in_len;
	unsigned char in[HTTP_INBUF];
};

/* Read a response's head from src (skipping 1xx responses) and set up
 * m->body for its body. no_body: the request was HEAD (no body whatever
 * the headers say). Returns 0 or -1. */
int http_msg_begin(struct http_msg *m, struct reader *src, const char *what, int no_body);

/* 1 once the body has been read to its end and the connection may carry
 * another request (framing known, no "Connection: close", nothing extra
 * buffered). */
int http_msg_reusable(const struct http_msg *m);

/* The value of header name (case-insensitive), its idx-th occurrence (0 is
 * the first), or NULL. Values have surrounding spaces stripped. */
const char *http_head_get(const struct http_head *h, const char *name, unsigned idx);

/* ---- the client ---- */

struct http_client;

struct http_response {
	int status;
	int64_t content_length; /* Content-Length (for HEAD: the size a GET
	                         * would return); -1 if none (chunked, close) */
	struct reader *body;    /* valid until http_response_close() */
	struct http_client *client; /* private */
	const struct http_head *head; /* private: use http_header() */
};

struct http_client *http_client_new(const struct http_options *o);
void http_client_free(struct http_client *c);

/* Send the request and read the response's head. On 0 the response is
 * open (whatever its status) and must be closed with http_response_close. */
int http_request(struct http_client *c, const struct http_request *rq,
		 struct http_response *rs);

/* A header of the response (case-insensitive), or NULL; http_header_n for
 * the idx-th of repeated headers. */
const char *http_header(const struct http_response *rs, const char *name);
const char *http_header_n(const struct http_response *rs, const char *name, unsigned idx);

/* Read the whole body into a new NUL-terminated buffer (*out, free()d by
 * the caller), refusing bodies over max bytes (EFBIG). Returns the length
 * or -1. For manifests, tokens and error documents, not for blobs. */
ssize_t http_read_body(struct http_response *rs, char **out, size_t max);

/* Done with the response: a body read to its end (or short enough to
 * drain) leaves the connection to be reused; otherwise it is closed. */
void http_response_close(struct http_response *rs);

#endif
