/* err.h - one error family for all of boxcar.
 *
 * Core code never exits: it records what failed with err_set() (errno is
 * kept) and returns -1 so the caller can undo what it built. Applets decide
 * to stop, with die()/die_err(), which print
 *     boxcar: APPLET: what failed: why
 * and exit with a documented code (docs/exit-codes.md).
 */
#ifndef BOXCAR_ERR_H
#define BOXCAR_ERR_H

#include <stdarg.h>

/* Exit codes shared by every applet (docs/exit-codes.md). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,          /* failure, or bad usage (util-linux, busybox) */
	EXIT_RUNTIME = 125,     /* docker: the runtime itself failed */
	EXIT_CANNOT_EXEC = 126, /* docker, util-linux: command found, exec failed */
	EXIT_NOT_FOUND = 127,   /* docker, util-linux: command not found */
};

/* Name of the running applet, for messages; set by the dispatcher. */
extern const char *applet_name;

/* Record context for a failure; keeps errno; always returns -1. */
int err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like err_set(), but with an explicit errno (0: no system error). */
int err_setn(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The recorded context ("" if none) and its errno. */
const char *err_msg(void);
int err_errno(void);

/* "boxcar: APPLET: MSG: strerror(errno)" on stderr. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same without the errno part. */
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* warn()/warnx(), then exit(code). */
__attribute__((noreturn, format(printf, 2, 3)))
void die(int code, const char *fmt, ...);
__attribute__((noreturn, format(printf, 2, 3)))
void diex(int code, const char *fmt, ...);
/* Report the context recorded by core (err_set) and exit(code). */
__attribute__((noreturn)) void die_err(int code);
/* Bad usage: message, a hint to --help, exit(die_usage_code). */
__attribute__((noreturn, format(printf, 1, 2)))
void die_usage(const char *fmt, ...);
/* EXIT_FAIL, as busybox and util-linux; run sets EXIT_RUNTIME, the code
 * docker run gives for every bad option or value. */
extern int die_usage_code;

#endif
