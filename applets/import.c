/* import.c - make a one-layer image from a directory or an archive. */
//applet:import
//summary:make an image from a root directory or a tarball
//config:config APPLET_IMPORT
//config:	bool "import"
//config:	default y
//config:	help
//config:	  Create a one-layer image from a root file system: a
//config:	  directory, a tar, a tar.gz, a tar.zst or a tar.lz4.
//usage:[OPTIONS] SRC NAME[:TAG]
//usage:Make a one-layer image NAME[:TAG] (tag "latest" by default) from SRC:
//usage:a directory, a tar, tar.gz, tar.zst or tar.lz4 archive (by content), or - for
//usage:an archive on stdin. Prints the image ID.
//usage:
//usage:  --root DIR         store directory (default $BOXCAR_ROOT or the built-in one)
//usage:  --cmd ARG          an element of the default command (repeat for more)
//usage:  --entrypoint ARG   an element of the entrypoint (repeat for more)
//usage:  --env KEY=VALUE    an environment variable (repeatable)
//usage:  --workdir DIR      working directory
//usage:  --user USER[:GROUP]
//usage:  --label KEY=VALUE  a label (repeatable)
//usage:  --stop-signal SIG  signal that stops the container (default SIGTERM)

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "err.h"
#include "image.h"
#include "ref.h"
#include "store.h"

/* Append to a NULL-terminated list that has room (argc entries at most). */
static void push(char ***list, int *n, int max, char *v)
{
	if (!*list && !(*list = calloc(max + 1, sizeof(char *))))
		die(EXIT_FAIL, "out of memory");
	(*list)[(*n)++] = v;
}

int import_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, 0, 'R' },
		{ "cmd", required_argument, 0, 'c' },
		{ "entrypoint", required_argument, 0, 'e' },
		{ "env", required_argument, 0, 'E' },
		{ "workdir", required_argument, 0, 'w' },
		{ "user", required_argument, 0, 'u' },
		{ "label", required_argument, 0, 'l' },
		{ "stop-signal", required_argument, 0, 's' },
		{ 0 }
	};
	struct image_config c = { 0 };
	int ncmd = 0, nent = 0, nenv = 0, nlab = 0, existed, opt;
	const char *root = NULL, *src;
	char id[DIGEST_STR_LEN + 1];
	struct layer_info li;
	struct store s;
	struct stat st;
	struct ref r;

	while ((opt = applet_getopt(argc, argv, "", opts)) != -1) {
		switch (opt) {
		case 'R': root = optarg; break;
		case 'c': push(&c.cmd, &ncmd, argc, optarg); break;
		case 'e': push(&c.entrypoint, &nent, argc, optarg); break;
		case 'E':
			if (!strchr(optarg, '='))
				die_usage("--env %s: not KEY=VALUE", optarg);
			push(&c.env, &nenv, argc, optarg);
			break;
		case 'l':
			if (!strchr(optarg, '=') || *optarg == '=')
				die_usage("--label %s: not KEY=VALUE", optarg);
			push(&c.labels, &nlab, argc, optarg);
			break;
		case 'w': c.workdir = optarg; break;
		case 'u': c.user = optarg; break;
		case 's': c.stop_signal = optarg; break;
		default: die_usage("unknown option");
		}
	}
	if (argc - optind != 2)
		die_usage("need SRC and NAME[:TAG]");
	src = argv[optind];
	if (ref_parse(argv[optind + 1], &r))
		die_err(EXIT_FAIL);
	/* Check the source before touching the store. */
	if (strcmp(src, "-") && stat(src, &st) < 0)
		die(EXIT_FAIL, "%s", src);

	if (store_open(&s, store_root(root), STORE_STAGE))
		die_err(EXIT_FAIL);
	if (!strcmp(src, "-") || !S_ISDIR(st.st_mode)) {
		int fd = strcmp(src, "-") ? open(src, O_RDONLY | O_CLOEXEC) : 0;
		struct fd_reader fr;

		if (fd < 0)
			die(EXIT_FAIL, "%s", src);
		fd_reader_init(&fr, fd, src);
		if (store_layer_import(&s, &fr.r, src, &li, &existed))
			die_err(EXIT_FAIL);
		if (fd)
			close(fd);
	} else if (store_layer_import_dir(&s, src, &li, &existed))
		die_err(EXIT_FAIL);
	if (image_create(&s, r.full, &li, 1, &c, id))
		die_err(EXIT_FAIL);
	store_close(&s);
	puts(id);
	return EXIT_OK;
}
