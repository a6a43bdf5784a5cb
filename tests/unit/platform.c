/* Unit tests for core/platform.c: normalising names, the arm variant from
 * /proc/cpuinfo, choosing from an index. */
#include <string.h>

#include "err.h"
#include "json.h"
#include "platform.h"
#include "unit.h"

static const char *norm(const char *s)
{
	static char buf[96];
	struct platform p;

	if (platform_parse(s, &p))
		return "(error)";
	platform_format(&p, buf, sizeof(buf));
	return buf;
}

static const char index_json[] =
	"{\"schemaVersion\":2,\"manifests\":["
	"{\"digest\":\"sha256:a\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
	"{\"digest\":\"sha256:b\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
	"{\"digest\":\"sha256:c\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}},"
	"{\"digest\":\"sha256:d\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}},"
	"{\"digest\":\"sha256:e\",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
	"{\"digest\":\"sha256:f\",\"platform\":{\"os\":\"windows\",\"architecture\":\"amd64\"}}"
	"]}";

static const char *pick(const char *json, const char *want)
{
	static char got[32];
	struct json_doc d;
	struct platform p;
	uint32_t m;

	if (json_parse(&d, json, strlen(json)) || platform_parse(want, &p))
		return "(error)";
	m = platform_select(&d, &p);
	snprintf(got, sizeof(got), "%s", m ? json_get_str(&d, m, "digest") : "none");
	json_free(&d);
	return got;
}

int main(void)
{
	struct platform p;

	CHECK_STR("linux/amd64", norm("linux/amd64"), "linux/amd64");
	CHECK_STR("x86_64 is amd64", norm("linux/x86_64"), "linux/amd64");
	CHECK_STR("aarch64 is arm64", norm("linux/aarch64"), "linux/arm64");
	CHECK_STR("arm64/v8 drops the variant", norm("linux/arm64/v8"), "linux/arm64");
	CHECK_STR("armhf is arm/v7", norm("linux/armhf"), "linux/arm/v7");
	CHECK_STR("armel is arm/v6", norm("linux/armel"), "linux/arm/v6");
	CHECK_STR("variant 7 is v7", norm("linux/arm/7"), "linux/arm/v7");
	CHECK_STR("i686 is 386", norm("linux/i686"), "linux/386");
	CHECK_STR("upper case", norm("Linux/ARM64"), "linux/arm64");
	CHECK("refuses one part", platform_parse("linux", &p) < 0);
	CHECK("refuses four parts", platform_parse("linux/arm/v7/x", &p) < 0);
	CHECK("refuses empty arch", platform_parse("linux/", &p) < 0);
	CHECK("refuses empty os", platform_parse("/arm", &p) < 0);
	CHECK("refuses an empty variant", platform_parse("linux/arm/", &p) < 0);

	CHECK_STR("cpuinfo: ARMv7", platform_arm_variant(
		"processor\t: 0\nmodel name\t: ARMv7 Processor rev 5 (v7l)\n"
		"CPU architecture: 7\n"), "v7");
	CHECK_STR("cpuinfo: Raspberry Pi 1 reports 7 but is ARMv6", platform_arm_variant(
		"processor\t: 0\nmodel name\t: ARMv6-compatible processor rev 7 (v6l)\n"
		"CPU architecture: 7\n"), "v6");
	CHECK_STR("cpuinfo: old kernels say Processor", platform_arm_variant(
		"Processor\t: ARMv6-compatible processor rev 7 (v6l)\nCPU architecture: 7\n"), "v6");
	CHECK_STR("cpuinfo: ARMv8 core in 32-bit mode", platform_arm_variant(
		"model name\t: ARMv8 Processor rev 4 (v8l)\nCPU architecture: 8\n"), "v8");
	CHECK_STR("cpuinfo: ARMv5", platform_arm_variant("CPU architecture: 5TEJ\n"), "v5");
	CHECK("cpuinfo: x86 says nothing", platform_arm_variant("model name : Intel\n") == NULL);

	CHECK_STR("amd64 picks amd64", pick(index_json, "linux/amd64"), "sha256:a");
	CHECK_STR("arm64 picks arm64/v8", pick(index_json, "linux/arm64"), "sha256:b");
	CHECK_STR("arm/v7 picks v7", pick(index_json, "linux/arm/v7"), "sha256:c");
	CHECK_STR("arm/v6 picks v6", pick(index_json, "linux/arm/v6"), "sha256:d");
	CHECK_STR("arm/v8 falls back to v7", pick(index_json, "linux/arm/v8"), "sha256:c");
	CHECK_STR("arm/v5 has nothing", pick(index_json, "linux/arm/v5"), "none");
	CHECK_STR("windows/amd64 is not linux/amd64", pick(index_json, "windows/amd64"),
		  "sha256:f");
	CHECK_STR("unknown/unknown is never chosen", pick(index_json, "unknown/unknown"), "none");
	CHECK_STR("an entry without variant fits any arm", pick(
		"{\"manifests\":[{\"digest\":\"sha256:x\",\"platform\":{\"os\":\"linux\","
		"\"architecture\":\"arm\"}}]}", "linux/arm/v6"), "sha256:x");
	CHECK_STR("... but an exact variant wins", pick(
		"{\"manifests\":[{\"digest\":\"sha256:x\",\"platform\":{\"os\":\"linux\","
		"\"architecture\":\"arm\"}},{\"digest\":\"sha256:y\",\"platform\":{\"os\":"
		"\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}}]}", "linux/arm/v6"),
		  "sha256:y");
	CHECK_STR("attestations skipped by annotation", pick(
		"{\"manifests\":[{\"digest\":\"sha256:x\",\"platform\":{\"os\":\"linux\","
		"\"architecture\":\"amd64\"},\"annotations\":{\"vnd.docker.reference.type\":"
		"\"attestation-manifest\"}}]}", "linux/amd64"), "none");
	CHECK_STR("no manifests array", pick("{}", "linux/amd64"), "none");
	CHECK("the error lists what there is", pick(index_json, "linux/s390x") &&
	      strstr(err_msg(), "linux/amd64, linux/arm64, linux/arm/v7, linux/arm/v6, windows/amd64"));
	return UNIT_DONE();
}
