/* ns.c - Linux namespaces (see ns.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "ns.h"

const struct ns_info ns_info[NS_COUNT] = {
	[NS_USER] = { "ns/user", CLONE_NEWUSER },
	[NS_CGROUP] = { "ns/cgroup", CLONE_NEWCGROUP },
	[NS_IPC] = { "ns/ipc", CLONE_NEWIPC },
	[NS_UTS] = { "ns/uts", CLONE_NEWUTS },
	[NS_NET] = { "ns/net", CLONE_NEWNET },
	[NS_PID] = { "ns/pid", CLONE_NEWPID },
	[NS_MNT] = { "ns/mnt", CLONE_NEWNS },
	[NS_TIME] = { "ns/time", CLONE_NEWTIME },
};

/* "/proc/" + a pid or "self" + "/" + a short name ("ns/cgroup", "root"). */
#define PROC_PATH_MAX 64

static void proc_path(char *buf, pid_t pid, const char *what)
{
	if (pid > 0)
		snprintf(buf, PROC_PATH_MAX, "/proc/%d/%s", (int)pid, what);
	else
		snprintf(buf, PROC_PATH_MAX, "/proc/self/%s", what);
}

int ns_kind_by_name(const char *name)
{
	for (int k = 0; k < NS_COUNT; k++)
		if (!strcmp(ns_info[k].path + 3, name))
			return k;
	return -1;
}

int ns_supported(int kind)
{
	char path[PROC_PATH_MAX];

	proc_path(path, 0, ns_info[kind].path);
	return access(path, F_OK) == 0;
}

/* A namespace is its nsfs inode: same device and inode, same namespace. */
int ns_same(pid_t pid, int kind)
{
	char path[PROC_PATH_MAX];
	struct stat mine, theirs;

	proc_path(path, 0, ns_info[kind].path);
	if (stat(path, &mine) < 0)
		return err_set("stat of %s failed", path);
	proc_path(path, pid, ns_info[kind].path);
	if (stat(path, &theirs) < 0)
		return err_set("stat of %s failed", path);
	return mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino;
}

int ns_target_open(pid_t pid, const char *what, const char *file)
{
	char path[PROC_PATH_MAX];
	int fd;

	if (!file) {
		if (pid <= 0)
			return err_setn(0, "neither filename nor target pid supplied for %s",
					what);
		proc_path(path, pid, what);
		file = path;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set("cannot open %s", file);
	return fd;
}

void ns_set_init(struct ns_set *s, pid_t pid)
{
	s->pid = pid;
	for (int k = 0; k < NS_COUNT; k++) {
		s->fd[k] = -1;
		s->file[k] = NULL;
	}
}

int ns_set_open(struct ns_set *s, int kind, const char *file)
{
	int fd = ns_target_open(s->pid, ns_info[kind].path, file);

	if (fd < 0)
		return -1;
	if (s->fd[kind] >= 0)
		close(s->fd[kind]);
	s->fd[kind] = fd;
	s->file[kind] = file;
	return 0;
}

int ns_set_enter(struct ns_set *s)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int k = pass ? NS_USER : NS_USER + 1; k < NS_COUNT; k++) {
			if (s->fd[k] < 0)
				continue;
			if (setns(s->fd[k], ns_info[k].flag) < 0) {
				if (!pass)
					continue;
				if (s->file[k])
					return err_set("reassociate to namespace '%s' from %s failed",
						       ns_info[k].path, s->file[k]);
				return err_set("reassociate to namespace '%s' of pid %d failed",
					       ns_info[k].path, (int)s->pid);
			}
			close(s->fd[k]);
			s->fd[k] = -1;
		}
	}
	return 0;
}

void ns_set_close(struct ns_set *s)
{
	for (int k = 0; k < NS_COUNT; k++) {
		if (s->fd[k] >= 0)
			close(s->fd[k]);
		s->fd[k] = -1;
	}
}
