/* store_tree.c - tree-only layers, the flash budget (store.h,
 * docs/store.md "Tree-only layers").
 *
 * A layer costs its LZ4 archive plus its unpacked tree. When the
 * archive can be made again from the tree, byte for byte, it need not be
 * kept: it is made when something reads it (layer export, save, push)
 * and checked against the layer's digest before anyone sees a byte.
 * Two ways to make it:
 *
 *  - pack: layer_pack is deterministic (docs/layer-format.md), so the
 *    tree of a layer boxcar wrote packs back to the same tar, and LZ4 at
 *    the fast level to the same frame. Nothing to keep.
 *  - record (layers/HEX/tar-split, like containers/storage's tar-split):
 *    another writer's tar (most pulled layers) has its own order,
 *    headers and padding. While the import unpacks, every byte of the
 *    tar but the files' contents is recorded; a file's content is named
 *    by the tree path it was unpacked to. Replaying the record with the
 *    files' bytes gives the tar again: about 1% of its size to keep
 *    instead of the archive.
 *
 * Whether either works is not guessed: the import makes the archive
 * both ways from the staged tree, comparing with the staged archive as
 * it goes (the first differing byte ends a try), and drops the archive
 * only when one gives it all. So a duplicate entry that replaced a
 * file, a file system that dropped an xattr, an import without root's
 * chown, or an LZ4 frame another compressor wrote keeps its archive.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "digest.h"
#include "err.h"
#include "fsutil.h"
#include "layer.h"
#include "lz4frame.h"
#include "pathsafe.h"
#include "store.h"

#define TREE_REC_NAME "tar-split"
#define REC_RAW 'R'    /* u32 length, then that many tar bytes */
#define REC_FILE 'F'   /* u64 size, u16 path length, path: size bytes of that file */
#define REC_END 'E'
#define REC_BUF 65536

int store_tree_only(void)
{
	const char *env = getenv("BOXCAR_STORE_TREE_ONLY");

	if (!ENABLED(FEATURE_STORE_TREE_ONLY))
		return 0;
	if (env && *env)
		return strcmp(env, "0") != 0;
	return ENABLED(STORE_TREE_ONLY);
}

/* ---- recording a tar stream as it is unpacked ---------------------------- */

struct tree_rec {
	struct reader r;
	struct reader *in;
	struct fd_writer fw;
	struct lz4frame_writer lz;
	int fd, failed;
	uint64_t data_left;  /* bytes of a file's content still to pass */
	size_t len;          /* raw bytes in buf */
	unsigned char buf[REC_BUF];
};

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void rec_put(struct tree_rec *t, const void *p, size_t n)
{
	if (!t->failed && writer_write(&t->lz.w, p, n))
		t->failed = 1;
}

static void rec_flush(struct tree_rec *t)
{
	unsigned char h[5] = { REC_RAW };

	if (!t->len)
		return;
	put_le(h + 1, t->len, 4);
	rec_put(t, h, sizeof(h));
	rec_put(t, t->buf, t->len);
	t->len = 0;
}

static ssize_t rec_read(struct reader *r, void *buf, size_t n)
{
	struct tree_rec *t = (struct tree_rec *)r;
	ssize_t k = reader_read(t->in, buf, n);
	size_t skip = 0;

	if (k <= 0 || t->failed)
		return k;
	if (t->data_left) {
		skip = (uint64_t)k < t->data_left ? (size_t)k : (size_t)t->data_left;
		t->data_left -= skip;
	}
	for (size_t i = skip; i < (size_t)k; ) {
		size_t m = (size_t)k - i < REC_BUF - t->len ? (size_t)k - i : REC_BUF - t->len;

		memcpy(t->buf + t->len, (char *)buf + i, m);
		t->len += m;
		i += m;
		if (t->len == REC_BUF)
			rec_flush(t);
	}
	return k;
}

struct tree_rec *tree_rec_open(const char *path, struct reader *in)
{
	struct tree_rec *t;

	if (!ENABLED(FEATURE_STORE_TREE_ONLY) || !(t = malloc(sizeof(*t))))
		return NULL;
	memset(t, 0, offsetof(struct tree_rec, buf));
	t->r.read = rec_read;
	t->in = in;
	t->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (t->fd < 0) {
		free(t);
		return NULL;
	}
	fd_writer_init(&t->fw, t->fd, path);
	if (lz4frame_writer_init(&t->lz, &t->fw.w, LZ4FRAME_FAST)) {
		close(t->fd);
		unlink(path);
		free(t);
		return NULL;
	}
	return t;
}

struct reader *tree_rec_reader(struct tree_rec *t)
{
	return &t->r;
}

void tree_rec_file(void *arg, const char *path, uint64_t size)
{
	struct tree_rec *t = arg;
	size_t plen = strlen(path);
	unsigned char h[11] = { REC_FILE };

	if (t->data_left || plen > 0xffff) { /* not where a file's data begins */
		t->failed = 1;
		return;
	}
	rec_flush(t);
	put_le(h + 1, size, 8);
	put_le(h + 9, plen, 2);
	rec_put(t, h, sizeof(h));
	rec_put(t, path, plen);
	t->data_left = size;
}

int tree_rec_close(struct tree_rec *t)
{
	unsigned char end = REC_END;
	int ok;

	if (!t)
		return -1;
	rec_flush(t);
	rec_put(t, &end, 1);
	ok = !t->failed && !t->data_left && !writer_finish(&t->lz.w);
	writer_close(&t->lz.w);
	if (close(t->fd) < 0)
		ok = 0;
	free(t);
	return ok ? 0 : -1;
}

/* ---- replaying a record: the tar again ----------------------------------- */

struct replay {
	struct reader r;
	struct lz4frame_reader lz;
	struct fd_reader fr;
	struct pathsafe_dir dir;
	int root, file;       /* the tree; the file being copied, or -1 */
	uint64_t left;        /* of the current raw record or file */
	char path[PATH_MAX];
};

static int get_le(struct replay *p, uint64_t *v, int n)
{
	unsigned char b[8];

	if (reader_read_full(&p->lz.r, b, n, "tar-split record"))
		return -1;
	*v = 0;
	for (int i = n - 1; i >= 0; i--)
		*v = *v << 8 | b[i];
	return 0;
}

/* The file a 'F' record names, opened under the tree as the unpack
 * reached it: never outside, no symlink at the end, a regular file. */
static int replay_open(struct replay *p, uint64_t plen)
{
	char *slash, *base = p->path;
	struct stat st;
	int dfd = p->root;

	if (!plen || plen >= PATH_MAX ||
	    reader_read_full(&p->lz.r, p->path, (size_t)plen, "tar-split record"))
		return plen ? -1 : err_setn(EINVAL, "tar-split record: empty path");
	p->path[plen] = 0;
	if ((slash = strrchr(p->path, '/'))) {
		*slash = 0;
		dfd = pathsafe_dir_open(&p->dir, p->path, 0);
		*slash = '/';
		base = slash + 1;
		if (dfd < 0)
			return err_set("%s", p->path);
	}
	p->file = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (p->file < 0)
		return err_set("%s", p->path);
	if (fstat(p->file, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != p->left)
		return err_setn(EIO, "%s: not the file the layer had", p->path);
	return 0;
}

static ssize_t replay_read(struct reader *r, void *buf, size_t n)
{
	struct replay *p = (struct replay *)r;

	while (!p->left) {
		unsigned char type;
		uint64_t plen;

		if (p->file >= 0)
			close(p->file);
		p->file = -1;
		if (reader_read_full(&p->lz.r, &type, 1, "tar-split record"))
			return -1;
		if (type == REC_END)
			return 0;
		if (type == REC_RAW && !get_le(p, &p->left, 4))
			continue;
		if (type == REC_FILE && !get_le(p, &p->left, 8) && !get_le(p, &plen, 2)) {
			if (replay_open(p, plen))
				return -1;
			continue;
		}
		return type == REC_RAW || type == REC_FILE ? -1 :
		       err_setn(EINVAL, "tar-split record: unknown record %u", type);
	}
	if (n > p->left)
		n = (size_t)p->left;
	ssize_t k = p->file >= 0 ? read(p->file, buf, n) : reader_read(&p->lz.r, buf, n);
	if (k < 0)
		return p->file >= 0 ? err_set("%s", p->path) : -1;
	if (!k)
		return err_setn(EIO, "%s: shorter than the layer had it",
				p->file >= 0 ? p->path : "tar-split record");
	p->left -= (uint64_t)k;
	return k;
}

/* ---- making the archive again ---------------------------------------------- */

/* Compares what is written with the archive in fd, from its start:
 * fails at the first byte that differs (same = 0). */
struct cmp_writer {
	struct writer w;
	int fd;
	int64_t off;
	int differs;
	unsigned char buf[REC_BUF];
};

static int cmp_write(struct writer *w, const void *data, size_t n)
{
	struct cmp_writer *c = (struct cmp_writer *)w;

	while (n) {
		size_t m = n < sizeof(c->buf) ? n : sizeof(c->buf);
		ssize_t k = pread(c->fd, c->buf, m, c->off);

		if (k < 0)
			return err_set("reading the staged archive");
		if (!k || memcmp(c->buf, data, (size_t)k)) {
			c->differs = 1;
			return err_setn(0, "not the same archive");
		}
		c->off += k;
		data = (const char *)data + k;
		n -= (size_t)k;
	}
	return 0;
}

/* The archive of the tree at diff into out: packed, or replayed from
 * the record rec when it is not NULL. Its digest and size with them. */
static int tree_archive(const char *diff, const char *rec, struct writer *out,
			char digest[DIGEST_STR_LEN + 1], int64_t *size)
{
	struct layer_pack_opts po = { .overlay_to_oci = 1 };
	unsigned char sum[DIGEST_LEN];
	struct lz4frame_writer lz;
	struct digest_writer dw;
	struct replay *p = NULL;
	int rc = -1, fd = -1;

	digest_writer_init(&dw, out);
	if (lz4frame_writer_init(&lz, &dw.w, LZ4FRAME_FAST))
		return -1;
	if (!rec) {
		rc = layer_pack(diff, &lz.w, &po);
		goto done;
	}
	if (!(p = calloc(1, sizeof(*p)))) {
		err_set("out of memory");
		goto done;
	}
	p->r.read = replay_read;
	p->file = p->root = -1;
	pathsafe_dir_init(&p->dir, -1);
	if ((fd = open(rec, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (p->root = open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		err_set("%s", fd < 0 ? rec : diff);
		goto done;
	}
	pathsafe_dir_init(&p->dir, p->root);
	fd_reader_init(&p->fr, fd, rec);
	if (lz4frame_reader_init(&p->lz, &p->fr.r) == 0) {
		rc = stream_copy(&p->r, &lz.w) < 0 ? -1 : 0;
		reader_close(&p->lz.r);
	}
done:
	if (!rc)
		rc = writer_finish(&lz.w);
	writer_close(&lz.w);
	if (p) {
		if (p->file >= 0)
			close(p->file);
		pathsafe_dir_close(&p->dir);
		if (p->root >= 0)
			close(p->root);
		free(p);
	}
	if (fd >= 0)
		close(fd);
	if (rc)
		return -1;
	digest_final(&dw.d, sum);
	digest_format(digest, sum);
	*size = (int64_t)dw.count;
	return 0;
}

int store_tree_keep(const char *st, int blob, const struct layer_info *li)
{
	char diff[PATH_MAX], rec[PATH_MAX], got[DIGEST_STR_LEN + 1];
	int way;

	if (!ENABLED(FEATURE_STORE_TREE_ONLY))
		return 0;
	path_join(diff, st, "diff");
	path_join(rec, st, TREE_REC_NAME);
	/* Packed first: a layer boxcar wrote needs no record. A try that
	 * fails for any reason (a byte differs, a replayed file is not
	 * there) only means the archive is kept. */
	for (way = 0; way < 2; way++) {
		struct cmp_writer *c;
		int64_t size;

		if (way == 1 && access(rec, F_OK) < 0)
			break;
		if (!(c = malloc(sizeof(*c))))
			return err_set("out of memory");
		*c = (struct cmp_writer){ .w = { .write = cmp_write }, .fd = blob };
		if (!tree_archive(diff, way ? rec : NULL, &c->w, got, &size) &&
		    size == li->size && !strcmp(got, li->digest)) {
			free(c);
			break;
		}
		free(c);
	}
	/* the record stays only when it is what makes the archive */
	if (way != 1 && unlink(rec) < 0 && errno != ENOENT)
		return err_set("cannot remove %s", rec);
	return way < 2;
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
	char path[PATH_MAX], rec[PATH_MAX], got[DIGEST_STR_LEN + 1];
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
	if (store_path(s, path, "layers/%s/diff", li->digest + 7) ||
	    store_path(s, rec, "layers/%s/" TREE_REC_NAME, li->digest + 7) || (fd = tmpfile_in(s)) < 0)
		return -1;
	fd_writer_init(&fw, fd, "the layer's archive");
	if (tree_archive(path, access(rec, F_OK) ? NULL : rec, &fw.w, got, &size))
		goto fail;
	if (strcmp(got, li->digest) || size != li->size) {
		err_setn(EIO, "layer %.19s is kept as a tree only, and its tree no longer "
			 "gives its archive (it gives %.19s): changed on disk?", li->digest, got);
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
