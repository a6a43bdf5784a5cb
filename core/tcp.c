/* tcp.c - TCP connections with timeouts (see tcp.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "tcp.h"

/* Connect one address: non-blocking connect, poll for the timeout, then
 * back to blocking with send/receive timeouts. */
static int connect_one(const struct addrinfo *ai, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	struct pollfd p;
	socklen_t len = sizeof(int);
	int fd, r, soerr = 0, one = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    ai->ai_protocol);
	if (fd < 0)
		return -1;
	r = connect(fd, ai->ai_addr, ai->ai_addrlen);
	if (r < 0 && errno != EINPROGRESS)
		goto fail;
	if (r < 0) {
		p.fd = fd;
		p.events = POLLOUT;
		do
			r = poll(&p, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		if (r == 0)
			errno = ETIMEDOUT;
		if (r <= 0)
			goto fail;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
			goto fail;
		if (soerr) {
			errno = soerr;
			goto fail;
		}
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		goto fail;
	/* Requests are written whole; do not let Nagle hold the last bytes. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
fail:
	r = errno;
	close(fd);
	errno = r;
	return -1;
}

int tcp_connect(const char *host, uint16_t port, int timeout_ms)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	char service[8];
	int r, fd = -1, saved = 0;

	if (timeout_ms <= 0)
		timeout_ms = TCP_TIMEOUT_MS;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(service, sizeof(service), "%u", (unsigned)port);
	r = getaddrinfo(host, service, &hints, &res);
	if (r == EAI_SYSTEM)
		return err_set("cannot resolve %s", host);
	if (r)
		return err_setn(0, "cannot resolve %s: %s", host, gai_strerror(r));
	for (ai = res; ai; ai = ai->ai_next) {
		fd = connect_one(ai, timeout_ms);
		if (fd >= 0)
			break;
		saved = errno;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return err_setn(saved ? saved : EHOSTUNREACH, "cannot connect to %s port %u",
				host, (unsigned)port);
	return fd;
}

static struct {
	int64_t deadline, win_end; /* CLOCK_MONOTONIC ms; 0: none */
	int window;
	size_t min, got;
} pace;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tcp_pace(int deadline_ms, int window_ms, size_t min)
{
	int64_t now = now_ms();

	pace.deadline = deadline_ms > 0 ? now + deadline_ms : 0;
	pace.window = window_ms;
	pace.win_end = window_ms > 0 && min ? now + window_ms : 0;
	pace.min = min;
	pace.got = 0;
}

/* Wait for input until the deadline: 0 if there is some, else -1. */
static int wait_deadline(int fd)
{
	int64_t left = pace.deadline - now_ms();
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r = 0;

	while (left > 0 && (r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left)) < 0 &&
	       errno == EINTR)
		left = pace.deadline - now_ms();
	if (left <= 0 || r == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}

ssize_t tcp_read(int fd, void *buf, size_t n, const char *what)
{
	ssize_t got;

	if (pace.deadline && wait_deadline(fd) < 0)
		return err_setn(ETIMEDOUT, "%s: too slow", what);
	do
		got = read(fd, buf, n);
	while (got < 0 && errno == EINTR);
	if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return err_setn(ETIMEDOUT, "%s", what);
	if (got < 0)
		return err_set("%s", what);
	if (pace.win_end) {
		int64_t now = now_ms();

		pace.got += got;
		if (now >= pace.win_end) {
			if (pace.got < pace.min)
				return err_setn(ETIMEDOUT, "%s: too slow (%zu bytes in %d ms)",
						what, pace.got, pace.window);
			pace.got = 0;
			pace.win_end = now + pace.window;
		}
	}
	return got;
}

int tcp_write_all(int fd, const void *buf, size_t n, const char *what)
{
	const unsigned char *p = buf;

	while (n) {
		/* MSG_NOSIGNAL: a peer that closed must give EPIPE, not kill us. */
		ssize_t put = send(fd, p, n, MSG_NOSIGNAL);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return err_setn(ETIMEDOUT, "%s", what);
		if (put < 0)
			return err_set("%s", what);
		p += put;
		n -= put;
	}
	return 0;
}

int tcp_peer_gone(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	/* Nothing may arrive on an idle HTTP connection: readable means the
	 * server closed it (EOF), reset it, or sent garbage. */
	return poll(&p, 1, 0) != 0;
}

static ssize_t ns_read(struct reader *r, void *buf, size_t n)
{
	struct tcp_stream *ns = (struct tcp_stream *)r;

	return tcp_read(ns->fd, buf, n, ns->what);
}

static int ns_write(struct writer *w, const void *buf, size_t n)
{
	struct tcp_stream *ns = (struct tcp_stream *)((char *)w - offsetof(struct tcp_stream, w));

	return tcp_write_all(ns->fd, buf, n, ns->what);
}

void tcp_stream_init(struct tcp_stream *ns, int fd, const char *what)
{
	ns->r.read = ns_read;
	ns->r.close = NULL;
	ns->w.write = ns_write;
	ns->w.finish = NULL;
	ns->w.close = NULL;
	ns->fd = fd;
	ns->what = what;
}
