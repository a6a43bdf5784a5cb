/* json.c - strict JSON reader and writer (see json.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"

/* ---- reading ------------------------------------------------------------ */

struct parser {
	char *start, *p, *end;
	struct json_doc *d;
	uint32_t cap;
};

static int bad(struct parser *ps, const char *what)
{
	return err_setn(0, "bad JSON at byte %zu: %s", (size_t)(ps->p - ps->start), what);
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), or 0. */
static int utf8_len(const unsigned char *s, const unsigned char *end)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	int n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (end - s < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static char *utf8_put(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = cp;
	} else if (cp < 0x800) {
		*o++ = 0xc0 | cp >> 6;
		*o++ = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		*o++ = 0xe0 | cp >> 12;
		*o++ = 0x80 | (cp >> 6 & 0x3f);
		*o++ = 0x80 | (cp & 0x3f);
	} else {
		*o++ = 0xf0 | cp >> 18;
		*o++ = 0x80 | (cp >> 12 & 0x3f);
		*o++ = 0x80 | (cp >> 6 & 0x3f);
		*o++ = 0x80 | (cp & 0x3f);
	}
	return o;
}

static int hex4(const char *s, const char *end, uint32_t *out)
{
	uint32_t v = 0;

	if (end - s < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static long new_node(struct parser *ps, int type)
{
	struct json_doc *d = ps->d;

	if (d->count == ps->cap) {
		uint32_t cap = ps->cap ? ps->cap * 2 : 64;
		struct json_node *n;

		if (ps->cap >= JSON_MAX_NODES)
			return bad(ps, "too many values");
		if (cap > JSON_MAX_NODES)
			cap = JSON_MAX_NODES;
		n = realloc(d->nodes, cap * sizeof(*n));
		if (!n)
			return err_set("JSON: out of memory");
		d->nodes = n;
		ps->cap = cap;
	}
	memset(&d->nodes[d->count], 0, sizeof(d->nodes[0]));
	d->nodes[d->count].type = type;
	return d->count++;
}

/* The string after the opening quote at ps->p, decoded in place: every
 * escape is at least as long as what it stands for, so the output never
 * overtakes the input, and the closing quote's byte can hold the NUL. */
static int parse_string(struct parser *ps, struct json_node *n)
{
	char *o = ++ps->p;

	n->str = o;
	for (;;) {
		unsigned char c;
		uint32_t cp, lo;
		int k;

		if (ps->p >= ps->end)
			return bad(ps, "unterminated string");
		c = *ps->p;
		if (c == '"')
			break;
		if (c < 0x20)
			return bad(ps, "control character in string");
		if (c >= 0x80) {
			k = utf8_len((unsigned char *)ps->p, (unsigned char *)ps->end);
			if (!k)
				return bad(ps, "invalid UTF-8 in string");
			memmove(o, ps->p, k);
			o += k, ps->p += k;
			continue;
		}
		if (c != '\\') {
			*o++ = c, ps->p++;
			continue;
		}
		if (++ps->p >= ps->end)
			return bad(ps, "unterminated string");
		switch (*ps->p++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (hex4(ps->p, ps->end, &cp))
				return bad(ps, "bad \\u escape");
			ps->p += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return bad(ps, "lone low surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u'
				    || hex4(ps->p + 2, ps->end, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return bad(ps, "lone high surrogate");
				ps->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			o = utf8_put(o, cp);
			break;
		default:
			ps->p--;
			return bad(ps, "bad escape");
		}
	}
	*o = 0;
	n->len = o - n->str;
	ps->p++;
	return 0;
}

static int is_digit(struct parser *ps)
{
	return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? : checked, kept as text. */
static int parse_number(struct parser *ps, struct json_node *n)
{
	char *s = ps->p;

	if (*ps->p == '-')
		ps->p++;
	if (!is_digit(ps))
		return bad(ps, "bad number");
	if (*ps->p++ != '0')
		while (is_digit(ps))
			ps->p++;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!is_digit(ps))
			return bad(ps, "bad number");
		while (is_digit(ps))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!is_digit(ps))
			return bad(ps, "bad number");
		while (is_digit(ps))
			ps->p++;
	}
	n->str = s;
	n->len = ps->p - s;
	return 0;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n'
				   || *ps->p == '\r'))
		ps->p++;
}

static int literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return bad(ps, "unexpected character");
	ps->p += n;
	return 0;
}

/* One value at ps->p, whose node is i: scalars whole, containers opened. */
static int parse_scalar(struct parser *ps, long i)
{
	struct json_node *n = &ps->d->nodes[i];

	switch (n->type) {
	case JSON_STRING: return parse_string(ps, n);
	case JSON_NUMBER: return parse_number(ps, n);
	case JSON_TRUE: return literal(ps, "true");
	case JSON_FALSE: return literal(ps, "false");
	case JSON_NULL: return literal(ps, "null");
	}
	ps->p++; /* [ or { */
	return 0;
}

static int value_type(int c)
{
	switch (c) {
	case '{': return JSON_OBJECT;
	case '[': return JSON_ARRAY;
	case '"': return JSON_STRING;
	case 't': return JSON_TRUE;
	case 'f': return JSON_FALSE;
	case 'n': return JSON_NULL;
	}
	return c == '-' || (c >= '0' && c <= '9') ? JSON_NUMBER : -1;
}

/* Iterative: stack[] holds the open containers, last[] their latest
 * child, so that child's next can be pointed at the one that follows. */
int json_parse(struct json_doc *d, const char *buf, size_t len)
{
	enum { WANT_VALUE, WANT_KEY, AFTER_VALUE } state = WANT_VALUE;
	uint32_t stack[JSON_MAX_DEPTH], last[JSON_MAX_DEPTH];
	struct parser ps;
	int depth = 0;

	memset(d, 0, sizeof(*d));
	if (len > JSON_MAX_INPUT)
		return err_setn(EFBIG, "JSON document larger than %u bytes", JSON_MAX_INPUT);
	d->text = malloc(len + 1);
	if (!d->text)
		return err_set("JSON: out of memory");
	memcpy(d->text, buf, len);
	d->text[len] = 0;
	ps = (struct parser){ d->text, d->text, d->text + len, d, 0 };

	for (;;) {
		long i;
		int t;

		skip_ws(&ps);
		if (state == AFTER_VALUE) {
			char close;

			if (!depth)
				break;
			close = d->nodes[stack[depth - 1]].type == JSON_OBJECT ? '}' : ']';
			if (ps.p < ps.end && *ps.p == ',') {
				ps.p++;
				state = close == '}' ? WANT_KEY : WANT_VALUE;
			} else if (ps.p < ps.end && *ps.p == close) {
				ps.p++;
				depth--;
			} else if (ps.p >= ps.end)
				goto truncated;
			else {
				bad(&ps, close == '}' ? "expected , or }" : "expected , or ]");
				goto fail;
			}
			continue;
		}
		if (ps.p >= ps.end)
			goto truncated;
		if (state == WANT_KEY && *ps.p != '"') {
			bad(&ps, "expected a string key");
			goto fail;
		}
		t = value_type((unsigned char)*ps.p);
		if (t < 0) {
			bad(&ps, "expected a value");
			goto fail;
		}
		if ((i = new_node(&ps, t)) < 0 || parse_scalar(&ps, i))
			goto fail;
		/* Link elements and keys to their parent; an object's value
		 * is simply the node after its key. */
		if (depth && (state == WANT_KEY || d->nodes[stack[depth - 1]].type == JSON_ARRAY)) {
			if (d->nodes[stack[depth - 1]].len++)
				d->nodes[last[depth - 1]].next = i;
			last[depth - 1] = i;
		}
		if (state == WANT_KEY) {
			skip_ws(&ps);
			if (ps.p >= ps.end)
				goto truncated;
			if (*ps.p != ':') {
				bad(&ps, "expected :");
				goto fail;
			}
			ps.p++;
			state = WANT_VALUE;
			continue;
		}
		if (t != JSON_OBJECT && t != JSON_ARRAY) {
			state = AFTER_VALUE;
			continue;
		}
		if (depth == JSON_MAX_DEPTH) {
			bad(&ps, "nested too deep");
			goto fail;
		}
		stack[depth++] = i;
		skip_ws(&ps);
		if (ps.p < ps.end && *ps.p == (t == JSON_OBJECT ? '}' : ']')) {
			ps.p++;
			depth--;
			state = AFTER_VALUE;
		} else
			state = t == JSON_OBJECT ? WANT_KEY : WANT_VALUE;
	}
	if (ps.p != ps.end) {
		bad(&ps, "trailing characters after the value");
		goto fail;
	}
	return 0;
truncated:
	bad(&ps, "unexpected end of document");
fail:
	json_free(d);
	return -1;
}

void json_free(struct json_doc *d)
{
	free(d->nodes);
	free(d->text);
	memset(d, 0, sizeof(*d));
}

uint32_t json_first(const struct json_doc *d, uint32_t i)
{
	const struct json_node *n = &d->nodes[i];

	return (n->type == JSON_ARRAY || n->type == JSON_OBJECT) && n->len ? i + 1 : 0;
}

uint32_t json_get(const struct json_doc *d, uint32_t obj, const char *key)
{
	size_t n = strlen(key);
	uint32_t k, found = 0;

	if (d->nodes[obj].type != JSON_OBJECT)
		return 0;
	for (k = json_first(d, obj); k; k = json_next(d, k))
		if (d->nodes[k].len == n && !memcmp(d->nodes[k].str, key, n))
			found = k + 1;
	return found;
}

const char *json_str(const struct json_doc *d, uint32_t i)
{
	const struct json_node *n = &d->nodes[i];

	if (!i || n->type != JSON_STRING || strlen(n->str) != n->len)
		return NULL;
	return n->str;
}

const char *json_get_str(const struct json_doc *d, uint32_t obj, const char *key)
{
	return json_str(d, json_get(d, obj, key));
}

int json_int(const struct json_doc *d, uint32_t i, int64_t *out)
{
	const struct json_node *n = &d->nodes[i];
	const char *s = n->str, *e;
	int neg = 0;
	uint64_t v = 0, lim;

	if (!i || n->type != JSON_NUMBER)
		return -1;
	e = s + n->len; /* not before: an object's or null's str is NULL */
	if (*s == '-')
		neg = 1, s++;
	lim = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (lim - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

void jw_init(struct json_w *w, int pretty)
{
	memset(w, 0, sizeof(*w));
	w->pretty = pretty;
}

static void put(struct json_w *w, const char *s, size_t n)
{
	if (w->err)
		return;
	if (w->cap - w->len < n + 2) { /* + newline and NUL of jw_finish */
		size_t cap = w->cap ? w->cap : 256;
		char *b;

		while (cap - w->len < n + 2)
			cap *= 2;
		b = realloc(w->buf, cap);
		if (!b) {
			w->err = ENOMEM;
			return;
		}
		w->buf = b, w->cap = cap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void indent(struct json_w *w)
{
	if (!w->pretty)
		return;
	put(w, "\n", 1);
	for (int i = 0; i < w->depth; i++)
		put(w, "    ", 4);
}

/* Comma and indentation before a value or key. */
static void sep(struct json_w *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (!w->depth) {
		if (w->len)
			w->err = EINVAL; /* a second top-level value */
		return;
	}
	if (w->close[w->depth - 1] == '}') {
		/* a value in an object needs a key first */
		w->err = EINVAL;
		return;
	}
	if (w->count[w->depth - 1])
		put(w, ",", 1);
	w->count[w->depth - 1] = 1;
	indent(w);
}

static void open_c(struct json_w *w, char open, char close)
{
	sep(w);
	if (w->depth == JSON_MAX_DEPTH) {
		w->err = EINVAL;
		return;
	}
	put(w, &open, 1);
	w->close[w->depth] = close;
	w->count[w->depth++] = 0;
}

void jw_obj(struct json_w *w)
{
	open_c(w, '{', '}');
}

void jw_arr(struct json_w *w)
{
	open_c(w, '[', ']');
}

void jw_end(struct json_w *w)
{
	if (!w->depth || w->after_key) {
		w->err = EINVAL;
		return;
	}
	w->depth--;
	if (w->count[w->depth])
		indent(w);
	put(w, &w->close[w->depth], 1);
}

/* Escape as JSON needs; bytes that are not UTF-8 (file names can be
 * anything) become U+FFFD so the output always parses. */
static void put_string(struct json_w *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *e = p + n;

	put(w, "\"", 1);
	while (p < e) {
		const unsigned char *run = p;
		char esc[6] = "\\u00";
		int k;

		while (p < e) {
			if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
				p++;
			else if (*p >= 0x80 && (k = utf8_len(p, e)))
				p += k;
			else
				break;
		}
		put(w, (const char *)run, p - run);
		if (p >= e)
			break;
		if (*p >= 0x80) {
			put(w, "\\ufffd", 6);
		} else if (*p == '"' || *p == '\\') {
			esc[1] = *p;
			put(w, esc, 2);
		} else if (*p == '\n') {
			put(w, "\\n", 2);
		} else if (*p == '\t') {
			put(w, "\\t", 2);
		} else if (*p == '\r') {
			put(w, "\\r", 2);
		} else {
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			put(w, esc, 6);
		}
		p++;
	}
	put(w, "\"", 1);
}

void jw_key(struct json_w *w, const char *key)
{
	if (!w->depth || w->close[w->depth - 1] != '}' || w->after_key) {
		w->err = EINVAL;
		return;
	}
	if (w->count[w->depth - 1])
		put(w, ",", 1);
	w->count[w->depth - 1] = 1;
	indent(w);
	put_string(w, key, strlen(key));
	put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
	w->after_key = 1;
}

void jw_strn(struct json_w *w, const char *s, size_t n)
{
	sep(w);
	put_string(w, s, n);
}

void jw_str(struct json_w *w, const char *s)
{
	jw_strn(w, s, strlen(s));
}

void jw_int(struct json_w *w, int64_t v)
{
	char b[24];

	sep(w);
	put(w, b, snprintf(b, sizeof(b), "%lld", (long long)v));
}

void jw_bool(struct json_w *w, int v)
{
	sep(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct json_w *w)
{
	sep(w);
	put(w, "null", 4);
}

void jw_kstr(struct json_w *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void jw_kint(struct json_w *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}

int jw_finish(struct json_w *w)
{
	if (!w->err && (w->depth || w->after_key || !w->len))
		w->err = EINVAL;
	if (w->err)
		return err_setn(w->err, "writing JSON");
	w->buf[w->len++] = '\n';
	w->buf[w->len] = 0;
	return 0;
}

void jw_free(struct json_w *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}
