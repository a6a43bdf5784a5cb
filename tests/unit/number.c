/* Unit tests for core/number.c and its users: --cpus and memory sizes,
 * parsed without strtod, and the integers of options and records. */
#include <errno.h>
#include <stdint.h>

#include "cgroup.h"
#include "human.h"
#include "number.h"
#include "unit.h"

static uint64_t fixed(const char *s, uint64_t unit)
{
	uint64_t v = 12345;

	return number_parse_fixed(s, unit, UINT64_MAX, &v, NULL) ? UINT64_MAX : v;
}

/* number_int takes s as want; refused: it fails with errno err, v untouched. */
static int integer(const char *s, int64_t min, int64_t max, int flags, int64_t want)
{
	int64_t v = 12345;

	return !number_int(s, min, max, flags, &v) && v == want;
}

static int refused(const char *s, int64_t min, int64_t max, int flags, int err)
{
	int64_t v = 12345;

	errno = 0;
	return number_int(s, min, max, flags, &v) < 0 && errno == err && v == 12345;
}

static int64_t size(const char *s)
{
	int64_t v;

	return human_parse_size(s, &v) ? -1 : v;
}

static int64_t cpus(const char *s)
{
	int64_t v;

	return cgroup_parse_cpus(s, &v) ? -1 : v;
}

int main(void)
{
	const char *end;
	uint64_t v;

	CHECK("integer", fixed("42", 1) == 42);
	CHECK("fraction scaled", fixed("1.5", 1000) == 1500);
	CHECK("fraction truncated", fixed("0.0019", 1000) == 1);
	CHECK("leading dot", fixed(".5", 10) == 5);
	CHECK("trailing dot", fixed("5.", 10) == 50);
	CHECK("many fraction digits", fixed("0.99999999999999999999999", 1000) == 999);
	CHECK("binary unit", fixed("1.5", 1024) == 1536);
	CHECK("floor of a non-dyadic fraction", fixed("0.1", 1024) == 102);
	CHECK("no digits", fixed("", 1) == UINT64_MAX && errno == EINVAL);
	CHECK("a lone dot", fixed(".", 1) == UINT64_MAX);
	CHECK("a sign", fixed("-1", 1) == UINT64_MAX && fixed("+1", 1) == UINT64_MAX);
	CHECK("blanks first", fixed(" 1", 1) == UINT64_MAX);
	CHECK("end after the number",
	      !number_parse_fixed("2.5kb", 1, 100, &v, &end) && v == 2 && *end == 'k');
	CHECK("over max", number_parse_fixed("101", 1, 100, &v, NULL) < 0 && errno == ERANGE);
	CHECK("over max by the scaling",
	      number_parse_fixed("0.5", 1000, 499, &v, NULL) < 0 && errno == ERANGE);
	CHECK("64 bits overflow", fixed("18446744073709551616", 1) == UINT64_MAX);
	CHECK("product overflow", fixed("18446744073709551", 10000) == UINT64_MAX);

	CHECK("int: 0 and 42", integer("0", 0, 100, 0, 0) && integer("42", 0, 100, 0, 42));
	CHECK("int: leading zeros", integer("007", 0, 100, 0, 7));
	CHECK("int: min and max", integer("2", 2, 9, 0, 2) && integer("9", 2, 9, 0, 9));
	CHECK("int: below min, above max",
	      refused("1", 2, 9, 0, ERANGE) && refused("10", 2, 9, 0, ERANGE));
	CHECK("int: negative when min < 0", integer("-1", -1, 9, 0, -1));
	CHECK("int: below a negative min", refused("-2", -1, 9, 0, ERANGE));
	CHECK("int: no '-' when min >= 0",
	      refused("-1", 0, 9, 0, EINVAL) && refused("-0", 0, 9, 0, EINVAL));
	CHECK("int: negative max", integer("-5", -10, -1, 0, -5) && refused("0", -10, -1, 0, ERANGE));
	CHECK("int: empty", refused("", 0, 9, 0, EINVAL));
	CHECK("int: a lone sign", refused("-", -9, 9, 0, EINVAL) && refused("+", -9, 9, 0, EINVAL));
	CHECK("int: no '+'", refused("+1", 0, 9, 0, EINVAL) && refused("+1", -9, 9, 0, EINVAL));
	CHECK("int: no blanks", refused(" 1", 0, 9, 0, EINVAL) && refused("1 ", 0, 9, 0, EINVAL));
	CHECK("int: junk after", refused("1x", 0, 9, 0, EINVAL) && refused("1.0", 0, 9, 0, EINVAL));
	CHECK("int: no hex or octal prefix",
	      refused("0x10", 0, 99, 0, EINVAL) && integer("010", 0, 99, 0, 10));
	CHECK("int: int64 edges", integer("9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX)
	      && integer("-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN));
	CHECK("int: past int64", refused("9223372036854775808", INT64_MIN, INT64_MAX, 0, ERANGE)
	      && refused("-9223372036854775809", INT64_MIN, INT64_MAX, 0, ERANGE));
	CHECK("int: past 64 bits", refused("18446744073709551616", 0, INT64_MAX, 0, ERANGE)
	      && refused("99999999999999999999999999", 0, INT64_MAX, 0, ERANGE));
	CHECK("int: junk after an overflow",
	      refused("99999999999999999999x", 0, INT64_MAX, 0, EINVAL));
	CHECK("int: strtol's blanks and signs",
	      integer(" \t\n1", 0, 9, NUMBER_STRTOL, 1) && integer("+1", 0, 9, NUMBER_STRTOL, 1)
	      && integer("-0", 0, 9, NUMBER_STRTOL, 0) && integer("-1", -1, 9, NUMBER_STRTOL, -1));
	CHECK("int: strtol's '-' is still bounded", refused("-1", 0, 9, NUMBER_STRTOL, ERANGE));
	CHECK("int: strtol's, but whole",
	      refused("1 ", 0, 9, NUMBER_STRTOL, EINVAL) && refused(" ", 0, 9, NUMBER_STRTOL, EINVAL)
	      && refused("+-1", -9, 9, NUMBER_STRTOL, EINVAL)
	      && refused("- 1", -9, 9, NUMBER_STRTOL, EINVAL));

	CHECK("size: bytes", size("512") == 512);
	CHECK("size: 64m", size("64m") == 64 << 20);
	CHECK("size: 1.5g", size("1.5g") == 3ll << 29);
	CHECK("size: 512KiB", size("512KiB") == 512 << 10);
	CHECK("size: 2MB", size("2MB") == 2 << 20);
	CHECK("size: 1.1m floors", size("1.1m") == 1153433);
	CHECK("size: 8e is too big", size("8e") < 0);
	CHECK("size: 8192p is too big", size("8192p") < 0);
	CHECK("size: 8191p fits", size("8191p") == 8191ll << 50);
	CHECK("size: unknown unit", size("5x") < 0 && size("5mx") < 0);
	CHECK("size: negative", size("-5m") < 0);
	CHECK("size: two dots", size("1.5.3m") < 0);
	CHECK("size: empty", size("") < 0 && size("m") < 0);

	CHECK("cpus: 1.5", cpus("1.5") == 1500);
	CHECK("cpus: 0.01 is the least", cpus("0.01") == 10 && cpus("0.0099") < 0);
	CHECK("cpus: rounded to thousandths", cpus("0.0125") == 13 && cpus("2.0004") == 2000);
	CHECK("cpus: 1000000 is the most", cpus("1000000") == 1000000000 &&
	      cpus("1000000.001") < 0);
	CHECK("cpus: junk", cpus("1.5x") < 0 && cpus("") < 0 && cpus("-1") < 0);
	return UNIT_DONE();
}
