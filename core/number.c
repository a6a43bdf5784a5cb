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
