/* Unit tests for core/lz4frame.c: round trips across every buffer
 * boundary, what lz4(1) writes, and the ways a frame can be broken. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <lz4.h>

#include "applet.h"
#include "digest.h"
#include "err.h"
#include "lz4frame.h"
#include "stream.h"
#include "testio.h"
#include "unit.h"

/* `printf hello | lz4 -c` (lz4 1.9.4). */
static const unsigned char hello_lz4[] = {
	0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7, 0x05, 0x00, 0x00, 0x80, 0x68,
	0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x00, 0x00, 0x00, 0xf9, 0x77, 0x00, 0xfb,
};

/* 200000 bytes: text words, then a stretch of noise, then text again, so
 * there are compressed blocks, a stored block and a short last block. */
static unsigned char *fixed_data(size_t n)
{
	static const char *words[] = { "usr ", "lib ", "bin/", "etc/", "boxcar ", "layer\n",
				       "0644 ", "root ", "tar ", "x" };
	unsigned char *p = malloc(n);
	uint32_t s = 12345;

	for (size_t i = 0; i < n;) {
		s = s * 1103515245 + 12345;
		if (i >= 70000 && i < 140000) {
			p[i++] = s >> 16;
			continue;
		}
		const char *w = words[(s >> 16) % 10];
		for (size_t k = 0; w[k] && i < n; k++)
			p[i++] = w[k];
	}
	return p;
}

/* sha256 of what compress() made of fixed_data(200000) at level. */
static int compress(const unsigned char *data, size_t n, size_t piece, int level,
		    struct vec_writer *v);

static int frame_digest(int level, char hex[DIGEST_STR_LEN + 1])
{
	unsigned char *data = fixed_data(200000), sum[DIGEST_LEN];
	struct vec_writer z;
	int rc = compress(data, 200000, 7777, level, &z);

	if (!rc) {
		sha256(z.data, z.len, sum);
		digest_format(hex, sum);
	}
	vec_free(&z);
	free(data);
	return rc;
}

unsigned int LZ4_XXH32(const void *p, size_t n, unsigned int seed); /* in liblz4 */

static void put32(struct vec_writer *v, uint32_t x)
{
	unsigned char b[4] = { x, x >> 8, x >> 16, x >> 24 };

	v->w.write(&v->w, b, 4);
}

/* A frame as lz4(1) may write it and boxcar never does: blocks of
 * `block` bytes (a 256 KiB maximum), linked (each may refer into the 64
 * KiB before it) or not, with block checksums and the content size. */
static void odd_frame(const unsigned char *data, size_t n, size_t block, int linked,
		      struct vec_writer *v)
{
	unsigned char h[15] = { 0x04, 0x22, 0x4d, 0x18, 0x5c | (linked ? 0 : 0x20), 0x50 };
	LZ4_stream_t *st = LZ4_createStream();
	char *out = malloc(LZ4_compressBound(block));

	for (int i = 0; i < 8; i++)
		h[6 + i] = (uint64_t)n >> (8 * i);
	h[14] = LZ4_XXH32(h + 4, 10, 0) >> 8;
	vec_init(v);
	v->w.write(&v->w, h, sizeof(h));
	for (size_t off = 0; off < n; off += block) {
		size_t k = n - off < block ? n - off : block;
		int c;

		if (!linked)
			LZ4_resetStream_fast(st);
		/* the data stays put, so the stream may refer back into it */
		c = LZ4_compress_fast_continue(st, (const char *)data + off, out, k,
					       LZ4_compressBound(block), 1);
		put32(v, c);
		v->w.write(&v->w, out, c);
		put32(v, LZ4_XXH32(out, c, 0));
	}
	put32(v, 0);
	put32(v, LZ4_XXH32(data, n, 0));
	free(out);
	LZ4_freeStream(st);
}

/* Compress data into v, in writes of `piece` bytes. */
static int compress(const unsigned char *data, size_t n, size_t piece, int level,
		    struct vec_writer *v)
{
	struct lz4frame_writer lw;
	int rc = 0;

	vec_init(v);
	if (lz4frame_writer_init(&lw, &v->w, level))
		return -1;
	for (size_t off = 0; off < n && !rc; off += piece)
		rc = writer_write(&lw.w, data + off, n - off < piece ? n - off : piece);
	if (!rc)
		rc = writer_finish(&lw.w);
	writer_close(&lw.w);
	return rc;
}

/* Decompress in into out, the input arriving `inmax` bytes at a time and
 * read `ask` bytes at a time; 0 or -1 (err_msg() says why). */
static int decompress(const void *in, size_t len, size_t inmax, size_t ask,
		      struct vec_writer *out)
{
	struct mem_reader mr;
	struct chunk_reader cr;
	struct lz4frame_reader lr;
	int rc;

	vec_init(out);
	mem_reader_init(&mr, in, len);
	chunk_init(&cr, &mr.r, inmax);
	if (lz4frame_reader_init(&lr, &cr.r))
		return -1;
	rc = drain(&lr.r, out, ask);
	reader_close(&lr.r);
	return rc;
}

static int roundtrip(size_t n, int kind, size_t piece, size_t inmax, size_t ask, int level)
{
	unsigned char *data = make_data(n, kind);
	struct vec_writer z, out;
	int ok = 0;

	if (compress(data, n, piece, level, &z) == 0 &&
	    decompress(z.data, z.len, inmax, ask, &out) == 0)
		ok = out.len == n && (n == 0 || !memcmp(out.data, data, n));
	vec_free(&z);
	vec_free(&out);
	free(data);
	return ok;
}

int main(void)
{
	static const size_t sizes[] = { 0, 1, 100, 65535, 65536, 65537, 200001 };
	struct vec_writer z, z2, out;
	char name[128];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int kind = 0; kind < 2; kind++) {
			size_t n = sizes[i];
			const char *k = kind ? "text" : "random";

			snprintf(name, sizeof(name), "round trip %s %zu bytes", k, n);
			CHECK(name, roundtrip(n, kind, 1 << 20, 1 << 20, 65536, LZ4FRAME_FAST));
			snprintf(name, sizeof(name), "round trip %s %zu bytes, odd writes and reads", k, n);
			CHECK(name, roundtrip(n, kind, 4099, 1000, 777, LZ4FRAME_FAST));
			if (n > 65537) /* byte by byte is slow under QEMU */
				continue;
			snprintf(name, sizeof(name), "round trip %s %zu bytes, 1-byte reads", k, n);
			CHECK(name, roundtrip(n, kind, 65536, 1 << 20, 1, LZ4FRAME_FAST));
			snprintf(name, sizeof(name), "round trip %s %zu bytes, 1-byte input", k, n);
			CHECK(name, roundtrip(n, kind, 65536, 1, 65536, LZ4FRAME_FAST));
		}
	}
	if (ENABLED(FEATURE_LZ4_HC))
		CHECK("round trip HC", roundtrip(150000, 1, 65536, 65536, 65536, LZ4FRAME_HC));
	CHECK("round trip 3 MiB in one write", roundtrip(3 << 20, 1, 3 << 20, 65536, 65536, 0));

	/* What we write: 64 KiB independent blocks, content checksum. */
	unsigned char *text = make_data(100000, 1);
	CHECK("compress", compress(text, 100000, 100000, LZ4FRAME_FAST, &z) == 0);
	CHECK("sniff our frame", lz4frame_sniff(z.data, z.len));
	CHECK("FLG: v1, independent blocks, content checksum, no size", z.data[4] == 0x64);
	CHECK("BD: 64 KiB blocks", z.data[5] == 0x40);
	CHECK("text compresses", z.len < 100000 * 2 / 3);
	CHECK("writer finishes what it wraps", z.finished == 1);

	/* Byte for byte what liblz4's LZ4F wrote with our preferences (the
	 * digests were taken from it): a layer's digest is the sha256 of its
	 * archive, so the same tree must give the same bytes forever. */
	char hex[DIGEST_STR_LEN + 1];
	CHECK("fast frame is what LZ4F wrote", frame_digest(LZ4FRAME_FAST, hex) == 0);
	CHECK_STR("fast frame digest", hex,
		  "sha256:8f56264a0d84966226d3439388d6dabc1d2b0d47349289842d0589d413f7b600");
	if (ENABLED(FEATURE_LZ4_HC)) {
		CHECK("HC frame is what LZ4F wrote", frame_digest(LZ4FRAME_HC, hex) == 0);
		CHECK_STR("HC frame digest", hex,
			  "sha256:35d542b933db47440655919e9d26a1dabf2108471607d9e59760f534b89f03e8");
	} else {
		CHECK("HC is refused without FEATURE_LZ4_HC",
		      frame_digest(LZ4FRAME_HC, hex) == -1 && err_errno() == EINVAL);
	}

	/* Corruption. */
	unsigned char *bad = malloc(z.len + 8);
	memcpy(bad, z.data, z.len);
	bad[0] ^= 1;
	CHECK("bad magic fails", decompress(bad, z.len, 65536, 65536, &out) == -1);
	CHECK_STR("bad magic message", err_msg(), "not an LZ4 frame (bad magic)");
	vec_free(&out);

	memcpy(bad, z.data, z.len);
	bad[6] ^= 0x40;
	CHECK("bad header checksum fails", decompress(bad, z.len, 65536, 65536, &out) == -1 &&
	      err_errno() == EBADMSG);
	vec_free(&out);

	memcpy(bad, z.data, z.len);
	bad[5] = 0x70 | 0x08;
	CHECK("reserved BD bit fails", decompress(bad, z.len, 65536, 65536, &out) == -1);
	vec_free(&out);

	/* Random data is stored, not compressed: a flipped byte decodes,
	 * and only the content checksum can catch it. */
	unsigned char *rnd = make_data(5000, 0);
	struct vec_writer zr;
	CHECK("compress random", compress(rnd, 5000, 5000, LZ4FRAME_FAST, &zr) == 0);
	zr.data[3000] ^= 0x10;
	CHECK("flipped byte fails", decompress(zr.data, zr.len, 65536, 65536, &out) == -1);
	CHECK_STR("flipped byte is a checksum error", err_msg(), "LZ4 content checksum mismatch");
	vec_free(&out);
	zr.data[3000] ^= 0x10;
	zr.data[zr.len - 1] ^= 1;
	CHECK("flipped checksum fails", decompress(zr.data, zr.len, 65536, 65536, &out) == -1);
	CHECK_STR("flipped checksum message", err_msg(), "LZ4 content checksum mismatch");
	vec_free(&out);
	zr.data[zr.len - 1] ^= 1;

	/* A flipped byte in compressed text corrupts the LZ4 sequences; in
	 * repetitive text a changed match offset may still copy the same
	 * bytes, so "caught" means: an error, or exactly the right data. */
	int silent = 0;
	for (size_t at = 7; at < z.len; at += 97) {
		memcpy(bad, z.data, z.len);
		bad[at] ^= 0x55;
		if (decompress(bad, z.len, 65536, 65536, &out) == 0 &&
		    (out.len != 100000 || memcmp(out.data, text, 100000)))
			silent++;
		vec_free(&out);
	}
	CHECK("no flipped byte in compressed data goes unnoticed", silent == 0);

	/* Truncation: a frame is whole or an error. */
	/* Every cut in the header, block header and trailer; a sample of
	 * the block body, to keep the test quick under QEMU. */
	int cuts_ok = 1;
	for (size_t cut = 1; cut < zr.len; cut += cut < 64 || cut + 16 >= zr.len ? 1 : 37) {
		if (decompress(zr.data, cut, 1 << 20, 65536, &out) != -1 ||
		    strcmp(err_msg(), "truncated LZ4 frame"))
			cuts_ok = 0;
		vec_free(&out);
	}
	CHECK("truncated at many cut points fails", cuts_ok);
	cuts_ok = 1;
	for (size_t cut = 1; cut < z.len; cut += 101) {
		if (decompress(z.data, cut, 333, 7, &out) != -1 ||
		    strcmp(err_msg(), "truncated LZ4 frame"))
			cuts_ok = 0;
		vec_free(&out);
	}
	CHECK("truncated text, small reads, fails", cuts_ok);
	CHECK("empty input fails", decompress("", 0, 1, 1, &out) == -1);
	CHECK_STR("empty input message", err_msg(), "empty input: no LZ4 frame");
	vec_free(&out);

	/* Concatenated frames read as one stream, like lz4 -dc. */
	unsigned char *two = malloc(z.len + zr.len + 8);
	memcpy(two, z.data, z.len);
	memcpy(two + z.len, zr.data, zr.len);
	CHECK("concatenated frames", decompress(two, z.len + zr.len, 4096, 1000, &out) == 0 &&
	      out.len == 105000 && !memcmp(out.data, text, 100000) &&
	      !memcmp(out.data + 100000, rnd, 5000));
	vec_free(&out);
	CHECK("concatenated frames, cut in the second", decompress(two, z.len + 10, 4096, 1000, &out) == -1);
	CHECK_STR("cut in the second frame message", err_msg(), "truncated LZ4 frame");
	vec_free(&out);
	memcpy(two + z.len, "junk", 4);
	CHECK("trailing garbage fails", decompress(two, z.len + 4, 4096, 1000, &out) == -1);
	CHECK_STR("trailing garbage message", err_msg(), "trailing garbage after LZ4 frame");
	vec_free(&out);
	memset(two + z.len, 0, 4);
	CHECK("trailing zeros fail", decompress(two, z.len + 4, 4096, 1000, &out) == -1);
	CHECK_STR("trailing zeros message", err_msg(), "trailing garbage after LZ4 frame");
	vec_free(&out);
	CHECK("garbage alone fails", decompress("junk", 4, 4096, 1000, &out) == -1);
	CHECK_STR("garbage alone message", err_msg(), "not an LZ4 frame (bad magic)");
	vec_free(&out);

	/* A skippable frame (magic 184D2A5x) in between is skipped. */
	static const unsigned char skip[] = { 0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'x', 'y', 'z' };
	memcpy(two, zr.data, zr.len);
	memcpy(two + zr.len, skip, sizeof(skip));
	CHECK("skippable frame is skipped", decompress(two, zr.len + sizeof(skip), 5, 3, &out) == 0 &&
	      out.len == 5000 && !memcmp(out.data, rnd, 5000));
	vec_free(&out);

	/* lz4(1) writes linked blocks of 4 MiB by default. */
	CHECK("reads lz4(1) output", decompress(hello_lz4, sizeof(hello_lz4), 1, 1, &out) == 0 &&
	      out.len == 5 && !memcmp(out.data, "hello", 5));
	vec_free(&out);

	/* What else the format has: linked blocks, block checksums, the
	 * content size, blocks of more than 64 KiB. */
	unsigned char *long_text = make_data(600000, 1);
	for (int linked = 0; linked < 2; linked++) {
		odd_frame(long_text, 600000, 200000, linked, &z2);
		snprintf(name, sizeof(name), "%s 200 KB blocks, checksums, size",
			 linked ? "linked" : "independent");
		CHECK(name, decompress(z2.data, z2.len, 70000, 4096, &out) == 0 &&
		      out.len == 600000 && !memcmp(out.data, long_text, 600000));
		vec_free(&out);
		if (linked) {
			/* a block checksum that does not match */
			z2.data[z2.len - 9] ^= 1;
			CHECK("bad block checksum fails", decompress(z2.data, z2.len, 1 << 20, 65536, &out) == -1);
			CHECK_STR("bad block checksum message", err_msg(),
				  "corrupt LZ4 frame: blockChecksum_invalid");
			vec_free(&out);
			z2.data[z2.len - 9] ^= 1;
			/* a content size that is one byte off */
			z2.data[6] ^= 1;
			z2.data[14] = LZ4_XXH32(z2.data + 4, 10, 0) >> 8;
			CHECK("wrong content size fails", decompress(z2.data, z2.len, 1 << 20, 65536, &out) == -1);
			CHECK_STR("wrong content size message", err_msg(), "corrupt LZ4 frame: frameSize_wrong");
			vec_free(&out);
		}
		vec_free(&z2);
	}
	free(long_text);

	/* An empty frame is valid: no data, no error. */
	CHECK("empty frame", compress(NULL, 0, 1, 0, &out) == 0);
	struct vec_writer back;
	CHECK("empty frame reads as no data", decompress(out.data, out.len, 1, 1, &back) == 0 &&
	      back.len == 0);
	vec_free(&back);
	vec_free(&out);

	/* Errors stick: reading on after one keeps failing. */
	struct mem_reader mr;
	struct lz4frame_reader lr;
	unsigned char buf[64];
	mem_reader_init(&mr, zr.data, 20);
	CHECK("reader init", lz4frame_reader_init(&lr, &mr.r) == 0);
	while (reader_read(&lr.r, buf, sizeof(buf)) > 0)
		;
	CHECK("error sticks", reader_read(&lr.r, buf, sizeof(buf)) == -1);
	reader_close(&lr.r);
	reader_close(&lr.r);

	/* The writer passes on its output's errors, then refuses more. */
	struct full_writer fw;
	struct lz4frame_writer lw;
	full_init(&fw, 0);
	CHECK("writer init fails when the header cannot be written",
	      lz4frame_writer_init(&lw, &fw.w, 0) == -1 && err_errno() == ENOSPC);
	full_init(&fw, 1000);
	CHECK("writer init", lz4frame_writer_init(&lw, &fw.w, 0) == 0);
	CHECK("write error passes up", (writer_write(&lw.w, rnd, 5000) ||
					writer_finish(&lw.w)) && err_errno() == ENOSPC);
	CHECK("writer refuses after an error", writer_write(&lw.w, "x", 1) == -1);
	writer_close(&lw.w);

	vec_init(&out);
	CHECK("writer init", lz4frame_writer_init(&lw, &out.w, 0) == 0);
	CHECK("finish twice", writer_finish(&lw.w) == 0 && writer_finish(&lw.w) == 0 &&
	      out.finished == 1);
	CHECK("write after finish fails", writer_write(&lw.w, "x", 1) == -1);
	writer_close(&lw.w);
	vec_free(&out);

	CHECK("sniff", lz4frame_sniff("\x04\x22\x4d\x18", 4) && !lz4frame_sniff("\x04\x22\x4d", 3) &&
	      !lz4frame_sniff("\x1f\x8b\x08\x00", 4));

	free(two);
	free(bad);
	free(rnd);
	free(text);
	vec_free(&z);
	vec_free(&zr);
	return UNIT_DONE();
}
