/* image.c - OCI manifests and configs in the store (see image.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "err.h"
#include "fsutil.h"
#include "image.h"
#include "ref.h"

const char *image_arch(void)
{
#if defined(__x86_64__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__arm__)
	return "arm";
#elif defined(__mips__) && defined(__MIPSEL__)
	return "mipsle";
#elif defined(__mips__)
	return "mips";
#elif defined(__i386__)
	return "386";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#else
	return "unknown";
#endif
}

static void write_list(struct json_w *w, const char *key, char **list)
{
	if (!list)
		return;
	jw_key(w, key);
	jw_arr(w);
	for (; *list; list++)
		jw_str(w, *list);
	jw_end(w);
}

static int store_json(const struct store *s, struct json_w *w, char digest[DIGEST_STR_LEN + 1],
		      int64_t *size)
{
	int rc = jw_finish(w);

	/* The blob is the compact text without jw_finish()'s newline. */
	if (!rc)
		rc = store_blob_put(s, w->buf, w->len - 1, digest);
	*size = w->len - 1;
	jw_free(w);
	return rc;
}

int image_create(const struct store *s, const char *ref, const struct layer_info *layers,
		 int n, const struct image_config *c, char id[DIGEST_STR_LEN + 1])
{
	char created[80];
	time_t now = time(NULL);
	struct json_w w;
	struct tm tm;
	int64_t config_size;

	gmtime_r(&now, &tm);
	snprintf(created, sizeof(created), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	jw_init(&w, 0);
	jw_obj(&w);
	jw_kstr(&w, "created", created);
	if (c->author)
		jw_kstr(&w, "author", c->author);
	if (c->comment) /* where Docker's commit keeps it too */
		jw_kstr(&w, "comment", c->comment);
	jw_kstr(&w, "architecture", image_arch());
	jw_kstr(&w, "os", "linux");
	jw_key(&w, "config");
	jw_obj(&w);
	if (c->user)
		jw_kstr(&w, "User", c->user);
	write_list(&w, "Env", c->env);
	write_list(&w, "Entrypoint", c->entrypoint);
	write_list(&w, "Cmd", c->cmd);
	if (c->workdir)
		jw_kstr(&w, "WorkingDir", c->workdir);
	if (c->labels) {
		jw_key(&w, "Labels");
		jw_obj(&w);
		for (char **l = c->labels; *l; l++) {
			char *eq = strchr(*l, '=');

			if (!eq) {
				jw_free(&w);
				return err_setn(0, "label '%s': not KEY=VALUE", *l);
			}
			*eq = 0;
			jw_kstr(&w, *l, eq + 1);
			*eq = '=';
		}
		jw_end(&w);
	}
	if (c->stop_signal)
		jw_kstr(&w, "StopSignal", c->stop_signal);
	for (int k = 0; k < 2; k++) {
		char **set = k ? c->volumes : c->exposed;

		if (!set)
			continue;
		jw_key(&w, k ? "Volumes" : "ExposedPorts");
		jw_obj(&w);
		for (char **p = set; *p; p++) {
			jw_key(&w, *p);
			jw_obj(&w);
			jw_end(&w);
		}
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "rootfs");
	jw_obj(&w);
	jw_kstr(&w, "type", "layers");
	jw_key(&w, "diff_ids");
	jw_arr(&w);
	for (int i = 0; i < n; i++)
		jw_str(&w, layers[i].diff_id);
	jw_end(&w);
	jw_end(&w);
	jw_key(&w, "history");
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "created", created);
	if (c->author)
		jw_kstr(&w, "author", c->author);
	jw_kstr(&w, "created_by", c->created_by ? c->created_by : "boxcar import");
	if (c->comment)
		jw_kstr(&w, "comment", c->comment);
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
	if (store_json(s, &w, id, &config_size))
		return -1;
	/* The manifest is written as for a pulled image, without origin. */
	return image_create_manifest(s, ref, id, config_size, layers, n, NULL, NULL);
}

/* ---- loading ------------------------------------------------------------ */

static int load_json(const struct store *s, const char *digest, struct json_doc *d)
{
	char *buf;
	size_t n;
	int rc;

	if (store_blob_get(s, digest, &buf, &n))
		return -1;
	rc = json_parse(d, buf, n);
	free(buf);
	if (rc)
		return err_prefix(digest);
	if (json_type(d, 0) != JSON_OBJECT) {
		json_free(d);
		return err_setn(0, "%s: not a JSON object", digest);
	}
	return 0;
}

int image_open_manifest(const struct store *s, const char *digest, struct image *im)
{
	const char *cd;
	struct layer_info li;

	memset(im, 0, sizeof(*im));
	if (load_json(s, digest, &im->manifest))
		return -1;
	strcpy(im->manifest_digest, digest);
	cd = json_get_str(&im->manifest, json_get(&im->manifest, 0, "config"), "digest");
	im->layers = json_get(&im->manifest, 0, "layers");
	if (!cd || !digest_valid(cd) || !im->layers
	    || json_type(&im->manifest, im->layers) != JSON_ARRAY) {
		json_free(&im->manifest);
		return err_setn(0, "manifest %s: no config or layers", digest);
	}
	strcpy(im->id, cd);
	if (load_json(s, cd, &im->config)) {
		json_free(&im->manifest);
		return -1;
	}
	for (uint32_t l = json_first(&im->manifest, im->layers); l; l = json_next(&im->manifest, l)) {
		const char *ld = json_get_str(&im->manifest, l, "digest");

		if (ld && !store_layer_get(s, ld, &li))
			im->size += li.diff_size;
	}
	return 0;
}

void image_close(struct image *im)
{
	json_free(&im->manifest);
	json_free(&im->config);
}

struct find_id {
	const char *prefix;
	char manifest[DIGEST_STR_LEN + 1];
	const struct store *s;
	int found;
};

/* An image ID prefix: compare with each tagged image's config digest. */
static int match_id(const char *ref, const char *digest, void *arg)
{
	struct find_id *f = arg;
	struct image im;
	size_t n = strlen(f->prefix);

	if (!strcmp(digest, f->manifest) || image_open_manifest(f->s, digest, &im))
		return 0;
	if (!strncmp(im.id + 7, f->prefix, n)) {
		f->found++;
		strcpy(f->manifest, digest);
	}
	image_close(&im);
	return 0;
}

int image_open(const struct store *s, const char *name, struct image *im)
{
	char digest[DIGEST_STR_LEN + 1];
	struct find_id f = { .s = s };
	struct ref r;
	size_t hex;

	if (!ref_parse(name, &r)) {
		if (!store_tag_get(s, r.full, digest))
			return image_open_manifest(s, digest, im);
		if (err_errno())
			return -1; /* images.json unreadable or corrupt: say so */
	}
	f.prefix = strncmp(name, "sha256:", 7) ? name : name + 7;
	hex = strspn(f.prefix, "0123456789abcdef");
	if (hex >= 4 && hex <= 64 && !f.prefix[hex]) {
		if (store_tag_each(s, match_id, &f) < 0)
			return -1;
		if (f.found == 1)
			return image_open_manifest(s, f.manifest, im);
	}
	return err_setn(0, "no such image: %s", name);
}

/* ---- who uses what ------------------------------------------------------ */

struct users {
	const struct store *s;
	const char *manifest, *layer;
	char *buf;
	size_t cap, len;
	int count;
};

static void add_name(struct users *u, const char *ref)
{
	size_t n = strlen(ref);

	if (u->len + n + 2 <= u->cap) {
		if (u->len)
			u->buf[u->len++] = ',';
		memcpy(u->buf + u->len, ref, n + 1);
		u->len += n;
	}
	u->count++;
}

static int tag_names(const char *ref, const char *digest, void *arg)
{
	struct users *u = arg;

	if (!strcmp(digest, u->manifest))
		add_name(u, ref);
	return 0;
}

int image_tags(const struct store *s, const char *manifest_digest, char *buf, size_t n)
{
	struct users u = { s, manifest_digest, NULL, buf, n, 0, 0 };

	if (n)
		*buf = 0;
	return store_tag_each(s, tag_names, &u) < 0 ? -1 : u.count;
}

static int manifest_has_layer(const struct store *s, const char *manifest, const char *layer)
{
	struct json_doc d;
	uint32_t l;
	int found = 0;

	if (load_json(s, manifest, &d))
		return 1; /* unreadable: count it as using the layer, to be safe */
	l = json_get(&d, 0, "layers");
	for (l = l ? json_first(&d, l) : 0; l && !found; l = json_next(&d, l)) {
		const char *ld = json_get_str(&d, l, "digest");

		found = ld && !strcmp(ld, layer);
	}
	json_free(&d);
	return found;
}

static int layer_names(const char *ref, const char *digest, void *arg)
{
	struct users *u = arg;

	if ((!u->manifest || strcmp(digest, u->manifest))
	    && manifest_has_layer(u->s, digest, u->layer))
		add_name(u, ref);
	return 0;
}

int image_layer_users(const struct store *s, const char *digest, char *buf, size_t n)
{
	struct users u = { s, NULL, digest, buf, n, 0, 0 };

	if (n)
		*buf = 0;
	return store_tag_each(s, layer_names, &u) < 0 ? -1 : u.count;
}

int image_layer_remove(const struct store *s, const char *digest)
{
	char names[256];
	int n = image_layer_users(s, digest, names, sizeof(names));

	if (n < 0)
		return -1;
	if (n)
		return err_setn(0, "layer %.19s is used by %s", digest, names);
	if (container_refers(s, "layers", digest))
		return err_setn(0, "layer %.19s is used by a container", digest);
	return store_layer_remove(s, digest);
}

/* ---- changing tags ------------------------------------------------------ */

int image_tag(const struct store *s, const char *src, const char *dst)
{
	struct image im;
	struct ref r;
	int rc;

	if (ref_parse(dst, &r) || image_open(s, src, &im))
		return -1;
	rc = store_tag_set(s, r.full, im.manifest_digest);
	image_close(&im);
	return rc;
}

struct config_users {
	const struct store *s;
	const char *config;
	int used;
};

static int uses_config(const char *ref, const char *digest, void *arg)
{
	struct config_users *u = arg;
	struct image im;

	if (image_open_manifest(u->s, digest, &im))
		return 0;
	u->used |= !strcmp(im.id, u->config);
	image_close(&im);
	return u->used;
}

static int config_in_use(const struct store *s, const char *config)
{
	struct config_users u = { s, config, 0 };

	return store_tag_each(s, uses_config, &u) != 0; /* errors: keep it */
}

/* The image with this manifest goes: the layers only it used (not those
 * of a container's record: it runs on them), then its blobs. */
static int image_delete(const struct store *s, const char *digest,
			void (*report)(const char *what, const char *id))
{
	char path[PATH_MAX];
	struct image im;
	uint32_t l;
	int rc = 0;

	if (image_open_manifest(s, digest, &im))
		return -1;
	for (l = json_first(&im.manifest, im.layers); l; l = json_next(&im.manifest, l)) {
		const char *ld = json_get_str(&im.manifest, l, "digest");
		char users[8];

		if (!ld || store_layer_get(s, ld, &(struct layer_info){ 0 }))
			continue;
		if (image_layer_users(s, ld, users, sizeof(users)) || container_refers(s, "layers", ld))
			continue;
		if (store_layer_remove(s, ld))
			rc = -1;
		else
			report("Deleted", ld);
	}
	if (!store_blob_path(s, path, digest))
		unlink(path);
	/* Two manifests can share a config (same diff_ids, differently
	 * compressed layers): keep it while another still names it. */
	if (!config_in_use(s, im.id) && !store_blob_path(s, path, im.id))
		unlink(path);
	report("Deleted", im.id);
	image_close(&im);
	return rc;
}

/* By ID, as docker rmi ID: every tag goes, then the image; without
 * force refused when more than one tag names it, or a container uses
 * it (docker's words, and the containers named). */
static int remove_by_id(const struct store *s, const char *name, int force,
			void (*report)(const char *what, const char *id))
{
	char digest[DIGEST_STR_LEN + 1], tags[1024], users[100]; /* the message holds 256 */
	struct image im;
	int ntags;

	if (image_open(s, name, &im))
		return -1;
	strcpy(digest, im.manifest_digest);
	image_close(&im);
	if ((ntags = image_tags(s, digest, tags, sizeof(tags))) < 0)
		return -1;
	if (ntags > 1 && !force)
		return err_setn(0, "conflict: unable to delete %s (must be forced) - image is "
				"referenced in multiple repositories (%s)", name, tags);
	if (!force && container_refers_names(s, "image", digest, users, sizeof(users)))
		return err_setn(0, "conflict: unable to delete %s (must be forced) - image is "
				"being used by container %s", name, users);
	while (ntags-- > 0) {
		char *comma = strchr(tags, ',');

		if (comma)
			*comma = 0;
		if (store_tag_set(s, tags, NULL))
			return -1;
		report("Untagged", tags);
		if (comma)
			memmove(tags, comma + 1, strlen(comma + 1) + 1);
	}
	return image_delete(s, digest, report);
}

int image_remove_force(const struct store *s, const char *name, int force,
		       void (*report)(const char *what, const char *id))
{
	char digest[DIGEST_STR_LEN + 1], left[8], users[100]; /* the message holds 256 */
	struct ref r;

	if (ref_parse(name, &r))
		return remove_by_id(s, name, force, report);
	if (store_tag_get(s, r.full, digest))
		return err_errno() ? -1 /* images.json unreadable: say so */
			: remove_by_id(s, name, force, report);
	if (!force && image_tags(s, digest, left, sizeof(left)) == 1
	    && container_refers_names(s, "image", digest, users, sizeof(users)))
		return err_setn(0, "conflict: unable to remove repository reference \"%s\" (must "
				"force) - container %s is using its referenced image %.19s", name,
				users, digest);
	if (store_tag_set(s, r.full, NULL))
		return -1;
	report("Untagged", r.full);
	if (image_tags(s, digest, left, sizeof(left)) != 0)
		return 0; /* still tagged under another name */
	/* Last tag gone: the image goes, and the layers only it used. */
	return image_delete(s, digest, report);
}

int image_remove(const struct store *s, const char *name,
		 void (*report)(const char *what, const char *id))
{
	return image_remove_force(s, name, 0, report);
}

/* ---- inspect ---- */

/* The strings of array key in obj (or null when it is absent). */
static void copy_list(struct json_w *w, const struct json_doc *d, uint32_t obj,
		      const char *key, const char *as)
{
	uint32_t a = obj ? json_get(d, obj, key) : 0;

	jw_key(w, as);
	if (!a || json_type(d, a) != JSON_ARRAY) {
		jw_null(w);
		return;
	}
	jw_arr(w);
	for (uint32_t i = json_first(d, a); i; i = json_next(d, i))
		if (json_type(d, i) == JSON_STRING)
			jw_strn(w, d->nodes[i].str, d->nodes[i].len);
	jw_end(w);
}

static void copy_str(struct json_w *w, const struct json_doc *d, uint32_t obj,
		     const char *key, int omit_empty)
{
	uint32_t v = obj ? json_get(d, obj, key) : 0;
	int have = v && json_type(d, v) == JSON_STRING;

	if (!have && omit_empty)
		return;
	jw_key(w, key);
	if (have)
		jw_strn(w, d->nodes[v].str, d->nodes[v].len);
	else
		jw_str(w, "");
}

/* The layers' diff dirs as an overlay lowerdir option: topmost first. */
static const char *lower_dirs(const struct store *s, struct image *im, char *buf, size_t n)
{
	char path[PATH_MAX];
	uint32_t l;
	size_t len = 0;

	*buf = 0;
	for (l = json_first(&im->manifest, im->layers); l; l = json_next(&im->manifest, l)) {
		const char *ld = json_get_str(&im->manifest, l, "digest");
		size_t k;

		if (!ld || !digest_valid(ld) || store_path(s, path, "layers/%s/diff", ld + 7))
			continue;
		k = strlen(path);
		if (len + k + 2 > n)
			break;
		/* prepend: the manifest lists the base layer first */
		memmove(buf + k + (len ? 1 : 0), buf, len + 1);
		memcpy(buf, path, k);
		if (len)
			buf[k] = ':';
		len += k + (len ? 1 : 0);
	}
	return buf;
}

/* One image as `docker image inspect` shows it (an element of its array). */
void image_inspect_json(struct json_w *w, const struct store *s, struct image *im)
{
	const struct json_doc *c = &im->config;
	uint32_t cfg = json_get(c, 0, "config"), labels = cfg ? json_get(c, cfg, "Labels") : 0;
	char tags[4096], path[4 * PATH_MAX];
	const char *p;

	jw_obj(w);
	jw_kstr(w, "Id", im->id);
	jw_key(w, "RepoTags");
	jw_arr(w);
	image_tags(s, im->manifest_digest, tags, sizeof(tags));
	for (char *t = strtok(tags, ","); t; t = strtok(NULL, ","))
		jw_str(w, t);
	jw_end(w);
	jw_kstr(w, "Comment", (p = json_get_str(c, 0, "comment")) ? p : "");
	jw_kstr(w, "Created", (p = json_get_str(c, 0, "created")) ? p : "");
	jw_kstr(w, "Author", (p = json_get_str(c, 0, "author")) ? p : "");
	jw_kstr(w, "Architecture", (p = json_get_str(c, 0, "architecture")) ? p : "");
	jw_kstr(w, "Os", (p = json_get_str(c, 0, "os")) ? p : "");
	jw_kint(w, "Size", im->size);
	jw_key(w, "Config");
	jw_obj(w);
	copy_str(w, c, cfg, "User", 0);
	copy_list(w, c, cfg, "Env", "Env");
	copy_list(w, c, cfg, "Cmd", "Cmd");
	copy_list(w, c, cfg, "Entrypoint", "Entrypoint");
	copy_str(w, c, cfg, "WorkingDir", 0);
	jw_key(w, "Labels");
	if (labels && json_type(c, labels) == JSON_OBJECT) {
		jw_obj(w);
		for (uint32_t k = json_first(c, labels); k; k = json_next(c, k))
			if (json_str(c, k) && json_type(c, k + 1) == JSON_STRING) {
				jw_key(w, json_str(c, k));
				jw_strn(w, c->nodes[k + 1].str, c->nodes[k + 1].len);
			}
		jw_end(w);
	} else
		jw_null(w);
	copy_str(w, c, cfg, "StopSignal", 1);
	for (int i = 0; i < 2; i++) { /* {"80/tcp": {}}, {"/data": {}} */
		const char *key = i ? "Volumes" : "ExposedPorts";

		if (!(labels = cfg ? json_get(c, cfg, key) : 0) || json_type(c, labels) != JSON_OBJECT)
			continue;
		jw_key(w, key);
		jw_obj(w);
		for (uint32_t k = json_first(c, labels); k; k = json_next(c, k))
			if (json_str(c, k)) {
				jw_key(w, json_str(c, k));
				jw_obj(w);
				jw_end(w);
			}
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "RootFS");
	jw_obj(w);
	jw_kstr(w, "Type", "layers");
	copy_list(w, c, json_get(c, 0, "rootfs"), "diff_ids", "Layers");
	jw_end(w);
	/* Where the layers are, as overlay lowerdirs, topmost first. */
	jw_key(w, "GraphDriver");
	jw_obj(w);
	jw_kstr(w, "Name", "overlay");
	jw_key(w, "Data");
	jw_obj(w);
	jw_kstr(w, "LowerDir", lower_dirs(s, im, path, sizeof(path)));
	jw_end(w);
	jw_end(w);
	jw_end(w);
}
