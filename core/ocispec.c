/* ocispec.c - read an OCI runtime spec, and write one (see ocispec.h). */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "applet.h"
#include "caps.h"
#include "cgroup.h" /* enum cgroup_io */
#include "err.h"
#include "ns.h"
#include "ocispec.h"
#include "seccomp.h"
#include "store.h" /* err_prefix */

#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif

/* ---- small readers ------------------------------------------------------ */

/* json_get on a node that may be 0 ("absent"): json.h's 0 is the root,
 * which a missing sub-object must never be taken for. */
static uint32_t jget(const struct json_doc *d, uint32_t obj, const char *key)
{
	return obj ? json_get(d, obj, key) : 0;
}

static uint32_t jfirst(const struct json_doc *d, uint32_t i)
{
	return i ? json_first(d, i) : 0;
}

static const char *jget_str(const struct json_doc *d, uint32_t obj, const char *key)
{
	return obj ? json_get_str(d, obj, key) : NULL;
}

/* A string array (NULL: absent) into a NULL-terminated, allocated list. */
static int str_list(const struct json_doc *d, uint32_t arr, const char *what, char ***out)
{
	uint32_t i, n = 0;
	char **v;

	*out = NULL;
	if (!arr || json_type(d, arr) == JSON_NULL)
		return 0;
	if (json_type(d, arr) != JSON_ARRAY)
		return err_setn(EINVAL, "%s: not an array", what);
	if (!(v = calloc(d->nodes[arr].len + 1, sizeof(char *))))
		return err_setn(ENOMEM, "%s", what);
	for (i = jfirst(d, arr); i; i = json_next(d, i)) {
		if (!(v[n++] = (char *)json_str(d, i))) {
			free(v);
			return err_setn(EINVAL, "%s: not a list of strings", what);
		}
	}
	*out = v;
	return 0;
}

static int get_u64(const struct json_doc *d, uint32_t obj, const char *key, int64_t *out,
		   const char *what)
{
	uint32_t i = jget(d, obj, key);

	if (!i || json_type(d, i) == JSON_NULL)
		return 0;
	if (json_int(d, i, out))
		return err_setn(EINVAL, "%s.%s: not an integer", what, key);
	return 1;
}

static int get_bool(const struct json_doc *d, uint32_t obj, const char *key)
{
	uint32_t i = jget(d, obj, key);

	return i && json_type(d, i) == JSON_TRUE;
}

/* Objects where an object is expected, else EINVAL (0 is "absent"). */
static int obj_or_none(const struct json_doc *d, uint32_t i, const char *what)
{
	if (i && json_type(d, i) != JSON_OBJECT && json_type(d, i) != JSON_NULL)
		return err_setn(EINVAL, "%s: not an object", what);
	return 0;
}

/* ---- process ------------------------------------------------------------ */

static const struct {
	const char *name;
	int res;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int oci_cap(const char *name)
{
	if (!name || strncmp(name, "CAP_", 4))
		return err_setn(EINVAL, "unknown capability %s", name ? name : "(null)");
	return cap_from_name(name);
}

/* A capability set; names the kernel or our table do not know are
 * skipped, as runc does (a newer profile on an older kernel). */
static int cap_set(const struct json_doc *d, uint32_t caps, const char *key, uint64_t *out)
{
	uint32_t arr = jget(d, caps, key), i;

	*out = 0;
	if (!arr || json_type(d, arr) == JSON_NULL)
		return 0;
	if (json_type(d, arr) != JSON_ARRAY)
		return err_setn(EINVAL, "process.capabilities.%s: not an array", key);
	for (i = jfirst(d, arr); i; i = json_next(d, i)) {
		const char *n = json_str(d, i);
		int c;

		if (!n)
			return err_setn(EINVAL, "process.capabilities.%s: not a string", key);
		if (strncmp(n, "CAP_", 4) || (c = cap_from_name(n)) < 0 || c >= 64)
			continue;
		*out |= 1ull << c;
	}
	return 0;
}

static int parse_rlimits(const struct json_doc *d, uint32_t arr, struct oci_process *p)
{
	uint32_t i;

	if (!arr || json_type(d, arr) == JSON_NULL)
		return 0;
	if (json_type(d, arr) != JSON_ARRAY)
		return err_setn(EINVAL, "process.rlimits: not an array");
	if (!(p->rlimits = calloc(d->nodes[arr].len + 1, sizeof(*p->rlimits))))
		return err_setn(ENOMEM, "rlimits");
	for (i = jfirst(d, arr); i; i = json_next(d, i)) {
		const char *type = jget_str(d, i, "type");
		struct oci_rlimit *r = &p->rlimits[p->nrlimits];
		int64_t soft = 0, hard = 0;
		unsigned k;

		for (k = 0; type && k < sizeof(rlimit_names) / sizeof(rlimit_names[0]); k++)
			if (!strcmp(type, rlimit_names[k].name))
				break;
		if (!type || k == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
			return err_setn(EINVAL, "process.rlimits: unknown type %s",
					type ? type : "(none)");
		/* uint64 in the spec: json_int stops at INT64_MAX, and
		 * anything above that is "unlimited" anyway */
		if (get_u64(d, i, "soft", &soft, "rlimit") < 0)
			soft = -1;
		if (get_u64(d, i, "hard", &hard, "rlimit") < 0)
			hard = -1;
		r->resource = rlimit_names[k].res;
		r->soft = soft < 0 ? RLIM_INFINITY : (uint64_t)soft;
		r->hard = hard < 0 ? RLIM_INFINITY : (uint64_t)hard;
		p->nrlimits++;
	}
	return 0;
}

int oci_process_parse(const struct json_doc *d, uint32_t obj, struct oci_process *p)
{
	uint32_t user, caps, i;
	int64_t v;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!obj || json_type(d, obj) != JSON_OBJECT)
		return err_setn(EINVAL, "process: missing or not an object");
	if (str_list(d, jget(d, obj, "args"), "process.args", &p->args)
	    || str_list(d, jget(d, obj, "env"), "process.env", &p->env))
		goto bad;
	if (!p->args || !p->args[0]) {
		err_setn(EINVAL, "process.args: no command given");
		goto bad;
	}
	p->cwd = jget_str(d, obj, "cwd");
	if (!p->cwd || p->cwd[0] != '/') {
		err_setn(EINVAL, "process.cwd: must be an absolute path");
		goto bad;
	}
	p->terminal = get_bool(d, obj, "terminal");
	p->no_new_privs = get_bool(d, obj, "noNewPrivileges");
	user = jget(d, obj, "user");
	if (obj_or_none(d, user, "process.user"))
		goto bad;
	if (user) {
		if ((rc = get_u64(d, user, "uid", &v, "process.user")) < 0)
			goto bad;
		if (rc && (v < 0 || v > 0xfffffffe)) {
			err_setn(EINVAL, "process.user.uid: out of range");
			goto bad;
		}
		p->uid = rc ? (uid_t)v : 0;
		if ((rc = get_u64(d, user, "gid", &v, "process.user")) < 0)
			goto bad;
		if (rc && (v < 0 || v > 0xfffffffe)) {
			err_setn(EINVAL, "process.user.gid: out of range");
			goto bad;
		}
		p->gid = rc ? (gid_t)v : 0;
		if (jget(d, user, "username") && jget_str(d, user, "username")
		    && *jget_str(d, user, "username")) {
			err_setn(EINVAL, "process.user.username: not supported on Linux");
			goto bad;
		}
		for (i = jfirst(d, jget(d, user, "additionalGids")); i; i = json_next(d, i)) {
			if (json_int(d, i, &v) || v < 0 || v > 0xfffffffe || p->ngids >= OCI_MAX_GIDS) {
				err_setn(EINVAL, "process.user.additionalGids: bad or too many");
				goto bad;
			}
			p->gids[p->ngids++] = (gid_t)v;
		}
	}
	caps = jget(d, obj, "capabilities");
	if (obj_or_none(d, caps, "process.capabilities"))
		goto bad;
	if (caps && json_type(d, caps) == JSON_OBJECT) {
		p->has_caps = 1;
		if (cap_set(d, caps, "bounding", &p->caps_bounding)
		    || cap_set(d, caps, "effective", &p->caps_effective)
		    || cap_set(d, caps, "permitted", &p->caps_permitted)
		    || cap_set(d, caps, "inheritable", &p->caps_inheritable)
		    || cap_set(d, caps, "ambient", &p->caps_ambient))
			goto bad;
	}
	if (parse_rlimits(d, jget(d, obj, "rlimits"), p))
		goto bad;
	if ((rc = get_u64(d, obj, "oomScoreAdj", &v, "process")) < 0)
		goto bad;
	if (rc) {
		if (v < -1000 || v > 1000) {
			err_setn(EINVAL, "process.oomScoreAdj: out of range");
			goto bad;
		}
		p->has_oom_score_adj = 1;
		p->oom_score_adj = (int)v;
	}
	p->apparmor = jget_str(d, obj, "apparmorProfile");
	p->selinux = jget_str(d, obj, "selinuxLabel");
	if ((p->apparmor && *p->apparmor) || (p->selinux && *p->selinux)) {
		err_setn(EOPNOTSUPP, "process: %s is not supported by boxcar",
			 p->apparmor && *p->apparmor ? "apparmorProfile" : "selinuxLabel");
		goto bad;
	}
	return 0;
bad:
	oci_process_free(p);
	return -1;
}

int oci_process_parse_text(struct json_doc *doc, const char *buf, size_t len,
			   struct oci_process *p)
{
	char *wrap;
	int n, rc;

	/* {"process": TEXT}: the object is then a node other than 0, which
	 * the readers here take for "absent" */
	if (len > JSON_MAX_INPUT)
		return err_setn(E2BIG, "process: too large");
	if (!(wrap = malloc(len + 16)))
		return err_setn(ENOMEM, "process");
	n = snprintf(wrap, len + 16, "{\"process\":%.*s}", (int)len, buf);
	rc = json_parse(doc, wrap, (size_t)n);
	free(wrap);
	if (rc)
		return err_prefix("process");
	if (oci_process_parse(doc, json_get(doc, 0, "process"), p)) {
		json_free(doc);
		return -1;
	}
	return 0;
}

void oci_process_free(struct oci_process *p)
{
	free(p->args);
	free(p->env);
	free(p->rlimits);
	p->args = p->env = NULL;
	p->rlimits = NULL;
}

/* ---- mounts -------------------------------------------------------------- */

/* MS_* fit in 32 bits (MS_LAZYTIME is bit 25): a smaller table */
static const struct {
	const char *name;
	unsigned set, clear;
} mount_flags[] = {
	{ "ro", MS_RDONLY, 0 }, { "rw", 0, MS_RDONLY },
	{ "nosuid", MS_NOSUID, 0 }, { "suid", 0, MS_NOSUID },
	{ "nodev", MS_NODEV, 0 }, { "dev", 0, MS_NODEV },
	{ "noexec", MS_NOEXEC, 0 }, { "exec", 0, MS_NOEXEC },
	{ "sync", MS_SYNCHRONOUS, 0 }, { "async", 0, MS_SYNCHRONOUS },
	{ "dirsync", MS_DIRSYNC, 0 }, { "remount", MS_REMOUNT, 0 },
	{ "mand", MS_MANDLOCK, 0 }, { "nomand", 0, MS_MANDLOCK },
	{ "atime", 0, MS_NOATIME }, { "noatime", MS_NOATIME, 0 },
	{ "diratime", 0, MS_NODIRATIME }, { "nodiratime", MS_NODIRATIME, 0 },
	{ "relatime", MS_RELATIME, 0 }, { "norelatime", 0, MS_RELATIME },
	{ "strictatime", MS_STRICTATIME, 0 }, { "nostrictatime", 0, MS_STRICTATIME },
	{ "lazytime", MS_LAZYTIME, 0 }, { "nolazytime", 0, MS_LAZYTIME },
	{ "silent", MS_SILENT, 0 }, { "loud", 0, MS_SILENT },
	{ "defaults", 0, 0 }, { "rrw", 0, 0 },
};

static const struct {
	const char *name;
	unsigned long prop;
} mount_props[] = {
	{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
	{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

int oci_mount_options(struct oci_mount *m, const char *const *opts, int n)
{
	size_t used = strlen(m->data), len;

	for (int k = 0; k < n; k++) {
		const char *o = opts[k];
		unsigned i;

		for (i = 0; i < sizeof(mount_flags) / sizeof(mount_flags[0]); i++)
			if (!strcmp(o, mount_flags[i].name)) {
				m->flags = (m->flags & ~(unsigned long)mount_flags[i].clear)
					   | mount_flags[i].set;
				m->clear |= mount_flags[i].clear;
				break;
			}
		if (i < sizeof(mount_flags) / sizeof(mount_flags[0]))
			continue;
		for (i = 0; i < sizeof(mount_props) / sizeof(mount_props[0]); i++)
			if (!strcmp(o, mount_props[i].name)) {
				m->prop = mount_props[i].prop;
				break;
			}
		if (i < sizeof(mount_props) / sizeof(mount_props[0]))
			continue;
		if (!strcmp(o, "bind") || !strcmp(o, "rbind")) {
			m->bind = 1;
			if (o[0] == 'r')
				m->flags |= MS_REC;
			continue;
		}
		if (!strcmp(o, "rro")) {
			m->rro = 1;
			m->flags |= MS_RDONLY;
			continue;
		}
		if (!strcmp(o, "tmpcopyup") || !strcmp(o, "idmap") || !strcmp(o, "ridmap")
		    || !strcmp(o, "copy-symlink") || !strncmp(o, "X-mount.", 8))
			return err_setn(EOPNOTSUPP, "mount %s: option %s is not supported by boxcar",
					m->dest, o);
		/* anything else is the file system's own (size=, mode=...);
		 * no printf: run's every start comes this way */
		len = strlen(o);
		if (used + len + 2 > sizeof(m->data))
			return err_setn(E2BIG, "mount %s: options too long", m->dest);
		if (used)
			m->data[used++] = ',';
		memcpy(m->data + used, o, len + 1);
		used += len;
	}
	return 0;
}

static int parse_mounts(struct oci_spec *s, uint32_t arr)
{
	const struct json_doc *d = &s->doc;
	uint32_t i;

	if (!arr || json_type(d, arr) == JSON_NULL)
		return 0;
	if (json_type(d, arr) != JSON_ARRAY)
		return err_setn(EINVAL, "mounts: not an array");
	if (!(s->mounts = calloc(d->nodes[arr].len + 1, sizeof(*s->mounts))))
		return err_setn(ENOMEM, "mounts");
	for (i = jfirst(d, arr); i; i = json_next(d, i)) {
		struct oci_mount *m = &s->mounts[s->nmounts];
		char **opts = NULL;
		int n = 0, rc;

		if (json_type(d, i) != JSON_OBJECT)
			return err_setn(EINVAL, "mounts: not a list of objects");
		m->dest = jget_str(d, i, "destination");
		m->type = jget_str(d, i, "type");
		m->source = jget_str(d, i, "source");
		if (!m->dest || m->dest[0] != '/')
			return err_setn(EINVAL, "mounts: destination %s is not an absolute path",
					m->dest ? m->dest : "(none)");
		if (jget(d, i, "uidMappings") || jget(d, i, "gidMappings"))
			return err_setn(EOPNOTSUPP, "mount %s: idmapped mounts are not supported",
					m->dest);
		if (str_list(d, jget(d, i, "options"), "mounts.options", &opts))
			return -1;
		while (opts && opts[n])
			n++;
		rc = oci_mount_options(m, (const char *const *)opts, n);
		free(opts);
		if (rc)
			return -1;
		if (m->type && !strcmp(m->type, "bind"))
			m->bind = 1;
		if (!m->bind && !m->type)
			return err_setn(EINVAL, "mount %s: no type", m->dest);
		if (m->bind && !m->source)
			return err_setn(EINVAL, "mount %s: a bind mount needs a source", m->dest);
		s->nmounts++;
	}
	return 0;
}

/* ---- linux --------------------------------------------------------------- */

static const struct {
	const char *name;
	int flag;
} ns_names[] = {
	{ "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

static int parse_namespaces(struct oci_spec *s, uint32_t arr)
{
	const struct json_doc *d = &s->doc;
	uint32_t i;

	for (i = jfirst(d, arr); i; i = json_next(d, i)) {
		const char *type = jget_str(d, i, "type");
		const char *path = jget_str(d, i, "path");
		unsigned k;

		for (k = 0; type && k < sizeof(ns_names) / sizeof(ns_names[0]); k++)
			if (!strcmp(type, ns_names[k].name))
				break;
		if (!type || k == sizeof(ns_names) / sizeof(ns_names[0]))
			return err_setn(EINVAL, "linux.namespaces: unknown type %s",
					type ? type : "(none)");
		for (int j = 0; j < s->nns; j++)
			if (s->ns[j].flag == ns_names[k].flag)
				return err_setn(EINVAL, "linux.namespaces: %s given twice", type);
		if (s->nns >= OCI_MAX_NS)
			return err_setn(EINVAL, "linux.namespaces: too many");
		s->ns[s->nns].flag = ns_names[k].flag;
		s->ns[s->nns].path = path && *path ? path : NULL;
		if (!s->ns[s->nns].path)
			s->new_ns |= (unsigned long)ns_names[k].flag;
		if (ns_names[k].flag == CLONE_NEWNS)
			s->mount_ns = 1;
		s->nns++;
	}
	return 0;
}

static int parse_idmaps(const struct json_doc *d, uint32_t arr, struct oci_idmap *m, int *n,
			const char *what)
{
	uint32_t i;

	for (i = jfirst(d, arr); i; i = json_next(d, i)) {
		int64_t c, h, sz;

		if (*n >= 8)
			return err_setn(EINVAL, "%s: too many (5 at most on old kernels, 8 here)", what);
		if (get_u64(d, i, "containerID", &c, what) != 1
		    || get_u64(d, i, "hostID", &h, what) != 1
		    || get_u64(d, i, "size", &sz, what) != 1
		    || c < 0 || h < 0 || sz <= 0 || c > UINT32_MAX || h > UINT32_MAX
		    || sz > UINT32_MAX)
			return err_setn(EINVAL, "%s: bad entry", what);
		m[*n] = (struct oci_idmap){ (uint32_t)c, (uint32_t)h, (uint32_t)sz };
		(*n)++;
	}
	return 0;
}

static int parse_devices(struct oci_spec *s, uint32_t arr)
{
	const struct json_doc *d = &s->doc;
	uint32_t i;

	if (!arr || json_type(d, arr) != JSON_ARRAY)
		return 0;
	if (!(s->devices = calloc(d->nodes[arr].len + 1, sizeof(*s->devices))))
		return err_setn(ENOMEM, "devices");
	for (i = jfirst(d, arr); i; i = json_next(d, i)) {
		struct oci_device *dv = &s->devices[s->ndevices];
		const char *type = jget_str(d, i, "type");
		int64_t v;

		dv->path = jget_str(d, i, "path");
		if (!dv->path || dv->path[0] != '/' || !type)
			return err_setn(EINVAL, "linux.devices: an entry without path or type");
		if (!strcmp(type, "c") || !strcmp(type, "u"))
			dv->type = S_IFCHR;
		else if (!strcmp(type, "b"))
			dv->type = S_IFBLK;
		else if (!strcmp(type, "p"))
			dv->type = S_IFIFO;
		else
			return err_setn(EINVAL, "linux.devices: %s: unknown type %s", dv->path, type);
		if (dv->type != S_IFIFO) {
			int64_t ma, mi;

			if (get_u64(d, i, "major", &ma, "device") != 1
			    || get_u64(d, i, "minor", &mi, "device") != 1
			    || ma < 0 || mi < 0 || ma > 0xfff || mi > 0xfffff)
				return err_setn(EINVAL, "linux.devices: %s: bad major/minor", dv->path);
			dv->major = (unsigned)ma;
			dv->minor = (unsigned)mi;
		}
		dv->mode = 0666;
		if (get_u64(d, i, "fileMode", &v, "device") == 1)
			dv->mode = (mode_t)(v & 07777);
		if (get_u64(d, i, "uid", &v, "device") == 1)
			dv->uid = (uid_t)v;
		if (get_u64(d, i, "gid", &v, "device") == 1)
			dv->gid = (gid_t)v;
		s->ndevices++;
	}
	return 0;
}

/* A device rule's major or minor: -1 (absent, or runc's wildcard -1) or
 * a number. Anything else is refused: truncated to an int it would name
 * another device, or -1, a wildcard (an allow of more than was asked). */
static int devrule_num(const struct json_doc *d, uint32_t obj, const char *key, int *out)
{
	int64_t v;
	int r = get_u64(d, obj, key, &v, "linux.resources.devices");

	if (r < 0)
		return -1;
	if (!r)
		v = -1;
	if (v < -1 || v > INT32_MAX)
		return err_setn(EINVAL, "linux.resources.devices: bad %s %lld", key, (long long)v);
	*out = (int)v;
	return 0;
}

static int parse_devrules(struct oci_spec *s, uint32_t arr)
{
	const struct json_doc *d = &s->doc;
	uint32_t i;

	if (!arr || json_type(d, arr) != JSON_ARRAY)
		return 0;
	if (!(s->devrules = calloc(d->nodes[arr].len + 1, sizeof(*s->devrules))))
		return err_setn(ENOMEM, "devices");
	for (i = jfirst(d, arr); i; i = json_next(d, i)) {
		struct oci_devrule *r = &s->devrules[s->ndevrules];
		const char *type = jget_str(d, i, "type"), *acc = jget_str(d, i, "access");

		r->allow = get_bool(d, i, "allow");
		/* a, b, c or none (a), as runc: any other letter read as 'a'
		 * would be an allow of every device */
		if (type && *type && (type[1] || !strchr("abc", *type)))
			return err_setn(EINVAL, "linux.resources.devices: bad type %s", type);
		r->type = type && *type ? *type : 'a';
		if (devrule_num(d, i, "major", &r->major) || devrule_num(d, i, "minor", &r->minor))
			return -1;
		snprintf(r->access, sizeof(r->access), "%s", acc && *acc ? acc : "rwm");
		if (strspn(r->access, "rwm") != strlen(r->access))
			return err_setn(EINVAL, "linux.resources.devices: bad access %s", acc);
		s->ndevrules++;
	}
	return 0;
}

/* An array's elements, allocated (n + 1, zeroed); NULL with *out NULL
 * when absent. */
static int alloc_for(const struct json_doc *d, uint32_t arr, size_t each, void **out,
		     const char *what)
{
	*out = NULL;
	if (!arr || json_type(d, arr) == JSON_NULL)
		return 0;
	if (json_type(d, arr) != JSON_ARRAY)
		return err_setn(EINVAL, "%s: not an array", what);
	if (!(*out = calloc(d->nodes[arr].len + 1, each)))
		return err_setn(ENOMEM, "%s", what);
	return 0;
}

static int parse_hugepages(struct oci_spec *s, uint32_t arr)
{
	const struct json_doc *d = &s->doc;
	uint32_t i;
	int64_t v;

	if (alloc_for(d, arr, sizeof(*s->hugepages), (void **)&s->hugepages,
		      "linux.resources.hugepageLimits"))
		return -1;
	for (i = jfirst(d, arr); i; i = json_next(d, i)) {
		struct oci_hugepage *h = &s->hugepages[s->nhugepages++];

		if (!(h->size = jget_str(d, i, "pageSize"))
		    || get_u64(d, i, "limit", &v, "hugepageLimits") != 1 || v < 0)
			return err_setn(EINVAL, "linux.resources.hugepageLimits: an entry without "
					"pageSize or limit");
		h->limit = (uint64_t)v;
	}
	return 0;
}

/* blockIO's keys, in the order they are written, and what each is. */
static const struct {
	const char *key;
	int what;                /* enum cgroup_io */
	int dev;                 /* a list of devices, not one value */
} blkio_keys[] = {
	{ "weight", CG_IO_WEIGHT, 0 }, { "leafWeight", CG_IO_LEAF_WEIGHT, 0 },
	{ "weightDevice", CG_IO_WEIGHT, 1 }, /* and its leafWeight */
	{ "throttleReadBpsDevice", CG_IO_READ_BPS, 1 },
	{ "throttleWriteBpsDevice", CG_IO_WRITE_BPS, 1 },
	{ "throttleReadIOPSDevice", CG_IO_READ_IOPS, 1 },
	{ "throttleWriteIOPSDevice", CG_IO_WRITE_IOPS, 1 },
};

static int parse_blkio(struct oci_spec *s, uint32_t bio)
{
	const struct json_doc *d = &s->doc;
	size_t cap = 2;
	int64_t v;

	if (obj_or_none(d, bio, "linux.resources.blockIO"))
		return -1;
	for (unsigned k = 0; bio && k < sizeof(blkio_keys) / sizeof(blkio_keys[0]); k++) {
		uint32_t arr = jget(d, bio, blkio_keys[k].key);

		if (!blkio_keys[k].dev || !arr || json_type(d, arr) == JSON_NULL)
			continue;
		if (json_type(d, arr) != JSON_ARRAY)
			return err_setn(EINVAL, "blockIO.%s: not an array", blkio_keys[k].key);
		cap += 2 * (size_t)d->nodes[arr].len; /* weightDevice: weight and leaf */
	}
	if (!bio || !(s->iolimits = calloc(cap, sizeof(*s->iolimits))))
		return bio ? err_setn(ENOMEM, "blockIO") : 0;
	for (unsigned k = 0; k < sizeof(blkio_keys) / sizeof(blkio_keys[0]); k++) {
		const char *key = blkio_keys[k].key;
		uint32_t arr = jget(d, bio, key), i;

		if (!blkio_keys[k].dev) {
			if (get_u64(d, bio, key, &v, "blockIO") == 1) {
				struct oci_iolimit *l = &s->iolimits[s->niolimits++];

				*l = (struct oci_iolimit){ blkio_keys[k].what, -1, -1, (uint64_t)v };
				if (v < 0)
					return err_setn(EINVAL, "blockIO.%s: negative", key);
			}
			continue;
		}
		for (i = arr && json_type(d, arr) == JSON_ARRAY ? jfirst(d, arr) : 0; i;
		     i = json_next(d, i)) {
			const char *vals[2] = { "rate", NULL };
			int64_t ma, mi;

			if (get_u64(d, i, "major", &ma, "blockIO") != 1
			    || get_u64(d, i, "minor", &mi, "blockIO") != 1
			    || ma < 0 || mi < 0 || ma > 0xfff || mi > 0xfffff)
				return err_setn(EINVAL, "blockIO.%s: bad major/minor", key);
			if (blkio_keys[k].what == CG_IO_WEIGHT) {
				vals[0] = "weight";
				vals[1] = "leafWeight";
			}
			for (int j = 0; j < 2 && vals[j]; j++) {
				struct oci_iolimit *l;

				if (get_u64(d, i, vals[j], &v, "blockIO") != 1)
					continue;
				if (v < 0)
					return err_setn(EINVAL, "blockIO.%s: negative", key);
				l = &s->iolimits[s->niolimits++];
				*l = (struct oci_iolimit){ blkio_keys[k].what + j, (int)ma, (int)mi,
							   (uint64_t)v };
			}
		}
	}
	return 0;
}

static int parse_network(struct oci_spec *s, uint32_t net)
{
	const struct json_doc *d = &s->doc;
	uint32_t arr = jget(d, net, "priorities"), i;
	int64_t v;

	if (obj_or_none(d, net, "linux.resources.network"))
		return -1;
	if (get_u64(d, net, "classID", &s->net_classid, "network") == 1
	    && (s->net_classid < 0 || s->net_classid > UINT32_MAX))
		return err_setn(EINVAL, "linux.resources.network.classID: not a 32-bit number");
	if (alloc_for(d, arr, sizeof(*s->netprios), (void **)&s->netprios,
		      "linux.resources.network.priorities"))
		return -1;
	for (i = jfirst(d, arr); i; i = json_next(d, i)) {
		struct oci_netprio *p = &s->netprios[s->nnetprios++];

		if (!(p->ifname = jget_str(d, i, "name"))
		    || get_u64(d, i, "priority", &v, "network") != 1 || v < 0 || v > UINT32_MAX)
			return err_setn(EINVAL, "linux.resources.network.priorities: an entry "
					"without name or priority");
		p->prio = (uint32_t)v;
	}
	return 0;
}

static int parse_resources(struct oci_spec *s, uint32_t res)
{
	const struct json_doc *d = &s->doc;
	uint32_t mem = jget(d, res, "memory"), cpu = jget(d, res, "cpu");
	uint32_t pids = jget(d, res, "pids");
	static const char *const unsupported[] = { "rdma" };
	int64_t v;

	if (obj_or_none(d, res, "linux.resources"))
		return -1;
	if (get_u64(d, mem, "limit", &s->memory, "memory") < 0
	    || get_u64(d, mem, "swap", &s->memory_swap, "memory") < 0
	    || get_u64(d, mem, "reservation", &s->memory_reservation, "memory") < 0
	    || get_u64(d, cpu, "shares", &s->cpu_shares, "cpu") < 0
	    || get_u64(d, cpu, "quota", &s->cpu_quota, "cpu") < 0
	    || get_u64(d, cpu, "period", &s->cpu_period, "cpu") < 0
	    || get_u64(d, pids, "limit", &s->pids_limit, "pids") < 0)
		return -1;
	if (get_u64(d, mem, "kernel", &s->memory_kernel, "memory") < 0
	    || get_u64(d, mem, "kernelTCP", &s->memory_kernel_tcp, "memory") < 0)
		return -1;
	if (get_u64(d, mem, "swappiness", &s->swappiness, "memory") == 1
	    && (s->swappiness < 0 || s->swappiness > 100))
		return err_setn(EINVAL, "linux.resources.memory.swappiness: 0 to 100");
	s->disable_oom_killer = get_bool(d, mem, "disableOOMKiller");
	/* "" is the spec's "not set" too */
	if ((s->cpus = jget_str(d, cpu, "cpus")) && !*s->cpus)
		s->cpus = NULL;
	if ((s->mems = jget_str(d, cpu, "mems")) && !*s->mems)
		s->mems = NULL;
	if (get_u64(d, cpu, "realtimeRuntime", &v, "cpu") == 1 && v)
		return err_setn(EOPNOTSUPP, "linux.resources.cpu.realtimeRuntime is not supported");
	for (unsigned k = 0; k < sizeof(unsupported) / sizeof(unsupported[0]); k++) {
		uint32_t i = jget(d, res, unsupported[k]);

		if (i && json_type(d, i) != JSON_NULL && d->nodes[i].len)
			return err_setn(EOPNOTSUPP, "linux.resources.%s is not supported by boxcar",
					unsupported[k]);
	}
	if (parse_hugepages(s, jget(d, res, "hugepageLimits"))
	    || parse_blkio(s, jget(d, res, "blockIO"))
	    || parse_network(s, jget(d, res, "network")))
		return -1;
	if (jget(d, res, "unified") && jfirst(d, jget(d, res, "unified")))
		return err_setn(EOPNOTSUPP, "linux.resources.unified is not supported by boxcar");
	return parse_devrules(s, jget(d, res, "devices"));
}

static const char *const hook_keys[OCI_HOOK_KINDS] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static int parse_hooks(struct oci_spec *s, uint32_t hooks)
{
	const struct json_doc *d = &s->doc;

	if (obj_or_none(d, hooks, "hooks"))
		return -1;
	for (int k = 0; hooks && k < OCI_HOOK_KINDS; k++) {
		uint32_t arr = jget(d, hooks, hook_keys[k]), i;

		if (!arr || json_type(d, arr) != JSON_ARRAY)
			continue;
		if (!(s->hooks[k] = calloc(d->nodes[arr].len + 1, sizeof(struct oci_hook))))
			return err_setn(ENOMEM, "hooks");
		for (i = jfirst(d, arr); i; i = json_next(d, i)) {
			struct oci_hook *h = &s->hooks[k][s->nhooks[k]];
			int64_t t;

			if (!(h->path = jget_str(d, i, "path")) || h->path[0] != '/')
				return err_setn(EINVAL, "hooks.%s: path must be absolute", hook_keys[k]);
			s->nhooks[k]++;
			if (str_list(d, jget(d, i, "args"), "hooks.args", &h->args)
			    || str_list(d, jget(d, i, "env"), "hooks.env", &h->env))
				return -1;
			if (get_u64(d, i, "timeout", &t, "hooks") == 1) {
				if (t <= 0)
					return err_setn(EINVAL, "hooks.%s: timeout must be positive",
							hook_keys[k]);
				h->timeout = t > 3600 ? 3600 : (int)t;
			}
		}
	}
	return 0;
}

static int parse_linux(struct oci_spec *s, uint32_t lx)
{
	const struct json_doc *d = &s->doc;
	static const char *const unsupported[] = { "intelRdt", "personality", "mountLabel",
						   "timeOffsets" };

	if (obj_or_none(d, lx, "linux"))
		return -1;
	if (!lx)
		return 0;
	for (unsigned k = 0; k < sizeof(unsupported) / sizeof(unsupported[0]); k++) {
		uint32_t i = jget(d, lx, unsupported[k]);

		if (i && json_type(d, i) != JSON_NULL
		    && (json_type(d, i) != JSON_STRING || d->nodes[i].len))
			return err_setn(EOPNOTSUPP, "linux.%s is not supported by boxcar",
					unsupported[k]);
	}
	if (parse_namespaces(s, jget(d, lx, "namespaces"))
	    || parse_idmaps(d, jget(d, lx, "uidMappings"), s->uidmap, &s->nuidmap,
			    "linux.uidMappings")
	    || parse_idmaps(d, jget(d, lx, "gidMappings"), s->gidmap, &s->ngidmap,
			    "linux.gidMappings")
	    || parse_devices(s, jget(d, lx, "devices"))
	    || parse_resources(s, jget(d, lx, "resources"))
	    || str_list(d, jget(d, lx, "maskedPaths"), "linux.maskedPaths", &s->masked)
	    || str_list(d, jget(d, lx, "readonlyPaths"), "linux.readonlyPaths", &s->readonly))
		return -1;
	s->cgroups_path = jget_str(d, lx, "cgroupsPath");
	s->sysctl = jget(d, lx, "sysctl");
	if (s->sysctl && json_type(d, s->sysctl) != JSON_OBJECT)
		s->sysctl = 0;
	for (uint32_t k = s->sysctl ? jfirst(d, s->sysctl) : 0; k; k = json_next(d, k))
		if (!json_str(d, k + 1))
			return err_setn(EINVAL, "linux.sysctl: values must be strings");
	s->rootfs_propagation = jget_str(d, lx, "rootfsPropagation");
	s->seccomp = jget(d, lx, "seccomp");
	/* anything but an object (or null) is a mistake, and dropping it
	 * would run the container without the filter its author wanted */
	if (s->seccomp && json_type(d, s->seccomp) == JSON_NULL)
		s->seccomp = 0;
	if (s->seccomp && json_type(d, s->seccomp) != JSON_OBJECT)
		return err_setn(EINVAL, "linux.seccomp: not an object");
	if ((s->new_ns & CLONE_NEWUSER) || s->nuidmap || s->ngidmap) {
		if (!(s->new_ns & CLONE_NEWUSER))
			return err_setn(EINVAL, "linux.uidMappings without a new user namespace");
		if (!s->nuidmap || !s->ngidmap)
			return err_setn(EINVAL, "a user namespace needs uidMappings and gidMappings");
	}
	return 0;
}

int oci_spec_parse(struct oci_spec *s, const char *buf, size_t len)
{
	const struct json_doc *d = &s->doc;
	uint32_t root, i;

	memset(s, 0, sizeof(*s));
	s->swappiness = s->net_classid = -1; /* not set, whether or not linux is */
	if (json_parse(&s->doc, buf, len))
		return err_prefix("config.json");
	if (json_type(d, 0) != JSON_OBJECT) {
		err_setn(EINVAL, "config.json: not an object");
		goto bad;
	}
	s->version = json_get_str(d, 0, "ociVersion");
	if (!s->version || strncmp(s->version, "1.", 2)) {
		err_setn(EINVAL, "config.json: ociVersion %s is not 1.x",
			 s->version ? s->version : "(none)");
		goto bad;
	}
	if (oci_process_parse(d, json_get(d, 0, "process"), &s->proc))
		goto bad;
	root = json_get(d, 0, "root");
	if (!(s->root = jget_str(d, root, "path")) || !*s->root) {
		err_setn(EINVAL, "config.json: root.path is missing");
		goto bad;
	}
	s->root_readonly = get_bool(d, root, "readonly");
	s->hostname = json_get_str(d, 0, "hostname");
	s->domainname = json_get_str(d, 0, "domainname");
	s->annotations = json_get(d, 0, "annotations");
	if (s->annotations && json_type(d, s->annotations) != JSON_OBJECT)
		s->annotations = 0;
	for (i = s->annotations ? jfirst(d, s->annotations) : 0; i; i = json_next(d, i))
		if (!json_str(d, i + 1)) {
			err_setn(EINVAL, "annotations: values must be strings");
			goto bad;
		}
	if (parse_mounts(s, json_get(d, 0, "mounts"))
	    || parse_linux(s, json_get(d, 0, "linux"))
	    || parse_hooks(s, json_get(d, 0, "hooks")))
		goto bad;
	if (!(s->new_ns & CLONE_NEWUTS) && s->hostname && *s->hostname) {
		int joined = 0;

		for (int k = 0; k < s->nns; k++)
			joined |= s->ns[k].flag == CLONE_NEWUTS;
		if (!joined) {
			err_setn(EINVAL, "hostname needs a UTS namespace");
			goto bad;
		}
	}
	return 0;
bad:
	oci_spec_free(s);
	return -1;
}

void oci_spec_free(struct oci_spec *s)
{
	oci_process_free(&s->proc);
	free(s->mounts);
	free(s->devices);
	free(s->devrules);
	free(s->masked);
	free(s->readonly);
	/* a parsed config.json's alone (spec_docker_fill sets none) */
	if (ENABLED(APPLET_OCI)) {
		free(s->hugepages);
		free(s->iolimits);
		free(s->netprios);
		for (int k = 0; k < OCI_HOOK_KINDS; k++) {
			for (int i = 0; i < s->nhooks[k]; i++) {
				free(s->hooks[k][i].args);
				free(s->hooks[k][i].env);
			}
			free(s->hooks[k]);
		}
	}
	while (s->owned) {
		struct oci_owned *o = s->owned;

		s->owned = o->next;
		free(o);
	}
	json_free(&s->doc);
	memset(s, 0, sizeof(*s));
}

/* ---- writing ------------------------------------------------------------- */

static void w_strs(struct json_w *w, const char *key, char *const *v)
{
	jw_key(w, key);
	jw_arr(w);
	for (int i = 0; v && v[i]; i++)
		jw_str(w, v[i]);
	jw_end(w);
}

static void w_caps(struct json_w *w, const char *key, uint64_t set)
{
	char name[40];

	jw_key(w, key);
	jw_arr(w);
	for (int cap = 0; cap < 64; cap++)
		if ((set >> cap & 1) && cap_name(cap)) {
			snprintf(name, sizeof(name), "CAP_%s", cap_name(cap));
			jw_str(w, name);
		}
	jw_end(w);
}

static void w_process(const struct oci_process *p, struct json_w *w)
{
	jw_key(w, "process");
	jw_obj(w);
	jw_key(w, "terminal");
	jw_bool(w, p->terminal);
	jw_key(w, "user");
	jw_obj(w);
	jw_kint(w, "uid", p->uid);
	jw_kint(w, "gid", p->gid);
	jw_key(w, "additionalGids");
	jw_arr(w);
	for (int i = 0; i < p->ngids; i++)
		jw_int(w, p->gids[i]);
	jw_end(w);
	jw_end(w);
	w_strs(w, "args", p->args);
	w_strs(w, "env", p->env);
	jw_kstr(w, "cwd", p->cwd ? p->cwd : "/");
	if (p->has_caps) {
		jw_key(w, "capabilities");
		jw_obj(w);
		w_caps(w, "bounding", p->caps_bounding);
		w_caps(w, "effective", p->caps_effective);
		w_caps(w, "permitted", p->caps_permitted);
		if (p->caps_inheritable)
			w_caps(w, "inheritable", p->caps_inheritable);
		if (p->caps_ambient)
			w_caps(w, "ambient", p->caps_ambient);
		jw_end(w);
	}
	jw_key(w, "rlimits");
	jw_arr(w);
	for (int i = 0; i < p->nrlimits; i++) {
		const struct oci_rlimit *r = &p->rlimits[i];
		unsigned k;

		for (k = 0; k < sizeof(rlimit_names) / sizeof(rlimit_names[0]); k++)
			if (rlimit_names[k].res == r->resource)
				break;
		if (k == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
			continue;
		jw_obj(w);
		jw_kstr(w, "type", rlimit_names[k].name);
		/* RLIM_INFINITY is 2^64-1: the writer's int64 says -1, which
		 * the reader takes for unlimited */
		jw_kint(w, "hard", r->hard == RLIM_INFINITY ? -1 : (int64_t)r->hard);
		jw_kint(w, "soft", r->soft == RLIM_INFINITY ? -1 : (int64_t)r->soft);
		jw_end(w);
	}
	jw_end(w);
	if (p->has_oom_score_adj)
		jw_kint(w, "oomScoreAdj", p->oom_score_adj);
	jw_key(w, "noNewPrivileges");
	jw_bool(w, p->no_new_privs);
	jw_end(w);
}

/* A mount's options, from what oci_mount_options made of them, by the
 * same tables: what is cleared first (the reader applies options in
 * order), then what is set, the binding, propagation and the data. */
static void w_mount(const struct oci_mount *m, struct json_w *w)
{
	const unsigned n = sizeof(mount_flags) / sizeof(mount_flags[0]);
	char data[sizeof(m->data)], *p, *save;

	jw_obj(w);
	jw_kstr(w, "destination", m->dest);
	if (m->type)
		jw_kstr(w, "type", m->type);
	if (m->source)
		jw_kstr(w, "source", m->source);
	jw_key(w, "options");
	jw_arr(w);
	if (m->bind)
		jw_str(w, m->flags & MS_REC ? "rbind" : "bind");
	for (unsigned i = 0; i < n; i++)
		if (mount_flags[i].clear && (m->clear & mount_flags[i].clear))
			jw_str(w, mount_flags[i].name);
	for (unsigned i = 0; i < n; i++)
		if (mount_flags[i].set && (m->flags & mount_flags[i].set) == mount_flags[i].set
		    && !(m->rro && mount_flags[i].set == MS_RDONLY))
			jw_str(w, mount_flags[i].name);
	if (m->rro)
		jw_str(w, "rro");
	for (unsigned i = 0; i < sizeof(mount_props) / sizeof(mount_props[0]); i++)
		if (m->prop == mount_props[i].prop)
			jw_str(w, mount_props[i].name);
	snprintf(data, sizeof(data), "%s", m->data);
	for (p = strtok_r(data, ",", &save); p; p = strtok_r(NULL, ",", &save))
		jw_str(w, p);
	jw_end(w);
	jw_end(w);
}

static void w_namespaces(const struct oci_spec *s, struct json_w *w)
{
	jw_key(w, "namespaces");
	jw_arr(w);
	for (int i = 0; i < s->nns; i++)
		for (unsigned k = 0; k < sizeof(ns_names) / sizeof(ns_names[0]); k++)
			if (ns_names[k].flag == s->ns[i].flag) {
				jw_obj(w);
				jw_kstr(w, "type", ns_names[k].name);
				if (s->ns[i].path)
					jw_kstr(w, "path", s->ns[i].path);
				jw_end(w);
			}
	jw_end(w);
}

static void w_devices(const struct oci_spec *s, struct json_w *w)
{
	jw_key(w, "devices");
	jw_arr(w);
	for (int i = 0; i < s->ndevices; i++) {
		const struct oci_device *dv = &s->devices[i];

		jw_obj(w);
		jw_kstr(w, "path", dv->path);
		jw_kstr(w, "type", dv->type == S_IFBLK ? "b" : dv->type == S_IFIFO ? "p" : "c");
		if (dv->type != S_IFIFO) {
			jw_kint(w, "major", dv->major);
			jw_kint(w, "minor", dv->minor);
		}
		jw_kint(w, "fileMode", dv->mode);
		jw_kint(w, "uid", dv->uid);
		jw_kint(w, "gid", dv->gid);
		jw_end(w);
	}
	jw_end(w);
}

static void w_resources(const struct oci_spec *s, struct json_w *w)
{
	jw_key(w, "resources");
	jw_obj(w);
	jw_key(w, "devices");
	jw_arr(w);
	for (int i = 0; i < s->ndevrules; i++) {
		const struct oci_devrule *r = &s->devrules[i];
		char type[2] = { r->type, 0 };

		jw_obj(w);
		jw_key(w, "allow");
		jw_bool(w, r->allow);
		if (r->type != 'a')
			jw_kstr(w, "type", type);
		if (r->major >= 0)
			jw_kint(w, "major", r->major);
		if (r->minor >= 0)
			jw_kint(w, "minor", r->minor);
		jw_kstr(w, "access", r->access);
		jw_end(w);
	}
	jw_end(w);
	if (s->memory || s->memory_swap) {
		jw_key(w, "memory");
		jw_obj(w);
		if (s->memory)
			jw_kint(w, "limit", s->memory);
		if (s->memory_swap)
			jw_kint(w, "swap", s->memory_swap);
		jw_end(w);
	}
	if (s->cpu_shares || s->cpu_quota || s->cpu_period) {
		jw_key(w, "cpu");
		jw_obj(w);
		if (s->cpu_shares)
			jw_kint(w, "shares", s->cpu_shares);
		if (s->cpu_quota)
			jw_kint(w, "quota", s->cpu_quota);
		if (s->cpu_period)
			jw_kint(w, "period", s->cpu_period);
		jw_end(w);
	}
	if (s->pids_limit) {
		jw_key(w, "pids");
		jw_obj(w);
		jw_kint(w, "limit", s->pids_limit);
		jw_end(w);
	}
	jw_end(w);
}

void oci_spec_json(const struct oci_spec *s, struct json_w *w)
{
	jw_obj(w);
	jw_kstr(w, "ociVersion", s->version ? s->version : OCI_VERSION);
	w_process(&s->proc, w);
	jw_key(w, "root");
	jw_obj(w);
	jw_kstr(w, "path", s->root);
	jw_key(w, "readonly");
	jw_bool(w, s->root_readonly);
	jw_end(w);
	if (s->hostname)
		jw_kstr(w, "hostname", s->hostname);
	if (s->domainname)
		jw_kstr(w, "domainname", s->domainname);
	jw_key(w, "mounts");
	jw_arr(w);
	for (int i = 0; i < s->nmounts; i++)
		w_mount(&s->mounts[i], w);
	jw_end(w);
	jw_key(w, "linux");
	jw_obj(w);
	w_namespaces(s, w);
	w_devices(s, w);
	w_resources(s, w);
	if (s->cgroups_path)
		jw_kstr(w, "cgroupsPath", s->cgroups_path);
	if (s->masked)
		w_strs(w, "maskedPaths", s->masked);
	if (s->readonly)
		w_strs(w, "readonlyPaths", s->readonly);
	if (ENABLED(FEATURE_SECCOMP) && s->seccomp_builtin) {
		jw_key(w, "seccomp");
		seccomp_default_json(s->proc.caps_bounding, w);
	}
	jw_end(w);
	jw_key(w, "annotations");
	jw_obj(w);
	for (int i = 0; i < s->nann; i++)
		jw_kstr(w, s->ann[i].key, s->ann[i].value);
	jw_end(w);
	jw_end(w);
}
