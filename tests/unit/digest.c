/* Unit tests for core/digest.c: SHA-256 vectors (FIPS 180-2) and lengths
 * against BearSSL, on both paths (the CPU's instructions and BearSSL's
 * portable code), digest strings, and the tee streams. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "applet.h"
#include "digest.h"
#include "err.h"
#include "stream.h"
#include "testio.h"
#include "unit.h"

static const char *hex(const void *buf, size_t n)
{
	static char s[DIGEST_STR_LEN + 1];
	unsigned char sum[DIGEST_LEN];

	sha256(buf, n, sum);
	digest_format(s, sum);
	return s;
}

static const char *ctx_hex(const struct digest *d)
{
	static char s[DIGEST_STR_LEN + 1];
	unsigned char sum[DIGEST_LEN];

	digest_final(d, sum);
	digest_format(s, sum);
	return s;
}

/* Where core/sha256_hw.h has a block function. */
#if defined(__x86_64__) || defined(__aarch64__)
#define HW_ARCH 1
#else
#define HW_ARCH 0
#endif

#define EMPTY_SHA "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC_SHA "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define MILLION_A_SHA "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

/* Does the CPU say it has SHA-256 instructions? Asked of the kernel, not
 * of the code under test, so a broken detection fails. */
static int cpu_has_sha(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	int yes = 0;

	if (!f)
		return -1;
	while (!yes && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "flags", 5))                 /* x86 */
			yes = strstr(line, " sha_ni") != NULL;
		else if (!strncmp(line, "Features", 8))         /* arm64 */
			yes = strstr(line, " sha2") != NULL;
	}
	fclose(f);
	return yes;
}

static void vectors(const char *path)
{
	static const char msg448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char name[80], a[1000];
	struct digest d;

	snprintf(name, sizeof(name), "%s: sha256 empty", path);
	CHECK_STR(name, hex("", 0), EMPTY_SHA);
	snprintf(name, sizeof(name), "%s: sha256 abc", path);
	CHECK_STR(name, hex("abc", 3), ABC_SHA);
	snprintf(name, sizeof(name), "%s: sha256 448 bits", path);
	CHECK_STR(name, hex(msg448, 56),
		  "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

	/* A million 'a's, fed in uneven pieces. */
	memset(a, 'a', sizeof(a));
	digest_init(&d);
	for (size_t done = 0, k = 1; done < 1000000; k = k % 997 + 1) {
		size_t n = 1000000 - done < k ? 1000000 - done : k;
		digest_update(&d, a, n);
		done += n;
	}
	snprintf(name, sizeof(name), "%s: sha256 a million a, incremental", path);
	CHECK_STR(name, ctx_hex(&d), MILLION_A_SHA);

	/* Every length around the padding boundaries (55/56/64) and a few
	 * blocks, in one piece and split in two at every point, against
	 * BearSSL's one-context sum. */
	unsigned char *data = make_data(300, 1), sum[DIGEST_LEN], want[DIGEST_LEN];
	int bad_len = -1, bad_split = -1;
	for (size_t n = 0; n <= 300; n++) {
		br_sha256_context bc;

		br_sha256_init(&bc);
		br_sha256_update(&bc, data, n);
		br_sha256_out(&bc, want);
		sha256(data, n, sum);
		if (memcmp(sum, want, DIGEST_LEN) && bad_len < 0)
			bad_len = n;
		for (size_t cut = 0; cut <= n; cut++) {
			digest_init(&d);
			digest_update(&d, data, cut);
			digest_update(&d, data + cut, n - cut);
			digest_final(&d, sum);
			if (memcmp(sum, want, DIGEST_LEN) && bad_split < 0)
				bad_split = n;
		}
	}
	snprintf(name, sizeof(name), "%s: lengths 0..300 as BearSSL", path);
	CHECK(name, bad_len == -1);
	snprintf(name, sizeof(name), "%s: lengths 0..300 split anywhere", path);
	CHECK(name, bad_split == -1);

	/* Odd pieces: 1, 63, 64, 65, 127... bytes on a 200,000-byte input. */
	free(data);
	data = make_data(200000, 2);
	br_sha256_context bc;
	br_sha256_init(&bc);
	br_sha256_update(&bc, data, 200000);
	br_sha256_out(&bc, want);
	static const size_t pieces[] = { 1, 63, 64, 65, 127, 128, 129, 4095, 65536, 3 };
	digest_init(&d);
	for (size_t done = 0, i = 0; done < 200000; i = (i + 1) % 10) {
		size_t n = 200000 - done < pieces[i] ? 200000 - done : pieces[i];
		digest_update(&d, data + done, n);
		done += n;
	}
	digest_final(&d, sum);
	snprintf(name, sizeof(name), "%s: odd pieces as BearSSL", path);
	CHECK(name, !memcmp(sum, want, DIGEST_LEN));
	free(data);
}

int main(void)
{
	struct digest d;
	unsigned char sum[DIGEST_LEN], back[DIGEST_LEN];
	char s[DIGEST_STR_LEN + 1];
	int has = cpu_has_sha();

	/* The fast path must be taken where it can be, or it goes untested. */
	if (!ENABLED(FEATURE_SHA_ASM) || has < 0 || !HW_ARCH)
		printf("SKIPPED: the CPU's SHA-256 instructions are used when present\n");
	else
		CHECK(has ? "the CPU's SHA-256 instructions are used" :
		      "no SHA-256 instructions, portable code", digest_hw() == has);
	vectors(digest_hw() ? "instructions" : "portable");
	digest_portable(1);
	CHECK("digest_portable(1) turns the instructions off", !digest_hw());
	vectors("portable");
	digest_portable(0);

	digest_init(&d);
	digest_update(&d, "a", 1);
	ctx_hex(&d);
	digest_update(&d, "bc", 2);
	CHECK_STR("digest_final does not end the context", ctx_hex(&d), ABC_SHA);

	/* Strings. */
	sha256("abc", 3, sum);
	digest_format(s, sum);
	CHECK("format length", strlen(s) == DIGEST_STR_LEN);
	CHECK("parse what format wrote", digest_parse(s, back) == 0 && !memcmp(sum, back, DIGEST_LEN));
	CHECK("parse validates without output", digest_parse(ABC_SHA, NULL) == 0);
	static const char *bad[] = {
		"",
		"sha256:",
		"sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0",
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag",
		"sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"SHA256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"sha256:../../../../etc/passwd/../../../../../../../../../../../../../../..",
		" sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a\n",
	};
	int rejected = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		rejected += digest_parse(bad[i], back) == -1 && err_errno() == EINVAL;
	CHECK("parse rejects all bad digests", rejected == (int)(sizeof(bad) / sizeof(bad[0])));
	digest_parse("sha256:x", NULL);
	CHECK_STR("parse error message", err_msg(),
		  "bad digest 'sha256:x' (want sha256:<64 lowercase hex>)");

	/* Tee reader: same digest and count whatever the read sizes. */
	size_t n = 200000;
	unsigned char *data = make_data(n, 0);
	unsigned char want[DIGEST_LEN];
	sha256(data, n, want);
	static const size_t asks[] = { 1, 63, 4096, 65536 };
	for (size_t i = 0; i < 4; i++) {
		struct mem_reader mr;
		struct digest_reader dr;
		struct vec_writer v;

		mem_reader_init(&mr, data, n);
		digest_reader_init(&dr, &mr.r);
		vec_init(&v);
		int rc = drain(&dr.r, &v, asks[i]);
		digest_final(&dr.d, sum);
		CHECK("digest_reader hashes and counts", rc == 0 && dr.count == n && v.len == n &&
		      !memcmp(sum, want, DIGEST_LEN) && !memcmp(v.data, data, n));
		vec_free(&v);
	}

	/* Tee writer, passing through and as a plain sink. */
	struct vec_writer v;
	struct digest_writer dw, sink;
	struct mem_reader mr;
	vec_init(&v);
	digest_writer_init(&dw, &v.w);
	mem_reader_init(&mr, data, n);
	CHECK("digest_writer copy", stream_copy(&mr.r, &dw.w) == (int64_t)n);
	CHECK("digest_writer finishes what it wraps", writer_finish(&dw.w) == 0 && v.finished == 1);
	digest_final(&dw.d, sum);
	CHECK("digest_writer hashes, counts, passes on", dw.count == n && v.len == n &&
	      !memcmp(v.data, data, n) && !memcmp(sum, want, DIGEST_LEN));
	vec_free(&v);
	digest_writer_init(&sink, NULL);
	CHECK("digest_writer sink", writer_write(&sink.w, "ab", 2) == 0 &&
	      writer_write(&sink.w, "c", 1) == 0 && writer_finish(&sink.w) == 0 && sink.count == 3);
	CHECK_STR("digest_writer sink sum", ctx_hex(&sink.d), ABC_SHA);

	struct full_writer fw;
	full_init(&fw, 10);
	digest_writer_init(&dw, &fw.w);
	CHECK("digest_writer passes errors", writer_write(&dw.w, data, 11) == -1 && dw.count == 0);
	free(data);
	return UNIT_DONE();
}
