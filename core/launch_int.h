/* launch_int.h - what core/launch.c shares with core/launch_oci.c, the
 * init of a container described by an OCI spec: the same clone, report
 * pipe, pty and exec, with the mounts and credentials the spec asks for.
 * Not for other callers: launch.h is the interface. */
#ifndef BOXCAR_LAUNCH_INT_H
#define BOXCAR_LAUNCH_INT_H

#include <sys/stat.h>

#include "launch.h"

/* External names with a prefix; launch.c keeps its short ones. */
#define pty_sock launch_pty_sock
#define dev_nodes launch_dev_nodes
#define fail launch_fail
#define do_mount launch_do_mount
#define setup_pty launch_setup_pty
#define make_node launch_make_node
#define open_target launch_open_target
#define readonly_tree launch_readonly_tree
#define exec_command launch_exec_command
#define lo_up launch_lo_up
#define init_title launch_init_title
#define init_reaper launch_init_reaper
#define set_stdio launch_set_stdio

extern int report_fd; /* the init's end of the report pipe; -1: closed */
extern int pty_sock;  /* a terminal's master goes up this socket */

#define LAUNCH_DEV_NODES 6
struct launch_dev_node {
	const char *name;
	unsigned major, minor;
};
/* null zero full random urandom tty: every container's /dev */
extern const struct launch_dev_node dev_nodes[LAUNCH_DEV_NODES];

/* Send the recorded error up the report pipe (or, once it is closed, to
 * stderr) and _exit(code). */
__attribute__((noreturn)) void fail(int code);
int do_mount(const char *src, const char *dst, const char *type, unsigned long flags,
	     const char *data);
int setup_pty(void);
int make_node(int dir, const char *name, const struct stat *st, const char *path, int set_owner);
int open_target(int rootfd, const char *target, int want_dir);
int readonly_tree(int fd);
__attribute__((noreturn)) void exec_command(char **argv, char **env);
/* run's: lo up in a new netns; --init's title and reaper; the
 * monitor's stdio on 0-2 */
int lo_up(void);
void init_title(char **argv);
__attribute__((noreturn)) void init_reaper(char **argv, char **env);
int set_stdio(const struct launch *l);

/* The OCI init (launch_oci.c): never returns. */
__attribute__((noreturn)) void oci_init_main(const struct launch *l, int syncfd);
/* CLONE_NEW* the OCI init is cloned with. */
unsigned long oci_clone_flags(const struct launch *l);
/* Does it want a terminal? */
int oci_terminal(const struct launch *l);

#endif
