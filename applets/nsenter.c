/* nsenter.c - run a program in the namespaces of other processes. */
//applet:nsenter alias
//summary:run a program in other processes' namespaces
//config:config APPLET_NSENTER
//config:	bool "nsenter"
//config:	default y
//config:	help
//config:	  A drop-in for util-linux nsenter(1).
//usage:[OPTIONS] [PROGRAM [ARG...]]
//usage:Run PROGRAM in the namespaces of other processes.

#include "applet.h"

int nsenter_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	applet_not_implemented();
}
