/* exec.c - run a command in a running container.
 *
 * Registered now so that builds and --help list it; the work lands with
 * its own issue. Until then it says so and exits non-zero.
 */
//applet:exec
//summary:run a command in a running container
//config:config APPLET_EXEC
//config:	bool "exec"
//config:	default y
//config:	help
//config:	  Run a command in the namespaces and cgroup of a container.
//usage:[OPTIONS] CONTAINER COMMAND [ARG...]
//usage:Run COMMAND inside the running CONTAINER. (Not implemented yet.)

#include "applet.h"

int exec_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	applet_not_implemented();
}
