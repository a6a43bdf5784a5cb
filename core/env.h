/* env.h - a process's environment, built one way for run, the
 * container's init and exec: "KEY=VALUE" strings in a NULL-terminated
 * vector, the base in its order, then each override replacing the entry
 * of its KEY where it stands (a new KEY appended), then the defaults
 * where their KEY is still unset. The values and what overrides what
 * are Docker's; the order is not (Docker puts PATH, HOSTNAME and TERM
 * first), and "env" shows it, so it is kept to the entry.
 */
#ifndef BOXCAR_ENV_H
#define BOXCAR_ENV_H

/* base (NULL: none), over[0..nover) and def[0..ndef) (NULL entries
 * skipped) merged as above into a new vector: calloc'ed, the strings
 * not copied. A KEY is what comes before the first '='. NULL with
 * errno ENOMEM. */
char **env_merge(char *const *base, char *const *over, int nover, char *const *def, int ndef);

#endif
