/* sha256_arm64.c - SHA-256 blocks with the ARMv8 crypto extensions (see
 * sha256_hw.h).
 *
 * SHA256H and SHA256H2 run four rounds on the state as ABCD and EFGH (H2
 * needs the ABCD from before H); SHA256SU0 and SU1 compute the message
 * schedule four words at a time. The Arm ARM describes them; the kernel
 * says whether the CPU has them (HWCAP_SHA2).
 */
#if defined(__aarch64__)
#include <arm_neon.h>
#include <sys/auxv.h>

#include "sha256_hw.h"

#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6)
#endif

#define TARGET __attribute__((target("+crypto")))

TARGET static void blocks(uint32_t state[8], const unsigned char *p, size_t n)
{
	uint32x4_t abcd = vld1q_u32(state), efgh = vld1q_u32(state + 4);

	for (; n; n--, p += 64) {
		uint32x4_t w[4], save_abcd = abcd, save_efgh = efgh;

		/* Sixteen steps of four rounds; w holds the last 16 words of
		 * the schedule, w[i & 3] the oldest four. */
#pragma GCC unroll 16
		for (int i = 0; i < 16; i++) {
			uint32x4_t wk, prev = abcd;

			if (i < 4)
				w[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
			else
				w[i & 3] = vsha256su1q_u32(vsha256su0q_u32(w[i & 3], w[(i + 1) & 3]),
							   w[(i + 2) & 3], w[(i + 3) & 3]);
			wk = vaddq_u32(w[i & 3], vld1q_u32(&sha256_k[4 * i]));
			abcd = vsha256hq_u32(abcd, efgh, wk);
			efgh = vsha256h2q_u32(efgh, prev, wk);
		}
		abcd = vaddq_u32(abcd, save_abcd);
		efgh = vaddq_u32(efgh, save_efgh);
	}
	vst1q_u32(state, abcd);
	vst1q_u32(state + 4, efgh);
}

sha256_blocks_fn *sha256_arm64(void)
{
	return getauxval(AT_HWCAP) & HWCAP_SHA2 ? blocks : NULL;
}
#endif
