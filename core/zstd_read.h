/* zstd_read.h - reading zstd streams (RFC 8878) through libzstd.
 *
 * The other compression OCI allows for layers (tar+zstd). Concatenated
 * frames and skippable frames read as one stream; a cut frame, or bytes
 * after the last frame that do not start another, are errors, and so is
 * empty input.
 *
 * Needs libzstd's decoder, linked only with FEATURE_ZSTD; without it init
 * fails with ENOTSUP and no zstd code is built.
 *
 * Memory: the decoder's context (~100 KiB) plus the frame's window, which
 * the compressor chose: 2 MiB at zstd's default level 3 on a big layer,
 * 8 MiB at level 19. Frames that want more than ZSTD_WINDOW_LOG_MAX are
 * refused, so a layer cannot make a board allocate what it wants.
 */
#ifndef BOXCAR_ZSTD_READ_H
#define BOXCAR_ZSTD_READ_H

#include <stddef.h>

#include "stream.h"

#define ZSTD_INBUF 16384
#define ZSTD_WINDOW_LOG_MAX 23 /* 8 MiB: up to zstd -19 */

struct ZSTD_DCtx_s;

struct zstd_reader {
	struct reader r;
	struct reader *in;
	struct ZSTD_DCtx_s *dctx;
	size_t pos, len;   /* of buf's unread input */
	int state;
	unsigned char buf[ZSTD_INBUF];
};

/* 0, or -1 with nothing left to free; after 0, call r.close once done. */
int zstd_reader_init(struct zstd_reader *z, struct reader *in);

/* 1 if buf starts with a zstd frame's magic (28 b5 2f fd) or a skippable
 * frame's (5? 2a 4d 18), else 0. */
int zstd_sniff(const void *buf, size_t n);

#endif
