/* fuzz_archive.c - libFuzzer target: bytes as an image archive for
 * `load` (local_archive_open: the tar indexed, manifest.json or
 * index.json parsed, names collected), then each named image's manifest
 * made or found as pull_image would ask for it.
 * Built by scripts/fuzz.sh with all of core/ except multicall.c. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "oci_layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct local_source ls;
	char path[64], type[PULL_TYPE_MAX], digest[DIGEST_STR_LEN + 1];
	int fd = memfd_create("fuzz_archive", MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (local_archive_open(&ls, path) == 0) {
		for (const char *name = ls.names; name && name < ls.names + ls.names_len;
		     name += strlen(name) + 1) {
			char *body;
			size_t n;

			if (ls.src.manifest(&ls.src, name, &body, &n, type, digest) == 0)
				free(body);
		}
	}
	local_source_close(&ls);
	close(fd);
	return 0;
}
