/* human.c - docker-style sizes and ages (see human.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "human.h"
#include "number.h"

/* n digits at s, or -1. (No sscanf: it would pull in 10 KiB of libc.) */
static int digits(const char *s, int n)
{
	int v = 0;

	while (n--) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

/* "YYYY-MM-DDTHH:MM:SS" and anything after (fraction, zone: UTC). */
static int parse_time(const char *s, struct tm *tm)
{
	if (!s || strlen(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T'
	    || s[13] != ':' || s[16] != ':')
		return -1;
	tm->tm_year = digits(s, 4) - 1900;
	tm->tm_mon = digits(s + 5, 2) - 1;
	tm->tm_mday = digits(s + 8, 2);
	tm->tm_hour = digits(s + 11, 2);
	tm->tm_min = digits(s + 14, 2);
	tm->tm_sec = digits(s + 17, 2);
	return tm->tm_year < -1900 || tm->tm_mon < 0 || tm->tm_mday < 0 || tm->tm_hour < 0
		|| tm->tm_min < 0 || tm->tm_sec < 0 ? -1 : 0;
}

/* "2 minutes", rounded as docker (go-units HumanDuration) does. */
void human_duration(char *buf, size_t n, long long s)
{
	long long h = (s + 1800) / 3600;

	if (s < 1)
		snprintf(buf, n, "Less than a second");
	else if (s == 1)
		snprintf(buf, n, "1 second");
	else if (s < 60)
		snprintf(buf, n, "%lld seconds", s);
	else if (s < 120)
		snprintf(buf, n, "About a minute");
	else if (s < 3600)
		snprintf(buf, n, "%lld minutes", s / 60);
	else if (h == 1)
		snprintf(buf, n, "About an hour");
	else if (h < 48)
		snprintf(buf, n, "%lld hours", h);
	else if (h < 24 * 7 * 2)
		snprintf(buf, n, "%lld days", h / 24);
	else if (h < 24 * 30 * 2)
		snprintf(buf, n, "%lld weeks", h / 24 / 7);
	else if (h < 24 * 365 * 2)
		snprintf(buf, n, "%lld months", h / 24 / 30);
	else
		snprintf(buf, n, "%lld years", h / 24 / 365);
}

/* "2 minutes ago". */
void human_age(char *buf, size_t n, const char *created)
{
	struct tm tm = { 0 };
	size_t k;

	if (parse_time(created, &tm)) {
		snprintf(buf, n, "N/A");
		return;
	}
	human_duration(buf, n, (long long)time(NULL) - timegm(&tm));
	k = strlen(buf);
	snprintf(buf + k, n - k, " ago");
}

/* round(x * 10^k), ties to even as printf rounds, for 0 <= x < 2^53 and
 * -16 <= k <= 3: x is m * 2^e exactly, so this is integer arithmetic on
 * m, and musl's floating-point printf (7 KB) stays out of the binary. */
static uint64_t scaled(double x, int k)
{
	union { double d; uint64_t u; } b = { x };
	int e = (int)(b.u >> 52 & 0x7ff);
	uint64_t m = (b.u & ((1ULL << 52) - 1)) | 1ULL << 52, den = 1, q, r;

	if (!e)
		return 0; /* zero, or too small to show */
	if (e == 0x7ff || x >= 9007199254740992.0)
		return UINT64_MAX;
	for (e -= 1075; !(m & 1); m >>= 1)
		e++;
	for (; k > 0; k--)
		m *= 10;
	for (; k < 0; k++)
		den *= 10;
	if (e >= 0)
		m <<= e;
	else if (-e >= 63 || den > UINT64_MAX >> (1 - e))
		return 0; /* below one half */
	else
		den <<= -e;
	q = m / den, r = m % den;
	return q + (2 * r > den || (2 * r == den && (q & 1)));
}

/* r with its last dec digits after a point */
static void with_point(char *buf, size_t n, const char *sign, uint64_t r, int dec,
		       const char *tail)
{
	uint64_t p10 = 1;

	for (int i = 0; i < dec; i++)
		p10 *= 10;
	if (dec)
		snprintf(buf, n, "%s%llu.%0*llu%s", sign, (unsigned long long)(r / p10), dec,
			 (unsigned long long)(r % p10), tail);
	else
		snprintf(buf, n, "%s%llu%s", sign, (unsigned long long)r, tail);
}

void human_fixed(char *buf, size_t n, double x, int decimals, const char *tail)
{
	with_point(buf, n, x < 0 ? "-" : "", scaled(x < 0 ? -x : x, decimals), decimals, tail);
}

void human_sig(char *buf, size_t n, double x, int digits, const char *tail)
{
	const char *sign = x < 0 ? "-" : "";
	uint64_t lim = 1, r;
	int p = 0, dec;
	char t[32];

	if (x < 0)
		x = -x;
	for (int i = 0; i < digits; i++)
		lim *= 10;
	for (double ten = 10; p < 15 && x >= ten; ten *= 10)
		p++; /* 10^p <= x < 10^(p+1), powers of ten being exact doubles */
	if ((r = scaled(x, digits - 1 - p)) >= lim)
		r /= 10, p++; /* 999.9 rounds up to 1e+03 */
	dec = p < digits ? digits - 1 - p : digits - 1;
	for (; dec && r % 10 == 0; dec--)
		r /= 10; /* %g drops trailing zeros */
	if (p >= digits) /* and writes "1.23e+04" when the exponent reaches digits */
		snprintf(t, sizeof(t), "e+%02d%s", p, tail), tail = t;
	with_point(buf, n, sign, r, dec, tail);
}

/* "4.26MB": decimal units, 3 significant digits, as docker prints. */
void human_size(char *buf, size_t n, int64_t size)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	double v = size;
	int i = 0;

	while (v >= 1000 && i < 5)
		v /= 1000, i++;
	human_sig(buf, n, v, 3, unit[i]);
}

int human_parse_size(const char *s, int64_t *bytes)
{
	static const char units[] = "bkmgtp";
	const char *u, *end;
	uint64_t v;
	int shift = 0;

	/* where the number ends, for the unit that scales it */
	if (number_parse_fixed(s, 1, UINT64_MAX, &v, &end))
		return -1;
	if (*end) {
		if (!(u = strchr(units, end[0] | 0x20)))
			return -1;
		shift = 10 * (int)(u - units);
		end++;
		if (shift && !strcasecmp(end, "ib"))
			end += 2;
		else if (shift && (*end | 0x20) == 'b')
			end++;
		if (*end)
			return -1;
	}
	if (number_parse_fixed(s, 1ull << shift, INT64_MAX, &v, NULL))
		return -1;
	*bytes = (int64_t)v;
	return 0;
}
