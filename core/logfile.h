/* logfile.h - a container's output as Docker's json-file driver writes
 * it, one JSON object per line:
 *   {"log":"hello\n","stream":"stdout","time":"2024-01-02T03:04:05.123456789Z"}
 * into ROOT/containers/ID/container.log. When the file passes max_size
 * bytes it is rotated: container.log -> .1 -> .2 ... up to max_files
 * files in all (the oldest is dropped), so flash sees bounded writes.
 * Buffers are static: the monitor that owns it stays small.
 * Errors follow err.h.
 */
#ifndef BOXCAR_LOGFILE_H
#define BOXCAR_LOGFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* Docker's json-file cuts lines at 16 KiB. */
#define LOG_LINE_MAX 16384

struct log_stream {
	const char *name;   /* "stdout", "stderr" */
	size_t len;
	char buf[LOG_LINE_MAX];
};

struct logfile {
	int fd;
	int64_t size, max_size; /* max_size 0: no cap */
	int max_files;          /* >= 1 */
	char path[PATH_MAX];
	struct log_stream out, err;
};

int logfile_open(struct logfile *l, const char *path, int64_t max_size, int max_files);
/* n bytes the container wrote on stream: whole lines are written out,
 * the rest is kept until its newline comes (or the buffer is full). */
void logfile_feed(struct logfile *l, struct log_stream *st, const char *data, size_t n);
/* Write what is left of partial lines (at exit). */
void logfile_flush(struct logfile *l);
void logfile_close(struct logfile *l);

#endif
