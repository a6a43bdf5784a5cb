/* cgroup.h - a container's cgroup, on cgroup v1, v2 and hybrid hosts.
 *
 * Which hierarchies exist is read from /proc/self/mountinfo, never guessed
 * from paths. Each controller boxcar uses is taken from a v1 hierarchy
 * when one is mounted (co-mounted ones like cpu,cpuacct included), else
 * from the cgroup2 tree when its cgroup.controllers lists it. So:
 *   v2      one cgroup2 mount: everything there.
 *   v1      one mount per controller (or co-mounted groups).
 *   hybrid  v1 controllers, plus a cgroup2 tree (systemd's
 *           /sys/fs/cgroup/unified) usually without controllers: limits
 *           go to v1; the container is also put in the cgroup2 tree so
 *           its processes are tracked there too.
 * A container's cgroup is NAME (e.g. "boxcar/<64-hex-id>") under the root
 * of every hierarchy used: the cgroups of the v1 controllers cpu,
 * cpuacct, memory, pids, freezer and devices, and the cgroup2 tree
 * (CG_BASIC); the rarer ones (cpuset, blkio/io, hugetlb, net_cls,
 * net_prio: CG_EXTRA) only when the caller asks, as a limit needs them,
 * so that a container without such limits costs no more directories.
 * name=systemd is left alone.
 *
 * Nothing mounted (a bare board): cgroup_create() mounts what is needed,
 * system-wide, and leaves it mounted, as an init system would (see
 * docs/cgroups.md): cgroup2 on /sys/fs/cgroup when the kernel has it and
 * the controllers are not already bound to v1 hierarchies, else a tmpfs
 * on /sys/fs/cgroup with one v1 mount per hierarchy from /proc/cgroups.
 *
 * Order for the launcher: cgroup_create, cgroup_set_limits, then
 * cgroup_attach(init pid) BEFORE the init unshares its cgroup namespace
 * (CLONE_NEWCGROUP): the namespace root is the cgroup the process is in
 * at unshare time, so attaching later would leave the container seeing
 * (and able to write to) the host's cgroup above its own.
 *
 * Errors follow err.h: -1 with errno and a message; what a call made is
 * undone on failure.
 */
#ifndef BOXCAR_CGROUP_H
#define BOXCAR_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Longest cgroup directory path kept (mount point + NAME); longer is
 * ENAMETOOLONG. Mount points on real systems are /sys/fs/cgroup/... */
#define CGROUP_PATH_MAX 256
/* Longest NAME ("boxcar/" + a 64-hex id is 71). */
#define CGROUP_NAME_MAX 128
/* Hierarchies a container can be in: eleven v1 controllers + cgroup2. */
#define CGROUP_DIRS_MAX 12

/* Controllers, as bits. */
enum {
	CG_CPU = 1 << 0,     /* v1 cpu / v2 cpu */
	CG_CPUACCT = 1 << 1, /* v1 cpuacct (v2: cpu.stat, always there) */
	CG_MEMORY = 1 << 2,
	CG_PIDS = 1 << 3,
	CG_FREEZER = 1 << 4, /* v1 freezer (v2: cgroup.freeze, built in) */
	CG_UNIFIED = 1 << 5, /* the cgroup2 tree itself */
	CG_DEVICES = 1 << 6, /* v1 devices (v2: an eBPF program, built in) */
	CG_CPUSET = 1 << 7,
	CG_IO = 1 << 8,      /* v1 blkio / v2 io */
	CG_HUGETLB = 1 << 9,
	CG_NET_CLS = 1 << 10, /* v1 only */
	CG_NET_PRIO = 1 << 11, /* v1 only */
};
#define CG_BASIC (CG_CPU | CG_CPUACCT | CG_MEMORY | CG_PIDS | CG_FREEZER | CG_UNIFIED | CG_DEVICES)
#define CG_EXTRA (CG_CPUSET | CG_IO | CG_HUGETLB | CG_NET_CLS | CG_NET_PRIO)

enum cgroup_mode {
	CGROUP_NONE,   /* no cgroup hierarchy mounted */
	CGROUP_V1,
	CGROUP_V2,
	CGROUP_HYBRID, /* v1 controllers and a cgroup2 tree */
};

struct cgroup_dir {
	char path[CGROUP_PATH_MAX]; /* mount point + "/" + NAME */
	unsigned ctrls;             /* CG_* this directory holds */
};

struct cgroup {
	char name[CGROUP_NAME_MAX];
	int ndirs;
	struct cgroup_dir dir[CGROUP_DIRS_MAX];
	unsigned ctrls;     /* union of dir[].ctrls: what can be limited */
	enum cgroup_mode mode;
};

/* What the host has, for `boxcar info` and inspect. Mounts nothing. */
struct cgroup_info {
	enum cgroup_mode mode;
	unsigned ctrls;     /* CG_* usable (v1 mounted or offered by the v2
			     * root; CG_FREEZER only from v1 here) */
	int mounted_by_us;  /* boxcar mounted them (a bare board) */
};
int cgroup_detect(struct cgroup_info *info);
/* "none", "v1", "v2", "hybrid". */
const char *cgroup_mode_name(enum cgroup_mode mode);

/* Limits; 0 means "not set, leave the kernel's default". */
struct cgroup_limits {
	int64_t memory;      /* bytes; -1 unlimited */
	int64_t memory_swap; /* memory + swap, bytes (Docker's --memory-swap);
			      * -1 unlimited swap. Needs memory set. Where swap
			      * accounting is off (no memsw / swap.max file) it
			      * is ignored. Docker's default when only memory
			      * is given (swap = memory, total 2x) is the
			      * caller's policy, not applied here. */
	int64_t cpu_millis;  /* 1500 = 1.5 CPUs (CFS quota over 100 ms);
			      * -1 unlimited; at least 10 */
	int64_t cpu_quota;   /* or the CFS quota as OCI gives it: microseconds
			      * per cpu_period, -1 unlimited (0: not set) */
	int64_t cpu_period;  /* µs, 1000..1000000; 0: not set (100 ms when the
			      * quota is). Either one set wins over cpu_millis */
	int64_t cpu_shares;  /* v1 cpu.shares, 2..262144; on v2 cpu.weight =
			      * 1 + ((shares - 2) * 9999) / 262142 like runc */
	int64_t pids_limit;  /* -1 unlimited */
};

/* Make NAME in the hierarchies of CG_BASIC and of extra (CG_EXTRA bits;
 * mounting them on a bare board, and on v2 enabling memory, pids, cpu
 * and extra's in the subtree_control of each parent down to NAME's). A
 * new v1 cpuset directory gets its parent's cpus and mems (the kernel
 * leaves them empty, and an empty cpuset takes no process). EEXIST if
 * it exists; on failure nothing is left. */
int cgroup_create(struct cgroup *cg, const char *name, unsigned extra);
/* Fill cg for an existing NAME (exec joins it, stop/rm/top look at it);
 * ENOENT if it is in no hierarchy. */
int cgroup_open(struct cgroup *cg, const char *name);
/* Write the limits that are set. A limit whose controller is missing is
 * an error (EOPNOTSUPP naming it), not silently dropped. */
int cgroup_set_limits(const struct cgroup *cg, const struct cgroup_limits *l);
/* The rarer limits (core/cgroup_limits.c), each in v1 or v2 files as
 * the hierarchy holding it has them; EOPNOTSUPP naming what is missing:
 * no such controller, or a kernel without the file (blkio weights need
 * the BFQ/CFQ scheduler).
 * cpuset: cpus and/or mems (NULL: leave) as the kernel's list syntax. */
int cgroup_set_cpuset(const struct cgroup *cg, const char *cpus, const char *mems);
/* hugetlb: limit bytes of pages of size "2MB", "1GB", "64KB" (the names
 * the kernel gives its hugetlb.<size>.* files); EINVAL for a size the
 * kernel does not have. */
int cgroup_set_hugetlb(const struct cgroup *cg, const char *pagesize, uint64_t limit);
/* blkio (v1) / io (v2): a weight for the cgroup (major < 0) or for a
 * device, or a throttle of a device. v2 has no leaf weights; its weights
 * are blkio's (10..1000) mapped onto 1..10000 as runc does. */
enum cgroup_io {
	CG_IO_WEIGHT, CG_IO_LEAF_WEIGHT, CG_IO_READ_BPS, CG_IO_WRITE_BPS,
	CG_IO_READ_IOPS, CG_IO_WRITE_IOPS,
};
int cgroup_set_io(const struct cgroup *cg, enum cgroup_io what, int major, int minor,
		  uint64_t v);
/* net_cls.classid, and a net_prio.ifpriomap line "IFNAME PRIO" (v1). */
int cgroup_set_net_classid(const struct cgroup *cg, uint32_t classid);
int cgroup_set_net_prio(const struct cgroup *cg, const char *ifname, uint32_t prio);
/* --cpus: "1.5" -> *millis 1500, rounded to the nearest thousandth; 0,
 * or -1 (EINVAL) unless s is a decimal number from 0.01 to 1000000. */
int cgroup_parse_cpus(const char *s, int64_t *millis);
/* A device rule: type 'c', 'b' or 'a' (every device: the rule sets the
 * default, whatever its numbers and access, as v1's "a" does); major,
 * minor, -1 for any; access a part of "rwm" (read, write, mknod); deny
 * set for a deny rule (OCI's "allow": false). */
struct cgroup_device {
	char type;
	int major, minor;
	char access[4];
	char deny;
};
/* The devices policy, runc's and Docker's: deny every device, then
 * rules[0..n) in order, then the usual nodes allowed (null, zero, full,
 * random, urandom, tty, console, ptmx, pts/N, net/tun; mknod of any), as
 * runc appends them. The rules mean what the v1 kernel and runc make of
 * them: a default ("a") and exceptions to it; a rule against the
 * default adds its access to the exception of its type and numbers, a
 * rule for the default takes its access away from it, so the last rule
 * naming an access wins. Taking away access a wildcard exception gives
 * (allow c 1:* rw, deny c 1:3 w) is EINVAL, as in runc: v1 would
 * silently keep it; so is a wider deny of what a narrower exception
 * gives (allow c 1:3 rw, deny c *:* w: v1 and runc keep 1:3 writable
 * silently). Set before the init is attached: the nodes it makes
 * and opens while setting up are not checked. v1: the devices
 * hierarchy's devices.deny/.allow; else on v2 an eBPF program
 * (BPF_CGROUP_DEVICE) of the same result. EOPNOTSUPP when neither can
 * be had (no v1 devices controller, a kernel without CONFIG_CGROUP_BPF):
 * the caller decides. */
int cgroup_set_devices(const struct cgroup *cg, const struct cgroup_device *rules, int n);
/* Move pid (a whole process) into the cgroup in every hierarchy. */
int cgroup_attach(const struct cgroup *cg, pid_t pid);
/* The fast way in, for a single-threaded process that moves itself:
 * cgroup_open_join opens, for writing, v1 "tasks" (cgroup2:
 * "cgroup.procs") of every directory into fds[] (CGROUP_DIRS_MAX of
 * them; returns how many, O_CLOEXEC); cgroup_join writes "0" (the
 * caller) to each. A v1 move of the calling thread skips the kernel's
 * global threadgroup lock, whose first taking after a quiet moment
 * waits for an RCU grace period (9-31 ms measured here, more than a
 * container's whole start); writing a pid to cgroup.procs always takes
 * it. cgroup2 has no such door but clone3's CLONE_INTO_CGROUP
 * (cgroup_clone): skip CG_UNIFIED then, as a directory holding any of
 * skip is left out. */
int cgroup_open_join(const struct cgroup *cg, unsigned skip, int *fds);
int cgroup_join(const int *fds, int n);
/* cg's cgroup2 directory, opened for cgroup_clone (O_CLOEXEC); -1 if
 * it has none (or cg is NULL). */
int cgroup_open_unified(const struct cgroup *cg);
/* Like fork() (flags: CLONE_NEW* to add), the child born in the cgroup2
 * directory fd (from cgroup_open_unified; -1: none) with clone3's
 * CLONE_INTO_CGROUP (Linux 5.7): no move, no global lock. *born_in is
 * CG_UNIFIED if it was (in both processes), else 0 (no fd, or the
 * kernel cannot: plain clone). The caller closes fd. The child should
 * not rely on libc state fork() would fix up (boxcar's children are
 * single-threaded and exec). Note the kernel checks the caller's cgroup
 * namespace: clone before entering the container's. */
pid_t cgroup_clone(int fd, unsigned long flags, unsigned *born_in);
/* Up to max pids of the processes in it (not in sub-cgroups); returns
 * how many there are (may exceed max), or -1. */
int cgroup_procs(const struct cgroup *cg, pid_t *pids, int max);
/* Send sig to every process in it and its sub-cgroups, without racing
 * forks: frozen first (v1 freezer / v2 cgroup.freeze) where possible.
 * SIGKILL uses v2 cgroup.kill when present, and waits (up to ~2 s) until
 * the cgroup is empty; ETIMEDOUT if it is not. */
int cgroup_kill(const struct cgroup *cg, int sig);
/* Pause (on) or resume every process in it, as `docker pause` does: v1
 * freezer.state FROZEN/THAWED, else v2 cgroup.freeze; freezing waits
 * (up to ~1 s) until the kernel says frozen. EOPNOTSUPP without either. */
int cgroup_freeze(const struct cgroup *cg, int on);
/* 1 if it is frozen or freezing, 0 if not (or no freezer), -1 on error. */
int cgroup_frozen(const struct cgroup *cg);
/* How many processes the OOM killer killed in it: v2 memory.events
 * "oom_kill"; v1 memory.oom_control "oom_kill" (Linux >= 4.13). 0 when
 * the kernel does not count them (older v1) or there is no memory
 * controller; -1 on error. memory.failcnt is not used: it counts
 * allocations that hit the limit, most of which reclaim satisfies. */
int cgroup_oom_killed(const struct cgroup *cg);
/* rmdir it (and sub-cgroups) in every hierarchy, retrying for ~2 s on
 * EBUSY while dying processes leave, then the last `parents` of the
 * parents named in NAME, deepest first, when empty: those the caller
 * knows are boxcar's ("boxcar-oci" of "boxcar-oci/ID"); a parent still
 * used by another container (EBUSY/ENOTEMPTY) stays. Other parents stay
 * even when empty (as runc leaves them): a cgroupsPath's may be another
 * tool's, made before us. 0 also when it is already gone. */
int cgroup_destroy(const struct cgroup *cg, int parents);

/* The directory holding controller ctrl (a CG_* bit), or NULL: for
 * reading statistics (memory.usage_in_bytes / memory.current, ...). */
const char *cgroup_path(const struct cgroup *cg, unsigned ctrl);

/* What `stats` shows (core/cgroup_stats.c); -1 where this host cannot
 * say (no such controller or file). */
struct cgroup_stats {
	int64_t cpu_ns;      /* CPU time used by all its processes */
	int64_t mem_usage;   /* bytes charged, less inactive page cache (docker's) */
	int64_t mem_limit;   /* bytes; -1: none */
	int64_t pids;        /* processes and threads */
	int64_t blk_read, blk_write; /* bytes, v2 io.stat (the io controller) */
};
int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *st);

/* For cgroup*.c: write val to / read (at most n - 1 bytes, NUL-ended)
 * from dir/file, with err_set() on failure. */
int cgroup_file_write(const char *dir, const char *file, const char *val);
int cgroup_file_read(const char *dir, const char *file, char *buf, size_t n);

#endif
