/* env.c - environments merged by KEY (env.h). */
#include <stdlib.h>
#include <string.h>

#include "env.h"

/* The index of kv's KEY among env[0..n), or -1. */
static int env_index(char **env, int n, const char *kv)
{
	size_t k = strcspn(kv, "=");

	for (int i = 0; i < n; i++)
		if (!strncmp(env[i], kv, k) && env[i][k] == '=')
			return i;
	return -1;
}

char **env_merge(char *const *base, char *const *over, int nover, char *const *def, int ndef)
{
	int n = 0;
	char **env;

	while (base && base[n])
		n++;
	if (!(env = calloc((size_t)n + (size_t)nover + (size_t)ndef + 1, sizeof(char *))))
		return NULL;
	for (int i = 0; i < n; i++)
		env[i] = base[i];
	for (int i = 0; i < nover; i++) {
		int at = env_index(env, n, over[i]);

		env[at < 0 ? n++ : at] = over[i];
	}
	for (int i = 0; i < ndef; i++)
		if (def[i] && env_index(env, n, def[i]) < 0)
			env[n++] = def[i];
	return env;
}
