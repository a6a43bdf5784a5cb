/* lz4frame.c - LZ4 frame reader and writer over LZ4F (see lz4frame.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* liblz4's lz4frame.h, reached through lz4frame_static.h because ours
 * has the same name and comes first in the include path; the static API
 * gives LZ4F_getErrorCode, to name the common errors. */
#include <lz4frame_static.h>

#include "err.h"
#include "lz4frame.h"

/* A write is cut into pieces of one block, so the output buffer needs
 * room for one compressed block only (LZ4F_compressBound). */
#define BLOCK 65536

enum { EMPTY, OPEN, DONE, FAILED };

int lz4frame_sniff(const void *buf, size_t n)
{
	return n >= 4 && !memcmp(buf, "\x04\x22\x4d\x18", 4);
}

/* ---- reader ---- */

/* Does what we have of the next frame start like one (LZ4 or skippable)?
 * LZ4F would wait for a whole 7-byte header before looking, and call
 * a short tail of garbage a truncated frame. */
static int magic_ok(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n && i < 4; i++)
		if (p[i] != "\x04\x22\x4d\x18"[i] &&
		    (i ? p[i] != "\x50\x2a\x4d\x18"[i] : (p[0] & 0xf0) != 0x50))
			return 0;
	return 1;
}

static ssize_t lz4_fail(struct lz4frame_reader *lr, size_t code)
{
	const char *name = LZ4F_getErrorName(code);

	lr->state = FAILED;
	switch (LZ4F_getErrorCode(code)) {
	case LZ4F_ERROR_frameType_unknown:
		if (lr->frames)
			return err_setn(EBADMSG, "trailing garbage after LZ4 frame");
		return err_setn(EBADMSG, "not an LZ4 frame (bad magic)");
	case LZ4F_ERROR_contentChecksum_invalid:
		return err_setn(EBADMSG, "LZ4 content checksum mismatch");
	case LZ4F_ERROR_allocation_failed:
		return err_setn(ENOMEM, "LZ4 frame");
	default:
		if (!strncmp(name, "ERROR_", 6))
			name += 6;
		return err_setn(EBADMSG, "corrupt LZ4 frame: %s", name);
	}
}

static ssize_t lz4_read(struct reader *r, void *buf, size_t n)
{
	struct lz4frame_reader *lr = (struct lz4frame_reader *)r;

	if (lr->state == FAILED)
		return err_setn(EBADMSG, "LZ4 stream already failed");
	if (lr->state == DONE || n == 0)
		return 0;
	for (;;) {
		/* hint is 0 before a frame (LZ4F's answer once one ended). */
		if (!lr->hint && !magic_ok(lr->buf + lr->pos, lr->len - lr->pos))
			return lz4_fail(lr, (size_t)-LZ4F_ERROR_frameType_unknown);
		/* Before a frame with no input there is nothing to ask LZ4F,
		 * and asking would turn hint non-zero (it wants a header). */
		if (lr->pos < lr->len || lr->hint) {
			size_t src = lr->len - lr->pos, dst = n;
			size_t ret = LZ4F_decompress(lr->dctx, buf, &dst, lr->buf + lr->pos,
						     &src, NULL);

			if (LZ4F_isError(ret))
				return lz4_fail(lr, ret);
			lr->pos += src;
			if (ret == 0)
				lr->frames++;
			lr->hint = ret;
			if (dst)
				return dst;
			if (lr->pos < lr->len) {
				/* Input left, room for output, nothing moved: do not spin. */
				if (!src) {
					lr->state = FAILED;
					return err_setn(EBADMSG, "corrupt LZ4 frame: decoder stalled");
				}
				continue;
			}
		}

		ssize_t got = reader_read(lr->in, lr->buf, sizeof(lr->buf));
		if (got < 0) {
			lr->state = FAILED;
			return -1;
		}
		lr->pos = 0;
		lr->len = got;
		if (got > 0) {
			lr->state = OPEN;
			continue;
		}
		/* End of input: fine only between frames (hint 0). LZ4F may
		 * still hold output for us, but then it returned some above. */
		if (lr->state == EMPTY) {
			lr->state = FAILED;
			return err_setn(EBADMSG, "empty input: no LZ4 frame");
		}
		if (lr->hint) {
			lr->state = FAILED;
			return err_setn(EBADMSG, "truncated LZ4 frame");
		}
		lr->state = DONE;
		return 0;
	}
}

static void lz4_rclose(struct reader *r)
{
	struct lz4frame_reader *lr = (struct lz4frame_reader *)r;

	LZ4F_freeDecompressionContext(lr->dctx);
	lr->dctx = NULL;
}

int lz4frame_reader_init(struct lz4frame_reader *lr, struct reader *in)
{
	lr->r.read = lz4_read;
	lr->r.close = lz4_rclose;
	lr->in = in;
	lr->dctx = NULL;
	lr->hint = 0;
	lr->pos = lr->len = 0;
	lr->frames = 0;
	lr->state = EMPTY;
	if (LZ4F_isError(LZ4F_createDecompressionContext(&lr->dctx, LZ4F_VERSION)))
		return err_setn(ENOMEM, "LZ4 frame reader");
	return 0;
}

/* ---- writer ---- */

static int lz4_put(struct lz4frame_writer *lw, size_t ret)
{
	if (LZ4F_isError(ret)) {
		lw->state = FAILED;
		return err_setn(EINVAL, "LZ4 compression: %s", LZ4F_getErrorName(ret));
	}
	if (ret && writer_write(lw->out, lw->buf, ret)) {
		lw->state = FAILED;
		return -1;
	}
	return 0;
}

static int lz4_write(struct writer *w, const void *buf, size_t n)
{
	struct lz4frame_writer *lw = (struct lz4frame_writer *)w;
	const unsigned char *p = buf;

	if (lw->state != OPEN)
		return err_setn(EINVAL, "LZ4 frame writer is %s",
				lw->state == DONE ? "finished" : "failed");
	while (n) {
		size_t chunk = n < BLOCK ? n : BLOCK;

		if (lz4_put(lw, LZ4F_compressUpdate(lw->cctx, lw->buf, lw->cap, p, chunk, NULL)))
			return -1;
		p += chunk;
		n -= chunk;
	}
	return 0;
}

/* Finishing twice is harmless, so a caller may finish every stage of a
 * chain or only the top one. */
static int lz4_finish(struct writer *w)
{
	struct lz4frame_writer *lw = (struct lz4frame_writer *)w;

	if (lw->state == DONE)
		return 0;
	if (lw->state != OPEN)
		return err_setn(EINVAL, "LZ4 frame writer failed");
	if (lz4_put(lw, LZ4F_compressEnd(lw->cctx, lw->buf, lw->cap, NULL)))
		return -1;
	lw->state = DONE;
	return writer_finish(lw->out);
}

static void lz4_wclose(struct writer *w)
{
	struct lz4frame_writer *lw = (struct lz4frame_writer *)w;

	LZ4F_freeCompressionContext(lw->cctx);
	free(lw->buf);
	lw->cctx = NULL;
	lw->buf = NULL;
}

int lz4frame_writer_init(struct lz4frame_writer *lw, struct writer *out, int level)
{
	LZ4F_preferences_t prefs;

	memset(&prefs, 0, sizeof(prefs));
	prefs.frameInfo.blockSizeID = LZ4F_max64KB;
	prefs.frameInfo.blockMode = LZ4F_blockIndependent;
	prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
	prefs.compressionLevel = level;

	lw->w.write = lz4_write;
	lw->w.finish = lz4_finish;
	lw->w.close = lz4_wclose;
	lw->out = out;
	lw->state = OPEN;
	lw->cctx = NULL;
	/* Covers the header and the end mark too (both under 20 bytes). */
	lw->cap = LZ4F_compressBound(BLOCK, &prefs);
	lw->buf = malloc(lw->cap);
	if (!lw->buf || LZ4F_isError(LZ4F_createCompressionContext(&lw->cctx, LZ4F_VERSION))) {
		lz4_wclose(&lw->w);
		return err_setn(ENOMEM, "LZ4 frame writer");
	}
	if (lz4_put(lw, LZ4F_compressBegin(lw->cctx, lw->buf, lw->cap, &prefs))) {
		lz4_wclose(&lw->w);
		return -1;
	}
	return 0;
}
