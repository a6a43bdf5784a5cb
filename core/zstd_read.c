/* zstd_read.c - zstd reader over libzstd's streaming decoder (see
 * zstd_read.h). */
#include <errno.h>

#include "config.h"
#include "err.h"
#include "zstd_read.h"

/* A frame (28 b5 2f fd), or a skippable frame (5? 2a 4d 18) before one. */
static int magic(const unsigned char *p)
{
	return (p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
	       || ((p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18);
}

int zstd_sniff(const void *buf, size_t n)
{
	return n >= 4 && magic(buf);
}

/* #if rather than ENABLED(): without FEATURE_ZSTD there is no zstd.h of
 * libzstd's to include. */
#if CONFIG_FEATURE_ZSTD
#include <zstd.h>
#include <zstd_errors.h>

/* EMPTY: nothing read yet; BETWEEN: at a frame boundary; FRAME: inside
 * one; DONE: the input ended at a boundary. */
enum { EMPTY, BETWEEN, FRAME, DONE, FAILED };

static ssize_t zs_fail(struct zstd_reader *z, int errnum, const char *msg)
{
	z->state = FAILED;
	return err_setn(errnum, "%s", msg);
}

/* Refill the input; 1 with data, 0 at the end, -1 on error. */
static int zs_fill(struct zstd_reader *z)
{
	ssize_t got = reader_read(z->in, z->buf, sizeof(z->buf));

	if (got < 0) {
		z->state = FAILED;
		return -1;
	}
	z->pos = 0;
	z->len = got;
	return got > 0;
}

static ssize_t zs_read(struct reader *r, void *buf, size_t n)
{
	struct zstd_reader *z = (struct zstd_reader *)r;
	int rc;

	if (z->state == FAILED)
		return err_setn(EBADMSG, "zstd stream already failed");
	if (z->state == DONE || n == 0)
		return 0;
	for (;;) {
		ZSTD_inBuffer in;
		ZSTD_outBuffer out = { buf, n, 0 };
		size_t ret;

		if (z->pos == z->len && z->state != FRAME) {
			if ((rc = zs_fill(z)) <= 0) {
				if (rc < 0)
					return -1;
				if (z->state == EMPTY)
					return zs_fail(z, EBADMSG, "empty input: no zstd data");
				z->state = DONE;
				return 0;
			}
		}
		if (z->state != FRAME) {
			/* Anything after a frame must be another (or a
			 * skippable one, which the decoder passes over);
			 * a magic cut by the buffer's end the decoder
			 * checks itself. */
			if (z->len - z->pos >= 4 && !magic(z->buf + z->pos))
				return zs_fail(z, EBADMSG, z->state == BETWEEN ?
					       "trailing garbage after zstd frame" :
					       "not zstd data (bad magic)");
			z->state = FRAME;
		}
		in.src = z->buf;
		in.size = z->len;
		in.pos = z->pos;
		ret = ZSTD_decompressStream(z->dctx, &out, &in);
		z->pos = in.pos;
		if (ZSTD_isError(ret)) {
			z->state = FAILED;
			if (ZSTD_getErrorCode(ret) == ZSTD_error_frameParameter_windowTooLarge)
				return err_setn(EFBIG, "zstd frame needs a window over %u MiB",
						1u << (ZSTD_WINDOW_LOG_MAX - 20));
			if (ZSTD_getErrorCode(ret) == ZSTD_error_memory_allocation)
				return err_setn(ENOMEM, "zstd");
			return err_setn(EBADMSG, "corrupt zstd data: %s", ZSTD_getErrorName(ret));
		}
		if (ret == 0)
			z->state = BETWEEN; /* a frame ended, flushed */
		if (out.pos)
			return out.pos;
		/* Only with the decoder's output drained is the end of input
		 * inside a frame known to be a cut. */
		if (z->state == FRAME && z->pos == z->len && (rc = zs_fill(z)) <= 0)
			return rc < 0 ? -1 : zs_fail(z, EBADMSG, "truncated zstd stream");
	}
}

static void zs_close(struct reader *r)
{
	struct zstd_reader *z = (struct zstd_reader *)r;

	ZSTD_freeDCtx(z->dctx);
	z->dctx = NULL;
}

int zstd_reader_init(struct zstd_reader *z, struct reader *in)
{
	z->r.read = zs_read;
	z->r.close = zs_close;
	z->in = in;
	z->pos = z->len = 0;
	z->state = EMPTY;
	if (!(z->dctx = ZSTD_createDCtx()))
		return err_setn(ENOMEM, "zstd reader");
	if (ZSTD_isError(ZSTD_DCtx_setParameter(z->dctx, ZSTD_d_windowLogMax,
						 ZSTD_WINDOW_LOG_MAX))) {
		ZSTD_freeDCtx(z->dctx);
		z->dctx = NULL;
		return err_setn(EINVAL, "zstd reader");
	}
	return 0;
}

#else

int zstd_reader_init(struct zstd_reader *z, struct reader *in)
{
	z->dctx = NULL;
	return err_setn(ENOTSUP, "zstd support not built (FEATURE_ZSTD)");
}

#endif
