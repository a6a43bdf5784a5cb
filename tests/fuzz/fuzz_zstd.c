/* fuzz_zstd.c - libFuzzer target for core/zstd_read.c (driver: decode.h). */
#include "decode.h"
#include "zstd_read.h"

static struct zstd_reader zs;

static struct reader *open_zstd(struct reader *in)
{
	return zstd_reader_init(&zs, in) ? NULL : &zs.r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode(data, size, open_zstd);
	return 0;
}
