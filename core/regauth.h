/* regauth.h - registry authentication: WWW-Authenticate challenges
 * (RFC 7235), Basic credentials (RFC 7617) and the token service answer
 * of the distribution spec ("Bearer" realm/service/scope).
 *
 * The header is attacker-controlled: the parser walks it once, without
 * recursion, and keeps only the parameters a registry client needs, in
 * fixed buffers; a value we keep that does not fit fails the parse rather
 * than being cut (a cut realm or scope would ask the wrong server).
 */
#ifndef BOXCAR_REGAUTH_H
#define BOXCAR_REGAUTH_H

#include <stddef.h>
#include <stdint.h>

#define REGAUTH_MAX_CHALLENGES 8
#define REGAUTH_HEADER_MAX 8192   /* longest header value we parse */
#define REGAUTH_REALM_MAX 1024
#define REGAUTH_SCOPE_MAX 1024
#define REGAUTH_TOKEN_MAX 8192    /* Docker Hub tokens are ~1-4 KiB */

struct regauth_challenge {
	char scheme[16];                   /* lower-cased: "basic", "bearer" */
	char realm[REGAUTH_REALM_MAX];
	char service[256];
	char scope[REGAUTH_SCOPE_MAX];
	char error[64];                    /* "invalid_token", "insufficient_scope" */
};

/* Parse one WWW-Authenticate value, which may hold several challenges
 * ("Basic realm=\"x\", Bearer realm=\"y\",scope=\"a,b\""). Fills up to
 * max challenges and returns how many, or -1 (EINVAL/ERANGE) with
 * err_set(). Parameter names and schemes are case-insensitive; quoted
 * strings take backslash escapes. */
int regauth_parse(const char *hdr, struct regauth_challenge *out, int max);

/* "Basic " + base64(user:pass) into out (cap bytes): 0, or -1. */
int regauth_basic(const char *user, const char *pass, char *out, size_t cap);

/* The token service's JSON answer: "token" (or "access_token"), and its
 * lifetime, "expires_in" seconds (60 when absent, as the spec says).
 * 0, or -1 with err_set(). */
int regauth_token_parse(const char *json, size_t n, char *token, size_t cap,
			int64_t *expires_in);

/* Percent-encode s for a URL query value into out (cap bytes): 0, or -1. */
int regauth_urlencode(const char *s, char *out, size_t cap);

#endif
