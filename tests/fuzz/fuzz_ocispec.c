/* fuzz_ocispec.c - libFuzzer target: bytes as a bundle's config.json
 * (oci_spec_parse), as an exec --process file (oci_process_parse_text),
 * and a parsed profile compiled to seccomp BPF (seccomp_oci_program).
 * Built by scripts/fuzz.sh with all of core/ except multicall.c. */
#include <stdint.h>
#include <stdlib.h>

#include "ocispec.h"
#include "seccomp_oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seccomp_insn prog[SECCOMP_OCI_PROG_MAX];
	struct oci_spec s;
	struct oci_process p;
	struct json_doc d;

	if (oci_spec_parse(&s, (const char *)data, size) == 0) {
		if (s.seccomp)
			(void)seccomp_oci_program(&s.doc, s.seccomp, prog, SECCOMP_OCI_PROG_MAX);
		oci_spec_free(&s);
	}
	if (oci_process_parse_text(&d, (const char *)data, size, &p) == 0) {
		oci_process_free(&p);
		json_free(&d);
	}
	return 0;
}
