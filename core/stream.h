/* stream.h - byte sources and sinks that layers flow through.
 *
 * A layer goes file -> (gzip | LZ4 frame) -> tar -> directory, and back,
 * in constant memory: each stage is a reader or writer that wraps the next
 * one. Implementations: fd (stream.c), LZ4 frame (lz4frame.c), gzip
 * (gzip.c), SHA-256 tee (digest.c).
 *
 * Errors follow err.h: -1 with the context recorded by err_set().
 */
#ifndef BOXCAR_STREAM_H
#define BOXCAR_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct reader {
	/* Up to n bytes into buf: the count, 0 at the end, -1 on error. */
	ssize_t (*read)(struct reader *r, void *buf, size_t n);
	/* Release what the reader holds (not the reader it wraps); may be NULL. */
	void (*close)(struct reader *r);
};

struct writer {
	/* All n bytes, or -1. */
	int (*write)(struct writer *w, const void *buf, size_t n);
	/* End of data: write trailers (LZ4 end mark, checksums), flush, and
	 * finish the writer it wraps; a second call does nothing. May be NULL. */
	int (*finish)(struct writer *w);
	void (*close)(struct writer *w); /* may be NULL */
};

static inline ssize_t reader_read(struct reader *r, void *buf, size_t n)
{
	return r->read(r, buf, n);
}

static inline int writer_write(struct writer *w, const void *buf, size_t n)
{
	return w->write(w, buf, n);
}

static inline int writer_finish(struct writer *w)
{
	return w->finish ? w->finish(w) : 0;
}

static inline void reader_close(struct reader *r)
{
	if (r->close)
		r->close(r);
}

static inline void writer_close(struct writer *w)
{
	if (w->close)
		w->close(w);
}

/* Read exactly n bytes: 0, or -1 (a short stream is an error: EBADMSG,
 * "WHAT: unexpected end of data"). */
int reader_read_full(struct reader *r, void *buf, size_t n, const char *what);
/* Copy r to w until the end, through a 64 KiB stack buffer; returns bytes
 * copied or -1. Does not finish w. */
int64_t stream_copy(struct reader *r, struct writer *w);

/* File descriptors: the stream does not own the fd. */
struct fd_reader {
	struct reader r;
	int fd;
	const char *name; /* for messages */
};
struct fd_writer {
	struct writer w;
	int fd;
	const char *name;
};
void fd_reader_init(struct fd_reader *fr, int fd, const char *name);
void fd_writer_init(struct fd_writer *fw, int fd, const char *name);

/* A memory buffer as a reader (tests, fuzzing, sniffed headers). */
struct mem_reader {
	struct reader r;
	const unsigned char *data;
	size_t len, pos;
};
void mem_reader_init(struct mem_reader *mr, const void *data, size_t len);

#endif
