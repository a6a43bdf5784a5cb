/* Unit tests for core/imgref.c: registry references and Docker Hub's
 * defaults. */
#include "err.h"
#include "imgref.h"
#include "unit.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void good(const char *s, const char *domain, const char *host, const char *path,
		 const char *tag, const char *digest, const char *local)
{
	struct imgref r;
	char label[400], name[300];

	snprintf(label, sizeof(label), "accepts %s", s);
	if (imgref_parse(s, &r)) {
		printf("FAIL: %s (%s)\n", label, err_msg());
		unit_failures++;
		return;
	}
	snprintf(label, sizeof(label), "%s: domain", s);
	CHECK_STR(label, r.domain, domain);
	snprintf(label, sizeof(label), "%s: API host", s);
	CHECK_STR(label, r.host, host);
	snprintf(label, sizeof(label), "%s: path", s);
	CHECK_STR(label, r.path, path);
	snprintf(label, sizeof(label), "%s: tag", s);
	CHECK_STR(label, r.tag, tag);
	snprintf(label, sizeof(label), "%s: digest", s);
	CHECK_STR(label, r.digest, digest);
	snprintf(label, sizeof(label), "%s: local name", s);
	CHECK_STR(label, imgref_local_name(&r, name, sizeof(name)) ? "(error)" : name, local);
}

static void bad(const char *s)
{
	struct imgref r;
	char label[400];

	snprintf(label, sizeof(label), "refuses '%s'", s);
	CHECK(label, imgref_parse(s, &r) < 0);
}

int main(void)
{
	char long_name[400];

	good("busybox", "docker.io", "registry-1.docker.io", "library/busybox", "latest", "",
	     "busybox");
	good("busybox:1.36", "docker.io", "registry-1.docker.io", "library/busybox", "1.36", "",
	     "busybox");
	good("user/app", "docker.io", "registry-1.docker.io", "user/app", "latest", "", "user/app");
	good("docker.io/library/alpine:3", "docker.io", "registry-1.docker.io", "library/alpine",
	     "3", "", "alpine");
	good("docker.io/alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest",
	     "", "alpine");
	good("index.docker.io/user/x", "docker.io", "registry-1.docker.io", "user/x", "latest", "",
	     "user/x");
	good("localhost/app", "localhost", "localhost", "app", "latest", "", "localhost/app");
	good("localhost:5000/a/b:v2", "localhost:5000", "localhost:5000", "a/b", "v2", "",
	     "localhost:5000/a/b");
	good("ghcr.io/o/r/deep:t", "ghcr.io", "ghcr.io", "o/r/deep", "t", "", "ghcr.io/o/r/deep");
	good("127.0.0.1:5000/x", "127.0.0.1:5000", "127.0.0.1:5000", "x", "latest", "",
	     "127.0.0.1:5000/x");
	good("reg:5000/x", "reg:5000", "reg:5000", "x", "latest", "", "reg:5000/x");
	/* a bracketed IPv6 registry, with or without a port */
	good("[::1]:5000/x:1", "[::1]:5000", "[::1]:5000", "x", "1", "", "[::1]:5000/x");
	good("[fd00::A:10]/a/b", "[fd00::A:10]", "[fd00::A:10]", "a/b", "latest", "",
	     "[fd00::A:10]/a/b");
	/* "reg" alone is a path component: no dot, no port, not localhost */
	good("reg/x", "docker.io", "registry-1.docker.io", "reg/x", "latest", "", "reg/x");
	good("docker.io/library/a/b", "docker.io", "registry-1.docker.io", "library/a/b",
	     "latest", "", "library/a/b");
	good("docker.io/r.io/x", "docker.io", "registry-1.docker.io", "r.io/x", "latest", "",
	     "docker.io/r.io/x");
	good("busybox@sha256:" D64, "docker.io", "registry-1.docker.io", "library/busybox", "",
	     "sha256:" D64, "busybox");
	good("busybox:1@sha256:" D64, "docker.io", "registry-1.docker.io", "library/busybox", "1",
	     "sha256:" D64, "busybox");
	good("localhost:5000/x@sha256:" D64, "localhost:5000", "localhost:5000", "x", "",
	     "sha256:" D64, "localhost:5000/x");

	bad("");
	bad("Busybox");
	bad("busybox:");
	bad(":tag");
	bad("busybox@");
	bad("busybox@sha256:123");
	bad("busybox@sha512:" D64);
	bad("busybox@sha256:" D64 "00");
	bad("busybox@sha256:" D64 "@sha256:" D64);
	bad("a//b");
	bad("/a");
	bad("a/");
	bad("-a.com/x");
	bad("host:port/x");
	bad("[]:5000/x");
	bad("[::1/x");
	bad("[::g]:5000/x");
	bad("[::1]x:5000/y");
	bad("[::1]:/x");
	bad("[1.2.3.4]/x");
	bad("a b");
	bad("x:-tag");
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	bad(long_name);
	memset(long_name, 'a', 250); /* 250 + "library/": too long once prefixed */
	long_name[250] = 0;
	bad(long_name);
	return UNIT_DONE();
}
