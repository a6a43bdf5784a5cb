/* json.h - a small, strict JSON reader and a writer, for OCI manifests,
 * indexes and image configs, and for boxcar's own metadata.
 *
 * Reading: json_parse() checks the whole text against RFC 8259 (no
 * trailing garbage, no control characters or invalid UTF-8 in strings,
 * no lone surrogates in \u escapes) and builds a flat array of nodes in
 * one allocation. The parse is iterative with an explicit stack, so a
 * hostile document cannot recurse us off the stack: nesting deeper than
 * JSON_MAX_DEPTH, more than JSON_MAX_NODES values or input larger than
 * JSON_MAX_INPUT is refused. Nodes are named by index; 0 is the root,
 * which is never a child, so 0 also means "none" in lookups.
 *
 * Writing: struct json_w appends to a growing buffer; keys come out in
 * the order they are written; pretty output indents like `docker
 * inspect` (4 spaces). Errors (memory, misuse) are sticky and reported
 * once by jw_finish().
 */
#ifndef BOXCAR_JSON_H
#define BOXCAR_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64
#define JSON_MAX_NODES (1u << 18)       /* 6 MiB of nodes on 64-bit */
#define JSON_MAX_INPUT (16u << 20)

enum json_type {
	JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING,
	JSON_ARRAY, JSON_OBJECT,
};

struct json_node {
	uint8_t type;
	uint32_t next;   /* next element, or next key of the object; 0: last */
	uint32_t len;    /* strings: decoded bytes; numbers: text length;
			  * arrays/objects: member count */
	const char *str; /* strings: decoded, NUL-terminated (may contain
			  * NUL: see len); numbers: the text, not terminated */
};

struct json_doc {
	struct json_node *nodes;
	uint32_t count;
	char *text;      /* private copy the strings point into */
};

/* Parse len bytes of buf. On error: -1, err_set() says what and where. */
int json_parse(struct json_doc *d, const char *buf, size_t len);
void json_free(struct json_doc *d);

static inline int json_type(const struct json_doc *d, uint32_t i)
{
	return d->nodes[i].type;
}

/* First element of an array, or first key of an object (its value is the
 * next index, key + 1); 0 when empty or not a container. Mind that i = 0
 * is the root: check a json_get() result before walking it. */
uint32_t json_first(const struct json_doc *d, uint32_t i);
/* The element or key after i; 0 at the end. */
static inline uint32_t json_next(const struct json_doc *d, uint32_t i)
{
	return d->nodes[i].next;
}
/* Value of key in object obj; 0 if absent or obj is not an object. A
 * repeated key yields the last one, as most parsers do. */
uint32_t json_get(const struct json_doc *d, uint32_t obj, const char *key);
/* The string at i as a C string; NULL if i is 0, not a string, or holds
 * a NUL (which no path, name or digest may contain). */
const char *json_str(const struct json_doc *d, uint32_t i);
/* Shorthand: json_str(d, json_get(d, obj, key)). */
const char *json_get_str(const struct json_doc *d, uint32_t obj, const char *key);
/* The number at i as an integer: 0, or -1 if not a number, not an integer
 * or out of range. */
int json_int(const struct json_doc *d, uint32_t i, int64_t *out);

/* Writer. */
struct json_w {
	char *buf;
	size_t len, cap;
	int err;          /* sticky: allocation failure or misuse */
	int pretty;
	int depth;
	int after_key;    /* a value for the key just written comes next */
	uint8_t count[JSON_MAX_DEPTH]; /* values written at each level (0, 1, many) */
	char close[JSON_MAX_DEPTH];    /* '}' or ']' */
};

void jw_init(struct json_w *w, int pretty);
void jw_obj(struct json_w *w);      /* { */
void jw_arr(struct json_w *w);      /* [ */
void jw_end(struct json_w *w);      /* } or ], whichever is open */
void jw_key(struct json_w *w, const char *key);
void jw_str(struct json_w *w, const char *s);
void jw_strn(struct json_w *w, const char *s, size_t n);
void jw_int(struct json_w *w, int64_t v);
void jw_bool(struct json_w *w, int v);
void jw_null(struct json_w *w);
/* key + value in one call, for the common case */
void jw_kstr(struct json_w *w, const char *key, const char *s);
void jw_kint(struct json_w *w, const char *key, int64_t v);
/* Close: adds a newline and a NUL (not counted in len). 0, or -1 with
 * err_set(); the buffer stays w->buf either way (free it). */
int jw_finish(struct json_w *w);
void jw_free(struct json_w *w);

#endif
