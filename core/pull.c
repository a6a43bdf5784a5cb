/* pull.c - the pull pipeline shared by every source (see pull.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applet.h"
#include "err.h"
#include "image.h"
#include "json.h"
#include "pull.h"

/* ---- blobs as byte ranges ------------------------------------------------ */

struct range_reader {
	struct reader r;
	int fd;
	int64_t off, left;
};

static ssize_t range_read(struct reader *r, void *buf, size_t n)
{
	struct range_reader *rr = (struct range_reader *)r;
	ssize_t got;

	if ((int64_t)n > rr->left)
		n = rr->left;
	if (!n)
		return 0;
	got = pread(rr->fd, buf, n, rr->off);
	if (got < 0)
		return err_set("reading blob");
	if (!got)
		return err_setn(0, "blob: unexpected end of file");
	rr->off += got;
	rr->left -= got;
	return got;
}

static void range_init(struct range_reader *rr, const struct pull_blob *b)
{
	rr->r.read = range_read;
	rr->r.close = NULL;
	rr->fd = b->fd;
	rr->off = b->off;
	rr->left = b->len;
}

void pull_blob_release(struct pull_blob *b)
{
	/* unlink first: the fd's flock keeps another pull of this blob
	 * waiting until the file is gone */
	if (b->path[0])
		unlink(b->path);
	b->path[0] = 0;
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

int pull_blob_verify(struct pull_blob *b, const char *digest)
{
	unsigned char want[DIGEST_LEN], got[DIGEST_LEN], buf[65536];
	struct range_reader rr;
	struct digest d;
	ssize_t n;

	if (digest_parse(digest, want))
		return err_setn(0, "'%.80s': not a sha256 digest", digest);
	range_init(&rr, b);
	digest_init(&d);
	while ((n = reader_read(&rr.r, buf, sizeof(buf))) > 0)
		digest_update(&d, buf, n);
	if (n < 0)
		return -1;
	digest_final(&d, got);
	if (memcmp(want, got, DIGEST_LEN))
		return err_setn(0, "blob %.19s: content does not match its digest", digest);
	return 0;
}

/* ---- manifests ------------------------------------------------------------ */

static int is_index(const char *type, const struct json_doc *d)
{
	if (!strcmp(type, MT_OCI_INDEX) || !strcmp(type, MT_DOCKER_LIST))
		return 1;
	if (type[0] && strcmp(type, "application/json") && strcmp(type, "text/plain"))
		return 0;
	/* The source did not say: an index has manifests, a manifest layers. */
	return json_get(d, 0, "manifests") && !json_get(d, 0, "layers");
}

/* A manifest's type from the document when the source gave none. */
static void doc_type(char type[PULL_TYPE_MAX], const struct json_doc *d)
{
	const char *t = json_get_str(d, 0, "mediaType");

	if ((!type[0] || !strcmp(type, "application/json")) && t && strlen(t) < PULL_TYPE_MAX)
		strcpy(type, t);
}

struct layer_desc {
	const char *type, *digest;
	int64_t size;
	char diff_id[DIGEST_STR_LEN + 1];
	struct layer_info li;
	int have;
};

static int layer_type_ok(const char *t)
{
	static const char *const zstd[] = {
		"application/vnd.oci.image.layer.v1.tar+zstd",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
	};
	static const char *const ok[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.diff.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
		IMAGE_LAYER_TYPE,
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(t, ok[i]))
			return 1;
	for (size_t i = 0; ENABLED(FEATURE_ZSTD) && i < sizeof(zstd) / sizeof(zstd[0]); i++)
		if (!strcmp(t, zstd[i]))
			return 1;
	return 0;
}

static int read_desc(const struct json_doc *d, uint32_t o, const char **type,
		     const char **digest, int64_t *size, const char *what)
{
	uint32_t sz = json_get(d, o, "size");

	*type = json_get_str(d, o, "mediaType");
	*digest = json_get_str(d, o, "digest");
	if (!*digest || !digest_valid(*digest))
		return err_setn(0, "manifest: %s has no sha256 digest", what);
	if (!sz || json_int(d, sz, size) || *size < 0)
		return err_setn(0, "manifest: %s has no valid size", what);
	if (!*type)
		*type = "";
	return 0;
}

/* ---- the store ------------------------------------------------------------ */

struct find_diff {
	const char *diff_id;
	struct layer_info *li;
	int found;
};

static int match_diff(const struct layer_info *li, void *arg)
{
	struct find_diff *f = arg;

	if (strcmp(li->diff_id, f->diff_id))
		return 0;
	*f->li = *li;
	f->found = 1;
	return 1;
}

/* Is a layer with this diff_id in the store? Its info into li. */
static int have_diff(const struct store *s, const char *diff_id, struct layer_info *li)
{
	struct find_diff f = { diff_id, li, 0 };

	return store_layer_each(s, match_diff, &f) < 0 ? -1 : f.found;
}

static void say(const struct pull_opts *o, const char *id, const char *what)
{
	if (o->progress && o->progress->status)
		o->progress->status(o->progress->arg, id, what);
}

/* Read a small blob (the config) whole, checked. */
static int read_small_blob(struct pull_source *src, const char *digest, int64_t size,
			   char **out, const struct pull_opts *o)
{
	struct pull_blob b = { .fd = -1 };
	struct range_reader rr;
	char *buf;

	if (size > (int64_t)STORE_META_MAX)
		return err_setn(0, "config %.19s: larger than %u bytes", digest,
				STORE_META_MAX);
	if (src->blob(src, digest, size, &b, NULL))
		return -1;
	if (b.len != size || !(buf = malloc(size + 1))) {
		pull_blob_release(&b);
		return b.len != size ? err_setn(0, "config %.19s: wrong size", digest)
				     : err_set("config");
	}
	range_init(&rr, &b);
	if (reader_read_full(&rr.r, buf, size, "config")) {
		free(buf);
		pull_blob_release(&b);
		return -1;
	}
	buf[size] = 0;
	pull_blob_release(&b);
	*out = buf;
	return 0;
}

/* Import one blob (staged without the store's lock, committed under it)
 * and check its diff_id. */
static int import_layer(const struct pull_opts *o, struct layer_desc *l, struct pull_blob *b)
{
	struct range_reader rr;
	struct store s;
	int existed, rc = -1;

	if (store_open(&s, o->root, STORE_STAGE))
		return -1;
	range_init(&rr, b);
	if (store_layer_import(&s, &rr.r, l->digest, &l->li, &existed))
		goto out;
	if (strcmp(l->li.diff_id, l->diff_id)) {
		/* keep nothing: drop what this import added */
		if (!existed)
			store_layer_remove(&s, l->li.digest);
		err_setn(0, "layer %.19s: its tar is %.19s, the config says %.19s",
			 l->digest, l->li.diff_id, l->diff_id);
		goto out;
	}
	rc = 0;
out:
	store_close(&s);
	return rc;
}

static int finish_image(const struct pull_opts *o, struct pull_source *src, const char *ref,
			const char *config, int64_t config_size, const char *config_digest,
			struct layer_desc *l, int n, struct pull_result *res)
{
	const char **ldig = calloc(n + 1, sizeof(*ldig)), **ltype = calloc(n + 1, sizeof(*ltype));
	struct layer_info *li = calloc(n + 1, sizeof(*li));
	char got[DIGEST_STR_LEN + 1];
	struct image_origin org = { src->name, res->digest, ldig, ltype };
	struct store s;
	int rc = -1;

	if (!ldig || !ltype || !li) {
		err_set("out of memory");
		goto out_free;
	}
	if (store_open(&s, o->root, STORE_WRITE))
		goto out_free;
	for (int i = 0; i < n; i++) {
		/* still there? (an `image rm` may have run since we looked) */
		if (store_layer_get(&s, l[i].li.digest, &li[i])) {
			err_setn(0, "layer %.19s went away during the pull; pull again",
				 l[i].li.digest);
			goto out;
		}
		ldig[i] = l[i].digest;
		ltype[i] = l[i].type;
	}
	if (store_blob_put(&s, config, config_size, got))
		goto out;
	if (strcmp(got, config_digest)) {
		err_setn(0, "config: stored as %.19s, expected %.19s", got, config_digest);
		goto out;
	}
	rc = image_create_manifest(&s, ref, config_digest, config_size, li, n, &org, NULL);
out:
	store_close(&s);
out_free:
	free(ldig);
	free(ltype);
	free(li);
	return rc;
}

/* The manifest (not an index) that reference leads to, parsed. */
static int resolve(struct pull_source *src, const char *reference, const struct pull_opts *o,
		   struct json_doc *d, char *type, struct pull_result *res)
{
	char digest[DIGEST_STR_LEN + 1], child[DIGEST_STR_LEN + 1];
	char *body;
	size_t n;
	int rc;

	if (src->manifest(src, reference, &body, &n, type, res->digest))
		return -1;
	rc = json_parse(d, body, n);
	free(body);
	if (rc)
		return err_prefix("manifest");
	doc_type(type, d);
	if (!strcmp(type, MT_DOCKER_SCHEMA1) || !strncmp(type, MT_DOCKER_SCHEMA1, 52)) {
		json_free(d);
		return err_setn(0, "Docker schema 1 manifests are not supported "
				"(deprecated since 2017)");
	}
	if (!is_index(type, d))
		return 0;
	/* An index: choose the platform's manifest and fetch it. */
	uint32_t m = platform_select(d, &o->platform);
	const char *cd = m ? json_get_str(d, m, "digest") : NULL;

	if (!cd || !digest_valid(cd)) {
		json_free(d);
		return m ? err_setn(0, "index: entry without a sha256 digest") : -1;
	}
	strcpy(child, cd);
	json_free(d);
	if (src->manifest(src, child, &body, &n, type, digest))
		return -1;
	rc = json_parse(d, body, n);
	free(body);
	if (rc)
		return err_prefix("manifest");
	doc_type(type, d);
	if (is_index(type, d)) {
		json_free(d);
		return err_setn(0, "an index inside an index is not supported");
	}
	return 0;
}

int pull_image(struct pull_source *src, const char *reference, const char *ref,
	       const struct pull_opts *o, struct pull_result *res)
{
	struct layer_desc *l = NULL; /* PULL_MAX_LAYERS of them: ~80 KiB, not on the stack */
	char type[PULL_TYPE_MAX] = "", *config = NULL, have_digest[DIGEST_STR_LEN + 1];
	const char *cfg_type, *cfg_digest;
	int64_t cfg_size;
	struct json_doc m, c;
	uint32_t layers, diffs, e;
	int n = 0, rc = -1, cfg_parsed = 0;
	struct store s;

	memset(res, 0, sizeof(*res));
	if (resolve(src, reference, o, &m, type, res))
		return -1;
	if (!(l = calloc(PULL_MAX_LAYERS, sizeof(*l)))) {
		json_free(&m);
		return err_set("out of memory");
	}
	if (read_desc(&m, json_get(&m, 0, "config"), &cfg_type, &cfg_digest, &cfg_size, "config"))
		goto out;
	layers = json_get(&m, 0, "layers");
	if (!layers || json_type(&m, layers) != JSON_ARRAY) {
		err_setn(0, "manifest has no layers");
		goto out;
	}
	for (e = json_first(&m, layers); e; e = json_next(&m, e), n++) {
		if (n == PULL_MAX_LAYERS) {
			err_setn(0, "image has more than %d layers", PULL_MAX_LAYERS);
			goto out;
		}
		memset(&l[n], 0, sizeof(l[n]));
		if (read_desc(&m, e, &l[n].type, &l[n].digest, &l[n].size, "a layer"))
			goto out;
		if (!layer_type_ok(l[n].type)) {
			err_setn(0, "layer %.19s: media type %s is not supported%s",
				 l[n].digest, l[n].type,
				 strstr(l[n].type, "zstd") ? " (zstd is not in this build: "
				 "FEATURE_ZSTD)" : "");
			goto out;
		}
	}
	res->layers = n;

	/* The config: its diff_ids check each layer. */
	if (read_small_blob(src, cfg_digest, cfg_size, &config, o))
		goto out;
	if (json_parse(&c, config, cfg_size)) {
		err_prefix("image config");
		goto out;
	}
	cfg_parsed = 1;
	strcpy(res->id, cfg_digest);
	diffs = json_get(&c, json_get(&c, 0, "rootfs"), "diff_ids");
	e = diffs && json_type(&c, diffs) == JSON_ARRAY ? json_first(&c, diffs) : 0;
	for (int i = 0; i < n; i++, e = json_next(&c, e)) {
		const char *di = e ? json_str(&c, e) : NULL;

		if (!di || !digest_valid(di)) {
			err_setn(0, "image config: rootfs.diff_ids does not match the layers");
			goto out;
		}
		strcpy(l[i].diff_id, di);
	}
	if (e) {
		err_setn(0, "image config: more diff_ids than layers");
		goto out;
	}

	/* Up to date? Which layers are there already? */
	if (store_open(&s, o->root, STORE_READ))
		goto out;
	if (!image_origin_digest(&s, ref, have_digest) && !strcmp(have_digest, res->digest)) {
		struct image im;

		if (!image_open(&s, ref, &im)) {
			res->up_to_date = !strcmp(im.id, cfg_digest);
			image_close(&im);
		}
	}
	for (int i = 0; i < n && !res->up_to_date; i++) {
		int h = have_diff(&s, l[i].diff_id, &l[i].li);

		if (h < 0) {
			store_close(&s);
			goto out;
		}
		l[i].have = h;
	}
	store_close(&s);
	if (res->up_to_date) {
		rc = 0;
		goto out;
	}
	for (int i = 0; i < n; i++)
		if (l[i].have)
			say(o, l[i].digest, "Already exists");

	for (int i = 0; i < n; i++) {
		struct pull_blob b = { .fd = -1 };
		int r;

		if (l[i].have)
			continue;
		if (src->blob(src, l[i].digest, l[i].size, &b, o->progress))
			goto out;
		say(o, l[i].digest, "Extracting");
		r = import_layer(o, &l[i], &b);
		pull_blob_release(&b);
		if (r)
			goto out;
		res->downloaded++;
		say(o, l[i].digest, "Pull complete");
	}
	rc = finish_image(o, src, ref, config, cfg_size, cfg_digest, l, n, res);
out:
	if (cfg_parsed)
		json_free(&c);
	free(config);
	free(l);
	json_free(&m);
	return rc;
}
