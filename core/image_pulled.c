/* image_pulled.c - images made from a pulled config and layers (see
 * image.h: image_create_manifest). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "image.h"

int image_create_manifest(const struct store *s, const char *ref, const char *config_digest,
			int64_t config_size, const struct layer_info *layers, int n,
			const struct image_origin *o, char *manifest)
{
	char digest[DIGEST_STR_LEN + 1], *blob;
	struct json_w w;
	size_t len;
	int rc;

	/* The config must be in the store and be what it says. */
	if (store_blob_get(s, config_digest, &blob, &len))
		return -1;
	free(blob);
	jw_init(&w, 0);
	jw_obj(&w);
	jw_kint(&w, "schemaVersion", 2);
	jw_kstr(&w, "mediaType", IMAGE_MANIFEST_TYPE);
	jw_key(&w, "config");
	jw_obj(&w);
	jw_kstr(&w, "mediaType", IMAGE_CONFIG_TYPE);
	jw_kstr(&w, "digest", config_digest);
	jw_kint(&w, "size", config_size);
	jw_end(&w);
	jw_key(&w, "layers");
	jw_arr(&w);
	for (int i = 0; i < n; i++) {
		jw_obj(&w);
		jw_kstr(&w, "mediaType", IMAGE_LAYER_TYPE);
		jw_kstr(&w, "digest", layers[i].digest);
		jw_kint(&w, "size", layers[i].size);
		if (o && (o->layer_digests || o->layer_types)) {
			jw_key(&w, "annotations");
			jw_obj(&w);
			if (o->layer_digests && o->layer_digests[i])
				jw_kstr(&w, IMAGE_ORIGIN_DIGEST, o->layer_digests[i]);
			if (o->layer_types && o->layer_types[i])
				jw_kstr(&w, IMAGE_ORIGIN_TYPE, o->layer_types[i]);
			jw_end(&w);
		}
		jw_end(&w);
	}
	jw_end(&w);
	if (o && (o->name || o->digest)) {
		jw_key(&w, "annotations");
		jw_obj(&w);
		if (o->name)
			jw_kstr(&w, IMAGE_ORIGIN_NAME, o->name);
		if (o->digest)
			jw_kstr(&w, IMAGE_ORIGIN_DIGEST, o->digest);
		jw_end(&w);
	}
	jw_end(&w);
	rc = jw_finish(&w);
	/* The blob is the compact text without jw_finish()'s newline. */
	if (!rc)
		rc = store_blob_put(s, w.buf, w.len - 1, digest);
	jw_free(&w);
	if (rc)
		return -1;
	if (manifest)
		memcpy(manifest, digest, sizeof(digest));
	return store_tag_set(s, ref, digest);
}

int image_origin_digest(const struct store *s, const char *ref, char out[DIGEST_STR_LEN + 1])
{
	struct image im;
	const char *d;
	int rc = -1;

	if (image_open(s, ref, &im))
		return -1;
	d = json_get_str(&im.manifest, json_get(&im.manifest, 0, "annotations"),
			 IMAGE_ORIGIN_DIGEST);
	if (d && digest_valid(d)) {
		memcpy(out, d, DIGEST_STR_LEN + 1);
		rc = 0;
	} else
		err_setn(0, "%s was not pulled", ref);
	image_close(&im);
	return rc;
}
