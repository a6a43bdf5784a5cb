/* tls.c - the HTTP client on loopback, against real servers:
 *
 *   plain HTTP: a small forked server in this file (Content-Length,
 *   chunked, close-delimited, keep-alive reuse, a server that drops idle
 *   connections, one that drops a reused connection under a request);
 *   HTTPS: `openssl s_server -WWW` with a CA and certificates made by the
 *   openssl command here: a valid chain, a name mismatch, an unknown CA,
 *   a TLS 1.3-only server. Without openssl (QEMU guests) those are SKIPPED.
 *
 * Every server is killed and reaped before exit (also on a failed check).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bearssl_ssl.h>

#include "err.h"
#include "http.h"
#include "tcp.h"
#include "tls.h"
#include "unit.h"
#include "version.h"

#if defined(__x86_64__)
#define ON_X86_64 1
#else
#define ON_X86_64 0
#endif

static pid_t servers[8];
static int nservers;
static char dir[64];

static void kill_servers(void)
{
	for (int i = 0; i < nservers; i++)
		if (servers[i] > 0) {
			kill(servers[i], SIGTERM);
			waitpid(servers[i], NULL, 0);
			servers[i] = 0;
		}
	nservers = 0;
}

static void cleanup(void)
{
	char cmd[128];

	kill_servers();
	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd)) {
		}
	}
}

static void spawned(pid_t pid)
{
	if (nservers < (int)(sizeof(servers) / sizeof(servers[0])))
		servers[nservers++] = pid;
}

/* A listening socket on 127.0.0.1, port chosen by the kernel. */
static int listen_any(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len))
		return -1;
	*port = ntohs(sa.sin_port);
	return fd;
}

/* ---- the plain HTTP server ---- */

static void say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0) {
	}
}

/* Serve one connection; returns when it is closed. */
static void serve_conn(int fd)
{
	char req[4096], resp[256], *path;
	size_t have = 0;
	int nreq = 0;

	for (;;) {
		char *end;
		ssize_t got;

		while (!(end = memmem(req, have, "\r\n\r\n", 4))) {
			if (have == sizeof(req) ||
			    (got = read(fd, req + have, sizeof(req) - have)) <= 0)
				return;
			have += got;
		}
		*end = 0;
		nreq++;
		path = strchr(req, ' ');
		path = path ? path + 1 : req;
		if (!strncmp(path, "/len ", 5)) {
			say(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
		} else if (!strncmp(path, "/chunked ", 9)) {
			say(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
			say(fd, "5\r\nhello\r\n");
			say(fd, "6;x=y\r\n world\r\n0\r\nTrailer: t\r\n\r\n");
		} else if (!strncmp(path, "/count ", 7)) {
			snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%d",
				 nreq > 9 ? 2 : 1, nreq);
			say(fd, resp);
		} else if (!strncmp(path, "/close ", 7)) {
			say(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close");
			return;
		} else if (!strncmp(path, "/idle-drop ", 11)) {
			/* answers, keeps alive in words, then closes when idle */
			say(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
			return;
		} else if (!strncmp(path, "/flaky ", 7)) {
			/* drops a reused connection under the request */
			if (nreq > 1)
				return;
			say(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
		} else if (!strncmp(path, "/redirect ", 10)) {
			say(fd, "HTTP/1.1 307 Temporary Redirect\r\nLocation: /len\r\n"
				"Content-Length: 9\r\n\r\nredirect!");
		} else if (!strncmp(path, "/echo-ua ", 9)) {
			char *ua = strstr(req, "User-Agent: "), *auth = strstr(req, "Authorization: ");
			int n = snprintf(resp + 100, 150, "%.*s|%.*s",
					 ua ? (int)strcspn(ua + 12, "\r") : 0, ua ? ua + 12 : "",
					 auth ? (int)strcspn(auth + 15, "\r") : 0, auth ? auth + 15 : "");
			snprintf(resp, 100, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", n);
			say(fd, resp);
			say(fd, resp + 100);
		} else if (!strncmp(path, "/big ", 5)) {
			static char blk[65536];

			say(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n");
			memset(blk, 'b', sizeof(blk));
			for (int i = 0; i < 16; i++)
				if (write(fd, blk, sizeof(blk)) < 0)
					return;
		} else {
			say(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
		}
		have -= end + 4 - req;
		memmove(req, end + 4, have);
	}
}

static pid_t start_plain(int lfd)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_IGN);
		for (;;) {
			int fd = accept(lfd, NULL, NULL);

			if (fd < 0)
				_exit(0);
			serve_conn(fd);
			close(fd);
		}
	}
	if (pid > 0)
		spawned(pid);
	return pid;
}

static char *get(struct http_client *c, const char *url, int *status)
{
	struct http_response rs;
	char *body = NULL;

	*status = 0;
	if (http_request(c, &(struct http_request){ .url = url }, &rs))
		return NULL;
	*status = rs.status;
	if (http_read_body(&rs, &body, 1 << 20) < 0)
		body = NULL;
	http_response_close(&rs);
	return body;
}

static int body_is(struct http_client *c, const char *url, const char *want)
{
	int status;
	char *b = get(c, url, &status);
	int ok = b && !strcmp(b, want);

	if (!ok)
		printf("  %s: got \"%s\" (%s)\n", url, b ? b : "(error)", b ? "" : err_msg());
	free(b);
	return ok;
}

static void test_plain(void)
{
	char url[128], base[64];
	struct http_client *c = http_client_new(NULL);
	struct http_response rs;
	uint16_t port;
	int lfd = listen_any(&port), status;
	char *b;

	if (lfd < 0 || start_plain(lfd) < 0) {
		CHECK("plain server starts", 0);
		return;
	}
	close(lfd);
	snprintf(base, sizeof(base), "http://127.0.0.1:%u", (unsigned)port);
#define U(p) (snprintf(url, sizeof(url), "%s%s", base, p), url)
	CHECK("plain: Content-Length", body_is(c, U("/len"), "hello"));
	CHECK("plain: chunked with trailer", body_is(c, U("/chunked"), "hello world"));
	CHECK("plain: keep-alive reuses the connection", body_is(c, U("/count"), "3"));
	CHECK("plain: close-delimited", body_is(c, U("/close"), "until close"));
	CHECK("plain: new connection after close", body_is(c, U("/count"), "1"));
	CHECK("plain: idle connection dropped by server", body_is(c, U("/idle-drop"), "ok"));
	usleep(100000); /* let the close arrive */
	CHECK("plain: ...re-opened", body_is(c, U("/count"), "1"));
	CHECK("plain: dropped under a request, retried", body_is(c, U("/flaky"), "fresh"));
	CHECK("plain: 404", (b = get(c, U("/nothing"), &status)) && status == 404 && !*b);
	free(b);
	{
		const char *h[] = { "Authorization: Bearer xyz", "Accept: */*", NULL };

		CHECK("plain: User-Agent and extra headers",
		      http_request(c, &(struct http_request){ .url = U("/echo-ua"), .headers = h },
				   &rs) == 0 && http_read_body(&rs, &b, 100) > 0 &&
		      !strcmp(b, "boxcar/" BOXCAR_VERSION "|Bearer xyz"));
		http_response_close(&rs);
		free(b);
	}
	{
		const char *h[] = { "X-Evil: a\r\nInjected: b", NULL };

		CHECK("plain: header injection refused",
		      http_request(c, &(struct http_request){ .url = U("/len"), .headers = h }, &rs) == -1);
	}
	CHECK("plain: redirect is not followed, Location exposed",
	      http_request(c, &(struct http_request){ .url = U("/redirect") }, &rs) == 0 &&
	      rs.status == 307 && http_header(&rs, "location") &&
	      !strcmp(http_header(&rs, "location"), "/len"));
	CHECK("plain: second request while a response is open refused",
	      http_request(c, &(struct http_request){ .url = U("/len") }, &(struct http_response){ 0 }) == -1 &&
	      err_errno() == EBUSY);
	http_response_close(&rs); /* drains "redirect!": connection kept */
	CHECK("plain: drained response keeps the connection", body_is(c, U("/count"), "5"));
	{
		char buf[32768];
		ssize_t got;
		long total = 0;

		if (http_request(c, &(struct http_request){ .url = U("/big") }, &rs) == 0) {
			while ((got = reader_read(rs.body, buf, sizeof(buf))) > 0)
				total += got;
			http_response_close(&rs);
		}
		CHECK("plain: 1 MiB body streams", total == 1048576);
		CHECK("plain: body too big for http_read_body",
		      http_request(c, &(struct http_request){ .url = U("/big") }, &rs) == 0 &&
		      http_read_body(&rs, &b, 1000) == -1 && err_errno() == EFBIG);
		http_response_close(&rs);
	}
	CHECK("plain: HEAD", http_request(c, &(struct http_request){ .url = U("/len"), .method = "HEAD" }, &rs) == 0 &&
	      rs.status == 200 && rs.content_length == 5 && reader_read(rs.body, url, 1) == 0);
	http_response_close(&rs);
	CHECK("plain: connection refused is an error",
	      http_request(c, &(struct http_request){ .url = "http://127.0.0.1:1/" }, &rs) == -1 &&
	      strstr(err_msg(), "cannot connect"));
#undef U
	http_client_free(c);
	kill_servers();
}

/* ---- HTTPS against openssl s_server ---- */

static int sh(const char *fmt, const char *arg)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cd '%s' && (", dir);
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), fmt, arg, arg, arg, arg);
	strncat(cmd, ") >/dev/null 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	return system(cmd);
}

/* A CA and a server certificate it signs, for DNS name san. */
static int make_certs(void)
{
	return sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
		  "-keyout ca.key -out ca.pem -days 30 -subj '/CN=bxtest CA' && "
		  "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
		  "-keyout other-ca.key -out other-ca.pem -days 30 -subj '/CN=bxtest other CA' && "
		  "openssl req -new -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr "
		  "-subj /CN=localhost && "
		  "printf 'subjectAltName=DNS:localhost\\nbasicConstraints=CA:FALSE\\n"
		  "extendedKeyUsage=serverAuth\\n' > good.ext && "
		  "printf 'subjectAltName=DNS:wrong.example\\n' > wrong.ext && "
		  "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
		  "-days 30 -extfile good.ext -out good.pem && "
		  "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
		  "-days 30 -extfile wrong.ext -out wrong.pem && "
		  "echo 'hello over tls' > index.txt%s", "");
}

static int wait_port(uint16_t port)
{
	for (int i = 0; i < 100; i++) {
		int fd = tcp_connect("127.0.0.1", port, 1000);

		if (fd >= 0) {
			close(fd);
			return 0;
		}
		usleep(50000);
	}
	return -1;
}

static int start_openssl(const char *cert, const char *extra, uint16_t *port)
{
	char accept_arg[32];
	int lfd = listen_any(port);
	pid_t pid;

	if (lfd < 0)
		return -1;
	close(lfd); /* the port is free again: openssl takes it (small race, fine) */
	snprintf(accept_arg, sizeof(accept_arg), "127.0.0.1:%u", (unsigned)*port);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (chdir(dir) || null < 0)
			_exit(127);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execlp("openssl", "openssl", "s_server", "-accept", accept_arg, "-cert", cert,
		       "-key", "srv.key", "-WWW", "-quiet", "-naccept", "100",
		       extra[0] ? extra : NULL, NULL);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	spawned(pid);
	return wait_port(*port);
}

static int fetch(const char *ca, uint16_t port, char **body)
{
	char url[128], cafile[128];
	struct http_client *c;
	struct http_response rs;
	int r = -1;

	*body = NULL;
	snprintf(cafile, sizeof(cafile), "%s/%s", dir, ca);
	snprintf(url, sizeof(url), "https://localhost:%u/index.txt", (unsigned)port);
	c = http_client_new(&(struct http_options){ .ca_file = cafile, .timeout_ms = 5000 });
	if (c && http_request(c, &(struct http_request){ .url = url }, &rs) == 0) {
		if (rs.status == 200 && http_read_body(&rs, body, 1000) >= 0)
			r = 0;
		http_response_close(&rs);
	}
	http_client_free(c);
	return r;
}

/* Does the kernel say the CPU has AES-NI and PCLMULQDQ? Asked apart from
 * the code under test, so a wrong choice of suites fails. */
static int cpu_has_aes_gcm(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	int yes = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			yes = strstr(line, " aes") && strstr(line, " pclmulqdq");
			break;
		}
	fclose(f);
	return yes;
}

/* OpenSSL's server takes the client's first suite it supports: AES-GCM
 * where BearSSL has AES-NI code (x86 with aes and pclmulqdq), else ChaCha20. */
static void check_suite(uint16_t port)
{
	char cafile[128];
	struct tls_anchors *ta;
	struct tls_conn *t = NULL;
	int fd, want, got = -1;

	snprintf(cafile, sizeof(cafile), "%s/ca.pem", dir);
	ta = tls_anchors_load(cafile);
	fd = tcp_connect("127.0.0.1", port, 5000);
	if (ta && fd >= 0 && (t = tls_connect(fd, "localhost", ta)))
		got = tls_suite(t);
	if (t)
		tls_close(t);
	if (fd >= 0)
		close(fd);
	tls_anchors_free(ta);
	if (ON_X86_64 && cpu_has_aes_gcm()) {
		want = BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
		CHECK("https: AES-GCM first with AES-NI", got == want);
	} else {
		want = BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256;
		CHECK("https: ChaCha20 first without AES-NI", got == want);
	}
}

static void test_tls(void)
{
	uint16_t port;
	char *body;
	struct tls_anchors *ta;
	char path[128];

	CHECK("clock: 1970 is refused", tls_check_clock(0) == -1 &&
	      strstr(err_msg(), "system clock is not set (it says 1970-01-01"));
	CHECK("clock: now is fine", tls_check_clock(time(NULL)) == 0);
	ta = tls_anchors_load(TLS_DEFAULT_CA_FILE);
	if (ta) {
		printf("PASS: system CA bundle: %zu anchors\n", tls_anchors_count(ta));
		tls_anchors_free(ta);
	} else {
		printf("SKIPPED: system CA bundle (%s)\n", err_msg());
	}
	CHECK("anchors: missing file", !tls_anchors_load("/nonexistent/ca.pem") &&
	      strstr(err_msg(), "cannot open"));
	if (system("openssl version >/dev/null 2>&1")) {
		printf("SKIPPED: https tests (no openssl)\n");
		return;
	}
	if (make_certs()) {
		CHECK("openssl makes test certificates", 0);
		return;
	}
	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	CHECK("anchors: one CA", (ta = tls_anchors_load(path)) && tls_anchors_count(ta) == 1);
	tls_anchors_free(ta);
	snprintf(path, sizeof(path), "%s/index.txt", dir);
	CHECK("anchors: not PEM", !tls_anchors_load(path) && strstr(err_msg(), "no usable"));

	if (start_openssl("good.pem", "", &port)) {
		CHECK("openssl s_server starts", 0);
		return;
	}
	CHECK("https: valid chain fetches", fetch("ca.pem", port, &body) == 0 && body &&
	      !strcmp(body, "hello over tls\n"));
	free(body);
	CHECK("https: unknown CA", fetch("other-ca.pem", port, &body) == -1 &&
	      strstr(err_msg(), "not signed by a trusted CA"));
	setenv("SSL_CERT_FILE", "/nonexistent.pem", 1);
	CHECK("https: SSL_CERT_FILE used when no --ca",
	      !tls_anchors_load(NULL) && strstr(err_msg(), "/nonexistent.pem"));
	unsetenv("SSL_CERT_FILE");
	check_suite(port);
	kill_servers();

	if (start_openssl("wrong.pem", "", &port) == 0)
		CHECK("https: name mismatch", fetch("ca.pem", port, &body) == -1 &&
		      strstr(err_msg(), "does not match host name localhost"));
	else
		CHECK("openssl s_server starts (wrong name)", 0);
	kill_servers();

	if (start_openssl("good.pem", "-tls1_3", &port) == 0)
		CHECK("https: TLS 1.3-only server", fetch("ca.pem", port, &body) == -1 &&
		      strstr(err_msg(), "server offers no TLS 1.2"));
	else
		CHECK("openssl s_server starts (-tls1_3)", 0);
	kill_servers();
	if (start_openssl("good.pem", "-tls1_1", &port) == 0) {
		int r = fetch("ca.pem", port, &body);

		/* OpenSSL finds no TLS 1.1 suite among ours and refuses the
		 * handshake before it could name a version */
		CHECK("https: TLS 1.1-only server", r == -1 &&
		      (strstr(err_msg(), "server offers no TLS 1.2") ||
		       strstr(err_msg(), "server refused the handshake")));
	}
	kill_servers();
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	strcpy(dir, "/tmp/bxtest.tls.XXXXXX");
	if (!mkdtemp(dir)) {
		dir[0] = 0;
		CHECK("mkdtemp", 0);
		return UNIT_DONE();
	}
	atexit(cleanup);
	test_plain();
	test_tls();
	return UNIT_DONE();
}
