/* Unit tests for core/ref.c: NAME[:TAG] as Docker's grammar has it. */
#include "err.h"
#include "ref.h"
#include "unit.h"

static void good(const char *s, const char *name, const char *tag)
{
	struct ref r;
	char label[128];

	snprintf(label, sizeof(label), "accepts %s", s);
	if (ref_parse(s, &r)) {
		CHECK(label, 0);
		return;
	}
	CHECK_STR(label, r.name, name);
	snprintf(label, sizeof(label), "tag of %s", s);
	CHECK_STR(label, r.tag, tag);
}

static void bad(const char *s)
{
	struct ref r;
	char label[128];

	snprintf(label, sizeof(label), "refuses '%s'", s);
	CHECK(label, ref_parse(s, &r) < 0);
}

int main(void)
{
	struct ref r;
	char longname[300];

	good("busybox", "busybox", "latest");
	good("busybox:1.36.1", "busybox", "1.36.1");
	good("library/alpine:3", "library/alpine", "3");
	good("a__b", "a__b", "latest");
	good("a---b.c_d", "a---b.c_d", "latest");
	good("localhost/x", "localhost/x", "latest");
	good("localhost:5000/a/b:v1", "localhost:5000/a/b", "v1");
	good("registry-1.docker.io/library/busybox:_x", "registry-1.docker.io/library/busybox", "_x");
	good("Reg.Example.com/x", "Reg.Example.com/x", "latest");
	bad("");
	bad(":tag");
	bad("Busybox");
	bad("a___b");
	bad("-a");
	bad("a-");
	bad("a..b");
	bad("a/");
	bad("/a");
	bad("a//b");
	bad("a b");
	bad("a:");
	bad("a:-x");
	bad("a:b:c");
	bad("a@sha256:0000");
	bad("-host.com/x");
	bad("host:port/x");
	memset(longname, 'a', 256);
	longname[256] = 0;
	bad(longname);
	memset(longname, 'a', 255);
	longname[255] = 0;
	CHECK("a 255-character name is fine", ref_parse(longname, &r) == 0);
	ref_parse("x:y", &r);
	CHECK_STR("full form", r.full, "x:y");
	ref_parse("x", &r);
	CHECK_STR("full form adds latest", r.full, "x:latest");
	return UNIT_DONE();
}
