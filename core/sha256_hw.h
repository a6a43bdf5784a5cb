/* sha256_hw.h - SHA-256 block functions that use the CPU's instructions.
 *
 * core/digest.c does the buffering and padding; these only run the
 * compression function over whole 64-byte blocks. Each is compiled for
 * its instructions alone (a target attribute), so the rest of boxcar stays
 * baseline and the check happens at run time, once.
 */
#ifndef BOXCAR_SHA256_HW_H
#define BOXCAR_SHA256_HW_H

#include <stddef.h>
#include <stdint.h>

/* state: a..h, host order. p: n blocks of 64 bytes. */
typedef void sha256_blocks_fn(uint32_t state[8], const unsigned char *p, size_t n);

/* The round constants of FIPS 180-4, 4.2.2. */
extern const uint32_t sha256_k[64];

/* The block function for this CPU, or NULL if it has no SHA-256
 * instructions. SHA256_HW is 0 where boxcar knows none for the
 * architecture, so the code around them can be dropped at compile time. */
#if defined(__x86_64__)
#define SHA256_HW 1
sha256_blocks_fn *sha256_x86(void);
#define sha256_hw sha256_x86
#elif defined(__aarch64__)
#define SHA256_HW 1
sha256_blocks_fn *sha256_arm64(void);
#define sha256_hw sha256_arm64
#else
#define SHA256_HW 0
static inline sha256_blocks_fn *sha256_hw(void) { return NULL; }
#endif

#endif
