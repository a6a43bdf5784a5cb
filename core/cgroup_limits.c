/* cgroup_limits.c - writing a container's limits and reading its OOM
 * kills, in v1 or v2 files, whichever holds the controller (cgroup.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "err.h"
#include "number.h"

#define CFS_PERIOD_US 100000

static int is_v2(const struct cgroup *cg, const char *dir)
{
	return dir == cgroup_path(cg, CG_UNIFIED);
}

static int has_file(const char *dir, const char *file)
{
	char path[CGROUP_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

/* v1 spells "no limit" -1, v2 "max". */
static void limit_str(char *buf, size_t n, int64_t v, int v2)
{
	if (v < 0)
		snprintf(buf, n, "%s", v2 ? "max" : "-1");
	else
		snprintf(buf, n, "%" PRId64, v);
}

static const char *need(const struct cgroup *cg, unsigned ctrl, const char *what)
{
	const char *dir = cgroup_path(cg, ctrl);

	if (!dir)
		err_setn(EOPNOTSUPP, "cannot set %s: no such cgroup controller here", what);
	return dir;
}

static int set_memory(const struct cgroup *cg, int64_t mem, int64_t total)
{
	const char *dir = need(cg, CG_MEMORY, "a memory limit");
	char m[24], s[24], cur[32];
	int swap_first;

	if (!dir)
		return -1;
	if (is_v2(cg, dir)) {
		/* v2 counts swap alone: memory.swap.max = total - memory. */
		limit_str(m, sizeof(m), mem, 1);
		if (cgroup_file_write(dir, "memory.max", m))
			return -1;
		if (!total || !has_file(dir, "memory.swap.max"))
			return 0;
		limit_str(s, sizeof(s), total < 0 || mem < 0 ? -1 : total - mem, 1);
		return cgroup_file_write(dir, "memory.swap.max", s);
	}
	limit_str(m, sizeof(m), mem, 0);
	if (!total || !has_file(dir, "memory.memsw.limit_in_bytes"))
		return cgroup_file_write(dir, "memory.limit_in_bytes", m);
	/* The kernel keeps memory <= memory+swap at every step: when the
	 * new total is above the current memory limit, raise the total
	 * first; else lower memory first (runc does the same). */
	limit_str(s, sizeof(s), total, 0);
	if (cgroup_file_read(dir, "memory.limit_in_bytes", cur, sizeof(cur)))
		return -1;
	swap_first = total < 0 || strtoull(cur, NULL, 10) < (uint64_t)total;
	if (swap_first)
		return cgroup_file_write(dir, "memory.memsw.limit_in_bytes", s) ||
		       cgroup_file_write(dir, "memory.limit_in_bytes", m) ? -1 : 0;
	return cgroup_file_write(dir, "memory.limit_in_bytes", m) ||
	       cgroup_file_write(dir, "memory.memsw.limit_in_bytes", s) ? -1 : 0;
}

static int set_cpu(const struct cgroup *cg, const struct cgroup_limits *l)
{
	const char *dir = need(cg, CG_CPU, "a CPU limit");
	int64_t quota = l->cpu_quota, period = l->cpu_period, shares = l->cpu_shares;
	char buf[48];
	int v2;

	if (!dir)
		return -1;
	v2 = is_v2(cg, dir);
	if (!quota && !period && l->cpu_millis) {
		quota = l->cpu_millis < 0 ? -1 : l->cpu_millis * (CFS_PERIOD_US / 1000);
		period = CFS_PERIOD_US;
	}
	if (v2 && (quota || period)) {
		/* one file for both: an unset quota is "max", as runc writes */
		limit_str(buf, sizeof(buf), quota ? quota : -1, 1);
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " %" PRId64,
			 period ? period : CFS_PERIOD_US);
		if (cgroup_file_write(dir, "cpu.max", buf))
			return -1;
	} else if (quota || period) {
		snprintf(buf, sizeof(buf), "%" PRId64, period);
		if (period && cgroup_file_write(dir, "cpu.cfs_period_us", buf))
			return -1;
		limit_str(buf, sizeof(buf), quota, 0);
		if (quota && cgroup_file_write(dir, "cpu.cfs_quota_us", buf))
			return -1;
	}
	if (shares) {
		if (v2)
			snprintf(buf, sizeof(buf), "%" PRId64, 1 + ((shares - 2) * 9999) / 262142);
		else
			snprintf(buf, sizeof(buf), "%" PRId64, shares);
		if (cgroup_file_write(dir, v2 ? "cpu.weight" : "cpu.shares", buf))
			return -1;
	}
	return 0;
}

int cgroup_parse_cpus(const char *s, int64_t *millis)
{
	const char *end;
	uint64_t micro;

	/* in millionths first: 0.0099 is under the minimum, not rounded up
	 * to it */
	if (number_parse_fixed(s, 1000000, 1000000000000ull, &micro, &end) || *end ||
	    micro < 10000) {
		errno = EINVAL;
		return -1;
	}
	*millis = (int64_t)((micro + 500) / 1000);
	return 0;
}

int cgroup_set_limits(const struct cgroup *cg, const struct cgroup_limits *l)
{
	if (l->memory < -1 || l->memory_swap < -1 || l->pids_limit < -1 ||
	    (l->memory_swap > 0 && (l->memory <= 0 || l->memory_swap < l->memory)))
		return err_setn(EINVAL, "bad memory or pids limit");
	if (l->cpu_millis < -1 || (l->cpu_millis > 0 && l->cpu_millis < 10) ||
	    l->cpu_millis > INT64_MAX / 1000 || (l->cpu_shares &&
	    (l->cpu_shares < 2 || l->cpu_shares > 262144)))
		return err_setn(EINVAL, "bad CPU limit (at least 0.01 CPU, shares 2..262144)");
	if (l->cpu_quota < -1 || (l->cpu_quota > 0 && l->cpu_quota < 1000) ||
	    (l->cpu_period && (l->cpu_period < 1000 || l->cpu_period > 1000000)))
		return err_setn(EINVAL, "bad CPU quota or period (quota at least 1000 us, "
				"period 1000..1000000 us)");
	if (l->memory && set_memory(cg, l->memory, l->memory_swap))
		return -1;
	if ((l->cpu_millis || l->cpu_quota || l->cpu_period || l->cpu_shares) && set_cpu(cg, l))
		return -1;
	if (l->pids_limit) {
		const char *dir = need(cg, CG_PIDS, "a pids limit");
		char buf[24];

		if (!dir)
			return -1;
		limit_str(buf, sizeof(buf), l->pids_limit, 1); /* "max" in both */
		if (cgroup_file_write(dir, "pids.max", buf))
			return -1;
	}
	return 0;
}

int cgroup_oom_killed(const struct cgroup *cg)
{
	const char *dir = cgroup_path(cg, CG_MEMORY);
	char buf[1024], *p;

	if (!dir)
		return 0;
	if (cgroup_file_read(dir, is_v2(cg, dir) ? "memory.events" : "memory.oom_control",
			     buf, sizeof(buf)))
		return -1;
	for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "oom_kill ", 9))
			return atoi(p + 9);
	return 0;
}

/* ---- the rarer limits ---------------------------------------------------- */

int cgroup_set_cpuset(const struct cgroup *cg, const char *cpus, const char *mems)
{
	const char *dir = need(cg, CG_CPUSET, "a cpuset");

	if (!dir)
		return -1;
	/* mems first: a v1 cpuset with cpus but no mems takes no task, and
	 * both start as the parent's, so either order is valid here */
	if (mems && cgroup_file_write(dir, "cpuset.mems", mems))
		return -1;
	return cpus ? cgroup_file_write(dir, "cpuset.cpus", cpus) : 0;
}

int cgroup_set_hugetlb(const struct cgroup *cg, const char *pagesize, uint64_t limit)
{
	const char *dir = need(cg, CG_HUGETLB, "a hugepage limit");
	char file[64], v[24];
	size_t n = strspn(pagesize, "0123456789");

	if (!dir)
		return -1;
	if (!n || n > 8 || (strcmp(pagesize + n, "KB") && strcmp(pagesize + n, "MB") &&
			    strcmp(pagesize + n, "GB")))
		return err_setn(EINVAL, "hugepage size %s: not a size like 2MB", pagesize);
	snprintf(file, sizeof(file), "hugetlb.%s.%s", pagesize,
		 is_v2(cg, dir) ? "max" : "limit_in_bytes");
	if (!has_file(dir, file))
		return err_setn(EINVAL, "hugepage size %s: not one this kernel has", pagesize);
	snprintf(v, sizeof(v), "%" PRIu64, limit);
	return cgroup_file_write(dir, file, v);
}

/* Each enum cgroup_io's file: v1's, and v2's with the key of its
 * "MAJ:MIN key=value" lines (NULL: io.weight's plain "MAJ:MIN W"). */
static const struct {
	const char *v1, *v1_dev, *v2_key;
} io_files[] = {
	[CG_IO_WEIGHT] = { "blkio.weight", "blkio.weight_device", NULL },
	[CG_IO_LEAF_WEIGHT] = { "blkio.leaf_weight", "blkio.leaf_weight_device", NULL },
	[CG_IO_READ_BPS] = { NULL, "blkio.throttle.read_bps_device", "rbps" },
	[CG_IO_WRITE_BPS] = { NULL, "blkio.throttle.write_bps_device", "wbps" },
	[CG_IO_READ_IOPS] = { NULL, "blkio.throttle.read_iops_device", "riops" },
	[CG_IO_WRITE_IOPS] = { NULL, "blkio.throttle.write_iops_device", "wiops" },
};

int cgroup_set_io(const struct cgroup *cg, enum cgroup_io what, int major, int minor,
		  uint64_t v)
{
	const char *dir = need(cg, CG_IO, "a block I/O limit"), *file, *bfq;
	char val[64], dev[24] = "";
	int v2;

	if (!dir)
		return -1;
	if ((unsigned)what >= sizeof(io_files) / sizeof(io_files[0]))
		return err_setn(EINVAL, "bad block I/O limit");
	v2 = is_v2(cg, dir);
	if (major >= 0)
		snprintf(dev, sizeof(dev), "%d:%d ", major, minor);
	if (what <= CG_IO_LEAF_WEIGHT && (v < 10 || v > 1000))
		return err_setn(EINVAL, "block I/O weight %" PRIu64 ": 10 to 1000", v);
	if (!v2) {
		file = major >= 0 ? io_files[what].v1_dev : io_files[what].v1;
		/* the BFQ scheduler's own, where CFQ's are gone (Linux 5.0) */
		bfq = major >= 0 ? "blkio.bfq.weight_device" : "blkio.bfq.weight";
		if (what == CG_IO_WEIGHT && !has_file(dir, file) && has_file(dir, bfq))
			file = bfq;
		snprintf(val, sizeof(val), "%s%" PRIu64, dev, v);
	} else if (what == CG_IO_LEAF_WEIGHT) {
		return err_setn(EOPNOTSUPP, "block I/O leaf weights: not on cgroup v2");
	} else if (what == CG_IO_WEIGHT) {
		file = "io.weight";
		snprintf(val, sizeof(val), "%s%s%" PRIu64, major < 0 ? "default " : "", dev,
			 1 + (v - 10) * 9999 / 990);
	} else {
		file = "io.max";
		snprintf(val, sizeof(val), "%s%s=%" PRIu64, dev, io_files[what].v2_key, v);
	}
	if (!file || !has_file(dir, file))
		return err_setn(EOPNOTSUPP, "cannot set %s: the kernel has no %s here (%s)",
				what <= CG_IO_LEAF_WEIGHT ? "a block I/O weight" : "a block I/O throttle",
				file ? file : "such file", dir);
	return cgroup_file_write(dir, file, val);
}

int cgroup_set_net_classid(const struct cgroup *cg, uint32_t classid)
{
	const char *dir = need(cg, CG_NET_CLS, "a network class (net_cls, cgroup v1)");
	char v[16];

	if (!dir)
		return -1;
	snprintf(v, sizeof(v), "%" PRIu32, classid);
	return cgroup_file_write(dir, "net_cls.classid", v);
}

int cgroup_set_net_prio(const struct cgroup *cg, const char *ifname, uint32_t prio)
{
	const char *dir = need(cg, CG_NET_PRIO, "a network priority (net_prio, cgroup v1)");
	char v[64];

	if (!dir)
		return -1;
	if (!*ifname || strlen(ifname) >= 16 || strchr(ifname, ' ') || strchr(ifname, '\n'))
		return err_setn(EINVAL, "bad interface name %s", ifname);
	snprintf(v, sizeof(v), "%s %" PRIu32, ifname, prio);
	return cgroup_file_write(dir, "net_prio.ifpriomap", v);
}
