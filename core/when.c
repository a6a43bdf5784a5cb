/* when.c - times for --since/--until (see when.h). */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "when.h"

#define NS 1000000000LL
#define MAX_SECONDS 9000000000LL

/* n digits at s into *v; 0 if they are not all digits */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* The digits after a '.': nanoseconds, at most 9 taken. */
static const char *fraction(const char *p, int64_t *ns)
{
	int64_t scale = NS / 10;

	*ns = 0;
	if (*p != '.')
		return p;
	for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
		*ns += (*p - '0') * scale;
	return p;
}

static int rfc3339(const char *s, int64_t *ns)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, se = 0, zh, zm, sign;
	const char *p = s + 10;
	int64_t frac = 0, t;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-'
	    || !digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi) || p[6] != ':'
		    || !digits(p + 7, 2, &se) || h > 23 || mi > 59 || se > 60)
			return -1;
		p = fraction(p + 9, &frac);
		if (*p == 'Z' || *p == 'z')
			p++;
		else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if (!digits(p + 1, 2, &zh) || p[3] != ':' || !digits(p + 4, 2, &zm))
				return -1;
			h -= sign * zh;
			mi -= sign * zm;
			p += 6;
		} else if (*p)
			return -1;
	}
	if (*p)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = (int64_t)timegm(&tm);
	if (t > MAX_SECONDS || t < -MAX_SECONDS)
		return -1; /* nanoseconds in an int64_t: years 1678 to 2262 */
	*ns = t * NS + frac;
	return 0;
}

int when_duration(const char *s, int64_t *ns)
{
	static const struct { const char *u; int64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", NS }, { "m", 60 * NS },
		{ "h", 3600 * NS },
	};
	int64_t total = 0;

	if (!*s)
		return -1;
	while (*s) {
		int64_t whole = 0, frac = 0;
		const char *p = s;
		unsigned i;

		for (; *p >= '0' && *p <= '9'; p++) {
			if (whole > 1000000000000LL)
				return -1;
			whole = whole * 10 + (*p - '0');
		}
		if (p == s && *p != '.')
			return -1;
		p = fraction(p, &frac);
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].u);

			/* "m" is not "ms": the longer one first where both fit */
			if (!strncmp(p, units[i].u, n) && !(n == 1 && p[1] == 's' && *p != 's'))
				break;
		}
		if (i == sizeof(units) / sizeof(units[0]) || whole > INT64_MAX / units[i].ns / 2)
			return -1;
		total += whole * units[i].ns + (int64_t)((double)frac / NS * units[i].ns);
		if (total < 0 || total > INT64_MAX / 2)
			return -1;
		s = p + strlen(units[i].u);
	}
	*ns = total;
	return 0;
}

int when_parse(const char *s, int64_t now_ns, int64_t *ns)
{
	int64_t d, frac;
	const char *p = s;

	if (strlen(s) < 64) {
		if (!rfc3339(s, ns))
			return 0;
		if (!when_duration(s, &d)) {
			*ns = now_ns - d;
			return 0;
		}
		/* Unix seconds, with a fraction */
		for (d = 0; *p >= '0' && *p <= '9' && d <= MAX_SECONDS; p++)
			d = d * 10 + (*p - '0');
		if (p != s && d <= MAX_SECONDS && !*fraction(p, &frac)) {
			*ns = d * NS + frac;
			return 0;
		}
	}
	return err_setn(0, "invalid time '%.64s': want RFC 3339 (2024-01-02T03:04:05Z), Unix "
			"seconds or a duration (10m, 1h30m)", s);
}
