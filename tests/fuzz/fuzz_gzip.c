/* fuzz_gzip.c - libFuzzer target for core/gzip.c.
 *
 * Decodes the input as a gzip stream, with input chunks and read sizes
 * picked from the input's length so boundaries move around, and checks
 * that a reader never returns more than asked. Output is capped so a
 * 1000x expansion cannot time out.
 */
#include <stdint.h>
#include <stdlib.h>

#include "gzip.h"
#include "stream.h"

#define MAX_OUT (4 << 20)

struct chunk_reader {
	struct reader r;
	struct reader *in;
	size_t max;
};

static ssize_t chunk_read(struct reader *r, void *buf, size_t n)
{
	struct chunk_reader *c = (struct chunk_reader *)r;

	return reader_read(c->in, buf, n < c->max ? n : c->max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char out[65536];
	struct mem_reader mr;
	struct chunk_reader cr = { { chunk_read, NULL }, &mr.r, size & 1 ? 1 + size % 61 : 1 << 20 };
	struct gzip_reader gz;
	size_t ask = size & 2 ? 1 + size % 97 : sizeof(out);
	size_t total = 0;
	ssize_t got;

	mem_reader_init(&mr, data, size);
	if (gzip_reader_init(&gz, &cr.r))
		abort();
	while (total < MAX_OUT && (got = reader_read(&gz.r, out, ask)) > 0) {
		if ((size_t)got > ask)
			abort();
		total += got;
	}
	reader_close(&gz.r);
	return 0;
}
