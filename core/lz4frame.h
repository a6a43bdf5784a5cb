/* lz4frame.h - LZ4 frame format (lz4(1), .lz4) streams over liblz4's LZ4F.
 *
 * boxcar keeps layers as tar in LZ4 frames. We write 64 KiB independent
 * blocks with a content checksum and no content size. Measured on tar
 * streams: 256 KiB blocks or linked blocks are 2-3% smaller on text and
 * no better on binaries, but cost the reader 4x (256 KiB) or 1.5x
 * (linked) the memory; on a board the memory matters more.
 *
 * Memory, all on the heap and freed by close:
 *   writer (fast): 16 KiB hash table + 64 KiB block + 64 KiB output = ~145 KiB
 *   writer (HC):   ~256 KiB more for the HC match finder
 *   reader:        ~128 KiB for our frames (input block + output block);
 *                  at most ~8.1 MiB for a frame claiming 4 MiB linked
 *                  blocks, the largest LZ4F accepts
 *   plus LZ4FRAME_INBUF bytes inside struct lz4frame_reader.
 *
 * The reader takes concatenated frames (and skippable frames) like
 * `lz4 -dc`, checks the content checksum of each, and fails on a frame
 * cut short ("truncated LZ4 frame"), on trailing bytes that are not a
 * frame, and on empty input.
 */
#ifndef BOXCAR_LZ4FRAME_H
#define BOXCAR_LZ4FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "stream.h"

struct LZ4F_cctx_s;
struct LZ4F_dctx_s;

/* Compression levels: fast (LZ4's default), or HC, ~7x slower to write,
 * ~20% smaller on a text-heavy tar, as fast to read. 3..12 are HC levels. */
enum {
	LZ4FRAME_FAST = 0,
	LZ4FRAME_HC = 9,
};

#define LZ4FRAME_INBUF 16384

struct lz4frame_reader {
	struct reader r;
	struct reader *in;
	struct LZ4F_dctx_s *dctx;
	size_t hint;     /* LZ4F's last answer: 0 between frames */
	size_t pos, len; /* of the unconsumed input in buf */
	unsigned frames; /* complete frames so far */
	int state;
	unsigned char buf[LZ4FRAME_INBUF];
};

struct lz4frame_writer {
	struct writer w;
	struct writer *out;
	struct LZ4F_cctx_s *cctx;
	unsigned char *buf; /* compressed output, one bound's worth */
	size_t cap;
	int state;
};

/* Both inits return 0, or -1 with nothing left to free; after 0, call
 * the stream's close (reader.close / writer.close) once done. */
int lz4frame_reader_init(struct lz4frame_reader *lr, struct reader *in);
/* Writes the frame header to out at once. level: LZ4FRAME_FAST,
 * LZ4FRAME_HC or 3..12. finish writes the end mark and checksum, then
 * finishes out. */
int lz4frame_writer_init(struct lz4frame_writer *lw, struct writer *out, int level);

/* 1 if buf starts with the LZ4 frame magic (04 22 4D 18), else 0. */
int lz4frame_sniff(const void *buf, size_t n);

#endif
