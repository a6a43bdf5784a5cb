/* lz4frame.c - LZ4 frames over liblz4's block functions (see lz4frame.h).
 *
 * The format (lz4's doc/lz4_Frame_format.md): a frame is the magic
 * 04 22 4D 18, a header (FLG, BD, an optional 8-byte content size, an
 * optional 4-byte dictionary ID, a 1-byte header checksum), blocks, each
 * a little-endian 32-bit size (top bit: stored uncompressed) and its
 * bytes (and their XXH32 when FLG asks for block checksums), an end mark
 * (a size of 0), and the XXH32 of the content when FLG asks for it.
 * A skippable frame is 5x 2A 4D 18, a 32-bit size and that many bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <lz4hc.h>

#include "applet.h"
#include "err.h"
#include "lz4frame.h"

/* liblz4's xxhash, built with XXH_NAMESPACE=LZ4_ as upstream builds it;
 * it does not install xxhash.h, so its stable API is declared here. */
struct LZ4_XXH32_state_s *LZ4_XXH32_createState(void);
int LZ4_XXH32_freeState(struct LZ4_XXH32_state_s *st);
int LZ4_XXH32_reset(struct LZ4_XXH32_state_s *st, unsigned int seed);
int LZ4_XXH32_update(struct LZ4_XXH32_state_s *st, const void *p, size_t n);
unsigned int LZ4_XXH32_digest(const struct LZ4_XXH32_state_s *st);
unsigned int LZ4_XXH32(const void *p, size_t n, unsigned int seed);
/* liblz4's decoder with an external dictionary: what
 * LZ4_decompress_safe_usingDict calls when the dictionary is not right
 * before dst. Exported by lz4.c (for lz4frame.c), declared there only. */
int LZ4_decompress_safe_forceExtDict(const char *src, char *dst, int csize, int cap,
				     const void *dict, size_t dict_size);

/* Two of liblz4's decoders, not four: _usingDict would add one for a
 * small and one for a 64 KiB prefix. Independent blocks (what boxcar and
 * the lz4 tool write) take the plain one, as fast as before; linked
 * blocks the external-dictionary one, whose copies from the window cost
 * them about 13% more instructions in the decoder (callgrind). */
int lz4_block_decode(const void *src, int size, void *dst, int cap, const void *dict,
		     size_t dict_size)
{
	if (!dict_size)
		return LZ4_decompress_safe(src, dst, size, cap);
	return LZ4_decompress_safe_forceExtDict(src, dst, size, cap, dict, dict_size);
}

/* What we write: 64 KiB blocks, the size a writer buffers. */
#define BLOCK 65536
/* Linked blocks may refer back this far into the blocks before. */
#define WINDOW 65536
/* Magic, FLG, BD, content size, dictionary ID, header checksum. */
#define HEADER_MAX (4 + 2 + 8 + 4 + 1)

enum {
	FLG_VERSION = 0xc0, FLG_INDEPENDENT = 0x20, FLG_BLOCK_SUM = 0x10,
	FLG_SIZE = 0x08, FLG_CONTENT_SUM = 0x04, FLG_RESERVED = 0x02, FLG_DICT_ID = 0x01,
};
#define STORED 0x80000000u /* a block's size: its bytes are not compressed */

/* Reader states: before any input, between frames, inside a frame;
 * writer states: OPEN. Both: DONE, FAILED. */
enum { EMPTY, BETWEEN, BLOCKS, OPEN, DONE, FAILED };

static const unsigned char magic[4] = { 0x04, 0x22, 0x4d, 0x18 };

int lz4frame_sniff(const void *buf, size_t n)
{
	return n >= 4 && !memcmp(buf, magic, 4);
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* ---- reader ---- */

/* Do the n bytes we have of the next frame start like one (LZ4 or
 * skippable, 5x 2A 4D 18)? */
static int magic_ok(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n && i < 4; i++)
		if (p[i] != magic[i] && (i ? p[i] != "\x50\x2a\x4d\x18"[i] : (p[0] & 0xf0) != 0x50))
			return 0;
	return 1;
}

/* Fail for good; what names the error as LZ4F named it. */
static ssize_t corrupt(struct lz4frame_reader *lr, const char *what)
{
	lr->state = FAILED;
	return err_setn(EBADMSG, "corrupt LZ4 frame: %s", what);
}

static ssize_t fail(struct lz4frame_reader *lr, int e, const char *msg)
{
	lr->state = FAILED;
	return err_setn(e, "%s", msg);
}

/* Make n bytes (n <= icap) of input available at ibuf + ipos, reading no
 * more than that, so a block arrives in one read: 1, 0 when the input
 * ends first (what came is still there), -1 on a read error. */
static int need(struct lz4frame_reader *lr, size_t n)
{
	if (lr->ilen - lr->ipos >= n)
		return 1;
	memmove(lr->ibuf, lr->ibuf + lr->ipos, lr->ilen - lr->ipos);
	lr->ilen -= lr->ipos;
	lr->ipos = 0;
	while (lr->ilen < n) {
		ssize_t got = reader_read(lr->in, lr->ibuf + lr->ilen, n - lr->ilen);

		if (got < 0)
			return -1;
		if (got == 0)
			return 0;
		lr->ilen += got;
	}
	return 1;
}

/* need() inside a frame, where the input ending is an error: 0 or -1. */
static int need_more(struct lz4frame_reader *lr, size_t n)
{
	int rc = need(lr, n);

	if (rc > 0)
		return 0;
	if (rc == 0)
		fail(lr, EBADMSG, "truncated LZ4 frame");
	lr->state = FAILED;
	return -1;
}

/* Room for this frame's blocks: input for a block and its checksum,
 * output for a block and, when blocks are linked, the window before it. */
static int size_buffers(struct lz4frame_reader *lr, size_t bmax, int linked)
{
	size_t icap = bmax + 8, ocap = bmax + (linked ? WINDOW : 0);

	if (icap > lr->icap) {
		unsigned char *p = realloc(lr->ibuf, icap);
		if (!p)
			return fail(lr, ENOMEM, "LZ4 frame");
		lr->ibuf = p;
		lr->icap = icap;
	}
	if (ocap > lr->ocap) {
		free(lr->obuf);
		lr->ocap = 0;
		if (!(lr->obuf = malloc(ocap)))
			return fail(lr, ENOMEM, "LZ4 frame");
		lr->ocap = ocap;
	}
	return 0;
}

/* Between frames: the next frame's header, a skippable frame (skipped),
 * or the end of the input (state DONE). 0 or -1. */
static int next_frame(struct lz4frame_reader *lr)
{
	const unsigned char *h;
	int rc = need(lr, 4);

	if (rc < 0) {
		lr->state = FAILED;
		return -1;
	}
	h = lr->ibuf + lr->ipos;
	if (!magic_ok(h, lr->ilen - lr->ipos))
		return fail(lr, EBADMSG, lr->frames ? "trailing garbage after LZ4 frame"
					 : "not an LZ4 frame (bad magic)");
	if (rc == 0) {
		if (lr->ilen > lr->ipos)
			return fail(lr, EBADMSG, "truncated LZ4 frame");
		if (lr->state == EMPTY)
			return fail(lr, EBADMSG, "empty input: no LZ4 frame");
		lr->state = DONE;
		return 0;
	}
	lr->state = BETWEEN;
	if (h[0] != magic[0]) { /* skippable: its size, then that many bytes */
		if (need_more(lr, 8))
			return -1;
		uint32_t skip = le32(lr->ibuf + lr->ipos + 4);
		lr->ipos += 8;
		while (skip) {
			size_t n = skip < lr->icap ? skip : lr->icap;
			if (need_more(lr, n))
				return -1;
			lr->ipos += n;
			skip -= n;
		}
		lr->frames++;
		return 0; /* the caller comes back for the next one */
	}

	if (need_more(lr, 7))
		return -1;
	h = lr->ibuf + lr->ipos;
	unsigned flg = h[4], bd = h[5];
	if (flg & FLG_RESERVED)
		return corrupt(lr, "reservedFlag_set");
	if ((flg & FLG_VERSION) != 0x40)
		return corrupt(lr, "headerVersion_wrong");
	size_t hlen = 7 + (flg & FLG_SIZE ? 8 : 0) + (flg & FLG_DICT_ID ? 4 : 0);
	if (bd & 0x80)
		return corrupt(lr, "reservedFlag_set");
	if ((bd >> 4 & 7) < 4)
		return corrupt(lr, "maxBlockSize_invalid");
	if (bd & 0x0f)
		return corrupt(lr, "reservedFlag_set");
	if (need_more(lr, hlen))
		return -1;
	h = lr->ibuf + lr->ipos;
	if ((LZ4_XXH32(h + 4, hlen - 5, 0) >> 8 & 0xff) != h[hlen - 1])
		return corrupt(lr, "headerChecksum_invalid");
	lr->left = 0;
	if (flg & FLG_SIZE)
		lr->left = le32(h + 6) | (uint64_t)le32(h + 10) << 32;
	/* LZ4F reads a content size of 0 as "not given": so do we */
	lr->flg = lr->left ? flg : flg & ~FLG_SIZE;
	lr->ipos += hlen;
	/* 64 KiB, 256 KiB, 1 MiB, 4 MiB */
	lr->bmax = (size_t)1 << (8 + 2 * (bd >> 4 & 7));
	if (size_buffers(lr, lr->bmax, !(flg & FLG_INDEPENDENT)))
		return -1;
	LZ4_XXH32_reset(lr->xxh, 0);
	lr->hist = lr->opos = lr->olen = 0;
	lr->state = BLOCKS;
	return 0;
}

/* The end of a frame: its content size and checksum. */
static int end_frame(struct lz4frame_reader *lr)
{
	if (lr->left)
		return corrupt(lr, "frameSize_wrong");
	if (lr->flg & FLG_CONTENT_SUM) {
		if (need_more(lr, 4))
			return -1;
		if (le32(lr->ibuf + lr->ipos) != LZ4_XXH32_digest(lr->xxh))
			return fail(lr, EBADMSG, "LZ4 content checksum mismatch");
		lr->ipos += 4;
	}
	lr->frames++;
	lr->state = BETWEEN;
	return 0;
}

/* Decode the next block into obuf, or read the frame's end: 0 or -1. */
static int next_block(struct lz4frame_reader *lr)
{
	int linked = !(lr->flg & FLG_INDEPENDENT);
	size_t sum = lr->flg & FLG_BLOCK_SUM ? 4 : 0;

	if (need_more(lr, 4))
		return -1;
	uint32_t word = le32(lr->ibuf + lr->ipos), size = word & ~STORED;
	lr->ipos += 4;
	if (size == 0)
		return end_frame(lr);
	if (size > lr->bmax)
		return corrupt(lr, "maxBlockSize_invalid");
	if (need_more(lr, size + sum))
		return -1;
	const unsigned char *src = lr->ibuf + lr->ipos;
	if (sum && le32(src + size) != LZ4_XXH32(src, size, 0))
		return corrupt(lr, "blockChecksum_invalid");
	lr->ipos += size + sum;

	/* Linked blocks: keep the last WINDOW bytes decoded before this one. */
	lr->hist = 0;
	if (linked) {
		lr->hist = lr->olen < WINDOW ? lr->olen : WINDOW;
		memmove(lr->obuf, lr->obuf + lr->olen - lr->hist, lr->hist);
	}
	unsigned char *dst = lr->obuf + lr->hist;
	int n;
	if (word & STORED) {
		memcpy(dst, src, size);
		n = size;
	} else {
		n = lz4_block_decode(src, size, dst, lr->bmax, lr->obuf, lr->hist);
		if (n < 0)
			return corrupt(lr, "decompressionFailed");
	}
	if (lr->flg & FLG_SIZE) {
		if ((uint64_t)n > lr->left)
			return corrupt(lr, "frameSize_wrong");
		lr->left -= n;
	}
	if (lr->flg & FLG_CONTENT_SUM)
		LZ4_XXH32_update(lr->xxh, dst, n);
	lr->opos = lr->hist;
	lr->olen = lr->hist + n;
	return 0;
}

static ssize_t lz4_read(struct reader *r, void *buf, size_t n)
{
	struct lz4frame_reader *lr = (struct lz4frame_reader *)r;

	if (lr->state == FAILED)
		return err_setn(EBADMSG, "LZ4 stream already failed");
	while (n && lr->state != DONE) {
		if (lr->opos < lr->olen) {
			size_t k = lr->olen - lr->opos < n ? lr->olen - lr->opos : n;

			memcpy(buf, lr->obuf + lr->opos, k);
			lr->opos += k;
			return k;
		}
		if ((lr->state == BLOCKS ? next_block(lr) : next_frame(lr)) < 0)
			return -1;
	}
	return 0;
}

static void lz4_rclose(struct reader *r)
{
	struct lz4frame_reader *lr = (struct lz4frame_reader *)r;

	LZ4_XXH32_freeState(lr->xxh);
	free(lr->ibuf);
	free(lr->obuf);
	lr->xxh = NULL;
	lr->ibuf = lr->obuf = NULL;
	lr->icap = lr->ocap = 0;
}

int lz4frame_reader_init(struct lz4frame_reader *lr, struct reader *in)
{
	memset(lr, 0, sizeof(*lr));
	lr->r.read = lz4_read;
	lr->r.close = lz4_rclose;
	lr->in = in;
	lr->state = EMPTY;
	/* What our own frames need, so reading one never reallocates. */
	if (!(lr->xxh = LZ4_XXH32_createState()) || size_buffers(lr, BLOCK, 0)) {
		lz4_rclose(&lr->r);
		return err_setn(ENOMEM, "LZ4 frame reader");
	}
	lr->state = EMPTY;
	return 0;
}

/* ---- writer ---- */

static int is_hc(int level)
{
	return ENABLED(FEATURE_LZ4_HC) && level >= 3;
}

/* One block of src: compressed when that makes it smaller, else stored,
 * as LZ4F does (it gives the compressor room for len - 1 bytes). */
static int put_block(struct lz4frame_writer *lw, const unsigned char *src, size_t len)
{
	int c;

	if (is_hc(lw->level))
		c = LZ4_compress_HC_extStateHC(lw->ctx, (const char *)src, (char *)lw->buf + 4,
					       len, len - 1, lw->level);
	else
		c = LZ4_compress_fast_extState(lw->ctx, (const char *)src, (char *)lw->buf + 4,
					       len, len - 1, 1);
	if (c <= 0) {
		put_le32(lw->buf, len | STORED);
		memcpy(lw->buf + 4, src, len);
		c = len;
	} else {
		put_le32(lw->buf, c);
	}
	LZ4_XXH32_update(lw->xxh, src, len);
	if (writer_write(lw->out, lw->buf, 4 + c)) {
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
	/* Whole blocks, however the writes cut the data, as LZ4F made them;
	 * a whole block in the caller's buffer is compressed from there. */
	while (n) {
		if (!lw->inlen && n >= BLOCK) {
			if (put_block(lw, p, BLOCK))
				return -1;
			p += BLOCK;
			n -= BLOCK;
			continue;
		}
		size_t k = BLOCK - lw->inlen < n ? BLOCK - lw->inlen : n;
		memcpy(lw->in + lw->inlen, p, k);
		lw->inlen += k;
		p += k;
		n -= k;
		if (lw->inlen == BLOCK) {
			lw->inlen = 0;
			if (put_block(lw, lw->in, BLOCK))
				return -1;
		}
	}
	return 0;
}

/* Finishing twice is harmless, so a caller may finish every stage of a
 * chain or only the top one. */
static int lz4_finish(struct writer *w)
{
	struct lz4frame_writer *lw = (struct lz4frame_writer *)w;
	unsigned char end[8];

	if (lw->state == DONE)
		return 0;
	if (lw->state != OPEN)
		return err_setn(EINVAL, "LZ4 frame writer failed");
	if (lw->inlen && put_block(lw, lw->in, lw->inlen))
		return -1;
	lw->inlen = 0;
	put_le32(end, 0);
	put_le32(end + 4, LZ4_XXH32_digest(lw->xxh));
	if (writer_write(lw->out, end, sizeof(end))) {
		lw->state = FAILED;
		return -1;
	}
	lw->state = DONE;
	return writer_finish(lw->out);
}

static void lz4_wclose(struct writer *w)
{
	struct lz4frame_writer *lw = (struct lz4frame_writer *)w;

	LZ4_XXH32_freeState(lw->xxh);
	free(lw->ctx);
	free(lw->in);
	free(lw->buf);
	lw->xxh = NULL;
	lw->ctx = lw->in = lw->buf = NULL;
}

int lz4frame_writer_init(struct lz4frame_writer *lw, struct writer *out, int level)
{
	/* v1, independent blocks, content checksum; 64 KiB blocks */
	unsigned char head[7] = { 0x04, 0x22, 0x4d, 0x18, 0x64, 0x40 };

	memset(lw, 0, sizeof(*lw));
	if (level >= 3 && !ENABLED(FEATURE_LZ4_HC))
		return err_setn(EINVAL, "LZ4 HC compression (level %d) is not in this build", level);
	lw->w.write = lz4_write;
	lw->w.finish = lz4_finish;
	lw->w.close = lz4_wclose;
	lw->out = out;
	lw->level = level;
	lw->state = OPEN;
	lw->ctx = malloc(is_hc(level) ? LZ4_sizeofStateHC() : LZ4_sizeofState());
	lw->in = malloc(BLOCK);
	lw->buf = malloc(4 + BLOCK);
	lw->xxh = LZ4_XXH32_createState();
	if (!lw->ctx || !lw->in || !lw->buf || !lw->xxh) {
		lz4_wclose(&lw->w);
		return err_setn(ENOMEM, "LZ4 frame writer");
	}
	LZ4_XXH32_reset(lw->xxh, 0);
	head[6] = LZ4_XXH32(head + 4, 2, 0) >> 8;
	if (writer_write(out, head, sizeof(head))) {
		lz4_wclose(&lw->w);
		return -1;
	}
	return 0;
}
