/* fuzz_authchallenge.c - libFuzzer target for core/regauth.c: the
 * WWW-Authenticate parser (an attacker's header), the token answer and
 * base64.
 *
 * Checks that what the parser returns is NUL-terminated inside its
 * buffers, and that base64 decodes what it encoded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "regauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct regauth_challenge ch[REGAUTH_MAX_CHALLENGES];
	char *s = malloc(size + 1), token[256], *enc, *dec;
	int64_t exp;
	long n;
	int count;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	count = regauth_parse(s, ch, REGAUTH_MAX_CHALLENGES);
	if (count > REGAUTH_MAX_CHALLENGES)
		abort();
	for (int i = 0; i < count; i++)
		if (!memchr(ch[i].scheme, 0, sizeof(ch[i].scheme)) ||
		    !memchr(ch[i].realm, 0, sizeof(ch[i].realm)) ||
		    !memchr(ch[i].service, 0, sizeof(ch[i].service)) ||
		    !memchr(ch[i].scope, 0, sizeof(ch[i].scope)) ||
		    !memchr(ch[i].error, 0, sizeof(ch[i].error)) || !ch[i].scheme[0])
			abort();
	if (!regauth_token_parse(s, size, token, sizeof(token), &exp) &&
	    (strpbrk(token, "\r\n") || exp < 0))
		abort();
	enc = malloc(BASE64_LEN(size) + 1);
	dec = malloc(size + 1);
	if (enc && dec) {
		base64_encode(data, size, enc);
		n = base64_decode(enc, dec, size + 1);
		if (n != (long)size || memcmp(dec, data, size))
			abort();
		base64_decode(s, dec, size + 1);
	}
	free(enc);
	free(dec);
	free(s);
	return 0;
}
