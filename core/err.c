/* err.c - recording and reporting errors (see err.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

const char *applet_name = "boxcar";
int die_usage_code = EXIT_FAIL;

static char last_msg[256];
static int last_errno;

static int err_vset(int errnum, const char *fmt, va_list ap)
{
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	last_errno = errnum;
	errno = errnum;
	return -1;
}

int err_set(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	err_vset(saved, fmt, ap);
	va_end(ap);
	return -1;
}

int err_setn(int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(errnum, fmt, ap);
	va_end(ap);
	return -1;
}

const char *err_msg(void)
{
	return last_msg;
}

int err_errno(void)
{
	return last_errno;
}

/* One write per message so lines from parallel processes do not mix. */
static void vreport(int errnum, const char *fmt, va_list ap)
{
	char line[512];
	int n;

	n = snprintf(line, sizeof(line), "boxcar: %s: ", applet_name);
	if (n < 0 || n >= (int)sizeof(line))
		n = 0;
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	if (errnum)
		n += snprintf(line + n, sizeof(line) - n, ": %s", strerror(errnum));
	if (n >= (int)sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	fflush(stdout);
	fwrite(line, 1, n, stderr);
}

void warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
}

void die(int code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(saved, fmt, ap);
	va_end(ap);
	exit(code);
}

void diex(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
	exit(code);
}

void die_err(int code)
{
	errno = last_errno;
	if (last_errno)
		die(code, "%s", last_msg[0] ? last_msg : "error");
	diex(code, "%s", last_msg[0] ? last_msg : "error");
}

void die_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'boxcar %s --help' for more information.\n",
		applet_name);
	exit(die_usage_code);
}
