/* fuzz_json.c - libFuzzer target for core/json.c.
 *
 * Parses the input; when it parses, walks every node the way callers do,
 * then writes the strings back out and checks the writer's output parses
 * too (the writer must escape whatever the reader let through).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_doc d, back;
	struct json_w w;
	int64_t v;

	if (json_parse(&d, (const char *)data, size))
		return 0;
	jw_init(&w, size & 1);
	jw_arr(&w);
	for (uint32_t i = 0; i < d.count; i++) {
		const struct json_node *n = &d.nodes[i];

		if (n->type == JSON_STRING) {
			jw_strn(&w, n->str, n->len);
			json_str(&d, i);
		} else if (n->type == JSON_NUMBER) {
			if (json_int(&d, i, &v) == 0)
				jw_int(&w, v);
		} else if (n->type == JSON_OBJECT) {
			json_get(&d, i, "mediaType");
			for (uint32_t k = json_first(&d, i); k; k = json_next(&d, k))
				if (d.nodes[k].type != JSON_STRING)
					abort();
		}
		if (n->next && (n->next <= i || n->next >= d.count))
			abort();
	}
	jw_end(&w);
	if (jw_finish(&w) || json_parse(&back, w.buf, w.len))
		abort();
	json_free(&back);
	jw_free(&w);
	json_free(&d);
	return 0;
}
