/* push.c - an image to a registry (see push.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "err.h"
#include "gzip.h"
#include "image.h"
#include "json.h"
#include "lz4frame.h"
#include "push.h"
#include "url.h"

/* One blob to send: a stored LZ4 layer (fd), as it is or as gzip, or a
 * small document in memory (the config). */
struct blob {
	char digest[DIGEST_STR_LEN + 1]; /* as pushed */
	int64_t size;                    /* as pushed */
	const char *type;
	int fd;                          /* the stored layer, or -1 */
	int gzip;
	const char *data;
};

/* A blob as a reader over [start, end) of its pushed bytes, rewindable:
 * a stored file seeks; a gzip stream is made again from the start and
 * the bytes before start are skipped (deflate is deterministic). */
struct src {
	struct reader r;
	struct blob *b;
	struct fd_reader fr;
	struct lz4frame_reader lz;
	struct gzip_deflater gz;
	int open;                        /* lz and gz to close */
	int64_t pos, start, end;
	const struct pull_progress *p;
};

static void src_close(struct src *s)
{
	if (s->open) {
		reader_close(&s->gz.r);
		reader_close(&s->lz.r);
	}
	s->open = 0;
}

static ssize_t src_raw(struct src *s, void *buf, size_t n)
{
	if (s->b->data) {
		memcpy(buf, s->b->data + s->pos, n);
		return n;
	}
	return reader_read(s->b->gzip ? &s->gz.r : &s->fr.r, buf, n);
}

static int src_seek(struct src *s, int64_t off)
{
	unsigned char buf[16384];

	src_close(s);
	s->pos = 0;
	if (s->b->data) {
		s->pos = off;
		return 0;
	}
	if (lseek(s->b->fd, s->b->gzip ? 0 : off, SEEK_SET) < 0)
		return err_set("layer %.19s: seek", s->b->digest);
	fd_reader_init(&s->fr, s->b->fd, "layer");
	if (!s->b->gzip) {
		s->pos = off;
		return 0;
	}
	if (!ENABLED(PUSH_GZIP))
		return err_setn(ENOTSUP, "gzip layers are not built in (PUSH_GZIP)");
	if (lz4frame_reader_init(&s->lz, &s->fr.r))
		return -1;
	if (gzip_deflater_init(&s->gz, &s->lz.r)) {
		reader_close(&s->lz.r);
		return -1;
	}
	s->open = 1;
	while (s->pos < off) {
		ssize_t n = src_raw(s, buf, off - s->pos < (int64_t)sizeof(buf) ?
				    (size_t)(off - s->pos) : sizeof(buf));

		if (n <= 0)
			return n < 0 ? -1 : err_setn(EIO, "layer %.19s: its gzip form "
						     "came out shorter", s->b->digest);
		s->pos += n;
	}
	return 0;
}

static ssize_t src_read(struct reader *r, void *buf, size_t n)
{
	struct src *s = (struct src *)r;
	ssize_t got;

	if (s->pos >= s->end)
		return 0;
	if ((int64_t)n > s->end - s->pos)
		n = s->end - s->pos;
	if ((got = src_raw(s, buf, n)) < 0)
		return -1;
	if (got == 0 && s->end != INT64_MAX)
		return err_setn(EIO, "%.19s: ends before its %lld bytes", s->b->digest,
				(long long)s->b->size);
	s->pos += got;
	if (s->p && s->p->bytes && s->end != INT64_MAX)
		s->p->bytes(s->p->arg, s->b->digest, s->pos, s->b->size);
	return got;
}

static int src_rewind(struct reader *r)
{
	struct src *s = (struct src *)r;

	return src_seek(s, s->start);
}

/* Read [start, end) next (end INT64_MAX: to the end). */
static int src_window(struct src *s, int64_t start, int64_t end)
{
	s->start = start;
	s->end = end;
	/* where the last window ended: go on (no second deflate pass) */
	return s->pos == start ? 0 : src_seek(s, start);
}

static void src_init(struct src *s, struct blob *b, const struct pull_progress *p)
{
	memset(s, 0, sizeof(*s));
	s->r.read = src_read;
	s->b = b;
	s->p = p;
	s->pos = -1;
}

/* The gzip form's digest and size: one pass, nothing kept. */
static int measure_gzip(struct blob *b)
{
	unsigned char buf[65536], sum[DIGEST_LEN];
	struct digest d;
	struct src s;
	ssize_t n;

	src_init(&s, b, NULL);
	if (src_window(&s, 0, INT64_MAX)) {
		src_close(&s);
		return -1;
	}
	digest_init(&d);
	b->size = 0;
	while ((n = reader_read(&s.r, buf, sizeof(buf))) > 0) {
		digest_update(&d, buf, n);
		b->size += n;
	}
	src_close(&s);
	if (n < 0)
		return -1;
	digest_final(&d, sum);
	digest_format(b->digest, sum);
	return 0;
}

/* ---- what the registry says ------------------------------------------------- */

/* Close rs and fail with what it says: "NAME: WHAT: HTTP 400 (CODE: msg)". */
static int reg_fail(struct registry *r, struct http_response *rs, const char *what)
{
	char text[320] = "", *body = NULL;
	int st = rs->status;
	ssize_t n = http_read_body(rs, &body, PUSH_ERROR_MAX);

	if (n > 0)
		push_error_text(body, n, text, sizeof(text));
	free(body);
	http_response_close(rs);
	if (st == 401 || st == 403)
		return err_setn(0, "%s: %s: denied%s%s%s (need --creds?)", r->name, what,
				text[0] ? " (" : "", text, text[0] ? ")" : "");
	return err_setn(0, "%s: %s: HTTP %d%s%s%s", r->name, what, st, text[0] ? " (" : "",
			text, text[0] ? ")" : "");
}

/* The upload's next URL: Location resolved against cur, on the
 * registry's scheme (no https to http unless --insecure). */
static int next_location(struct registry *r, struct http_response *rs, const char *cur,
			 char *out)
{
	const char *loc = http_header(rs, "Location");
	char abs[URL_MAX];
	struct url u, base;

	if (!loc || !*loc)
		return err_setn(0, "%s: upload answer without a Location", r->name);
	if (strncmp(cur, "http", 4)) {
		if (snprintf(abs, sizeof(abs), "%s%s", r->base, cur) >= (int)sizeof(abs))
			return err_setn(0, "URL too long");
		cur = abs;
	}
	if (url_resolve(cur, loc, out, URL_MAX - 80) || url_parse(&u, out) ||
	    url_parse(&base, r->base))
		return err_setn(0, "%s: bad upload Location '%.80s'", r->name, loc);
	if (base.tls && !u.tls)
		return err_setn(0, "%s: refusing an upload Location from https to http", r->name);
	return 0;
}

/* ---- one blob ----------------------------------------------------------------- */

static void say(const struct push_opts *o, const char *digest, const char *what)
{
	if (o->progress && o->progress->status)
		o->progress->status(o->progress->arg, digest, what);
}

static const char *const octet[] = { "Content-Type: application/octet-stream", NULL };

/* Close the upload at loc with PUT ?digest=, sending [from, size) of s. */
static int put_final(struct registry *r, struct src *s, const char *loc, int64_t from)
{
	char url[URL_MAX];
	struct http_response rs;
	struct registry_body body = { .reader = &s->r, .rewind = src_rewind,
				      .len = s->b->size - from };

	snprintf(url, sizeof(url), "%s%sdigest=%s", loc, strchr(loc, '?') ? "&" : "?",
		 s->b->digest);
	if (src_window(s, from, s->b->size))
		return -1;
	if (registry_request(r, "PUT", url, octet, &body, &rs))
		return -1;
	if (rs.status != 201 && rs.status != 204)
		return reg_fail(r, &rs, "upload");
	http_response_close(&rs);
	return 0;
}

/* Ask the registry how much of the upload at loc it has: 0 and *next
 * (loc updated), 1 when it has no such upload (any more), or -1. */
static int upload_status(struct registry *r, char *loc, int64_t *next)
{
	struct http_response rs;
	const char *range;
	char nl[URL_MAX];

	if (registry_request(r, "GET", loc, NULL, NULL, &rs))
		return -1;
	if (rs.status == 404 || rs.status == 400) {
		http_response_close(&rs);
		return 1;
	}
	if (rs.status != 204 && rs.status != 200)
		return reg_fail(r, &rs, "upload status");
	range = http_header(&rs, "Range");
	*next = 0;
	if (range && push_parse_range(range, next)) {
		http_response_close(&rs);
		return err_setn(0, "%s: bad upload Range '%.40s'", r->name, range);
	}
	if (http_header(&rs, "Location") && next_location(r, &rs, loc, nl) == 0)
		strcpy(loc, nl);
	http_response_close(&rs);
	return 0;
}

/* PATCH chunks from 0, then the closing PUT. A chunk that fails goes on
 * from what the registry says it has; 1 when it has lost the upload
 * (docker's registry drops one whose PATCH came twice): start again. */
static int send_chunked(struct registry *r, struct src *s, char *loc, int64_t chunk)
{
	int64_t off = 0, size = s->b->size;
	int resumes = 0;

	while (off < size) {
		int64_t end = size - off > chunk ? off + chunk : size, next = -1;
		char range[64], nl[URL_MAX];
		const char *hdrs[] = { octet[0], range, NULL };
		struct registry_body body = { .reader = &s->r, .rewind = src_rewind,
					      .len = end - off };
		struct http_response rs;
		int rc;

		snprintf(range, sizeof(range), "Content-Range: %lld-%lld", (long long)off,
			 (long long)end - 1);
		if (src_window(s, off, end))
			return -1;
		if (!registry_request(r, "PATCH", loc, hdrs, &body, &rs)) {
			const char *rg = http_header(&rs, "Range");
			int st = rs.status;

			if (st == 202 && next_location(r, &rs, loc, nl) == 0 &&
			    (!rg || push_parse_range(rg, &next) == 0) && (!rg || next > off)) {
				strcpy(loc, nl);
				off = rg ? next : end;
				http_response_close(&rs);
				continue;
			}
			if (st != 404 && st != 416 && st < 500)
				return reg_fail(r, &rs, "upload");
			http_response_close(&rs);
		}
		/* broken off, lost, 416 or 5xx: go on from what it has */
		if (++resumes > REGISTRY_RETRIES)
			return err_setn(0, "%s: blob %.19s: upload keeps failing", r->name,
					s->b->digest);
		if ((rc = upload_status(r, loc, &next)))
			return rc;
		if (next < 0 || next > size)
			return err_setn(0, "%s: upload Range beyond the blob", r->name);
		off = next;
	}
	return put_final(r, s, loc, size);
}

/* POST an upload (a mount when from is not ""): 1 when mounted, 0 with
 * loc, or -1. */
static int start_upload(struct registry *r, struct blob *b, const char *from, char *loc)
{
	char path[REF_NAME_MAX * 4 + 200];
	struct registry_body empty = { 0 };
	struct http_response rs;
	int rc;

	if (from[0])
		snprintf(path, sizeof(path), "/v2/%s/blobs/uploads/?mount=%s&from=%s",
			 r->ref.path, b->digest, from);
	else
		snprintf(path, sizeof(path), "/v2/%s/blobs/uploads/", r->ref.path);
	if (registry_request(r, "POST", path, NULL, &empty, &rs))
		return -1;
	if (rs.status == 201 && from[0]) {
		http_response_close(&rs);
		return 1;
	}
	if (rs.status != 202)
		return reg_fail(r, &rs, "starting an upload");
	rc = next_location(r, &rs, path, loc);
	http_response_close(&rs);
	return rc;
}

static int push_blob(struct registry *r, struct blob *b, const struct push_opts *o,
		     struct push_result *res)
{
	char path[REF_NAME_MAX + 128], loc[URL_MAX], from[3 * REF_NAME_MAX + 1];
	int64_t chunk = o->chunk > 0 ? o->chunk : PUSH_CHUNK_DEFAULT;
	struct http_response rs;
	struct src s;
	int rc, attempt = 0;

	snprintf(path, sizeof(path), "/v2/%s/blobs/%s", r->ref.path, b->digest);
	if (registry_request(r, "HEAD", path, NULL, NULL, &rs))
		return -1;
	if (rs.status == 200) {
		http_response_close(&rs);
		res->existed++;
		say(o, b->digest, "Layer already exists");
		return 0;
	}
	if (rs.status != 404)
		return reg_fail(r, &rs, b->digest);
	http_response_close(&rs);

	from[0] = 0;
	if (o->mount_from && strcmp(o->mount_from, r->ref.path) &&
	    regauth_urlencode(o->mount_from, from, sizeof(from)))
		from[0] = 0;
	if ((rc = start_upload(r, b, from, loc)) == 1) {
		char what[REF_NAME_MAX + 16];

		res->mounted++;
		snprintf(what, sizeof(what), "Mounted from %s", o->mount_from);
		say(o, b->digest, what);
		return 0;
	}
	if (rc)
		return -1;
	say(o, b->digest, "Pushing");
	src_init(&s, b, o->progress);
	for (;;) {
		rc = b->size > chunk ? send_chunked(r, &s, loc, chunk) : put_final(r, &s, loc, 0);
		if (rc != 1)
			break;
		/* the registry lost the upload: a new one, from the start */
		if (++attempt > REGISTRY_RETRIES) {
			rc = err_setn(0, "%s: blob %.19s: upload keeps failing", r->name,
				      b->digest);
			break;
		}
		say(o, b->digest, "Retrying");
		if ((rc = start_upload(r, b, "", loc)))
			break;
	}
	src_close(&s);
	if (rc)
		return -1;
	res->pushed++;
	say(o, b->digest, "Pushed");
	return 0;
}

/* ---- the image ---------------------------------------------------------------- */

/* Read the image: its config into *config, its layers into b[] with
 * their files open. The store is locked only for this. */
static int read_image(const char *root, const char *image, const struct push_opts *o,
		      char **config, size_t *config_len, char cfg_digest[DIGEST_STR_LEN + 1],
		      struct blob **out, int *nout, char *origin, size_t origin_cap)
{
	struct store s;
	struct image im;
	struct blob *b = NULL;
	uint32_t layers, l;
	const char *on;
	int n = 0, rc = -1;

	*out = NULL;
	*nout = 0;
	if (store_open(&s, root, STORE_READ))
		return -1;
	if (image_open(&s, image, &im)) {
		store_close(&s);
		return -1;
	}
	strcpy(cfg_digest, im.id);
	on = json_get_str(&im.manifest, json_get(&im.manifest, 0, "annotations"),
			  IMAGE_ORIGIN_NAME);
	snprintf(origin, origin_cap, "%s", on ? on : "");
	if (store_blob_get(&s, im.id, config, config_len))
		goto out;
	if (!(b = calloc(im.layers ? im.layers : 1, sizeof(*b)))) {
		err_set("out of memory");
		goto out;
	}
	layers = json_get(&im.manifest, 0, "layers");
	for (l = layers ? json_first(&im.manifest, layers) : 0; l; l = json_next(&im.manifest, l)) {
		const char *ld = json_get_str(&im.manifest, l, "digest");
		struct layer_info li;
		struct stat st;

		if (!ld || (uint32_t)n >= im.layers) {
			err_setn(EINVAL, "%s: bad layer list", image);
			goto out;
		}
		if (store_layer_get(&s, ld, &li) || (b[n].fd = store_layer_archive_open(&s, &li)) < 0)
			goto out;
		n++;
		if (fstat(b[n - 1].fd, &st) || st.st_size != li.size) {
			err_setn(EIO, "layer %.19s: the stored file is not %lld bytes",
				 li.digest, (long long)li.size);
			goto out;
		}
		strcpy(b[n - 1].digest, li.digest);
		b[n - 1].size = li.size;
		b[n - 1].gzip = o->gzip;
		b[n - 1].type = o->gzip ? MT_OCI_LAYER_GZIP : IMAGE_LAYER_TYPE;
	}
	rc = 0;
out:
	image_close(&im);
	store_close(&s);
	if (rc) {
		for (int i = 0; i < n; i++)
			close(b[i].fd);
		free(b);
		free(*config);
		*config = NULL;
		return -1;
	}
	*out = b;
	*nout = n;
	return 0;
}

static int put_manifest(struct registry *r, const char *tag, const struct blob *cfg,
			const struct blob *b, int n, struct push_result *res)
{
	static const char *const ct[] = { "Content-Type: " IMAGE_MANIFEST_TYPE, NULL };
	char path[REF_NAME_MAX + REF_TAG_MAX + 32];
	unsigned char sum[DIGEST_LEN];
	struct http_response rs;
	struct registry_body body;
	struct json_w w;
	const char *dcd;
	int rc = -1;

	jw_init(&w, 0);
	jw_obj(&w);
	jw_kint(&w, "schemaVersion", 2);
	jw_kstr(&w, "mediaType", IMAGE_MANIFEST_TYPE);
	jw_key(&w, "config");
	jw_obj(&w);
	jw_kstr(&w, "mediaType", IMAGE_CONFIG_TYPE);
	jw_kstr(&w, "digest", cfg->digest);
	jw_kint(&w, "size", cfg->size);
	jw_end(&w);
	jw_key(&w, "layers");
	jw_arr(&w);
	for (int i = 0; i < n; i++) {
		jw_obj(&w);
		jw_kstr(&w, "mediaType", b[i].type);
		jw_kstr(&w, "digest", b[i].digest);
		jw_kint(&w, "size", b[i].size);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	if (jw_finish(&w)) {
		jw_free(&w);
		return err_set("manifest");
	}
	w.len--; /* jw_finish's newline is no part of the document */
	sha256(w.buf, w.len, sum);
	digest_format(res->digest, sum);
	res->size = w.len;
	body = (struct registry_body){ .data = w.buf, .len = w.len };
	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", r->ref.path, tag);
	if (registry_request(r, "PUT", path, ct, &body, &rs))
		goto out;
	if (rs.status != 201 && rs.status != 200) {
		reg_fail(r, &rs, "manifest");
		goto out;
	}
	dcd = http_header(&rs, "Docker-Content-Digest");
	if (dcd && strcmp(dcd, res->digest)) {
		err_setn(0, "%s: the registry says the manifest is %.80s, not %s", r->name, dcd,
			 res->digest);
		http_response_close(&rs);
		goto out;
	}
	http_response_close(&rs);
	rc = 0;
out:
	jw_free(&w);
	return rc;
}

int push_image(const char *root, const char *image, struct registry *r, const char *tag,
	       const struct push_opts *o, struct push_result *res)
{
	char *config = NULL, origin[REF_NAME_MAX + 300];
	struct push_opts opts = *o;
	struct blob cfg = { .fd = -1 }, *b = NULL;
	size_t config_len;
	int n = 0, rc = -1;

	memset(res, 0, sizeof(*res));
	if (read_image(root, image, o, &config, &config_len, cfg.digest, &b, &n, origin,
		       sizeof(origin)))
		return -1;
	/* An image pulled from this registry: its blobs may be mounted from
	 * where it came from. */
	if (!opts.mount_from) {
		size_t dl = strlen(r->ref.domain);

		if (!strncmp(origin, r->ref.domain, dl) && origin[dl] == '/')
			opts.mount_from = origin + dl + 1;
	}
	cfg.data = config;
	cfg.size = config_len;
	cfg.type = IMAGE_CONFIG_TYPE;
	for (int i = 0; i < n; i++) {
		if (b[i].gzip) {
			say(o, b[i].digest, "Compressing");
			if (measure_gzip(&b[i]))
				goto out;
		}
		if (push_blob(r, &b[i], &opts, res))
			goto out;
	}
	/* the config, as docker does, without a line of its own */
	opts.progress = NULL;
	if (push_blob(r, &cfg, &opts, res) || put_manifest(r, tag, &cfg, b, n, res))
		goto out;
	rc = 0;
out:
	for (int i = 0; i < n; i++)
		close(b[i].fd);
	free(b);
	free(config);
	return rc;
}
