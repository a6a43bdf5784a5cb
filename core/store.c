/* store.c - store root, lock, staging area, blobs and tags (store.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "applet.h"
#include "digest.h"
#include "du.h"
#include "err.h"
#include "fsutil.h"
#include "json.h"
#include "number.h"
#include "store.h"

const char *store_root(const char *opt)
{
	const char *env = getenv("BOXCAR_ROOT");

	if (opt && *opt)
		return opt;
	return env && *env ? env : CONFIG_DEFAULT_ROOT;
}

int store_path(const struct store *s, char *buf, const char *fmt, ...)
{
	size_t n = strlen(s->root);
	va_list ap;
	int m;

	memcpy(buf, s->root, n);
	buf[n++] = '/';
	va_start(ap, fmt);
	m = vsnprintf(buf + n, PATH_MAX - n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= PATH_MAX - n)
		return err_setn(ENAMETOOLONG, "%s/...: path too long", s->root);
	return 0;
}

/* What a killed command left: staging dirs in tmp/ that no live writer
 * holds (store_mktemp: the writer's flock), half-written metadata
 * (*.tmp) and l/ links whose layer never got renamed in. Only called
 * under the exclusive lock, so nobody else publishes meanwhile; writers
 * may be staging, in dirs they hold locked.
 * An abandoned dir is also a writer cut short between publishing blobs
 * and what refers to them (store.h, the guard): mark the store for the
 * blob sweep before removing it, so that the trace is never lost.
 * A link can dangle only while its layer's staging dir is in tmp/ (an
 * import links before it renames in, a removal renames out before it
 * unlinks, both under the lock): when no dir was abandoned, l/ is not
 * walked, whatever number of layers. */
static void clean_leftovers(const struct store *s)
{
	static const char *const tmps[] = { "images.json.tmp", "gc-pending.tmp" };
	char path[PATH_MAX];
	struct dirent *e;
	int staged = 0;
	DIR *d;

	if (!store_path(s, path, "tmp") && (d = opendir(path))) {
		while ((e = readdir(d))) {
			int fd;

			if (e->d_name[0] == '.' || store_path(s, path, "tmp/%s", e->d_name))
				continue;
			fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
			if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
				close(fd); /* a live writer's */
				continue;
			}
			if (!staged++ && store_gc_mark(s))
				warn("%s", err_msg());
			if (rm_rf(path) < 0)
				warn("%s", err_msg());
			if (fd >= 0)
				close(fd);
		}
		closedir(d);
	}
	if (staged && !store_path(s, path, "l") && (d = opendir(path))) {
		struct stat st;

		while ((e = readdir(d)))
			if (e->d_name[0] != '.' && !store_path(s, path, "l/%s", e->d_name)
			    && stat(path, &st) < 0 && errno == ENOENT)
				unlink(path);
		closedir(d);
	}
	for (unsigned i = 0; i < sizeof(tmps) / sizeof(tmps[0]); i++)
		if (!store_path(s, path, "%s", tmps[i]))
			unlink(path);
}

int64_t store_quota(void)
{
	const char *env = getenv("BOXCAR_STORE_QUOTA_MB");
	int64_t mb = CONFIG_STORE_QUOTA_MB;

	if (env && *env && number_int(env, 0, INT64_MAX >> 20, NUMBER_STRTOL, &mb))
		mb = CONFIG_STORE_QUOTA_MB; /* not a number: the build's */
	return mb << 20;
}

int64_t store_quota_room(const char *root)
{
	int64_t q = store_quota();

	return q ? q - disk_usage(root) : INT64_MAX;
}

int store_quota_error(void)
{
	return err_setn(EDQUOT, "store quota of %lld MiB reached (image prune frees space; "
			"BOXCAR_STORE_QUOTA_MB sets the quota)", (long long)(store_quota() >> 20));
}

int (*store_gc_hook)(const struct store *s);

int store_gc_mark(const struct store *s)
{
	char path[PATH_MAX];
	struct stat st;

	if (store_path(s, path, "gc-pending"))
		return -1;
	if (stat(path, &st) == 0)
		return 0;
	return write_file_atomic(path, "", 0, 0600);
}

int store_gc_done(const struct store *s)
{
	char path[PATH_MAX];

	if (store_path(s, path, "gc-pending"))
		return -1;
	if (unlink(path) < 0 && errno != ENOENT)
		return err_set("cannot remove %s", path);
	return 0;
}

/* A removal was cut short, or left blobs to reclaim: sweep them. */
static void gc_pending(const struct store *s)
{
	char path[PATH_MAX];

	if (!store_gc_hook || store_path(s, path, "gc-pending") || access(path, F_OK) < 0)
		return;
	if (store_gc_hook(s))
		warn("%s", err_msg());
}

int store_partials(const struct store *s, int remove, int *count, int64_t *bytes)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	*count = 0;
	*bytes = 0;
	if (store_path(s, path, "downloads"))
		return -1;
	if (!(d = opendir(path)))
		return errno == ENOENT ? 0 : err_set("cannot open %s", path);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		struct stat st;
		int fd;

		if (len < 6 || strcmp(e->d_name + len - 5, ".part"))
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		/* a pull holds its part locked: not ours to count as waste */
		if (!fstat(fd, &st) && S_ISREG(st.st_mode) && !flock(fd, LOCK_EX | LOCK_NB)
		    && (!remove || unlinkat(dirfd(d), e->d_name, 0) == 0)) {
			++*count;
			*bytes += st.st_size;
		}
		close(fd);
	}
	closedir(d);
	return 0;
}

/* The pid holding a flock on fd's file, from /proc/locks (0 if none is
 * found): for the message of a command that has to wait. */
static pid_t lock_holder(int fd)
{
	char line[256], want[64];
	struct stat st;
	pid_t pid = 0;
	FILE *f;

	if (fstat(fd, &st) < 0 || !(f = fopen("/proc/locks", "re")))
		return 0;
	snprintf(want, sizeof(want), " %02x:%02x:%llu ", major(st.st_dev), minor(st.st_dev),
		 (unsigned long long)st.st_ino);
	while (!pid && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, want);
		int k;

		/* "N: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INO 0 EOF"; "->" lines wait */
		if (!p || !strstr(line, "FLOCK") || strstr(line, "->"))
			continue;
		while (p > line && p[-1] == ' ')
			p--;
		for (k = 0; p > line && p[-1] >= '0' && p[-1] <= '9'; k++)
			p--;
		if (k)
			pid = (pid_t)atoi(p);
	}
	fclose(f);
	return pid;
}

/* flock, saying once on stderr whom it waits for when it has to: a
 * store writer can hold the lock for a whole import or pull. */
static int lock_store(const struct store *s, int how)
{
	int said = 0;

	while (flock(s->lockfd, how | LOCK_NB) < 0) {
		pid_t pid;

		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -1;
		if (!said++) {
			if ((pid = lock_holder(s->lockfd)) > 0)
				fprintf(stderr, "%s: waiting for the store lock held by pid %d\n",
					applet_name ? applet_name : "boxcar", (int)pid);
			else
				fprintf(stderr, "%s: waiting for the store lock\n",
					applet_name ? applet_name : "boxcar");
		}
		while (flock(s->lockfd, how) < 0)
			if (errno != EINTR)
				return -1;
		return 0;
	}
	return 0;
}

/* The guard of a writer (store.h): best effort, so that a full disk
 * does not keep rm from freeing space. */
static void guard_make(struct store *s)
{
	char path[PATH_MAX];

	if ((s->guardfd = store_mktemp(s, path)) >= 0)
		snprintf(s->guard, sizeof(s->guard), "%s", path + strlen(path) - 6);
}

int store_open(struct store *s, const char *root, int mode)
{
	static const char *const dirs[] = { "blobs/sha256", "layers", "l", "tmp", "containers" };
	char path[PATH_MAX];

	s->lockfd = s->guardfd = -1;
	s->mode = mode;
	if (strlen(root) >= sizeof(s->root))
		return err_setn(ENAMETOOLONG, "store root %s", root);
	strcpy(s->root, root);
	for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (store_path(s, path, "%s", dirs[i]) || mkdir_p(path, 0700))
			return -1;
	if (store_path(s, path, "lock"))
		return -1;
	s->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lockfd < 0)
		return err_set("cannot open %s", path);
	/* A reader or a stager that finds the store idle sweeps too, so
	 * leftovers of a killed import go at the next command of any kind. */
	if ((mode == STORE_READ || mode == STORE_STAGE)
	    && flock(s->lockfd, LOCK_EX | LOCK_NB) == 0) {
		clean_leftovers(s);
		if (mode == STORE_STAGE) {
			gc_pending(s);
			flock(s->lockfd, LOCK_UN);
		}
	}
	if (mode == STORE_RECORDS || mode == STORE_STAGE)
		return 0;
	if (lock_store(s, mode == STORE_WRITE ? LOCK_EX : LOCK_SH) < 0) {
		err_set("cannot lock %s", path);
		store_close(s);
		return -1;
	}
	if (mode == STORE_WRITE) {
		clean_leftovers(s);
		gc_pending(s);
		guard_make(s);
	}
	return 0;
}

int store_lock_write(struct store *s)
{
	if (s->mode != STORE_STAGE)
		return 0;
	if (lock_store(s, LOCK_EX) < 0)
		return err_set("cannot lock %s/lock", s->root);
	s->mode = STORE_WRITE; /* from now on, what store_open(STORE_WRITE) is */
	clean_leftovers(s);
	gc_pending(s);
	guard_make(s);
	return 0;
}

void store_unguard(struct store *s)
{
	char path[PATH_MAX];

	if (s->guardfd >= 0 && !store_path(s, path, "tmp/%s", s->guard))
		store_unstage(path, s->guardfd);
	s->guardfd = -1;
}

void store_close(struct store *s)
{
	/* done: whatever it published is referenced now */
	store_unguard(s);
	if (s->lockfd >= 0)
		close(s->lockfd); /* drops the flock */
	s->lockfd = -1;
}

int store_mktemp(const struct store *s, char *buf)
{
	struct stat st;
	int fd;

	for (int tries = 0;; tries++) {
		if (store_path(s, buf, "tmp/XXXXXX"))
			return -1;
		if (!mkdtemp(buf))
			return err_set("cannot create a staging directory in %s/tmp", s->root);
		fd = open(buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0) {
			err_set("cannot lock %s", buf);
			if (fd >= 0)
				close(fd);
			rmdir(buf);
			return -1;
		}
		/* a sweep may have taken it between mkdtemp and flock */
		if (st.st_nlink > 0)
			return fd;
		close(fd);
		if (tries > 10)
			return err_setn(EAGAIN, "cannot keep a staging directory in %s/tmp",
					s->root);
	}
}

int store_unstage(const char *dir, int fd)
{
	int rc = rm_rf(dir);

	if (fd >= 0)
		close(fd);
	return rc;
}

int store_resolve(const struct store *s, const char *dir, const char *id,
		  char out[DIGEST_STR_LEN + 1])
{
	char path[PATH_MAX];
	const char *hex = strncmp(id, "sha256:", 7) ? id : id + 7;
	size_t n = strlen(hex), i, found = 0;
	struct dirent *e;
	DIR *d;

	for (i = 0; i < n; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			break;
	if (i != n || n < 4 || n > 64)
		return err_setn(0, "'%s': not a digest or digest prefix", id);
	if (store_path(s, path, "%s", dir))
		return -1;
	if (!(d = opendir(path)))
		return err_set("cannot read %s", path);
	while ((e = readdir(d)))
		if (strlen(e->d_name) == 64 && !strncmp(e->d_name, hex, n)) {
			if (found++)
				break;
			memcpy(out, "sha256:", 7);
			memcpy(out + 7, e->d_name, 65);
		}
	closedir(d);
	if (found > 1)
		return err_setn(0, "'%s': ambiguous digest prefix", id);
	if (!found)
		return err_setn(0, "no such layer: %s", id);
	return 0;
}

int store_blob_path(const struct store *s, char *buf, const char *digest)
{
	if (!digest_valid(digest))
		return err_setn(0, "'%s': not a sha256 digest", digest);
	return store_path(s, buf, "blobs/sha256/%s", digest + 7);
}

/* The digest of n bytes, as "sha256:HEX". */
static void sha256_digest(const void *data, size_t n, char out[DIGEST_STR_LEN + 1])
{
	unsigned char sum[DIGEST_LEN];

	sha256(data, n, sum);
	digest_format(out, sum);
}

int store_blob_put(const struct store *s, const void *data, size_t n,
		   char digest[DIGEST_STR_LEN + 1])
{
	char path[PATH_MAX];

	sha256_digest(data, n, digest);
	if (store_blob_path(s, path, digest))
		return -1;
	if (!access(path, F_OK))
		return 0; /* same content, already there */
	return write_file_atomic(path, data, n, 0644);
}

int store_blob_get(const struct store *s, const char *digest, char **data, size_t *n)
{
	char path[PATH_MAX], got[DIGEST_STR_LEN + 1];

	if (store_blob_path(s, path, digest) || read_file(path, STORE_META_MAX, data, n))
		return -1;
	sha256_digest(*data, *n, got);
	if (strcmp(got, digest)) {
		free(*data);
		return err_setn(EIO, "blob %s is corrupt (hashes to %s)", digest, got);
	}
	return 0;
}

int err_prefix(const char *what)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s", err_msg()); /* err_msg() is the target */
	return err_setn(err_errno(), "%s: %s", what, msg);
}

/* ---- tags --------------------------------------------------------------- */

static int tags_load(const struct store *s, struct json_doc *d)
{
	char path[PATH_MAX], *buf;
	size_t n;
	int rc;

	if (store_path(s, path, "images.json"))
		return -1;
	if (read_file(path, STORE_META_MAX, &buf, &n) < 0) {
		if (errno != ENOENT)
			return -1;
		return json_parse(d, "{}", 2);
	}
	/* Corrupt is not "no such image": EBADMSG, so callers that read
	 * errno 0 as not found (run) say what is wrong instead. */
	rc = json_parse(d, buf, n);
	free(buf);
	if (!rc && json_type(d, 0) != JSON_OBJECT) {
		json_free(d);
		return err_setn(EBADMSG, "%s is corrupt: not a JSON object", path);
	}
	if (rc) {
		char why[200];

		snprintf(why, sizeof(why), "%s", err_msg());
		return err_setn(EBADMSG, "%s is corrupt: %s", path, why);
	}
	return 0;
}

int store_tag_get(const struct store *s, const char *ref, char digest[DIGEST_STR_LEN + 1])
{
	struct json_doc d;
	const char *v;

	if (tags_load(s, &d))
		return -1;
	v = json_get_str(&d, 0, ref);
	if (v && digest_valid(v))
		strcpy(digest, v);
	json_free(&d);
	return v ? 0 : err_setn(0, "no such image: %s", ref);
}

int store_tag_set(const struct store *s, const char *ref, const char *digest)
{
	char path[PATH_MAX];
	struct json_doc d;
	struct json_w w;
	int rc, seen = 0;

	if (tags_load(s, &d))
		return -1;
	/* Rewrite in order; a retagged name keeps its place. */
	jw_init(&w, 1);
	jw_obj(&w);
	for (uint32_t k = json_first(&d, 0); k; k = json_next(&d, k)) {
		const char *name = json_str(&d, k), *v = json_str(&d, k + 1);

		if (!name || !v)
			continue;
		if (!strcmp(name, ref)) {
			seen = 1;
			/* the manifest it named may be left unreferenced */
			if ((!digest || strcmp(v, digest)) && store_gc_mark(s)) {
				json_free(&d);
				jw_free(&w);
				return -1;
			}
			v = digest;
		}
		if (v)
			jw_kstr(&w, name, v);
	}
	if (!seen && digest)
		jw_kstr(&w, ref, digest);
	jw_end(&w);
	json_free(&d);
	rc = jw_finish(&w);
	if (!rc)
		rc = store_path(s, path, "images.json") ||
		     write_file_atomic(path, w.buf, w.len, 0644) ? -1 : 0;
	jw_free(&w);
	return rc;
}

int store_tag_each(const struct store *s,
		   int (*fn)(const char *ref, const char *digest, void *arg), void *arg)
{
	struct json_doc d;
	int rc = 0;

	if (tags_load(s, &d))
		return -1;
	for (uint32_t k = json_first(&d, 0); k && !rc; k = json_next(&d, k)) {
		const char *name = json_str(&d, k), *v = json_str(&d, k + 1);

		if (name && v && digest_valid(v))
			rc = fn(name, v, arg);
	}
	json_free(&d);
	return rc;
}
