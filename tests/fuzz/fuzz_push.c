/* fuzz_push.c - libFuzzer target for core/push_parse.c: what a registry
 * answers a push with. The input as an upload's Range header, and as an
 * error document; the text quoted from it must fit and hold no control
 * bytes, a Range must give an offset past 0. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "push.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), out[80];
	int64_t next;

	memcpy(s, data, size);
	s[size] = 0;
	if (push_parse_range(s, &next) == 0 && next < 1)
		abort();
	memset(out, 'x', sizeof(out));
	push_error_text(s, size, out, sizeof(out));
	if (!memchr(out, 0, sizeof(out)))
		abort();
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20)
			abort();
	free(s);
	return 0;
}
