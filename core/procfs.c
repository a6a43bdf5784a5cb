/* procfs.c - reading other processes from /proc (see procfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "procfs.h"

int proc_status_field(pid_t pid, const char *key, char *buf, size_t n)
{
	char path[64], line[1024];
	size_t k = strlen(key);
	FILE *f;
	int rc = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return err_set("cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		char *v = line + k + 1;

		if (strncmp(line, key, k) || line[k] != ':')
			continue;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = 0;
		snprintf(buf, n, "%s", v);
		rc = 0;
		break;
	}
	fclose(f);
	if (rc)
		err_setn(ENOENT, "%s: no %s", path, key);
	return rc;
}

int proc_caps(pid_t pid, const char *key, uint64_t *caps)
{
	char v[32], *end;

	if (proc_status_field(pid, key, v, sizeof(v)))
		return -1;
	*caps = strtoull(v, &end, 16);
	if (*end || !*v)
		return err_setn(EINVAL, "/proc/%d/status: bad %s", (int)pid, key);
	return 0;
}

int proc_cmdline(pid_t pid, char *buf, size_t n)
{
	char path[64];
	ssize_t k;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set("cannot open %s", path);
	k = read(fd, buf, n - 1);
	close(fd);
	if (k < 0)
		return err_set("cannot read %s", path);
	while (k > 0 && !buf[k - 1])
		k--;
	buf[k] = 0;
	for (ssize_t i = 0; i < k; i++)
		if (!buf[i])
			buf[i] = ' ';
	if (!k) {
		if (proc_status_field(pid, "Name", path, sizeof(path)))
			return -1;
		snprintf(buf, n, "[%s]", path);
	}
	/* A container's process names itself: no escape sequence of its
	 * reaches the terminal of whoever lists it (procps does the same). */
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return 0;
}

/* Where each hierarchy is mounted: for a v1 line of /proc/PID/cgroup
 * ("4:memory:/x") the cgroup mount whose options name its controllers,
 * for v2 ("0::/x") the cgroup2 mount. */
static int hierarchy_mount(const char *controllers, char *mp, size_t n)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line, *end, *fs, *opts;

		for (int i = 0; i < 4 && p; i++)
			if ((p = strchr(p, ' ')))
				p++;
		if (!p || !(end = strchr(p, ' ')) || !(fs = strstr(end, " - ")))
			continue;
		*end = 0;
		fs += 3;
		if (!*controllers) {
			found = !strncmp(fs, "cgroup2 ", 8);
		} else if (!strncmp(fs, "cgroup ", 7) && (opts = strchr(fs + 7, ' '))) {
			/* every controller of the hierarchy among the options */
			char want[256], *save, *c;

			opts++;
			opts[strcspn(opts, "\n")] = 0;
			snprintf(want, sizeof(want), "%s", controllers);
			found = 1;
			for (c = strtok_r(want, ",", &save); c && found; c = strtok_r(NULL, ",", &save)) {
				char *o = strstr(opts, c);
				size_t k = strlen(c);

				found = 0;
				for (; o; o = strstr(o + 1, c))
					if ((o == opts || o[-1] == ',') && (!o[k] || o[k] == ','))
						found = 1;
			}
		}
		if (found)
			snprintf(mp, n, "%s", p);
	}
	fclose(f);
	return found;
}

int proc_join_cgroups(pid_t pid)
{
	char path[64], line[4096], mp[PATH_MAX], procs[PATH_MAX + 256];
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (!(f = fopen(path, "re")))
		return err_set("cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		char *ctl = strchr(line, ':'), *cg;
		int fd;

		if (!ctl || !(cg = strchr(++ctl, ':')))
			continue;
		*cg++ = 0;
		cg[strcspn(cg, "\n")] = 0;
		if (!hierarchy_mount(ctl, mp, sizeof(mp)))
			continue; /* not mounted here: nothing to join */
		if (snprintf(procs, sizeof(procs), "%s%s/cgroup.procs", mp,
			     strcmp(cg, "/") ? cg : "") >= (int)sizeof(procs))
			continue;
		if ((fd = open(procs, O_WRONLY | O_CLOEXEC)) < 0
		    || write(fd, "0\n", 2) != 2)
			rc = err_set("cannot join cgroup %s", procs);
		if (fd >= 0)
			close(fd);
	}
	fclose(f);
	return rc;
}
