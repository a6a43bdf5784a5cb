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

/* "4.26MB": decimal units, 3 significant digits, as docker prints. */
void human_size(char *buf, size_t n, int64_t size)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	double v = size;
	int i = 0;

	while (v >= 1000 && i < 5)
		v /= 1000, i++;
	snprintf(buf, n, "%.3g%s", v, unit[i]);
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
