/* number.h - decimal numbers from the command line, parsed exactly.
 *
 * One integer parser with bounds, for every option and record field
 * that is a whole number: each caller says its range and keeps its own
 * message.
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

/* number_int's flags. NUMBER_STRTOL: also what strtol(s, &end, 10)
 * takes before the digits: blanks (isspace), a '+', and a '-' even
 * when min >= 0 ("-0" is 0). For the options that have always taken
 * it; new ones should not. */
#define NUMBER_STRTOL 1

/* The whole of s as a decimal integer in [min, max]: digits, with a
 * '-' first only when min < 0; no '+', no blanks, nothing after. 0, or
 * -1 with errno EINVAL (not a number) or ERANGE (outside the range). */
int number_int(const char *s, int64_t min, int64_t max, int flags, int64_t *v);

#endif
