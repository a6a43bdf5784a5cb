/* cgroup.c - finding the hierarchies, and a container's cgroup from
 * creation to removal (see cgroup.h; limits are in cgroup_limits.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "cgroup.h"
#include "err.h"
#include "pollsleep.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
/* The source name of the mounts boxcar makes on a bare board, so that
 * cgroup_detect() can tell them from an init system's. */
#define OUR_SOURCE "bxcgroup"
/* Sub-cgroups a container made itself are walked this deep, no deeper. */
#define MAX_DEPTH 8
/* Waiting for processes to leave: at most this long. */
#define WAIT_MS 2000

static const struct {
	const char *name;
	unsigned bit;
} ctrl_names[] = {
	{ "cpu", CG_CPU }, { "cpuacct", CG_CPUACCT }, { "memory", CG_MEMORY },
	{ "pids", CG_PIDS }, { "freezer", CG_FREEZER }, { "devices", CG_DEVICES },
	{ "cpuset", CG_CPUSET }, { "blkio", CG_IO }, { "io", CG_IO }, { "hugetlb", CG_HUGETLB },
	{ "net_cls", CG_NET_CLS }, { "net_prio", CG_NET_PRIO },
};

static unsigned ctrl_bit(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(ctrl_names) / sizeof(ctrl_names[0]); i++)
		if (strlen(ctrl_names[i].name) == n && !strncmp(ctrl_names[i].name, name, n))
			return ctrl_names[i].bit;
	return 0;
}

/* The CG_* bits named in a list of words separated by any of sep. */
static unsigned ctrl_bits(const char *list, const char *sep)
{
	unsigned bits = 0;

	while (*list) {
		size_t n = strcspn(list, sep);

		bits |= ctrl_bit(list, n);
		list += n;
		list += strspn(list, sep);
	}
	return bits;
}

int cgroup_file_write(const char *dir, const char *file, const char *val)
{
	char path[CGROUP_PATH_MAX + 64];
	size_t n = strlen(val);
	int fd;
	ssize_t w;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return err_set("cannot open %s", path);
	w = write(fd, val, n);
	if (w != (ssize_t)n) {
		int e = w < 0 ? errno : EIO;

		close(fd);
		return err_setn(e, "cannot write \"%s\" to %s", val, path);
	}
	return close(fd) < 0 ? err_set("cannot write %s", path) : 0;
}

int cgroup_file_read(const char *dir, const char *file, char *buf, size_t n)
{
	char path[CGROUP_PATH_MAX + 64];
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set("cannot open %s", path);
	r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return err_set("cannot read %s", path);
	buf[r] = 0;
	return 0;
}

/* ---- finding the hierarchies -------------------------------------------- */

struct hier {
	char mnt[CGROUP_PATH_MAX];
	unsigned ctrls;  /* v1: its controllers; v2: CG_UNIFIED */
	int ours;        /* mounted by boxcar */
};

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else
			*d++ = *s;
	}
	*d = 0;
}

/* A decimal number at *s, up to a character in stops (or the end):
 * 0 and *s past it, or -1. What sscanf's %u did here, without pulling
 * in scanf (4 KiB of libc). */
static int read_number(char **s, const char *stops, unsigned *v)
{
	char *end;
	unsigned long x;

	if (**s < '0' || **s > '9')
		return -1;
	errno = 0;
	x = strtoul(*s, &end, 10);
	if (errno || x > UINT_MAX || (*end && !strchr(stops, *end)))
		return -1;
	*v = x;
	*s = end;
	return 0;
}

/* Split a mountinfo line: mount point, device, file system type, source
 * and super options. 0, or -1 for a line we cannot read. */
static int mountinfo_fields(char *line, char **mnt, unsigned *maj, unsigned *min,
			    char **fs, char **src, char **opts)
{
	char *f[6], *p = line, *sep;
	int i;

	for (i = 0; i < 5 && p; i++) {
		f[i] = p;
		if ((p = strchr(p, ' ')))
			*p++ = 0;
	}
	if (i < 5 || !p || !(sep = strstr(p, " - ")))
		return -1;
	p = sep + 3;
	if (read_number(&f[2], ":", maj) || *f[2]++ != ':' || read_number(&f[2], "", min))
		return -1;
	*mnt = f[4];
	*fs = p;
	if (!(p = strchr(p, ' ')))
		return -1;
	*p++ = 0;
	*src = p;
	if (!(p = strchr(p, ' ')))
		return -1;
	*p++ = 0;
	*opts = p;
	p[strcspn(p, " \n")] = 0;
	unescape(*mnt);
	return 0;
}

/* The cgroup mounts we can reach, from /proc/self/mountinfo: v1 mounts
 * with a controller boxcar uses (the first mount of each), and the first
 * cgroup2 mount. A mount hidden by a later one over it (the path now
 * leads to another device) is skipped. Returns how many, or -1. */
static int scan(struct hier *h, int max)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	unsigned seen = 0;
	int n = 0;

	if (!f)
		return err_set("cannot open /proc/self/mountinfo");
	while (fgets(line, sizeof(line), f) && n < max) {
		char *mnt, *fs, *src, *opts;
		unsigned maj, min, bits;
		struct stat sb;

		if (mountinfo_fields(line, &mnt, &maj, &min, &fs, &src, &opts))
			continue;
		if (!strcmp(fs, "cgroup2"))
			bits = CG_UNIFIED;
		else if (!strcmp(fs, "cgroup"))
			bits = ctrl_bits(opts, ",");
		else
			continue;
		if (!bits || (bits & seen))
			continue;
		if (strlen(mnt) + CGROUP_NAME_MAX + 2 > CGROUP_PATH_MAX)
			continue;
		if (stat(mnt, &sb) || sb.st_dev != makedev(maj, min))
			continue;
		seen |= bits;
		snprintf(h[n].mnt, sizeof(h[n].mnt), "%s", mnt);
		h[n].ctrls = bits;
		h[n].ours = !strcmp(src, OUR_SOURCE);
		n++;
	}
	fclose(f);
	return n;
}

/* The CG_* controllers a v2 directory's cgroup.controllers lists, and
 * what v2 always has (cpu.stat for accounting; cgroup.freeze from 5.2). */
static unsigned v2_ctrls(const char *dir)
{
	char buf[512], path[CGROUP_PATH_MAX + 32];
	unsigned bits = CG_UNIFIED | CG_CPUACCT;

	if (cgroup_file_read(dir, "cgroup.controllers", buf, sizeof(buf)) == 0)
		bits |= ctrl_bits(buf, " \n") & (CG_CPU | CG_MEMORY | CG_PIDS | CG_EXTRA);
	snprintf(path, sizeof(path), "%s/cgroup.freeze", dir);
	if (access(path, F_OK) == 0)
		bits |= CG_FREEZER;
	return bits;
}

static enum cgroup_mode mode_of(const struct hier *h, int n)
{
	int v1 = 0, v2 = 0;

	for (int i = 0; i < n; i++)
		h[i].ctrls == CG_UNIFIED ? v2++ : v1++;
	return v1 && v2 ? CGROUP_HYBRID : v1 ? CGROUP_V1 : v2 ? CGROUP_V2 : CGROUP_NONE;
}

int cgroup_detect(struct cgroup_info *info)
{
	struct hier h[CGROUP_DIRS_MAX];
	int n = scan(h, CGROUP_DIRS_MAX);
	unsigned v1 = 0;

	memset(info, 0, sizeof(*info));
	if (n < 0)
		return -1;
	info->mode = mode_of(h, n);
	for (int i = 0; i < n; i++) {
		if (h[i].ctrls != CG_UNIFIED)
			v1 |= h[i].ctrls;
		info->mounted_by_us |= h[i].ours;
	}
	info->ctrls = v1;
	/* v1 wins for a controller in both. The v2 root has no cgroup.freeze
	 * to tell whether its children will: CG_FREEZER is v1's only here. */
	for (int i = 0; i < n; i++)
		if (h[i].ctrls == CG_UNIFIED)
			info->ctrls |= v2_ctrls(h[i].mnt) & ~v1 & ~CG_FREEZER;
	return 0;
}

const char *cgroup_mode_name(enum cgroup_mode mode)
{
	static const char *const names[] = { "none", "v1", "v2", "hybrid" };

	return (unsigned)mode < 4 ? names[mode] : "?";
}

/* ---- mounting them on a bare board --------------------------------------- */

static int has_word(const char *path, const char *word)
{
	FILE *f = fopen(path, "re");
	char line[256];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *tab = strrchr(line, '\t');
		char *w = tab ? tab + 1 : line;

		w[strcspn(w, "\n")] = 0;
		found = !strcmp(w, word);
	}
	fclose(f);
	return found;
}

static int dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return 0;
	while (empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

static int is_mount_point(const char *path)
{
	struct stat a, b;
	char parent[PATH_MAX];

	snprintf(parent, sizeof(parent), "%s/..", path);
	return stat(path, &a) == 0 && stat(parent, &b) == 0 &&
	       (a.st_dev != b.st_dev || a.st_ino == b.st_ino);
}

/* /proc/cgroups: "name hierarchy num_cgroups enabled". Controllers bound
 * to the same v1 hierarchy must be mounted together, so they are grouped
 * by hierarchy id; 0 means bound to none (free for either version). */
struct v1_group {
	char opts[128];
	int id;
	unsigned ctrls;
};

static int read_proc_cgroups(struct v1_group *g, int max, int *bound)
{
	FILE *f = fopen("/proc/cgroups", "re");
	char line[256], *name, *p;
	int n = 0;

	*bound = 0;
	if (!f)
		return err_set("cannot open /proc/cgroups");
	while (fgets(line, sizeof(line), f)) {
		unsigned bit, v[3]; /* hierarchy ID, number of cgroups, enabled */
		int i, id;

		/* "NAME HIERARCHY NUM_CGROUPS ENABLED", tab-separated; the
		 * first line names the columns and does not parse */
		name = p = line;
		p += strcspn(p, " \t");
		if (!*p)
			continue;
		*p++ = 0;
		for (i = 0; i < 3; i++) {
			p += strspn(p, " \t");
			if (read_number(&p, " \t\n", &v[i]))
				break;
		}
		if (i < 3 || !v[2] || v[0] > INT_MAX)
			continue;
		id = v[0];
		bit = ctrl_bit(name, strlen(name));
		if (bit && id)
			*bound = 1;
		for (i = 0; i < n && !(id && g[i].id == id); i++)
			;
		if (i == n) {
			if (n == max)
				continue;
			g[n].id = id;
			g[n].opts[0] = 0;
			g[n].ctrls = 0;
			n++;
		}
		if (strlen(g[i].opts) + strlen(name) + 2 > sizeof(g[i].opts))
			continue;
		if (*g[i].opts)
			strcat(g[i].opts, ",");
		strcat(g[i].opts, name);
		g[i].ctrls |= bit;
	}
	fclose(f);
	return n;
}

/* Nothing mounted: mount what a container needs, for good (an init
 * system's job, done once per boot). cgroup2 on /sys/fs/cgroup when the
 * kernel has it and no controller is held by a v1 hierarchy; else a
 * tmpfs there and the v1 hierarchies of the controllers boxcar knows,
 * CG_BASIC's and CG_EXTRA's (with whatever is bound to the same
 * hierarchy). */
static int mount_hierarchies(void)
{
	struct v1_group g[32];
	int bound, n, mounted = 0;

	if ((n = read_proc_cgroups(g, 32, &bound)) < 0)
		return -1;
	if (access(CGROUP_ROOT, F_OK) < 0)
		return err_set("cannot use %s (is sysfs mounted?)", CGROUP_ROOT);
	if (!bound && has_word("/proc/filesystems", "cgroup2")) {
		if (!dir_empty(CGROUP_ROOT))
			return err_setn(ENOTEMPTY, "no cgroups mounted, and %s is not empty",
					CGROUP_ROOT);
		if (mount(OUR_SOURCE, CGROUP_ROOT, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  NULL) < 0)
			return err_set("cannot mount cgroup2 on %s", CGROUP_ROOT);
		return 0;
	}
	if (!has_word("/proc/filesystems", "cgroup"))
		return err_setn(EOPNOTSUPP, "the kernel has no cgroup file system");
	if (!is_mount_point(CGROUP_ROOT) &&
	    mount(OUR_SOURCE, CGROUP_ROOT, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=755") < 0)
		return err_set("cannot mount a tmpfs on %s", CGROUP_ROOT);
	for (int i = 0; i < n; i++) {
		char dir[PATH_MAX];

		if (!g[i].ctrls)
			continue;
		if (snprintf(dir, sizeof(dir), "%s/%s", CGROUP_ROOT, g[i].opts) >= (int)sizeof(dir))
			continue;
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return err_set("cannot make %s", dir);
		if (mount(OUR_SOURCE, dir, "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  g[i].opts) < 0) {
			rmdir(dir);
			err_set("cannot mount cgroup %s on %s", g[i].opts, dir);
			continue;
		}
		mounted++;
	}
	return mounted ? 0 : -1;
}

/* ---- a container's cgroup ------------------------------------------------ */

static int valid_name(const char *name)
{
	if (!*name || *name == '/' || strlen(name) >= CGROUP_NAME_MAX)
		return 0;
	for (const char *p = name; *p; p++)
		if ((p[0] == '/' && (p[1] == '/' || !p[1])) ||
		    ((p == name || p[-1] == '/') && p[0] == '.' &&
		     (!p[1] || p[1] == '/' || (p[1] == '.' && (!p[2] || p[2] == '/')))))
			return 0;
	return 1;
}

/* Fill cg from the hierarchies (NAME need not exist). */
static int fill(struct cgroup *cg, const char *name, const struct hier *h, int n)
{
	memset(cg, 0, sizeof(*cg));
	snprintf(cg->name, sizeof(cg->name), "%s", name);
	cg->mode = mode_of(h, n);
	for (int i = 0; i < n; i++) {
		struct cgroup_dir *d = &cg->dir[cg->ndirs++];

		snprintf(d->path, sizeof(d->path), "%s/%s", h[i].mnt, name);
		d->ctrls = h[i].ctrls;
	}
	return 0;
}

/* v2 controllers: take for the v2 directory what no v1 hierarchy has. */
static void settle_ctrls(struct cgroup *cg)
{
	unsigned v1 = 0;

	for (int i = 0; i < cg->ndirs; i++)
		if (cg->dir[i].ctrls != CG_UNIFIED)
			v1 |= cg->dir[i].ctrls;
	cg->ctrls = v1;
	for (int i = 0; i < cg->ndirs; i++)
		if (cg->dir[i].ctrls & CG_UNIFIED) {
			cg->dir[i].ctrls = v2_ctrls(cg->dir[i].path) & ~v1;
			cg->ctrls |= cg->dir[i].ctrls;
		}
}

/* name is one of the words of list (cgroup.controllers) */
static int has_ctrl_word(const char *list, const char *name)
{
	size_t len = strlen(name);

	while (*list) {
		size_t n = strcspn(list, " \n");

		if (n == len && !strncmp(list, name, n))
			return 1;
		list += n;
		list += strspn(list, " \n");
	}
	return 0;
}

/* On v2, a controller reaches a cgroup only if every ancestor enables it
 * in cgroup.subtree_control. Enable the ones boxcar limits (cpu, memory,
 * pids and those of want) in dir (the root or one of NAME's parents,
 * which never hold processes: the root is exempt from the "no internal
 * processes" rule, the parents are ours). */
static void v2_enable(const char *dir, unsigned want)
{
	char avail[512];

	if (cgroup_file_read(dir, "cgroup.controllers", avail, sizeof(avail)))
		return;
	want = (want & CG_EXTRA) | CG_CPU | CG_MEMORY | CG_PIDS;
	for (size_t i = 0; i < sizeof(ctrl_names) / sizeof(ctrl_names[0]); i++) {
		const char *name = ctrl_names[i].name;
		char op[16];

		/* by name, not bit: v1's name of a bit ("blkio") is not v2's */
		if (!(ctrl_names[i].bit & want) || !has_ctrl_word(avail, name))
			continue;
		snprintf(op, sizeof(op), "+%s", ctrl_names[i].name);
		cgroup_file_write(dir, "cgroup.subtree_control", op); /* best effort:
			* what did not get enabled is missing from the leaf's
			* cgroup.controllers, and limits on it then fail */
	}
}

/* A new v1 cpuset directory has empty cpus and mems, and the kernel
 * refuses to put a process in it: copy the parent's, as runc does. */
static int cpuset_init(const char *dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char parent[CGROUP_PATH_MAX], v[1024];

	snprintf(parent, sizeof(parent), "%s", dir);
	*strrchr(parent, '/') = 0;
	for (int i = 0; i < 2; i++) {
		if (cgroup_file_read(dir, files[i], v, sizeof(v)))
			return -1;
		if (v[0] != '\n' && v[0])
			continue;
		if (cgroup_file_read(parent, files[i], v, sizeof(v)) ||
		    cgroup_file_write(dir, files[i], v))
			return -1;
	}
	return 0;
}

/* mkdir NAME's parents and NAME under mnt; made[] gets what was made
 * (deepest last) so a failure can undo it. */
static int make_dirs(const char *mnt, const char *name, unsigned ctrls, unsigned want,
		     char made[][CGROUP_PATH_MAX], int *nmade, int cap)
{
	char path[CGROUP_PATH_MAX];
	const char *p = name;
	int v2 = ctrls == CG_UNIFIED;

	if (v2)
		v2_enable(mnt, want);
	for (;;) {
		const char *slash = strchr(p, '/');
		int last = !slash;

		if (snprintf(path, sizeof(path), "%s/%.*s", mnt,
			     (int)(last ? strlen(name) : (size_t)(slash - name)), name) >=
		    (int)sizeof(path))
			return err_setn(ENAMETOOLONG, "cgroup path too long under %s", mnt);
		if (mkdir(path, 0755) == 0) {
			if (*nmade < cap)
				snprintf(made[(*nmade)++], CGROUP_PATH_MAX, "%s", path);
		} else if (errno != EEXIST || last)
			return err_set("cannot make cgroup %s", path);
		/* parents too: one made by another runtime may be empty */
		if ((ctrls & CG_CPUSET) && cpuset_init(path))
			return -1;
		if (last)
			return 0;
		if (v2)
			v2_enable(path, want);
		p = slash + 1;
	}
}

int cgroup_create(struct cgroup *cg, const char *name, unsigned extra)
{
	unsigned want = CG_BASIC | (extra & CG_EXTRA);
	struct hier h[CGROUP_DIRS_MAX];
	enum { MADE_MAX = CGROUP_DIRS_MAX * MAX_DEPTH };
	char made[MADE_MAX][CGROUP_PATH_MAX];
	int n, k = 0, nmade = 0, rc = 0;

	if (!valid_name(name))
		return err_setn(EINVAL, "bad cgroup name \"%s\"", name);
	if ((n = scan(h, CGROUP_DIRS_MAX)) < 0)
		return -1;
	if (n == 0) {
		if (mount_hierarchies() < 0 || (n = scan(h, CGROUP_DIRS_MAX)) < 0)
			return -1;
		if (n == 0)
			return err_setn(ENOENT, "no cgroup hierarchy could be mounted");
	}
	for (int i = 0; i < n; i++)
		if (h[i].ctrls & want)
			h[k++] = h[i];
	n = k;
	fill(cg, name, h, n);
	for (int i = 0; i < n && !rc; i++) {
		int m = 0;

		/* A concurrent cgroup_destroy may remove the shared parent
		 * between our mkdir of it and of NAME: ENOENT, try again. */
		for (int tries = 0; tries < 5; tries++, nmade += m, m = 0) {
			rc = make_dirs(h[i].mnt, name, h[i].ctrls, want,
				       made + nmade, &m, MADE_MAX - nmade);
			if (!rc || errno != ENOENT)
				break;
		}
		nmade += m;
	}
	if (rc) {
		int e = errno;

		while (nmade > 0)
			rmdir(made[--nmade]);
		errno = e;
		return -1;
	}
	settle_ctrls(cg);
	return 0;
}

int cgroup_open(struct cgroup *cg, const char *name)
{
	struct hier h[CGROUP_DIRS_MAX], found[CGROUP_DIRS_MAX];
	int n, k = 0;

	if (!valid_name(name))
		return err_setn(EINVAL, "bad cgroup name \"%s\"", name);
	if ((n = scan(h, CGROUP_DIRS_MAX)) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char path[CGROUP_PATH_MAX];
		struct stat sb;

		if (snprintf(path, sizeof(path), "%s/%s", h[i].mnt, name) >= (int)sizeof(path))
			continue;
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			found[k++] = h[i];
	}
	if (!k)
		return err_setn(ENOENT, "no cgroup %s", name);
	fill(cg, name, found, k);
	cg->mode = mode_of(h, n);
	settle_ctrls(cg);
	return 0;
}

const char *cgroup_path(const struct cgroup *cg, unsigned ctrl)
{
	for (int i = 0; i < cg->ndirs; i++)
		if (cg->dir[i].ctrls & ctrl)
			return cg->dir[i].path;
	return NULL;
}

int cgroup_attach(const struct cgroup *cg, pid_t pid)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (int i = 0; i < cg->ndirs; i++)
		if (cgroup_file_write(cg->dir[i].path, "cgroup.procs", buf))
			return -1;
	return 0;
}

int cgroup_open_join(const struct cgroup *cg, unsigned skip, int *fds)
{
	char path[CGROUP_PATH_MAX + 16];
	int n = 0;

	for (int i = 0; i < cg->ndirs; i++) {
		if (cg->dir[i].ctrls & skip)
			continue;
		snprintf(path, sizeof(path), "%s/%s", cg->dir[i].path,
			 cg->dir[i].ctrls & CG_UNIFIED ? "cgroup.procs" : "tasks");
		if ((fds[n] = open(path, O_WRONLY | O_CLOEXEC)) < 0) {
			err_set("cannot open %s", path);
			while (n > 0)
				close(fds[--n]);
			return -1;
		}
		n++;
	}
	return n;
}

/* clone3(2)'s arguments (linux/sched.h, its second version). */
struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size,
		 tls, set_tid, set_tid_size, cgroup;
};
#define CLONE_INTO_CGROUP_ 0x200000000ULL

int cgroup_open_unified(const struct cgroup *cg)
{
	const char *dir = cg ? cgroup_path(cg, CG_UNIFIED) : NULL;

	return dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
}

pid_t cgroup_clone(int fd, unsigned long flags, unsigned *born_in)
{
	pid_t pid = -1;

	*born_in = 0;
#ifdef SYS_clone3
	if (fd >= 0) {
		struct clone_args_v2 a = { .flags = flags | CLONE_INTO_CGROUP_,
					   .exit_signal = SIGCHLD, .cgroup = (uint64_t)fd };

		pid = syscall(SYS_clone3, &a, sizeof(a));
		if (pid >= 0)
			*born_in = CG_UNIFIED;
	}
#endif
	if (pid < 0)
		/* The argument order past flags differs between
		 * architectures; zeros fit them all. */
		pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	return pid;
}

int cgroup_join(const int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (write(fds[i], "0", 1) != 1)
			return err_set("cannot join the container's cgroup");
	return 0;
}

/* Where to list processes: any hierarchy has them all; the first will do. */
static const char *procs_dir(const struct cgroup *cg)
{
	return cg->ndirs ? cg->dir[0].path : NULL;
}

/* Call fn on every pid in dir; returns how many, or -1. */
static int each_pid(const char *dir, void (*fn)(pid_t, void *), void *arg)
{
	char path[CGROUP_PATH_MAX + 16], line[32];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (!(f = fopen(path, "re")))
		return err_set("cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		pid_t pid = (pid_t)atoi(line);

		if (pid > 0) {
			fn(pid, arg);
			n++;
		}
	}
	fclose(f);
	return n;
}

struct pid_list {
	pid_t *pids;
	int max, n;
};

static void collect(pid_t pid, void *arg)
{
	struct pid_list *l = arg;

	if (l->n < l->max)
		l->pids[l->n] = pid;
	l->n++;
}

int cgroup_procs(const struct cgroup *cg, pid_t *pids, int max)
{
	struct pid_list l = { pids, max, 0 };
	const char *dir = procs_dir(cg);

	if (!dir)
		return err_setn(ENOENT, "cgroup %s is in no hierarchy", cg->name);
	return each_pid(dir, collect, &l) < 0 ? -1 : l.n;
}

/* fn(dir, arg) on dir and its sub-cgroups, children first when post;
 * MAX_DEPTH bounds what a container that made its own sub-cgroups costs.
 * Returns the sum of what fn returned (negative ones ignored). */
static int walk(const char *dir, int depth, int post, int (*fn)(const char *, void *),
		void *arg)
{
	int sum = 0, r;
	DIR *d;
	struct dirent *e;

	if (!post && (r = fn(dir, arg)) > 0)
		sum += r;
	if (depth < MAX_DEPTH && (d = opendir(dir))) {
		while ((e = readdir(d))) {
			char sub[CGROUP_PATH_MAX];

			if (e->d_type != DT_DIR || e->d_name[0] == '.')
				continue;
			if (snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >= (int)sizeof(sub))
				continue;
			sum += walk(sub, depth + 1, post, fn, arg);
		}
		closedir(d);
	}
	if (post && (r = fn(dir, arg)) > 0)
		sum += r;
	return sum;
}

static void send_sig(pid_t pid, void *arg)
{
	kill(pid, *(int *)arg);
}

static int signal_dir(const char *dir, void *arg)
{
	return each_pid(dir, send_sig, arg);
}

static void count(pid_t pid, void *arg)
{
	(void)pid;
	(void)arg;
}

static int count_dir(const char *dir, void *arg)
{
	return each_pid(dir, count, arg);
}

/* Stop every process so none forks while we signal (1), or let them go
 * (0). v1 freezer.state goes FREEZING -> FROZEN; v2 cgroup.freeze is
 * confirmed by "frozen 1" in cgroup.events. Returns 1 if frozen. */
static int freeze(const struct cgroup *cg, int on)
{
	const char *dir = cgroup_path(cg, CG_FREEZER);
	int v2;
	char buf[256];

	if (!dir)
		return 0;
	v2 = !!(cgroup_path(cg, CG_UNIFIED) == dir);
	if (cgroup_file_write(dir, v2 ? "cgroup.freeze" : "freezer.state",
			      v2 ? (on ? "1" : "0") : (on ? "FROZEN" : "THAWED")))
		return 0;
	if (!on)
		return 0;
	for (int waited = 0, step = 0; waited < WAIT_MS / 2; waited += poll_sleep(&step))
		if (v2 ? cgroup_file_read(dir, "cgroup.events", buf, sizeof(buf)) == 0 &&
			 strstr(buf, "frozen 1")
		       : cgroup_file_read(dir, "freezer.state", buf, sizeof(buf)) == 0 &&
			 !strncmp(buf, "FROZEN", 6))
			return 1;
	return 1; /* partly frozen still narrows the race; thawed after */
}

int cgroup_freeze(const struct cgroup *cg, int on)
{
	const char *dir = cgroup_path(cg, CG_FREEZER);
	int v2 = dir && dir == cgroup_path(cg, CG_UNIFIED);

	if (!dir)
		return err_setn(EOPNOTSUPP, "no cgroup freezer here (v1 freezer or cgroup.freeze)");
	if (on)
		return freeze(cg, 1) ? 0 : -1; /* freeze() wrote, or recorded why not */
	return cgroup_file_write(dir, v2 ? "cgroup.freeze" : "freezer.state", v2 ? "0" : "THAWED");
}

int cgroup_frozen(const struct cgroup *cg)
{
	const char *dir = cgroup_path(cg, CG_FREEZER);
	char buf[32];

	if (!dir)
		return 0;
	if (dir == cgroup_path(cg, CG_UNIFIED))
		return cgroup_file_read(dir, "cgroup.freeze", buf, sizeof(buf)) ? -1 : buf[0] == '1';
	return cgroup_file_read(dir, "freezer.state", buf, sizeof(buf)) ? -1
	       : strncmp(buf, "THAWED", 6) != 0;
}

static int empty(const struct cgroup *cg)
{
	int dummy = 0;

	for (int i = 0; i < cg->ndirs; i++)
		if (walk(cg->dir[i].path, 0, 0, count_dir, &dummy) > 0)
			return 0;
	return 1;
}

int cgroup_kill(const struct cgroup *cg, int sig)
{
	const char *v2 = cgroup_path(cg, CG_UNIFIED);
	char path[CGROUP_PATH_MAX + 16];
	int killfile = 0;

	if (sig == SIGKILL && v2) {
		snprintf(path, sizeof(path), "%s/cgroup.kill", v2);
		killfile = access(path, F_OK) == 0 && cgroup_file_write(v2, "cgroup.kill", "1") == 0;
	}
	if (!killfile) {
		int frozen = freeze(cg, 1);

		for (int i = 0; i < cg->ndirs; i++)
			walk(cg->dir[i].path, 0, 0, signal_dir, &sig);
		if (frozen)
			freeze(cg, 0);
	}
	if (sig != SIGKILL)
		return 0;
	/* Without a freezer a process may have forked past us: keep killing
	 * until nothing is left. */
	for (int waited = 0, step = 0; waited < WAIT_MS; waited += poll_sleep(&step)) {
		if (empty(cg))
			return 0;
		for (int j = 0; j < cg->ndirs; j++)
			walk(cg->dir[j].path, 0, 0, signal_dir, &sig);
	}
	return err_setn(ETIMEDOUT, "processes of cgroup %s do not die", cg->name);
}

static int rmdir_one(const char *dir, void *arg)
{
	int *err = arg;

	if (rmdir(dir) < 0 && errno != ENOENT && !*err)
		*err = errno;
	return 0;
}

int cgroup_destroy(const struct cgroup *cg, int parents)
{
	int rc = 0;

	for (int i = 0; i < cg->ndirs; i++) {
		const char *dir = cg->dir[i].path;
		size_t mnt_len = strlen(dir) - strlen(cg->name);
		char parent[CGROUP_PATH_MAX];
		int err = 0;

		/* Mostly a leaf already empty: one rmdir. Sub-cgroups the
		 * container made (EBUSY) need the walk, deepest first. */
		if (rmdir(dir) < 0 && errno != ENOENT)
			for (int waited = 0, step = 0; waited < WAIT_MS; waited += poll_sleep(&step)) {
				err = 0;
				walk(dir, 0, 1, rmdir_one, &err);
				if (err != EBUSY)
					break;
			}
		if (err) {
			rc = err_setn(err, "cannot remove cgroup %s", dir);
			continue;
		}
		/* our parents, deepest first, while they are empty; another
		 * container's cgroup in one (EBUSY, ENOTEMPTY) keeps it */
		snprintf(parent, sizeof(parent), "%s", dir);
		for (int k = 0; k < parents; k++) {
			char *slash = strrchr(parent, '/');

			if (!slash || (size_t)(slash - parent) < mnt_len)
				break;
			*slash = 0;
			if (rmdir(parent) < 0)
				break;
		}
	}
	return rc;
}
