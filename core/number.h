/* number.h - decimal numbers from the command line, parsed exactly.
 *
 * "1.5" CPUs and "1.5g" of memory are fixed-point values: scaling the
 * decimal digits with integer arithmetic gives the same result as
 * strtod for every input that matters, and keeps musl's float parser
 * (floatscan, about 7 KB with its helpers) out of the binary.
 */
#ifndef BOXCAR_NUMBER_H
#define BOXCAR_NUMBER_H

#include <stdint.h>

/* floor(X * unit), X being the decimal number at the start of s: digits
 * with an optional '.' and fraction ("2", "1.5", ".5", "5."), no sign,
 * no exponent, no leading blanks. *end (if end) is set past it. 0, or -1
 * with errno EINVAL (no number) or ERANGE (the result passes max). unit
 * must be at most UINT64_MAX / 10. */
int number_parse_fixed(const char *s, uint64_t unit, uint64_t max, uint64_t *v,
		       const char **end);

#endif
