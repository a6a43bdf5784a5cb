/* Unit tests for core/regauth.c and core/base64.c: WWW-Authenticate
 * challenges, Basic credentials, token answers. */
#include <stdint.h>
#include <string.h>

#include "base64.h"
#include "err.h"
#include "regauth.h"
#include "unit.h"

static struct regauth_challenge ch[REGAUTH_MAX_CHALLENGES];

static int parse(const char *h)
{
	return regauth_parse(h, ch, REGAUTH_MAX_CHALLENGES);
}

int main(void)
{
	char buf[256], big[REGAUTH_HEADER_MAX + 100];
	int64_t exp;
	long n;

	CHECK("docker hub's challenge", parse("Bearer realm=\"https://auth.docker.io/token\","
					      "service=\"registry.docker.io\",scope=\"repository:"
					      "library/busybox:pull\"") == 1);
	CHECK_STR("scheme lower-cased", ch[0].scheme, "bearer");
	CHECK_STR("realm", ch[0].realm, "https://auth.docker.io/token");
	CHECK_STR("service", ch[0].service, "registry.docker.io");
	CHECK_STR("scope", ch[0].scope, "repository:library/busybox:pull");

	CHECK("two challenges in one header",
	      parse("Basic realm=\"r1\", Bearer realm=\"https://t/x\",service=s") == 2);
	CHECK_STR("first is basic", ch[0].scheme, "basic");
	CHECK_STR("its realm", ch[0].realm, "r1");
	CHECK_STR("second is bearer", ch[1].scheme, "bearer");
	CHECK_STR("token value", ch[1].service, "s");

	CHECK("commas and escapes inside quotes",
	      parse("Bearer realm=\"a,b\\\"c\\\\d\", scope=\"repository:x:pull,push\"") == 1);
	CHECK_STR("escaped realm", ch[0].realm, "a,b\"c\\d");
	CHECK_STR("scope with a comma", ch[0].scope, "repository:x:pull,push");

	CHECK("case-insensitive names, spaces around =",
	      parse("BEARER Realm = \"R\" , SERVICE=\"S\"") == 1);
	CHECK_STR("Realm", ch[0].realm, "R");
	CHECK_STR("SERVICE", ch[0].service, "S");
	CHECK("error parameter", parse("Bearer realm=\"r\",error=\"invalid_token\"") == 1);
	CHECK_STR("error", ch[0].error, "invalid_token");
	CHECK("unknown parameters ignored", parse("Bearer foo=bar, realm=x, baz=\"q\"") == 1 &&
	      !strcmp(ch[0].realm, "x"));
	CHECK("scheme without parameters", parse("Negotiate, Basic realm=x") == 2 &&
	      !strcmp(ch[0].scheme, "negotiate") && !strcmp(ch[1].scheme, "basic"));
	CHECK("token68", parse("Negotiate abc123==, Basic realm=x") == 2);
	CHECK("empty header: no challenge", parse("") == 0);
	CHECK("only commas", parse(" , ,") == 0);

	CHECK("refuses an unterminated string", parse("Bearer realm=\"abc") < 0);
	CHECK("refuses a dangling backslash", parse("Bearer realm=\"abc\\") < 0);
	CHECK("refuses control characters", parse("Bearer realm=\"a\x01\"") < 0);
	CHECK("refuses junk after a value", parse("Bearer realm=\"a\"x") < 0);
	CHECK("refuses a bad scheme", parse("@@@") < 0);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK("refuses a header over the limit", parse(big) < 0);
	memcpy(big, "Bearer realm=\"", 14);
	big[14 + REGAUTH_REALM_MAX] = '"';
	big[15 + REGAUTH_REALM_MAX] = 0;
	CHECK("refuses a realm that does not fit (no silent cut)", parse(big) < 0);
	CHECK("refuses too many challenges",
	      regauth_parse("A, B, C", ch, 2) < 0);

	CHECK("basic credentials", regauth_basic("aladdin", "open sesame", buf, sizeof(buf)) == 0);
	CHECK_STR("RFC 7617's example", buf, "Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	CHECK("basic: too small a buffer", regauth_basic("u", "p", buf, 8) < 0);

	CHECK("token", regauth_token_parse("{\"token\":\"abc\",\"expires_in\":300}", 32, buf,
					   sizeof(buf), &exp) == 0 && exp == 300);
	CHECK_STR("token value", buf, "abc");
	CHECK("access_token, default expiry",
	      regauth_token_parse("{\"access_token\":\"xyz\"}", 22, buf, sizeof(buf), &exp) == 0 &&
	      exp == 60);
	CHECK_STR("access_token value", buf, "xyz");
	CHECK("no token", regauth_token_parse("{\"x\":1}", 7, buf, sizeof(buf), &exp) < 0);
	CHECK("not JSON", regauth_token_parse("nope", 4, buf, sizeof(buf), &exp) < 0);
	CHECK("token too long", regauth_token_parse("{\"token\":\"abcdef\"}", 18, buf, 4,
						  &exp) < 0);
	CHECK("token with a line break",
	      regauth_token_parse("{\"token\":\"a\\r\\nb\"}", 18, buf, sizeof(buf), &exp) < 0);

	CHECK("urlencode", regauth_urlencode("repository:a/b:pull", buf, sizeof(buf)) == 0);
	CHECK_STR("urlencoded", buf, "repository%3Aa%2Fb%3Apull");
	CHECK("urlencode overflow", regauth_urlencode("a b c", buf, 5) < 0);

	base64_encode("f", 1, buf);
	CHECK_STR("base64 f", buf, "Zg==");
	base64_encode("foobar", 6, buf);
	CHECK_STR("base64 foobar", buf, "Zm9vYmFy");
	n = base64_decode("Zm9vYg==", buf, sizeof(buf));
	CHECK("base64 decode", n == 4 && !memcmp(buf, "foob", 4));
	n = base64_decode("Zm9vYg", buf, sizeof(buf));
	CHECK("base64 decode without padding", n == 4 && !memcmp(buf, "foob", 4));
	CHECK("base64 refuses junk", base64_decode("Zm9v!", buf, sizeof(buf)) < 0);
	CHECK("base64 refuses data after padding", base64_decode("Zg==Zg", buf, sizeof(buf)) < 0);
	CHECK("base64 refuses overflow", base64_decode("Zm9vYmFy", buf, 3) < 0);
	CHECK("base64 refuses non-zero pad bits", base64_decode("Zh==", buf, sizeof(buf)) < 0);
	return UNIT_DONE();
}
