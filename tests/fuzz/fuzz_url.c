/* fuzz_url.c - libFuzzer target for core/url.c: the input as a URL, and as
 * a Location header resolved against a registry URL. Whatever is accepted
 * must come back out as a URL that parses, with a request target free of
 * spaces and control bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

static void check(const struct url *u)
{
	char host[URL_HOST_MAX + 8];

	for (size_t i = 0; i < u->target_len; i++)
		if ((unsigned char)u->target[i] <= 0x20 || (unsigned char)u->target[i] >= 0x7f)
			abort();
	if (u->port == 0 || !u->host[0])
		abort();
	url_authority(u, host, sizeof(host));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), out[URL_MAX];
	struct url u;

	memcpy(s, data, size);
	s[size] = 0;
	if (url_parse(&u, s) == 0)
		check(&u);
	if (url_resolve("https://registry.example:5000/v2/lib/x/blobs/sha256:ab?q=1", s, out,
			sizeof(out)) == 0) {
		if (url_parse(&u, out))
			abort();
		check(&u);
	}
	free(s);
	return 0;
}
