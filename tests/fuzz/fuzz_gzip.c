/* fuzz_gzip.c - libFuzzer target for core/gzip.c (driver: decode.h). */
#include "decode.h"
#include "gzip.h"

static struct gzip_reader gz;

static struct reader *open_gzip(struct reader *in)
{
	return gzip_reader_init(&gz, in) ? NULL : &gz.r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode(data, size, open_gzip);
	return 0;
}
