/* number.c - decimal numbers scaled with integer arithmetic (number.h). */
#include <errno.h>

#include "number.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int number_parse_fixed(const char *s, uint64_t unit, uint64_t max, uint64_t *v,
		       const char **end)
{
	const char *p = s, *frac, *last;
	uint64_t ip = 0, f = 0;

	if (!is_digit(*p) && !(*p == '.' && is_digit(p[1]))) {
		errno = EINVAL;
		return -1;
	}
	for (; is_digit(*p); p++) {
		if (ip > (UINT64_MAX - 9) / 10) {
			errno = ERANGE;
			return -1;
		}
		ip = ip * 10 + (uint64_t)(*p - '0');
	}
	frac = *p == '.' ? p + 1 : p;
	for (last = frac; is_digit(*last); last++)
		;
	if (end)
		*end = last;
	/* floor(0.d1d2...dk * unit), from the last digit back: each step
	 * f = floor((d * unit + f) / 10) stays below unit, and nested floors
	 * of integers give the floor of the whole. */
	while (last > frac) {
		last--;
		f = ((uint64_t)(*last - '0') * unit + f) / 10;
	}
	if (f > max || (unit && ip > (max - f) / unit)) {
		errno = ERANGE;
		return -1;
	}
	*v = ip * unit + f;
	return 0;
}

int number_int(const char *s, int64_t min, int64_t max, int flags, int64_t *v)
{
	uint64_t n = 0;
	int64_t x;
	int neg = 0;

	if (flags & NUMBER_STRTOL) {
		while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
			s++;
		if (*s == '+' || *s == '-')
			neg = *s++ == '-';
	} else if (*s == '-' && min < 0) {
		neg = 1;
		s++;
	}
	if (!is_digit(*s)) {
		errno = EINVAL;
		return -1;
	}
	for (; is_digit(*s); s++) /* sticks at UINT64_MAX once past it */
		n = n > (UINT64_MAX - 9) / 10 ? UINT64_MAX : n * 10 + (uint64_t)(*s - '0');
	if (*s) {
		errno = EINVAL;
		return -1;
	}
	if (n > (uint64_t)INT64_MAX + (unsigned)neg) /* not an int64_t */
		goto range;
	x = (int64_t)(neg ? 0 - n : n); /* modulo 2^64 (GCC's conversion): -2^63 too */
	if (x < min || x > max)
		goto range;
	*v = x;
	return 0;
range:
	errno = ERANGE;
	return -1;
}
