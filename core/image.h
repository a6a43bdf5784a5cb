/* image.h - images as OCI JSON in the store (docs/store.md).
 *
 * An image is an OCI image manifest blob naming an OCI image config blob
 * and layer blobs; a tag in ROOT/images.json points at the manifest. The
 * image ID is the config's digest, as in Docker. Layers are LZ4 tar,
 * which has no registered media type: IMAGE_LAYER_TYPE is ours.
 */
#ifndef BOXCAR_IMAGE_H
#define BOXCAR_IMAGE_H

#include "json.h"
#include "store.h"

#define IMAGE_MANIFEST_TYPE "application/vnd.oci.image.manifest.v1+json"
#define IMAGE_CONFIG_TYPE "application/vnd.oci.image.config.v1+json"
#define IMAGE_LAYER_TYPE "application/vnd.boxcar.image.layer.v1.tar+lz4"

/* What `import` can set in the image config; unset fields are left out.
 * Lists are NULL-terminated; env and labels hold "K=V". */
struct image_config {
	char **env, **cmd, **entrypoint, **labels;
	const char *workdir, *user, *stop_signal;
};

/* GOARCH name of the machine this binary was built for (amd64, arm64,
 * arm, mipsle, ...). */
const char *image_arch(void);

/* Write config and manifest for n layers and point ref ("name:tag",
 * already checked) at it. id gets the image ID (config digest). */
int image_create(const struct store *s, const char *ref, const struct layer_info *layers,
		 int n, const struct image_config *c, char id[DIGEST_STR_LEN + 1]);

/* A loaded image: both documents parsed and checked. */
struct image {
	char manifest_digest[DIGEST_STR_LEN + 1];
	char id[DIGEST_STR_LEN + 1];        /* config digest */
	struct json_doc manifest, config;
	uint32_t layers;                /* the manifest's "layers" array */
	int64_t size;                   /* sum of the layers' tar sizes */
};

/* Open by NAME[:TAG] or by an image ID (or unambiguous prefix of one). */
int image_open(const struct store *s, const char *name, struct image *im);
/* Open the image whose manifest has this digest. */
int image_open_manifest(const struct store *s, const char *digest, struct image *im);
void image_close(struct image *im);

/* Tags naming the image with this manifest, comma-separated into buf;
 * returns how many. */
int image_tags(const struct store *s, const char *manifest_digest, char *buf, size_t n);
/* Tags whose image uses layer digest, comma-separated; returns how many. */
int image_layer_users(const struct store *s, const char *digest, char *buf, size_t n);

/* Drop the tag name; when no tag is left on its manifest, delete the
 * manifest and config blobs and every layer of it that no other image or
 * container uses. report() is told each step ("Untagged", "Deleted"). */
int image_remove(const struct store *s, const char *name,
		 void (*report)(const char *what, const char *id));
/* Point dst (NAME[:TAG]) at the image src names. */
int image_tag(const struct store *s, const char *src, const char *dst);
/* Delete a layer unless an image or a container uses it. */
int image_layer_remove(const struct store *s, const char *digest);

#endif
