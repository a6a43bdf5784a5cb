/* credentials.c - logins from a Docker-style config.json (see
 * credentials.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "credentials.h"
#include "err.h"
#include "json.h"

#define CREDENTIALS_FILE_MAX (1u << 20)

const char *credentials_path(const char *path, int *explicit_path)
{
	const char *env = getenv("BOXCAR_AUTH");

	*explicit_path = 1;
	if (path)
		return path;
	if (env && *env)
		return env;
	*explicit_path = 0;
	return CREDENTIALS_DEFAULT;
}

/* The host part of a config.json key: no scheme, no path. */
static size_t key_host(const char *key, const char **start)
{
	const char *s = strstr(key, "://");

	s = s ? s + 3 : key;
	*start = s;
	return strcspn(s, "/");
}

static int is_hub(const char *h, size_t n)
{
	static const char *const names[] = { "docker.io", "index.docker.io",
					     "registry-1.docker.io" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !memcmp(names[i], h, n))
			return 1;
	return 0;
}

static int key_matches(const char *key, const char *host)
{
	const char *h;
	size_t n = key_host(key, &h);

	if (strlen(host) == n && !memcmp(h, host, n))
		return 1;
	return is_hub(h, n) && is_hub(host, strlen(host));
}

int credentials_parse(const char *s, struct credentials *c)
{
	const char *colon = strchr(s, ':');

	memset(c, 0, sizeof(*c));
	if (!colon || colon == s)
		return err_setn(0, "credentials must be USER:PASSWORD");
	if ((size_t)(colon - s) >= sizeof(c->user) || strlen(colon + 1) >= sizeof(c->pass))
		return err_setn(0, "credentials too long");
	memcpy(c->user, s, colon - s);
	strcpy(c->pass, colon + 1);
	return 0;
}

void credentials_clear(struct credentials *c)
{
	explicit_bzero(c, sizeof(*c));
}

static int read_entry(const struct json_doc *d, uint32_t e, const char *path,
		      const char *key, struct credentials *c)
{
	const char *auth = json_get_str(d, e, "auth");
	const char *user = json_get_str(d, e, "username");
	const char *pass = json_get_str(d, e, "password");
	char raw[2 * CREDENTIALS_FIELD_MAX + 1];
	long n;
	int rc;

	if (auth && *auth) {
		n = base64_decode(auth, raw, sizeof(raw) - 1);
		if (n < 0)
			return err_setn(0, "%s: auths.%s.auth is not base64", path, key);
		raw[n] = 0;
		if (memchr(raw, 0, n))
			return err_setn(0, "%s: auths.%s.auth holds a NUL", path, key);
		rc = credentials_parse(raw, c);
		explicit_bzero(raw, sizeof(raw));
		if (rc)
			return err_setn(0, "%s: auths.%s.auth is not base64(USER:PASSWORD)",
					path, key);
		return 1;
	}
	if (user && pass && strlen(user) < sizeof(c->user) && strlen(pass) < sizeof(c->pass)) {
		strcpy(c->user, user);
		strcpy(c->pass, pass);
		return 1;
	}
	return 0;
}

int credentials_lookup(const char *path, int explicit_path, const char *host,
		       struct credentials *c)
{
	struct json_doc d;
	struct stat st;
	char *buf = NULL;
	ssize_t got;
	size_t n = 0;
	uint32_t auths;
	int fd, rc = 0;

	memset(c, 0, sizeof(*c));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT && !explicit_path)
			return 0;
		return err_set("cannot open %s", path);
	}
	if (fstat(fd, &st) < 0) {
		rc = err_set("%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)CREDENTIALS_FILE_MAX) {
		rc = err_setn(0, "%s: not a regular file of at most 1 MiB", path);
		goto out;
	}
	if ((st.st_mode & 077) || (st.st_uid != 0 && st.st_uid != geteuid())) {
		rc = err_setn(0, "%s: refused: it holds passwords, so it must be mode 0600 "
			      "and owned by root or by you", path);
		goto out;
	}
	if (!(buf = malloc(st.st_size + 1))) {
		rc = err_set("%s", path);
		goto out;
	}
	while (n < (size_t)st.st_size && (got = read(fd, buf + n, st.st_size - n)) > 0)
		n += got;
	if (json_parse(&d, buf, n)) {
		rc = err_setn(0, "%s: %s", path, "not valid JSON");
		goto out;
	}
	auths = json_get(&d, 0, "auths");
	if (auths && json_type(&d, auths) == JSON_OBJECT)
		for (uint32_t k = json_first(&d, auths); k && !rc; k = json_next(&d, k)) {
			const char *key = json_str(&d, k);

			if (key && key_matches(key, host) &&
			    json_type(&d, k + 1) == JSON_OBJECT)
				rc = read_entry(&d, k + 1, path, key, c);
		}
	json_free(&d);
out:
	if (buf) {
		explicit_bzero(buf, n);
		free(buf);
	}
	close(fd);
	return rc;
}
