/* human.h - sizes and ages the way docker prints them, so listings read
 * the same: "4.26MB" (decimal units, 3 significant digits) and
 * "2 minutes ago" (go-units HumanDuration's rounding). */
#ifndef BOXCAR_HUMAN_H
#define BOXCAR_HUMAN_H

#include <stddef.h>
#include <stdint.h>

/* seconds as "3 seconds", "About a minute", "2 hours" (no "ago"). */
void human_duration(char *buf, size_t n, long long seconds);
void human_size(char *buf, size_t n, int64_t size);
/* printf's "%.*g" (digits significant; |x| >= 1, or 0) and "%.*f"
 * (decimals at most 3), then tail, computed with integers (no printf
 * of floating point in boxcar: core/vfprintf.c). |x| < 2^53. */
void human_sig(char *buf, size_t n, double x, int digits, const char *tail);
void human_fixed(char *buf, size_t n, double x, int decimals, const char *tail);
/* created: RFC 3339 UTC ("2024-01-02T03:04:05Z"); "N/A" if unreadable. */
void human_age(char *buf, size_t n, const char *created);
/* Docker's RAMInBytes: "64m", "1.5g", "512KiB" (b k m g t p, binary
 * multiples) into *bytes: 0, or -1 if s is not a size. */
int human_parse_size(const char *s, int64_t *bytes);

#endif
