/* cgroup_stats.c - what `stats` shows of a container, from its cgroup
 * files: CPU time, memory used and its limit, pids, block I/O. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "err.h"

#define STAT_BUF 8192 /* memory.stat is ~1.5 KiB; io.stat a line a device */

/* The number after "key " at the start of a line of text, or -1. */
static int64_t keyed(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
	return -1;
}

/* A file holding one number, "max" (-1) or nothing we can read (-2). */
static int64_t one(const char *dir, const char *file)
{
	char buf[64];

	if (!dir || cgroup_file_read(dir, file, buf, sizeof(buf)))
		return -2;
	return !strncmp(buf, "max", 3) ? -1 : strtoll(buf, NULL, 10);
}

/* Sum "rbytes=" and "wbytes=" over the devices of v2 io.stat. */
static void io_stat(const char *text, int64_t *r, int64_t *w)
{
	*r = *w = 0;
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *rb = strstr(p, "rbytes="), *wb = strstr(p, "wbytes=");
		const char *eol = strchr(p, '\n');

		if (rb && (!eol || rb < eol))
			*r += strtoll(rb + 7, NULL, 10);
		if (wb && (!eol || wb < eol))
			*w += strtoll(wb + 7, NULL, 10);
	}
}

int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *st)
{
	const char *cpu = cgroup_path(cg, CG_CPUACCT), *mem = cgroup_path(cg, CG_MEMORY);
	const char *v2 = cgroup_path(cg, CG_UNIFIED);
	char *buf = malloc(STAT_BUF);
	int64_t v;

	if (!buf)
		return err_set("out of memory");
	memset(st, 0, sizeof(*st));
	st->cpu_ns = st->mem_usage = st->mem_limit = st->pids = -1;
	st->blk_read = st->blk_write = -1;
	if (cpu && cpu == v2) {
		if (!cgroup_file_read(cpu, "cpu.stat", buf, STAT_BUF) &&
		    (v = keyed(buf, "usage_usec")) >= 0)
			st->cpu_ns = v * 1000;
	} else if ((v = one(cpu, "cpuacct.usage")) >= 0)
		st->cpu_ns = v;
	if (mem) {
		int is2 = mem == v2;

		/* docker's "usage": what is charged less the page cache the
		 * kernel can drop at once (inactive file pages) */
		v = one(mem, is2 ? "memory.current" : "memory.usage_in_bytes");
		if (v >= 0 && !cgroup_file_read(mem, "memory.stat", buf, STAT_BUF)) {
			int64_t inactive = keyed(buf, is2 ? "inactive_file" : "total_inactive_file");

			st->mem_usage = inactive > 0 && inactive < v ? v - inactive : v;
		}
		v = one(mem, is2 ? "memory.max" : "memory.limit_in_bytes");
		/* v1 says "no limit" with a huge number (PAGE_COUNTER_MAX) */
		st->mem_limit = v >= 0 && v < (INT64_C(1) << 60) ? v : -1;
	}
	if ((v = one(cgroup_path(cg, CG_PIDS), "pids.current")) >= 0)
		st->pids = v;
	if (v2 && !cgroup_file_read(v2, "io.stat", buf, STAT_BUF))
		io_stat(buf, &st->blk_read, &st->blk_write);
	free(buf);
	return 0;
}
