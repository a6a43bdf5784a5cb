/* unit.h - the smallest harness for the C unit tests of core/.
 *
 * Each tests/unit/NAME.c is a program that prints one PASS:/FAIL: line per
 * check (the runner counts them) and exits 1 if any failed.
 */
#ifndef BOXCAR_UNIT_H
#define BOXCAR_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failures;

#define CHECK(name, cond) do { \
	if (cond) \
		printf("PASS: %s\n", name); \
	else { \
		printf("FAIL: %s (%s:%d: %s)\n", name, __FILE__, __LINE__, #cond); \
		unit_failures++; \
	} \
} while (0)

#define CHECK_STR(name, got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && !strcmp(g_, w_)) \
		printf("PASS: %s\n", name); \
	else { \
		printf("FAIL: %s (%s:%d: got \"%s\", want \"%s\")\n", name, \
		       __FILE__, __LINE__, g_ ? g_ : "(null)", w_); \
		unit_failures++; \
	} \
} while (0)

#define UNIT_DONE() (fflush(stdout), unit_failures ? 1 : 0)

#endif
