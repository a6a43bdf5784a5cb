/* tls.c - TLS 1.2 client connections with BearSSL (see tls.h).
 *
 * The engine is set up by hand rather than with br_ssl_client_init_full(),
 * which links every suite BearSSL has (3DES, CBC, CCM, static RSA/ECDH,
 * TLS 1.0 PRF...). Registries and their CDNs all speak ECDHE with AES-GCM
 * or ChaCha20-Poly1305, so those six suites are enough and the rest is left
 * out of the binary (docs/http-tls.md has the sizes). Kconfig's TLS_*
 * options leave out a cipher or a certificate key type too.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bearssl.h>

#include "applet.h"
#include "err.h"
#include "tcp.h"
#include "tls.h"

/* A clock before this is not set: 2024-01-01, earlier than any build of
 * this source and than the notBefore of any certificate in use. */
#define TLS_CLOCK_MIN 1704067200
#define DN_MAX 4096 /* bytes of one CA's subject DN */

struct tls_anchors {
	br_x509_trust_anchor *ta;
	size_t count;
};

/* The X.509 engine the handshake uses: BearSSL's minimal engine, which
 * checks the chain and matches DNS names (SAN dNSName, else the CN), and
 * around it the match of an IP address, which BearSSL does not do. For an
 * IP the minimal engine gets no name at all (it would compare the address
 * with dNSNames and the CN), and the server's certificate, the first of
 * the chain, is kept to look up its iPAddress SANs once the chain is
 * trusted: as Go's crypto/x509 (Docker, containerd), an IP matches only
 * an iPAddress of the same family and bytes, never a DNS name or CN. */
struct ip_x509 {
	const br_x509_class *vtable;
	br_x509_minimal_context minimal;
	const char *server_name;   /* a DNS name for the minimal engine, or NULL */
	unsigned char ip[16];
	size_t ip_len;             /* 4 or 16; 0: a DNS name, nothing of ours */
	int ip_error;              /* no match (0: matched, or not checked yet) */
	unsigned ncert;            /* certificates seen in this chain */
	unsigned char *ee;         /* the server's own certificate (IP only) */
	size_t ee_len;
	int ee_too_big;
};

struct tls_conn {
	br_ssl_client_context cc;
	struct ip_x509 xc;
	br_sslio_context io;
	struct reader r;
	struct writer w;
	int fd;
	int eof;         /* the peer closed the TCP connection */
	int io_err;      /* our socket I/O failed: err_msg() already says why */
	char host[256];
	/* One buffer for both directions ("mono"): HTTP alternates request
	 * and response, so we never send while a record is half received. */
	unsigned char buf[BR_SSL_BUFSIZE_MONO];
};

/* ---- trust anchors ---- */

struct loader {
	br_pem_decoder_context pem;
	br_x509_decoder_context x509;
	struct tls_anchors *a;
	const char *path;
	int in_cert;
	size_t dn_len;
	int dn_overflow;
	unsigned char dn[DN_MAX];
};

static void dn_append(void *ctx, const void *buf, size_t len)
{
	struct loader *l = ctx;

	if (len > sizeof(l->dn) - l->dn_len) {
		l->dn_overflow = 1;
		return;
	}
	memcpy(l->dn + l->dn_len, buf, len);
	l->dn_len += len;
}

static void x509_push(void *ctx, const void *buf, size_t len)
{
	br_x509_decoder_push(ctx, buf, len);
}

/* A decoded certificate becomes an anchor: its DN and key copied into one
 * allocation. Certificates we cannot use are skipped, not fatal: a bundle
 * may hold keys BearSSL does not know. */
static int add_anchor(struct loader *l)
{
	br_x509_pkey *pk = br_x509_decoder_get_pkey(&l->x509);
	br_x509_trust_anchor *ta, *arr;
	size_t klen;
	unsigned char *mem;

	if (!pk || l->dn_overflow)
		return 0;
	if (pk->key_type == BR_KEYTYPE_RSA)
		klen = pk->key.rsa.nlen + pk->key.rsa.elen;
	else if (pk->key_type == BR_KEYTYPE_EC)
		klen = pk->key.ec.qlen;
	else
		return 0;
	if (l->a->count == TLS_MAX_ANCHORS)
		return err_setn(E2BIG, "%s: more than %d certificates", l->path,
				TLS_MAX_ANCHORS);
	if (l->a->count % 64 == 0) {
		arr = realloc(l->a->ta, (l->a->count + 64) * sizeof(*arr));
		if (!arr)
			return err_set("%s", l->path);
		l->a->ta = arr;
	}
	mem = malloc(l->dn_len + klen);
	if (!mem)
		return err_set("%s", l->path);
	ta = &l->a->ta[l->a->count];
	memset(ta, 0, sizeof(*ta));
	memcpy(mem, l->dn, l->dn_len);
	ta->dn.data = mem;
	ta->dn.len = l->dn_len;
	ta->flags = br_x509_decoder_isCA(&l->x509) ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	mem += l->dn_len;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		memcpy(mem, pk->key.rsa.n, pk->key.rsa.nlen);
		memcpy(mem + pk->key.rsa.nlen, pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.n = mem;
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = mem + pk->key.rsa.nlen;
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
	} else {
		memcpy(mem, pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = mem;
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
	}
	l->a->count++;
	return 0;
}

/* Feed PEM text to the decoder; certificates stream into the X.509
 * decoder as they are decoded, so no certificate is ever held whole. */
static int pem_feed(struct loader *l, const unsigned char *p, size_t n)
{
	while (n) {
		size_t k = br_pem_decoder_push(&l->pem, p, n);
		const char *name;

		p += k;
		n -= k;
		switch (br_pem_decoder_event(&l->pem)) {
		case BR_PEM_BEGIN_OBJ:
			name = br_pem_decoder_name(&l->pem);
			l->in_cert = !strcmp(name, "CERTIFICATE") ||
				     !strcmp(name, "X509 CERTIFICATE");
			if (l->in_cert) {
				l->dn_len = 0;
				l->dn_overflow = 0;
				br_x509_decoder_init(&l->x509, dn_append, l);
				br_pem_decoder_setdest(&l->pem, x509_push, &l->x509);
			} else {
				br_pem_decoder_setdest(&l->pem, NULL, NULL);
			}
			break;
		case BR_PEM_END_OBJ:
			if (l->in_cert && add_anchor(l))
				return -1;
			l->in_cert = 0;
			break;
		case BR_PEM_ERROR:
			return err_setn(EBADMSG, "%s: malformed PEM", l->path);
		}
	}
	return 0;
}

struct tls_anchors *tls_anchors_load(const char *path)
{
	struct loader *l;
	struct tls_anchors *a;
	unsigned char buf[4096];
	ssize_t got;
	int fd, r = 0;

	if (!path)
		path = getenv("SSL_CERT_FILE");
	if (!path || !*path)
		path = TLS_DEFAULT_CA_FILE;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set("CA certificates: cannot open %s", path);
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	a = calloc(1, sizeof(*a));
	if (!l || !a) {
		err_set("CA certificates");
		goto fail;
	}
	l->a = a;
	l->path = path;
	br_pem_decoder_init(&l->pem);
	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err_set("read %s", path);
			goto fail;
		}
		if (pem_feed(l, buf, got))
			goto fail;
	}
	/* a last newline in case the file lacks one (BearSSL's advice) */
	if (pem_feed(l, (const unsigned char *)"\n", 1))
		goto fail;
	if (a->count == 0) {
		err_setn(ENOENT, "%s: no usable CA certificates", path);
		goto fail;
	}
	r = 1;
fail:
	close(fd);
	free(l);
	if (!r) {
		tls_anchors_free(a);
		return NULL;
	}
	return a;
}

size_t tls_anchors_count(const struct tls_anchors *a)
{
	return a->count;
}

void tls_anchors_free(struct tls_anchors *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->count; i++)
		free(a->ta[i].dn.data); /* DN and key share one allocation */
	free(a->ta);
	free(a);
}

/* ---- errors ---- */

static const struct {
	short code;
	const char *msg;
} messages[] = {
	{ BR_ERR_UNSUPPORTED_VERSION, "server offers no TLS 1.2" },
	{ BR_ERR_BAD_VERSION, "server offers no TLS 1.2" },
	{ BR_ERR_BAD_CIPHER_SUITE, "no common cipher suite (we offer ECDHE with AES-GCM or ChaCha20)" },
	{ BR_ERR_BAD_MAC, "record authentication failed (data corrupted in transit?)" },
	{ BR_ERR_NO_RANDOM, "no source of randomness" },
	{ BR_ERR_BAD_SIGNATURE, "bad server key exchange signature" },
	{ BR_ERR_INVALID_ALGORITHM, "server chose an algorithm we did not offer" },
	{ BR_ERR_IO, "connection closed during the handshake" },
	{ BR_ERR_X509_NOT_TRUSTED, "certificate is not signed by a trusted CA (unknown CA; see --ca or SSL_CERT_FILE)" },
	{ BR_ERR_X509_EXPIRED, "certificate has expired or is not yet valid (is the system clock right?)" },
	{ BR_ERR_X509_BAD_SERVER_NAME, "certificate does not match the host name" },
	{ BR_ERR_X509_TIME_UNKNOWN, "system clock is not set" },
	{ BR_ERR_X509_EMPTY_CHAIN, "server sent no certificate" },
	{ BR_ERR_X509_NOT_CA, "certificate chain uses a non-CA certificate as an issuer" },
	{ BR_ERR_X509_FORBIDDEN_KEY_USAGE, "certificate key usage forbids TLS server use" },
	{ BR_ERR_X509_WEAK_PUBLIC_KEY, "certificate key is too weak" },
	{ BR_ERR_X509_BAD_SIGNATURE, "certificate signature is invalid" },
	{ BR_ERR_X509_DN_MISMATCH, "certificate chain is broken (issuer/subject mismatch)" },
	{ BR_ERR_X509_UNSUPPORTED, "certificate uses an unsupported algorithm" },
	{ BR_ERR_X509_CRITICAL_EXTENSION, "certificate has an unsupported critical extension" },
	{ BR_ERR_X509_WRONG_KEY_TYPE, "certificate key type does not fit the cipher suite" },
};

const char *tls_strerror(int code)
{
	static char other[48];

	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (messages[i].code == code)
			return messages[i].msg;
	if (code >= BR_ERR_RECV_FATAL_ALERT && code < BR_ERR_RECV_FATAL_ALERT + 256) {
		switch (code - BR_ERR_RECV_FATAL_ALERT) {
		case 70: /* protocol_version: e.g. a TLS 1.3-only server */
			return "server offers no TLS 1.2";
		case 40:
			return "server refused the handshake (no common cipher suite or curve, or no TLS 1.2)";
		case 112:
			return "server does not know this host name (SNI)";
		}
		snprintf(other, sizeof(other), "server sent fatal alert %d",
			 code - BR_ERR_RECV_FATAL_ALERT);
		return other;
	}
	if (code >= BR_ERR_X509_OK && code < BR_ERR_X509_OK + 64)
		snprintf(other, sizeof(other), "bad certificate (BearSSL error %d)", code);
	else
		snprintf(other, sizeof(other), "handshake failed (BearSSL error %d)", code);
	return other;
}

int tls_check_clock(time_t now)
{
	char date[64];
	struct tm tm;

	if (now >= TLS_CLOCK_MIN)
		return 0;
	/* not strftime(): it drags in musl's time zone code (3 KiB) */
	if (gmtime_r(&now, &tm))
		snprintf(date, sizeof(date), "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
	else
		strcpy(date, "?");
	return err_setn(0, "system clock is not set (it says %s): certificates cannot be "
			"checked; set the date (date -s, ntpd) first", date);
}

/* ---- the server's IP address in its certificate ---- */

/* One DER TLV at *p (before end): its tag, value and length, *p moved past
 * it. Only what certificates use: one-byte tags, definite lengths up to
 * 2^32-1 that fit in what is left. 0, or -1 if malformed. */
static int der_next(const unsigned char **p, const unsigned char *end, unsigned *tag,
		    const unsigned char **val, size_t *len)
{
	const unsigned char *q = *p;
	size_t n, left;

	if (end - q < 2 || (q[0] & 0x1f) == 0x1f)
		return -1;
	*tag = q[0];
	n = q[1];
	q += 2;
	if (n & 0x80) {
		unsigned k = n & 0x7f;

		if (k == 0 || k > 4 || (size_t)(end - q) < k)
			return -1; /* indefinite, or longer than a certificate can be */
		for (n = 0; k; k--)
			n = n << 8 | *q++;
	}
	left = (size_t)(end - q);
	if (n > left)
		return -1;
	*val = q;
	*len = n;
	*p = q + n;
	return 0;
}

/* The value of the next TLV, which must have tag want. */
static int der_expect(const unsigned char **p, const unsigned char *end, unsigned want,
		      const unsigned char **val, size_t *len)
{
	unsigned tag;

	if (der_next(p, end, &tag, val, len) || tag != want)
		return -1;
	return 0;
}

int tls_cert_has_ip(const unsigned char *der, size_t der_len, const unsigned char *ip,
		    size_t ip_len)
{
	static const unsigned char san_oid[] = { 0x55, 0x1d, 0x11 }; /* 2.5.29.17 */
	const unsigned char *p = der, *end = der + der_len, *v, *ext = NULL, *ext_end;
	unsigned tag;
	size_t n;
	int found = 0;

	/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE {...}, ... } */
	if (der_expect(&p, end, 0x30, &v, &n))
		return -1;
	p = v, end = v + n;
	if (der_expect(&p, end, 0x30, &v, &n))
		return -1;
	/* in tbsCertificate, the fields up to extensions [3] EXPLICIT */
	p = v, end = v + n;
	while (p < end) {
		if (der_next(&p, end, &tag, &v, &n))
			return -1;
		if (tag == 0xa3) {
			ext = v;
			break;
		}
	}
	if (!ext)
		return 0; /* no extensions, so no subjectAltName */
	p = ext, end = ext + n;
	if (der_expect(&p, end, 0x30, &v, &n))
		return -1;
	p = v, ext_end = v + n;
	/* Extension ::= SEQUENCE { extnID OID, critical BOOLEAN OPTIONAL,
	 *                          extnValue OCTET STRING } */
	while (p < ext_end) {
		const unsigned char *e, *e_end, *oid, *names, *names_end;
		size_t oid_len;

		if (der_expect(&p, ext_end, 0x30, &e, &n))
			return -1;
		e_end = e + n;
		if (der_expect(&e, e_end, 0x06, &oid, &oid_len))
			return -1;
		if (der_next(&e, e_end, &tag, &v, &n))
			return -1;
		if (tag == 0x01 && der_next(&e, e_end, &tag, &v, &n))
			return -1;
		if (tag != 0x04)
			return -1;
		if (oid_len != sizeof(san_oid) || memcmp(oid, san_oid, oid_len))
			continue;
		/* SubjectAltName ::= GeneralNames ::= SEQUENCE OF GeneralName;
		 * iPAddress is [7] IMPLICIT OCTET STRING (primitive: 0x87) */
		e = v, e_end = v + n;
		if (der_expect(&e, e_end, 0x30, &names, &n) || e != e_end)
			return -1;
		names_end = names + n;
		while (names < names_end) {
			if (der_next(&names, names_end, &tag, &v, &n))
				return -1;
			if (tag == 0x87 && n == ip_len && !memcmp(v, ip, ip_len))
				found = 1;
		}
	}
	return found;
}

/* host as an IP address (an IPv6 zone, "%eth0", is not part of it):
 * its length in ip, 4 or 16; 0 for a DNS name. */
static size_t host_ip(const char *host, unsigned char ip[16])
{
	char addr[INET6_ADDRSTRLEN];
	size_t n = strcspn(host, "%");

	if (n >= sizeof(addr))
		return 0;
	memcpy(addr, host, n);
	addr[n] = 0;
	if (inet_pton(AF_INET, addr, ip) == 1)
		return 4;
	if (inet_pton(AF_INET6, addr, ip) == 1)
		return 16;
	return 0;
}

#define IPX(ctx) ((struct ip_x509 *)(void *)(ctx))

static void ipx_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct ip_x509 *x = IPX(ctx);

	(void)server_name; /* ours: NULL for an IP, so the engine sends no SNI */
	x->ncert = 0;
	x->ee_len = 0;
	x->ee_too_big = 0;
	x->ip_error = 0;
	x->minimal.vtable->start_chain(&x->minimal.vtable, x->server_name);
}

static void ipx_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct ip_x509 *x = IPX(ctx);

	if (x->ip_len && x->ncert == 0 && length > TLS_MAX_CERT)
		x->ee_too_big = 1;
	x->minimal.vtable->start_cert(&x->minimal.vtable, length);
}

static void ipx_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct ip_x509 *x = IPX(ctx);

	if (x->ip_len && x->ncert == 0 && !x->ee_too_big) {
		if (len > TLS_MAX_CERT - x->ee_len)
			x->ee_too_big = 1;
		else {
			memcpy(x->ee + x->ee_len, buf, len);
			x->ee_len += len;
		}
	}
	x->minimal.vtable->append(&x->minimal.vtable, buf, len);
}

static void ipx_end_cert(const br_x509_class **ctx)
{
	struct ip_x509 *x = IPX(ctx);

	x->ncert++;
	x->minimal.vtable->end_cert(&x->minimal.vtable);
}

static unsigned ipx_end_chain(const br_x509_class **ctx)
{
	struct ip_x509 *x = IPX(ctx);
	unsigned r = x->minimal.vtable->end_chain(&x->minimal.vtable);

	/* the chain first: an untrusted certificate says nothing */
	if (r || !x->ip_len)
		return r;
	if (x->ee_too_big || tls_cert_has_ip(x->ee, x->ee_len, x->ip, x->ip_len) != 1) {
		x->ip_error = 1;
		return BR_ERR_X509_BAD_SERVER_NAME;
	}
	return 0;
}

static const br_x509_pkey *ipx_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const struct ip_x509 *x = (const struct ip_x509 *)(const void *)ctx;

	return x->minimal.vtable->get_pkey(&x->minimal.vtable, usages);
}

static const br_x509_class ipx_vtable = {
	sizeof(struct ip_x509), ipx_start_chain, ipx_start_cert, ipx_append,
	ipx_end_cert, ipx_end_chain, ipx_get_pkey,
};

/* ---- connections ---- */

static int low_read(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_conn *t = ctx;
	ssize_t got = tcp_read(t->fd, buf, len, t->host);

	if (got == 0)
		t->eof = 1;
	if (got < 0)
		t->io_err = 1;
	/* BearSSL takes 0 as "try again": the end is an error for it */
	return got > 0 ? (int)got : -1;
}

static int low_write(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_conn *t = ctx;

	if (tcp_write_all(t->fd, buf, len, t->host)) {
		t->io_err = 1;
		return -1;
	}
	return (int)len;
}

static ssize_t conn_read(struct reader *r, void *buf, size_t n)
{
	struct tls_conn *t = (struct tls_conn *)((char *)r - offsetof(struct tls_conn, r));
	int got, e;

	if (n > 65536)
		n = 65536;
	got = br_sslio_read(&t->io, buf, n);
	if (got > 0)
		return got;
	e = br_ssl_engine_last_error(&t->cc.eng);
	/* close_notify, or a bare TCP close (HTTP framing catches truncation) */
	if (e == BR_ERR_OK || (e == BR_ERR_IO && t->eof))
		return 0;
	if (t->io_err)
		return -1;
	return err_setn(EPROTO, "TLS connection to %s: %s", t->host, tls_strerror(e));
}

static int conn_write(struct writer *w, const void *buf, size_t n)
{
	struct tls_conn *t = (struct tls_conn *)((char *)w - offsetof(struct tls_conn, w));

	if (br_sslio_write_all(&t->io, buf, n) == 0 && br_sslio_flush(&t->io) == 0)
		return 0;
	if (t->io_err)
		return -1;
	return err_setn(t->eof ? ECONNRESET : EPROTO, "TLS connection to %s: %s", t->host,
			t->eof ? "closed by the server" :
			tls_strerror(br_ssl_engine_last_error(&t->cc.eng)));
}

/* Is BearSSL's AES-GCM fast here? Only with AES-NI and PCLMULQDQ (it has
 * no ARMv8 AES code); elsewhere it is constant-time software, slower than
 * ChaCha20-Poly1305. Servers such as Go's read the client's first choice
 * as this answer, so it decides the order we offer them in. */
static int aes_gcm_is_fast(void)
{
	return br_aes_x86ni_ctr_get_vtable() && br_ghash_pclmul_get();
}

/* Without TLS_X25519: P-256 by its own code, P-384 and P-521 by the
 * generic one, as BearSSL's br_ec_all_m31 has them, with no Curve25519
 * (about 3.7 KB). The mask is what ClientHello offers. */
#define EC_NIST (1u << BR_EC_secp256r1 | 1u << BR_EC_secp384r1 | 1u << BR_EC_secp521r1)
#define EC_PICK(curve) ((curve) == BR_EC_secp256r1 ? &br_ec_p256_m31 : &br_ec_prime_i31)

static const unsigned char *nist_generator(int curve, size_t *len)
{
	return EC_PICK(curve)->generator(curve, len);
}

static const unsigned char *nist_order(int curve, size_t *len)
{
	return EC_PICK(curve)->order(curve, len);
}

static size_t nist_xoff(int curve, size_t *len)
{
	return EC_PICK(curve)->xoff(curve, len);
}

static uint32_t nist_mul(unsigned char *g, size_t glen, const unsigned char *k, size_t klen,
			 int curve)
{
	return EC_PICK(curve)->mul(g, glen, k, klen, curve);
}

static size_t nist_mulgen(unsigned char *r, const unsigned char *x, size_t xlen, int curve)
{
	return EC_PICK(curve)->mulgen(r, x, xlen, curve);
}

static uint32_t nist_muladd(unsigned char *a, const unsigned char *b, size_t len,
			    const unsigned char *x, size_t xlen, const unsigned char *y,
			    size_t ylen, int curve)
{
	return EC_PICK(curve)->muladd(a, b, len, x, xlen, y, ylen, curve);
}

static const br_ec_impl ec_nist = {
	EC_NIST, nist_generator, nist_order, nist_xoff, nist_mul, nist_mulgen, nist_muladd,
};

/* What the engine needs for our six suites, and nothing else; each
 * family of them and each key type can be left out of the build
 * (TLS_* in Kconfig: at least one cipher and one key type stay). */
static void engine_setup(struct tls_conn *t, const struct tls_anchors *a)
{
	enum { ECDSA = 1, RSA = 2, CHACHA = 4, GCM = 8 };
	static const struct {
		uint16_t id;
		unsigned char needs;
	} chacha_first[] = {
		{ BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, ECDSA | CHACHA },
		{ BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, RSA | CHACHA },
		{ BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ECDSA | GCM },
		{ BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, RSA | GCM },
		{ BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, ECDSA | GCM },
		{ BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, RSA | GCM },
	}, aes_first[] = {
		{ BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ECDSA | GCM },
		{ BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, RSA | GCM },
		{ BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, ECDSA | GCM },
		{ BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, RSA | GCM },
		{ BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, ECDSA | CHACHA },
		{ BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, RSA | CHACHA },
	};
	const unsigned built = (ENABLED(TLS_ECDSA) ? ECDSA : 0) | (ENABLED(TLS_RSA) ? RSA : 0) |
			       (ENABLED(TLS_CHACHA20) ? CHACHA : 0) | (ENABLED(TLS_AES_GCM) ? GCM : 0);
	/* SHA-256/384/512 sign certificates and key exchanges in TLS 1.2;
	 * SHA-1 is still used by a few intermediates and servers. */
	static const br_hash_class *const hashes[] = {
		&br_sha1_vtable, &br_sha256_vtable, &br_sha384_vtable, &br_sha512_vtable,
	};
	br_ssl_engine_context *eng = &t->cc.eng;
	int gcm_first = ENABLED(TLS_AES_GCM) && aes_gcm_is_fast();
	uint16_t suites[6];
	size_t n = 0;

	for (size_t i = 0; i < 6; i++) {
		unsigned needs = gcm_first ? aes_first[i].needs : chacha_first[i].needs;

		if ((needs & built) == needs)
			suites[n++] = gcm_first ? aes_first[i].id : chacha_first[i].id;
	}
	br_ssl_client_zero(&t->cc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_x509_minimal_init(&t->xc.minimal, &br_sha256_vtable, a->ta, a->count);
	br_ssl_engine_set_suites(eng, suites, n);
	/* the curves for ECDHE (and ECDSA): P-256, P-384, P-521 and X25519,
	 * BearSSL's defaults for a CPU that multiplies 32 bits to 64 fast
	 * (not a Cortex-M: BR_LOMUL), or the same without X25519 */
	br_ssl_engine_set_ec(eng, ENABLED(TLS_X25519) ? &br_ec_all_m31 : &ec_nist);
	if (ENABLED(TLS_RSA)) {
		br_ssl_engine_set_default_rsavrfy(eng);
		br_x509_minimal_set_rsa(&t->xc.minimal, br_ssl_engine_get_rsavrfy(eng));
	}
	if (ENABLED(TLS_ECDSA)) {
		br_ssl_engine_set_ecdsa(eng, &br_ecdsa_i31_vrfy_asn1); /* keeps the curves */
		br_x509_minimal_set_ecdsa(&t->xc.minimal, br_ssl_engine_get_ec(eng),
					  br_ssl_engine_get_ecdsa(eng));
	}
	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		int id = (hashes[i]->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK;

		br_ssl_engine_set_hash(eng, id, hashes[i]);
		br_x509_minimal_set_hash(&t->xc.minimal, id, hashes[i]);
	}
	t->xc.vtable = &ipx_vtable;
	br_ssl_engine_set_x509(eng, &t->xc.vtable);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	if (ENABLED(TLS_AES_GCM)) {
		br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf); /* AES-256 */
		br_ssl_engine_set_default_aes_gcm(eng);
	}
	if (ENABLED(TLS_CHACHA20))
		br_ssl_engine_set_default_chapol(eng);
	br_ssl_engine_set_buffer(eng, t->buf, sizeof(t->buf), 0);
}

struct tls_conn *tls_connect(int fd, const char *host, const struct tls_anchors *a)
{
	struct tls_conn *t;
	time_t now = time(NULL);
	int e;

	if (tls_check_clock(now))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t) {
		err_set("TLS connection to %s", host);
		return NULL;
	}
	t->fd = fd;
	snprintf(t->host, sizeof(t->host), "%s", host);
	t->r.read = conn_read;
	t->w.write = conn_write;
	engine_setup(t, a);
	/* An IP address is no server name: not sent as SNI (RFC 6066 says
	 * so), not given to the minimal engine; ours checks it. The buffer
	 * for the server's certificate lives only through the handshake. */
	t->xc.ip_len = host_ip(host, t->xc.ip);
	t->xc.server_name = t->xc.ip_len ? NULL : t->host;
	if (t->xc.ip_len && !(t->xc.ee = malloc(TLS_MAX_CERT))) {
		err_set("TLS connection to %s", host);
		goto fail;
	}
	/* the time BearSSL checks validity against: the one we just checked */
	br_x509_minimal_set_time(&t->xc.minimal, (uint32_t)(now / 86400) + 719528,
				 (uint32_t)(now % 86400));
	if (!br_ssl_client_reset(&t->cc, t->xc.server_name, 0)) {
		err_setn(EINVAL, "TLS connection to %s: %s", host,
			 tls_strerror(br_ssl_engine_last_error(&t->cc.eng)));
		goto fail;
	}
	br_sslio_init(&t->io, &t->cc.eng, low_read, t, low_write, t);
	/* flushing a fresh engine runs the whole handshake */
	if (br_sslio_flush(&t->io) == 0) {
		free(t->xc.ee);
		t->xc.ee = NULL;
		return t;
	}
	e = br_ssl_engine_last_error(&t->cc.eng);
	if (t->io_err) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err_msg());
		err_set("TLS handshake with %s", why);
	} else if (e == BR_ERR_X509_BAD_SERVER_NAME && t->xc.ee_too_big)
		err_setn(0, "TLS handshake with %s: certificate larger than %d bytes, "
			 "cannot look for IP address %s in it", host, TLS_MAX_CERT, host);
	else if (e == BR_ERR_X509_BAD_SERVER_NAME && t->xc.ip_error)
		err_setn(0, "TLS handshake with %s: certificate does not match IP address %s "
			 "(no such IP in its subjectAltName)", host, host);
	else if (e == BR_ERR_X509_BAD_SERVER_NAME)
		err_setn(0, "TLS handshake with %s: certificate does not match host name %s",
			 host, host);
	else
		err_setn(e == BR_ERR_IO && t->eof ? ECONNRESET : EPROTO,
			 "TLS handshake with %s: %s", host, tls_strerror(e));
fail:
	free(t->xc.ee);
	free(t);
	return NULL;
}

struct reader *tls_reader(struct tls_conn *t)
{
	return &t->r;
}

struct writer *tls_writer(struct tls_conn *t)
{
	return &t->w;
}

int tls_suite(struct tls_conn *t)
{
	br_ssl_session_parameters sp;

	br_ssl_engine_get_session_parameters(&t->cc.eng, &sp);
	return sp.cipher_suite;
}

void tls_close(struct tls_conn *t)
{
	free(t);
}
