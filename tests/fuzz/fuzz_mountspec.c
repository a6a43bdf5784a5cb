/* fuzz_mountspec.c - libFuzzer target for core/mountspec.c and
 * core/envfile.c: the first byte picks -v, --tmpfs, --mount or an env
 * file, the rest (cut at a NUL) is the argument. What parses must give
 * an absolute target, a source only for a bind, a volume's name that
 * names no path, and tmpfs options that parse again into flags and
 * data. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envfile.h"
#include "mountspec.h"
#include "volume.h"

static int add(const char *kv, void *arg)
{
	(void)arg;
	if (!strchr(kv, '='))
		abort();
	return 0;
}

static const char *lookup(const char *key)
{
	return key[0] == 'H' ? "host" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[8192], d[256];
	struct mount_spec m;
	unsigned long flags;

	if (!size)
		return 0;
	if (size - 1 >= sizeof(s))
		size = sizeof(s);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	if (data[0] % 4 == 3) {
		FILE *f = fmemopen((void *)(data + 1), size - 1, "r");

		if (f) {
			envfile_parse(f, "fuzz", lookup, add, NULL);
			fclose(f);
		}
		return 0;
	}
	if (mountspec_parse((enum mountspec_kind)(data[0] % 3), s, &m))
		return 0;
	if (!m.target || m.target[0] != '/'
	    || (!m.tmpfs && !m.volume && (!m.source || m.source[0] != '/')))
		abort();
	/* a volume: no source yet, a name volume.h takes (or "" anonymous) */
	if (m.volume && (m.tmpfs || m.source || (*m.volume && !volume_name_valid(m.volume))
			 || strchr(m.volume, '/')))
		abort();
	if (m.tmpfs && (m.source || mountspec_tmpfs(m.options, &flags, d, sizeof(d))))
		abort();
	if (!m.tmpfs && !mountspec_propagation(m.options))
		abort();
	mountspec_free(&m);
	return 0;
}
