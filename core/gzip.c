/* gzip.c - gzip reader over zlib's inflate (see gzip.h). */
#include <errno.h>
#include <stdlib.h>

#include "config.h"
#include "err.h"
#include "gzip.h"

int gzip_sniff(const void *buf, size_t n)
{
	const unsigned char *p = buf;

	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* #if rather than ENABLED(): without FEATURE_GZIP there is no zlib.h. */
#if CONFIG_FEATURE_GZIP
#include <zlib.h>

enum { EMPTY, BETWEEN, MEMBER, DONE, FAILED };

static ssize_t gz_fail(struct gzip_reader *gz, int errnum, const char *msg)
{
	gz->state = FAILED;
	return err_setn(errnum, "%s", msg);
}

/* Refill the input; 1 with data, 0 at the end, -1 on error. */
static int gz_fill(struct gzip_reader *gz)
{
	ssize_t got = reader_read(gz->in, gz->buf, sizeof(gz->buf));

	if (got < 0) {
		gz->state = FAILED;
		return -1;
	}
	gz->zs->next_in = gz->buf;
	gz->zs->avail_in = got;
	return got > 0;
}

static ssize_t gz_read(struct reader *r, void *buf, size_t n)
{
	struct gzip_reader *gz = (struct gzip_reader *)r;
	z_stream *zs = gz->zs;
	int rc;

	if (gz->state == FAILED)
		return err_setn(EBADMSG, "gzip stream already failed");
	if (gz->state == DONE || n == 0)
		return 0;
	for (;;) {
		if (gz->state == EMPTY || gz->state == BETWEEN) {
			if (!zs->avail_in && (rc = gz_fill(gz)) <= 0) {
				if (rc < 0)
					return -1;
				if (gz->state == EMPTY)
					return gz_fail(gz, EBADMSG, "empty input: no gzip data");
				gz->state = DONE;
				return 0;
			}
			/* Anything after a member must be another member. */
			if (zs->next_in[0] != 0x1f)
				return gz_fail(gz, EBADMSG, gz->members ?
					       "trailing garbage after gzip member" :
					       "not gzip data (bad magic)");
			if (gz->members && inflateReset(zs) != Z_OK)
				return gz_fail(gz, EINVAL, "gzip: inflateReset");
			gz->state = MEMBER;
		}
		zs->next_out = buf;
		/* uInt is 32 bits; a read may return less than asked anyway. */
		zs->avail_out = n > 1u << 30 ? 1u << 30 : n;
		size_t want = zs->avail_out;
		rc = inflate(zs, Z_NO_FLUSH);
		size_t got = want - zs->avail_out;

		if (rc == Z_STREAM_END) {
			gz->members++;
			gz->state = BETWEEN;
		} else if (rc == Z_MEM_ERROR) {
			return gz_fail(gz, ENOMEM, "gzip");
		} else if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR) {
			gz->state = FAILED;
			return err_setn(EBADMSG, "corrupt gzip data: %s",
					zs->msg ? zs->msg : "bad data");
		} else if (rc != Z_OK && !(rc == Z_BUF_ERROR && !zs->avail_in)) {
			/* Z_BUF_ERROR with input left would repeat forever. */
			return gz_fail(gz, EBADMSG, "corrupt gzip data: decoder stalled");
		}
		if (got)
			return got;
		/* Only now, with zlib's pending output drained, is the end of
		 * input inside a member known to be a cut. */
		if (gz->state == MEMBER && !zs->avail_in && (rc = gz_fill(gz)) <= 0)
			return rc < 0 ? -1 : gz_fail(gz, EBADMSG, "truncated gzip stream");
	}
}

static void gz_close(struct reader *r)
{
	struct gzip_reader *gz = (struct gzip_reader *)r;

	if (gz->zs) {
		inflateEnd(gz->zs);
		free(gz->zs);
		gz->zs = NULL;
	}
}

int gzip_reader_init(struct gzip_reader *gz, struct reader *in)
{
	gz->r.read = gz_read;
	gz->r.close = gz_close;
	gz->in = in;
	gz->members = 0;
	gz->state = EMPTY;
	gz->zs = calloc(1, sizeof(*gz->zs));
	if (!gz->zs)
		return err_setn(ENOMEM, "gzip reader");
	/* 16 + MAX_WBITS: gzip wrapper only, not zlib or raw deflate. */
	if (inflateInit2(gz->zs, 16 + MAX_WBITS) != Z_OK) {
		free(gz->zs);
		gz->zs = NULL;
		return err_setn(ENOMEM, "gzip reader");
	}
	return 0;
}

/* ---- compressing ---- */

enum { D_MORE, D_FINISH, D_DONE, D_FAILED };

static ssize_t gzd_read(struct reader *r, void *buf, size_t n)
{
	struct gzip_deflater *gz = (struct gzip_deflater *)r;
	z_stream *zs = gz->zs;

	if (gz->state == D_FAILED)
		return err_setn(EIO, "gzip compression already failed");
	if (gz->state == D_DONE || n == 0)
		return 0;
	zs->next_out = buf;
	zs->avail_out = n > 1u << 30 ? 1u << 30 : n;
	size_t want = zs->avail_out;
	while (zs->avail_out == want) {
		int rc;

		if (gz->state == D_MORE && !zs->avail_in) {
			ssize_t got = reader_read(gz->in, gz->buf, sizeof(gz->buf));

			if (got < 0) {
				gz->state = D_FAILED;
				return -1;
			}
			zs->next_in = gz->buf;
			zs->avail_in = got;
			if (got == 0)
				gz->state = D_FINISH;
		}
		rc = deflate(zs, gz->state == D_FINISH ? Z_FINISH : Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			gz->state = D_DONE;
			break;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			gz->state = D_FAILED;
			return err_setn(EIO, "gzip compression failed (%d)", rc);
		}
	}
	return want - zs->avail_out;
}

static void gzd_close(struct reader *r)
{
	struct gzip_deflater *gz = (struct gzip_deflater *)r;

	if (gz->zs) {
		deflateEnd(gz->zs);
		free(gz->zs);
		gz->zs = NULL;
	}
}

int gzip_deflater_init(struct gzip_deflater *gz, struct reader *in)
{
	gz->r.read = gzd_read;
	gz->r.close = gzd_close;
	gz->in = in;
	gz->state = D_MORE;
	gz->zs = calloc(1, sizeof(*gz->zs));
	if (!gz->zs)
		return err_setn(ENOMEM, "gzip compressor");
	/* 16 + MAX_WBITS: a gzip wrapper (zlib writes mtime 0, no name). */
	if (deflateInit2(gz->zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(gz->zs);
		gz->zs = NULL;
		return err_setn(ENOMEM, "gzip compressor");
	}
	return 0;
}

long inflate_raw(const void *in, size_t n, void *out, size_t size)
{
	z_stream zs = { .next_in = (Bytef *)in, .avail_in = (uInt)n, .next_out = out,
			.avail_out = (uInt)size };
	int rc;

	if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
		return -1;
	rc = inflate(&zs, Z_FINISH); /* all of out at once: no window is made */
	inflateEnd(&zs);
	return rc == Z_STREAM_END ? (long)zs.total_out : -1;
}

#else

long inflate_raw(const void *in, size_t n, void *out, size_t size)
{
	return -1;
}

int gzip_deflater_init(struct gzip_deflater *gz, struct reader *in)
{
	gz->zs = NULL;
	return err_setn(ENOTSUP, "gzip support not built (FEATURE_GZIP)");
}

int gzip_reader_init(struct gzip_reader *gz, struct reader *in)
{
	gz->zs = NULL;
	return err_setn(ENOTSUP, "gzip support not built (FEATURE_GZIP)");
}

#endif
