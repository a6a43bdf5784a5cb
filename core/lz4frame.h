/* lz4frame.h - LZ4 frame format (lz4(1), .lz4) streams.
 *
 * Our own frame code over liblz4's block functions (LZ4_decompress_safe,
 * LZ4_compress_fast_extState, and LZ4_compress_HC_extStateHC when
 * FEATURE_LZ4_HC is built): liblz4's frame API (LZ4F) would link its HC
 * compressor, its linked-block compressor and itself into every build,
 * ~50 KB, though we write only independent blocks and tiny builds never
 * use HC.
 *
 * boxcar keeps layers as tar in LZ4 frames. We write 64 KiB independent
 * blocks with a content checksum and no content size, byte for byte what
 * LZ4F wrote with those preferences (layer digests depend on it).
 * Measured on tar streams: 256 KiB blocks or linked blocks are 2-3%
 * smaller on text and no better on binaries, but cost the reader 4x
 * (256 KiB) or 1.5x (linked) the memory; on a board the memory matters
 * more.
 *
 * Memory, all on the heap and freed by close:
 *   writer (fast): 16 KiB hash table + 64 KiB block + 64 KiB output = ~145 KiB
 *   writer (HC):   ~256 KiB more for the HC match finder
 *   reader:        ~128 KiB for our frames (input block + output block);
 *                  at most ~8.1 MiB for a frame claiming 4 MiB linked
 *                  blocks, the largest the format has
 *
 * The reader takes everything lz4(1) writes: any block size, linked or
 * independent blocks, block checksums, content size. It takes
 * concatenated frames (and skippable frames) like `lz4 -dc`, checks the
 * content checksum of each, and fails on a frame cut short ("truncated
 * LZ4 frame"), on trailing bytes that are not a frame, and on empty
 * input. A frame naming a dictionary (dictID) is decoded without one, as
 * LZ4F did: a block that refers to it fails as corrupt.
 */
#ifndef BOXCAR_LZ4FRAME_H
#define BOXCAR_LZ4FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "stream.h"

struct LZ4_XXH32_state_s;

/* Compression levels: fast (LZ4's default), or HC, ~7x slower to write,
 * ~20% smaller on a text-heavy tar, as fast to read. 3..12 are HC levels,
 * in builds with FEATURE_LZ4_HC. */
enum {
	LZ4FRAME_FAST = 0,
	LZ4FRAME_HC = 9,
};

struct lz4frame_reader {
	struct reader r;
	struct reader *in;
	struct LZ4_XXH32_state_s *xxh; /* content checksum so far */
	unsigned char *ibuf;  /* input: a block header, a block, its checksum */
	size_t icap, ipos, ilen;
	unsigned char *obuf;  /* output: up to 64 KiB of history, then a block */
	size_t ocap, opos, olen; /* of the decoded bytes not handed out yet */
	size_t hist;          /* bytes of history before the block (linked) */
	size_t bmax;          /* this frame's block maximum */
	uint64_t left;        /* content size still to come, if the frame says */
	unsigned flg;         /* this frame's FLG byte */
	unsigned frames;      /* complete frames so far */
	int state;
};

struct lz4frame_writer {
	struct writer w;
	struct writer *out;
	struct LZ4_XXH32_state_s *xxh;
	void *ctx;          /* LZ4's (or LZ4 HC's) compression state */
	unsigned char *in;  /* a block being gathered */
	size_t inlen;
	unsigned char *buf; /* block header + compressed block */
	int level;
	int state;
};

/* Both inits return 0, or -1 with nothing left to free; after 0, call
 * the stream's close (reader.close / writer.close) once done. */
int lz4frame_reader_init(struct lz4frame_reader *lr, struct reader *in);
/* Writes the frame header to out at once. level: LZ4FRAME_FAST,
 * LZ4FRAME_HC or 3..12 (EINVAL without FEATURE_LZ4_HC). finish writes
 * the last block, the end mark and the checksum, then finishes out. */
int lz4frame_writer_init(struct lz4frame_writer *lw, struct writer *out, int level);

/* 1 if buf starts with the LZ4 frame magic (04 22 4D 18), else 0. */
int lz4frame_sniff(const void *buf, size_t n);

/* One LZ4 block at src (size bytes) into dst (room for cap), which may
 * refer back into the dict_size bytes at dict (0: none): the decoded
 * size, or a negative number if the block is malformed or refers before
 * dict, checked as liblz4's LZ4_decompress_safe_usingDict checks it.
 * Each of liblz4's entry points is an inlined copy of its decoder (1.4
 * to 1.8 KB): this one links two. */
int lz4_block_decode(const void *src, int size, void *dst, int cap, const void *dict,
		     size_t dict_size);

#endif
