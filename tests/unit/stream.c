/* Unit tests for core/stream.c: memory and fd streams, read_full, copy. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "stream.h"
#include "testio.h"
#include "unit.h"

int main(void)
{
	struct mem_reader mr;
	struct vec_writer v;
	unsigned char buf[16];

	mem_reader_init(&mr, "abcdef", 6);
	CHECK("mem_reader short read", reader_read(&mr.r, buf, 4) == 4 && !memcmp(buf, "abcd", 4));
	CHECK("mem_reader rest", reader_read(&mr.r, buf, 16) == 2 && !memcmp(buf, "ef", 2));
	CHECK("mem_reader end", reader_read(&mr.r, buf, 16) == 0);
	CHECK("mem_reader end again", reader_read(&mr.r, buf, 16) == 0);

	mem_reader_init(&mr, "", 0);
	CHECK("mem_reader empty", reader_read(&mr.r, buf, 16) == 0);

	mem_reader_init(&mr, "abcdef", 6);
	struct chunk_reader cr;
	chunk_init(&cr, &mr.r, 1);
	CHECK("read_full across 1-byte reads", reader_read_full(&cr.r, buf, 5, "hdr") == 0 &&
	      !memcmp(buf, "abcde", 5));
	CHECK("read_full past the end fails", reader_read_full(&cr.r, buf, 2, "hdr") == -1 &&
	      err_errno() == EBADMSG);
	CHECK_STR("read_full names the context", err_msg(), "hdr: unexpected end of data");
	CHECK("read_full of 0 bytes", reader_read_full(&cr.r, buf, 0, "x") == 0);

	/* stream_copy: bigger than its buffer, from a reader giving odd sizes. */
	size_t n = 300000;
	unsigned char *data = make_data(n, 0);
	mem_reader_init(&mr, data, n);
	chunk_init(&cr, &mr.r, 7777);
	vec_init(&v);
	CHECK("stream_copy count", stream_copy(&cr.r, &v.w) == (int64_t)n);
	CHECK("stream_copy data", v.len == n && !memcmp(v.data, data, n));
	CHECK("stream_copy does not finish", v.finished == 0);
	vec_free(&v);

	struct full_writer fw;
	full_init(&fw, 1000);
	mem_reader_init(&mr, data, n);
	CHECK("stream_copy passes write errors", stream_copy(&mr.r, &fw.w) == -1 &&
	      err_errno() == ENOSPC);

	/* fd streams through a file: write in pieces, read back. */
	char path[] = "/tmp/bxtest-stream.XXXXXX";
	int fd = mkstemp(path);
	CHECK("mkstemp", fd >= 0);
	unlink(path);
	struct fd_writer fdw;
	fd_writer_init(&fdw, fd, "tmpfile");
	int ok = 1;
	for (size_t off = 0; off < n; off += 4096)
		ok &= writer_write(&fdw.w, data + off, n - off < 4096 ? n - off : 4096) == 0;
	CHECK("fd_writer writes", ok && writer_finish(&fdw.w) == 0);
	CHECK("fd_writer wrote all", lseek(fd, 0, SEEK_CUR) == (off_t)n);
	lseek(fd, 0, SEEK_SET);
	struct fd_reader fdr;
	fd_reader_init(&fdr, fd, "tmpfile");
	vec_init(&v);
	CHECK("fd_reader reads back", stream_copy(&fdr.r, &v.w) == (int64_t)n &&
	      !memcmp(v.data, data, n));
	vec_free(&v);
	close(fd);

	fd_reader_init(&fdr, fd, "closed");
	CHECK("fd_reader error", reader_read(&fdr.r, buf, 1) == -1 && err_errno() == EBADF);
	CHECK_STR("fd_reader error names the file", err_msg(), "read closed");
	fd_writer_init(&fdw, fd, "closed");
	CHECK("fd_writer error", writer_write(&fdw.w, "x", 1) == -1 && err_errno() == EBADF);

	/* A pipe only takes so much per write() when the reader is slow;
	 * fd_writer must keep going through short writes. */
	int p[2];
	CHECK("pipe", pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		fd_writer_init(&fdw, p[1], "pipe");
		_exit(writer_write(&fdw.w, data, n) ? 1 : 0);
	}
	close(p[1]);
	fd_reader_init(&fdr, p[0], "pipe");
	vec_init(&v);
	CHECK("pipe round trip", stream_copy(&fdr.r, &v.w) == (int64_t)n &&
	      !memcmp(v.data, data, n));
	int status;
	waitpid(pid, &status, 0);
	CHECK("pipe writer succeeded", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(p[0]);
	vec_free(&v);
	free(data);
	return UNIT_DONE();
}
