/* signame.c - signal names (see signame.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "number.h"
#include "signame.h"

static const struct {
	char name[8];
	unsigned char sig;
} sigs[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "CHLD", SIGCHLD }, { "CONT", SIGCONT },
	{ "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM },
	{ "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO }, { "POLL", SIGPOLL },
	{ "PWR", SIGPWR }, { "SYS", SIGSYS },
	/* not on every architecture (MIPS has EMT instead of STKFLT) */
#ifdef SIGSTKFLT
	{ "STKFLT", SIGSTKFLT },
#endif
#ifdef SIGEMT
	{ "EMT", SIGEMT },
#endif
};

int sig_from_name(const char *s)
{
	const char *n = s;
	int64_t v;

	if (*s >= '0' && *s <= '9') {
		if (number_int(s, 1, _NSIG - 1, 0, &v))
			return err_setn(EINVAL, "invalid signal: %s", s);
		return (int)v;
	}
	if (!strncasecmp(n, "SIG", 3))
		n += 3;
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!strcasecmp(n, sigs[i].name))
			return sigs[i].sig;
	if (!strncasecmp(n, "RTMIN", 5) || !strncasecmp(n, "RTMAX", 5)) {
		/* RTMIN+N, RTMAX-N: N as strtol took it (blanks, any sign or none) */
		v = 0;
		if (!n[5] || !number_int(n + 5, -_NSIG, _NSIG, NUMBER_STRTOL, &v)) {
			v = n[3] == 'I' || n[3] == 'i' ? SIGRTMIN + v : SIGRTMAX + v;
			if (v >= SIGRTMIN && v <= SIGRTMAX)
				return (int)v;
		}
	}
	return err_setn(EINVAL, "invalid signal: %s", s);
}

const char *sig_name(int sig)
{
	static char buf[16];

	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigs[i].sig == sig) {
			snprintf(buf, sizeof(buf), "SIG%s", sigs[i].name);
			return buf;
		}
	snprintf(buf, sizeof(buf), "SIG%d", sig);
	return buf;
}
