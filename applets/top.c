/* top.c - a container's processes, as docker top shows them, with the PID
 * each has on the host and inside the container side by side. */
//applet:top
//summary:show a container's processes
//config:config APPLET_TOP
//config:	bool "top"
//config:	default y
//config:	help
//config:	  List the processes of a running container with their host
//config:	  and container PIDs.
//usage:CONTAINER
//usage:List the processes in CONTAINER's PID namespace: UID, PID (on the
//usage:host), PPID (on the host), CPID (the PID inside the container, from
//usage:NSpid) and CMD.
//usage:
//usage:  --root DIR         store directory (default $BOXCAR_ROOT or the built-in one)
//usage:  --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "passwd.h"
#include "procfs.h"
#include "store.h"

struct proc {
	int pid, ppid, cpid;
	char user[32], cmd[512];
};

static int by_pid(const void *a, const void *b)
{
	return ((const struct proc *)a)->pid - ((const struct proc *)b)->pid;
}

/* One process of the namespace: its fields from /proc/PID/status. */
static int read_proc(int pid, struct proc *p)
{
	char v[256], *last;
	int root;

	p->pid = pid;
	if (proc_status_field(pid, "PPid", v, sizeof(v)))
		return -1;
	p->ppid = atoi(v);
	if (proc_status_field(pid, "NSpid", v, sizeof(v)))
		return -1;
	last = strrchr(v, '\t');
	last = last ? last + 1 : strrchr(v, ' ') ? strrchr(v, ' ') + 1 : v;
	p->cpid = atoi(last);
	if (proc_status_field(pid, "Uid", v, sizeof(v)))
		return -1;
	v[strcspn(v, " \t")] = 0;
	/* the host's name for the uid, as docker top shows */
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0 || passwd_name(root, (uid_t)atoi(v), p->user, sizeof(p->user)))
		snprintf(p->user, sizeof(p->user), "%.31s", v);
	if (root >= 0)
		close(root);
	return proc_cmdline(pid, p->cmd, sizeof(p->cmd));
}

int top_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ 0 }
	};
	const char *root = NULL;
	char id[CONTAINER_ID_LEN + 1], path[64];
	struct container_state st;
	struct proc *ps = NULL;
	struct stat ns, other;
	struct dirent *de;
	struct store s;
	int opt, n = 0, cap = 0, wu = 3;
	DIR *d;

	while ((opt = applet_getopt_store(argc, argv, "+h", opts, &root)) != -1) {
		switch (opt) {
		default: die_usage("unknown option");
		}
	}
	if (argc - optind != 1)
		die_usage("need one CONTAINER");
	if (store_open(&s, store_root(root), STORE_RECORDS))
		die_err(EXIT_FAIL);
	if (container_resolve(&s, argv[optind], id) || container_state_load(&s, id, &st))
		die_err(EXIT_FAIL);
	store_close(&s);
	if (st.status != ST_RUNNING)
		diex(EXIT_FAIL, "container %.12s is not running", id);
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)st.pid);
	if (stat(path, &ns) < 0)
		die(EXIT_FAIL, "%s", path);
	/* Its processes are those in the init's PID namespace. */
	if (!(d = opendir("/proc")))
		die(EXIT_FAIL, "/proc");
	while ((de = readdir(d))) {
		int pid = atoi(de->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
		if (stat(path, &other) < 0 || other.st_ino != ns.st_ino || other.st_dev != ns.st_dev)
			continue;
		if (n == cap && !(ps = realloc(ps, (cap = cap ? 2 * cap : 32) * sizeof(*ps))))
			die(EXIT_FAIL, "out of memory");
		if (read_proc(pid, &ps[n]) == 0)
			n++; /* else it exited while we looked */
	}
	closedir(d);
	qsort(ps, n, sizeof(*ps), by_pid);
	for (int i = 0; i < n; i++)
		if ((int)strlen(ps[i].user) > wu)
			wu = strlen(ps[i].user);
	printf("%-*s   %-7s   %-7s   %-7s   %s\n", wu, "UID", "PID", "PPID", "CPID", "CMD");
	for (int i = 0; i < n; i++)
		printf("%-*s   %-7d   %-7d   %-7d   %s\n", wu, ps[i].user, ps[i].pid, ps[i].ppid,
		       ps[i].cpid, ps[i].cmd);
	free(ps);
	return EXIT_OK;
}
