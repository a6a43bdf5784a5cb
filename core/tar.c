/* tar.c - POSIX tar streams: a strict reader and a deterministic writer.
 *
 * Header block (ustar, POSIX.1-1988, offsets in bytes):
 *   name 0/100 mode 100/8 uid 108/8 gid 116/8 size 124/12 mtime 136/12
 *   chksum 148/8 typeflag 156 linkname 157/100 magic 257/6 version 263/2
 *   uname 265/32 gname 297/32 devmajor 329/8 devminor 337/8 prefix 345/155
 * GNU tar's own format (magic "ustar  ") uses the prefix bytes for other
 * things, so the prefix is only read from POSIX headers ("ustar\0").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tar.h"

enum {
	OFF_NAME = 0, OFF_MODE = 100, OFF_UID = 108, OFF_GID = 116, OFF_SIZE = 124,
	OFF_MTIME = 136, OFF_CHKSUM = 148, OFF_TYPE = 156, OFF_LINK = 157,
	OFF_MAGIC = 257, OFF_VERSION = 263, OFF_DEVMAJOR = 329, OFF_DEVMINOR = 337,
	OFF_PREFIX = 345,
};

/* ---- xattr list -------------------------------------------------------- */

int tar_xattr_add(struct tar_entry *e, const char *name, const void *value, size_t len)
{
	size_t nlen = strlen(name), need = nlen + 1 + 4 + len;

	if (len > TAR_PAX_MAX || need > TAR_PAX_MAX - e->xattr_len)
		return err_setn(EFBIG, "extended attributes too large");
	if (e->xattr_len + need > e->xattr_cap) {
		size_t cap = e->xattr_cap ? e->xattr_cap : 256;
		unsigned char *p;

		while (cap < e->xattr_len + need)
			cap *= 2;
		if (!(p = realloc(e->xattrs, cap)))
			return err_set("out of memory");
		e->xattrs = p;
		e->xattr_cap = cap;
	}
	unsigned char *p = e->xattrs + e->xattr_len;
	memcpy(p, name, nlen + 1);
	p += nlen + 1;
	for (int i = 0; i < 4; i++)
		*p++ = (unsigned char)(len >> (8 * i));
	memcpy(p, value, len);
	e->xattr_len += need;
	return 0;
}

int tar_xattr_next(const struct tar_entry *e, size_t *pos, const char **name,
		   const void **value, size_t *len)
{
	const unsigned char *p;
	size_t nlen;

	if (*pos >= e->xattr_len)
		return 0;
	p = e->xattrs + *pos; /* xattrs is NULL until the first one */
	nlen = strlen((const char *)p);
	*name = (const char *)p;
	p += nlen + 1;
	*len = p[0] | p[1] << 8 | p[2] << 16 | (size_t)p[3] << 24;
	*value = p + 4;
	*pos += nlen + 1 + 4 + *len;
	return 1;
}

void tar_entry_free(struct tar_entry *e)
{
	free(e->xattrs);
	e->xattrs = NULL;
	e->xattr_len = e->xattr_cap = 0;
}

/* ---- header fields ----------------------------------------------------- */

int tar_parse_num(const unsigned char *f, size_t len, int64_t *v)
{
	uint64_t u = 0;
	size_t i = 0;

	if (f[0] & 0x80) {
		/* base-256 (GNU, star): big-endian two's complement, the top
		 * bit of the first byte only marks the format. */
		int neg = f[0] & 0x40;
		u = neg ? UINT64_MAX << 6 | (f[0] & 0x3f) : (f[0] & 0x3f);
		for (i = 1; i < len; i++) {
			if ((neg ? ~u : u) >> 55)
				return -1;
			u = u << 8 | f[i];
		}
		if (!neg && u > INT64_MAX)
			return -1;
		*v = (int64_t)u;
		return 0;
	}
	while (i < len && f[i] == ' ')
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (u >> 60)
			return -1;
		u = u << 3 | (uint64_t)(f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	*v = (int64_t)u;
	return 0;
}

int tar_put_num(unsigned char *f, size_t len, int64_t v)
{
	if (v >= 0 && (uint64_t)v >> (3 * (len - 1)) == 0) {
		f[len - 1] = '\0';
		for (size_t i = len - 1; i-- > 0; v >>= 3)
			f[i] = (unsigned char)('0' + (v & 7));
		return 0;
	}
	/* base-256 in len-1 bytes after the marker byte */
	if (len - 1 < 8 && (v < 0 ? ~v : v) >> (8 * (len - 1) - 1))
		return -1;
	f[0] = v < 0 ? 0xff : 0x80;
	for (size_t i = len; i-- > 1; v >>= 8)
		f[i] = (unsigned char)(v & 0xff);
	return 0;
}

static unsigned sum_unsigned(const unsigned char *b)
{
	unsigned s = 8 * ' ';

	for (int i = 0; i < TAR_BLOCK; i++)
		if (i < OFF_CHKSUM || i >= OFF_CHKSUM + 8)
			s += b[i];
	return s;
}

/* Some old tars summed signed chars; both sums are accepted. */
static int sum_signed(const unsigned char *b)
{
	int s = 8 * ' ';

	for (int i = 0; i < TAR_BLOCK; i++)
		if (i < OFF_CHKSUM || i >= OFF_CHKSUM + 8)
			s += (signed char)b[i];
	return s;
}

int tar_checksum_ok(const unsigned char *b)
{
	int64_t want;

	if (tar_parse_num(b + OFF_CHKSUM, 8, &want) < 0)
		return 0;
	return want == sum_unsigned(b) || want == sum_signed(b);
}

void tar_checksum_set(unsigned char *b)
{
	tar_put_num(b + OFF_CHKSUM, 7, sum_unsigned(b)); /* 6 digits, NUL, */
	b[OFF_CHKSUM + 7] = ' ';                          /* space, as tar does */
}

int tar_pax_record(char *buf, size_t cap, size_t *pos, const char *key,
		   const void *value, size_t vlen)
{
	size_t klen = strlen(key), base = klen + vlen + 3, len = base, d;
	char num[24];
	int n;

	/* The length counts its own digits. */
	for (d = 1; ; d++) {
		len = base + d;
		n = snprintf(num, sizeof(num), "%zu", len);
		if ((size_t)n == d)
			break;
	}
	if (len > cap - *pos || *pos > cap)
		return err_setn(ENAMETOOLONG, "pax header too large");
	char *p = buf + *pos;
	memcpy(p, num, d);
	p[d] = ' ';
	memcpy(p + d + 1, key, klen);
	p[d + 1 + klen] = '=';
	memcpy(p + d + 2 + klen, value, vlen);
	p[len - 1] = '\n';
	*pos += len;
	return 0;
}

/* ---- reader ------------------------------------------------------------ */

void tar_reader_init(struct tar_reader *t, struct reader *in)
{
	memset(t, 0, sizeof(*t));
	t->in = in;
}

void tar_reader_free(struct tar_reader *t)
{
	tar_entry_free(&t->e);
}

/* Up to n bytes: how many were read before the end (short only at EOF). */
static ssize_t read_some(struct tar_reader *t, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = reader_read(t->in, (char *)buf + got, n - got);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	t->offset += got;
	return (ssize_t)got;
}

static int truncated(struct tar_reader *t)
{
	return err_setn(EBADMSG, "truncated archive (at byte %llu)",
			(unsigned long long)t->offset);
}

static int read_exact(struct tar_reader *t, void *buf, size_t n)
{
	ssize_t r = read_some(t, buf, n);

	if (r < 0)
		return -1;
	return (size_t)r == n ? 0 : truncated(t);
}

ssize_t tar_read_data(struct tar_reader *t, void *buf, size_t n)
{
	ssize_t r;

	if (t->remain == 0)
		return 0;
	if (n > t->remain)
		n = (size_t)t->remain;
	r = reader_read(t->in, buf, n);
	if (r < 0)
		return -1;
	if (r == 0)
		return truncated(t);
	t->offset += (uint64_t)r;
	t->remain -= (uint64_t)r;
	if (t->remain == 0 && t->pad) {
		unsigned char zero[TAR_BLOCK];
		unsigned pad = t->pad;

		t->pad = 0;
		if (read_exact(t, zero, pad) < 0)
			return -1;
	}
	return r;
}

int tar_skip_data(struct tar_reader *t)
{
	unsigned char buf[4096];

	while (t->remain)
		if (tar_read_data(t, buf, sizeof(buf)) < 0)
			return -1;
	return 0;
}

static void set_data(struct tar_reader *t, uint64_t size)
{
	t->remain = size;
	t->pad = (unsigned)(-size % TAR_BLOCK);
	if (size == 0)
		t->pad = 0;
}

/* Decimal, optionally negative, with an optional fraction (pax mtime). */
static int parse_decimal(const char *s, size_t len, int neg_ok, int64_t *v, long *nsec)
{
	size_t i = 0;
	uint64_t u = 0;
	long frac = 0;
	int neg = 0, digits = 0;

	if (neg_ok && len && s[0] == '-')
		neg = 1, i++;
	if (i == len)
		return -1;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (u > (UINT64_MAX >> 1) / 10)
			return -1;
		u = u * 10 + (uint64_t)(s[i] - '0');
	}
	if (u > INT64_MAX - 1)
		return -1;
	if (nsec && i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			if (digits++ < 9)
				frac = frac * 10 + (s[i] - '0');
		for (; digits < 9; digits++)
			frac *= 10;
	}
	if (i != len)
		return -1;
	*v = neg ? -(int64_t)u : (int64_t)u;
	if (nsec) {
		*nsec = frac;
		if (neg && frac) /* -1.5 is -2 s + 0.5 s */
			*v -= 1, *nsec = 1000000000L - frac;
	}
	return 0;
}

struct pax {
	int has_size, has_uid, has_gid, has_mtime;
	uint64_t size;
	uint32_t uid, gid;
	int64_t mtime;
	long mtime_nsec;
};

static int pax_string(struct tar_reader *t, char *dst, const char *v, size_t len,
		      const char *key)
{
	if (memchr(v, '\0', len))
		return err_setn(EINVAL, "pax %s contains a NUL byte", key);
	if (len >= PATH_MAX)
		return err_setn(ENAMETOOLONG, "pax %s longer than %d bytes", key, PATH_MAX - 1);
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

static int pax_id(const char *v, size_t len, uint32_t *id)
{
	int64_t n;

	if (parse_decimal(v, len, 0, &n, NULL) < 0 || n > UINT32_MAX - 1)
		return -1;
	*id = (uint32_t)n;
	return 0;
}

/* Records "LEN KEY=VALUE\n"; LEN counts the whole record. */
static int pax_parse(struct tar_reader *t, char *buf, size_t len, struct pax *px, int global)
{
	static const char xattr_key[] = "SCHILY.xattr.";
	size_t pos = 0;

	while (pos < len) {
		size_t rlen = 0, i = pos;
		int64_t n;

		while (i < len && buf[i] >= '0' && buf[i] <= '9' && rlen < TAR_PAX_MAX)
			rlen = rlen * 10 + (size_t)(buf[i++] - '0');
		if (i == pos || i >= len || buf[i] != ' ' || rlen > len - pos ||
		    rlen < i - pos + 3 || buf[pos + rlen - 1] != '\n')
			return err_setn(EINVAL, "malformed pax record at byte %zu of header", pos);
		char *key = buf + i + 1, *end = buf + pos + rlen - 1;
		char *eq = memchr(key, '=', (size_t)(end - key));
		if (!eq || eq == key)
			return err_setn(EINVAL, "malformed pax record at byte %zu of header", pos);
		*eq = '\0'; /* keys never contain '=' */
		char *v = eq + 1;
		size_t vlen = (size_t)(end - v);
		pos += rlen;

		int bad = 0;
		if (!strcmp(key, "mtime")) {
			bad = parse_decimal(v, vlen, 1, &n, &px->mtime_nsec);
			px->mtime = n;
			px->has_mtime = 1;
		} else if (!strcmp(key, "uid")) {
			bad = pax_id(v, vlen, &px->uid);
			px->has_uid = 1;
		} else if (!strcmp(key, "gid")) {
			bad = pax_id(v, vlen, &px->gid);
			px->has_gid = 1;
		} else if (global) {
			continue; /* path, size and xattrs make no sense for all entries */
		} else if (!strcmp(key, "path")) {
			if (pax_string(t, t->e.path, v, vlen, key) < 0)
				return -1;
		} else if (!strcmp(key, "linkpath")) {
			if (pax_string(t, t->e.link, v, vlen, key) < 0)
				return -1;
		} else if (!strcmp(key, "size")) {
			bad = parse_decimal(v, vlen, 0, &n, NULL);
			px->size = (uint64_t)n;
			px->has_size = 1;
		} else if (!strncmp(key, xattr_key, sizeof(xattr_key) - 1) &&
			   key[sizeof(xattr_key) - 1]) {
			if (tar_xattr_add(&t->e, key + sizeof(xattr_key) - 1, v, vlen) < 0)
				return -1;
		} else if (!strncmp(key, "GNU.sparse.", 11)) {
			return err_setn(ENOTSUP, "sparse files are not supported");
		}
		if (bad)
			return err_setn(EINVAL, "bad pax %s value", key);
	}
	return 0;
}

static int is_zero_block(const unsigned char *b)
{
	for (int i = 0; i < TAR_BLOCK; i++)
		if (b[i])
			return 0;
	return 1;
}

/* Read the data of an extension record (pax, GNU long name) into buf. */
static int read_ext(struct tar_reader *t, char *buf, uint64_t size)
{
	if (read_exact(t, buf, (size_t)size) < 0)
		return -1;
	set_data(t, 0);
	return read_exact(t, (char[TAR_BLOCK]){0}, (unsigned)(-size % TAR_BLOCK));
}

static void field_str(char *dst, const unsigned char *f, size_t len)
{
	size_t n = strnlen((const char *)f, len);

	memcpy(dst, f, n);
	dst[n] = '\0';
}

static int hdr_num(struct tar_reader *t, const unsigned char *b, int off, size_t len,
		   const char *what, int64_t *v)
{
	if (tar_parse_num(b + off, len, v) < 0)
		return err_setn(EINVAL, "bad %s field in header at byte %llu", what,
				(unsigned long long)t->offset - TAR_BLOCK);
	return 0;
}

int tar_next(struct tar_reader *t)
{
	unsigned char b[TAR_BLOCK];
	struct tar_entry *e = &t->e;
	struct pax px = {0};
	int long_path = 0, long_link = 0, ext = 0;
	int64_t n;

	if (tar_skip_data(t) < 0)
		return -1;
	e->path[0] = e->link[0] = '\0';
	e->xattr_len = 0;
	for (;;) {
		ssize_t r = read_some(t, b, TAR_BLOCK);
		if (r < 0)
			return -1;
		if (r == 0 && !ext)
			return 0; /* clean end at a header boundary */
		if (r < TAR_BLOCK)
			return truncated(t);
		if (is_zero_block(b)) {
			if (ext)
				return err_setn(EINVAL, "extended header without an entry");
			/* end of archive: a second zero block, or EOF */
			r = read_some(t, b, TAR_BLOCK);
			return r < 0 ? -1 : 0;
		}
		if (!tar_checksum_ok(b))
			return err_setn(EINVAL, "bad header checksum at byte %llu",
					(unsigned long long)t->offset - TAR_BLOCK);
		if (hdr_num(t, b, OFF_SIZE, 12, "size", &n) < 0)
			return -1;
		uint64_t size = (uint64_t)n;
		char type = (char)b[OFF_TYPE];
		if (type == 'x' || type == 'g') {
			if (size > TAR_PAX_MAX)
				return err_setn(EFBIG, "pax header of %llu bytes (limit %d)",
						(unsigned long long)size, TAR_PAX_MAX);
			char *buf = malloc(size ? size : 1);
			if (!buf)
				return err_set("out of memory");
			int rc = read_ext(t, buf, size);
			if (rc == 0 && type == 'x')
				rc = pax_parse(t, buf, size, &px, 0);
			if (rc == 0 && type == 'g') {
				struct pax g = {0};
				rc = pax_parse(t, buf, size, &g, 1);
				if (g.has_mtime)
					t->have_gmtime = 1, t->gmtime = g.mtime, t->gmtime_nsec = g.mtime_nsec;
				if (g.has_uid)
					t->have_guid = 1, t->guid = g.uid;
				if (g.has_gid)
					t->have_ggid = 1, t->ggid = g.gid;
			}
			free(buf);
			if (rc < 0)
				return -1;
			ext |= type == 'x';
			continue;
		}
		if (type == 'L' || type == 'K') { /* GNU long name / long link */
			if (size >= PATH_MAX)
				return err_setn(ENAMETOOLONG, "GNU long %s of %llu bytes",
						type == 'L' ? "name" : "link", (unsigned long long)size);
			char *dst = type == 'L' ? e->path : e->link;
			if (read_ext(t, dst, size) < 0)
				return -1;
			dst[size] = '\0';
			if (strlen(dst) + 1 < size) /* one trailing NUL is customary */
				return err_setn(EINVAL, "GNU long name contains a NUL byte");
			*(type == 'L' ? &long_path : &long_link) = 1;
			ext = 1;
			continue;
		}

		/* the entry itself: ustar fields unless pax or GNU said otherwise */
		if (!e->path[0] && !long_path) {
			if (!memcmp(b + OFF_MAGIC, "ustar\0", 6) && b[OFF_PREFIX]) {
				field_str(e->path, b + OFF_PREFIX, 155);
				strcat(e->path, "/");
				field_str(e->path + strlen(e->path), b + OFF_NAME, 100);
			} else {
				field_str(e->path, b + OFF_NAME, 100);
			}
		}
		if (!e->link[0] && !long_link)
			field_str(e->link, b + OFF_LINK, 100);
		if (hdr_num(t, b, OFF_MODE, 8, "mode", &n) < 0)
			return -1;
		e->mode = (unsigned)n & 07777;
		if (hdr_num(t, b, OFF_UID, 8, "uid", &n) < 0 || n < 0 || n > UINT32_MAX)
			return err_setn(EINVAL, "%s: bad uid", e->path);
		e->uid = px.has_uid ? px.uid : t->have_guid ? t->guid : (uint32_t)n;
		if (hdr_num(t, b, OFF_GID, 8, "gid", &n) < 0 || n < 0 || n > UINT32_MAX)
			return err_setn(EINVAL, "%s: bad gid", e->path);
		e->gid = px.has_gid ? px.gid : t->have_ggid ? t->ggid : (uint32_t)n;
		if (hdr_num(t, b, OFF_MTIME, 12, "mtime", &n) < 0)
			return -1;
		e->mtime = n;
		e->mtime_nsec = 0;
		if (px.has_mtime)
			e->mtime = px.mtime, e->mtime_nsec = px.mtime_nsec;
		else if (t->have_gmtime)
			e->mtime = t->gmtime, e->mtime_nsec = t->gmtime_nsec;
		if (px.has_size)
			size = px.size;
		e->size = size;
		e->devmajor = e->devminor = 0;
		switch (type) {
		case '\0': case '7':
			type = TAR_REG;
			break;
		case TAR_CHR: case TAR_BLK:
			if (hdr_num(t, b, OFF_DEVMAJOR, 8, "devmajor", &n) < 0)
				return -1;
			e->devmajor = (unsigned)n;
			if (hdr_num(t, b, OFF_DEVMINOR, 8, "devminor", &n) < 0)
				return -1;
			e->devminor = (unsigned)n;
			break;
		case TAR_REG: case TAR_HARDLINK: case TAR_SYMLINK: case TAR_DIR: case TAR_FIFO:
			break;
		default:
			return err_setn(ENOTSUP, "%s: unsupported entry type '%c'", e->path,
					type >= ' ' && type < 127 ? type : '?');
		}
		/* pre-POSIX tars mark directories by a trailing slash */
		size_t len = strlen(e->path);
		if (type == TAR_REG && len && e->path[len - 1] == '/')
			type = TAR_DIR;
		e->type = type;
		set_data(t, size);
		return 1;
	}
}

/* ---- writer ------------------------------------------------------------ */

/* ustar splits a long name at a slash: prefix (<= 155) "/" name (<= 100). */
static int split_name(unsigned char *b, const char *path)
{
	size_t len = strlen(path);

	if (len <= 100) {
		memcpy(b + OFF_NAME, path, len);
		return 0;
	}
	for (size_t i = len - 1; i > 0; i--) {
		if (path[i] != '/' || i > 155)
			continue;
		if (len - i - 1 > 100 || len - i - 1 == 0)
			break;
		memcpy(b + OFF_PREFIX, path, i);
		memcpy(b + OFF_NAME, path + i + 1, len - i - 1);
		return 0;
	}
	return -1;
}

static void put_fields(unsigned char *b, char type, unsigned mode, int64_t size, int64_t mtime)
{
	tar_put_num(b + OFF_MODE, 8, mode);
	tar_put_num(b + OFF_SIZE, 12, size);
	tar_put_num(b + OFF_MTIME, 12, mtime);
	b[OFF_TYPE] = (unsigned char)type;
	memcpy(b + OFF_MAGIC, "ustar\0" "00", 8);
}

static int write_pax(struct writer *w, const char *buf, size_t len, int64_t mtime)
{
	unsigned char b[TAR_BLOCK] = {0};

	memcpy(b + OFF_NAME, "././@PaxHeader", 14);
	put_fields(b, 'x', 0644, (int64_t)len, mtime);
	tar_put_num(b + OFF_UID, 8, 0);
	tar_put_num(b + OFF_GID, 8, 0);
	tar_checksum_set(b);
	if (writer_write(w, b, TAR_BLOCK) < 0 || writer_write(w, buf, len) < 0)
		return -1;
	return tar_write_pad(w, len);
}

int tar_write_header(struct writer *w, const struct tar_entry *e)
{
	unsigned char b[TAR_BLOCK] = {0};
	size_t pos = 0, cap = 2 * PATH_MAX + 256, xpos = 0, vlen;
	const char *name;
	const void *value;
	char num[48], *pax;
	int rc = 0;

	while (tar_xattr_next(e, &xpos, &name, &value, &vlen))
		cap += strlen(name) + vlen + 32;
	if (!(pax = malloc(cap)))
		return err_set("out of memory");
	xpos = 0;
	while (tar_xattr_next(e, &xpos, &name, &value, &vlen) && rc == 0) {
		char *key = malloc(strlen(name) + 14);
		if (!key) {
			rc = err_set("out of memory");
			break;
		}
		strcpy(stpcpy(key, "SCHILY.xattr."), name);
		rc = tar_pax_record(pax, cap, &pos, key, value, vlen);
		free(key);
	}
	if (rc == 0 && split_name(b, e->path) < 0)
		rc = tar_pax_record(pax, cap, &pos, "path", e->path, strlen(e->path));
	size_t llen = strlen(e->link);
	if (llen <= 100)
		memcpy(b + OFF_LINK, e->link, llen);
	else if (rc == 0)
		rc = tar_pax_record(pax, cap, &pos, "linkpath", e->link, llen);
	/* numbers that do not fit in octal go in base-256 and in pax */
	if (rc == 0 && e->size >= (uint64_t)1 << 33) {
		int n = snprintf(num, sizeof(num), "%llu", (unsigned long long)e->size);
		rc = tar_pax_record(pax, cap, &pos, "size", num, (size_t)n);
	}
	if (rc == 0 && e->uid > 07777777) {
		int n = snprintf(num, sizeof(num), "%u", (unsigned)e->uid);
		rc = tar_pax_record(pax, cap, &pos, "uid", num, (size_t)n);
	}
	if (rc == 0 && e->gid > 07777777) {
		int n = snprintf(num, sizeof(num), "%u", (unsigned)e->gid);
		rc = tar_pax_record(pax, cap, &pos, "gid", num, (size_t)n);
	}
	int64_t hmtime = e->mtime < 0 ? 0 : e->mtime;
	if (rc == 0 && (e->mtime < 0 || e->mtime >= (int64_t)1 << 33 || e->mtime_nsec)) {
		int64_t s = e->mtime;
		long ns = e->mtime_nsec;
		int n;
		if (s < 0 && ns) /* -2 s + 0.5 s is written -1.5 */
			s += 1, ns = 1000000000L - ns;
		n = snprintf(num, sizeof(num), "%s%lld", s < 0 || (s == 0 && e->mtime < 0) ? "-" : "",
			     (long long)(s < 0 ? -s : s));
		if (ns) {
			n += snprintf(num + n, sizeof(num) - (size_t)n, ".%09ld", ns);
			while (num[n - 1] == '0')
				num[--n] = '\0';
		}
		rc = tar_pax_record(pax, cap, &pos, "mtime", num, (size_t)n);
		if (hmtime >= (int64_t)1 << 33)
			hmtime = 0; /* base-256 would do, but pax says it */
	}
	if (rc == 0 && pos)
		rc = write_pax(w, pax, pos, hmtime);
	free(pax);
	if (rc < 0)
		return -1;

	put_fields(b, e->type, e->mode & 07777, e->type == TAR_REG ? (int64_t)e->size : 0, hmtime);
	if (e->size >= (uint64_t)1 << 33 && e->type == TAR_REG)
		tar_put_num(b + OFF_SIZE, 12, (int64_t)e->size);
	tar_put_num(b + OFF_UID, 8, e->uid);
	tar_put_num(b + OFF_GID, 8, e->gid);
	if (e->type == TAR_CHR || e->type == TAR_BLK) {
		if (tar_put_num(b + OFF_DEVMAJOR, 8, e->devmajor) < 0 ||
		    tar_put_num(b + OFF_DEVMINOR, 8, e->devminor) < 0)
			return err_setn(EOVERFLOW, "%s: device number too large", e->path);
	}
	tar_checksum_set(b);
	return writer_write(w, b, TAR_BLOCK);
}

int tar_write_pad(struct writer *w, uint64_t size)
{
	static const unsigned char zero[TAR_BLOCK];
	unsigned pad = (unsigned)(-size % TAR_BLOCK);

	return pad ? writer_write(w, zero, pad) : 0;
}

int tar_write_end(struct writer *w)
{
	static const unsigned char zero[2 * TAR_BLOCK];

	return writer_write(w, zero, sizeof(zero));
}
