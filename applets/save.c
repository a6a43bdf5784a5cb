/* save.c - `docker save`: images to a tar archive, for a board with no
 * registry (`boxcar save app | ssh board boxcar load`). */
//applet:save
//summary:write images to a tar archive
//config:config APPLET_SAVE
//config:	bool "save"
//config:	default y
//config:	help
//config:	  Write images to a docker-archive (what `docker load`,
//config:	  `podman load` and skopeo read) or an OCI archive, like
//config:	  `docker save`.
//usage:[-o FILE] [--format docker|oci] IMAGE...
//usage:Write the IMAGEs (NAME[:TAG] or IDs) to a tar archive on stdout, or
//usage:FILE. The default docker format is Docker 25's: an OCI image layout
//usage:(index.json, blobs/sha256/) with docker's manifest.json and
//usage:repositories, so docker load, podman load, skopeo's docker-archive:
//usage:and oci-archive: and boxcar load all read it. Layers are written as
//usage:plain tar, checked on the way against their diff_ids. A layer shared
//usage:by several IMAGEs is written once. An IMAGE given by ID is saved
//usage:without a name.
//usage:
//usage:  -o, --output FILE  write to FILE (made whole or not at all) instead
//usage:      --format F     docker (default), or oci: the OCI layout alone
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)

#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "applet.h"
#include "err.h"
#include "fsutil.h"
#include "image_archive.h"
#include "store.h"
#include "stream.h"

int save_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, 0, 'o' },
		{ "format", required_argument, 0, 'F' },
		{ "root", required_argument, 0, 'R' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	const char *root = NULL, *out = NULL;
	enum archive_format format = ARCHIVE_DOCKER;
	char tmp[PATH_MAX];
	struct fd_writer fw;
	struct store s;
	int opt, fd = 1, rc;

	while ((opt = applet_getopt(argc, argv, "o:h", opts)) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'F':
			if (!strcmp(optarg, "oci"))
				format = ARCHIVE_OCI;
			else if (strcmp(optarg, "docker"))
				die_usage("--format %s: docker or oci", optarg);
			break;
		case 'R': root = optarg; break;
		case 'h': usage_exit(EXIT_OK);
		default: die_usage("unknown option");
		}
	}
	if (optind >= argc)
		die_usage("need an IMAGE");
	if (!out && isatty(1))
		diex(EXIT_FAIL, "refusing to write an archive to a terminal (use -o FILE)");
	if (out) {
		/* FILE.tmp, renamed over FILE once whole. */
		if (snprintf(tmp, sizeof(tmp), "%s.tmp", out) >= (int)sizeof(tmp))
			diex(EXIT_FAIL, "%s: name too long", out);
		if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
			die(EXIT_FAIL, "%s", tmp);
	}
	fd_writer_init(&fw, fd, out ? tmp : "stdout");
	if (store_open(&s, store_root(root), STORE_READ))
		die_err(EXIT_FAIL);
	rc = image_archive_write(&s, argv + optind, argc - optind, format, &fw.w);
	store_close(&s);
	if (out && !rc && (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, out) < 0 ||
			   fsync_parent(out)))
		rc = err_set("%s", out);
	if (rc) {
		if (out)
			unlink(tmp);
		die_err(EXIT_FAIL);
	}
	return EXIT_OK;
}
