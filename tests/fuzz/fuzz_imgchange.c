/* fuzz_imgchange.c - libFuzzer target for core/imgchange.c (commit -c).
 * The input, cut at the first NUL, is one change line; what parses must
 * have a NULL-terminated list of n strings, KEY=VALUE for ENV and LABEL
 * with a KEY, and ports shaped N[-M]/proto for EXPOSE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imgchange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[4096];
	struct imgchange ch;

	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = 0;
	if (imgchange_parse(s, &ch))
		return 0;
	if (!ch.args || ch.args[ch.n])
		abort();
	for (int i = 0; i < ch.n; i++) {
		const char *eq = strchr(ch.args[i], '=');

		if ((ch.kind == CHANGE_ENV || ch.kind == CHANGE_LABEL) && (!eq || eq == ch.args[i]))
			abort();
		if (ch.kind == CHANGE_EXPOSE && !strchr(ch.args[i], '/'))
			abort();
	}
	imgchange_free(&ch);
	return 0;
}
