/* fuzz_http.c - libFuzzer target for core/http_parse.c.
 *
 * The input is a server's response: byte 0 picks how many bytes each read
 * of the transport returns (1..127, or everything) and whether the request
 * was HEAD; the rest is status line, headers and body, read to the end
 * through the body reader the way a pull reads a blob. Must never crash,
 * leak, hang or read past what it was given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "stream.h"

struct step_reader {
	struct reader r;
	const uint8_t *p;
	size_t len, step;
};

static ssize_t step_read(struct reader *r, void *buf, size_t n)
{
	struct step_reader *s = (struct step_reader *)r;

	if (n > s->step)
		n = s->step;
	if (n > s->len)
		n = s->len;
	memcpy(buf, s->p, n);
	s->p += n;
	s->len -= n;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_msg m;
	struct step_reader s = { { step_read, NULL }, NULL, 0, 0 };
	unsigned char buf[777];
	ssize_t got;
	uint64_t total = 0;

	if (size < 1)
		return 0;
	s.step = data[0] & 127 ? data[0] & 127 : SIZE_MAX;
	s.p = data + 1;
	s.len = size - 1;
	if (http_msg_begin(&m, &s.r, "fuzz", data[0] >> 7))
		return 0;
	if (m.head.status < 200 || m.head.status > 999 || m.head.count > HTTP_HEADERS_MAX ||
	    m.head.used > HTTP_HEAD_MAX)
		abort();
	for (unsigned i = 0; i < m.head.count; i++)
		if (!http_head_get(&m.head, m.head.buf + m.head.field[i].name, 0))
			abort();
	http_head_get(&m.head, "Location", 1);
	while ((got = reader_read(&m.body, buf, sizeof(buf))) > 0)
		total += got;
	if (total > size)
		abort();
	if (got == 0 && m.head.content_length >= 0 && !(data[0] >> 7) &&
	    m.head.status != 204 && m.head.status != 304 && total != (uint64_t)m.head.content_length)
		abort();
	http_msg_reusable(&m);
	return 0;
}
