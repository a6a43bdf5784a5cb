/* Unit tests for the Go durations --health-* take (health.c over
 * when.c's parser, integers only: no strtod). */
#include <stdint.h>

#include "health.h"
#include "unit.h"

static int64_t ms(const char *s)
{
	int64_t v;

	return health_parse_duration(s, &v) ? -1 : v;
}

int main(void)
{
	CHECK("seconds", ms("30s") == 30000);
	CHECK("minutes and seconds", ms("1m30s") == 90000);
	CHECK("milliseconds, not minutes", ms("500ms") == 500);
	CHECK("a fraction of an hour", ms("1.5h") == 5400000);
	CHECK("a leading dot", ms(".5s") == 500);
	CHECK("microseconds round to the nearest ms", ms("1500us") == 2 && ms("1.5us") == 0);
	CHECK("nanoseconds", ms("2000000ns") == 2);
	CHECK("a bare 0", ms("0") == 0);
	CHECK("a leading plus, as Go takes it", ms("+5s") == 5000);
	CHECK("no unit", ms("5") == -1);
	CHECK("a word", ms("soon") == -1);
	CHECK("empty", ms("") == -1);
	CHECK("negative", ms("-5s") == -1 && ms("1m-5s") == -1);
	CHECK("an exponent, which Go refuses too", ms("1e3s") == -1);
	CHECK("leading blanks", ms(" 5s") == -1);
	CHECK("too long", ms("300000000h") == -1);
	return UNIT_DONE();
}
