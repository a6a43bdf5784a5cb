/* store_layer.c - importing, listing and removing layers (store.h).
 *
 * An import is one pass over the input, whatever its format:
 *
 *   LZ4:       in -> tee(sha256 = digest, copy to blob) -> lz4 decode
 *                 -> sha256 = diff_id -> tar unpack
 *   gzip, tar: in -> [gzip decode] -> sha256 = diff_id -> tee(copy to
 *                 lz4 encode -> sha256 = digest -> blob) -> tar unpack
 *
 * so an LZ4 archive is stored byte for byte as it came, and anything else
 * is stored as the LZ4 boxcar would have made. Everything is staged in
 * ROOT/tmp/XXXXXX, without the store lock (a STORE_STAGE writer takes it
 * only for commit_layer), and renamed into place only once it is
 * complete and synced: a crash leaves a staging dir that the next writer
 * removes (and with it what the commit had published: store.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "digest.h"
#include "err.h"
#include "fsutil.h"
#include "gzip.h"
#include "zstd_read.h"
#include "json.h"
#include "layer.h"
#include "lz4frame.h"
#include "store.h"

/* ---- small readers ----------------------------------------------------- */

/* Gives back the bytes already read to sniff the format, then the rest. */
struct peek_reader {
	struct reader r;
	struct reader *in;
	unsigned char buf[512];
	size_t len, pos;
};

static ssize_t peek_read(struct reader *r, void *buf, size_t n)
{
	struct peek_reader *p = (struct peek_reader *)r;

	if (p->pos < p->len) {
		if (n > p->len - p->pos)
			n = p->len - p->pos;
		memcpy(buf, p->buf + p->pos, n);
		p->pos += n;
		return n;
	}
	return reader_read(p->in, buf, n);
}

static int peek_init(struct peek_reader *p, struct reader *in)
{
	p->r = (struct reader){ peek_read, NULL };
	p->in = in;
	p->len = p->pos = 0;
	while (p->len < sizeof(p->buf)) {
		ssize_t n = reader_read(in, p->buf + p->len, sizeof(p->buf) - p->len);

		if (n < 0)
			return -1;
		if (!n)
			break;
		p->len += n;
	}
	return 0;
}

/* Passes bytes through and writes a copy of each to out. */
struct tee_reader {
	struct reader r;
	struct reader *in;
	struct writer *out;
};

static ssize_t tee_read(struct reader *r, void *buf, size_t n)
{
	struct tee_reader *t = (struct tee_reader *)r;
	ssize_t got = reader_read(t->in, buf, n);

	if (got > 0 && t->out && writer_write(t->out, buf, got))
		return -1;
	return got;
}

static void tee_init(struct tee_reader *t, struct reader *in, struct writer *out)
{
	*t = (struct tee_reader){ { tee_read, NULL }, in, out };
}

/* Read r to its end: the tar trailer and padding after the last entry
 * must pass the hashes and reach the blob too. */
static int drain(struct reader *r)
{
	unsigned char buf[4096];
	ssize_t n;

	while ((n = reader_read(r, buf, sizeof(buf))) > 0)
		;
	return n < 0 ? -1 : 0;
}

enum format { FMT_TAR, FMT_LZ4, FMT_GZIP, FMT_ZSTD };

static int sniff(const struct peek_reader *p, const char *name)
{
	const unsigned char *b = p->buf;

	if (lz4frame_sniff(b, p->len))
		return FMT_LZ4;
	if (gzip_sniff(b, p->len)) {
		if (!ENABLED(FEATURE_GZIP))
			return err_setn(0, "%s: gzip support is not in this build", name);
		return FMT_GZIP;
	}
	if (zstd_sniff(b, p->len)) {
		if (!ENABLED(FEATURE_ZSTD))
			return err_setn(0, "%s: zstd support is not in this build", name);
		return FMT_ZSTD;
	}
	if (p->len == 512 && !memcmp(b + 257, "ustar", 5))
		return FMT_TAR;
	if (p->len == 512) { /* an empty tar: the end marker only */
		size_t i = 0;

		while (i < 512 && !b[i])
			i++;
		if (i == 512)
			return FMT_TAR;
	}
	if (!p->len)
		return err_setn(0, "%s: empty input", name);
	return err_setn(0, "%s: not a tar, tar.gz, tar.zst or tar.lz4 archive", name);
}

/* ---- metadata ---------------------------------------------------------- */

static int write_meta(const char *path, const struct layer_info *li)
{
	struct json_w w;
	int rc;

	jw_init(&w, 1);
	jw_obj(&w);
	jw_kstr(&w, "digest", li->digest);
	jw_kstr(&w, "diff_id", li->diff_id);
	jw_kint(&w, "size", li->size);
	jw_kint(&w, "diff_size", li->diff_size);
	jw_kint(&w, "files", li->files);
	jw_kstr(&w, "link", li->link);
	if (li->tree_only) {
		jw_key(&w, "tree_only");
		jw_bool(&w, 1);
	}
	jw_end(&w);
	rc = jw_finish(&w);
	if (!rc)
		rc = write_file_atomic(path, w.buf, w.len, 0644);
	jw_free(&w);
	return rc;
}

static int read_meta(const char *path, struct layer_info *li)
{
	struct json_doc d;
	const char *digest, *diff_id, *link;
	char *buf;
	size_t n;
	int rc;

	if (read_file(path, STORE_META_MAX, &buf, &n))
		return -1;
	rc = json_parse(&d, buf, n);
	free(buf);
	if (rc) {
		char why[200];

		snprintf(why, sizeof(why), "%s", err_msg());
		return err_setn(0, "%s is corrupt: %s", path, why);
	}
	digest = json_get_str(&d, 0, "digest");
	diff_id = json_get_str(&d, 0, "diff_id");
	link = json_get_str(&d, 0, "link");
	if (!digest || !digest_valid(digest) || !diff_id || !digest_valid(diff_id)
	    || !link || strlen(link) != SHORT_ID_LEN
	    || json_int(&d, json_get(&d, 0, "size"), &li->size)
	    || json_int(&d, json_get(&d, 0, "diff_size"), &li->diff_size)
	    || json_int(&d, json_get(&d, 0, "files"), &li->files))
		rc = err_setn(0, "%s is corrupt: a field is missing or malformed", path);
	else {
		strcpy(li->digest, digest);
		strcpy(li->diff_id, diff_id);
		strcpy(li->link, link);
		li->tree_only = json_type(&d, json_get(&d, 0, "tree_only")) == JSON_TRUE;
	}
	json_free(&d);
	return rc;
}

/* Like overlay2: a random 26-letter name, because the mount option
 * holding every lowerdir must fit in one page. */
static int make_link_id(char *out)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned char r[SHORT_ID_LEN];

	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return err_set("getrandom");
	for (int i = 0; i < SHORT_ID_LEN; i++)
		out[i] = abc[r[i] & 31];
	out[SHORT_ID_LEN] = 0;
	return 0;
}

/* ---- import ------------------------------------------------------------- */

/* Make the staged layer durable and describe it: done before the store
 * lock is taken, as it may take long on flash. */
static int seal_layer(const char *st, struct layer_info *li)
{
	char path[PATH_MAX];
	int fd;

	/* Everything unpacked reaches the disk before it is published. */
	fd = open(st, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd) < 0) {
		err_set("cannot sync %s", st);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (make_link_id(li->link))
		return -1;
	path_join(path, st, "layer.json");
	if (write_meta(path, li))
		return -1;
	path_join(path, st, "link");
	return write_file_atomic(path, li->link, SHORT_ID_LEN, 0644);
}

/* Move the complete staging dir st (holding blob, diff/) into place,
 * under the store's write lock (taken here in STORE_STAGE mode).
 * Order matters for crash safety: the blob and the l/ link may appear
 * without their layer (harmless: the link is cleaned, the blob swept,
 * as the writer's guard is left in tmp/); the rename of the layer dir
 * commits. */
static int commit_layer(struct store *s, const char *st, struct layer_info *li,
			int *existed)
{
	char path[PATH_MAX], to[PATH_MAX];
	const char *hex = li->digest + 7;
	int sealed = 0;

	if (store_path(s, path, "layers/%s", hex))
		return -1;
	/* sealed before the lock, unless the store has it already (then
	 * most likely still once locked, and this copy is dropped) */
	if (access(path, F_OK) < 0) {
		if (seal_layer(st, li))
			return -1;
		sealed = 1;
	}
	if (store_lock_write(s))
		return -1;
	if (!access(path, F_OK)) {
		*existed = 1;
		return store_layer_get(s, li->digest, li);
	}
	*existed = 0;
	if (!sealed && seal_layer(st, li)) /* it went meanwhile */
		return -1;
	path_join(path, st, "blob");
	if (li->tree_only) {
		/* the tree is the layer: its archive is made again on demand */
		if (unlink(path) < 0)
			return err_set("cannot remove %s", path);
	} else if (store_blob_path(s, to, li->digest) || rename(path, to) < 0)
		return err_set("cannot store blob %s", li->digest);
	else if (fsync_parent(to))
		return -1;
	snprintf(to, sizeof(to), "../layers/%s/diff", hex);
	if (store_path(s, path, "l/%s", li->link) || symlink(to, path) < 0)
		return err_set("cannot link %s", path);
	if (store_path(s, to, "layers/%s", hex) || rename(st, to) < 0)
		return err_set("cannot move layer into %s", to);
	return fsync_parent(to);
}

/* The store quota, checked while an import writes: what it unpacked
 * (the tar's bytes) and what its blob holds so far must fit in the room
 * there was when it began. */
struct quota_reader {
	struct reader r;
	struct reader *in;
	int blob;             /* the blob being written, for its size */
	int64_t room, tar;
};

static ssize_t quota_read(struct reader *r, void *buf, size_t n)
{
	struct quota_reader *q = (struct quota_reader *)r;
	ssize_t k = reader_read(q->in, buf, n);
	off_t blob;

	if (k <= 0 || q->room == INT64_MAX)
		return k;
	q->tar += k;
	blob = lseek(q->blob, 0, SEEK_CUR);
	if (q->tar + (blob > 0 ? blob : 0) > q->room)
		return store_quota_error();
	return k;
}

static void quota_init(struct quota_reader *q, struct reader *in, int blob, int64_t room)
{
	*q = (struct quota_reader){ .r = { quota_read, NULL }, .in = in, .blob = blob,
				   .room = room };
}

int store_layer_import(struct store *s, struct reader *in, const char *name,
		       struct layer_info *li, int *existed)
{
	char st[PATH_MAX], path[PATH_MAX], rec_path[PATH_MAX];
	unsigned char sum[DIGEST_LEN];
	struct tree_rec *rec = NULL;
	struct peek_reader peek;
	struct fd_writer blob;
	struct tee_reader raw_tee, tar_tee;
	struct digest_reader raw_hash, tar_hash;
	struct digest_writer lz_hash;
	struct lz4frame_reader lz_in;
	struct lz4frame_writer lz_out;
	struct gzip_reader gz;
	struct zstd_reader zs;
	struct layer_unpack_opts uo = { .oci_to_overlay = 1, .allow_devices = 1,
					.same_owner = geteuid() == 0 };
	struct quota_reader quota;
	struct reader *tar;
	int fmt, fd = -1, rc = -1, lz_in_open = 0, lz_out_open = 0, gz_open = 0, zs_open = 0;
	int stfd;

	memset(li, 0, sizeof(*li));
	if (peek_init(&peek, in) || (fmt = sniff(&peek, name)) < 0)
		return -1;
	if ((stfd = store_mktemp(s, st)) < 0)
		return -1;
	path_join(path, st, "blob");
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644); /* read: store_tree_keep */
	if (fd < 0) {
		err_set("cannot create %s", path);
		goto out;
	}
	fd_writer_init(&blob, fd, path);
	path_join(path, st, "diff");
	if (mkdir(path, 0755) < 0) {
		err_set("cannot create %s", path);
		goto out;
	}

	if (fmt == FMT_LZ4) {
		tee_init(&raw_tee, &peek.r, &blob.w);
		digest_reader_init(&raw_hash, &raw_tee.r);
		if (lz4frame_reader_init(&lz_in, &raw_hash.r))
			goto out;
		lz_in_open = 1;
		digest_reader_init(&tar_hash, &lz_in.r);
		tee_init(&tar_tee, &tar_hash.r, NULL);
	} else {
		tar = &peek.r;
		if (fmt == FMT_GZIP) {
			if (gzip_reader_init(&gz, &peek.r))
				goto out;
			gz_open = 1;
			tar = &gz.r;
		} else if (fmt == FMT_ZSTD) {
			if (zstd_reader_init(&zs, &peek.r))
				goto out;
			zs_open = 1;
			tar = &zs.r;
		}
		digest_reader_init(&tar_hash, tar);
		digest_writer_init(&lz_hash, &blob.w);
		if (lz4frame_writer_init(&lz_out, &lz_hash.w, LZ4FRAME_FAST))
			goto out;
		lz_out_open = 1;
		tee_init(&tar_tee, &tar_hash.r, &lz_out.w);
	}
	quota_init(&quota, &tar_tee.r, fd, store_quota_room(s->root));
	tar = &quota.r;
	path_join(rec_path, st, "tar-split");
	if (store_tree_only() && (rec = tree_rec_open(rec_path, tar))) {
		tar = tree_rec_reader(rec);
		uo.file_data = tree_rec_file;
		uo.file_data_arg = rec;
	}
	if (layer_unpack(tar, path, &uo) || drain(tar))
		goto out;
	if (fmt == FMT_LZ4) {
		/* bytes after the LZ4 frame are in the blob too: hash them */
		if (drain(&raw_hash.r))
			goto out;
		digest_final(&raw_hash.d, sum);
		digest_format(li->digest, sum);
		li->size = raw_hash.count;
	} else {
		if (writer_finish(&lz_out.w))
			goto out;
		digest_final(&lz_hash.d, sum);
		digest_format(li->digest, sum);
		li->size = lz_hash.count;
	}
	digest_final(&tar_hash.d, sum);
	digest_format(li->diff_id, sum);
	li->diff_size = tar_hash.count;
	li->files = uo.entries;
	if (rec) {
		/* an incomplete record is no record */
		if (tree_rec_close(rec) < 0)
			unlink(rec_path);
		rec = NULL;
	}
	if (store_tree_only() && (li->tree_only = store_tree_keep(st, fd, li)) < 0)
		goto out;
	if (!li->tree_only && fsync(fd) < 0) {
		err_set("cannot sync the layer blob");
		goto out;
	}
	close(fd);
	fd = -1;
	rc = commit_layer(s, st, li, existed);
out:
	if (rec)
		tree_rec_close(rec);
	if (lz_in_open && lz_in.r.close)
		lz_in.r.close(&lz_in.r);
	if (lz_out_open && lz_out.w.close)
		lz_out.w.close(&lz_out.w);
	if (gz_open && gz.r.close)
		gz.r.close(&gz.r);
	if (zs_open && zs.r.close)
		zs.r.close(&zs.r);
	if (fd >= 0)
		close(fd);
	if (rc || *existed) {
		int saved = errno;

		if (store_unstage(st, stfd) < 0 && !rc)
			rc = -1;
		errno = saved;
	} else
		close(stfd); /* renamed into layers/: its lock is of no use now */
	return rc;
}

int store_layer_import_dir(struct store *s, const char *dir,
			   struct layer_info *li, int *existed)
{
	struct layer_pack_opts po = { 0 };

	return store_layer_import_dir_opts(s, dir, &po, li, existed);
}

int store_layer_import_dir_opts(struct store *s, const char *dir,
				const struct layer_pack_opts *po, struct layer_info *li,
				int *existed)
{
	char st[PATH_MAX], path[PATH_MAX];
	struct fd_writer fw;
	struct fd_reader fr;
	struct lz4frame_writer lz;
	struct stat sb;
	int fd, rc = -1, stfd;

	if (!ENABLED(FEATURE_LAYER_CREATE))
		return err_setn(0, "%s: packing directories is not in this build", dir);
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return err_set("%s", dir);
	if ((stfd = store_mktemp(s, st)) < 0)
		return -1;
	/* Pack to a file first: unpacking from what was packed is what
	 * keeps the stored tree and the stored archive the same. */
	path_join(path, st, "layer.tar.lz4");
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_set("cannot create %s", path);
		goto out;
	}
	fd_writer_init(&fw, fd, path);
	if (lz4frame_writer_init(&lz, &fw.w, LZ4FRAME_FAST))
		goto out;
	rc = layer_pack(dir, &lz.w, po) || writer_finish(&lz.w) ? -1 : 0;
	if (lz.w.close)
		lz.w.close(&lz.w);
	if (rc)
		goto out;
	rc = -1;
	if (lseek(fd, 0, SEEK_SET) < 0) {
		err_set("%s", path);
		goto out;
	}
	fd_reader_init(&fr, fd, path);
	rc = store_layer_import(s, &fr.r, dir, li, existed);
out:
	if (fd >= 0)
		close(fd);
	if (store_unstage(st, stfd) < 0 && !rc)
		rc = -1;
	return rc;
}

/* ---- queries ------------------------------------------------------------ */

int store_layer_get(const struct store *s, const char *digest, struct layer_info *li)
{
	char path[PATH_MAX];

	if (!digest_valid(digest))
		return err_setn(0, "'%s': not a sha256 digest", digest);
	if (store_path(s, path, "layers/%s/layer.json", digest + 7))
		return -1;
	if (access(path, F_OK) < 0)
		return err_setn(0, "no such layer: %s", digest);
	return read_meta(path, li);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int store_layer_each(const struct store *s,
		     int (*fn)(const struct layer_info *li, void *arg), void *arg)
{
	char path[PATH_MAX], **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (store_path(s, path, "layers"))
		return -1;
	if (!(d = opendir(path)))
		return err_set("cannot read %s", path);
	while ((e = readdir(d))) {
		if (strlen(e->d_name) != 64)
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*names));

			if (!nn) {
				rc = err_set("listing layers");
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rc = err_set("listing layers");
			break;
		}
		n++;
	}
	closedir(d);
	if (!rc)
		qsort(names, n, sizeof(*names), cmp_str);
	/* A layer whose layer.json cannot be read is not passed over in
	 * silence: the others are listed, then the first such error is. */
	char bad[256] = "";
	int bad_errno = 0;

	for (size_t i = 0; i < n; i++) {
		struct layer_info li;
		char digest[DIGEST_STR_LEN + 1];

		snprintf(digest, sizeof(digest), "sha256:%s", names[i]);
		if (!rc) {
			if (store_layer_get(s, digest, &li) == 0)
				rc = fn(&li, arg);
			else if (!*bad) {
				snprintf(bad, sizeof(bad), "%s", err_msg());
				bad_errno = err_errno();
			}
		}
		free(names[i]);
	}
	free(names);
	if (!rc && *bad)
		return err_setn(bad_errno, "%s", bad);
	return rc;
}

int store_layer_remove(const struct store *s, const char *digest)
{
	char path[PATH_MAX], st[PATH_MAX];
	struct layer_info li;
	int stfd;

	if (store_layer_get(s, digest, &li) || (stfd = store_mktemp(s, st)) < 0)
		return -1;
	/* One rename makes it disappear; the rest is cleanup that a crash
	 * may interrupt (ROOT/tmp and dangling l/ links are swept, and the
	 * blob, once the layer is gone, by the sweep the mark asks for). */
	if (store_gc_mark(s) || store_path(s, path, "layers/%s", digest + 7)) {
		store_unstage(st, stfd);
		return -1;
	}
	strcat(st, "/layer");
	if (rename(path, st) < 0) {
		err_set("cannot remove %s", path);
		st[strlen(st) - strlen("/layer")] = 0;
		store_unstage(st, stfd);
		return -1;
	}
	fsync_parent(path);
	if (!store_path(s, path, "l/%s", li.link))
		unlink(path);
	if (!store_blob_path(s, path, digest))
		unlink(path);
	st[strlen(st) - strlen("/layer")] = 0;
	return store_unstage(st, stfd);
}
