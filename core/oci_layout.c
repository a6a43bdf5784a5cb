/* oci_layout.c - OCI image layouts and docker save archives as pull
 * sources (see oci_layout.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fsutil.h"
#include "gzip.h"
#include "json.h"
#include "oci_layout.h"
#include "tar.h"

#define REF_NAME_ANNOTATION "org.opencontainers.image.ref.name"
#define CONTAINERD_NAME_ANNOTATION "io.containerd.image.name" /* docker save, ctr */

struct archive_entry {
	char *name;
	int64_t off, size;
	char digest[DIGEST_STR_LEN + 1]; /* "" until hashed */
};

static int blob_path(const struct local_source *ls, const char *digest, char *buf)
{
	if (!digest_valid(digest))
		return err_setn(0, "'%.80s': not a sha256 digest", digest);
	if (snprintf(buf, PATH_MAX, "%s/blobs/sha256/%s", ls->path, digest + 7) >= PATH_MAX)
		return err_setn(0, "%s: path too long", ls->path);
	return 0;
}

static struct archive_entry *find_entry(const struct local_source *ls, const char *name);

/* A small file of an archive (manifest.json, index.json, a manifest),
 * NUL-terminated. */
static int archive_read(const struct local_source *ls, const char *name, char **body,
			size_t *n)
{
	struct archive_entry *e = find_entry(ls, name);

	if (!e)
		return err_setn(ENOENT, "%s: no %s in it", ls->path, name);
	if (e->size > (int64_t)PULL_MANIFEST_MAX)
		return err_setn(EFBIG, "%s: %s too big", ls->path, name);
	if (!(*body = malloc(e->size + 1)))
		return err_set("out of memory");
	if (pread(ls->fd, *body, e->size, e->off) != e->size) {
		free(*body);
		return err_setn(EIO, "%s: reading %s", ls->path, name);
	}
	(*body)[e->size] = 0;
	*n = e->size;
	return 0;
}

/* A file of an OCI layout: in its directory, or in the archive of it. */
static int layout_read(const struct local_source *ls, const char *name, char **body, size_t *n)
{
	char path[PATH_MAX];

	if (ls->fd >= 0)
		return archive_read(ls, name, body, n);
	if (snprintf(path, sizeof(path), "%s/%s", ls->path, name) >= (int)sizeof(path))
		return err_setn(0, "%s: path too long", ls->path);
	return read_file(path, PULL_MANIFEST_MAX, body, n);
}

static int read_checked(const struct local_source *ls, const char *digest, char **body,
			size_t *n)
{
	char path[PATH_MAX], got[DIGEST_STR_LEN + 1];
	unsigned char sum[DIGEST_LEN];

	if (blob_path(ls, digest, path) ||
	    layout_read(ls, path + strlen(ls->path) + 1, body, n))
		return -1;
	sha256(*body, *n, sum);
	digest_format(got, sum);
	if (strcmp(got, digest)) {
		free(*body);
		return err_setn(0, "%s: content does not match its digest", path);
	}
	return 0;
}

static int oci_manifest(struct pull_source *src, const char *reference, char **body,
			size_t *n, char type[PULL_TYPE_MAX], char digest[DIGEST_STR_LEN + 1])
{
	struct local_source *ls = (struct local_source *)src;
	char *idx;
	const char *d = NULL, *t = NULL;
	struct json_doc doc;
	uint32_t list, m, found = 0, count = 0;
	size_t len;

	type[0] = 0;
	if (digest_valid(reference)) {
		strcpy(digest, reference);
		return read_checked(ls, reference, body, n);
	}
	if (layout_read(ls, "index.json", &idx, &len))
		return -1;
	if (json_parse(&doc, idx, len)) {
		free(idx);
		return err_prefix("index.json");
	}
	list = json_get(&doc, 0, "manifests");
	for (m = list && json_type(&doc, list) == JSON_ARRAY ? json_first(&doc, list) : 0; m;
	     m = json_next(&doc, m)) {
		uint32_t an = json_get(&doc, m, "annotations");
		const char *name = json_get_str(&doc, an, REF_NAME_ANNOTATION);
		const char *full = json_get_str(&doc, an, CONTAINERD_NAME_ANNOTATION);

		count++;
		if (!reference[0] || (name && !strcmp(name, reference)) ||
		    (full && !strcmp(full, reference))) {
			if (!found)
				found = m;
		}
	}
	if (!reference[0] && count > 1) {
		/* several images and no tag: the index itself, for the platform
		 * choice (a multi-platform layout) */
		unsigned char sum[DIGEST_LEN];

		json_free(&doc);
		sha256(idx, len, sum);
		digest_format(digest, sum);
		strcpy(type, MT_OCI_INDEX);
		*body = idx;
		*n = len;
		return 0;
	}
	if (found) {
		d = json_get_str(&doc, found, "digest");
		t = json_get_str(&doc, found, "mediaType");
	}
	if (!found || !d || !digest_valid(d)) {
		json_free(&doc);
		free(idx);
		return err_setn(0, "%s: no image %s%s", ls->name,
				reference[0] ? "tagged " : "", reference[0] ? reference : "in it");
	}
	strcpy(digest, d);
	if (t && strlen(t) < PULL_TYPE_MAX)
		strcpy(type, t);
	json_free(&doc);
	free(idx);
	return read_checked(ls, digest, body, n);
}

static int oci_blob(struct pull_source *src, const char *digest, int64_t size,
		    struct pull_blob *b, const struct pull_progress *p)
{
	struct local_source *ls = (struct local_source *)src;
	char path[PATH_MAX];
	struct stat st;

	if (blob_path(ls, digest, path))
		return -1;
	b->path[0] = 0;
	if (ls->fd >= 0) {
		struct archive_entry *e = find_entry(ls, path + strlen(ls->path) + 1);

		if (!e)
			return err_setn(0, "%s: no blob %.19s", ls->name, digest);
		if ((b->fd = dup(ls->fd)) < 0)
			return err_set("dup");
		b->off = e->off;
		st.st_size = e->size;
	} else {
		b->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (b->fd < 0)
			return err_set("cannot open %s", path);
		if (fstat(b->fd, &st) < 0)
			st.st_size = -1;
		b->off = 0;
	}
	if (st.st_size != size) {
		pull_blob_release(b);
		return err_setn(0, "%s: not the %lld bytes the manifest says", path,
				(long long)size);
	}
	b->len = size;
	if (p && p->status)
		p->status(p->arg, digest, "Verifying");
	if (pull_blob_verify(b, digest)) {
		pull_blob_release(b);
		return -1;
	}
	return 0;
}

int oci_layout_open(struct local_source *ls, const char *spec)
{
	const char *colon = strrchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	struct stat st;

	memset(ls, 0, sizeof(*ls));
	ls->fd = -1;
	if (!n || n >= sizeof(ls->path))
		return err_setn(0, "oci:%s: bad directory", spec);
	memcpy(ls->path, spec, n);
	if (colon) {
		if (strlen(colon + 1) > REF_TAG_MAX)
			return err_setn(0, "oci:%s: tag too long", spec);
		strcpy(ls->tag, colon + 1);
	}
	snprintf(ls->name, sizeof(ls->name), "oci:%s", ls->path);
	if (stat(ls->path, &st) < 0)
		return err_set("%s", ls->path);
	ls->src.manifest = oci_manifest;
	ls->src.blob = oci_blob;
	ls->src.name = ls->name;
	return 0;
}

/* ---- docker save archives --------------------------------------------------- */

static struct archive_entry *find_entry(const struct local_source *ls, const char *name)
{
	if (!strncmp(name, "./", 2))
		name += 2;
	for (size_t i = 0; i < ls->count; i++)
		if (!strcmp(ls->entries[i].name, name))
			return &ls->entries[i];
	return NULL;
}

static int index_archive(struct local_source *ls)
{
	struct fd_reader fr;
	struct tar_reader t;
	int rc;

	fd_reader_init(&fr, ls->fd, ls->path);
	tar_reader_init(&t, &fr.r);
	while ((rc = tar_next(&t)) > 0) {
		struct archive_entry *e;
		const char *name = t.e.path;

		if (t.e.type != TAR_REG) {
			if (tar_skip_data(&t)) {
				rc = -1;
				break;
			}
			continue;
		}
		if (ls->count == ARCHIVE_MAX_ENTRIES) {
			rc = err_setn(0, "%s: more than %d files", ls->path, ARCHIVE_MAX_ENTRIES);
			break;
		}
		if (!(ls->count % 64)) {
			e = realloc(ls->entries, (ls->count + 64) * sizeof(*e));
			if (!e) {
				rc = err_set("indexing %s", ls->path);
				break;
			}
			ls->entries = e;
		}
		e = &ls->entries[ls->count];
		if (!strncmp(name, "./", 2))
			name += 2;
		if (!(e->name = strdup(name))) {
			rc = err_set("indexing %s", ls->path);
			break;
		}
		e->off = t.offset;
		e->size = t.e.size;
		e->digest[0] = 0;
		ls->count++;
		if (tar_skip_data(&t)) {
			rc = -1;
			break;
		}
	}
	tar_reader_free(&t);
	return rc < 0 ? err_prefix(ls->path) : 0;
}

static int hash_entry(struct local_source *ls, struct archive_entry *e)
{
	unsigned char buf[65536], sum[DIGEST_LEN];
	struct digest d;
	int64_t off = 0;

	digest_init(&d);
	while (off < e->size) {
		size_t want = e->size - off < (int64_t)sizeof(buf) ? (size_t)(e->size - off)
								   : sizeof(buf);
		ssize_t n = pread(ls->fd, buf, want, e->off + off);

		if (n <= 0)
			return err_setn(n < 0 ? errno : EBADMSG, "%s: reading %s", ls->path, e->name);
		digest_update(&d, buf, n);
		off += n;
	}
	digest_final(&d, sum);
	digest_format(e->digest, sum);
	return 0;
}

static int archive_blob(struct pull_source *src, const char *digest, int64_t size,
			struct pull_blob *b, const struct pull_progress *p)
{
	struct local_source *ls = (struct local_source *)src;

	for (size_t i = 0; i < ls->count; i++) {
		struct archive_entry *e = &ls->entries[i];

		if (strcmp(e->digest, digest) || e->size != size)
			continue;
		b->path[0] = 0;
		if ((b->fd = dup(ls->fd)) < 0)
			return err_set("dup");
		b->off = e->off;
		b->len = e->size;
		return 0; /* hashed when the archive was opened */
	}
	return err_setn(0, "%s: no blob %.19s", ls->name, digest);
}

/* Hash the entry named by JSON string node s and write its descriptor. */
static int describe(struct local_source *ls, struct json_w *w, const char *file, int layer)
{
	struct archive_entry *e = file ? find_entry(ls, file) : NULL;
	unsigned char head[2];
	const char *type;

	if (!e)
		return err_setn(0, "%s: manifest.json names %s, which is not in it",
				ls->path, file ? file : "nothing");
	if (!e->digest[0] && hash_entry(ls, e))
		return -1;
	type = "application/vnd.docker.container.image.v1+json";
	if (layer)
		type = e->size >= 2 && pread(ls->fd, head, 2, e->off) == 2 &&
		       gzip_sniff(head, 2) ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
					   : "application/vnd.docker.image.rootfs.diff.tar";
	jw_obj(w);
	jw_kstr(w, "mediaType", type);
	jw_kint(w, "size", e->size);
	jw_kstr(w, "digest", e->digest);
	jw_end(w);
	return 0;
}

/* Make the registry-style manifest of the image of manifest.json whose
 * RepoTags hold want_tag (NULL: the first image) into ls->manifest. */
static int docker_select(struct local_source *ls, const char *want_tag)
{
	struct json_doc d;
	struct json_w w;
	char *text;
	size_t len;
	uint32_t img = 0, layers;
	int rc = -1;

	if (archive_read(ls, "manifest.json", &text, &len))
		return -1;
	if (json_parse(&d, text, len)) {
		free(text);
		return err_prefix("manifest.json");
	}
	free(text);
	ls->repo_tag[0] = 0;
	if (json_type(&d, 0) == JSON_ARRAY)
		for (uint32_t i = json_first(&d, 0); i && !img; i = json_next(&d, i)) {
			uint32_t tags = json_get(&d, i, "RepoTags");
			const char *first = tags && json_type(&d, tags) == JSON_ARRAY ?
					    json_str(&d, json_first(&d, tags)) : NULL;

			if (!want_tag) {
				img = i;
				if (first && strlen(first) < sizeof(ls->repo_tag))
					strcpy(ls->repo_tag, first);
				break;
			}
			for (uint32_t t = tags ? json_first(&d, tags) : 0; t; t = json_next(&d, t))
				if (json_str(&d, t) && !strcmp(json_str(&d, t), want_tag)) {
					img = i;
					snprintf(ls->repo_tag, sizeof(ls->repo_tag), "%s", want_tag);
				}
		}
	if (!img) {
		json_free(&d);
		return err_setn(0, "%s: no image%s%s in manifest.json", ls->path,
				want_tag ? " " : "", want_tag ? want_tag : "");
	}
	jw_init(&w, 0);
	jw_obj(&w);
	jw_kint(&w, "schemaVersion", 2);
	jw_kstr(&w, "mediaType", MT_DOCKER_MANIFEST);
	jw_key(&w, "config");
	if (describe(ls, &w, json_get_str(&d, img, "Config"), 0))
		goto out;
	jw_key(&w, "layers");
	jw_arr(&w);
	layers = json_get(&d, img, "Layers");
	for (uint32_t l = layers ? json_first(&d, layers) : 0; l; l = json_next(&d, l))
		if (describe(ls, &w, json_str(&d, l), 1))
			goto out;
	jw_end(&w);
	jw_end(&w);
	if (jw_finish(&w))
		goto out;
	free(ls->manifest);
	ls->manifest = w.buf;
	ls->manifest_len = w.len - 1;
	ls->manifest[ls->manifest_len] = 0;
	w.buf = NULL;
	rc = 0;
out:
	jw_free(&w);
	json_free(&d);
	return rc;
}

/* The manifest of the image the reference names by one of its RepoTags,
 * or "" for the one chosen at open. */
static int archive_manifest(struct pull_source *src, const char *reference, char **body,
			    size_t *n, char type[PULL_TYPE_MAX], char digest[DIGEST_STR_LEN + 1])
{
	struct local_source *ls = (struct local_source *)src;
	unsigned char sum[DIGEST_LEN];

	if (reference[0] && docker_select(ls, reference))
		return -1;
	if (!ls->manifest)
		return err_setn(0, "%s: no image chosen", ls->name);
	if (!(*body = malloc(ls->manifest_len + 1)))
		return err_set("manifest");
	memcpy(*body, ls->manifest, ls->manifest_len + 1);
	*n = ls->manifest_len;
	strcpy(type, MT_DOCKER_MANIFEST);
	sha256(*body, *n, sum);
	digest_format(digest, sum);
	return 0;
}

/* Append name to ls->names (NUL-separated). */
static int add_name(struct local_source *ls, const char *name)
{
	size_t n = strlen(name) + 1;
	char *p = realloc(ls->names, ls->names_len + n);

	if (!p)
		return err_set("out of memory");
	memcpy(p + ls->names_len, name, n);
	ls->names = p;
	ls->names_len += n;
	return 0;
}

/* Every name the archive gives its images: manifest.json's RepoTags, or
 * index.json's image name annotations; ls->unnamed counts the others. */
static int collect_names(struct local_source *ls)
{
	struct json_doc d;
	char *text;
	size_t len;
	uint32_t list;
	int rc = 0;

	if (archive_read(ls, ls->oci ? "index.json" : "manifest.json", &text, &len))
		return -1;
	if (json_parse(&d, text, len)) {
		free(text);
		return err_prefix(ls->oci ? "index.json" : "manifest.json");
	}
	free(text);
	list = ls->oci ? json_get(&d, 0, "manifests") : 0;
	if (ls->oci ? list && json_type(&d, list) != JSON_ARRAY : json_type(&d, 0) != JSON_ARRAY) {
		json_free(&d);
		return err_setn(EINVAL, "%s: not a list of images", ls->oci ? "index.json"
									: "manifest.json");
	}
	if (ls->oci && !list) {
		json_free(&d);
		return 0;
	}
	for (uint32_t i = json_first(&d, list); i && !rc; i = json_next(&d, i)) {
		int named = 0;

		if (ls->oci) {
			uint32_t an = json_get(&d, i, "annotations");
			const char *full = json_get_str(&d, an, CONTAINERD_NAME_ANNOTATION);
			const char *ref = json_get_str(&d, an, REF_NAME_ANNOTATION);

			/* ref.name is mostly a bare tag, but skopeo puts a
			 * whole NAME:TAG there. */
			if (!full && ref && strpbrk(ref, ":/"))
				full = ref;
			if (full && (named = 1))
				rc = add_name(ls, full);
		} else {
			uint32_t tags = json_get(&d, i, "RepoTags");

			if (tags && json_type(&d, tags) == JSON_ARRAY)
				for (uint32_t t = json_first(&d, tags); t && !rc; t = json_next(&d, t))
					if (json_str(&d, t) && (named = 1))
						rc = add_name(ls, json_str(&d, t));
		}
		ls->unnamed += !named;
	}
	json_free(&d);
	return rc;
}

int local_archive_open(struct local_source *ls, const char *spec)
{
	memset(ls, 0, sizeof(*ls));
	ls->fd = -1;
	if (strlen(spec) >= sizeof(ls->path))
		return err_setn(0, "%s: path too long", spec);
	strcpy(ls->path, spec);
	if ((ls->fd = open(spec, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set("%s", spec);
	if (index_archive(ls))
		return -1;
	if (find_entry(ls, "manifest.json")) {
		snprintf(ls->name, sizeof(ls->name), "docker-archive:%s", spec);
		ls->src.manifest = archive_manifest;
		ls->src.blob = archive_blob;
	} else if (find_entry(ls, "index.json")) {
		snprintf(ls->name, sizeof(ls->name), "oci-archive:%s", spec);
		ls->oci = 1;
		ls->src.manifest = oci_manifest;
		ls->src.blob = oci_blob;
	} else
		return err_setn(0, "%s: no manifest.json or index.json (not a docker save "
				"or OCI archive?)", spec);
	ls->src.name = ls->name;
	return collect_names(ls);
}

int docker_archive_open(struct local_source *ls, const char *spec, const char *want_tag)
{
	if (local_archive_open(ls, spec))
		return -1;
	if (ls->oci)
		return err_setn(0, "%s: no manifest.json (not a docker save archive?)", spec);
	return docker_select(ls, want_tag);
}

void local_source_close(struct local_source *ls)
{
	for (size_t i = 0; i < ls->count; i++)
		free(ls->entries[i].name);
	free(ls->entries);
	free(ls->manifest);
	free(ls->names);
	ls->names = NULL;
	if (ls->fd >= 0)
		close(ls->fd);
	ls->fd = -1;
	ls->entries = NULL;
	ls->manifest = NULL;
	ls->count = 0;
}
