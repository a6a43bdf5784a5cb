/* platform.c - pick the image of a multi-arch index for this board (see
 * platform.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fsutil.h"
#include "image.h"
#include "platform.h"

#define CPUINFO_MAX (256u << 10)

static void set(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src);
}

void platform_normalize(struct platform *p)
{
	for (char *c = p->os; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c += 32;
	for (char *c = p->arch; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c += 32;
	if (p->variant[0] >= '0' && p->variant[0] <= '9') {
		char v[sizeof(p->variant) + 1];

		snprintf(v, sizeof(v), "v%s", p->variant);
		set(p->variant, sizeof(p->variant), v);
	}
	if (!strcmp(p->arch, "aarch64") || !strcmp(p->arch, "arm64")) {
		set(p->arch, sizeof(p->arch), "arm64");
		if (!strcmp(p->variant, "v8") || !strcmp(p->variant, "v8.0"))
			p->variant[0] = 0;
	} else if (!strcmp(p->arch, "armhf")) {
		set(p->arch, sizeof(p->arch), "arm");
		set(p->variant, sizeof(p->variant), "v7");
	} else if (!strcmp(p->arch, "armel")) {
		set(p->arch, sizeof(p->arch), "arm");
		set(p->variant, sizeof(p->variant), "v6");
	} else if (!strcmp(p->arch, "arm32")) {
		set(p->arch, sizeof(p->arch), "arm");
	} else if (!strcmp(p->arch, "x86_64") || !strcmp(p->arch, "x86-64")) {
		set(p->arch, sizeof(p->arch), "amd64");
	} else if (!strcmp(p->arch, "i386") || !strcmp(p->arch, "i486") ||
		   !strcmp(p->arch, "i586") || !strcmp(p->arch, "i686")) {
		set(p->arch, sizeof(p->arch), "386");
	}
}

const char *platform_arm_variant(const char *cpuinfo)
{
	const char *line = cpuinfo, *v = NULL;

	while (line && *line) {
		const char *end = strchr(line, '\n'), *colon;
		size_t n = end ? (size_t)(end - line) : strlen(line);

		colon = memchr(line, ':', n);
		if (colon && (!strncmp(line, "model name", 10) || !strncmp(line, "Processor", 9))) {
			/* ARM11 cores say "ARMv6-compatible processor ... (v6l)"
			 * here but 7 in "CPU architecture". */
			if (memmem(colon, n - (colon - line), "ARMv6", 5) ||
			    memmem(colon, n - (colon - line), "(v6l)", 5))
				return "v6";
		} else if (colon && !v && !strncmp(line, "CPU architecture", 16)) {
			const char *d = colon + 1;

			while (*d == ' ' || *d == '\t')
				d++;
			switch (*d) {
			case '5': v = "v5"; break;
			case '6': v = "v6"; break;
			case '7': v = "v7"; break;
			case '8': case '9': v = "v8"; break;
			case 'A': v = "v8"; break; /* "AArch64" in a 32-bit compat view */
			}
		}
		line = end ? end + 1 : NULL;
	}
	return v;
}

void platform_host(struct platform *p, const char *cpuinfo)
{
	char *text = NULL;
	size_t n;

	memset(p, 0, sizeof(*p));
	set(p->os, sizeof(p->os), "linux");
	set(p->arch, sizeof(p->arch), image_arch());
	if (strcmp(p->arch, "arm"))
		return;
	if (!cpuinfo && !read_file("/proc/cpuinfo", CPUINFO_MAX, &text, &n))
		cpuinfo = text;
	if (cpuinfo && platform_arm_variant(cpuinfo))
		set(p->variant, sizeof(p->variant), platform_arm_variant(cpuinfo));
	else
		set(p->variant, sizeof(p->variant), "v7"); /* what armhf means */
	free(text);
}

int platform_parse(const char *s, struct platform *p)
{
	const char *a = strchr(s, '/'), *v = a ? strchr(a + 1, '/') : NULL;

	memset(p, 0, sizeof(*p));
	if (!a || a == s || !a[1] || a[1] == '/' || (v && (!v[1] || strchr(v + 1, '/'))))
		return err_setn(0, "'%s': platform must be OS/ARCH[/VARIANT]", s);
	if ((size_t)(a - s) >= sizeof(p->os) ||
	    (size_t)((v ? v : a + strlen(a)) - a - 1) >= sizeof(p->arch) ||
	    (v && strlen(v + 1) >= sizeof(p->variant)))
		return err_setn(0, "'%s': platform name too long", s);
	memcpy(p->os, s, a - s);
	memcpy(p->arch, a + 1, (v ? v : a + strlen(a)) - a - 1);
	if (v)
		strcpy(p->variant, v + 1);
	platform_normalize(p);
	return 0;
}

void platform_format(const struct platform *p, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s%s%s", p->os, p->arch, p->variant[0] ? "/" : "", p->variant);
}

/* "vN" -> N, or -1. */
static int arm_level(const char *v)
{
	return v[0] == 'v' && v[1] >= '5' && v[1] <= '9' && !v[2] ? v[1] - '0' : -1;
}

int platform_score(const struct platform *want, const struct platform *c)
{
	if (strcmp(want->os, c->os) || strcmp(want->arch, c->arch))
		return 0;
	if (!strcmp(want->variant, c->variant))
		return 100;
	if (!c->variant[0])
		return 10; /* no variant: any board of the arch */
	if (!strcmp(want->arch, "arm")) {
		int w = arm_level(want->variant), h = arm_level(c->variant);

		/* older instruction sets run on newer cores: v8 > v7 > v6 > v5 */
		if (w > 0 && h > 0 && h <= w)
			return 100 - (w - h) * 10;
	}
	return 0;
}

static void read_platform(const struct json_doc *d, uint32_t pl, struct platform *p)
{
	const char *s;

	memset(p, 0, sizeof(*p));
	if ((s = json_get_str(d, pl, "os")))
		set(p->os, sizeof(p->os), s);
	if ((s = json_get_str(d, pl, "architecture")))
		set(p->arch, sizeof(p->arch), s);
	if ((s = json_get_str(d, pl, "variant")))
		set(p->variant, sizeof(p->variant), s);
	platform_normalize(p);
}

uint32_t platform_select(const struct json_doc *d, const struct platform *want)
{
	uint32_t list = json_get(d, 0, "manifests"), best = 0;
	/* what fits in an error message (err.c keeps 255 bytes) */
	char offers[150] = "", name[96];
	int best_score = 0, more = 0;
	size_t len = 0;

	if (!list || json_type(d, list) != JSON_ARRAY)
		return err_setn(0, "image index has no manifests"), 0;
	for (uint32_t m = json_first(d, list); m; m = json_next(d, m)) {
		uint32_t pl = json_get(d, m, "platform");
		const char *ref = json_get_str(d, json_get(d, m, "annotations"),
					       "vnd.docker.reference.type");
		struct platform p;
		int score;

		if (!pl || json_type(d, pl) != JSON_OBJECT || (ref && !strcmp(ref, "attestation-manifest")))
			continue;
		read_platform(d, pl, &p);
		if (!strcmp(p.os, "unknown") || !strcmp(p.arch, "unknown"))
			continue;
		platform_format(&p, name, sizeof(name));
		if (len + strlen(name) + 3 < sizeof(offers))
			len += snprintf(offers + len, sizeof(offers) - len, "%s%s",
					len ? ", " : "", name);
		else
			more++;
		score = platform_score(want, &p);
		if (score > best_score) {
			best_score = score;
			best = m;
		}
	}
	if (!best) {
		platform_format(want, name, sizeof(name));
		if (more)
			err_setn(0, "no image for %s (the index has: %s and %d more)", name,
				 offers, more);
		else
			err_setn(0, "no image for %s (the index has: %s)", name,
				 len ? offers : "nothing usable");
	}
	return best;
}
