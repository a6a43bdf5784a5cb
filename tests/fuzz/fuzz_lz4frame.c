/* fuzz_lz4frame.c - libFuzzer target for core/lz4frame.c.
 *
 * Decodes the input as an LZ4 frame stream, with input chunks and read
 * sizes picked from the input's length so boundaries move around. What
 * decodes is compressed again with our writer and must decode back to
 * the same bytes. Our own frame code (core/lz4frame.c) parses the
 * headers and blocks; liblz4 only decodes a block. Output is capped so a 255x expansion cannot time out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "chunk.h"
#include "lz4frame.h"
#include "stream.h"

#define MAX_OUT (4 << 20)

struct buf_writer {
	struct writer w;
	unsigned char *data;
	size_t len;
};

static int buf_write(struct writer *w, const void *p, size_t n)
{
	struct buf_writer *b = (struct buf_writer *)w;
	unsigned char *d = realloc(b->data, b->len + n);

	if (!d)
		abort();
	memcpy(d + b->len, p, n);
	b->data = d;
	b->len += n;
	return 0;
}

/* Decode in into o (up to MAX_OUT bytes); 0 when it all decoded. */
static int decode(const uint8_t *in, size_t len, size_t inmax, size_t ask,
		  unsigned char *o, size_t *outlen)
{
	struct mem_reader mr;
	struct chunk_reader cr = { { chunk_read, NULL }, &mr.r, inmax };
	struct lz4frame_reader lr;
	size_t n = 0;
	ssize_t got = 0;

	mem_reader_init(&mr, in, len);
	if (lz4frame_reader_init(&lr, &cr.r))
		abort();
	while (n < MAX_OUT) {
		size_t want = MAX_OUT - n < ask ? MAX_OUT - n : ask;
		if ((got = reader_read(&lr.r, o + n, want)) <= 0)
			break;
		if ((size_t)got > want)
			abort();
		n += got;
	}
	reader_close(&lr.r);
	*outlen = n;
	return got == 0 ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char out[MAX_OUT], again[MAX_OUT];
	size_t inmax = size & 1 ? 1 + size % 61 : 1 << 20;
	size_t ask = size & 2 ? 1 + size % 97 : 65536;
	size_t outlen, againlen;

	if (decode(data, size, inmax, ask, out, &outlen) == 0) {
		struct buf_writer bw = { { buf_write, NULL, NULL }, NULL, 0 };
		struct lz4frame_writer lw;

		if (lz4frame_writer_init(&lw, &bw.w, ENABLED(FEATURE_LZ4_HC) && size & 4 ?
					 LZ4FRAME_HC : LZ4FRAME_FAST) ||
		    writer_write(&lw.w, out, outlen) || writer_finish(&lw.w))
			abort();
		writer_close(&lw.w);
		if (decode(bw.data, bw.len, 1 << 20, 65536, again, &againlen) ||
		    againlen != outlen || memcmp(again, out, outlen))
			abort();
		free(bw.data);
	}
	return 0;
}
