/* Unit tests for core/vfprintf.c (printf without floating point) and
 * human.c's integer "%g"/"%f": each expected string is what glibc's
 * printf (or Python's, for the doubles) wrote for the same call. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "human.h"
#include "unit.h"

/* through a pointer, so gcc neither folds the calls nor checks formats
 * this test gets wrong on purpose */
static int (*volatile sn)(char *, size_t, const char *, ...) = snprintf;

#define T(want, n, ...) do { \
	char b_[512]; \
	int r_ = sn(b_, sizeof(b_), __VA_ARGS__); \
	CHECK_STR(#__VA_ARGS__, b_, want); \
	CHECK("return value of " #__VA_ARGS__, r_ == n); \
} while (0)

static const struct { int64_t n; const char *dec, *bin; } sizes[] = {
	{ 0LL, "0B", "0B" },
	{ 1LL, "1B", "1B" },
	{ 999LL, "999B", "999B" },
	{ 1000LL, "1kB", "1000B" },
	{ 1234LL, "1.23kB", "1.205KiB" },
	{ 1235LL, "1.24kB", "1.206KiB" },
	{ 1245LL, "1.25kB", "1.216KiB" },
	{ 1255LL, "1.25kB", "1.226KiB" },
	{ 9995LL, "9.99kB", "9.761KiB" },
	{ 99949LL, "99.9kB", "97.61KiB" },
	{ 99950LL, "100kB", "97.61KiB" },
	{ 99951LL, "100kB", "97.61KiB" },
	{ 999499LL, "999kB", "976.1KiB" },
	{ 999500LL, "1e+03kB", "976.1KiB" },
	{ 999999LL, "1e+03kB", "976.6KiB" },
	{ 1000000LL, "1MB", "976.6KiB" },
	{ 4260000LL, "4.26MB", "4.063MiB" },
	{ 4265000LL, "4.26MB", "4.067MiB" },
	{ 4255000LL, "4.25MB", "4.058MiB" },
	{ 123456789LL, "123MB", "117.7MiB" },
	{ 2147483648LL, "2.15GB", "2GiB" },
	{ 9007199254740992LL, "9.01PB", "8PiB" },
	{ 999999999999999LL, "1e+03TB", "909.5TiB" },
	{ 1000000000000000LL, "1PB", "909.5TiB" },
	{ 999000000000000000LL, "999PB", "887.3PiB" },
	{ 9223372036854775807LL, "9.22e+03PB", "8192PiB" },
	{ 1023LL, "1.02kB", "1023B" },
	{ 1024LL, "1.02kB", "1KiB" },
	{ 1048575LL, "1.05MB", "1024KiB" },
	{ 1048064LL, "1.05MB", "1024KiB" },
	{ 1047552LL, "1.05MB", "1023KiB" },
	{ 1536LL, "1.54kB", "1.5KiB" },
	{ 1005000000000LL, "1TB", "936GiB" },
	{ 195534LL, "196kB", "191KiB" },
	{ 5213578062328422LL, "5.21PB", "4.631PiB" },
	{ 957365LL, "957kB", "934.9KiB" },
	{ 2265684LL, "2.27MB", "2.161MiB" },
	{ 88LL, "88B", "88B" },
	{ 91066LL, "91.1kB", "88.93KiB" },
	{ 125583620467LL, "126GB", "117GiB" },
	{ 96492151653LL, "96.5GB", "89.87GiB" },
	{ 430701818777LL, "431GB", "401.1GiB" },
	{ 369732198LL, "370MB", "352.6MiB" },
	{ 27698087LL, "27.7MB", "26.41MiB" },
	{ 347023118273LL, "347GB", "323.2GiB" },
	{ 41022103LL, "41MB", "39.12MiB" },
	{ 33346218086350455LL, "33.3PB", "29.62PiB" },
	{ 472737776049638LL, "473TB", "430TiB" },
	{ 8306561578872091LL, "8.31PB", "7.378PiB" },
	{ 624657047572LL, "625GB", "581.8GiB" },
	{ 98484533686LL, "98.5GB", "91.72GiB" },
	{ 874697599527241LL, "875TB", "795.5TiB" },
	{ 503LL, "503B", "503B" },
};
static const struct { int64_t a, b; const char *pct; } pcts[] = {
	{ 0LL, 1LL, "0.00%" },
	{ 1LL, 3LL, "33.33%" },
	{ 2LL, 3LL, "66.67%" },
	{ 1LL, 8LL, "12.50%" },
	{ 5LL, 1000LL, "0.50%" },
	{ 15LL, 1000LL, "1.50%" },
	{ 25LL, 10000LL, "0.25%" },
	{ 35LL, 10000LL, "0.35%" },
	{ 1LL, 200000LL, "0.00%" },
	{ 1LL, 2000000LL, "0.00%" },
	{ 3LL, 7LL, "42.86%" },
	{ 123456789LL, 1000000LL, "12345.68%" },
	{ 400LL, 1LL, "40000.00%" },
	{ -1LL, 3LL, "-33.33%" },
	{ 900669981LL, 20132713LL, "4473.66%" },
	{ 210142653LL, 150665436LL, "139.48%" },
	{ 573311021LL, 184892442LL, "310.08%" },
	{ 659329418LL, 842859432LL, "78.23%" },
	{ 741402569LL, 906339786LL, "81.80%" },
	{ 772108785LL, 18662947LL, "4137.12%" },
	{ 307752812LL, 569067776LL, "54.08%" },
	{ 531486177LL, 162875579LL, "326.31%" },
	{ 952478501LL, 918649657LL, "103.68%" },
	{ 107240649LL, 957598349LL, "11.20%" },
};

int main(void)
{
	char b[64];
	int r;

	T("42|-42|42", 9, "%d|%i|%u", 42, -42, 42u);
	T("   -7|7    |-0007|+7| 7", 23, "%5d|%-5d|%05d|%+d|% d", -7, 7, -7, 7, 7);
	T("007| -007|007  |  007||", 23, "%.3d|%5.3d|%-5.3d|%05.3d|%.0d|%.0x", 7, -7, 7, 7, 0, 0);
	T("ff|FF|0xff|0XFF|010|10|0", 24, "%x|%X|%#x|%#X|%#o|%o|%#o", 255u, 255u, 255u, 255u, 8u, 8u, 0u);
	T("01ab|0042|-00123456|000000012", 29, "%02x%02x|%04d|%09ld|%09d", 1u, 171u, 42, -123456L, 12);
	T("-9223372036854775808|18446744073709551615|deadbeefcafe|777", 58, "%lld|%llu|%llx|%lo", -9223372036854775807LL - 1, 18446744073709551615ULL, 0xdeadbeefcafeULL, 511L);
	T("-1|4000000000|123456789|-5|-99|-3", 33, "%ld|%lu|%zu|%zd|%jd|%td", -1L, 4000000000UL, (size_t)123456789, (ssize_t)-5, (intmax_t)-99, (ptrdiff_t)-3);
	T("44|44|4464|4464|ff", 18, "%hhd|%hhu|%hd|%hu|%hhx", 300, 300, 70000, 70000, -1);
	T("abc|abc|   ab|ab   |xy|q   |q   ", 32, "%s|%.3s|%5s|%-5s|%.*s|%-*s|%*s", "abc", "abcdef", "ab", "ab", 2, "xyz", 4, "q", -4, "q");
	T("a|  b|c  |%|xzy", 15, "%c|%3c|%-3c|%%|x%cy", 'a', 'b', 'c', 'z');
	T("sha256:01234: done\n", 19, "%.12s: %s\n", "sha256:0123456789abcdef", "done");
	T("    42|42    |42", 16, "%*d|%-*d|%.*d", 6, 42, 6, 42, -1, 42);
	T("-0000042|+03|   +3|    3|+3   | 3   ", 36, "%0*lld|%+.2d|%+5d|% 5d|%-+5d|%- 5d", 8, -42LL, 3, 3, 3, 3, 3);
	T("", 0, "%s", "");
	T("ps     12     34     |", 22, "%-7s%-7d%-7lld|", "ps", 12, 34LL);
	r = sn(b, sizeof(b), "%s", (char *)NULL);
	CHECK_STR("%s of NULL", b, "(null)");
	errno = ENOENT;
	sn(b, sizeof(b), "%m");
	CHECK_STR("%m", b, "No such file or directory");
	r = sn(b, 4, "%s", "truncated");
	CHECK("snprintf truncates and counts the whole", r == 9 && !strcmp(b, "tru"));
	r = sn(b, sizeof(b), "a%fb", 1.5);
	CHECK("a float conversion is refused", r == -1 && errno == EINVAL);
	r = sn(b, sizeof(b), "%n", &r);
	CHECK("%n is refused", r == -1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		double d = sizes[i].n;
		unsigned u = 0;
		static const char *const bin[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };

		human_size(b, sizeof(b), sizes[i].n);
		CHECK_STR("human_size (printf %.3g)", b, sizes[i].dec);
		while (d >= 1024 && u + 1 < 6)
			d /= 1024, u++;
		human_sig(b, sizeof(b), d, 4, bin[u]);
		CHECK_STR("human_sig 4 (printf %.4g)", b, sizes[i].bin);
	}
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		human_fixed(b, sizeof(b), 100.0 * (double)pcts[i].a / (double)pcts[i].b, 2, "%");
		CHECK_STR("human_fixed 2 (printf %.2f%%)", b, pcts[i].pct);
	}
	human_size(b, sizeof(b), -1500);
	CHECK_STR("negative size, as printf shows it", b, "-1.5e+03B");
	return UNIT_DONE();
}
