/* image_archive.c - images as a docker-archive or OCI archive (see
 * image_archive.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "err.h"
#include "image.h"
#include "image_archive.h"
#include "lz4frame.h"
#include "ref.h"
#include "tar.h"

#define MT_OCI_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"
#define BUF_SIZE 65536

/* What index.json, manifest.json and repositories say of one image. */
struct saved {
	struct ref ref;          /* ref.full "" when saved by ID */
	char manifest[DIGEST_STR_LEN + 1], config[DIGEST_STR_LEN + 1];
	int64_t manifest_size;
	char (*layers)[DIGEST_STR_LEN + 1]; /* diff_ids, bottom first */
	int nlayers;
};

struct saver {
	const struct store *s;
	struct writer *w;
	char (*done)[DIGEST_STR_LEN + 1];  /* blobs already written */
	int ndone, cap;
	struct saved *img;
	int nimg;
	unsigned char *buf;
};

static int written(struct saver *sv, const char *digest)
{
	for (int i = 0; i < sv->ndone; i++)
		if (!strcmp(sv->done[i], digest))
			return 1;
	if (sv->ndone == sv->cap) {
		int cap = sv->cap ? 2 * sv->cap : 32;
		void *n = realloc(sv->done, cap * sizeof(*sv->done));

		if (!n)
			return err_set("out of memory");
		sv->done = n;
		sv->cap = cap;
	}
	strcpy(sv->done[sv->ndone++], digest);
	return 0;
}

static int put_header(struct saver *sv, const char *path, char type, uint64_t size)
{
	struct tar_entry e;
	int rc;

	memset(&e, 0, sizeof(e));
	snprintf(e.path, sizeof(e.path), "%s", path);
	e.type = type;
	e.mode = type == TAR_DIR ? 0755 : 0644;
	e.size = size;
	rc = tar_write_header(sv->w, &e);
	tar_entry_free(&e);
	return rc;
}

static int put_file(struct saver *sv, const char *path, const void *data, size_t n)
{
	if (put_header(sv, path, TAR_REG, n) || writer_write(sv->w, data, n))
		return -1;
	return tar_write_pad(sv->w, n);
}

/* A small blob (config, manifest) under blobs/sha256/, once. */
static int put_blob(struct saver *sv, const char *digest, const void *data, size_t n)
{
	char path[32 + DIGEST_STR_LEN];
	int r = written(sv, digest);

	if (r)
		return r < 0 ? -1 : 0;
	snprintf(path, sizeof(path), "blobs/sha256/%s", digest + 7);
	return put_file(sv, path, data, n);
}

/* A stored layer as the plain tar its diff_id names: unpacked from LZ4
 * as it is written, its bytes counted and hashed on the way. */
static int put_layer(struct saver *sv, const struct layer_info *li)
{
	char path[PATH_MAX], got[DIGEST_STR_LEN + 1];
	unsigned char sum[DIGEST_LEN];
	struct lz4frame_reader lz;
	struct fd_reader fr;
	struct digest d;
	uint64_t total = 0;
	ssize_t n;
	int fd, r = written(sv, li->diff_id), rc = -1;

	if (r)
		return r < 0 ? -1 : 0;
	if ((fd = store_layer_archive_open(sv->s, li)) < 0)
		return -1;
	fd_reader_init(&fr, fd, "the layer's archive");
	if (lz4frame_reader_init(&lz, &fr.r)) {
		close(fd);
		return -1;
	}
	snprintf(path, sizeof(path), "blobs/sha256/%s", li->diff_id + 7);
	if (put_header(sv, path, TAR_REG, (uint64_t)li->diff_size))
		goto out;
	digest_init(&d);
	while ((n = reader_read(&lz.r, sv->buf, BUF_SIZE)) > 0) {
		if (total + (uint64_t)n > (uint64_t)li->diff_size)
			break;
		digest_update(&d, sv->buf, n);
		if (writer_write(sv->w, sv->buf, n))
			goto out;
		total += n;
	}
	if (n < 0)
		goto out;
	digest_final(&d, sum);
	digest_format(got, sum);
	if (total != (uint64_t)li->diff_size || strcmp(got, li->diff_id)) {
		err_setn(EIO, "layer %.19s in the store is not the tar its diff_id names",
			 li->digest);
		goto out;
	}
	rc = tar_write_pad(sv->w, total);
out:
	reader_close(&lz.r);
	close(fd);
	return rc;
}

/* One image: its layers, config and manifest blobs; what the index
 * files need goes to *out. */
static int save_one(struct saver *sv, const char *name, struct saved *out)
{
	unsigned char sum[DIGEST_LEN];
	char digest[DIGEST_STR_LEN + 1];
	struct image im;
	struct json_w m;
	char *config = NULL;
	size_t config_len;
	uint32_t layers;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (image_open(sv->s, name, &im))
		return -1;
	/* A name that tags it is recorded; an ID saves it untagged. */
	if (ref_parse(name, &out->ref) || store_tag_get(sv->s, out->ref.full, digest) ||
	    strcmp(digest, im.manifest_digest))
		out->ref.full[0] = 0;
	strcpy(out->config, im.id);
	jw_init(&m, 0);
	if (store_blob_get(sv->s, im.id, &config, &config_len))
		goto out;
	if (!(out->layers = calloc(im.layers ? im.layers : 1, sizeof(*out->layers)))) {
		err_set("out of memory");
		goto out;
	}
	jw_obj(&m);
	jw_kint(&m, "schemaVersion", 2);
	jw_kstr(&m, "mediaType", IMAGE_MANIFEST_TYPE);
	jw_key(&m, "config");
	jw_obj(&m);
	jw_kstr(&m, "mediaType", IMAGE_CONFIG_TYPE);
	jw_kstr(&m, "digest", im.id);
	jw_kint(&m, "size", (int64_t)config_len);
	jw_end(&m);
	jw_key(&m, "layers");
	jw_arr(&m);
	layers = json_get(&im.manifest, 0, "layers");
	for (uint32_t l = layers ? json_first(&im.manifest, layers) : 0; l;
	     l = json_next(&im.manifest, l)) {
		const char *ld = json_get_str(&im.manifest, l, "digest");
		struct layer_info li;

		if (!ld || (uint32_t)out->nlayers >= im.layers) {
			err_setn(EINVAL, "%s: bad layer list", name);
			goto out;
		}
		if (store_layer_get(sv->s, ld, &li) || put_layer(sv, &li))
			goto out;
		jw_obj(&m);
		jw_kstr(&m, "mediaType", MT_OCI_LAYER_TAR);
		jw_kstr(&m, "digest", li.diff_id);
		jw_kint(&m, "size", li.diff_size);
		jw_end(&m);
		strcpy(out->layers[out->nlayers++], li.diff_id);
	}
	jw_end(&m);
	jw_end(&m);
	if (jw_finish(&m) || put_blob(sv, im.id, config, config_len))
		goto out;
	m.len--; /* jw_finish's newline is no part of the blob */
	sha256(m.buf, m.len, sum);
	digest_format(out->manifest, sum);
	out->manifest_size = (int64_t)m.len;
	rc = put_blob(sv, out->manifest, m.buf, m.len);
out:
	jw_free(&m);
	free(config);
	image_close(&im);
	return rc;
}

/* index.json: each manifest, named as Docker 25 and containerd name it. */
static int put_index(struct saver *sv)
{
	struct json_w w;
	int rc;

	jw_init(&w, 0);
	jw_obj(&w);
	jw_kint(&w, "schemaVersion", 2);
	jw_kstr(&w, "mediaType", "application/vnd.oci.image.index.v1+json");
	jw_key(&w, "manifests");
	jw_arr(&w);
	for (int i = 0; i < sv->nimg; i++) {
		const struct saved *im = &sv->img[i];

		jw_obj(&w);
		jw_kstr(&w, "mediaType", IMAGE_MANIFEST_TYPE);
		jw_kstr(&w, "digest", im->manifest);
		jw_kint(&w, "size", im->manifest_size);
		if (im->ref.full[0]) {
			jw_key(&w, "annotations");
			jw_obj(&w);
			jw_kstr(&w, "io.containerd.image.name", im->ref.full);
			jw_kstr(&w, "org.opencontainers.image.ref.name", im->ref.tag);
			jw_end(&w);
		}
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	rc = jw_finish(&w) || put_file(sv, "index.json", w.buf, w.len) ? -1 : 0;
	jw_free(&w);
	return rc;
}

/* manifest.json (docker load's own index) and repositories (the legacy
 * one: NAME -> TAG -> top layer). */
static int put_docker(struct saver *sv)
{
	char path[32 + DIGEST_STR_LEN];
	struct json_w w, r;
	int rc;

	jw_init(&w, 0);
	jw_arr(&w);
	for (int i = 0; i < sv->nimg; i++) {
		const struct saved *im = &sv->img[i];

		jw_obj(&w);
		snprintf(path, sizeof(path), "blobs/sha256/%s", im->config + 7);
		jw_kstr(&w, "Config", path);
		jw_key(&w, "RepoTags");
		jw_arr(&w);
		if (im->ref.full[0])
			jw_str(&w, im->ref.full);
		jw_end(&w);
		jw_key(&w, "Layers");
		jw_arr(&w);
		for (int l = 0; l < im->nlayers; l++) {
			snprintf(path, sizeof(path), "blobs/sha256/%s", im->layers[l] + 7);
			jw_str(&w, path);
		}
		jw_end(&w);
		jw_end(&w);
	}
	jw_end(&w);
	jw_init(&r, 0);
	jw_obj(&r);
	for (int i = 0; i < sv->nimg; i++) {
		const struct saved *im = &sv->img[i];
		int first = 1;

		/* A name once, with all its tags. */
		for (int j = 0; j < i && first; j++)
			first = strcmp(sv->img[j].ref.name, im->ref.name) != 0;
		if (!im->ref.full[0] || !first)
			continue;
		jw_key(&r, im->ref.name);
		jw_obj(&r);
		for (int j = i; j < sv->nimg; j++)
			if (sv->img[j].ref.full[0] && !strcmp(sv->img[j].ref.name, im->ref.name) &&
			    sv->img[j].nlayers)
				jw_kstr(&r, sv->img[j].ref.tag,
					sv->img[j].layers[sv->img[j].nlayers - 1] + 7);
		jw_end(&r);
	}
	jw_end(&r);
	rc = jw_finish(&w) || jw_finish(&r) || put_file(sv, "manifest.json", w.buf, w.len) ||
	     put_file(sv, "repositories", r.buf, r.len) ? -1 : 0;
	jw_free(&w);
	jw_free(&r);
	return rc;
}

int image_archive_write(const struct store *s, char *const *names, int n,
			enum archive_format format, struct writer *w)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	struct saver sv = { .s = s, .w = w };
	int rc = -1;

	if (!(sv.buf = malloc(BUF_SIZE)) || !(sv.img = calloc(n, sizeof(*sv.img)))) {
		err_set("out of memory");
		goto out;
	}
	if (put_header(&sv, "blobs/", TAR_DIR, 0) || put_header(&sv, "blobs/sha256/", TAR_DIR, 0))
		goto out;
	for (; sv.nimg < n; sv.nimg++)
		if (save_one(&sv, names[sv.nimg], &sv.img[sv.nimg])) {
			err_prefix(names[sv.nimg]);
			sv.nimg++; /* its layers are freed below */
			goto out;
		}
	if (put_index(&sv) || (format == ARCHIVE_DOCKER && put_docker(&sv)) ||
	    put_file(&sv, "oci-layout", layout, sizeof(layout) - 1))
		goto out;
	rc = tar_write_end(w) || writer_finish(w) ? -1 : 0;
out:
	for (int i = 0; sv.img && i < sv.nimg; i++)
		free(sv.img[i].layers);
	free(sv.img);
	free(sv.done);
	free(sv.buf);
	return rc;
}
