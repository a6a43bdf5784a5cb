/* chunk.h - a reader that hands out at most max bytes a call, for fuzz
 * targets that move the input's chunk boundaries around. */
#ifndef FUZZ_CHUNK_H
#define FUZZ_CHUNK_H

#include "stream.h"

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

#endif
