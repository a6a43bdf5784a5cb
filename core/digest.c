/* digest.c - SHA-256 digests and tee streams (see digest.h). */
#include <errno.h>
#include <string.h>

#include "digest.h"
#include "err.h"

static const char prefix[] = "sha256:";
#define PREFIX_LEN (sizeof(prefix) - 1)

void digest_init(struct digest *d)
{
	br_sha256_init(&d->ctx);
}

void digest_update(struct digest *d, const void *buf, size_t n)
{
	br_sha256_update(&d->ctx, buf, n);
}

void digest_final(const struct digest *d, unsigned char sum[DIGEST_LEN])
{
	br_sha256_out(&d->ctx, sum);
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
