/* cgroup_oci.c - a container's cgroup from its OCI spec (cgroup_oci.h):
 * oci create's and run's monitor's. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applet.h"
#include "cgroup_oci.h"
#include "err.h"
#include "ocispec.h"
#include "store.h" /* err_prefix */

int oci_cgroup_name(const char *path, const char *id, int systemd, char *buf, size_t n)
{
	int w;

	if (!path || !*path)
		w = snprintf(buf, n, "boxcar-oci/%s", id);
	else if (systemd || (strchr(path, ':') && path[0] != '/')) {
		const char *c1 = strchr(path, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			return err_setn(EINVAL, "cgroupsPath %s: not slice:prefix:name", path);
		/* systemd's slice "a-b.slice" lives in a.slice/a-b.slice; a
		 * plain one at the top */
		w = snprintf(buf, n, "%.*s/%.*s-%s.scope", (int)(c1 - path),
			     c1 == path ? "system.slice" : path, (int)(c2 - c1 - 1), c1 + 1, c2 + 1);
		if (c1 == path)
			w = snprintf(buf, n, "system.slice/%.*s-%s.scope", (int)(c2 - c1 - 1), c1 + 1,
				     c2 + 1);
	} else
		w = snprintf(buf, n, "%s", path + (path[0] == '/'));
	if (w < 0 || (size_t)w >= n)
		return err_setn(ENAMETOOLONG, "cgroupsPath %s", path);
	return 0;
}

int oci_cgroup_parents(const char *name)
{
	return !strncmp(name, "boxcar-oci/", 11) && !strchr(name + 11, '/');
}

/* What cgroup_set_limits does not cover: the v1 memory files (v2:
 * memory.low for a reservation). A kernel memory limit is written where
 * the kernel still has the file (cgroup v1 before Linux 6.1; runc too
 * goes on without it). */
static int memory_extras(const struct oci_spec *s, const struct cgroup *cg)
{
	const char *dir = cgroup_path(cg, CG_MEMORY);
	int v2 = cgroup_path(cg, CG_UNIFIED) == dir;
	char v[24], path[PATH_MAX];

	if (!s->memory_reservation && !s->memory_kernel && !s->memory_kernel_tcp
	    && s->swappiness < 0 && !s->disable_oom_killer)
		return 0;
	if (!dir)
		return err_setn(EOPNOTSUPP, "linux.resources.memory: no memory controller");
	if (s->memory_reservation) {
		snprintf(v, sizeof(v), "%lld", (long long)s->memory_reservation);
		if (cgroup_file_write(dir, v2 ? "memory.low" : "memory.soft_limit_in_bytes", v))
			return -1;
	}
	if (s->swappiness >= 0) {
		if (v2)
			return err_setn(EOPNOTSUPP, "memory.swappiness: not on cgroup v2");
		snprintf(v, sizeof(v), "%lld", (long long)s->swappiness);
		if (cgroup_file_write(dir, "memory.swappiness", v))
			return -1;
	}
	if (s->disable_oom_killer) {
		if (v2)
			return err_setn(EOPNOTSUPP, "disableOOMKiller: not on cgroup v2");
		if (cgroup_file_write(dir, "memory.oom_control", "1"))
			return -1;
	}
	if (s->memory_kernel && snprintf(path, sizeof(path), "%s/memory.kmem.limit_in_bytes", dir) > 0
	    && access(path, F_OK) == 0) {
		snprintf(v, sizeof(v), "%lld", (long long)s->memory_kernel);
		if (cgroup_file_write(dir, "memory.kmem.limit_in_bytes", v))
			return -1;
	}
	if (s->memory_kernel_tcp
	    && snprintf(path, sizeof(path), "%s/memory.kmem.tcp.limit_in_bytes", dir) > 0
	    && access(path, F_OK) == 0) {
		snprintf(v, sizeof(v), "%lld", (long long)s->memory_kernel_tcp);
		if (cgroup_file_write(dir, "memory.kmem.tcp.limit_in_bytes", v))
			return -1;
	}
	return 0;
}

/* The hierarchies beyond cgroup.h's CG_BASIC that the spec's limits need:
 * the container is put in those only. */
unsigned oci_cgroup_extra(const struct oci_spec *s)
{
	if (!ENABLED(APPLET_OCI))
		return 0;
	return (s->cpus || s->mems ? CG_CPUSET : 0) | (s->nhugepages ? CG_HUGETLB : 0) |
	       (s->niolimits ? CG_IO : 0) | (s->net_classid >= 0 ? CG_NET_CLS : 0) |
	       (s->nnetprios ? CG_NET_PRIO : 0);
}

/* cpuset, hugetlb, blockIO and network, each prefixed with the spec's
 * name for it when it fails. */
static int rare_limits(const struct oci_spec *s, const struct cgroup *cg)
{
	if ((s->cpus || s->mems) && cgroup_set_cpuset(cg, s->cpus, s->mems))
		return err_prefix("linux.resources.cpu");
	for (int i = 0; i < s->nhugepages; i++)
		if (cgroup_set_hugetlb(cg, s->hugepages[i].size, s->hugepages[i].limit))
			return err_prefix("linux.resources.hugepageLimits");
	for (int i = 0; i < s->niolimits; i++) {
		const struct oci_iolimit *l = &s->iolimits[i];

		if (cgroup_set_io(cg, l->what, l->major, l->minor, l->v))
			return err_prefix("linux.resources.blockIO");
	}
	if (s->net_classid >= 0 && cgroup_set_net_classid(cg, (uint32_t)s->net_classid))
		return err_prefix("linux.resources.network");
	for (int i = 0; i < s->nnetprios; i++)
		if (cgroup_set_net_prio(cg, s->netprios[i].ifname, s->netprios[i].prio))
			return err_prefix("linux.resources.network");
	return 0;
}

int oci_set_limits(const struct oci_spec *s, const struct cgroup *cg)
{
	struct cgroup_limits lim = {
		.memory = s->memory, .memory_swap = s->memory_swap,
		.cpu_quota = s->cpu_quota < 0 ? -1 : s->cpu_quota, .cpu_period = s->cpu_period,
		.cpu_shares = s->cpu_shares, .pids_limit = s->pids_limit,
	};

	if (cgroup_set_limits(cg, &lim))
		return -1;
	/* what only a config.json asks for (spec_docker.c writes none of
	 * it): not in builds without the oci applet */
	return ENABLED(APPLET_OCI) && (memory_extras(s, cg) || rare_limits(s, cg)) ? -1 : 0;
}

int oci_cgroup_make(struct cgroup *cg, const char *name, unsigned extra, int *made)
{
	*made = 0;
	if (cgroup_create(cg, name, extra) == 0)
		*made = 1;
	else if (err_errno() != EEXIST || cgroup_open(cg, name))
		return -1;
	return 0;
}

/* The devices policy (cgroup_oci.h). */
static int set_devices(const struct oci_spec *s, const struct cgroup *cg, unsigned flags)
{
	struct cgroup_device *rules;
	int strict = 0, rc;

	/* no rules: the defaults alone, as runc (a spec written by hand
	 * must not leave every host device to a container with MKNOD) */
	if (s->ndevrules && s->devrules[s->ndevrules - 1].allow
	    && s->devrules[s->ndevrules - 1].type == 'a')
		return 0;
	if (!(rules = calloc((size_t)s->ndevrules + 1, sizeof(*rules))))
		return err_setn(ENOMEM, "devices policy");
	for (int i = 0; i < s->ndevrules; i++) {
		const struct oci_devrule *r = &s->devrules[i];

		rules[i].type = r->type;
		rules[i].major = r->major;
		rules[i].minor = r->minor;
		rules[i].deny = !r->allow;
		memcpy(rules[i].access, r->access, sizeof(rules[i].access));
		strict |= r->allow && r->type != 'a' && strlen(r->access) < 3;
	}
	rc = cgroup_set_devices(cg, rules, s->ndevrules);
	free(rules);
	/* no devices policy where the kernel has none (docs/containers.md) */
	if (rc && err_errno() == EOPNOTSUPP && !((flags & OCI_CG_DEVICES_STRICT) && strict))
		return 0;
	return rc;
}

int oci_cgroup_limit(const struct oci_spec *s, const struct cgroup *cg, unsigned flags)
{
	struct oci_spec t;

	/* the built-in default asks, where the kernel can; a given limit
	 * insists */
	if ((flags & OCI_CG_PIDS_DEFAULT) && s->pids_limit && !cgroup_path(cg, CG_PIDS)) {
		t = *s;
		t.pids_limit = 0;
		s = &t;
	}
	return oci_set_limits(s, cg) || set_devices(s, cg, flags) ? -1 : 0;
}

int oci_cgroup_create(const struct oci_spec *s, const char *name, struct cgroup *cg,
		      unsigned flags)
{
	int made;

	if (oci_cgroup_make(cg, name, oci_cgroup_extra(s), &made))
		return -1;
	if (oci_cgroup_limit(s, cg, flags)) {
		if (made) {
			int e = err_errno();
			char msg[256];

			snprintf(msg, sizeof(msg), "%s", err_msg());
			cgroup_destroy(cg, oci_cgroup_parents(name));
			err_setn(e, "%s", msg);
		}
		return -1;
	}
	return 0;
}
