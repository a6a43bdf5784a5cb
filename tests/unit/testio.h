/* testio.h - helpers shared by the stream unit tests: a growing memory
 * writer, a reader that hands out at most k bytes per call, a failing
 * writer, and deterministic test data. */
#ifndef BOXCAR_TESTIO_H
#define BOXCAR_TESTIO_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "stream.h"

struct vec_writer {
	struct writer w;
	unsigned char *data;
	size_t len, cap;
	int finished;
};

static inline int vec_write(struct writer *w, const void *buf, size_t n)
{
	struct vec_writer *v = (struct vec_writer *)w;

	if (v->len + n > v->cap) {
		size_t cap = v->cap ? v->cap : 4096;
		while (cap < v->len + n)
			cap *= 2;
		unsigned char *p = realloc(v->data, cap);
		if (!p)
			return err_set("vec_write");
		v->data = p;
		v->cap = cap;
	}
	memcpy(v->data + v->len, buf, n);
	v->len += n;
	return 0;
}

static inline int vec_finish(struct writer *w)
{
	((struct vec_writer *)w)->finished++;
	return 0;
}

static inline void vec_init(struct vec_writer *v)
{
	memset(v, 0, sizeof(*v));
	v->w.write = vec_write;
	v->w.finish = vec_finish;
}

static inline void vec_free(struct vec_writer *v)
{
	free(v->data);
	v->data = NULL;
	v->len = v->cap = 0;
}

/* Hands out at most max bytes per read: data crossing every boundary. */
struct chunk_reader {
	struct reader r;
	struct reader *in;
	size_t max;
};

static inline ssize_t chunk_read(struct reader *r, void *buf, size_t n)
{
	struct chunk_reader *c = (struct chunk_reader *)r;

	return reader_read(c->in, buf, n < c->max ? n : c->max);
}

static inline void chunk_init(struct chunk_reader *c, struct reader *in, size_t max)
{
	c->r.read = chunk_read;
	c->r.close = NULL;
	c->in = in;
	c->max = max;
}

/* Fails once more than `room` bytes went through. */
struct full_writer {
	struct writer w;
	size_t room;
};

static inline int full_write(struct writer *w, const void *buf, size_t n)
{
	struct full_writer *f = (struct full_writer *)w;

	if (n > f->room)
		return err_setn(ENOSPC, "full_writer");
	f->room -= n;
	return 0;
}

static inline void full_init(struct full_writer *f, size_t room)
{
	f->w.write = full_write;
	f->w.finish = NULL;
	f->w.close = NULL;
	f->room = room;
}

static uint32_t rng_state = 2463534242u;

static inline uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* kind 0: random; 1: text-like, compresses well. */
static inline unsigned char *make_data(size_t n, int kind)
{
	static const char *words[] = { "usr ", "lib ", "bin/", "etc/", "boxcar ",
		"layer\n", "0644 ", "root ", "\0\0\0\0", "tar " };
	unsigned char *p = malloc(n ? n : 1);

	for (size_t i = 0; i < n;) {
		if (kind == 0) {
			p[i++] = rng();
			continue;
		}
		const char *w = words[rng() % 10];
		size_t len = w[0] ? strlen(w) : 4;
		for (size_t k = 0; k < len && i < n; k++)
			p[i++] = w[k];
	}
	return p;
}

/* Read r to the end into v, asking for `ask` bytes at a time; -1 on error. */
static inline int drain(struct reader *r, struct vec_writer *v, size_t ask)
{
	unsigned char buf[65536];
	ssize_t n;

	if (ask > sizeof(buf))
		ask = sizeof(buf);
	while ((n = reader_read(r, buf, ask)) > 0)
		if (vec_write(&v->w, buf, n))
			return -1;
	return n < 0 ? -1 : 0;
}

#endif
