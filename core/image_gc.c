/* image_gc.c - reclaim blobs nothing refers to (image.h, docs/store.md).
 *
 * A blob is kept if it is a layer's archive (ROOT/layers/HEX exists), a
 * manifest that a tag or a container's record names, or the config or a
 * layer that such a manifest names. Everything else in blobs/sha256 is
 * what a removal cut short (image rm killed between the tag and the
 * blobs, a layer renamed out before its blob went), or an old manifest a
 * retag left: unreferenced, and never to be referenced again except by a
 * new write of the same bytes (which writes it again).
 *
 * Removals that leave blobs behind for a while (a tag dropped or moved,
 * image rm) first write ROOT/gc-pending (store_gc_mark); the next writer
 * runs the sweep (store_open calls image_gc_pending through
 * store_gc_hook) and drops the mark, so a crash anywhere in a removal
 * costs one sweep, and an idle store none. While a manifest is kept for
 * a container's record alone, the mark stays (see image_gc).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "err.h"
#include "image.h"
#include "store.h"

struct marks {
	char (*v)[65];      /* hex */
	int n, cap;
};

static int mark(struct marks *m, const char *digest)
{
	if (!digest || !digest_valid(digest))
		return 0;
	if (m->n == m->cap) {
		int cap = m->cap ? 2 * m->cap : 64;
		char (*v)[65] = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return err_setn(ENOMEM, "marking blobs");
		m->v = v;
		m->cap = cap;
	}
	memcpy(m->v[m->n++], digest + 7, 65);
	return 0;
}

static int marked(const struct marks *m, const char *hex)
{
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->v[i], hex))
			return 1;
	return 0;
}

/* A live manifest: it, its config and its layers. One that cannot be
 * read stops the sweep: what it names is unknown. */
static int mark_manifest(const struct store *s, struct marks *m, const char *digest)
{
	struct image im;
	int rc;

	if (image_open_manifest(s, digest, &im))
		return err_prefix("image gc: a live manifest");
	rc = mark(m, digest) || mark(m, im.id);
	for (uint32_t l = json_first(&im.manifest, im.layers); l && !rc;
	     l = json_next(&im.manifest, l))
		rc = mark(m, json_get_str(&im.manifest, l, "digest"));
	image_close(&im);
	return rc;
}

static int mark_tag(const char *ref, const char *digest, void *arg)
{
	void **a = arg;

	(void)ref;
	return mark_manifest(a[0], a[1], digest) ? -1 : 0;
}

int image_gc(const struct store *s, int dry, struct image_gc_result *res,
	     void (*report)(const char *digest, int64_t size))
{
	char path[PATH_MAX], digest[DIGEST_STR_LEN + 1];
	struct marks m = { 0 };
	void *arg[2] = { (void *)s, &m };
	struct dirent *e;
	struct stat st;
	int rc = -1;
	DIR *d;

	memset(res, 0, sizeof(*res));
	if (store_tag_each(s, mark_tag, arg) || store_path(s, path, "blobs/sha256"))
		goto out;
	if (!(d = opendir(path))) {
		err_set("cannot open %s", path);
		goto out;
	}
	/* Manifests only a container names (its image was retagged since):
	 * the blobs that may be one are the unmarked ones. */
	while ((e = readdir(d))) {
		if (strlen(e->d_name) != 64 || marked(&m, e->d_name))
			continue;
		snprintf(digest, sizeof(digest), "sha256:%.64s", e->d_name);
		if (!container_refers(s, "image", digest))
			continue;
		if (mark_manifest(s, &m, digest)) {
			closedir(d);
			goto out;
		}
		res->pinned++;
	}
	rewinddir(d);
	while ((e = readdir(d))) {
		/* a blob's write cut short (write_file_atomic's HEX.tmp):
		 * blobs are written under the write lock, so it is a leftover */
		size_t len = strlen(e->d_name);

		if (len == 68 && !strcmp(e->d_name + 64, ".tmp")
		    && !store_path(s, path, "blobs/sha256/%s", e->d_name)
		    && lstat(path, &st) == 0 && S_ISREG(st.st_mode)
		    && (dry || unlink(path) == 0)) {
			res->blobs++;
			res->bytes += st.st_size;
			continue;
		}
		if (len != 64 || marked(&m, e->d_name)
		    || store_path(s, path, "layers/%s", e->d_name) || lstat(path, &st) == 0
		    || errno != ENOENT || store_path(s, path, "blobs/sha256/%s", e->d_name)
		    || lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		snprintf(digest, sizeof(digest), "sha256:%.64s", e->d_name);
		if (!dry && unlink(path) < 0)
			continue;
		res->blobs++;
		res->bytes += st.st_size;
		if (report)
			report(digest, st.st_size);
	}
	closedir(d);
	/* A manifest only a container's record names is reclaimed once
	 * that record goes (rm, a --rm container's exit), which does not
	 * mark the store: the mark stays until then, and each writer
	 * sweeps again. */
	rc = dry || res->pinned ? 0 : store_gc_done(s);
out:
	free(m.v);
	return rc;
}

int image_gc_pending(const struct store *s)
{
	struct image_gc_result r;

	return image_gc(s, 0, &r, NULL);
}
