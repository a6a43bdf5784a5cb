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
	char **exposed;          /* "80/tcp"...: ExposedPorts */
	char **volumes;          /* "/data"...: Volumes */
	const char *author;      /* the config's author, and its history entry's */
	const char *comment;     /* the history entry's comment */
	const char *created_by;  /* the history entry's (NULL: "boxcar import") */
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
/* The same, also by image ID (short, full, sha256:): all its tags go,
 * then the image. Refused (naming the containers) when a container's
 * record names the image or, by ID, when more than one tag does; force:
 * done anyway (a container keeps the layers it runs on). */
int image_remove_force(const struct store *s, const char *name, int force,
		       void (*report)(const char *what, const char *id));
/* Point dst (NAME[:TAG]) at the image src names. */
int image_tag(const struct store *s, const char *src, const char *dst);
/* Delete a layer unless an image or a container uses it. */
int image_layer_remove(const struct store *s, const char *digest);

/* Blobs nothing refers to (image_gc.c): delete them (dry: only count),
 * telling report each, then drop the gc-pending mark unless a manifest
 * was kept for a container's record alone (pinned: its removal frees it,
 * and the next sweep must see that). Under the store's write lock (read
 * lock if dry). */
struct image_gc_result {
	int blobs;
	int64_t bytes;
	int pinned;
};
int image_gc(const struct store *s, int dry, struct image_gc_result *res,
	     void (*report)(const char *digest, int64_t size));
/* store_gc_hook: image_gc. */
int image_gc_pending(const struct store *s);

/* Append one image to w as `docker image inspect` shows it: Id, RepoTags,
 * Created, Config, RootFS, GraphDriver (LowerDir: the layers' diff dirs,
 * topmost first). Used by `image inspect` and `inspect`. */
void image_inspect_json(struct json_w *w, const struct store *s, struct image *im);

/* Manifests (image_pulled.c), for pulled images and, without origin, for
 * image_create(). A pulled image keeps the registry's config blob
 * byte for byte, so the image ID is the one the registry and Docker show;
 * the manifest is boxcar's own, because the layers are stored as LZ4
 * (their digests differ from the registry's). Where the image came from is
 * kept in annotations: the manifest's IMAGE_ORIGIN_NAME and
 * IMAGE_ORIGIN_DIGEST, and on each layer IMAGE_ORIGIN_DIGEST and
 * IMAGE_ORIGIN_TYPE, the registry's descriptor. */
#define IMAGE_ORIGIN_NAME "io.boxcar.origin.name"
#define IMAGE_ORIGIN_DIGEST "io.boxcar.origin.digest"
#define IMAGE_ORIGIN_TYPE "io.boxcar.origin.mediaType"

struct image_origin {
	const char *name;    /* "docker.io/library/busybox", "oci:DIR" */
	const char *digest;  /* what the reference resolved to (index or manifest) */
	const char *const *layer_digests; /* n each, the source's descriptors; */
	const char *const *layer_types;   /* either may be NULL */
};

/* Write the manifest for the config blob config_digest (already stored,
 * size bytes) and n stored layers, then point ref at it: the tag is the
 * last step, so an interrupted pull is never listed. manifest gets the
 * local manifest's digest (may be NULL). */
int image_create_manifest(const struct store *s, const char *ref, const char *config_digest,
			int64_t config_size, const struct layer_info *layers, int n,
			const struct image_origin *o, char *manifest);
/* The origin digest recorded on the image ref names: 0 and out, or -1
 * (no such image, or not pulled). */
int image_origin_digest(const struct store *s, const char *ref, char out[DIGEST_STR_LEN + 1]);

#endif
