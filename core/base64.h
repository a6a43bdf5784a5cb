/* base64.h - RFC 4648 base64 with padding, for HTTP Basic credentials and
 * the "auth" fields of Docker's config.json. */
#ifndef BOXCAR_BASE64_H
#define BOXCAR_BASE64_H

#include <stddef.h>

/* Encoded length of n bytes, without the NUL. */
#define BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* Encode n bytes into out (BASE64_LEN(n) + 1 bytes, NUL-terminated). */
void base64_encode(const void *in, size_t n, char *out);
/* Decode a NUL-terminated string into out (cap bytes): the length, or -1
 * on a character outside the alphabet, bad padding or overflow. Padding
 * may be left out, as some tools do. */
long base64_decode(const char *in, void *out, size_t cap);

#endif
