/* Unit tests for core/rematch.c: the regular expressions ps -f name=
 * takes, read as Go's regexp reads them (or refused). */
#include "rematch.h"
#include "unit.h"

static const struct { const char *pat, *s; int want; } cases[] = {
	{ "web", "my-web-1", 1 },     { "web", "db", 0 },
	{ "^web", "web-1", 1 },       { "^web", "my-web", 0 },
	{ "web$", "my-web", 1 },      { "web$", "web-1", 0 },
	{ "^web$", "web", 1 },        { "^web$", "web1", 0 },
	{ "w.b", "wxb", 1 },          { "^w.*1$", "web-1", 1 },
	{ "^w.*1$", "web-2", 0 },     { "[0-9]$", "web-1", 1 },
	{ "[^0-9]$", "web-1", 0 },    { "^[a-c-]+$", "a-b", 1 },
	{ "^[a-c]+$", "abd", 0 },     { "\\d+", "ab12", 1 },
	{ "^\\w+$", "a_b", 1 },       { "^\\w+$", "a-b", 0 },
	{ "^ab?c$", "ac", 1 },        { "^ab+c$", "ac", 0 },
	{ "^ab*c$", "abbbc", 1 },     { "web|db", "db1", 1 },
	{ "^web$|^db$", "db", 1 },    { "^web$|^db$", "db1", 0 },
	{ "[|]", "a|b", 1 },          { "a\\.b", "axb", 0 },
	{ "a\\.b", "a.b", 1 },        { "", "anything", 1 },
	{ "^$", "x", 0 },             { "[]a]", "]", 1 },
};

int main(void)
{
	char name[96];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "'%s' on '%s'", cases[i].pat, cases[i].s);
		CHECK(name, !rematch_check(cases[i].pat)
		      && rematch(cases[i].pat, cases[i].s) == cases[i].want);
	}
	CHECK("a group is refused", rematch_check("^(web)$") < 0);
	CHECK("a leading * is refused", rematch_check("*a") < 0);
	CHECK("a nested repetition is refused", rematch_check("a**") < 0);
	CHECK("an open class is refused", rematch_check("[a-") < 0);
	CHECK("a trailing backslash is refused", rematch_check("a\\") < 0);
	CHECK("an inner anchor is refused", rematch_check("a^b") < 0);
	return UNIT_DONE();
}
