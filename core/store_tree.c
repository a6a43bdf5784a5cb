/* store_tree.c - tree-only layers, the flash budget (store.h,
 * docs/store.md "Tree-only layers").
 *
 * A layer costs its LZ4 archive plus its unpacked tree. Packing a tree
 * is deterministic (docs/layer-format.md: names sorted, whole-second
 * mtimes, numeric owners), so when the store's tree of a layer packs
 * back to the archive it was unpacked from, byte for byte, the archive
 * need not be kept: it is made again when something reads it (layer
 * export, save, push) and checked against the layer's digest before
 * anyone sees a byte. Whether a tree packs back is not guessed from
 * where the layer came from: the import packs it once and compares
 * digests, so a layer boxcar did not write (most pulled ones: other tar
 * writers, other orders), a file system that dropped an xattr, or an
 * import without root's chown keeps its archive.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applet.h"
#include "digest.h"
#include "err.h"
#include "layer.h"
#include "lz4frame.h"
#include "store.h"

int store_tree_only(void)
{
	const char *env = getenv("BOXCAR_STORE_TREE_ONLY");

	if (!ENABLED(FEATURE_STORE_TREE_ONLY))
		return 0;
	if (env && *env)
		return strcmp(env, "0") != 0;
	return ENABLED(STORE_TREE_ONLY);
}

/* Pack a layer's tree as the store keeps layers: a tar whose overlay
 * whiteouts are .wh. entries again, in an LZ4 frame at the fast level,
 * into out (NULL: hash only). */
static int tree_pack(const char *diff, struct writer *out, char digest[DIGEST_STR_LEN + 1],
		     int64_t *size)
{
	struct layer_pack_opts po = { .overlay_to_oci = 1 };
	unsigned char sum[DIGEST_LEN];
	struct lz4frame_writer lz;
	struct digest_writer dw;
	int rc;

	digest_writer_init(&dw, out);
	if (lz4frame_writer_init(&lz, &dw.w, LZ4FRAME_FAST))
		return -1;
	rc = layer_pack(diff, &lz.w, &po) || writer_finish(&lz.w) ? -1 : 0;
	writer_close(&lz.w);
	if (rc)
		return -1;
	digest_final(&dw.d, sum);
	digest_format(digest, sum);
	*size = (int64_t)dw.count;
	return 0;
}

int store_tree_packs_back(const char *diff, const struct layer_info *li)
{
	char got[DIGEST_STR_LEN + 1];
	int64_t size;

	if (!ENABLED(FEATURE_STORE_TREE_ONLY))
		return 0;
	if (tree_pack(diff, NULL, got, &size))
		return -1;
	return !strcmp(got, li->digest) && size == li->size;
}

/* An unnamed file in ROOT/tmp (a named one, unlinked at once, where the
 * file system has no O_TMPFILE): nothing to sweep if we die. */
static int tmpfile_in(const struct store *s)
{
	char path[PATH_MAX];
	int fd;

	if (store_path(s, path, "tmp"))
		return -1;
	fd = open(path, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (store_path(s, path, "tmp/archive-XXXXXX"))
		return -1;
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
		return err_set("cannot create a file in %s/tmp", s->root);
	unlink(path);
	return fd;
}

int store_layer_archive_open(const struct store *s, const struct layer_info *li)
{
	char path[PATH_MAX], got[DIGEST_STR_LEN + 1];
	struct fd_writer fw;
	int64_t size;
	int fd;

	if (!li->tree_only) {
		if (store_blob_path(s, path, li->digest))
			return -1;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return err_set("layer %.19s: cannot open %s", li->digest, path);
		return fd;
	}
	if (!ENABLED(FEATURE_STORE_TREE_ONLY))
		return err_setn(ENOTSUP, "layer %.19s is kept as a tree only, and making its "
				"archive again is not in this build", li->digest);
	if (store_path(s, path, "layers/%s/diff", li->digest + 7) || (fd = tmpfile_in(s)) < 0)
		return -1;
	fd_writer_init(&fw, fd, "the layer's archive");
	if (tree_pack(path, &fw.w, got, &size))
		goto fail;
	if (strcmp(got, li->digest) || size != li->size) {
		err_setn(EIO, "layer %.19s is kept as a tree only, and its tree no longer "
			 "packs to its archive (it gives %.19s): changed on disk?", li->digest, got);
		goto fail;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		err_set("the layer's archive");
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}
