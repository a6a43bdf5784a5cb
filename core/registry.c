/* registry.c - OCI distribution client: auth, redirects, retries,
 * resumable blob downloads (see registry.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "digest.h"
#include "err.h"
#include "fsutil.h"
#include "registry.h"
#include "store.h"

#define TOKEN_ANSWER_MAX (64u << 10)
#define PARTIAL_KEEP_MAX ((int64_t)CONFIG_PULL_PARTIAL_KEEP_MB << 20) /* 0: any */
#define PARTIAL_MAX_AGE ((time_t)CONFIG_PULL_PARTIAL_MAX_AGE_H * 3600) /* 0: never */
#define LOCK_WAIT_UNITS 10 /* back-off units (1 s) to wait for another pull's part */
#define HEADER_COPY_MAX REGAUTH_HEADER_MAX

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* How long to wait before retry number attempt (0-based). */
static long delay_ms(const struct registry *r, int attempt, const struct http_response *rs)
{
	const char *ra = rs ? http_header(rs, "Retry-After") : NULL;
	long ms = (long)r->retry_base_ms << (attempt < 6 ? attempt : 6);

	if (ra && *ra && strspn(ra, "0123456789") == strlen(ra) && strlen(ra) < 6) {
		long s = atol(ra);

		/* in back-off units (1 s; the tests' unit is shorter) */
		ms = (s > REGISTRY_RETRY_AFTER_MAX ? REGISTRY_RETRY_AFTER_MAX : s) * r->retry_base_ms;
	}
	return ms;
}

static int transient(int status)
{
	return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

/* One request, retried on broken connections, 429 and 5xx (a streamed
 * body only if it can be rewound). 0 with rs open (whatever its status
 * once the retries are spent), or -1. */
static int send_retry(struct registry *r, const struct http_request *rq,
		      struct http_response *rs)
{
	int can_retry = !rq->body_reader || rq->body_rewind;

	for (int attempt = 0;; attempt++) {
		long ms;

		if (attempt && rq->body_reader && rq->body_rewind(rq->body_reader))
			return -1;
		if (!http_request(r->http, rq, rs)) {
			if (!transient(rs->status) || attempt == REGISTRY_RETRIES || !can_retry)
				return 0;
			ms = delay_ms(r, attempt, rs);
			http_response_close(rs);
		} else {
			if (attempt == REGISTRY_RETRIES || !can_retry)
				return -1;
			ms = delay_ms(r, attempt, NULL);
		}
		sleep_ms(ms);
	}
}

/* ---- authentication -------------------------------------------------------- */

static int fetch_token(struct registry *r, const struct regauth_challenge *c)
{
	char url[URL_MAX], scope[REGAUTH_SCOPE_MAX + 64], enc_service[3 * 256],
		enc_scope[3 * sizeof(scope)], basic[2 * CREDENTIALS_FIELD_MAX * 4 / 3 + 64],
		authh[sizeof(basic) + 32], *body;
	const char *hdrs[2] = { NULL, NULL };
	struct http_response rs;
	struct url u;
	ssize_t n;
	int64_t expires;
	int rc;

	if (c->scope[0])
		snprintf(scope, sizeof(scope), "%s", c->scope);
	else
		snprintf(scope, sizeof(scope), "repository:%s:%s", r->ref.path,
			 r->push ? "pull,push" : "pull");
	if (regauth_urlencode(c->service, enc_service, sizeof(enc_service)) ||
	    regauth_urlencode(scope, enc_scope, sizeof(enc_scope)))
		return -1;
	if (snprintf(url, sizeof(url), "%s%s%s%s%sscope=%s", c->realm,
		     strchr(c->realm, '?') ? "&" : "?", c->service[0] ? "service=" : "",
		     enc_service, c->service[0] ? "&" : "", enc_scope) >= (int)sizeof(url))
		return err_setn(0, "token URL too long");
	if (url_parse(&u, url))
		return err_prefix("token realm");
	if (r->creds && !u.tls) {
		/* A password goes over TLS only, unless the user said --insecure
		 * (to this registry), or --insecure-realm (to anywhere it says). */
		struct url base;

		if (!r->insecure)
			return err_setn(0, "token realm %s is not https: refusing to send "
					"the password (--insecure allows it)", c->realm);
		if (!r->insecure_realm && (url_parse(&base, r->base) || !url_same_origin(&u, &base)))
			return err_setn(0, "token realm %s is plain HTTP on another host or "
					"port than the registry: refusing to send the password "
					"(--insecure-realm allows it)", c->realm);
	}
	if (r->creds) {
		if (regauth_basic(r->creds->user, r->creds->pass, basic, sizeof(basic)))
			return -1;
		snprintf(authh, sizeof(authh), "Authorization: %s", basic);
		hdrs[0] = authh;
	}
	rc = send_retry(r, &(struct http_request){ .url = url, .headers = hdrs }, &rs);
	explicit_bzero(authh, sizeof(authh));
	explicit_bzero(basic, sizeof(basic));
	if (rc)
		return err_prefix("token service");
	if (rs.status != 200) {
		int st = rs.status;

		http_response_close(&rs);
		if (st == 401 || st == 403)
			return err_setn(0, "token service %s: %s", u.host,
					r->creds ? "wrong user name or password"
						 : "access denied (need --creds?)");
		return err_setn(0, "token service %s: HTTP %d", u.host, st);
	}
	n = http_read_body(&rs, &body, TOKEN_ANSWER_MAX);
	http_response_close(&rs);
	if (n < 0)
		return err_prefix("token service");
	memcpy(r->auth, "Bearer ", 7);
	rc = regauth_token_parse(body, n, r->auth + 7, sizeof(r->auth) - 7, &expires);
	explicit_bzero(body, n);
	free(body);
	if (rc) {
		r->auth[0] = 0;
		return -1;
	}
	r->auth_expires = time(NULL) + (expires > 86400 ? 86400 : expires);
	return 0;
}

/* Answer a 401's WWW-Authenticate (hdr, a copy). */
static int answer(struct registry *r, const char *hdr)
{
	struct regauth_challenge ch[REGAUTH_MAX_CHALLENGES];
	int n = regauth_parse(hdr, ch, REGAUTH_MAX_CHALLENGES);

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (!strcmp(ch[i].scheme, "bearer") && ch[i].realm[0]) {
			r->ch = ch[i];
			r->have_ch = 1;
			return fetch_token(r, &ch[i]);
		}
	for (int i = 0; i < n; i++)
		if (!strcmp(ch[i].scheme, "basic")) {
			if (!r->creds)
				return err_setn(0, "%s wants a user name and password "
						"(--creds or --authfile)", r->ref.host);
			r->have_ch = 0;
			r->auth_expires = 0;
			return regauth_basic(r->creds->user, r->creds->pass, r->auth,
					     sizeof(r->auth));
		}
	return err_setn(0, "%s: no authentication scheme we know in '%.60s'",
			r->ref.host, hdr);
}

/* ---- requests to the registry ---------------------------------------------- */

static int is_redirect(int st)
{
	return st == 301 || st == 302 || st == 303 || st == 307 || st == 308;
}

/* method on path (under base) or on an absolute url (an upload's
 * Location), with auth, redirects (GET and HEAD only: a body is not sent
 * twice to wherever a 3xx says) and retries; extra: more header lines or
 * NULL; b: the body or NULL. 0 with rs open whatever the final status,
 * or -1. */
static int reg_send(struct registry *r, const char *method, const char *path,
		    const char *const *extra, const struct registry_body *b,
		    struct http_response *rs)
{
	char url[URL_MAX], next[URL_MAX], hdr[HEADER_COPY_MAX + 1];
	char authh[sizeof(r->auth) + 16];
	struct url base, u;
	int reauthed = 0, redirects = 0;
	int follow = !strcmp(method, "GET") || !strcmp(method, "HEAD");

	if (snprintf(url, sizeof(url), "%s%s", strncmp(path, "http", 4) ? r->base : "", path) >=
	    (int)sizeof(url))
		return err_setn(0, "URL too long");
	if (url_parse(&base, r->base))
		return -1;
	for (;;) {
		const char *hdrs[REGISTRY_EXTRA_HEADERS + 2];
		struct http_request rq = { .method = method, .url = url, .headers = hdrs };
		int h = 0, same;

		if (url_parse(&u, url))
			return -1;
		same = url_same_origin(&u, &base);
		if (same && r->auth[0] && r->have_ch && r->auth_expires &&
		    time(NULL) + 5 >= r->auth_expires && fetch_token(r, &r->ch))
			return -1;
		if (same && r->auth[0]) {
			snprintf(authh, sizeof(authh), "Authorization: %s", r->auth);
			hdrs[h++] = authh;
		}
		for (int i = 0; extra && extra[i] && i < REGISTRY_EXTRA_HEADERS; i++)
			hdrs[h++] = extra[i];
		hdrs[h] = NULL;
		if (b) {
			rq.body = b->data;
			rq.body_reader = b->reader;
			rq.body_rewind = b->rewind;
			rq.body_len = b->len;
			if (!b->data && !b->reader)
				rq.body = ""; /* an empty body, with Content-Length: 0 */
		}
		if (send_retry(r, &rq, rs))
			return -1;
		if (rs->status == 401 && same && !reauthed &&
		    (!b || !b->reader || b->rewind)) {
			const char *wa = http_header(rs, "WWW-Authenticate");

			if (wa && strlen(wa) >= sizeof(hdr)) {
				err_setn(0, "%s: WWW-Authenticate header longer than %d bytes",
					 r->ref.host, HEADER_COPY_MAX);
				http_response_close(rs);
				return -1;
			}
			snprintf(hdr, sizeof(hdr), "%s", wa ? wa : "");
			http_response_close(rs);
			if (!wa)
				return err_setn(0, "%s: 401 without a challenge", r->ref.host);
			if (answer(r, hdr))
				return -1;
			if (b && b->reader && b->rewind(b->reader))
				return -1;
			reauthed = 1;
			continue;
		}
		if (follow && is_redirect(rs->status)) {
			const char *loc = http_header(rs, "Location");
			struct url nu;

			if (!loc || ++redirects > REGISTRY_MAX_REDIRECTS ||
			    url_resolve(url, loc, next, sizeof(next)) || url_parse(&nu, next)) {
				http_response_close(rs);
				return err_setn(0, "%s: bad or too many redirects", u.host);
			}
			http_response_close(rs);
			if (u.tls && !nu.tls && !r->insecure)
				return err_setn(0, "%s: refusing a redirect from https to http",
						u.host);
			memcpy(url, next, sizeof(url));
			continue;
		}
		return 0;
	}
}

/* GET with Accept and Range. */
static int reg_get(struct registry *r, const char *path, const char *accept,
		   const char *range, struct http_response *rs)
{
	char accepth[512], rangeh[80];
	const char *hdrs[3];
	int h = 0;

	if (accept) {
		snprintf(accepth, sizeof(accepth), "Accept: %s", accept);
		hdrs[h++] = accepth;
	}
	if (range) {
		snprintf(rangeh, sizeof(rangeh), "Range: %s", range);
		hdrs[h++] = rangeh;
	}
	hdrs[h] = NULL;
	return reg_send(r, "GET", path, hdrs, NULL, rs);
}

int registry_request(struct registry *r, const char *method, const char *path,
		     const char *const *headers, const struct registry_body *b,
		     struct http_response *rs)
{
	return reg_send(r, method, path, headers, b, rs);
}

static int http_error(struct registry *r, struct http_response *rs, const char *what)
{
	int st = rs->status;

	http_response_close(rs);
	if (st == 404)
		return err_setn(0, "%s: %s not found", r->name, what);
	if (st == 401 || st == 403)
		return err_setn(0, "%s: access to %s denied (does it exist? need --creds?)",
				r->name, what);
	return err_setn(0, "%s: %s: HTTP %d", r->name, what, st);
}

/* ---- the source ------------------------------------------------------------ */

static int reg_manifest(struct pull_source *src, const char *reference, char **body,
			size_t *n, char type[PULL_TYPE_MAX], char digest[DIGEST_STR_LEN + 1])
{
	struct registry *r = (struct registry *)src;
	char path[REF_NAME_MAX + REF_TAG_MAX + 64], dcd[DIGEST_STR_LEN + 2] = "";
	unsigned char sum[DIGEST_LEN];
	struct http_response rs;
	const char *ct, *d;
	ssize_t len;

	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", r->ref.path, reference);
	if (reg_get(r, path, MT_ACCEPT, NULL, &rs))
		return -1;
	if (rs.status != 200)
		return http_error(r, &rs, reference);
	ct = http_header(&rs, "Content-Type");
	type[0] = 0;
	if (ct) {
		size_t tn = strcspn(ct, "; \t");

		if (tn < PULL_TYPE_MAX)
			memcpy(type, ct, tn), type[tn] = 0;
	}
	if ((d = http_header(&rs, "Docker-Content-Digest"))) {
		/* one we cannot check is refused, not passed over */
		if (strlen(d) >= sizeof(dcd) || !digest_valid(d)) {
			err_setn(0, "%s: manifest %s: Docker-Content-Digest %.80s is not a "
				 "sha256 digest", r->name, reference, d);
			http_response_close(&rs); /* keeps the message */
			return -1;
		}
		strcpy(dcd, d);
	}
	len = http_read_body(&rs, body, PULL_MANIFEST_MAX);
	http_response_close(&rs);
	if (len < 0)
		return err_prefix("manifest");
	*n = len;
	sha256(*body, len, sum);
	digest_format(digest, sum);
	if (!strncmp(reference, "sha256:", 7) && strcmp(reference, digest)) {
		free(*body);
		return err_setn(0, "%s: manifest %.19s: content hashes to %.19s, not the "
				"digest asked for", r->name, reference, digest);
	}
	if (dcd[0] && strcmp(dcd, digest)) {
		free(*body);
		return err_setn(0, "%s: manifest %s: content hashes to %.19s, not the "
				"Docker-Content-Digest the registry gave (%.19s)", r->name,
				reference, digest, dcd);
	}
	return 0;
}

/* Hash the first have bytes of the partial download into d. */
static int hash_part(int fd, int64_t have, struct digest *d)
{
	unsigned char buf[65536];
	int64_t off = 0;

	digest_init(d);
	while (off < have) {
		ssize_t n = pread(fd, buf, have - off < (int64_t)sizeof(buf) ?
				  (size_t)(have - off) : sizeof(buf), off);

		if (n <= 0)
			return err_set("reading partial download");
		digest_update(d, buf, n);
		off += n;
	}
	return 0;
}

static int write_all_at(int fd, const void *buf, size_t n, int64_t off)
{
	while (n) {
		ssize_t w = pwrite(fd, buf, n, off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return err_set("writing download");
		}
		buf = (const char *)buf + w;
		n -= w;
		off += w;
	}
	return 0;
}

/* One attempt at fetching the rest of the blob: 0 when the body ended
 * (complete or not), 1 to retry (broken connection), -1 to give up, -2
 * to give up and delete the part (the server sends something else, or it
 * cannot be written). */
static int fetch_rest(struct registry *r, const char *digest, int64_t size, int fd,
		      int64_t *have, struct digest *d, const struct pull_progress *p)
{
	char path[REF_NAME_MAX + 128], range[64];
	unsigned char buf[65536];
	struct http_response rs;
	ssize_t n;

	snprintf(path, sizeof(path), "/v2/%s/blobs/%s", r->ref.path, digest);
	snprintf(range, sizeof(range), "bytes=%lld-", (long long)*have);
	if (reg_get(r, path, NULL, *have ? range : NULL, &rs))
		return -1;
	if (rs.status == 206 && *have) {
		const char *cr = http_header(&rs, "Content-Range");
		char want[64];

		snprintf(want, sizeof(want), "bytes %lld-", (long long)*have);
		if (!cr || strncmp(cr, want, strlen(want))) {
			http_response_close(&rs);
			return err_setn(0, "%s: blob %.19s: bad Content-Range", r->name,
					digest);
		}
	} else if (rs.status == 200) {
		if (*have && ftruncate(fd, 0) < 0) {
			http_response_close(&rs);
			return err_set("truncating download");
		}
		*have = 0;
		digest_init(d);
	} else if (rs.status == 416) {
		/* our part is no prefix of theirs: start again */
		http_response_close(&rs);
		if (ftruncate(fd, 0) < 0)
			return err_set("truncating download");
		*have = 0;
		digest_init(d);
		return 1;
	} else
		return http_error(r, &rs, digest);
	if (rs.content_length >= 0 && *have + rs.content_length != size) {
		http_response_close(&rs);
		err_setn(0, "%s: blob %.19s: the server sends %lld bytes, the "
			 "manifest says %lld", r->name, digest,
			 (long long)(*have + rs.content_length), (long long)size);
		return -2;
	}
	while ((n = reader_read(rs.body, buf, sizeof(buf))) > 0) {
		if (n > size - *have) {
			http_response_close(&rs);
			err_setn(0, "%s: blob %.19s: larger than the %lld bytes the "
				 "manifest says", r->name, digest, (long long)size);
			return -2;
		}
		if (write_all_at(fd, buf, n, *have)) {
			/* ENOSPC and the like: a part kept would fill the
			 * disk for every later pull */
			http_response_close(&rs);
			return -2;
		}
		digest_update(d, buf, n);
		*have += n;
		if (p && p->bytes)
			p->bytes(p->arg, digest, *have, size);
	}
	http_response_close(&rs);
	return n < 0 ? 1 : 0;
}

/* Lock the part at *fd (path): wait up to LOCK_WAIT_UNITS back-off units
 * for another pull of the same blob; then go on with an unnamed file of
 * our own in the same directory (path becomes ""). */
static int lock_part(struct registry *r, int *fd, char *path)
{
	long waited = 0, step = r->retry_base_ms / 10 > 0 ? r->retry_base_ms / 10 : 1;
	char dir[PATH_MAX];
	int own;

	while (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (waited >= (long)r->retry_base_ms * LOCK_WAIT_UNITS) {
			/* not the other pull's file from here on, whatever happens */
			int named = snprintf(dir, sizeof(dir), "%s.%ld", path,
					     (long)getpid()) < (int)sizeof(dir);

			path[0] = 0;
			own = open(r->downloads, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
			if (own < 0 && named) {
				/* a file system without O_TMPFILE: a name, at once unlinked */
				own = open(dir, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					   0600);
				if (own >= 0)
					unlink(dir);
			}
			if (own < 0)
				return -1;
			close(*fd);
			*fd = own;
			return 0;
		}
		sleep_ms(step);
		waited += step;
	}
	return 0;
}

/* Parts no pull holds and nobody wrote for PARTIAL_MAX_AGE seconds: a
 * pull that was killed, of an image nobody pulls again. */
static void sweep_parts(const struct registry *r)
{
	time_t now = time(NULL);
	struct dirent *e;
	DIR *d;

	if (!PARTIAL_MAX_AGE || !(d = opendir(r->downloads)))
		return;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		struct stat st;
		int fd;

		if (len < 6 || strcmp(e->d_name + len - 5, ".part"))
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (!fstat(fd, &st) && S_ISREG(st.st_mode) && now - st.st_mtime > PARTIAL_MAX_AGE &&
		    !flock(fd, LOCK_EX | LOCK_NB))
			unlinkat(dirfd(d), e->d_name, 0);
		close(fd);
	}
	closedir(d);
}

static int reg_blob(struct pull_source *src, const char *digest, int64_t size,
		    struct pull_blob *b, const struct pull_progress *p)
{
	struct registry *r = (struct registry *)src;
	unsigned char want[DIGEST_LEN], got[DIGEST_LEN];
	char path[PATH_MAX];
	struct digest d;
	struct stat st;
	int64_t have;
	int fd, attempt = 0, resumed;

	if (digest_parse(digest, want))
		return err_setn(0, "'%.80s': not a sha256 digest", digest);
	/* a declared size past the store quota is not started (the body
	 * is cut at the declared size) */
	if (store_quota() && size > store_quota_room(r->root))
		return store_quota_error();
	if (mkdir_p(r->downloads, 0700) ||
	    snprintf(path, sizeof(path), "%s/%s.part", r->downloads, digest + 7) >= PATH_MAX)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return err_set("cannot open %s", path);
	/* Another pull of this blob, maybe from another registry: wait a
	 * little for it to finish (then we find it whole), else download on
	 * our own, into a file without a name (not resumable by a later run). */
	if (lock_part(r, &fd, path) < 0 || fstat(fd, &st) < 0) {
		err_set("%s", path);
		goto fail;
	}
	have = st.st_size;
	if (have > size) {
		if (ftruncate(fd, 0) < 0) {
			err_set("truncating %s", path);
			goto fail;
		}
		have = 0;
	}
	if (hash_part(fd, have, &d))
		goto fail;
	resumed = have > 0;
	if (resumed && p && p->status)
		p->status(p->arg, digest, "Resuming");
again:
	while (have < size) {
		int rc = fetch_rest(r, digest, size, fd, &have, &d, p);

		if (rc == -2 && path[0]) {
			unlink(path);
			path[0] = 0;
		}
		if (rc < 0)
			goto fail;
		if (have < size) {
			/* cut short: the part is kept; go on from where it stopped */
			if (++attempt > REGISTRY_RETRIES) {
				err_setn(0, "%s: blob %.19s: download keeps breaking off "
					 "(%lld of %lld bytes kept for the next pull)", r->name,
					 digest, (long long)have, (long long)size);
				goto fail;
			}
			if (p && p->status)
				p->status(p->arg, digest, "Retrying");
			sleep_ms(delay_ms(r, attempt - 1, NULL));
		}
	}
	digest_final(&d, got);
	if (memcmp(want, got, DIGEST_LEN) && resumed) {
		/* the part a run before us left was no prefix of this blob (the
		 * registry changed it?): once more from the start */
		if (ftruncate(fd, 0) < 0) {
			err_set("truncating %s", path);
			goto fail;
		}
		have = 0;
		resumed = 0;
		digest_init(&d);
		goto again;
	}
	if (memcmp(want, got, DIGEST_LEN)) {
		if (path[0])
			unlink(path);
		path[0] = 0;
		err_setn(0, "%s: blob %.19s: content does not match its digest "
			 "(download deleted)", r->name, digest);
		goto fail;
	}
	b->fd = fd;
	b->off = 0;
	b->len = size;
	strcpy(b->path, path);
	return 0;
fail:
	/* Kept for the next pull only when it is worth resuming and small
	 * enough not to hold the disk. */
	if (path[0] && (fstat(fd, &st) < 0 || st.st_size == 0 ||
			(PARTIAL_KEEP_MAX > 0 && st.st_size > PARTIAL_KEEP_MAX)))
		unlink(path);
	close(fd);
	return -1;
}

int registry_open(struct registry *r, const struct imgref *ref, const struct registry_opts *o)
{
	struct http_options ho = { .ca_file = o->ca_file };
	const char *env = getenv("BOXCAR_RETRY_MS"), *tenv = getenv("BOXCAR_HTTP_TIMEOUT_MS");
	struct http_response rs;

	memset(r, 0, sizeof(*r));
	r->ref = *ref;
	r->insecure = o->insecure;
	r->insecure_realm = o->insecure_realm;
	r->push = o->push;
	r->creds = o->creds;
	r->retry_base_ms = env && atoi(env) > 0 ? atoi(env) : 1000;
	ho.timeout_ms = tenv && atoi(tenv) > 0 ? atoi(tenv) : 0; /* the tests' */
	r->src.manifest = reg_manifest;
	r->src.blob = reg_blob;
	r->src.name = r->name;
	snprintf(r->name, sizeof(r->name), "%s/%s", ref->domain, ref->path);
	snprintf(r->base, sizeof(r->base), "%s://%s", o->insecure ? "http" : "https", ref->host);
	if (snprintf(r->downloads, sizeof(r->downloads), "%s/downloads", o->root) >= PATH_MAX)
		return err_setn(0, "store path too long");
	r->root = o->root;
	if (!(r->http = http_client_new(&ho)))
		return -1;
	sweep_parts(r);
	/* The ping: is it a registry, and does it want us to log in? */
	if (reg_get(r, "/v2/", NULL, NULL, &rs))
		goto fail;
	if (rs.status != 200) {
		http_error(r, &rs, "/v2/ (is it a registry?)");
		goto fail;
	}
	http_response_close(&rs);
	return 0;
fail:
	http_client_free(r->http);
	r->http = NULL;
	return -1;
}

void registry_close(struct registry *r)
{
	if (r->http)
		http_client_free(r->http);
	r->http = NULL;
	explicit_bzero(r->auth, sizeof(r->auth));
}
