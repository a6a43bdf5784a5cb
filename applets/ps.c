/* ps.c - list containers.
 *
 * Registered now so that builds and --help list it; the work lands with
 * its own issue. Until then it says so and exits non-zero.
 */
//applet:ps
//summary:list containers
//config:config APPLET_PS
//config:	bool "ps"
//config:	default y
//config:	help
//config:	  List containers with their state and host PIDs.
//usage:[-a] [-q] [--format json]
//usage:List containers. (Not implemented yet.)

#include "applet.h"

int ps_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	applet_not_implemented();
}
