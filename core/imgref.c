/* imgref.c - parse registry references (see imgref.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "imgref.h"

#define HUB_DOMAIN "docker.io"
#define HUB_HOST "registry-1.docker.io"

/* Does the first part of a name (n bytes) name a registry? */
static int is_domain(const char *s, size_t n)
{
	return memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && !memcmp(s, "localhost", 9));
}

int imgref_parse(const char *s, struct imgref *r)
{
	char name[REF_NAME_MAX + REF_TAG_MAX + 2];
	const char *at = strchr(s, '@'), *slash;
	size_t n = at ? (size_t)(at - s) : strlen(s), dn = 0;
	struct ref nr;

	memset(r, 0, sizeof(*r));
	if (n >= sizeof(name))
		return err_setn(0, "'%.40s...': reference too long", s);
	memcpy(name, s, n);
	name[n] = 0;
	if (at) {
		if (digest_parse(at + 1, NULL))
			return err_setn(0, "'%s': bad digest (want @sha256: and 64 "
					"lower-case hex digits)", s);
		memcpy(r->digest, at + 1, DIGEST_STR_LEN + 1);
	}
	/* A name with a digest but no tag: ref_parse would add "latest". */
	if (ref_parse(name, &nr))
		return -1;
	slash = strchr(nr.name, '/');
	if (slash && is_domain(nr.name, slash - nr.name)) {
		dn = slash - nr.name;
		memcpy(r->domain, nr.name, dn);
		slash++;
	} else {
		strcpy(r->domain, HUB_DOMAIN);
		slash = nr.name;
	}
	if (!strcmp(r->domain, HUB_DOMAIN) || !strcmp(r->domain, "index.docker.io")) {
		strcpy(r->domain, HUB_DOMAIN);
		strcpy(r->host, HUB_HOST);
		if (!strchr(slash, '/') &&
		    snprintf(r->path, sizeof(r->path), "library/%s", slash) >= (int)sizeof(r->path))
			return err_setn(0, "'%s': image name too long", s);
	} else
		strcpy(r->host, r->domain);
	if (!r->path[0])
		strcpy(r->path, slash);
	/* ref_parse put "latest" in when no tag was written; with a digest
	 * and no written tag there is none. */
	slash = strrchr(name, '/');
	if (!at || strchr(slash ? slash : name, ':'))
		strcpy(r->tag, nr.tag);
	return 0;
}

int imgref_local_name(const struct imgref *r, char *buf, size_t n)
{
	const char *p = r->path;
	int len;

	if (!strcmp(r->domain, HUB_DOMAIN)) {
		const char *slash;

		if (!strncmp(p, "library/", 8) && !strchr(p + 8, '/'))
			p += 8;
		/* docker.io/a.b/c must not come back as registry a.b */
		slash = strchr(p, '/');
		if (slash && is_domain(p, slash - p))
			len = snprintf(buf, n, "%s/%s", HUB_DOMAIN, p);
		else
			len = snprintf(buf, n, "%s", p);
	} else
		len = snprintf(buf, n, "%s/%s", r->domain, p);
	if (len < 0 || (size_t)len >= n)
		return err_setn(0, "%s/%s: name too long", r->domain, r->path);
	return 0;
}
