/* tls.h - TLS 1.2 client connections (BearSSL).
 *
 * The server's certificate chain is always verified: against trust anchors
 * loaded at run time from a PEM bundle, with the host name checked (and
 * sent as SNI). A host that is an IP address (IPv4, or IPv6 without
 * brackets) must be an iPAddress of the certificate's subjectAltName, byte
 * for byte, as Docker and containerd (Go) require; a DNS name or CN that
 * spells the address does not count, and no SNI is sent. There is no switch to skip verification; plain HTTP is the
 * caller's explicit choice (pull --insecure), never a fallback.
 *
 * Only TLS 1.2 (BearSSL has no 1.3), only ECDHE with AES-GCM or
 * ChaCha20-Poly1305: what every registry and CDN offers (docs/http-tls.md).
 * AES-GCM is offered first where BearSSL has AES-NI and PCLMULQDQ code for
 * the CPU, ChaCha20 first elsewhere: most servers take the client's order.
 *
 * Memory: the anchors keep only each CA's subject DN and public key (about
 * 70 KiB for Debian's 144 CAs); a connection holds about 24 KiB (BearSSL's
 * engine and X.509 contexts and one 16.3 KiB "mono" record buffer:
 * requests and responses alternate, so one buffer serves both ways).
 *
 * Errors follow err.h: -1 (or NULL) with a readable message recorded, e.g.
 *     TLS handshake with HOST: certificate is not signed by a trusted CA
 */
#ifndef BOXCAR_TLS_H
#define BOXCAR_TLS_H

#include <stddef.h>
#include <time.h>

#include "stream.h"

#define TLS_DEFAULT_CA_FILE "/etc/ssl/certs/ca-certificates.crt"
#define TLS_MAX_ANCHORS 1024    /* certificates taken from one bundle */
#define TLS_MAX_CERT 16384      /* DER bytes of one certificate in the bundle */

struct tls_anchors;
struct tls_conn;

/* Load the CA certificates of a PEM bundle: path, or if NULL $SSL_CERT_FILE,
 * or TLS_DEFAULT_CA_FILE. Certificates BearSSL cannot use (unknown key
 * type) are skipped; a bundle with none usable is an error. */
struct tls_anchors *tls_anchors_load(const char *path);
size_t tls_anchors_count(const struct tls_anchors *ta);
void tls_anchors_free(struct tls_anchors *ta);

/* 0 if time() looks set; else -1 and "system clock is not set (it says
 * DATE; certificates cannot be checked; set the date, e.g. with ntpd)".
 * A board without an RTC boots in 1970. tls_connect() calls it. */
int tls_check_clock(time_t now);

/* TLS handshake over the connected socket fd, to host (SNI and the name
 * the certificate must match). The connection does not own fd. NULL on
 * failure, with a message naming the cause: unknown CA, expired
 * certificate, name mismatch, "server offers no TLS 1.2", etc. */
struct tls_conn *tls_connect(int fd, const char *host, const struct tls_anchors *ta);

/* The connection as a stream. Each write is flushed to the socket before
 * it returns. Reading returns 0 when the server closes the connection
 * (close_notify or, as many servers do, a bare TCP close). */
struct reader *tls_reader(struct tls_conn *t);
struct writer *tls_writer(struct tls_conn *t);

/* Does the DER certificate der list the address ip (ip_len bytes: 4 for
 * IPv4, 16 for IPv6) as an iPAddress in its subjectAltName? 1 if it does,
 * 0 if not (or it has no subjectAltName), -1 if the DER is malformed.
 * Bounded and not recursive: der is the server's, untrusted until its
 * chain is checked (tls_connect checks the chain first, then this). */
int tls_cert_has_ip(const unsigned char *der, size_t der_len, const unsigned char *ip,
		    size_t ip_len);

/* The negotiated cipher suite, a BR_TLS_* (IANA) number. */
int tls_suite(struct tls_conn *t);

/* Free the connection (no close_notify: HTTP framing tells us where data
 * ends, and waiting for the peer's could block). Does not close fd. */
void tls_close(struct tls_conn *t);

/* A readable message for a BearSSL error code (br_ssl_engine_last_error). */
const char *tls_strerror(int code);

#endif
