/* push_parse.c - what a registry answers a push with: upload Range
 * values and error documents (see push.h). Apart from push.c so that the
 * fuzzer (tests/fuzz/fuzz_push.c) links them alone. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "push.h"

int push_parse_range(const char *s, int64_t *next)
{
	int64_t v = 0;
	size_t i = 0;

	if (!strncmp(s, "bytes=", 6))
		s += 6;
	if (s[0] != '0' || s[1] != '-')
		return -1;
	s += 2;
	for (; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 18)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (!i)
		return -1;
	*next = v + 1;
	return 0;
}

static void clean_copy(char *out, size_t cap, const char *s)
{
	size_t n = 0;

	for (; s && *s && n + 1 < cap; s++)
		out[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	out[n] = 0;
}

void push_error_text(const char *body, size_t n, char *out, size_t cap)
{
	struct json_doc d;
	uint32_t errs, e;
	char code[64], msg[256];

	if (!cap)
		return;
	out[0] = 0;
	if (!body || json_parse(&d, body, n))
		return;
	errs = json_get(&d, 0, "errors");
	e = errs && json_type(&d, errs) == JSON_ARRAY ? json_first(&d, errs) : 0;
	if (e && json_type(&d, e) == JSON_OBJECT) {
		clean_copy(code, sizeof(code), json_get_str(&d, e, "code"));
		clean_copy(msg, sizeof(msg), json_get_str(&d, e, "message"));
		snprintf(out, cap, "%s%s%s", code, code[0] && msg[0] ? ": " : "", msg);
	}
	json_free(&d);
}

