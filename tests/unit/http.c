/* http.c - unit tests for the HTTP response parser (core/http_parse.c) and
 * URLs (core/url.c): byte strings in, no sockets. Every case runs twice:
 * whole, and one byte per read, so no parse depends on where reads split. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "http.h"
#include "stream.h"
#include "url.h"
#include "testio.h"
#include "unit.h"

static struct http_msg msg;
static char body[8192];
static size_t body_len;

/* Parse a response, read its body into body[]: 0, or -1 (err_msg()). */
static int parse(const char *resp, size_t len, size_t step, int no_body)
{
	struct mem_reader mr;
	struct chunk_reader cr;
	ssize_t got;

	mem_reader_init(&mr, resp, len);
	chunk_init(&cr, &mr.r, step);
	body_len = 0;
	if (http_msg_begin(&msg, &cr.r, "test", no_body))
		return -1;
	while ((got = reader_read(&msg.body, body + body_len, sizeof(body) - body_len)) > 0)
		body_len += got;
	if (got < 0)
		return -1;
	body[body_len] = 0;
	return 0;
}

/* Both ways must agree; returns the result of the byte-at-a-time one. */
static int parse2(const char *resp, int no_body)
{
	size_t len = strlen(resp);
	int a = parse(resp, len, len ? len : 1, no_body);
	int b = parse(resp, len, 1, no_body);

	return a == b ? b : -2;
}

static int refused(const char *resp, const char *why)
{
	return parse2(resp, 0) == -1 && strstr(err_msg(), why) != NULL;
}

static void test_parse(void)
{
	CHECK("content-length", parse2("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0) == 0 &&
	      msg.head.status == 200 && !strcmp(body, "hello") && http_msg_reusable(&msg));
	CHECK_STR("reason phrase", msg.head.buf, "OK");
	CHECK("extra bytes after body: not reusable",
	      parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiXX", 41, 64, 0) == 0 &&
	      !strcmp(body, "hi") && !http_msg_reusable(&msg));
	CHECK("chunked", parse2("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n", 0) == 0 &&
	      !strcmp(body, "hello world") && http_msg_reusable(&msg));
	CHECK("chunked upper-case hex, leading zeros", parse2("HTTP/1.1 200 OK\r\n"
		"Transfer-Encoding: Chunked\r\n\r\n000A\r\n0123456789\r\n0\r\n\r\n", 0) == 0 &&
	      !strcmp(body, "0123456789"));
	CHECK("close-delimited", parse2("HTTP/1.1 200 OK\r\n\r\nuntil the end", 0) == 0 &&
	      !strcmp(body, "until the end") && !http_msg_reusable(&msg));
	CHECK("HEAD: no body", parse2("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 1) == 0 &&
	      body_len == 0 && http_msg_reusable(&msg));
	CHECK("204: no body", parse2("HTTP/1.1 204 No Content\r\n\r\n", 0) == 0 && body_len == 0);
	CHECK("bare LF line ends", parse2("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 0) == 0 &&
	      !strcmp(body, "ok"));
	CHECK("1xx skipped", parse2("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\n"
				    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 0) == 0 &&
	      msg.head.status == 404 && body_len == 0);
	CHECK("HTTP/1.0 closes", parse2("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", 0) == 0 &&
	      !http_msg_reusable(&msg));
	CHECK("Connection: close", parse2("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\n"
					  "Content-Length: 1\r\n\r\nx", 0) == 0 && !http_msg_reusable(&msg));
	CHECK("agreeing Content-Length", parse2("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
						"content-length: 3, 3\r\n\r\nabc", 0) == 0 &&
	      !strcmp(body, "abc"));
	CHECK("headers: case-insensitive, trimmed, repeated",
	      parse2("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate:  Bearer realm=\"a\"  \r\n"
		     "Www-Authenticate: Basic\r\nLocation:\r\nContent-Length: 0\r\n\r\n", 0) == 0);
	CHECK_STR("header value", http_head_get(&msg.head, "www-authenticate", 0), "Bearer realm=\"a\"");
	CHECK_STR("second header", http_head_get(&msg.head, "WWW-AUTHENTICATE", 1), "Basic");
	CHECK("absent header", http_head_get(&msg.head, "www-authenticate", 2) == NULL &&
	      http_head_get(&msg.head, "X-None", 0) == NULL);
	CHECK_STR("empty header", http_head_get(&msg.head, "location", 0), "");

	CHECK("refused: huge Content-Length",
	      refused("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", "too large"));
	CHECK("refused: negative Content-Length",
	      refused("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "malformed Content-Length"));
	CHECK("refused: conflicting Content-Length",
	      refused("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
		      "conflicting"));
	CHECK("refused: CL and TE", refused("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
		"Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n", "both"));
	CHECK("refused: gzip TE", refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
					  "Transfer-Encoding"));
	CHECK("refused: chunk size overflow", refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
		"\r\n\r\n10000000000000000\r\n", "chunk size too large"));
	CHECK("refused: chunk size garbage", refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
		"\r\n\r\nzz\r\n", "malformed chunk size"));
	CHECK("refused: chunk longer than its size", refused("HTTP/1.1 200 OK\r\n"
		"Transfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n0\r\n\r\n", "longer than its size"));
	CHECK("refused: truncated chunked", refused("HTTP/1.1 200 OK\r\n"
		"Transfer-Encoding: chunked\r\n\r\n5\r\nhel", "before the end"));
	CHECK("refused: truncated body", refused("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
						 "before the end"));
	CHECK("refused: folded header", refused("HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\n\r\n", "folded"));
	CHECK("refused: missing CRLF (EOF in head)", refused("HTTP/1.1 200 OK\r\nX-A: a", "middle of a line"));
	CHECK("refused: bare CR", refused("HTTP/1.1 200 OK\rX-A: a\r\n\r\n", "CR without LF"));
	CHECK("refused: bad status line", refused("HTTP/2 200\r\n\r\n", "status line") &&
	      refused("HTTP/1.1 20 OK\r\n\r\n", "status line") &&
	      refused("ICY 200 OK\r\n\r\n", "status line"));
	CHECK("refused: header without colon", refused("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "without a name"));
	CHECK("refused: space before colon", refused("HTTP/1.1 200 OK\r\nX-A : b\r\n\r\n", "header name"));
	CHECK("refused: control char in value", refused("HTTP/1.1 200 OK\r\nX-A: a\001b\r\n\r\n", "control"));
	CHECK("refused: 101", refused("HTTP/1.1 101 Switching Protocols\r\n\r\n", "101"));
	CHECK("refused: empty input", refused("", "middle of a line") && msg.silent);
	{
		static const char nul[] = "HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n";

		CHECK("refused: NUL in header", parse(nul, sizeof(nul) - 1, 3, 0) == -1 &&
		      strstr(err_msg(), "NUL"));
	}
	{
		/* a head over HTTP_HEAD_MAX, a header count over HTTP_HEADERS_MAX,
		 * and endless 1xx responses */
		size_t n = HTTP_HEAD_MAX + 200, at;
		char *big = malloc(n + 64);

		at = sprintf(big, "HTTP/1.1 200 OK\r\nX-Long: ");
		memset(big + at, 'a', n - at);
		strcpy(big + n, "\r\n\r\n");
		CHECK("refused: header too long", refused(big, "too long"));
		at = sprintf(big, "HTTP/1.1 200 OK\r\n");
		for (int i = 0; i <= HTTP_HEADERS_MAX; i++)
			at += sprintf(big + at, "X-%d: v\r\n", i);
		strcpy(big + at, "\r\n");
		CHECK("refused: too many headers", refused(big, "too many headers"));
		at = 0;
		for (int i = 0; i < 20; i++)
			at += sprintf(big + at, "HTTP/1.1 100 Continue\r\n\r\n");
		strcpy(big + at, "HTTP/1.1 200 OK\r\n\r\n");
		CHECK("refused: endless 1xx", refused(big, "1xx"));
		free(big);
	}
}

static void test_url(void)
{
	struct url u;
	char out[512];

	CHECK("url https", url_parse(&u, "https://Registry-1.Docker.io/v2/") == 0 && u.tls &&
	      u.port == 443 && !strcmp(u.host, "registry-1.docker.io") &&
	      u.target_len == 4 && !strncmp(u.target, "/v2/", 4));
	CHECK("url http port query fragment", url_parse(&u, "http://h:5000/a?b=c#frag") == 0 &&
	      !u.tls && u.port == 5000 && u.port_given && u.target_len == 6 &&
	      !strncmp(u.target, "/a?b=c", 6));
	CHECK("url empty path", url_parse(&u, "https://h") == 0 && !strcmp(u.target, "/"));
	CHECK("url ipv6", url_parse(&u, "http://[::1]:8080/x") == 0 && !strcmp(u.host, "::1") &&
	      u.port == 8080);
	CHECK("url authority ipv6", url_authority(&u, out, sizeof(out)) > 0 && !strcmp(out, "[::1]:8080"));
	CHECK("url authority default port", url_parse(&u, "https://h:443/") == 0 &&
	      url_authority(&u, out, sizeof(out)) > 0 && !strcmp(out, "h"));
	CHECK("url refused", url_parse(&u, "ftp://h/") && url_parse(&u, "https://") &&
	      url_parse(&u, "https://u@h/") && url_parse(&u, "https://h:0/") &&
	      url_parse(&u, "https://h:65536/") && url_parse(&u, "https://h/a b") &&
	      url_parse(&u, "https://[::1/") && url_parse(&u, "https://h:12x/") &&
	      url_parse(&u, "https://h/\x7f") && url_parse(&u, "https://h\r\n/"));
	CHECK("resolve absolute", url_resolve("https://a/v2/x", "https://cdn.example/b?s=1", out,
					      sizeof(out)) == 0 && !strcmp(out, "https://cdn.example/b?s=1"));
	CHECK("resolve path", url_resolve("https://a:5000/v2/x?q", "/v2/y", out, sizeof(out)) == 0 &&
	      !strcmp(out, "https://a:5000/v2/y"));
	CHECK("resolve scheme-relative", url_resolve("https://a/v2/x", "//b/c", out, sizeof(out)) == 0 &&
	      !strcmp(out, "https://b/c"));
	CHECK("resolve relative", url_resolve("http://a/v2/x/y?q", "z?w", out, sizeof(out)) == 0 &&
	      !strcmp(out, "http://a/v2/x/z?w"));
	CHECK("resolve too long", url_resolve("http://a/", "/0123456789", out, 12) == -1);
	CHECK("resolve refuses bad", url_resolve("http://a/", "/a b", out, sizeof(out)) == -1);
	{
		struct url a, b;

		url_parse(&a, "https://h/x");
		url_parse(&b, "https://H:443/y");
		CHECK("same origin", url_same_origin(&a, &b));
		url_parse(&b, "http://h/y");
		CHECK("other origin", !url_same_origin(&a, &b));
	}
}

int main(void)
{
	test_parse();
	test_url();
	return UNIT_DONE();
}
