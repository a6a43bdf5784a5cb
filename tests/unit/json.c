/* Unit tests for core/json.c: what a strict reader accepts and refuses,
 * and that the writer's output reads back. */
#include <stdlib.h>

#include "err.h"
#include "json.h"
#include "unit.h"

static int parses(const char *s)
{
	struct json_doc d;

	if (json_parse(&d, s, strlen(s)))
		return 0;
	json_free(&d);
	return 1;
}

static void accept(const char *name, const char *s)
{
	CHECK(name, parses(s));
}

static void refuse(const char *name, const char *s)
{
	CHECK(name, !parses(s));
}

static void reading(void)
{
	const char *m = "{ \"schemaVersion\": 2, \"config\": {\"digest\": \"sha256:ab\", "
			"\"size\": 1234}, \"layers\": [ {\"size\": 1}, {\"size\": 2}, "
			"{\"size\": 3} ], \"a\": 1, \"a\": \"last\" }";
	struct json_doc d;
	int64_t v = 0, sum = 0;
	uint32_t i, n = 0;

	CHECK("manifest parses", json_parse(&d, m, strlen(m)) == 0);
	CHECK("root is an object", json_type(&d, 0) == JSON_OBJECT);
	CHECK("int field", json_int(&d, json_get(&d, 0, "schemaVersion"), &v) == 0 && v == 2);
	CHECK_STR("nested string", json_get_str(&d, json_get(&d, 0, "config"), "digest"),
		  "sha256:ab");
	for (i = json_first(&d, json_get(&d, 0, "layers")); i; i = json_next(&d, i)) {
		json_int(&d, json_get(&d, i, "size"), &v);
		sum += v, n++;
	}
	CHECK("array walk", n == 3 && sum == 6);
	CHECK("missing key is 0", json_get(&d, 0, "nope") == 0);
	CHECK("json_get on an array is 0", json_get(&d, json_get(&d, 0, "layers"), "x") == 0);
	CHECK_STR("repeated key: the last wins", json_get_str(&d, 0, "a"), "last");
	CHECK("members counted", d.nodes[0].len == 5);
	json_free(&d);

	const char *e = "[\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\", \"x\\u0000y\", 1.5e3, -0, "
			"true, false, null, [], {}]";
	CHECK("escapes parse", json_parse(&d, e, strlen(e)) == 0);
	i = json_first(&d, 0);
	CHECK_STR("escapes decode", json_str(&d, i), "a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80");
	i = json_next(&d, i);
	CHECK("string with NUL: no C string", json_str(&d, i) == NULL && d.nodes[i].len == 3);
	i = json_next(&d, i);
	CHECK("1.5e3 is not an int", json_type(&d, i) == JSON_NUMBER && json_int(&d, i, &v) < 0);
	i = json_next(&d, i);
	CHECK("-0 is 0", json_int(&d, i, &v) == 0 && v == 0);
	i = json_next(&d, i);
	CHECK("true", json_type(&d, i) == JSON_TRUE);
	i = json_next(&d, json_next(&d, json_next(&d, i)));
	CHECK("empty array", json_type(&d, i) == JSON_ARRAY && json_first(&d, i) == 0);
	i = json_next(&d, i);
	CHECK("empty object, last", json_type(&d, i) == JSON_OBJECT && json_next(&d, i) == 0);
	json_free(&d);

	const char *big = "[9223372036854775807, -9223372036854775808, 9223372036854775808]";
	CHECK("int64 limits parse", json_parse(&d, big, strlen(big)) == 0);
	i = json_first(&d, 0);
	CHECK("INT64_MAX", json_int(&d, i, &v) == 0 && v == INT64_MAX);
	i = json_next(&d, i);
	CHECK("INT64_MIN", json_int(&d, i, &v) == 0 && v == INT64_MIN);
	CHECK("overflow refused", json_int(&d, json_next(&d, i), &v) < 0);
	json_free(&d);

	accept("scalar document", " \"x\" ");
	accept("number document", "0");
	accept("UTF-8 in strings", "\"\xe2\x82\xac \xf4\x8f\xbf\xbf\"");
	refuse("empty input", "");
	refuse("whitespace only", "  ");
	refuse("trailing garbage", "{} x");
	refuse("two values", "1 2");
	refuse("trailing comma in array", "[1,]");
	refuse("trailing comma in object", "{\"a\":1,}");
	refuse("missing colon", "{\"a\" 1}");
	refuse("unquoted key", "{a:1}");
	refuse("single quotes", "['a']");
	refuse("leading zero", "01");
	refuse("bare minus", "-");
	refuse("dot without digits", "1.");
	refuse("exponent without digits", "1e+");
	refuse("plus sign", "+1");
	refuse("NaN", "NaN");
	refuse("truncated literal", "tru");
	refuse("truncated object", "{\"a\":");
	refuse("truncated string", "\"abc");
	refuse("truncated escape", "\"\\u12");
	refuse("bad escape", "\"\\x\"");
	refuse("raw control char", "\"a\tb\"");
	refuse("lone high surrogate", "\"\\ud800\"");
	refuse("high surrogate then letter", "\"\\ud800x\"");
	refuse("lone low surrogate", "\"\\udc00\"");
	refuse("two high surrogates", "\"\\ud800\\ud800\"");
	refuse("overlong UTF-8", "\"\xc0\xaf\"");
	refuse("UTF-8 surrogate", "\"\xed\xa0\x80\"");
	refuse("above U+10FFFF", "\"\xf4\x90\x80\x80\"");
	refuse("truncated UTF-8", "\"\xe2\x82\"");
	refuse("mismatched close", "[}");
	refuse("close without open", "]");
	CHECK("NUL byte in the text refused", json_parse(&d, "[1]\0", 4) < 0);
	CHECK("error says where", strstr(err_msg(), "byte 3") != NULL);

	/* Depth: exactly the limit is fine, one more is refused. */
	char deep[2 * JSON_MAX_DEPTH + 3];
	for (int k = 0; k < JSON_MAX_DEPTH; k++)
		deep[k] = '[', deep[JSON_MAX_DEPTH + k] = ']';
	deep[2 * JSON_MAX_DEPTH] = 0;
	accept("nesting at the limit", deep);
	char *deeper = malloc(200001);
	memset(deeper, '[', 100000);
	memset(deeper + 100000, ']', 100000);
	deeper[200000] = 0;
	refuse("deep nesting refused, no crash", deeper);
	CHECK("deep nesting message", strstr(err_msg(), "too deep") != NULL);
	free(deeper);
}

static void writing(void)
{
	struct json_w w;
	struct json_doc d;

	jw_init(&w, 0);
	jw_obj(&w);
	jw_kstr(&w, "b", "q\"\\\n\x01\xff\xc3\xa9");
	jw_kint(&w, "a", -5);
	jw_key(&w, "l");
	jw_arr(&w);
	jw_str(&w, "x");
	jw_null(&w);
	jw_bool(&w, 1);
	jw_obj(&w);
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
	CHECK("compact finishes", jw_finish(&w) == 0);
	CHECK_STR("compact output, keys in order",
		  w.buf, "{\"b\":\"q\\\"\\\\\\n\\u0001\\ufffd\xc3\xa9\",\"a\":-5,"
		  "\"l\":[\"x\",null,true,{}]}\n");
	CHECK("output reads back", json_parse(&d, w.buf, w.len) == 0);
	CHECK_STR("round trip", json_get_str(&d, 0, "b"), "q\"\\\n\x01\xef\xbf\xbd\xc3\xa9");
	json_free(&d);
	jw_free(&w);

	jw_init(&w, 1);
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "Id", "x");
	jw_key(&w, "E");
	jw_arr(&w);
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
	CHECK("pretty finishes", jw_finish(&w) == 0);
	CHECK_STR("pretty output", w.buf, "[\n    {\n        \"Id\": \"x\",\n        \"E\": []\n    }\n]\n");
	jw_free(&w);

	jw_init(&w, 0);
	jw_obj(&w);
	jw_str(&w, "value without a key");
	jw_end(&w);
	CHECK("misuse is reported", jw_finish(&w) < 0);
	jw_free(&w);
	jw_init(&w, 0);
	jw_arr(&w);
	CHECK("unclosed is reported", jw_finish(&w) < 0);
	jw_free(&w);
}

int main(void)
{
	reading();
	writing();
	return UNIT_DONE();
}
