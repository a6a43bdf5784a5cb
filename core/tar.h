/* tar.h - POSIX tar (ustar + pax) streams, read and written in constant
 * memory through a reader/writer (stream.h). docs/layer-format.md says
 * what is accepted and what is written.
 *
 * Reading is strict: every header checksum is verified, every length is
 * bounded (names PATH_MAX, a pax header TAR_PAX_MAX), nothing recurses,
 * and data that ends early is an error, never a short file.
 */
#ifndef BOXCAR_TAR_H
#define BOXCAR_TAR_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "stream.h"

#define TAR_BLOCK 512
#define TAR_PAX_MAX (1 << 20) /* largest pax header we read (xattrs live there) */

enum tar_type {
	TAR_REG = '0',
	TAR_HARDLINK = '1',
	TAR_SYMLINK = '2',
	TAR_CHR = '3',
	TAR_BLK = '4',
	TAR_DIR = '5',
	TAR_FIFO = '6',
};

/* One entry. Strings are NUL-terminated and never contain a NUL: a pax
 * name with an embedded NUL is refused. */
struct tar_entry {
	char path[PATH_MAX];
	char link[PATH_MAX];   /* hard or symbolic link target */
	char type;             /* enum tar_type; '7' and '\0' read as TAR_REG */
	unsigned mode;         /* permission bits incl. setuid/setgid/sticky */
	uint32_t uid, gid;
	uint64_t size;         /* data bytes that follow (regular files) */
	int64_t mtime;
	long mtime_nsec;
	unsigned devmajor, devminor;
	/* Extended attributes: xattr_len bytes of records "NAME\0" + 4-byte
	 * little-endian length + value; walk them with tar_xattr_next(). */
	unsigned char *xattrs;
	size_t xattr_len, xattr_cap;
};

/* Next xattr after *pos (start with *pos = 0): 1 and the fields, or 0. */
int tar_xattr_next(const struct tar_entry *e, size_t *pos, const char **name,
		   const void **value, size_t *len);
/* Append one xattr; -1 if it does not fit in TAR_PAX_MAX. */
int tar_xattr_add(struct tar_entry *e, const char *name, const void *value, size_t len);
void tar_entry_free(struct tar_entry *e); /* the xattr buffer */

struct tar_reader {
	struct reader *in;
	uint64_t remain;       /* data bytes of the current entry not read yet */
	unsigned pad;          /* zero padding after them */
	uint64_t offset;       /* bytes consumed, for messages */
	int have_gmtime;       /* pax global header values ('g') */
	int64_t gmtime;
	long gmtime_nsec;
	int have_guid, have_ggid;
	uint32_t guid, ggid;
	struct tar_entry e;
};

void tar_reader_init(struct tar_reader *t, struct reader *in);
/* Read up to the next file entry (pax and GNU long-name records are
 * folded into it): 1 with t->e filled, 0 at the end of the archive, -1. */
int tar_next(struct tar_reader *t);
/* Data of the current entry: up to n bytes, 0 when it is all read. */
ssize_t tar_read_data(struct tar_reader *t, void *buf, size_t n);
/* Skip what is left of the current entry's data. */
int tar_skip_data(struct tar_reader *t);
void tar_reader_free(struct tar_reader *t);

/* Writing: a header (pax extended header first when a field does not fit
 * in ustar), then e->size bytes of data, then tar_write_pad(). Output is
 * deterministic: no uname/gname, no atime/ctime, pax only when needed. */
int tar_write_header(struct writer *w, const struct tar_entry *e);
int tar_write_pad(struct writer *w, uint64_t size);
int tar_write_end(struct writer *w); /* two zero blocks */

/* Header fields, exposed for the unit tests. */
int tar_checksum_ok(const unsigned char *block);
void tar_checksum_set(unsigned char *block);
/* Parse a numeric field (octal, or base-256 when the top bit is set):
 * 0 and *v, or -1 if malformed or out of range. */
int tar_parse_num(const unsigned char *f, size_t len, int64_t *v);
/* Encode v as octal (NUL-terminated) or, when it does not fit, base-256:
 * 0, or -1 if even that cannot hold it. */
int tar_put_num(unsigned char *f, size_t len, int64_t v);
/* Append the pax record "LEN KEY=VALUE\n" to buf at *pos (cap bytes):
 * 0, or -1 if it does not fit. */
int tar_pax_record(char *buf, size_t cap, size_t *pos, const char *key,
		   const void *value, size_t vlen);

#endif
