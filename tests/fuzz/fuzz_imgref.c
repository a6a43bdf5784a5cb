/* fuzz_imgref.c - libFuzzer target for core/imgref.c (and ref.c under it).
 *
 * The input, cut at the first NUL, is parsed as a reference; what parses
 * must give a local name that parses again as the same repository, and
 * fields that fit their buffers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imgref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[1024], name[REF_NAME_MAX + REF_TAG_MAX + 2];
	struct imgref r, again;

	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = 0;
	if (imgref_parse(s, &r))
		return 0;
	if (!r.path[0] || !r.host[0] || (!r.tag[0] && !r.digest[0]))
		abort();
	if (imgref_local_name(&r, name, sizeof(name)))
		return 0;
	if (imgref_parse(name, &again) || strcmp(again.path, r.path) ||
	    strcmp(again.host, r.host))
		abort();
	return 0;
}
