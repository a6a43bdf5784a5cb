/* imgref.h - registry references, as `docker pull` takes them:
 *
 *   [DOMAIN/]PATH[:TAG][@sha256:HEX]
 *
 * DOMAIN is the first '/'-separated part when it holds a '.' or a ':' or
 * is "localhost" (distribution/reference's rule); otherwise the image is
 * on Docker Hub: domain docker.io, API host registry-1.docker.io, and a
 * one-component path gets "library/" in front. The tag is "latest" unless
 * a tag or a digest is given; with both, the digest wins (docker does the
 * same) and the tag only names the local image. PATH components follow
 * ref.h's grammar.
 */
#ifndef BOXCAR_IMGREF_H
#define BOXCAR_IMGREF_H

#include "digest.h"
#include "ref.h"

#define IMGREF_DOMAIN_MAX 255

struct imgref {
	char domain[IMGREF_DOMAIN_MAX + 1];   /* as written, "docker.io" by default */
	char host[IMGREF_DOMAIN_MAX + 1];     /* where the API is: host[:port] */
	char path[REF_NAME_MAX + 1];          /* "library/busybox" */
	char tag[REF_TAG_MAX + 1];            /* "" when only a digest was given */
	char digest[DIGEST_STR_LEN + 1];      /* "" unless @sha256:... */
};

/* 0, or -1 with err_set() saying what is wrong (EINVAL). */
int imgref_parse(const char *s, struct imgref *r);
/* The name to keep the image under locally, as docker shows it:
 * "busybox", "user/app", "host:5000/app" (no docker.io/library/). */
int imgref_local_name(const struct imgref *r, char *buf, size_t n);
/* What the manifest is asked for: the digest if any, else the tag. */
static inline const char *imgref_reference(const struct imgref *r)
{
	return r->digest[0] ? r->digest : r->tag;
}

#endif
