/* registry.h - an OCI distribution (Docker registry v2) client as a pull
 * source (pull.h).
 *
 * Requests go to https://HOST/v2/... (http:// only with insecure). A 401
 * is answered from its WWW-Authenticate challenge: Basic with the
 * credentials, or Bearer with a token fetched from the realm (anonymous,
 * or with the credentials); a token is fetched again when it expires or a
 * request gets 401 again. Redirects (301/302/303/307/308, at most
 * REGISTRY_MAX_REDIRECTS) are followed, and Authorization goes only to
 * the registry's own origin, never to a CDN. 429, 5xx and broken
 * connections are retried REGISTRY_RETRIES times with back-off (1, 2, 4...
 * s, or Retry-After up to REGISTRY_RETRY_AFTER_MAX units of 1 s).
 *
 * Credentials go over plain HTTP only with insecure, and then only to the
 * registry's own origin (scheme, host, port); to a token realm elsewhere
 * only with insecure_realm as well.
 *
 * Blobs download to ROOT/downloads/HEX.part (flock'ed, so two pulls of
 * one blob take turns), hashed as they arrive; a download that stopped
 * goes on with a Range request, in this run or the next. A blob whose size
 * or digest is not what the manifest says is deleted and the pull fails.
 */
#ifndef BOXCAR_REGISTRY_H
#define BOXCAR_REGISTRY_H

#include <time.h>

#include "credentials.h"
#include "http.h"
#include "imgref.h"
#include "pull.h"
#include "regauth.h"
#include "url.h"

#define REGISTRY_MAX_REDIRECTS 5
#define REGISTRY_RETRIES 5
#define REGISTRY_RETRY_AFTER_MAX 10 /* back-off units (1 s) a Retry-After may ask */
#define REGISTRY_EXTRA_HEADERS 4    /* header lines registry_request() adds */

struct registry {
	struct pull_source src;      /* first: a struct registry is a source */
	struct http_client *http;
	struct imgref ref;
	char base[URL_HOST_MAX + 16];  /* "https://host:port" */
	char name[URL_HOST_MAX + REF_NAME_MAX + 2];
	char downloads[PATH_MAX];    /* ROOT/downloads */
	const char *root;            /* ROOT, for the store quota */
	int insecure, insecure_realm;
	int push;                    /* tokens ask for pull,push */
	const struct credentials *creds; /* NULL: anonymous */
	char auth[REGAUTH_TOKEN_MAX + 16]; /* the Authorization value, or "" */
	time_t auth_expires;         /* 0: does not expire (Basic) */
	struct regauth_challenge ch; /* the last challenge answered */
	int have_ch;
	int retry_base_ms;           /* back-off unit (tests: $BOXCAR_RETRY_MS) */
};

struct registry_opts {
	const char *ca_file;     /* NULL: $SSL_CERT_FILE or the system bundle */
	int insecure;            /* plain http:// */
	int insecure_realm;      /* credentials over http:// to a realm on
				  * another origin than the registry too */
	const struct credentials *creds;
	const char *root;        /* store root, for ROOT/downloads */
	int push;                /* ask tokens for "repository:PATH:pull,push" */
};

int registry_open(struct registry *r, const struct imgref *ref, const struct registry_opts *o);
void registry_close(struct registry *r);

/* A request body: data (n bytes), or len bytes streamed from reader,
 * which rewind takes back to its start for a retry (NULL: not retried).
 * Both NULL: an empty body. */
struct registry_body {
	const void *data;
	struct reader *reader;
	int (*rewind)(struct reader *r);
	size_t len;
};

/* method on path ("/v2/...", under the registry) or on an absolute URL
 * (an upload's Location, checked by the caller), with the registry's
 * authentication (Authorization only to its own origin), retries (429,
 * 5xx, broken connections), and redirects for GET and HEAD. headers: up
 * to REGISTRY_EXTRA_HEADERS "Name: value" lines, NULL-terminated, or
 * NULL. 0 with rs open whatever its status, or -1. */
int registry_request(struct registry *r, const char *method, const char *path,
		     const char *const *headers, const struct registry_body *b,
		     struct http_response *rs);

#endif
