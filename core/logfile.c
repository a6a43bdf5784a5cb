/* logfile.c - json-file logs with rotation (see logfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "err.h"
#include "logfile.h"

int logfile_open(struct logfile *l, const char *path, int64_t max_size, int max_files)
{
	struct stat st;

	l->out.name = "stdout";
	l->err.name = "stderr";
	l->out.len = l->err.len = 0;
	l->max_size = max_size;
	l->max_files = max_files < 1 ? 1 : max_files;
	if (snprintf(l->path, sizeof(l->path), "%s", path) >= (int)sizeof(l->path))
		return err_setn(ENAMETOOLONG, "%s", path);
	l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (l->fd < 0)
		return err_set("cannot open %s", path);
	l->size = fstat(l->fd, &st) == 0 ? st.st_size : 0;
	return 0;
}

static void rotate(struct logfile *l)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];

	close(l->fd);
	if (l->max_files <= 1) {
		l->fd = open(l->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
	} else {
		for (int i = l->max_files - 1; i >= 1; i--) {
			if (i == 1)
				snprintf(from, sizeof(from), "%s", l->path);
			else
				snprintf(from, sizeof(from), "%s.%d", l->path, i - 1);
			snprintf(to, sizeof(to), "%s.%d", l->path, i);
			rename(from, to);
		}
		l->fd = open(l->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
	}
	l->size = 0;
}

/* One line as a JSON object, escaped into a static buffer: at worst 6
 * bytes per input byte, plus the frame. */
static void write_line(struct logfile *l, const char *stream, const char *s, size_t n)
{
	static char out[LOG_LINE_MAX * 6 + 128];
	static const char hex[] = "0123456789abcdef";
	char t[64];
	size_t o = 0;

	if (l->fd < 0)
		return;
	memcpy(out, "{\"log\":\"", 8);
	o = 8;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = c;
		} else if (c == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (c == '\r') {
			out[o++] = '\\';
			out[o++] = 'r';
		} else if (c == '\t') {
			out[o++] = '\\';
			out[o++] = 't';
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
		} else
			out[o++] = c; /* UTF-8 passes through */
	}
	container_time(container_now(), t, sizeof(t));
	o += snprintf(out + o, sizeof(out) - o, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream, t);
	if (l->max_size > 0 && l->size > 0 && l->size + (int64_t)o > l->max_size)
		rotate(l);
	for (size_t off = 0; off < o && l->fd >= 0;) {
		ssize_t k = write(l->fd, out + off, o - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break; /* a full disk loses lines, never stops the container */
		off += k;
	}
	l->size += o;
}

void logfile_feed(struct logfile *l, struct log_stream *st, const char *data, size_t n)
{
	while (n) {
		size_t take = n < sizeof(st->buf) - st->len ? n : sizeof(st->buf) - st->len;
		char *nl;

		memcpy(st->buf + st->len, data, take);
		st->len += take;
		data += take;
		n -= take;
		while ((nl = memchr(st->buf, '\n', st->len))) {
			size_t k = nl + 1 - st->buf;

			write_line(l, st->name, st->buf, k);
			memmove(st->buf, nl + 1, st->len - k);
			st->len -= k;
		}
		if (st->len == sizeof(st->buf)) { /* a line longer than the cap */
			write_line(l, st->name, st->buf, st->len);
			st->len = 0;
		}
	}
}

void logfile_flush(struct logfile *l)
{
	if (l->out.len)
		write_line(l, l->out.name, l->out.buf, l->out.len);
	if (l->err.len)
		write_line(l, l->err.name, l->err.buf, l->err.len);
	l->out.len = l->err.len = 0;
}

void logfile_close(struct logfile *l)
{
	logfile_flush(l);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
