/* push.h - an image from the store to a registry: the OCI distribution
 * push protocol (docs/push.md).
 *
 * For each blob (the layers, then the config): HEAD it in the target
 * repository and skip it when the registry has it; else POST an upload
 * (with ?mount=&from= when a repository on the same registry may hold it,
 * so the registry copies it without a byte sent), then send it: one PUT
 * for blobs up to the chunk size, PATCHes of a chunk each and a closing
 * PUT for bigger ones. A PATCH that fails is resumed from what the
 * registry says it has (GET on the upload: Range 0-N). Last, the manifest
 * is PUT under the tag.
 *
 * Layers go as they are stored (LZ4 tar, IMAGE_LAYER_TYPE, which boxcar
 * pulls and docker does not), or recompressed to gzip
 * (application/vnd.oci.image.layer.v1.tar+gzip) in two streaming passes:
 * one to learn the gzip blob's digest and size (which the HEAD and the
 * manifest need), one to upload it; no temporary file. The config is sent
 * byte for byte, so the image ID is the same on the registry; the
 * manifest is built afresh (no io.boxcar.origin annotations).
 *
 * The store is locked (shared) only while the image is read and its
 * layer files opened: the upload works from the open descriptors, so a
 * concurrent rmi does not pull a blob from under it.
 *
 * Everything the registry sends back is bounded: Location headers are
 * resolved against the request URL, must stay on the registry's scheme
 * (no https to http) and fit URL_MAX; Range values and error documents
 * are parsed with push_parse_range() and push_error_text().
 */
#ifndef BOXCAR_PUSH_H
#define BOXCAR_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "pull.h"
#include "registry.h"
#include "store.h"

#define PUSH_CHUNK_DEFAULT (16 << 20) /* bytes per PATCH; smaller blobs: one PUT */
#define PUSH_ERROR_MAX 65536          /* error document read from a failed request */
#define MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"

struct push_opts {
	int gzip;                   /* layers as gzip, not as stored */
	int64_t chunk;              /* 0: PUSH_CHUNK_DEFAULT */
	const char *mount_from;     /* a repository path on the same registry
	                             * to mount blobs from, or NULL */
	const struct pull_progress *progress; /* status lines: "Pushed",
	                             * "Layer already exists", "Mounted from X" */
};

struct push_result {
	char digest[DIGEST_STR_LEN + 1]; /* the manifest's */
	int64_t size;                    /* the manifest's bytes */
	int pushed, existed, mounted;    /* blobs, by how they got there */
};

/* Push the image image (a local NAME[:TAG] or ID) from s to the registry
 * r (open, with push set) as r->ref.path:tag. 0, or -1 with err_set(). */
int push_image(const char *root, const char *image, struct registry *r, const char *tag,
	       const struct push_opts *o, struct push_result *res);

/* An upload's Range header ("0-N", or "bytes=0-N"): *next gets N + 1, the
 * offset the next chunk starts at. 0, or -1 if malformed. */
int push_parse_range(const char *s, int64_t *next);

/* The registry's error document ({"errors": [{"code", "message"}]}) as
 * "CODE: message" into out (cap bytes, cut to fit, control bytes
 * replaced); "" if the body is not one. */
void push_error_text(const char *body, size_t n, char *out, size_t cap);

#endif
