/* Unit tests for core/template.c: {{.Field}} and {{json .Field}}. */
#include <stdlib.h>

#include "err.h"
#include "json.h"
#include "template.h"
#include "unit.h"

static struct json_doc d;

/* Render into a string (a static buffer). */
static const char *render(const char *t)
{
	static char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	if (!f)
		return NULL;
	if (template_render(t, &d, 0, f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	return buf;
}

int main(void)
{
	const char *j = "{\"Id\":\"abc\",\"State\":{\"Pid\":42,\"Running\":true,\"Error\":\"\"},"
			"\"Args\":[\"-c\",\"x y\"],\"Labels\":{\"a\":\"1\",\"b\":\"2\"},\"Nil\":null}";

	if (json_parse(&d, j, strlen(j)))
		return 1;
	CHECK_STR("plain text", render("hello"), "hello");
	CHECK_STR("a field", render("{{.Id}}"), "abc");
	CHECK_STR("nested", render("{{.State.Pid}} {{.State.Running}}"), "42 true");
	CHECK_STR("spaces inside braces", render("{{ .Id }}"), "abc");
	CHECK_STR("\\t and \\n", render("{{.Id}}\\t{{.Id}}\\n"), "abc\tabc\n");
	CHECK_STR("array, Go style", render("{{.Args}}"), "[-c x y]");
	CHECK_STR("object, Go style", render("{{.Labels}}"), "map[a:1 b:2]");
	CHECK_STR("null", render("{{.Nil}}"), "<nil>");
	CHECK_STR("missing", render("{{.Nope}}|{{.State.Nope}}|{{.Id.Deeper}}"),
		  "<no value>|<no value>|<no value>");
	CHECK_STR("json of an array", render("{{json .Args}}"), "[\"-c\",\"x y\"]");
	CHECK_STR("json of an object", render("{{json .State}}"),
		  "{\"Pid\":42,\"Running\":true,\"Error\":\"\"}");
	CHECK_STR("json of a string", render("{{json .Id}}"), "\"abc\"");
	CHECK_STR("json of the whole", render("{{json .}}") ? "ok" : NULL, "ok");
	CHECK("unclosed action", render("{{.Id") == NULL);
	CHECK("range refused", template_check("{{range .Args}}{{.}}{{end}}") < 0);
	CHECK("pipes refused", template_check("{{.Id | upper}}") < 0);
	CHECK("plain ok", template_check("x {{.A.B}} {{json .C}}") == 0);
	json_free(&d);
	return UNIT_DONE();
}
