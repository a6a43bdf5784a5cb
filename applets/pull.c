/* pull.c - fetch an image from a registry.
 *
 * Registered now so that builds and --help list it; the work lands with
 * its own issue. Until then it says so and exits non-zero.
 */
//applet:pull
//summary:fetch an image from a registry
//config:config APPLET_PULL
//config:	bool "pull"
//config:	default y
//config:	help
//config:	  Pull images from registries over HTTPS.
//usage:[OPTIONS] REF
//usage:Pull the image REF from an OCI or Docker registry. (Not implemented yet.)

#include "applet.h"

int pull_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	applet_not_implemented();
}
