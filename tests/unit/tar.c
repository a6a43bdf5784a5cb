/* Unit tests for core/tar.c: numeric fields, checksums, pax records,
 * and a header written then read back. */
#include <stdint.h>

#include "err.h"
#include "stream.h"
#include "tar.h"
#include "unit.h"

struct mem_writer {
	struct writer w;
	unsigned char buf[8192];
	size_t len;
};

static int mem_write(struct writer *w, const void *p, size_t n)
{
	struct mem_writer *m = (struct mem_writer *)w;

	if (n > sizeof(m->buf) - m->len)
		return -1;
	memcpy(m->buf + m->len, p, n);
	m->len += n;
	return 0;
}

int main(void)
{
	unsigned char f[12], b[TAR_BLOCK];
	int64_t v;

	CHECK("octal", tar_parse_num((const unsigned char *)"0000644\0", 8, &v) == 0 && v == 0644);
	CHECK("octal with spaces", tar_parse_num((const unsigned char *)"  644 \0\0", 8, &v) == 0 && v == 0644);
	CHECK("empty field is 0", tar_parse_num((const unsigned char *)"\0\0\0\0\0\0\0\0", 8, &v) == 0 && v == 0);
	CHECK("garbage refused", tar_parse_num((const unsigned char *)"12x4\0\0\0\0", 8, &v) < 0);
	CHECK("all 12 digits", tar_parse_num((const unsigned char *)"777777777777", 12, &v) == 0 &&
	      v == 0777777777777LL);
	CHECK("put octal", tar_put_num(f, 8, 0755) == 0 && !memcmp(f, "0000755", 8));
	CHECK("8 GiB goes base-256", tar_put_num(f, 12, (int64_t)1 << 33) == 0 && f[0] == 0x80 &&
	      tar_parse_num(f, 12, &v) == 0 && v == (int64_t)1 << 33);
	CHECK("base-256 negative", tar_put_num(f, 12, -5) == 0 && f[0] == 0xff &&
	      tar_parse_num(f, 12, &v) == 0 && v == -5);
	CHECK("uid over 2097151 in base-256", tar_put_num(f, 8, 4000000000LL) == 0 &&
	      tar_parse_num(f, 8, &v) == 0 && v == 4000000000LL);
	memset(f, 0xff, 12);
	f[0] = 0x80;
	CHECK("base-256 overflow refused", tar_parse_num(f, 12, &v) < 0);

	memset(b, 0, sizeof(b));
	memcpy(b, "file", 4);
	memcpy(b + 257, "ustar\0" "00", 8);
	tar_checksum_set(b);
	CHECK("checksum round trip", tar_checksum_ok(b));
	b[0] ^= 1;
	CHECK("checksum catches a flipped bit", !tar_checksum_ok(b));
	b[0] ^= 1;
	b[10] = 0xe9; /* a high byte: the signed sum differs */
	unsigned s = 0;
	for (int i = 0; i < TAR_BLOCK; i++)
		s += (i >= 148 && i < 156) ? ' ' : (unsigned)(signed char)b[i];
	snprintf((char *)b + 148, 8, "%06o", s & 0777777);
	CHECK("signed checksum accepted", tar_checksum_ok(b));

	char pax[64];
	size_t pos = 0;
	CHECK("pax record", tar_pax_record(pax, sizeof(pax), &pos, "path", "abc", 3) == 0 &&
	      pos == 12 && !memcmp(pax, "12 path=abc\n", 12));
	pos = 0;
	char val[90];
	memset(val, 'x', sizeof(val));
	CHECK("pax record length counts its own digits",
	      tar_pax_record(pax, sizeof(pax), &pos, "k", val, 57) == 0 && pos == 63 &&
	      !memcmp(pax, "63 k=", 5));
	pos = 0;
	CHECK("pax record too big for buffer", tar_pax_record(pax, sizeof(pax), &pos, "k", val, 90) < 0);

	/* write an entry that needs pax (long name, big uid, fraction) and read it back */
	static struct tar_entry e, *r;
	struct mem_writer mw = { .w = { mem_write, NULL, NULL } };
	memset(e.path, 'n', 200);
	e.path[100] = '\0';
	strcat(e.path, "/");
	memset(e.path + 101, 'm', 120);
	e.path[221] = '\0';
	strcpy(e.link, "");
	e.type = TAR_REG;
	e.mode = 04755;
	e.uid = 3000000;
	e.gid = 7;
	e.size = 3;
	e.mtime = 1234567890;
	e.mtime_nsec = 500000000;
	tar_xattr_add(&e, "user.a", "b\0c", 3);
	CHECK("write header", tar_write_header(&mw.w, &e) == 0 && mem_write(&mw.w, "abc", 3) == 0 &&
	      tar_write_pad(&mw.w, 3) == 0 && tar_write_end(&mw.w) == 0);
	struct mem_reader mr;
	struct tar_reader t;
	char data[8] = { 0 };
	mem_reader_init(&mr, mw.buf, mw.len);
	tar_reader_init(&t, &mr.r);
	CHECK("read it back", tar_next(&t) == 1);
	r = &t.e;
	CHECK("long path via pax", !strcmp(r->path, e.path));
	CHECK("fields", r->mode == 04755 && r->uid == 3000000 && r->gid == 7 && r->size == 3 &&
	      r->mtime == 1234567890 && r->mtime_nsec == 500000000 && r->type == TAR_REG);
	const char *xn;
	const void *xv;
	size_t xp = 0, xl;
	CHECK("xattr with a NUL in its value", tar_xattr_next(r, &xp, &xn, &xv, &xl) == 1 &&
	      !strcmp(xn, "user.a") && xl == 3 && !memcmp(xv, "b\0c", 3));
	CHECK("data", tar_read_data(&t, data, sizeof(data)) == 3 && !strcmp(data, "abc"));
	CHECK("end", tar_next(&t) == 0);
	tar_reader_free(&t);

	/* cut it short: an error, not an end */
	mem_reader_init(&mr, mw.buf, mw.len - 1024 - 100);
	tar_reader_init(&t, &mr.r);
	CHECK("truncated data is an error", tar_next(&t) == 1 && tar_skip_data(&t) < 0);
	tar_reader_free(&t);
	tar_entry_free(&e);
	return UNIT_DONE();
}
