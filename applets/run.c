/* run.c - run a command in a new container.
 *
 * Registered now so that builds and --help list it; the work lands with
 * its own issue. Until then it says so and exits non-zero.
 */
//applet:run
//summary:run a command in a new container
//config:config APPLET_RUN
//config:	bool "run"
//config:	default y
//config:	help
//config:	  Start a container from an image in the store.
//usage:[OPTIONS] IMAGE [COMMAND [ARG...]]
//usage:Run COMMAND in a new container made from IMAGE. (Not implemented yet.)

#include "applet.h"

int run_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	applet_not_implemented();
}
