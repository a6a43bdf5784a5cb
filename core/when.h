/* when.h - the times `logs --since/--until` take, as docker's CLI reads
 * them: RFC 3339 ("2024-01-02T03:04:05Z", fractions and +01:00 zones
 * too, or the date alone, UTC), Unix seconds ("1704164645.5"), or a Go
 * duration before now ("10m", "1h30m", "45s", "1.5h"; units ns us ms s
 * m h). Errors follow err.h.
 */
#ifndef BOXCAR_WHEN_H
#define BOXCAR_WHEN_H

#include <stdint.h>

/* s into *ns (Unix time in nanoseconds); now_ns is the time a duration
 * counts back from. 0, or -1. */
int when_parse(const char *s, int64_t now_ns, int64_t *ns);
/* A Go duration ("1h30m", "1.5h", "45s", "500ms"), no sign, into *ns;
 * at most INT64_MAX / 2. 0, or -1 (no err_set). */
int when_duration(const char *s, int64_t *ns);

#endif
