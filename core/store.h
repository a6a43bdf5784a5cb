/* store.h - the on-disk store of blobs, layers and image tags
 * (docs/store.md has the layout and the crash-safety rules).
 *
 * Every command opens the store once: STORE_WRITE takes an exclusive
 * flock on ROOT/lock for the whole command and first clears what a killed
 * command left in ROOT/tmp; STORE_READ takes it shared (sweeping first
 * too if nobody holds it), so readers never see a half-made change and
 * writers wait for each other.
 *
 * Errors follow err.h.
 */
#ifndef BOXCAR_STORE_H
#define BOXCAR_STORE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "stream.h"

#define SHORT_ID_LEN 26      /* ROOT/l/ names, as overlay2's */
#define STORE_META_MAX (4u << 20) /* largest JSON file we read */

/* STORE_RECORDS: no lock at all, for commands that read or control
 * containers only (ps, logs, inspect, stop, kill, exec...): container
 * records are made and removed by renames (container.h), so they never
 * wait for a store writer.
 * STORE_STAGE: a layer writer (import, pull, commit): no lock while it
 * unpacks into its staging dir; store_layer_import takes the write lock
 * for the short commit (store_lock_write: the store is then as opened
 * with STORE_WRITE) and keeps it until store_close, so what the caller
 * writes next (the image naming the layer) is one step with it. So
 * nobody waits for a long import.
 * A command that has to wait says so once on stderr ("waiting for the
 * store lock held by pid N"). */
enum { STORE_READ, STORE_WRITE, STORE_RECORDS, STORE_STAGE };

struct store {
	char root[PATH_MAX / 2]; /* leaves room under it for our paths */
	int lockfd;
	int mode;
	/* A writer's guard, ROOT/tmp/<guard>, flock'd through guardfd from
	 * the write lock to store_close: left there by a crash, it tells the
	 * next writer that blobs may have been published without what
	 * refers to them yet (a layer's archive before the layer, a manifest
	 * before its tag), and that writer sweeps them (docs/store.md). */
	int guardfd;
	char guard[8];
};

/* --root, else $BOXCAR_ROOT, else CONFIG_DEFAULT_ROOT. */
const char *store_root(const char *opt);
/* Create the layout if missing and lock (see above). */
int store_open(struct store *s, const char *root, int mode);
void store_close(struct store *s);
/* A writer that publishes no blob (run: records and a container's own
 * layer only) drops its guard at once, so that an error that ends it
 * leaves the next writer no sweep to do. */
void store_unguard(struct store *s);
/* ROOT/<printf>, into buf[PATH_MAX]. */
int store_path(const struct store *s, char *buf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A fresh directory under ROOT/tmp, named into buf[PATH_MAX]; returns
 * an fd holding a flock on it (close it with store_unstage): the sweep
 * of ROOT/tmp leaves a locked dir alone, so a writer stages there
 * without the store lock, and a killed writer's dir, unlocked by the
 * kernel, goes at the next sweep. */
int store_mktemp(const struct store *s, char *buf);
/* rm -rf dir, then close fd (its flock); returns rm_rf's result. */
int store_unstage(const char *dir, int fd);
/* In STORE_STAGE mode, take the write lock (sweeping as store_open
 * does) and hold it until store_close; in STORE_WRITE mode there is
 * nothing to do. */
int store_lock_write(struct store *s);

/* "sha256:" and 64 lower-case hex digits. */
static inline int digest_valid(const char *d)
{
	return digest_parse(d, NULL) == 0;
}
/* Resolve a full digest, "sha256:PREFIX" or bare PREFIX (at least 4 hex
 * digits, unambiguous) against the names in ROOT/<dir>; out gets the full
 * digest. ENOENT if none, EINVAL if ambiguous. */
int store_resolve(const struct store *s, const char *dir, const char *id,
		  char out[DIGEST_STR_LEN + 1]);

/* Blobs: ROOT/blobs/sha256/HEX, content-addressed. */
int store_blob_path(const struct store *s, char *buf, const char *digest);
/* Store a small blob (manifest, config) and name its digest. */
int store_blob_put(const struct store *s, const void *data, size_t n,
		   char digest[DIGEST_STR_LEN + 1]);
/* Read a small blob, checking it still hashes to its name. */
int store_blob_get(const struct store *s, const char *digest, char **data, size_t *n);

/* Tags: ROOT/images.json maps "name:tag" to a manifest digest. */
int store_tag_get(const struct store *s, const char *ref, char digest[DIGEST_STR_LEN + 1]);
/* Point ref at digest, or drop it when digest is NULL. */
int store_tag_set(const struct store *s, const char *ref, const char *digest);
/* Call fn for every tag, in the file's order (oldest first); a non-zero
 * return from fn stops and is returned. */
int store_tag_each(const struct store *s,
		   int (*fn)(const char *ref, const char *digest, void *arg), void *arg);

/* Unreferenced blobs (docs/store.md): a removal that leaves blobs for a
 * sweep to reclaim marks the store first (ROOT/gc-pending, durable);
 * store_open(STORE_WRITE) then runs store_gc_hook (image_gc_pending,
 * set by the multicall entry: the store does not know what refers to a
 * blob), which calls store_gc_done once nothing unreferenced is left. */
int store_gc_mark(const struct store *s);
int store_gc_done(const struct store *s);
extern int (*store_gc_hook)(const struct store *s);

/* Partial downloads (ROOT/downloads/HEX.part, docs/pull.md): how many and
 * their bytes; with remove, delete those no pull holds (flock) and count
 * what went. */
int store_partials(const struct store *s, int remove, int *count, int64_t *bytes);

/* The store quota (CONFIG_STORE_QUOTA_MB, $BOXCAR_STORE_QUOTA_MB) in
 * bytes, 0 for none; and the room left under it for the store at root
 * (its disk use walked once), INT64_MAX without a quota. */
int64_t store_quota(void);
int64_t store_quota_room(const char *root);
/* err_setn(EDQUOT, ...) naming the quota; returns -1. */
int store_quota_error(void);

/* Put "what: " before the recorded error message; returns -1. */
int err_prefix(const char *what);


/* Layers: ROOT/layers/HEX/{diff/,link,layer.json} and ROOT/l/LINK ->
 * ../layers/HEX/diff, HEX being the digest of the archive as stored. */
struct layer_info {
	char digest[DIGEST_STR_LEN + 1];  /* sha256 of the stored .tar.lz4 */
	char diff_id[DIGEST_STR_LEN + 1]; /* sha256 of the tar inside */
	char link[SHORT_ID_LEN + 1];
	int64_t size;                 /* stored archive bytes */
	int64_t diff_size;            /* tar bytes */
	int64_t files;                /* entries unpacked */
	int tree_only;                /* no archive kept: made again from diff/ */
};

/* Import an archive (LZ4 frame, gzip or plain tar, sniffed) read from in:
 * stores it as .tar.lz4 and unpacks it, in one streaming pass. *existed
 * tells whether the store already had it (then nothing changed). The
 * store must be open for writing. */
int store_layer_import(struct store *s, struct reader *in, const char *name,
		       struct layer_info *li, int *existed);
/* Pack the directory dir into a layer and import it. */
int store_layer_import_dir(struct store *s, const char *dir,
			   struct layer_info *li, int *existed);
/* The same with packing options: `commit` packs a container's overlay
 * upperdir with overlay_to_oci, so its whiteouts become .wh. entries. */
struct layer_pack_opts;
int store_layer_import_dir_opts(struct store *s, const char *dir,
				const struct layer_pack_opts *po, struct layer_info *li,
				int *existed);
int store_layer_get(const struct store *s, const char *digest, struct layer_info *li);
/* Every layer, sorted by digest; fn returning non-zero stops. */
int store_layer_each(const struct store *s,
		     int (*fn)(const struct layer_info *li, void *arg), void *arg);
/* Delete a layer. No check for users here: image_layer_remove() does. */
int store_layer_remove(const struct store *s, const char *digest);

/* Tree-only layers, the flash budget (store_tree.c, docs/store.md):
 * store_tree_only: whether imports keep a layer as its tree only when
 * the archive can be made again ($BOXCAR_STORE_TREE_ONLY, else
 * CONFIG_STORE_TREE_ONLY). While an import unpacks, tree_rec records
 * the tar read through its reader into a file (tree_rec_file, called by
 * layer_unpack where a file's content begins, names the tree path that
 * content went to); store_tree_keep then tells whether the staged dir st
 * (diff/, tar-split) gives the archive in blob byte for byte (1: drop the
 * archive; 0: keep it and the record goes). store_layer_archive_open is
 * the layer's archive open for reading at its start: made again from its
 * tree into an unnamed file in ROOT/tmp and checked against its digest
 * when it is kept as a tree only. Every reader of an archive uses it. */
int store_tree_only(void);
struct tree_rec;
struct tree_rec *tree_rec_open(const char *path, struct reader *in);
struct reader *tree_rec_reader(struct tree_rec *t);
void tree_rec_file(void *t, const char *path, uint64_t size);
int tree_rec_close(struct tree_rec *t);
int store_tree_keep(const char *st, int blob, const struct layer_info *li);
int store_layer_archive_open(const struct store *s, const struct layer_info *li);

#endif
