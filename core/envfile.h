/* envfile.h - `--env-file FILE`, parsed as the docker CLI parses it
 * (docker/cli pkg/kvfile): one KEY[=VALUE] a line, leading blanks
 * trimmed, empty lines and lines starting with '#' skipped, a UTF-8 BOM
 * on the first line dropped. Nothing else is interpreted: quotes, '$'
 * and trailing blanks are part of the value ("A = x" is refused rather
 * than read as "A " = " x"). A KEY without '=' takes the host's value,
 * or is left out when the host has none. Errors follow err.h.
 */
#ifndef BOXCAR_ENVFILE_H
#define BOXCAR_ENVFILE_H

#include <stdio.h>

/* Longest line: bufio.Scanner's limit, as the docker CLI's. */
#define ENVFILE_LINE_MAX 65536

/* Parse f (named name in messages), calling add(KEY=VALUE, arg) for
 * each variable in order; lookup(KEY) gives the host's value (NULL:
 * none; lookup NULL: getenv). 0, or -1 with
 *     invalid env file (NAME): variable 'export A' contains whitespaces
 * and nothing more added after the bad line. An add() that fails (-1,
 * err set) stops the parse with its error. */
int envfile_parse(FILE *f, const char *name, const char *(*lookup)(const char *key),
		  int (*add)(const char *kv, void *arg), void *arg);

#endif
