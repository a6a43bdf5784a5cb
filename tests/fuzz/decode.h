/* decode.h - the driver the decompressor fuzz targets share: the input
 * fed in chunks and read in sizes picked from its length, so boundaries
 * move around; a reader must never return more than asked. Output is
 * capped so a 1000x expansion cannot time out. Include once, from a
 * fuzz_*.c that defines the decoder to test.
 */
#include <stdint.h>
#include <stdlib.h>

#include "chunk.h"
#include "stream.h"

#define MAX_OUT (4 << 20)

/* Feed data to the decoder that init sets up over a chunked reader. */
static void decode(const uint8_t *data, size_t size,
		   struct reader *(*init)(struct reader *in))
{
	static unsigned char out[65536];
	struct mem_reader mr;
	struct chunk_reader cr = { { chunk_read, NULL }, &mr.r,
				   size & 1 ? 1 + size % 61 : 1 << 20 };
	size_t ask = size & 2 ? 1 + size % 97 : sizeof(out);
	size_t total = 0;
	struct reader *r;
	ssize_t got;

	mem_reader_init(&mr, data, size);
	if (!(r = init(&cr.r)))
		abort();
	while (total < MAX_OUT && (got = reader_read(r, out, ask)) > 0) {
		if ((size_t)got > ask)
			abort();
		total += got;
	}
	reader_close(r);
}
