/* load.c - `docker load`: images from a tar archive into the store. */
//applet:load
//summary:read images from a tar archive
//config:config APPLET_LOAD
//config:	bool "load"
//config:	default y
//config:	depends on APPLET_PULL
//config:	help
//config:	  Load images from docker-archive (`docker save`, `boxcar
//config:	  save`) and OCI archives, like `docker load`.
//usage:[-i FILE] [-q]
//usage:Load the images of a tar archive from stdin, or FILE: a docker save
//usage:archive (manifest.json; Docker 25's and older ones) or an OCI image
//usage:layout archive (index.json; images named by io.containerd.image.name
//usage:or a NAME:TAG org.opencontainers.image.ref.name),
//usage:its layers plain, gzip, zstd or LZ4. Each blob is checked against its
//usage:digest (a layer against the config's diff_ids) as it is stored; the
//usage:archive is read in place (stdin is first copied to an unnamed file
//usage:in the store's file system), in constant memory. All or nothing: if
//usage:an image fails, the names this load set are put back as they were
//usage:and the layers it added are removed. Prints "Loaded image: NAME" for
//usage:each name once all are in.
//usage:
//usage:  -i, --input FILE  read FILE instead of stdin
//usage:  -q, --quiet       print nothing but errors
//usage:      --root DIR    store directory (default $BOXCAR_ROOT or the built-in one)

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "err.h"
#include "image.h"
#include "imgref.h"
#include "oci_layout.h"
#include "platform.h"
#include "pull.h"
#include "ref.h"
#include "store.h"
#include "stream.h"

/* stdin, unless it is a file already, copied to an unnamed file in the
 * store's file system (not /tmp: on a board that is RAM); it is gone
 * when we exit, however we exit. */
static int spool_stdin(const char *root)
{
	struct stat st;
	struct fd_reader fr;
	struct fd_writer fw;
	char path[PATH_MAX];
	int fd;

	if (fstat(0, &st) == 0 && S_ISREG(st.st_mode) && lseek(0, 0, SEEK_SET) == 0)
		return 0;
	fd = open(root, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (snprintf(path, sizeof(path), "%s/.load-XXXXXX", root) >= (int)sizeof(path))
			diex(EXIT_FAIL, "%s: path too long", root);
		if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
			die(EXIT_FAIL, "cannot make a file in %s", root);
		unlink(path);
	}
	fd_reader_init(&fr, 0, "stdin");
	fd_writer_init(&fw, fd, "the copy of stdin");
	if (stream_copy(&fr.r, &fw.w) < 0)
		die_err(EXIT_FAIL);
	return fd;
}

/* What a load changed, to put back if a later image fails. */
struct undo {
	const struct store *s;   /* while rolling back */
	struct {
		char ref[REF_NAME_MAX + REF_TAG_MAX + 2];
		char old[DIGEST_STR_LEN + 1]; /* "" if it was not there */
	} *tags;
	int ntags;
	char (*layers)[DIGEST_STR_LEN + 1]; /* the layers before */
	int nlayers;
};

static int note_layer(const struct layer_info *li, void *arg)
{
	struct undo *u = arg;

	if (!(u->nlayers % 64) &&
	    !(u->layers = realloc(u->layers, (u->nlayers + 64) * sizeof(*u->layers))))
		die(EXIT_FAIL, "out of memory");
	strcpy(u->layers[u->nlayers++], li->digest);
	return 0;
}

static int drop_new_layer(const struct layer_info *li, void *arg)
{
	struct undo *u = arg;

	for (int i = 0; i < u->nlayers; i++)
		if (!strcmp(u->layers[i], li->digest))
			return 0;
	image_layer_remove(u->s, li->digest); /* one still in use is kept */
	return 0;
}

static void quiet_report(const char *what, const char *id)
{
	(void)what, (void)id;
}

/* Put the tags back, then remove the layers that were not there. */
static void roll_back(const char *root, struct undo *u)
{
	struct store s;
	int e = err_errno();
	char msg[256];

	snprintf(msg, sizeof(msg), "%s", err_msg());
	if (store_open(&s, root, STORE_WRITE) == 0) {
		for (int i = u->ntags - 1; i >= 0; i--)
			if (u->tags[i].old[0])
				store_tag_set(&s, u->tags[i].ref, u->tags[i].old);
			else
				image_remove(&s, u->tags[i].ref, quiet_report);
		u->s = &s;
		store_layer_each(&s, drop_new_layer, u);
		store_close(&s);
	}
	err_setn(e, "%s", msg);
}

int load_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input", required_argument, 0, 'i' },
		{ "quiet", no_argument, 0, 'q' },
		{ "root", required_argument, 0, 'R' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	const char *root = NULL, *in = NULL;
	struct pull_progress pp = { 0 };
	struct pull_opts po = { .progress = &pp };
	struct pull_result res;
	struct local_source ls;
	struct undo u = { 0 };
	struct store s;
	char path[64], local[REF_NAME_MAX + REF_TAG_MAX + 2];
	int opt, quiet = 0, fd, n = 0;

	while ((opt = applet_getopt(argc, argv, "i:qh", opts)) != -1) {
		switch (opt) {
		case 'i': in = optarg; break;
		case 'q': quiet = 1; break;
		case 'R': root = optarg; break;
		case 'h': usage_exit(EXIT_OK);
		default: die_usage("unknown option");
		}
	}
	if (optind < argc)
		die_usage("load takes no arguments (-i FILE)");
	po.root = store_root(root);
	platform_host(&po.platform, NULL);
	if (!in && isatty(0))
		diex(EXIT_FAIL, "requested load from stdin, but stdin is empty (use -i FILE)");
	/* The store's layout first: the spool file goes in its root. */
	if (store_open(&s, po.root, STORE_READ))
		die_err(EXIT_FAIL);
	if (store_layer_each(&s, note_layer, &u) < 0)
		die_err(EXIT_FAIL);
	store_close(&s);
	if (!in) {
		fd = spool_stdin(po.root);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		in = path;
	}
	if (local_archive_open(&ls, in))
		die_err(EXIT_FAIL);
	if (ls.unnamed)
		warnx("%d image%s in %s without a name: not loaded (a store keeps named "
		      "images only)", ls.unnamed, ls.unnamed > 1 ? "s" : "", in == path ? "stdin" : in);
	for (const char *name = ls.names; name < ls.names + ls.names_len;
	     name += strlen(name) + 1)
		n++;
	if (!(u.tags = calloc(n ? n : 1, sizeof(*u.tags))))
		die(EXIT_FAIL, "out of memory");
	for (const char *name = ls.names; name < ls.names + ls.names_len;
	     name += strlen(name) + 1) {
		struct imgref ir;
		struct ref lr;
		int rc;

		/* docker.io/library/x:1 is kept as x:1, as pull names it. */
		if (imgref_parse(name, &ir) || imgref_local_name(&ir, local, sizeof(local)) ||
		    (snprintf(local + strlen(local), sizeof(local) - strlen(local), ":%s",
			      ir.tag[0] ? ir.tag : "latest"), ref_parse(local, &lr))) {
			err_prefix(name);
			goto fail;
		}
		snprintf(u.tags[u.ntags].ref, sizeof(u.tags[u.ntags].ref), "%s", lr.full);
		if (store_open(&s, po.root, STORE_READ))
			goto fail;
		if (store_tag_get(&s, lr.full, u.tags[u.ntags].old))
			u.tags[u.ntags].old[0] = 0;
		store_close(&s);
		u.ntags++;
		rc = pull_image(&ls.src, name, lr.full, &po, &res);
		if (rc)
			goto fail;
	}
	local_source_close(&ls);
	/* Told once all are in: a later failure would take them back. */
	for (int i = 0; i < u.ntags && !quiet; i++)
		printf("Loaded image: %s\n", u.tags[i].ref);
	return EXIT_OK;
fail:
	roll_back(po.root, &u);
	die_err(EXIT_FAIL);
}
