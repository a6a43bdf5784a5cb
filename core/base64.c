/* base64.c - RFC 4648 base64 (see base64.h). */
#include <string.h>

#include "base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;

	for (; n >= 3; n -= 3, p += 3) {
		*out++ = alphabet[p[0] >> 2];
		*out++ = alphabet[(p[0] & 3) << 4 | p[1] >> 4];
		*out++ = alphabet[(p[1] & 15) << 2 | p[2] >> 6];
		*out++ = alphabet[p[2] & 63];
	}
	if (n) {
		*out++ = alphabet[p[0] >> 2];
		*out++ = alphabet[(p[0] & 3) << 4 | (n > 1 ? p[1] >> 4 : 0)];
		*out++ = n > 1 ? alphabet[(p[1] & 15) << 2] : '=';
		*out++ = '=';
	}
	*out = 0;
}

long base64_decode(const char *in, void *out, size_t cap)
{
	unsigned char *o = out;
	unsigned long acc = 0;
	size_t len = 0, pad = 0;
	int bits = 0;

	for (; *in; in++) {
		const char *c = strchr(alphabet, *in);

		if (*in == '=') {
			pad++;
			continue;
		}
		if (!c || pad)
			return -1; /* not base64, or data after padding */
		acc = (acc << 6 | (unsigned long)(c - alphabet)) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (len == cap)
				return -1;
			o[len++] = acc >> bits & 0xff;
		}
	}
	/* Leftover bits must be zero padding: 2 or 4 of them at most. */
	if (pad > 2 || bits >= 6 || (acc & ((1ul << bits) - 1)))
		return -1;
	return (long)len;
}
