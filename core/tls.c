/* tls.c - TLS 1.2 client connections with BearSSL (see tls.h).
 *
 * The engine is set up by hand rather than with br_ssl_client_init_full(),
 * which links every suite BearSSL has (3DES, CBC, CCM, static RSA/ECDH,
 * TLS 1.0 PRF...). Registries and their CDNs all speak ECDHE with AES-GCM
 * or ChaCha20-Poly1305, so those six suites are enough and the rest is left
 * out of the binary (docs/http-tls.md has the sizes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bearssl.h>

#include "err.h"
#include "net.h"
#include "tls.h"

/* A clock before this is not set: 2024-01-01, earlier than any build of
 * this source and than the notBefore of any certificate in use. */
#define TLS_CLOCK_MIN 1704067200
#define DN_MAX 4096 /* bytes of one CA's subject DN */

struct tls_anchors {
	br_x509_trust_anchor *ta;
	size_t count;
};

struct tls_conn {
	br_ssl_client_context cc;
	br_x509_minimal_context xc;
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

/* ---- connections ---- */

static int low_read(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_conn *t = ctx;
	ssize_t got = net_read(t->fd, buf, len, t->host);

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

	if (net_write_all(t->fd, buf, len, t->host)) {
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

/* What the engine needs for our six suites, and nothing else. */
static void engine_setup(struct tls_conn *t, const struct tls_anchors *a)
{
	static const uint16_t chacha_first[] = {
		BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	};
	static const uint16_t aes_first[] = {
		BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	};
	/* SHA-256/384/512 sign certificates and key exchanges in TLS 1.2;
	 * SHA-1 is still used by a few intermediates and servers. */
	static const br_hash_class *const hashes[] = {
		&br_sha1_vtable, &br_sha256_vtable, &br_sha384_vtable, &br_sha512_vtable,
	};
	br_ssl_engine_context *eng = &t->cc.eng;

	br_ssl_client_zero(&t->cc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_x509_minimal_init(&t->xc, &br_sha256_vtable, a->ta, a->count);
	br_ssl_engine_set_suites(eng, aes_gcm_is_fast() ? aes_first : chacha_first,
				 sizeof(aes_first) / sizeof(aes_first[0]));
	br_ssl_engine_set_default_rsavrfy(eng);
	br_ssl_engine_set_default_ecdsa(eng);
	br_x509_minimal_set_rsa(&t->xc, br_ssl_engine_get_rsavrfy(eng));
	br_x509_minimal_set_ecdsa(&t->xc, br_ssl_engine_get_ec(eng), br_ssl_engine_get_ecdsa(eng));
	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		int id = (hashes[i]->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK;

		br_ssl_engine_set_hash(eng, id, hashes[i]);
		br_x509_minimal_set_hash(&t->xc, id, hashes[i]);
	}
	br_ssl_engine_set_x509(eng, &t->xc.vtable);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_aes_gcm(eng);
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
	/* the time BearSSL checks validity against: the one we just checked */
	br_x509_minimal_set_time(&t->xc, (uint32_t)(now / 86400) + 719528,
				 (uint32_t)(now % 86400));
	if (!br_ssl_client_reset(&t->cc, host, 0)) {
		err_setn(EINVAL, "TLS connection to %s: %s", host,
			 tls_strerror(br_ssl_engine_last_error(&t->cc.eng)));
		goto fail;
	}
	br_sslio_init(&t->io, &t->cc.eng, low_read, t, low_write, t);
	/* flushing a fresh engine runs the whole handshake */
	if (br_sslio_flush(&t->io) == 0)
		return t;
	e = br_ssl_engine_last_error(&t->cc.eng);
	if (t->io_err) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err_msg());
		err_set("TLS handshake with %s", why);
	} else if (e == BR_ERR_X509_BAD_SERVER_NAME)
		err_setn(EPROTO, "TLS handshake with %s: certificate does not match host name %s",
			 host, host);
	else
		err_setn(e == BR_ERR_IO && t->eof ? ECONNRESET : EPROTO,
			 "TLS handshake with %s: %s", host, tls_strerror(e));
fail:
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
