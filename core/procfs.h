/* procfs.h - what boxcar reads about other processes from /proc: their
 * status lines (uids, capabilities, NSpid), command lines, and the
 * cgroups they are in (to put another process in the same ones).
 * Errors follow err.h.
 */
#ifndef BOXCAR_PROCFS_H
#define BOXCAR_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The value of "Key:" in /proc/PID/status, tabs and spaces trimmed, into
 * buf; -1 if the process or the key is not there. */
int proc_status_field(pid_t pid, const char *key, char *buf, size_t n);
/* A hexadecimal capability set from /proc/PID/status (CapBnd, CapEff...). */
int proc_caps(pid_t pid, const char *key, uint64_t *caps);
/* /proc/PID/cmdline with spaces between the arguments, or "[comm]" for
 * a process without one (a kernel thread, a zombie); control characters
 * become '?', as the process may be a container's. */
int proc_cmdline(pid_t pid, char *buf, size_t n);
/* Put the calling process in every cgroup (v1 hierarchies and v2) that
 * pid is in, as /proc/PID/cgroup lists them. */
int proc_join_cgroups(pid_t pid);

#endif
