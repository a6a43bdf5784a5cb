/* Unit tests for core/gzip.c: members made with zlib, several members in
 * a row, and cut or damaged streams. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "err.h"
#include "gzip.h"
#include "stream.h"
#include "testio.h"
#include "unit.h"

#if CONFIG_FEATURE_GZIP
#include <zlib.h>

/* `printf 'hello, gzip\n' | gzip -n -9` */
static const unsigned char hello_gz[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0x48,
	0xcd, 0xc9, 0xc9, 0xd7, 0x51, 0x48, 0xaf, 0xca, 0x2c, 0xe0, 0x02, 0x00,
	0x86, 0x1f, 0x82, 0xa4, 0x0c, 0x00, 0x00, 0x00,
};

/* One gzip member of data, appended to v. */
static int gz_member(const unsigned char *data, size_t n, struct vec_writer *v)
{
	z_stream zs;
	unsigned char out[65536];
	int rc;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	zs.next_in = (unsigned char *)data;
	zs.avail_in = n;
	do {
		zs.next_out = out;
		zs.avail_out = sizeof(out);
		rc = deflate(&zs, Z_FINISH);
		vec_write(&v->w, out, sizeof(out) - zs.avail_out);
	} while (rc == Z_OK);
	deflateEnd(&zs);
	return rc == Z_STREAM_END ? 0 : -1;
}

static int gunzip(const void *in, size_t len, size_t inmax, size_t ask, struct vec_writer *out)
{
	struct mem_reader mr;
	struct chunk_reader cr;
	struct gzip_reader gz;
	int rc;

	vec_init(out);
	mem_reader_init(&mr, in, len);
	chunk_init(&cr, &mr.r, inmax);
	if (gzip_reader_init(&gz, &cr.r))
		return -1;
	rc = drain(&gz.r, out, ask);
	reader_close(&gz.r);
	return rc;
}

static int roundtrip(size_t n, int kind, size_t inmax, size_t ask)
{
	unsigned char *data = make_data(n, kind);
	struct vec_writer z, out;
	int ok = 0;

	vec_init(&z);
	if (gz_member(data, n, &z) == 0 && gunzip(z.data, z.len, inmax, ask, &out) == 0)
		ok = out.len == n && (n == 0 || !memcmp(out.data, data, n));
	vec_free(&z);
	vec_free(&out);
	free(data);
	return ok;
}

int main(void)
{
	static const size_t sizes[] = { 0, 1, 32767, 32768, 100000 };
	struct vec_writer z, out;
	char name[128];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (int kind = 0; kind < 2; kind++) {
			const char *k = kind ? "text" : "random";

			snprintf(name, sizeof(name), "gunzip %s %zu bytes", k, sizes[i]);
			CHECK(name, roundtrip(sizes[i], kind, 1 << 20, 65536));
			snprintf(name, sizeof(name), "gunzip %s %zu bytes, 1-byte reads", k, sizes[i]);
			CHECK(name, roundtrip(sizes[i], kind, 1000, 1));
			snprintf(name, sizeof(name), "gunzip %s %zu bytes, 1-byte input", k, sizes[i]);
			CHECK(name, roundtrip(sizes[i], kind, 1, 4096));
		}

	CHECK("reads gzip(1) output", gunzip(hello_gz, sizeof(hello_gz), 3, 5, &out) == 0 &&
	      out.len == 12 && !memcmp(out.data, "hello, gzip\n", 12));
	vec_free(&out);
	CHECK("sniff", gzip_sniff(hello_gz, 2) && !gzip_sniff(hello_gz, 1) &&
	      !gzip_sniff("\x04\x22\x4d\x18", 4));

	/* Several members, as pigz and concatenated files make. */
	unsigned char *text = make_data(50000, 1), *rnd = make_data(3000, 0);
	vec_init(&z);
	gz_member(text, 50000, &z);
	size_t first = z.len;
	gz_member(NULL, 0, &z);
	gz_member(rnd, 3000, &z);
	CHECK("multi-member stream", gunzip(z.data, z.len, 777, 1000, &out) == 0 &&
	      out.len == 53000 && !memcmp(out.data, text, 50000) &&
	      !memcmp(out.data + 50000, rnd, 3000));
	vec_free(&out);

	int cuts_ok = 1;
	for (size_t cut = 1; cut < z.len; cut += cut < 40 ? 1 : 29) {
		if (cut == first || cut == first + 20) /* whole members: fine */
			continue;
		if (gunzip(z.data, cut, 1 << 20, 4096, &out) != -1 ||
		    (strcmp(err_msg(), "truncated gzip stream") &&
		     strncmp(err_msg(), "corrupt gzip data", 17)))
			cuts_ok = 0;
		vec_free(&out);
	}
	CHECK("truncated at many cut points fails", cuts_ok);
	CHECK("cut after a member is a clean end", gunzip(z.data, first, 1 << 20, 4096, &out) == 0 &&
	      out.len == 50000);
	vec_free(&out);
	CHECK("truncated trailer", gunzip(hello_gz, sizeof(hello_gz) - 1, 1, 1, &out) == -1);
	CHECK_STR("truncated message", err_msg(), "truncated gzip stream");
	vec_free(&out);

	unsigned char bad[sizeof(hello_gz) + 16];
	memcpy(bad, hello_gz, sizeof(hello_gz));
	bad[sizeof(hello_gz) - 6] ^= 1;
	CHECK("bad CRC fails", gunzip(bad, sizeof(hello_gz), 1 << 20, 4096, &out) == -1 &&
	      err_errno() == EBADMSG);
	CHECK_STR("bad CRC message", err_msg(), "corrupt gzip data: incorrect data check");
	vec_free(&out);

	memcpy(bad, hello_gz, sizeof(hello_gz));
	memcpy(bad + sizeof(hello_gz), "junk", 4);
	CHECK("trailing garbage fails", gunzip(bad, sizeof(hello_gz) + 4, 1 << 20, 4096, &out) == -1);
	CHECK_STR("trailing garbage message", err_msg(), "trailing garbage after gzip member");
	vec_free(&out);
	memcpy(bad + sizeof(hello_gz), "\x1f\x8b\x08", 3);
	CHECK("a cut second member fails", gunzip(bad, sizeof(hello_gz) + 3, 1 << 20, 4096, &out) == -1);
	CHECK_STR("a cut second member message", err_msg(), "truncated gzip stream");
	vec_free(&out);
	memcpy(bad + sizeof(hello_gz), "\x1f\x8c\x08\x00\x00\x00\x00\x00\x00\x03", 10);
	CHECK("bad second magic fails", gunzip(bad, sizeof(hello_gz) + 10, 1 << 20, 4096, &out) == -1);
	vec_free(&out);

	CHECK("bad magic fails", gunzip("PK\x03\x04", 4, 1 << 20, 4096, &out) == -1);
	CHECK_STR("bad magic message", err_msg(), "not gzip data (bad magic)");
	vec_free(&out);
	CHECK("zlib (not gzip) data fails", gunzip("\x78\x9c\x03\x00\x00\x00\x00\x01", 8, 1 << 20,
						    4096, &out) == -1);
	vec_free(&out);
	CHECK("empty input fails", gunzip("", 0, 1, 1, &out) == -1);
	CHECK_STR("empty input message", err_msg(), "empty input: no gzip data");
	vec_free(&out);

	/* Errors stick. */
	struct mem_reader mr;
	struct gzip_reader gz;
	unsigned char buf[64];
	mem_reader_init(&mr, hello_gz, 20);
	CHECK("reader init", gzip_reader_init(&gz, &mr.r) == 0);
	while (reader_read(&gz.r, buf, sizeof(buf)) > 0)
		;
	CHECK("error sticks", reader_read(&gz.r, buf, sizeof(buf)) == -1);
	reader_close(&gz.r);
	reader_close(&gz.r);

	vec_free(&z);
	free(text);
	free(rnd);
	return UNIT_DONE();
}

#else

int main(void)
{
	struct mem_reader mr;
	struct gzip_reader gz;

	mem_reader_init(&mr, "", 0);
	CHECK("without FEATURE_GZIP init fails", gzip_reader_init(&gz, &mr.r) == -1 &&
	      err_errno() == ENOTSUP);
	CHECK("sniff", gzip_sniff("\x1f\x8b", 2));
	printf("SKIPPED: gzip streams (FEATURE_GZIP is off)\n");
	return UNIT_DONE();
}

#endif
