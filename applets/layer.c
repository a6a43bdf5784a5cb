/* layer.c - create, extract and manage lz4 layer archives.
 *
 * Registered now so that builds and --help list it; the work lands with
 * its own issue. Until then it says so and exits non-zero.
 */
//applet:layer
//summary:create, extract and manage lz4 layer archives
//config:config APPLET_LAYER
//config:	bool "layer"
//config:	default y
//config:	help
//config:	  Pack, unpack and store layer archives.
//usage:create|extract|import|ls|inspect|rm|export|diff ...
//usage:Work with layer archives (tar in an LZ4 frame). (Not implemented yet.)

#include "applet.h"

int layer_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	applet_not_implemented();
}
