/* Unit tests for core/digest.c: SHA-256 vectors (FIPS 180-2), digest
 * strings, and the tee streams. */
#include <errno.h>
#include <stdlib.h>

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

#define EMPTY_SHA "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC_SHA "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define MILLION_A_SHA "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

int main(void)
{
	static const char msg448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	struct digest d;
	unsigned char sum[DIGEST_LEN], back[DIGEST_LEN];
	char s[DIGEST_STR_LEN + 1];

	CHECK_STR("sha256 empty", hex("", 0), EMPTY_SHA);
	CHECK_STR("sha256 abc", hex("abc", 3), ABC_SHA);
	CHECK_STR("sha256 448 bits", hex(msg448, 56),
		  "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

	/* A million 'a's, fed in uneven pieces. */
	char a[1000];
	memset(a, 'a', sizeof(a));
	digest_init(&d);
	for (size_t done = 0, k = 1; done < 1000000; k = k % 997 + 1) {
		size_t n = 1000000 - done < k ? 1000000 - done : k;
		digest_update(&d, a, n);
		done += n;
	}
	CHECK_STR("sha256 a million a, incremental", ctx_hex(&d), MILLION_A_SHA);

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
