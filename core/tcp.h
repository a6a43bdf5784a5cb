/* tcp.h - TCP connections with timeouts.
 *
 * Names are resolved with getaddrinfo() (static musl reads /etc/hosts and
 * /etc/resolv.conf itself); every address is tried in turn, each with the
 * connect timeout. The socket gets SO_RCVTIMEO/SO_SNDTIMEO, so a read or
 * write that waits longer than the timeout fails with ETIMEDOUT instead of
 * hanging a pull forever on a dead link.
 *
 * Errors follow err.h: -1 with the context recorded by err_set().
 */
#ifndef BOXCAR_TCP_H
#define BOXCAR_TCP_H

#include <stdint.h>
#include <sys/types.h>

#include "stream.h"

#define TCP_TIMEOUT_MS 30000 /* default for connect and for each read/write */

/* A connected TCP socket to host:port (a name, an IPv4 or an IPv6 literal
 * without brackets), or -1. timeout_ms <= 0 means TCP_TIMEOUT_MS. */
int tcp_connect(const char *host, uint16_t port, int timeout_ms);

/* read()/write() on such a socket: EINTR retried, a timeout reported as
 * ETIMEDOUT ("HOST: timed out"); errors recorded with what in the message.
 * tcp_write_all writes all n bytes or fails. */
ssize_t tcp_read(int fd, void *buf, size_t n, const char *what);
int tcp_write_all(int fd, const void *buf, size_t n, const char *what);

/* Pace the reads of the one request in flight (boxcar's HTTP client has
 * one request open at a time): a per-read timeout does not bound a peer
 * that sends a byte every few seconds. From now on tcp_read() fails with
 * ETIMEDOUT ("too slow") once deadline_ms have passed (0: no deadline),
 * or when a window of window_ms brought fewer than min bytes (0: no
 * minimum). tcp_pace(0, 0, 0) turns it off. */
void tcp_pace(int deadline_ms, int window_ms, size_t min);

/* 1 if the peer has closed the connection or sent unexpected data (an idle
 * keep-alive connection that must not be reused), 0 if it looks usable. */
int tcp_peer_gone(int fd);

/* A socket as a reader and a writer (does not own the fd). */
struct tcp_stream {
	struct reader r;
	struct writer w;
	int fd;
	const char *what; /* "host:port", for messages */
};
void tcp_stream_init(struct tcp_stream *ns, int fd, const char *what);

#endif
