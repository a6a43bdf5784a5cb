/* digest.c - SHA-256 digests and tee streams (see digest.h). */
#include <errno.h>
#include <string.h>

#include "applet.h"
#include "digest.h"
#include "err.h"
#include "sha256_hw.h"

static const char prefix[] = "sha256:";
#define PREFIX_LEN (sizeof(prefix) - 1)

const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* The CPU is asked once. Two threads may both ask; they get the same
 * answer, so the race is harmless. */
static int hw_checked;
static sha256_blocks_fn *hw_fn;
static int portable;

/* Constant 0 where there are no instructions, so the code for them goes. */
static int use_hw(const struct digest *d)
{
	return ENABLED(FEATURE_SHA_ASM) && SHA256_HW && d->hw;
}

static sha256_blocks_fn *hw_blocks(void)
{
	if (!ENABLED(FEATURE_SHA_ASM) || !SHA256_HW || portable)
		return NULL;
	if (!__atomic_load_n(&hw_checked, __ATOMIC_ACQUIRE)) {
		hw_fn = sha256_hw();
		__atomic_store_n(&hw_checked, 1, __ATOMIC_RELEASE);
	}
	return hw_fn;
}

int digest_hw(void)
{
	return hw_blocks() != NULL;
}

void digest_portable(int on)
{
	portable = on;
}

void digest_init(struct digest *d)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	d->hw = hw_blocks();
	if (!use_hw(d)) {
		br_sha256_init(&d->u.br);
		return;
	}
	memcpy(d->u.own.state, iv, sizeof(iv));
	d->u.own.count = 0;
}

void digest_update(struct digest *d, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	size_t used, k;

	if (!use_hw(d)) {
		br_sha256_update(&d->u.br, buf, n);
		return;
	}
	used = d->u.own.count & 63;
	d->u.own.count += n;
	if (used) {
		k = n < 64 - used ? n : 64 - used;
		memcpy(d->u.own.buf + used, p, k);
		if (used + k < 64)
			return;
		d->hw(d->u.own.state, d->u.own.buf, 1);
		p += k;
		n -= k;
	}
	if (n >= 64)
		d->hw(d->u.own.state, p, n / 64);
	memcpy(d->u.own.buf, p + (n & ~(size_t)63), n & 63);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

void digest_final(const struct digest *d, unsigned char sum[DIGEST_LEN])
{
	uint32_t state[8];
	unsigned char buf[64];
	size_t used;

	if (!use_hw(d)) {
		br_sha256_out(&d->u.br, sum);
		return;
	}
	/* Padding (FIPS 180-4, 5.1.1) on copies: d may go on. */
	used = d->u.own.count & 63;
	memcpy(state, d->u.own.state, sizeof(state));
	memcpy(buf, d->u.own.buf, used);
	buf[used++] = 0x80;
	if (used > 56) {
		memset(buf + used, 0, 64 - used);
		d->hw(state, buf, 1);
		used = 0;
	}
	memset(buf + used, 0, 56 - used);
	/* the length in bits, big-endian */
	put_be32(buf + 56, d->u.own.count >> 29);
	put_be32(buf + 60, d->u.own.count << 3);
	d->hw(state, buf, 1);
	for (int i = 0; i < 8; i++)
		put_be32(sum + 4 * i, state[i]);
}

void sha256(const void *buf, size_t n, unsigned char sum[DIGEST_LEN])
{
	struct digest d;

	digest_init(&d);
	digest_update(&d, buf, n);
	digest_final(&d, sum);
}

void digest_format(char out[DIGEST_STR_LEN + 1], const unsigned char sum[DIGEST_LEN])
{
	static const char hex[] = "0123456789abcdef";
	char *p = out + PREFIX_LEN;

	memcpy(out, prefix, PREFIX_LEN);
	for (int i = 0; i < DIGEST_LEN; i++) {
		*p++ = hex[sum[i] >> 4];
		*p++ = hex[sum[i] & 15];
	}
	*p = 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int digest_parse(const char *s, unsigned char sum[DIGEST_LEN])
{
	const char *h = s + PREFIX_LEN;

	if (strncmp(s, prefix, PREFIX_LEN) || strlen(s) != DIGEST_STR_LEN)
		goto bad;
	for (int i = 0; i < DIGEST_LEN; i++) {
		int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);

		if (hi < 0 || lo < 0)
			goto bad;
		if (sum)
			sum[i] = hi << 4 | lo;
	}
	return 0;
bad:
	/* Bounded: the string may be anything a registry sent. */
	return err_setn(EINVAL, "bad digest '%.80s' (want sha256:<64 lowercase hex>)", s);
}

static ssize_t tee_read(struct reader *r, void *buf, size_t n)
{
	struct digest_reader *dr = (struct digest_reader *)r;
	ssize_t got = reader_read(dr->in, buf, n);

	if (got > 0) {
		digest_update(&dr->d, buf, got);
		dr->count += got;
	}
	return got;
}

void digest_reader_init(struct digest_reader *dr, struct reader *in)
{
	dr->r.read = tee_read;
	dr->r.close = NULL;
	dr->in = in;
	dr->count = 0;
	digest_init(&dr->d);
}

static int tee_write(struct writer *w, const void *buf, size_t n)
{
	struct digest_writer *dw = (struct digest_writer *)w;

	if (dw->out && writer_write(dw->out, buf, n))
		return -1;
	digest_update(&dw->d, buf, n);
	dw->count += n;
	return 0;
}

static int tee_finish(struct writer *w)
{
	struct digest_writer *dw = (struct digest_writer *)w;

	return dw->out ? writer_finish(dw->out) : 0;
}

void digest_writer_init(struct digest_writer *dw, struct writer *out)
{
	dw->w.write = tee_write;
	dw->w.finish = tee_finish;
	dw->w.close = NULL;
	dw->out = out;
	dw->count = 0;
	digest_init(&dw->d);
}
