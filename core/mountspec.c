/* mountspec.c - -v, --tmpfs and --mount, checked as Docker does (see
 * mountspec.h). Pure string work: fuzzed by tests/fuzz/fuzz_mountspec.c. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>

#include "applet.h"
#include "err.h"
#include "human.h"
#include "mountspec.h"
#include "number.h"
#include "pathsafe.h"
#include "volume.h"

#define ARG_MAX_LEN 4096 /* longer than any path we could mount */

/* ---- tmpfs options ------------------------------------------------------ */

/* Flags as mount(8) spells them: set (or clear, for the positive form). */
static const struct { const char *name; unsigned long flag; int clear; } tmpfs_flags[] = {
	{ "defaults", 0, 0 },        { "private", 0, 0 },      { "rprivate", 0, 0 },
	{ "ro", MS_RDONLY, 0 },      { "rw", MS_RDONLY, 1 },
	{ "noexec", MS_NOEXEC, 0 },  { "exec", MS_NOEXEC, 1 },
	{ "nosuid", MS_NOSUID, 0 },  { "suid", MS_NOSUID, 1 },
	{ "nodev", MS_NODEV, 0 },    { "dev", MS_NODEV, 1 },
	{ "sync", MS_SYNCHRONOUS, 0 }, { "async", MS_SYNCHRONOUS, 1 },
	{ "dirsync", MS_DIRSYNC, 0 },
	{ "noatime", MS_NOATIME, 0 }, { "atime", MS_NOATIME, 1 },
	{ "nodiratime", MS_NODIRATIME, 0 }, { "diratime", MS_NODIRATIME, 1 },
	{ "relatime", MS_RELATIME, 0 }, { "norelatime", MS_RELATIME, 1 },
	{ "strictatime", MS_STRICTATIME, 0 }, { "nostrictatime", MS_STRICTATIME, 1 },
};

/* Data options; each value checked as the kernel would read it. */
enum { D_SIZE, D_NR_INODES, D_NR_BLOCKS, D_MODE, D_UID, D_GID, D_COUNT };
static const char *const tmpfs_data[D_COUNT] = {
	"size", "nr_inodes", "nr_blocks", "mode", "uid", "gid",
};

/* digits, then at most one of suffixes: memparse()'s syntax */
static int number_ok(const char *v, const char *suffixes, int base)
{
	size_t n = base == 8 ? strspn(v, "01234567") : strspn(v, "0123456789");

	if (!n || n > 19)
		return 0;
	return !v[n] || (v[n + 1] == 0 && strchr(suffixes, v[n]));
}

static int data_value_ok(int key, const char *v)
{
	switch (key) {
	case D_SIZE:
		return number_ok(v, "kKmMgGtTpPeE%", 10);
	case D_NR_INODES:
	case D_NR_BLOCKS:
		return number_ok(v, "kKmMgGtTpPeE", 10);
	case D_MODE:
		return number_ok(v, "", 8) && strtoul(v, NULL, 8) <= 07777;
	default: { /* uid, gid: a number below (uid_t)-1, in 10 digits at most */
		int64_t id;

		return strlen(v) <= 10 && !number_int(v, 0, 4294967294, 0, &id);
	}
	}
}

int mountspec_tmpfs(const char *opts, unsigned long *flags, char *data, size_t n)
{
	const char *val[D_COUNT] = { 0 };
	size_t vlen[D_COUNT] = { 0 }, len = 0;
	const char *p = opts, *end;

	*flags = MS_NOEXEC | MS_NOSUID | MS_NODEV; /* Docker's defaults */
	if (n)
		*data = 0;
	for (; p && *p; p = *end ? end + 1 : end) {
		size_t k = strcspn(p, ",="), olen;
		unsigned i;
		int key = -1;

		end = p + strcspn(p, ",");
		olen = end - p;
		for (i = 0; p[k] != '=' && i < sizeof(tmpfs_flags) / sizeof(tmpfs_flags[0]); i++)
			if (strlen(tmpfs_flags[i].name) == olen && !strncmp(tmpfs_flags[i].name, p, olen))
				break;
		if (p[k] != '=' && i < sizeof(tmpfs_flags) / sizeof(tmpfs_flags[0])) {
			if (tmpfs_flags[i].clear)
				*flags &= ~tmpfs_flags[i].flag;
			else
				*flags |= tmpfs_flags[i].flag;
			continue;
		}
		for (int d = 0; p[k] == '=' && d < D_COUNT; d++)
			if (strlen(tmpfs_data[d]) == k && !strncmp(tmpfs_data[d], p, k))
				key = d;
		if (key < 0)
			return err_setn(0, "invalid tmpfs option \"%.*s\"", (int)(k > 64 ? 64 : k), p);
		{
			char v[32];

			if (olen - k - 1 >= sizeof(v))
				return err_setn(0, "invalid tmpfs option \"%.64s\": value too long", p);
			memcpy(v, p + k + 1, olen - k - 1);
			v[olen - k - 1] = 0;
			if (!data_value_ok(key, v))
				return err_setn(0, "invalid tmpfs option \"%.*s\": bad value '%s'",
						(int)k, p, v);
		}
		val[key] = p; /* the last one wins, as with Docker */
		vlen[key] = olen;
	}
	for (int d = 0; d < D_COUNT; d++) {
		if (!val[d])
			continue;
		if (len + vlen[d] + 2 > n)
			return err_setn(0, "tmpfs options too long");
		if (len)
			data[len++] = ',';
		memcpy(data + len, val[d], vlen[d]);
		len += vlen[d];
		data[len] = 0;
	}
	return 0;
}

/* ---- shared ------------------------------------------------------------- */

static const char *const propagations[] = {
	"private", "rprivate", "slave", "rslave", "shared", "rshared",
};

static int propagation_index(const char *s, size_t n)
{
	for (int i = 0; i < 6; i++)
		if (strlen(propagations[i]) == n && !strncmp(propagations[i], s, n))
			return i;
	return -1;
}

unsigned long mountspec_propagation(const char *name)
{
	static const unsigned long kind[3] = { MS_PRIVATE, MS_SLAVE, MS_SHARED };
	int i = name ? propagation_index(name, strlen(name)) : 1;

	return i < 0 ? 0 : kind[i / 2] | (i % 2 ? MS_REC : 0);
}

static char *dup_n(const char *s, size_t n)
{
	char *r = malloc(n + 1);

	if (r) {
		memcpy(r, s, n);
		r[n] = 0;
	}
	return r;
}

/* The target: absolute, no "..", not the root (the same checks launch
 * makes again inside the rootfs). */
static int check_target(const char *dst)
{
	char rel[PATH_MAX];

	if (!*dst)
		return err_setn(0, "invalid mount config: field Target must not be empty");
	if (*dst != '/')
		return err_setn(0, "invalid mount target %s: not an absolute path", dst);
	if (strlen(dst) >= PATH_MAX || path_clean(dst, rel))
		return err_setn(0, "invalid mount target %s: \"..\" is not allowed", dst);
	if (!*rel)
		return err_setn(0, "invalid mount target %s: cannot mount over the container's root",
				dst);
	return 0;
}

static int set_strings(struct mount_spec *m, const char *src, size_t srcn, const char *dst,
		       size_t dstn, const char *opts, size_t optn)
{
	m->source = src ? dup_n(src, srcn) : NULL;
	m->target = dup_n(dst, dstn);
	m->options = opts ? dup_n(opts, optn) : NULL;
	if ((src && !m->source) || !m->target || (opts && !m->options)) {
		mountspec_free(m);
		return err_setn(ENOMEM, "out of memory");
	}
	if (check_target(m->target)) {
		mountspec_free(m);
		return -1;
	}
	return 0;
}

void mountspec_free(struct mount_spec *m)
{
	free(m->source);
	free(m->target);
	free(m->options);
	free(m->volume);
	m->source = m->target = m->options = m->volume = NULL;
}

/* A volume mount: name n bytes of src ("" anonymous), checked as
 * volume.h's names (docker's message, which also hints at the path). */
static int set_volume(struct mount_spec *m, const char *src, size_t n, const char *dst,
		      size_t dstn, int ro, int nocopy)
{
	char name[VOLUME_NAME_MAX + 1];

	if (!ENABLED(RUN_VOLUMES))
		return err_setn(0, "volumes are not built into this boxcar (RUN_VOLUMES): bind a "
				"host path, or use a tmpfs");
	if (n > VOLUME_NAME_MAX || (snprintf(name, sizeof(name), "%.*s", (int)n, src),
				    n && !volume_name_valid(name)))
		return err_setn(0, "create %.*s: \"%.*s\" includes invalid characters for a local "
				"volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If "
				"you intended to pass a host directory, use absolute path",
				(int)(n > 300 ? 300 : n), src, (int)(n > 300 ? 300 : n), src);
	if (set_strings(m, NULL, 0, dst, dstn, NULL, 0))
		return -1;
	if (!(m->volume = strdup(name))) {
		mountspec_free(m);
		return err_setn(ENOMEM, "out of memory");
	}
	m->readonly = ro;
	m->nocopy = nocopy;
	return 0;
}

/* ---- --tmpfs ------------------------------------------------------------ */

static int parse_tmpfs(const char *arg, struct mount_spec *m)
{
	const char *colon = strchr(arg, ':');
	char data[256];
	unsigned long flags = 0;

	if (colon && mountspec_tmpfs(colon + 1, &flags, data, sizeof(data)))
		return -1;
	m->tmpfs = 1;
	m->readonly = colon && (flags & MS_RDONLY);
	return set_strings(m, NULL, 0, arg, colon ? (size_t)(colon - arg) : strlen(arg),
			   colon && colon[1] ? colon + 1 : NULL, colon ? strlen(colon + 1) : 0);
}

/* ---- -v ----------------------------------------------------------------- */

/* Docker's linuxValidMountMode: a comma list with at most one word of
 * each group. *ro, *prop (index or -1), *nocopy as found. */
static int volume_mode(const char *mode, int *ro, int *prop, int *nocopy)
{
	static const char *const groups[][4] = {
		{ "rw", "ro" }, { "z", "Z" }, { "nocopy" }, { "consistent", "cached", "delegated" },
	};
	int seen[5] = { 0 };
	const char *p = mode, *end;

	*ro = *nocopy = 0;
	*prop = -1;
	if (!*mode)
		return 1;
	for (; ; p = end + 1) {
		size_t n = strcspn(p, ",");
		int g = -1, pi;

		end = p + n;
		if ((pi = propagation_index(p, n)) >= 0) {
			g = 4;
			*prop = pi;
		}
		for (int i = 0; g < 0 && i < 4; i++)
			for (int k = 0; k < 4 && groups[i][k]; k++)
				if (strlen(groups[i][k]) == n && !strncmp(groups[i][k], p, n)) {
					g = i;
					*ro |= i == 0 && k == 1;
					*nocopy |= i == 2;
				}
		if (g < 0 || seen[g]++)
			return 0;
		if (!*end)
			return 1;
	}
}

static int parse_volume(const char *arg, struct mount_spec *m)
{
	const char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	const char *mode = c2 ? c2 + 1 : "", *dst = c1 ? c1 + 1 : NULL;
	size_t dstn = !c1 ? 0 : c2 ? (size_t)(c2 - dst) : strlen(dst);
	int ro, prop, nocopy;

	if (!*arg || *arg == ':' || (c2 && strchr(mode, ':')))
		return err_setn(0, "invalid volume specification: '%s'", arg);
	if (!c1) { /* -v /dir: an anonymous volume */
		if (*arg != '/')
			return err_setn(0, "invalid volume specification: '%s': invalid mount "
					"config for type \"volume\": invalid mount path: '%s' mount "
					"path must be absolute", arg, arg);
		return set_volume(m, "", 0, arg, strlen(arg), 0, 0);
	}
	/* "/dst:ro" is a target with a mode and no source: refused too */
	if (!c2 && volume_mode(dst, &ro, &prop, &nocopy))
		return err_setn(0, "invalid volume specification: '%s'", arg);
	if (!volume_mode(mode, &ro, &prop, &nocopy))
		return err_setn(0, "invalid mode: %s", mode);
	if (*arg != '/') { /* NAME:/dir: a named volume */
		if (prop >= 0)
			return err_setn(0, "invalid mode: %s: propagation is for bind mounts", mode);
		return set_volume(m, arg, c1 - arg, dst, dstn, ro, nocopy);
	}
	if (nocopy)
		return err_setn(0, "invalid mode: %s: nocopy is for volumes, not bind mounts",
				mode);
	m->readonly = ro;
	m->tmpfs = 0;
	return set_strings(m, arg, c1 - arg, dst, dstn, prop < 0 ? NULL : propagations[prop],
			   prop < 0 ? 0 : strlen(propagations[prop]));
}

/* ---- --mount ------------------------------------------------------------ */

/* The next CSV field of *p into out (n bytes): "..." quoted with ""
 * for a quote, as Go's encoding/csv. 0, 1 at the end, -1 if bad. */
static int csv_field(const char **p, char *out, size_t n)
{
	const char *s = *p;
	size_t len = 0;

	if (*s == '"') {
		for (s++;; s++) {
			if (!*s)
				return -1;
			if (*s == '"' && s[1] != '"')
				break;
			if (*s == '"')
				s++;
			if (len + 1 >= n)
				return -1;
			out[len++] = *s;
		}
		s++;
		if (*s && *s != ',')
			return -1;
	} else {
		for (; *s && *s != ','; s++) {
			if (*s == '"' || len + 1 >= n)
				return -1;
			out[len++] = *s;
		}
	}
	out[len] = 0;
	*p = *s ? s + 1 : s;
	return *s ? 0 : 1;
}

static int bool_value(const char *key, const char *v, int has, int *out)
{
	if (!has || !strcmp(v, "1") || !strcmp(v, "true"))
		*out = 1;
	else if (!strcmp(v, "0") || !strcmp(v, "false"))
		*out = 0;
	else
		return err_setn(0, "invalid value for '%s': invalid boolean value (\"%s\"): must be "
				"one of \"true\", \"1\", \"false\", or \"0\" (default \"true\")", key, v);
	return 0;
}

struct mount_args {
	char type[16], src[PATH_MAX], dst[PATH_MAX], opts[64];
	int ro, prop, bind_opts, volume_opts, tmpfs_opts, nocopy;
	long long size;
	long mode;
};

static int mount_field(struct mount_args *a, char *field)
{
	char *eq = strchr(field, '='), *val = eq ? eq + 1 : NULL, *key = field;
	static const char *const bools[] = { "readonly", "ro", "volume-nocopy", "bind-create-src" };
	int known_bool = 0;

	if (eq)
		*eq = 0;
	for (char *k = key; *k; k++)
		*k = tolower((unsigned char)*k);
	if (strcspn(key, " \t") != strlen(key))
		return err_setn(0, "invalid option '%s' in '%s': option should not have whitespace",
				key, field);
	if (val && !*val)
		return err_setn(0, "invalid value for '%s': value is empty", key);
	for (unsigned i = 0; i < 4; i++)
		known_bool |= !strcmp(key, bools[i]);
	if (!val && !known_bool)
		return err_setn(0, "invalid field '%s' must be a key=value pair", key);
	if (!strcmp(key, "type")) {
		if (strlen(val) >= sizeof(a->type))
			return err_setn(0, "invalid mount type '%.32s'", val);
		for (size_t i = 0; val[i]; i++)
			a->type[i] = tolower((unsigned char)val[i]);
		a->type[strlen(val)] = 0;
	} else if (!strcmp(key, "source") || !strcmp(key, "src")) {
		snprintf(a->src, sizeof(a->src), "%s", val);
	} else if (!strcmp(key, "target") || !strcmp(key, "dst") || !strcmp(key, "destination")) {
		snprintf(a->dst, sizeof(a->dst), "%s", val);
	} else if (!strcmp(key, "readonly") || !strcmp(key, "ro")) {
		return bool_value(key, val, !!val, &a->ro);
	} else if (!strcmp(key, "consistency")) {
		/* macOS only; Docker on Linux ignores it too */
	} else if (!strcmp(key, "bind-propagation")) {
		a->bind_opts = 1;
		if ((a->prop = propagation_index(val, strlen(val))) < 0)
			return err_setn(0, "invalid propagation mode: %s", val);
	} else if (!strcmp(key, "bind-recursive")) {
		a->bind_opts = 1;
		if (strcmp(val, "enabled"))
			return err_setn(0, "bind-recursive=%s is not supported (enabled: the "
					"default)", val);
	} else if (!strcmp(key, "volume-nocopy")) {
		a->volume_opts = 1;
		return bool_value(key, val, !!val, &a->nocopy);
	} else if (!strcmp(key, "volume-driver")) {
		a->volume_opts = 1;
		if (strcmp(val, "local"))
			return err_setn(0, "volume driver %.64s is not supported (local)", val);
	} else if (!strncmp(key, "volume-", 7)) {
		return err_setn(0, "%.64s is not supported (volume-nocopy, volume-driver=local)",
				key);
	} else if (!strcmp(key, "tmpfs-size")) {
		int64_t v;

		a->tmpfs_opts = 1;
		if (human_parse_size(val, &v))
			return err_setn(0, "invalid value for %s: %s", key, val);
		a->size = v;
	} else if (!strcmp(key, "tmpfs-mode")) {
		char *end;

		a->tmpfs_opts = 1;
		errno = 0;
		a->mode = strtol(val, &end, 8);
		if (errno || *end || end == val || *val == '-' || *val == '+' || a->mode > 07777)
			return err_setn(0, "invalid value for %s: %s", key, val);
	} else {
		size_t k = strlen(key);

		if (eq)
			*eq = '=';
		return err_setn(0, "unknown option '%.*s' in '%s'", (int)k, key, field);
	}
	return 0;
}

static int parse_mount(const char *arg, struct mount_spec *m)
{
	struct mount_args *a = calloc(1, sizeof(*a));
	const char *p = arg + strspn(arg, " \t");
	char field[PATH_MAX + 32];
	int end = 0, rc = -1;

	if (!a)
		return err_setn(ENOMEM, "out of memory");
	strcpy(a->type, "volume"); /* docker's default */
	a->prop = -1;
	if (!*p) {
		err_setn(0, "invalid argument \"%s\" for \"--mount\" flag: value is empty", arg);
		goto out;
	}
	while (!end) {
		if ((end = csv_field(&p, field, sizeof(field))) < 0) {
			err_setn(0, "invalid argument \"%.200s\" for \"--mount\" flag: bad CSV", arg);
			goto out;
		}
		if (mount_field(a, field))
			goto out;
	}
	if (!strcmp(a->type, "bind") || !strcmp(a->type, "volume") || !strcmp(a->type, "tmpfs")) {
		const char *mix = a->bind_opts && strcmp(a->type, "bind") ? "bind"
			: a->volume_opts && strcmp(a->type, "volume") ? "volume"
			: a->tmpfs_opts && strcmp(a->type, "tmpfs") ? "tmpfs" : NULL;

		if (mix) {
			err_setn(0, "cannot mix '%s-*' options with mount type '%s'", mix, a->type);
			goto out;
		}
	} else {
		err_setn(0, "mount type '%s' is not supported (bind, volume, tmpfs)", a->type);
		goto out;
	}
	if (!*a->dst) {
		err_setn(0, "invalid mount config for type \"%s\": field Target must not be empty",
			 a->type);
		goto out;
	}
	m->readonly = a->ro;
	if (!strcmp(a->type, "tmpfs")) {
		int n = 0;

		if (*a->src) {
			err_setn(0, "invalid mount config for type \"tmpfs\": field Source must not "
				 "be specified");
			goto out;
		}
		if (a->size)
			n += snprintf(a->opts + n, sizeof(a->opts) - n, "size=%lld", a->size);
		if (a->mode)
			n += snprintf(a->opts + n, sizeof(a->opts) - n, "%smode=%lo", n ? "," : "",
				      a->mode);
		m->tmpfs = 1;
		rc = set_strings(m, NULL, 0, a->dst, strlen(a->dst), n ? a->opts : NULL, n);
		goto out;
	}
	if (!strcmp(a->type, "volume")) {
		rc = set_volume(m, a->src, strlen(a->src), a->dst, strlen(a->dst), a->ro,
				a->nocopy);
		goto out;
	}
	if (!*a->src) {
		err_setn(0, "invalid mount config for type \"bind\": field Source must not be empty");
		goto out;
	}
	if (*a->src != '/') {
		err_setn(0, "invalid mount config for type \"bind\": invalid mount path: '%s' "
			 "mount path must be absolute", a->src);
		goto out;
	}
	m->tmpfs = 0;
	rc = set_strings(m, a->src, strlen(a->src), a->dst, strlen(a->dst),
			 a->prop < 0 ? NULL : propagations[a->prop],
			 a->prop < 0 ? 0 : strlen(propagations[a->prop]));
out:
	free(a);
	return rc;
}

int mountspec_parse(enum mountspec_kind kind, const char *arg, struct mount_spec *m)
{
	memset(m, 0, sizeof(*m));
	if (strlen(arg) > ARG_MAX_LEN)
		return err_setn(0, "invalid mount specification: too long");
	if (kind == MOUNTSPEC_TMPFS)
		return parse_tmpfs(arg, m);
	if (kind == MOUNTSPEC_VOLUME)
		return parse_volume(arg, m);
	return parse_mount(arg, m);
}
