/* signame.h - signal names and numbers, as kill(1) and Docker's
 * --stop-signal take them: "TERM", "SIGTERM", "term" or "15". */
#ifndef BOXCAR_SIGNAME_H
#define BOXCAR_SIGNAME_H

/* The number for a name or number; -1 (errno EINVAL, err_set) if none. */
int sig_from_name(const char *s);
/* "SIGTERM" for 15; "SIG<N>" for one without a name (into a static
 * buffer). */
const char *sig_name(int sig);

#endif
