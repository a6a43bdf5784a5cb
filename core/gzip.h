/* gzip.h - reading gzip streams (RFC 1952) through zlib.
 *
 * What registries serve and `docker save` writes. Streams of several
 * members (pigz, concatenated files) read as one; the data must end at
 * the end of a member: a cut stream, or bytes after the last member that
 * do not start another one, are errors. So is empty input.
 *
 * Needs zlib, linked only with FEATURE_GZIP; without it init fails with
 * ENOTSUP and no zlib code is built.
 *
 * Memory: zlib's inflate state (~7 KiB) and 32 KiB window on the heap,
 * freed by close, plus GZIP_INBUF bytes inside struct gzip_reader.
 */
#ifndef BOXCAR_GZIP_H
#define BOXCAR_GZIP_H

#include <stddef.h>

#include "stream.h"

#define GZIP_INBUF 16384

struct z_stream_s;

struct gzip_reader {
	struct reader r;
	struct reader *in;
	struct z_stream_s *zs;
	unsigned members; /* complete members so far */
	int state;
	unsigned char buf[GZIP_INBUF];
};

/* 0, or -1 with nothing left to free; after 0, call r.close once done. */
int gzip_reader_init(struct gzip_reader *gz, struct reader *in);

/* Compressing: a reader giving the gzip form of what it reads from in
 * (`push --compress gzip`). zlib's deflate at level 6, 32 KiB window,
 * gzip header with no name and mtime 0: the same input gives the same
 * bytes (for one zlib version), so a layer's gzip digest can be computed
 * in one pass and the upload made in a second. Memory: ~270 KiB of
 * deflate state on the heap (window 64 KiB, hash chains 128 KiB, pending
 * 64 KiB at memLevel 8), freed by close. ENOTSUP without FEATURE_GZIP. */
struct gzip_deflater {
	struct reader r;
	struct reader *in;
	struct z_stream_s *zs;
	int state;
	unsigned char buf[GZIP_INBUF];
};

int gzip_deflater_init(struct gzip_deflater *gz, struct reader *in);

/* The raw deflate stream in[0..n) (no gzip or zlib wrapper) unpacked
 * into out[0..size) in one call: the bytes made, or -1 when it is not
 * one whole stream that fits (or without FEATURE_GZIP). For data built
 * into boxcar (the help texts), not for what comes from outside. */
long inflate_raw(const void *in, size_t n, void *out, size_t size);

/* 1 if buf starts with the gzip magic (1f 8b), else 0. */
int gzip_sniff(const void *buf, size_t n);

#endif
