/* http_parse.c - HTTP/1.1 responses from any struct reader: status line,
 * headers, body framing (Content-Length, chunked, until close). No sockets
 * here, so the unit tests and the fuzzer drive it with byte strings.
 *
 * Everything the server sends is bounded (see the limits in http.h); sizes
 * use checked arithmetic; nothing recurses.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "http.h"

enum { BODY_NONE, BODY_LENGTH, BODY_CHUNKED, BODY_CLOSE };
enum { ST_DATA, ST_CHUNK_SIZE, ST_CHUNK_END, ST_TRAILER, ST_DONE };

#define MAX_INTERIM 10     /* 1xx responses skipped before the real one */
#define CHUNK_LINE_MAX 1024 /* chunk-size line, extensions included */

static int bad(struct http_msg *m, const char *why)
{
	return err_setn(EBADMSG, "%s: bad HTTP response: %s", m->what, why);
}

/* Next input byte into *c: 1, 0 at the end of the stream, -1. */
static int next_byte(struct http_msg *m, unsigned char *c)
{
	if (m->in_pos == m->in_len) {
		ssize_t got = reader_read(m->src, m->in, sizeof(m->in));

		if (got <= 0)
			return (int)got;
		m->in_pos = 0;
		m->in_len = got;
	}
	*c = m->in[m->in_pos++];
	return 1;
}

/* One line, without its CRLF (a bare LF is accepted, a bare CR is not),
 * into dst (NUL-terminated; dst may be NULL to skip it). *len gets its
 * length. Longer than cap - 1 bytes: error "too_long". */
static int read_line(struct http_msg *m, char *dst, size_t cap, size_t *len,
		     const char *too_long)
{
	size_t n = 0;
	unsigned char c = 0;
	int r, cr = 0;

	if (dst && cap == 0)
		return bad(m, too_long);
	for (;;) {
		r = next_byte(m, &c);
		if (r < 0)
			return -1;
		if (r == 0) {
			if (n == 0 && !cr)
				m->silent = 1;
			return bad(m, "connection closed in the middle of a line");
		}
		if (cr && c != '\n')
			return bad(m, "CR without LF");
		if (c == '\n')
			break;
		if (c == '\r') {
			cr = 1;
			continue;
		}
		if (n + 1 >= cap)
			return bad(m, too_long);
		if (dst)
			dst[n] = c;
		n++;
	}
	if (dst)
		dst[n] = 0;
	*len = n;
	return 0;
}

static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* "HTTP/1.x SSS[ reason]" */
static int parse_status(struct http_msg *m, const char *l, size_t len)
{
	struct http_head *h = &m->head;
	size_t rl;

	if (len < 12 || memcmp(l, "HTTP/1.", 7) || l[7] < '0' || l[7] > '9' || l[8] != ' ' ||
	    l[9] < '1' || l[9] > '9' || l[10] < '0' || l[10] > '9' || l[11] < '0' ||
	    l[11] > '9' || (len > 12 && l[12] != ' '))
		return bad(m, "malformed status line");
	h->minor = l[7] - '0';
	h->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	/* keep the reason phrase, printable characters only, for messages */
	rl = len > 13 ? len - 13 : 0;
	for (size_t i = 0; i < rl; i++) {
		unsigned char c = l[13 + i];

		h->buf[i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	h->buf[rl] = 0;
	h->used = rl + 1;
	return 0;
}

/* Split "Name: value" in place at h->buf + at (len bytes) and index it. */
static int parse_field(struct http_msg *m, size_t at, size_t len)
{
	struct http_head *h = &m->head;
	char *l = h->buf + at;
	size_t colon, v, e;

	if (l[0] == ' ' || l[0] == '\t')
		return bad(m, "folded header line (obsolete, refused)");
	for (colon = 0; colon < len && l[colon] != ':'; colon++)
		if (!is_tchar(l[colon]))
			return bad(m, "bad character in a header name");
	if (colon == len || colon == 0)
		return bad(m, "header line without a name");
	for (size_t i = colon + 1; i < len; i++) {
		unsigned char c = l[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return bad(m, "control character in a header value");
	}
	if (h->count == HTTP_HEADERS_MAX)
		return bad(m, "too many headers");
	for (v = colon + 1; v < len && (l[v] == ' ' || l[v] == '\t'); v++)
		;
	for (e = len; e > v && (l[e - 1] == ' ' || l[e - 1] == '\t'); e--)
		;
	l[colon] = 0;
	l[e] = 0;
	/* HTTP_HEAD_MAX fits in uint16_t offsets (checked by the build below) */
	h->field[h->count].name = at;
	h->field[h->count].value = at + v;
	h->count++;
	return 0;
}

_Static_assert(HTTP_HEAD_MAX <= 65535, "header offsets are 16-bit");

const char *http_head_get(const struct http_head *h, const char *name, unsigned idx)
{
	for (unsigned i = 0; i < h->count; i++)
		if (!strcasecmp(h->buf + h->field[i].name, name) && idx-- == 0)
			return h->buf + h->field[i].value;
	return NULL;
}

/* Does the comma-separated list s hold token tok (case-insensitive)? */
static int list_has(const char *s, const char *tok)
{
	size_t tl = strlen(tok);

	while (*s) {
		size_t n;

		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		n = strcspn(s, ",");
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == tl && !strncasecmp(s, tok, tl))
			return 1;
		s += strcspn(s, ",");
	}
	return 0;
}

/* Content-Length: 1*DIGIT, < 2^63; a list ("5, 5") or repeated headers
 * must all agree. */
static int parse_length(struct http_msg *m, const char *s)
{
	struct http_head *h = &m->head;

	for (;;) {
		uint64_t v = 0;
		int digits = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		while (*s >= '0' && *s <= '9') {
			if (v > ((uint64_t)INT64_MAX - 9) / 10)
				return bad(m, "Content-Length too large");
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		while (*s == ' ' || *s == '\t')
			s++;
		if (!digits || (*s && *s != ','))
			return bad(m, "malformed Content-Length");
		if (h->content_length >= 0 && (uint64_t)h->content_length != v)
			return bad(m, "conflicting Content-Length values");
		h->content_length = v;
		if (!*s)
			return 0;
		s++;
	}
}

/* Transfer-Encoding: the only coding we take is a single "chunked". */
static int parse_te(struct http_msg *m, const char *s)
{
	size_t n;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		if (!*s)
			return 0;
		n = strcspn(s, ",");
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n != 7 || strncasecmp(s, "chunked", 7) || m->head.chunked)
			return bad(m, "unsupported Transfer-Encoding");
		m->head.chunked = 1;
		s += strcspn(s, ",");
	}
}

/* One head (status line and fields) into m->head. */
static int read_head(struct http_msg *m)
{
	struct http_head *h = &m->head;
	size_t len;
	const char *v;

	h->count = 0;
	h->content_length = -1;
	h->chunked = 0;
	h->conn_close = 0;
	/* the status line is read into buf, then replaced by its reason */
	if (read_line(m, h->buf, sizeof(h->buf), &len, "status line too long") ||
	    parse_status(m, h->buf, len))
		return -1;
	for (;;) {
		size_t at = h->used;

		if (read_line(m, h->buf + at, sizeof(h->buf) - at, &len,
			      "headers too long"))
			return -1;
		if (len == 0)
			break;
		if (memchr(h->buf + at, 0, len))
			return bad(m, "NUL byte in a header");
		if (parse_field(m, at, len))
			return -1;
		h->used = at + len + 1;
	}
	for (unsigned i = 0; (v = http_head_get(h, "Content-Length", i)); i++)
		if (parse_length(m, v))
			return -1;
	for (unsigned i = 0; (v = http_head_get(h, "Transfer-Encoding", i)); i++)
		if (parse_te(m, v))
			return -1;
	if (h->chunked && h->content_length >= 0)
		return bad(m, "both Content-Length and Transfer-Encoding");
	for (unsigned i = 0; (v = http_head_get(h, "Connection", i)); i++)
		if (list_has(v, "close"))
			h->conn_close = 1;
	if (h->minor == 0)
		h->conn_close = 1; /* HTTP/1.0: we ask for no keep-alive there */
	return 0;
}

/* Bytes of the body proper: from the read-ahead, else straight from the
 * source into the caller's buffer (a blob is not copied twice). */
static ssize_t raw_read(struct http_msg *m, void *buf, size_t n)
{
	if (m->in_pos < m->in_len) {
		size_t have = m->in_len - m->in_pos;

		if (n > have)
			n = have;
		memcpy(buf, m->in + m->in_pos, n);
		m->in_pos += n;
		return n;
	}
	return reader_read(m->src, buf, n);
}

static int chunk_size(struct http_msg *m)
{
	char line[CHUNK_LINE_MAX];
	size_t len, i = 0;
	uint64_t v = 0;

	if (read_line(m, line, sizeof(line), &len, "chunk size line too long"))
		return -1;
	for (; i < len; i++) {
		int d;
		char c = line[i];

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 32) >= 'a' && (c | 32) <= 'f')
			d = (c | 32) - 'a' + 10;
		else
			break;
		if (v > (uint64_t)INT64_MAX >> 4)
			return bad(m, "chunk size too large");
		v = v << 4 | d;
	}
	if (i == 0)
		return bad(m, "malformed chunk size");
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i < len && line[i] != ';')
		return bad(m, "malformed chunk size");
	/* extensions (";name=value") are ignored */
	m->left = v;
	m->state = v ? ST_DATA : ST_TRAILER;
	return 0;
}

/* Trailer fields: skipped, bounded like a head. */
static int skip_trailer(struct http_msg *m)
{
	size_t len, total = 0;

	for (unsigned n = 0;; n++) {
		if (n > HTTP_HEADERS_MAX || total > HTTP_HEAD_MAX)
			return bad(m, "trailer too long");
		if (read_line(m, NULL, HTTP_HEAD_MAX, &len, "trailer too long"))
			return -1;
		if (len == 0)
			break;
		total += len;
	}
	m->state = ST_DONE;
	return 0;
}

static ssize_t body_read_framed(struct http_msg *m, void *buf, size_t n);

/* A failed body is not read again (a drain would wait once more). */
static ssize_t body_read(struct reader *r, void *buf, size_t n)
{
	struct http_msg *m = (struct http_msg *)r;
	ssize_t got;

	if (m->failed)
		return err_setn(EBADMSG, "%s: body read after an error", m->what);
	got = body_read_framed(m, buf, n);
	if (got < 0)
		m->failed = 1;
	return got;
}

static ssize_t body_read_framed(struct http_msg *m, void *buf, size_t n)
{
	ssize_t got;
	size_t len;

	while (m->state != ST_DONE) {
		switch (m->state) {
		case ST_CHUNK_SIZE:
			if (chunk_size(m))
				return -1;
			continue;
		case ST_CHUNK_END:
			if (read_line(m, NULL, 1, &len, "chunk data longer than its size"))
				return -1;
			m->state = ST_CHUNK_SIZE;
			continue;
		case ST_TRAILER:
			if (skip_trailer(m))
				return -1;
			continue;
		}
		/* ST_DATA */
		if (n == 0)
			return 0;
		if (m->framing != BODY_CLOSE && n > m->left)
			n = m->left;
		got = raw_read(m, buf, n);
		if (got < 0)
			return -1;
		if (got == 0) {
			if (m->framing == BODY_CLOSE) {
				m->state = ST_DONE;
				return 0;
			}
			return err_setn(EBADMSG, "%s: connection closed before the end of the body",
					m->what);
		}
		if (m->framing != BODY_CLOSE) {
			m->left -= got;
			if (m->left == 0)
				m->state = m->framing == BODY_CHUNKED ? ST_CHUNK_END : ST_DONE;
		}
		return got;
	}
	return 0;
}

int http_msg_begin(struct http_msg *m, struct reader *src, const char *what, int no_body)
{
	struct http_head *h = &m->head;
	int interim = 0;

	m->body.read = body_read;
	m->body.close = NULL;
	m->src = src;
	m->what = what ? what : "HTTP";
	m->in_pos = m->in_len = 0;
	m->silent = 0;
	m->failed = 0;
	m->state = ST_DONE;
	m->framing = BODY_NONE;
	m->left = 0;
	for (;;) {
		if (read_head(m))
			return -1;
		if (h->status >= 200)
			break;
		if (h->status == 101)
			return bad(m, "unexpected 101 Switching Protocols");
		if (++interim > MAX_INTERIM)
			return bad(m, "too many 1xx responses");
	}
	if (no_body || h->status == 204 || h->status == 304) {
		m->framing = BODY_NONE;
	} else if (h->chunked) {
		m->framing = BODY_CHUNKED;
		m->state = ST_CHUNK_SIZE;
	} else if (h->content_length >= 0) {
		m->framing = BODY_LENGTH;
		m->left = h->content_length;
		m->state = m->left ? ST_DATA : ST_DONE;
	} else {
		m->framing = BODY_CLOSE;
		m->state = ST_DATA;
		h->conn_close = 1;
	}
	return 0;
}

int http_msg_reusable(const struct http_msg *m)
{
	return m->state == ST_DONE && m->framing != BODY_CLOSE && !m->head.conn_close &&
	       m->in_pos == m->in_len;
}
