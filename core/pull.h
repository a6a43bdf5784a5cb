/* pull.h - turn a manifest and its blobs, from wherever, into an image in
 * the store (docs/pull.md).
 *
 * The pipeline is the same for every source (a registry, an OCI layout, a
 * `docker save` archive): resolve the reference to a manifest (choosing the
 * platform when it is an index), read and check the config, then for each
 * layer whose diff_id the store does not have yet: make the blob available
 * as a local, verified byte range (download it), import it, check its
 * diff_id against the config's rootfs.diff_ids. Last, store the config and
 * write the manifest and the tag, so an interrupted pull is never listed.
 *
 * The store is locked for writing only while a layer is imported and
 * while the image is written, not while blobs download.
 */
#ifndef BOXCAR_PULL_H
#define BOXCAR_PULL_H

#include <stdint.h>

#include "digest.h"
#include "platform.h"
#include "store.h"

#define PULL_MANIFEST_MAX (4u << 20)
#define PULL_MAX_LAYERS 256
#define PULL_TYPE_MAX 128

/* Media types a manifest may have. */
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define MT_ACCEPT MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_MANIFEST

/* A blob made readable from a local file: len bytes at off of fd, already
 * checked against its digest. */
struct pull_blob {
	int fd;
	int64_t off, len;
	char path[PATH_MAX];  /* a download to remove once imported, or "" */
};

/* What pull tells its caller as it goes (all may be NULL). id is the
 * blob's digest. */
struct pull_progress {
	void (*status)(void *arg, const char *id, const char *what);
	void (*bytes)(void *arg, const char *id, int64_t done, int64_t total);
	void *arg;
};

struct pull_source {
	/* The manifest or index reference names (a tag or a digest):
	 * malloc'd body, its media type ("" if the source does not say) and
	 * its digest, checked when the reference is a digest. */
	int (*manifest)(struct pull_source *src, const char *reference, char **body,
			size_t *n, char type[PULL_TYPE_MAX], char digest[DIGEST_STR_LEN + 1]);
	/* Make the blob digest of size bytes readable (struct pull_blob). */
	int (*blob)(struct pull_source *src, const char *digest, int64_t size,
		    struct pull_blob *b, const struct pull_progress *p);
	const char *name;   /* recorded as the image's origin */
};

struct pull_opts {
	struct platform platform;   /* normalised */
	const struct pull_progress *progress;
	const char *root;           /* store root */
};

struct pull_result {
	char digest[DIGEST_STR_LEN + 1];    /* what the reference resolved to */
	char id[DIGEST_STR_LEN + 1];        /* image ID (config digest) */
	int up_to_date;                     /* ref already named this image */
	int layers, downloaded;
};

/* Pull reference from src and tag the image ref ("name:tag"). */
int pull_image(struct pull_source *src, const char *reference, const char *ref,
	       const struct pull_opts *o, struct pull_result *res);

/* Release a blob: close it, remove the download. */
void pull_blob_release(struct pull_blob *b);
/* Check len bytes at off of fd hash to digest (for local sources). */
int pull_blob_verify(struct pull_blob *b, const char *digest);

#endif
