/* digest.h - SHA-256 content digests ("sha256:<64 hex>"), over BearSSL.
 *
 * Layers are named by two digests: of the compressed file (the blob) and
 * of the tar inside (the diff_id). The tee streams compute them while the
 * data flows, so importing or creating a layer reads it once:
 *   file -> digest_reader (blob) -> lz4frame_reader -> digest_reader
 *   (diff_id) -> tar.
 * Memory: each context is ~110 bytes, no heap.
 */
#ifndef BOXCAR_DIGEST_H
#define BOXCAR_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl_hash.h>

#include "stream.h"

#define DIGEST_LEN 32
/* "sha256:" + 64 hex digits, without the NUL. */
#define DIGEST_STR_LEN 71

struct digest {
	br_sha256_context ctx;
};

void digest_init(struct digest *d);
void digest_update(struct digest *d, const void *buf, size_t n);
/* The sum of what was fed so far; d may go on being updated. */
void digest_final(const struct digest *d, unsigned char sum[DIGEST_LEN]);
/* One shot. */
void sha256(const void *buf, size_t n, unsigned char sum[DIGEST_LEN]);

/* "sha256:" + 64 lowercase hex digits, NUL-terminated. */
void digest_format(char out[DIGEST_STR_LEN + 1], const unsigned char sum[DIGEST_LEN]);
/* Parse exactly "sha256:" + 64 lowercase hex digits (what registries and
 * OCI send; anything else may be a path trick): 0, or -1 (EINVAL).
 * sum may be NULL to only validate. */
int digest_parse(const char *s, unsigned char sum[DIGEST_LEN]);

/* Hashes and counts what is read through it; does not own in. */
struct digest_reader {
	struct reader r;
	struct reader *in;
	struct digest d;
	uint64_t count;
};
void digest_reader_init(struct digest_reader *dr, struct reader *in);

/* Hashes and counts what is written through it, then passes it to out
 * (out may be NULL: a sink that only hashes). finish finishes out. */
struct digest_writer {
	struct writer w;
	struct writer *out;
	struct digest d;
	uint64_t count;
};
void digest_writer_init(struct digest_writer *dw, struct writer *out);

#endif
