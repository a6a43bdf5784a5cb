/* fuzz_x509san.c - libFuzzer target for tls_cert_has_ip() in core/tls.c:
 * the bounded DER walk to a certificate's iPAddress subjectAltNames, run
 * on the server's certificate when a registry is addressed by IP.
 *
 * Input: one byte (odd: IPv6, 16 address bytes follow; even: IPv4, 4),
 * the address, then the DER certificate. A match must be real: the
 * address bytes are in the certificate, after an [7] tag of their length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char tagged[18];
	size_t ip_len;
	unsigned char *der;
	int r;

	if (size < 1)
		return 0;
	ip_len = data[0] & 1 ? 16 : 4;
	if (size < 1 + ip_len)
		return 0;
	/* a copy of exactly the DER bytes, so ASan sees any read past them */
	der = malloc(size - 1 - ip_len + 1);
	if (!der)
		return 0;
	memcpy(der, data + 1 + ip_len, size - 1 - ip_len);
	r = tls_cert_has_ip(der, size - 1 - ip_len, data + 1, ip_len);
	if (r < -1 || r > 1)
		abort();
	tagged[0] = 0x87;
	tagged[1] = (unsigned char)ip_len;
	memcpy(tagged + 2, data + 1, ip_len);
	if (r == 1 && !memmem(der, size - 1 - ip_len, tagged, ip_len + 2))
		abort();
	free(der);
	return 0;
}
