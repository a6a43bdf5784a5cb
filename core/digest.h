/* digest.h - SHA-256 content digests ("sha256:<64 hex>").
 *
 * Layers are named by two digests: of the compressed file (the blob) and
 * of the tar inside (the diff_id). The tee streams compute them while the
 * data flows, so importing or creating a layer reads it once:
 *   file -> digest_reader (blob) -> lz4frame_reader -> digest_reader
 *   (diff_id) -> tar.
 * Hashing is a large part of a pull's CPU time, so where the CPU has SHA-256
 * instructions (FEATURE_SHA_ASM, core/sha256_hw.h) they do the blocks and
 * this file the buffering; elsewhere BearSSL's portable code does it all.
 * Memory: each context is ~120 bytes, no heap.
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
	/* The CPU's block function, or NULL: u.br, BearSSL's portable code. */
	void (*hw)(uint32_t state[8], const unsigned char *p, size_t n);
	union {
		br_sha256_context br;
		struct {
			uint32_t state[8];
			uint64_t count; /* bytes */
			unsigned char buf[64];
		} own;
	} u;
};

void digest_init(struct digest *d);
void digest_update(struct digest *d, const void *buf, size_t n);
/* The sum of what was fed so far; d may go on being updated. */
void digest_final(const struct digest *d, unsigned char sum[DIGEST_LEN]);
/* One shot. */
void sha256(const void *buf, size_t n, unsigned char sum[DIGEST_LEN]);
/* For tests: 1 if contexts initialised from now on use the CPU's
 * instructions. digest_portable(1) makes them use BearSSL's code instead,
 * digest_portable(0) undoes it. */
int digest_hw(void);
void digest_portable(int on);

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
