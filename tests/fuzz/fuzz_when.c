/* fuzz_when.c - libFuzzer target for core/when.c (logs --since/--until).
 * The input, cut at the first NUL, is a time; parsing must not overflow
 * (UBSan) and an RFC 3339 time at or after the epoch gives no negative. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "when.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128];
	int64_t ns;

	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = 0;
	if (when_parse(s, 1700000000LL * 1000000000LL, &ns))
		return 0;
	if (s[0] >= '2' && s[0] <= '9' && s[4] == '-' && s[10] == 'T' && s[19] == 'Z' && ns < 0)
		abort();
	return 0;
}
