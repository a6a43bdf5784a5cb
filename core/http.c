/* http.c - the HTTP/1.1 client: connections, requests, responses
 * (see http.h; parsing is in http_parse.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "applet.h"
#include "err.h"
#include "http.h"
#include "tcp.h"
#include "tls.h"
#include "url.h"
#include "version.h"

#define DRAIN_MAX 65536 /* body bytes read on close to keep a connection */

struct conn {
	int fd;                 /* -1: free slot */
	int tls;
	uint16_t port;
	char host[URL_HOST_MAX];
	char what[URL_HOST_MAX + 8]; /* "host[:port]", for messages */
	unsigned long used;     /* for evicting the least recently used */
	struct tcp_stream ns;
	struct tls_conn *t;
};

struct http_client {
	struct http_options o;
	char ua[64];
	struct tls_anchors *anchors;
	struct conn conns[HTTP_MAX_CONNS];
	unsigned long tick;
	struct conn *busy;      /* the connection of the open response */
	struct http_msg msg;    /* its head buffer also composes requests */
};

struct http_client *http_client_new(const struct http_options *o)
{
	struct http_client *c = calloc(1, sizeof(*c));

	if (!c) {
		err_set("HTTP client");
		return NULL;
	}
	if (o)
		c->o = *o;
	snprintf(c->ua, sizeof(c->ua), "%s",
		 c->o.user_agent ? c->o.user_agent : "boxcar/" BOXCAR_VERSION);
	for (int i = 0; i < HTTP_MAX_CONNS; i++)
		c->conns[i].fd = -1;
	return c;
}

static void conn_close(struct conn *k)
{
	if (k->fd < 0)
		return;
	if (ENABLED(FEATURE_TLS) && k->t)
		tls_close(k->t);
	k->t = NULL;
	close(k->fd);
	k->fd = -1;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	for (int i = 0; i < HTTP_MAX_CONNS; i++)
		conn_close(&c->conns[i]);
	if (ENABLED(FEATURE_TLS))
		tls_anchors_free(c->anchors);
	free(c);
}

static struct reader *conn_reader(struct conn *k)
{
	return ENABLED(FEATURE_TLS) && k->t ? tls_reader(k->t) : &k->ns.r;
}

static struct writer *conn_writer(struct conn *k)
{
	return ENABLED(FEATURE_TLS) && k->t ? tls_writer(k->t) : &k->ns.w;
}

/* A connection to u: the idle one we have if the server has not closed
 * it (*reused = 1), unless fresh, else a new one in a free or the least
 * recent slot. */
static struct conn *conn_get(struct http_client *c, const struct url *u, int fresh,
			     int *reused)
{
	struct conn *k, *pick = NULL;

	*reused = 0;
	for (int i = 0; i < HTTP_MAX_CONNS; i++) {
		k = &c->conns[i];
		if (k->fd >= 0 && k->tls == u->tls && k->port == u->port &&
		    !strcmp(k->host, u->host)) {
			if (!fresh && !tcp_peer_gone(k->fd)) {
				*reused = 1;
				k->used = ++c->tick;
				return k;
			}
			conn_close(k);
		}
	}
	for (int i = 0; i < HTTP_MAX_CONNS; i++) {
		k = &c->conns[i];
		if (k->fd < 0) {
			pick = k;
			break;
		}
		if (!pick || k->used < pick->used)
			pick = k;
	}
	k = pick;
	conn_close(k);
	/* Without it BearSSL is not linked at all (--gc-sections). */
	if (u->tls && !ENABLED(FEATURE_TLS)) {
		err_setn(ENOTSUP, "%s: HTTPS is not built into this boxcar "
			 "(CONFIG_FEATURE_TLS); --insecure for plain HTTP", u->host);
		return NULL;
	}
	if (ENABLED(FEATURE_TLS) && u->tls && !c->anchors) {
		c->anchors = tls_anchors_load(c->o.ca_file);
		if (!c->anchors)
			return NULL;
	}
	if (url_authority(u, k->what, sizeof(k->what)) < 0)
		return NULL;
	snprintf(k->host, sizeof(k->host), "%s", u->host);
	k->port = u->port;
	k->tls = u->tls;
	k->fd = tcp_connect(u->host, u->port, c->o.timeout_ms);
	if (k->fd < 0)
		return NULL;
	tcp_stream_init(&k->ns, k->fd, k->what);
	if (ENABLED(FEATURE_TLS) && u->tls) {
		k->t = tls_connect(k->fd, u->host, c->anchors);
		if (!k->t) {
			conn_close(k);
			return NULL;
		}
	}
	k->used = ++c->tick;
	return k;
}

/* Request line and headers into buf; the length or -1. */
static int compose(struct http_client *c, const struct http_request *rq,
		   const struct url *u, const char *method, char *buf, size_t n)
{
	char host[URL_HOST_MAX + 8];
	size_t at;
	int r;

	if (url_authority(u, host, sizeof(host)) < 0)
		return -1;
	r = snprintf(buf, n, "%s %s%.*s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n",
		     method, u->target[0] == '?' ? "/" : "", (int)u->target_len, u->target,
		     host, c->ua);
	if (r < 0 || (size_t)r >= n)
		goto too_long;
	at = r;
	for (const char *const *h = rq->headers; h && *h; h++) {
		size_t len = strlen(*h);
		const char *colon = strchr(*h, ':');

		if (!colon || colon == *h || strpbrk(*h, "\r\n"))
			return err_setn(EINVAL, "HTTP request header \"%.40s\": malformed", *h);
		if (len + 2 >= n - at)
			goto too_long;
		memcpy(buf + at, *h, len);
		memcpy(buf + at + len, "\r\n", 2);
		at += len + 2;
	}
	if (rq->body || rq->body_reader) {
		r = snprintf(buf + at, n - at, "Content-Length: %zu\r\n", rq->body_len);
		if (r < 0 || (size_t)r >= n - at)
			goto too_long;
		at += r;
	}
	if (n - at < 3)
		goto too_long;
	memcpy(buf + at, "\r\n", 2);
	return at + 2;
too_long:
	return err_setn(E2BIG, "HTTP request to %s: headers longer than %d bytes", host,
			HTTP_REQUEST_MAX);
}

_Static_assert(HTTP_REQUEST_MAX <= HTTP_HEAD_MAX, "requests are composed in the head buffer");

static int timeout_ms(const struct http_client *c)
{
	return c->o.timeout_ms > 0 ? c->o.timeout_ms : TCP_TIMEOUT_MS;
}

/* Stream body_len bytes of rq->body_reader to w: 0, or -1 (a reader that
 * ends early is an error: the Content-Length would lie). Each write has
 * the socket's timeout; the whole body has none (a blob may be large). */
static int send_stream(struct http_client *c, const struct http_request *rq, struct writer *w)
{
	unsigned char buf[16384];
	size_t left = rq->body_len;

	tcp_pace(0, 0, 0);
	while (left) {
		ssize_t n = reader_read(rq->body_reader, buf, left < sizeof(buf) ? left : sizeof(buf));

		if (n < 0)
			return -1;
		if (n == 0)
			return err_setn(EIO, "request body: %zu bytes short", left);
		if (writer_write(w, buf, n))
			return -1;
		left -= n;
	}
	tcp_pace(timeout_ms(c), 0, 0);
	return 0;
}

int http_request(struct http_client *c, const struct http_request *rq,
		 struct http_response *rs)
{
	const char *method = rq->method ? rq->method : "GET";
	int head = !strcmp(method, "HEAD");
	struct url u;
	struct conn *k;
	char *buf = c->msg.head.buf; /* free until the response arrives */
	int len, reused;

	memset(rs, 0, sizeof(*rs));
	if (c->busy)
		return err_setn(EBUSY, "HTTP: the previous response is still open");
	if (url_parse(&u, rq->url))
		return -1;
	/* connect, handshake, request and head: one timeout in all */
	tcp_pace(timeout_ms(c), 0, 0);
	for (int attempt = 0;; attempt++) {
		int fresh = rq->body_reader && !rq->body_rewind;

		if (attempt && rq->body_reader && rq->body_rewind(rq->body_reader)) {
			tcp_pace(0, 0, 0);
			return -1;
		}
		k = conn_get(c, &u, fresh, &reused);
		if (!k)
			return -1;
		/* composed again on a retry: the failed response overwrote it */
		len = compose(c, rq, &u, method, buf, HTTP_REQUEST_MAX);
		if (len < 0)
			return -1;
		if (writer_write(conn_writer(k), buf, len) == 0 &&
		    (!rq->body || writer_write(conn_writer(k), rq->body, rq->body_len) == 0) &&
		    (!rq->body_reader || send_stream(c, rq, conn_writer(k)) == 0) &&
		    http_msg_begin(&c->msg, conn_reader(k), k->what, head) == 0)
			break;
		conn_close(k);
		/* A kept-alive connection the server dropped just as we used
		 * it: once more on a new one. Our methods are idempotent (an
		 * upload's PUT or PATCH names its range or digest). */
		if (!reused || attempt > 0 ||
		    !(c->msg.silent || err_errno() == ECONNRESET || err_errno() == EPIPE)) {
			tcp_pace(0, 0, 0);
			return -1;
		}
	}
	/* the body: it must keep coming */
	tcp_pace(0, timeout_ms(c), HTTP_MIN_PROGRESS);
	c->busy = k;
	rs->status = c->msg.head.status;
	/* for HEAD, the size a GET would have: what a registry HEAD is for */
	rs->content_length = c->msg.head.chunked ? -1 : c->msg.head.content_length;
	rs->body = &c->msg.body;
	rs->client = c;
	rs->head = &c->msg.head;
	return 0;
}

const char *http_header_n(const struct http_response *rs, const char *name, unsigned idx)
{
	return rs->head ? http_head_get(rs->head, name, idx) : NULL;
}

const char *http_header(const struct http_response *rs, const char *name)
{
	return http_header_n(rs, name, 0);
}

ssize_t http_read_body(struct http_response *rs, char **out, size_t max)
{
	size_t cap, len = 0;
	char *buf, *nb;
	ssize_t got;

	*out = NULL;
	if (max > SIZE_MAX / 4)
		max = SIZE_MAX / 4; /* max + 2 below must not wrap */
	/* Content-Length only sizes the first allocation: a HEAD, 204 or 304
	 * may announce one without sending a body */
	cap = rs->content_length >= 0 && rs->content_length < 65536 ?
	      (size_t)rs->content_length + 1 : 4096;
	buf = malloc(cap);
	if (!buf)
		return err_set("HTTP response body");
	/* a document, not a blob: all of it within one timeout */
	if (rs->client)
		tcp_pace(timeout_ms(rs->client), 0, 0);
	for (;;) {
		if (len + 1 == cap) {
			if (cap > max) {
				free(buf);
				return err_setn(EFBIG, "HTTP response body: more than %zu bytes", max);
			}
			cap = cap > max / 2 ? max + 2 : cap * 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return err_set("HTTP response body");
			}
			buf = nb;
		}
		got = reader_read(rs->body, buf + len, cap - 1 - len);
		if (got < 0) {
			free(buf);
			return -1;
		}
		if (got == 0)
			break;
		len += got;
	}
	if (len > max) {
		free(buf);
		return err_setn(EFBIG, "HTTP response body: more than %zu bytes", max);
	}
	buf[len] = 0;
	*out = buf;
	return len;
}

void http_response_close(struct http_response *rs)
{
	struct http_client *c = rs->client;
	struct conn *k;
	char buf[4096];
	size_t total = 0;
	ssize_t got;

	if (!c || !c->busy)
		return;
	k = c->busy;
	/* Drain a short rest (an error page) to keep the connection; a long
	 * one costs more than a new connection. Errors here only mean the
	 * connection goes: the caller has what it wanted. */
	if (!c->msg.head.conn_close && !c->msg.failed) {
		int saved = err_errno();
		char msg[256];

		/* not after an error (a timeout would be waited for twice),
		 * and within one timeout */
		snprintf(msg, sizeof(msg), "%s", err_msg());
		tcp_pace(timeout_ms(c), 0, 0);
		while (total < DRAIN_MAX && (got = reader_read(rs->body, buf, sizeof(buf))) > 0)
			total += got;
		err_setn(saved, "%s", msg);
	}
	tcp_pace(0, 0, 0);
	if (!http_msg_reusable(&c->msg))
		conn_close(k);
	c->busy = NULL;
	rs->client = NULL;
	rs->head = NULL;
	rs->body = NULL;
}
