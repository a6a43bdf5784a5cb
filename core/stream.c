/* stream.c - fd and memory streams, and the helpers every stream uses
 * (see stream.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "stream.h"

int reader_read_full(struct reader *r, void *buf, size_t n, const char *what)
{
	unsigned char *p = buf;

	while (n) {
		ssize_t got = reader_read(r, p, n);

		if (got < 0)
			return -1;
		if (got == 0)
			return err_setn(EBADMSG, "%s: unexpected end of data", what);
		p += got;
		n -= got;
	}
	return 0;
}

/* One LZ4 block: a writer that compresses then gets whole blocks and
 * LZ4F need not copy them into its own buffer first. On the stack, so
 * nested or concurrent copies do not share it; 64 KiB is far below any
 * main-thread stack we run on. */
#define COPY_BUF 65536

int64_t stream_copy(struct reader *r, struct writer *w)
{
	unsigned char buf[COPY_BUF];
	int64_t total = 0;
	ssize_t n;

	while ((n = reader_read(r, buf, sizeof(buf))) > 0) {
		if (writer_write(w, buf, n))
			return -1;
		total += n;
	}
	return n < 0 ? -1 : total;
}

static ssize_t fd_read(struct reader *r, void *buf, size_t n)
{
	struct fd_reader *fr = (struct fd_reader *)r;
	ssize_t got;

	do
		got = read(fr->fd, buf, n);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return err_set("read %s", fr->name);
	return got;
}

static int fd_write(struct writer *w, const void *buf, size_t n)
{
	struct fd_writer *fw = (struct fd_writer *)w;
	const unsigned char *p = buf;

	while (n) {
		ssize_t put = write(fw->fd, p, n);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			return err_set("write %s", fw->name);
		/* write() returning 0 for n > 0 would loop forever. */
		if (put == 0)
			return err_setn(EIO, "write %s: no progress", fw->name);
		p += put;
		n -= put;
	}
	return 0;
}

void fd_reader_init(struct fd_reader *fr, int fd, const char *name)
{
	fr->r.read = fd_read;
	fr->r.close = NULL;
	fr->fd = fd;
	fr->name = name;
}

void fd_writer_init(struct fd_writer *fw, int fd, const char *name)
{
	fw->w.write = fd_write;
	fw->w.finish = NULL;
	fw->w.close = NULL;
	fw->fd = fd;
	fw->name = name;
}

static ssize_t mem_read(struct reader *r, void *buf, size_t n)
{
	struct mem_reader *mr = (struct mem_reader *)r;
	size_t left = mr->len - mr->pos;

	if (n > left)
		n = left;
	if (n)
		memcpy(buf, mr->data + mr->pos, n);
	mr->pos += n;
	return n;
}

void mem_reader_init(struct mem_reader *mr, const void *data, size_t len)
{
	mr->r.read = mem_read;
	mr->r.close = NULL;
	mr->data = data;
	mr->len = len;
	mr->pos = 0;
}
