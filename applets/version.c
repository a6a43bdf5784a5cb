/* version.c - `docker version`: what this binary is. There is no daemon,
 * so there is only a Client part. */
//applet:version
//summary:show the version of boxcar
//config:config APPLET_VERSION
//config:	bool "version"
//config:	default y
//config:	help
//config:	  Print boxcar's version, target and libraries, like
//config:	  `docker version`.
//usage:[-f FORMAT]
//usage:Print boxcar's version, the OS/architecture it was built for and the
//usage:libraries it links, like the Client part of `docker version` (boxcar
//usage:has no server).
//usage:
//usage:  -f, --format T  instead, the Go-style template T over the JSON
//usage:                  {"Client": {"Platform": {"Name"}, "Version", "Os",
//usage:                  "Arch", "Libc", "Lz4Version"}}; {{json .}} for it all

#include <getopt.h>
#include <lz4.h>
#include <stdio.h>

#include "applet.h"
#include "err.h"
#include "image.h"
#include "json.h"
#include "template.h"
#include "version.h"

int version_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, 0, 'f' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	const char *format = NULL;
	struct json_doc d;
	struct json_w w;
	int opt;

	while ((opt = applet_getopt(argc, argv, "f:h", opts)) != -1) {
		switch (opt) {
		case 'f':
			if (template_check(optarg))
				die_err(EXIT_FAIL);
			format = optarg;
			break;
		case 'h': usage_exit(EXIT_OK);
		default: die_usage("unknown option");
		}
	}
	if (optind < argc)
		die_usage("version takes no arguments");
	if (!format) {
		printf("Client: boxcar\n"
		       " Version:           %s\n"
		       " OS/Arch:           linux/%s\n"
		       " Libc:              musl\n"
		       " lz4:               %s\n", BOXCAR_VERSION, image_arch(), LZ4_versionString());
		return EXIT_OK;
	}
	jw_init(&w, 0);
	jw_obj(&w);
	jw_key(&w, "Client");
	jw_obj(&w);
	jw_key(&w, "Platform");
	jw_obj(&w);
	jw_kstr(&w, "Name", "boxcar");
	jw_end(&w);
	jw_kstr(&w, "Version", BOXCAR_VERSION);
	jw_kstr(&w, "Os", "linux");
	jw_kstr(&w, "Arch", image_arch());
	jw_kstr(&w, "Libc", "musl");
	jw_kstr(&w, "Lz4Version", LZ4_versionString());
	jw_end(&w);
	jw_end(&w);
	if (jw_finish(&w) || json_parse(&d, w.buf, w.len) || template_render(format, &d, 0, stdout))
		die_err(EXIT_FAIL);
	putchar('\n');
	json_free(&d);
	jw_free(&w);
	return EXIT_OK;
}
