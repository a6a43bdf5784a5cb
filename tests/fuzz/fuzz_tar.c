/* fuzz_tar.c - libFuzzer target: bytes as a tar stream, unpacked by
 * layer_unpack into a fresh temporary directory that is then removed.
 * Built by scripts/fuzz.sh with all of core/ except multicall.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "layer.h"
#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/fuzz_tar.XXXXXX";
	struct layer_unpack_opts o = { 0 };
	struct mem_reader mr;

	if (!mkdtemp(dir))
		abort();
	mem_reader_init(&mr, data, size);
	layer_unpack(&mr.r, dir, &o);
	rm_rf(dir);
	return 0;
}
