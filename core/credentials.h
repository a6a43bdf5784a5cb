/* credentials.h - registry logins from a Docker-style config.json:
 *
 *   {"auths": {"registry.example.com": {"auth": "base64(user:pass)"},
 *              "https://index.docker.io/v1/": {"auth": "..."}}}
 *
 * ("username"/"password" fields are taken too.) Keys match on the host
 * part: a scheme and a path are ignored, and Docker Hub answers to
 * docker.io, index.docker.io and registry-1.docker.io.
 *
 * The file holds passwords, so it is refused unless only its owner can
 * read it (mode 0600 or stricter) and that owner is root or the user
 * running boxcar.
 */
#ifndef BOXCAR_CREDENTIALS_H
#define BOXCAR_CREDENTIALS_H

#include <stddef.h>

#define CREDENTIALS_DEFAULT "/etc/boxcar/auth.json"
#define CREDENTIALS_FIELD_MAX 1024  /* user and password, each */

struct credentials {
	char user[CREDENTIALS_FIELD_MAX];
	char pass[CREDENTIALS_FIELD_MAX];
};

/* The file to read: path (--authfile), else $BOXCAR_AUTH, else the
 * default. *explicit tells whether the user named it (a missing default
 * file is not an error). */
const char *credentials_path(const char *path, int *explicit_path);
/* Look host (the reference's domain, e.g. "docker.io", "host:5000") up in
 * the file: 1 and c filled, 0 when the file has no entry (or, for the
 * default path, does not exist), -1 with err_set(). */
int credentials_lookup(const char *path, int explicit_path, const char *host,
		       struct credentials *c);
/* "user:pass" (--creds), split at the first colon: 0 or -1. */
int credentials_parse(const char *s, struct credentials *c);
void credentials_clear(struct credentials *c);

#endif
