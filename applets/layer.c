/* layer.c - create and extract layer archives (tar in an LZ4 frame).
 *
 * A thin front end: core/layer_pack.c and core/layer_unpack.c do the
 * work, core/lz4frame.c, core/gzip.c and core/zstd_read.c the
 * compression. Subcommands are a table; the store's (import, ls, inspect, rm, export) call
 * core/store.c and core/image.c.
 */
//applet:layer
//summary:create, extract and manage lz4 layer archives
//config:config APPLET_LAYER
//config:	bool "layer"
//config:	default y
//config:	help
//config:	  Pack, unpack and store layer archives.
//usage:create|diff|extract|import|ls|inspect|rm|export ...
//usage:Work with layer archives: POSIX tar in an LZ4 frame (docs/layer-format.md).
//usage:
//usage:  create [-o FILE] [--mtime EPOCH] [--level N] DIR
//usage:	Pack the tree under DIR. Output goes to FILE, or to stdout
//usage:	("-", the default) unless that is a terminal. --mtime (default:
//usage:	$SOURCE_DATE_EPOCH) clamps later mtimes. --level: 0 fast (the
//usage:	default), 3-12 LZ4 HC (builds with FEATURE_LZ4_HC).
//usage:  diff [--root DIR] [-o FILE] [--mtime EPOCH] [--level N] CONTAINER|DIR
//usage:	A container's changes (its overlay upperdir), or DIR that
//usage:	looks like one: overlay whiteouts become .wh.NAME entries and
//usage:	opaque directories .wh..wh..opq.
//usage:  extract [--overlay|--apply] [--no-devices] [--no-same-owner] FILE|- DIR
//usage:	Unpack an LZ4 layer, a plain tar, or a gzip or zstd tar into DIR.
//usage:	Whiteouts stay files unless --overlay (make overlay whiteouts)
//usage:	or --apply (delete what they name in DIR). Devices and owners
//usage:	are restored when run as root.
//usage:  import [--root DIR] FILE|-
//usage:	Store a layer (LZ4, gzip, zstd or plain tar; kept as LZ4) and unpack it
//usage:	into the store (--root, else $BOXCAR_ROOT, else the built-in
//usage:	one). Prints its digest: sha256 of the archive as stored.
//usage:  ls [--root DIR]
//usage:	Stored layers: short digest, size, files, images using them.
//usage:  inspect [--root DIR] DIGEST...
//usage:	Details as a JSON array. DIGEST may be a unique prefix.
//usage:  rm [--root DIR] DIGEST...
//usage:	Delete layers that no image or container uses.
//usage:  export [--root DIR] [-o FILE] DIGEST
//usage:	The stored archive, to FILE or stdout.

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "gzip.h"
#include "zstd_read.h"
#include "human.h"
#include "image.h"
#include "layer.h"
#include "lz4frame.h"
#include "number.h"
#include "overlay.h"
#include "store.h"
#include "stream.h"

/* Gives back the bytes read to sniff the format, then the rest. */
struct peek_reader {
	struct reader r;
	struct reader *in;
	unsigned char buf[4];
	size_t len, pos;
};

static ssize_t peek_read(struct reader *r, void *buf, size_t n)
{
	struct peek_reader *p = (struct peek_reader *)r;

	if (p->pos == p->len)
		return reader_read(p->in, buf, n);
	if (n > p->len - p->pos)
		n = p->len - p->pos;
	memcpy(buf, p->buf + p->pos, n);
	p->pos += n;
	return (ssize_t)n;
}

static void peek_init(struct peek_reader *p, struct reader *in)
{
	ssize_t n;

	*p = (struct peek_reader){ .r = { peek_read, NULL }, .in = in };
	while (p->len < sizeof(p->buf) &&
	       (n = reader_read(in, p->buf + p->len, sizeof(p->buf) - p->len)) > 0)
		p->len += (size_t)n;
	if (n < 0)
		die_err(EXIT_FAIL);
}

static int64_t parse_epoch(const char *s, const char *what)
{
	int64_t v;

	if (number_int(s, INT64_MIN, INT64_MAX, NUMBER_STRTOL, &v))
		die_usage("bad %s '%s'", what, s);
	return v;
}

/* create and diff: DIR to an LZ4 frame on FILE or stdout. */
static int pack_main(int argc, char **argv, int overlay)
{
	struct layer_pack_opts po = { .overlay_to_oci = overlay };
	struct lz4frame_writer lz;
	struct fd_writer fw;
	const char *out = "-", *dir = NULL, *sde = getenv("SOURCE_DATE_EPOCH");
	int level = LZ4FRAME_FAST, fd = 1;

	if (!ENABLED(FEATURE_LAYER_CREATE))
		diex(EXIT_FAIL, "creating layers is not built in");
	if (sde && *sde)
		po.clamp_mtime = 1, po.mtime = parse_epoch(sde, "SOURCE_DATE_EPOCH");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(a, "--mtime") && i + 1 < argc)
			po.clamp_mtime = 1, po.mtime = parse_epoch(argv[++i], "--mtime");
		else if (!strcmp(a, "--level") && i + 1 < argc) {
			int64_t l = parse_epoch(argv[++i], "--level");

			/* checked before it is an int: 2^32 + 3 is not 3 */
			if (l != 0 && (l < 3 || l > 12))
				die_usage("--level is 0 or 3-12");
			level = (int)l;
		} else if (a[0] == '-' && a[1])
			die_usage("unknown option '%s'", a);
		else if (dir)
			die_usage("one DIR only");
		else
			dir = a;
	}
	if (!dir)
		die_usage("no DIR");
	if (strcmp(out, "-")) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			die(EXIT_FAIL, "%s", out);
	} else if (isatty(1)) {
		diex(EXIT_FAIL, "refusing to write an archive to a terminal (use -o FILE)");
	}
	fd_writer_init(&fw, fd, strcmp(out, "-") ? out : "stdout");
	if (lz4frame_writer_init(&lz, &fw.w, level) < 0 || layer_pack(dir, &lz.w, &po) < 0 ||
	    writer_finish(&lz.w) < 0) {
		if (fd != 1)
			unlink(out);
		die_err(EXIT_FAIL);
	}
	lz.w.close(&lz.w);
	if (fd != 1 && close(fd) < 0)
		die(EXIT_FAIL, "%s", out);
	return EXIT_OK;
}

static int create_main(int argc, char **argv)
{
	return pack_main(argc, argv, 0);
}

static const char *store_args(int *argc, char **argv);

/* diff takes an upperdir, or a container whose upperdir it packs. */
static int diff_main(int argc, char **argv)
{
	static char upper[PATH_MAX];
	const char *root = store_args(&argc, argv);
	struct stat st;
	struct store s;
	char id[CONTAINER_ID_LEN + 1];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--mtime") ||
		    !strcmp(argv[i], "--level")) {
			i++;
			continue;
		}
		if (argv[i][0] == '-' || (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)))
			continue;
		if (store_open(&s, root, STORE_READ) < 0 ||
		    container_resolve(&s, argv[i], id) < 0 ||
		    overlay_dir(&s, id, "diff", upper) < 0)
			die_err(EXIT_FAIL);
		store_close(&s);
		argv[i] = upper;
	}
	return pack_main(argc, argv, 1);
}

static int extract_main(int argc, char **argv)
{
	struct layer_unpack_opts uo = { .allow_devices = geteuid() == 0,
					.same_owner = geteuid() == 0 };
	struct peek_reader peek;
	struct fd_reader fr;
	struct lz4frame_reader lz;
	struct gzip_reader gz;
	struct zstd_reader zs;
	struct reader *tar = &peek.r;
	const char *in = NULL, *dir = NULL;
	int fd = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--overlay"))
			uo.oci_to_overlay = 1;
		else if (!strcmp(a, "--apply"))
			uo.apply_whiteouts = 1;
		else if (!strcmp(a, "--no-devices"))
			uo.allow_devices = 0;
		else if (!strcmp(a, "--no-same-owner"))
			uo.same_owner = 0;
		else if (a[0] == '-' && a[1])
			die_usage("unknown option '%s'", a);
		else if (!in)
			in = a;
		else if (!dir)
			dir = a;
		else
			die_usage("too many arguments");
	}
	if (!dir)
		die_usage("need FILE and DIR");
	if (uo.oci_to_overlay && uo.apply_whiteouts)
		die_usage("--overlay and --apply exclude each other");
	if (strcmp(in, "-") && (fd = open(in, O_RDONLY | O_CLOEXEC)) < 0)
		die(EXIT_FAIL, "%s", in);
	fd_reader_init(&fr, fd, strcmp(in, "-") ? in : "stdin");
	peek_init(&peek, &fr.r);
	if (lz4frame_sniff(peek.buf, peek.len)) {
		if (lz4frame_reader_init(&lz, &peek.r) < 0)
			die_err(EXIT_FAIL);
		tar = &lz.r;
	} else if (gzip_sniff(peek.buf, peek.len)) {
		if (!ENABLED(FEATURE_GZIP))
			diex(EXIT_FAIL, "%s: gzip support not built in", in);
		if (gzip_reader_init(&gz, &peek.r) < 0)
			die_err(EXIT_FAIL);
		tar = &gz.r;
	} else if (zstd_sniff(peek.buf, peek.len)) {
		if (!ENABLED(FEATURE_ZSTD))
			diex(EXIT_FAIL, "%s: zstd support not built in", in);
		if (zstd_reader_init(&zs, &peek.r) < 0)
			die_err(EXIT_FAIL);
		tar = &zs.r;
	}
	if (layer_unpack(tar, dir, &uo) < 0)
		die_err(EXIT_FAIL);
	if (uo.xattrs_dropped)
		warnx("%s: the filesystem holds no xattrs: %llu dropped", dir,
		      (unsigned long long)uo.xattrs_dropped);
	if (tar->close)
		tar->close(tar);
	return EXIT_OK;
}

/* The store subcommands take --root DIR anywhere; it is taken out of
 * argv and the store root (--root, $BOXCAR_ROOT, built-in) returned. */
static const char *store_args(int *argc, char **argv)
{
	const char *root = NULL;
	int n = 1;

	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < *argc)
			root = argv[++i];
		else if (!strncmp(argv[i], "--root=", 7))
			root = argv[i] + 7;
		else
			argv[n++] = argv[i];
	}
	*argc = n;
	argv[n] = NULL;
	return store_root(root);
}

static void open_store(struct store *s, const char *root, int mode)
{
	if (store_open(s, root, mode))
		die_err(EXIT_FAIL);
}

/* A full digest, sha256:PREFIX or PREFIX naming a stored layer. */
static void layer_id(struct store *s, const char *id, char out[DIGEST_STR_LEN + 1])
{
	if (store_resolve(s, "layers", id, out))
		die_err(EXIT_FAIL);
}

static int import_main(int argc, char **argv)
{
	const char *root = store_args(&argc, argv), *in;
	struct layer_info li;
	struct fd_reader fr;
	struct store s;
	int fd = 0, existed;

	if (argc != 2)
		die_usage("import needs FILE or -");
	in = argv[1];
	if (strcmp(in, "-") && (fd = open(in, O_RDONLY | O_CLOEXEC)) < 0)
		die(EXIT_FAIL, "%s", in);
	fd_reader_init(&fr, fd, fd ? in : "stdin");
	open_store(&s, root, STORE_STAGE);
	if (store_layer_import(&s, &fr.r, fd ? in : "stdin", &li, &existed))
		die_err(EXIT_FAIL);
	store_close(&s);
	puts(li.digest);
	return EXIT_OK;
}

static int ls_one(const struct layer_info *li, void *arg)
{
	struct store *s = arg;
	char size[16], users[512];

	human_size(size, sizeof(size), li->size);
	if (image_layer_users(s, li->digest, users, sizeof(users)) <= 0)
		strcpy(users, "-");
	printf("%.12s   %-8s   %-7lld   %s\n", li->digest + 7, size, (long long)li->files, users);
	return 0;
}

static int ls_main(int argc, char **argv)
{
	const char *root = store_args(&argc, argv);
	struct store s;

	if (argc != 1)
		die_usage("ls takes no arguments");
	open_store(&s, root, STORE_READ);
	printf("%-12s   %-8s   %-7s   %s\n", "LAYER ID", "SIZE", "FILES", "IMAGES");
	if (store_layer_each(&s, ls_one, &s))
		die_err(EXIT_FAIL);
	store_close(&s);
	return EXIT_OK;
}

static int inspect_main(int argc, char **argv)
{
	const char *root = store_args(&argc, argv);
	char digest[DIGEST_STR_LEN + 1], users[4096], path[PATH_MAX];
	struct layer_info li;
	struct json_w w;
	struct store s;

	if (argc < 2)
		die_usage("inspect needs a DIGEST");
	open_store(&s, root, STORE_READ);
	jw_init(&w, 1);
	jw_arr(&w);
	for (int i = 1; i < argc; i++) {
		layer_id(&s, argv[i], digest);
		if (store_layer_get(&s, digest, &li))
			die_err(EXIT_FAIL);
		jw_obj(&w);
		jw_kstr(&w, "digest", li.digest);
		jw_kstr(&w, "diff_id", li.diff_id);
		jw_kstr(&w, "media_type", IMAGE_LAYER_TYPE);
		jw_kint(&w, "size", li.size);
		jw_kint(&w, "diff_size", li.diff_size);
		jw_kint(&w, "files", li.files);
		jw_key(&w, "tree_only"); /* no archive kept (docs/store.md) */
		jw_bool(&w, li.tree_only);
		if (!store_path(&s, path, "layers/%s/diff", li.digest + 7))
			jw_kstr(&w, "dir", path);
		if (!store_path(&s, path, "l/%s", li.link))
			jw_kstr(&w, "link", path);
		jw_key(&w, "images");
		jw_arr(&w);
		if (image_layer_users(&s, li.digest, users, sizeof(users)) > 0)
			for (char *t = strtok(users, ","); t; t = strtok(NULL, ","))
				jw_str(&w, t);
		jw_end(&w);
		jw_end(&w);
	}
	jw_end(&w);
	store_close(&s);
	if (jw_finish(&w))
		die_err(EXIT_FAIL);
	fwrite(w.buf, 1, w.len, stdout);
	jw_free(&w);
	return EXIT_OK;
}

static int rm_main(int argc, char **argv)
{
	const char *root = store_args(&argc, argv);
	char digest[DIGEST_STR_LEN + 1];
	struct store s;
	int rc = EXIT_OK;

	if (argc < 2)
		die_usage("rm needs a DIGEST");
	open_store(&s, root, STORE_WRITE);
	for (int i = 1; i < argc; i++) {
		if (store_resolve(&s, "layers", argv[i], digest) || image_layer_remove(&s, digest)) {
			warn("%s", err_msg());
			rc = EXIT_FAIL;
		} else
			printf("Deleted: %s\n", digest);
	}
	store_close(&s);
	return rc;
}

static int export_main(int argc, char **argv)
{
	const char *root = store_args(&argc, argv), *out = "-", *id = NULL;
	char digest[DIGEST_STR_LEN + 1], got[DIGEST_STR_LEN + 1];
	unsigned char sum[DIGEST_LEN];
	struct layer_info li;
	struct digest_reader dr;
	struct fd_reader fr;
	struct fd_writer fw;
	struct store s;
	int in, fd = 1, ok = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (id)
			die_usage("one DIGEST only");
		else
			id = argv[i];
	}
	if (!id)
		die_usage("export needs a DIGEST");
	if (!strcmp(out, "-") && isatty(1))
		diex(EXIT_FAIL, "refusing to write an archive to a terminal (use -o FILE)");
	open_store(&s, root, STORE_READ);
	layer_id(&s, id, digest);
	/* a tree-only layer's archive is made again here (store_tree.c) */
	if (store_layer_get(&s, digest, &li) || (in = store_layer_archive_open(&s, &li)) < 0)
		die_err(EXIT_FAIL);
	if (strcmp(out, "-") && (fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		die(EXIT_FAIL, "%s", out);
	/* Checked while it streams (docs/store.md: blobs read back are
	 * checked): a blob altered or cut on disk fails the export, and a
	 * file written from it is removed; stdout gets an error status. */
	fd_reader_init(&fr, in, "the layer's archive");
	digest_reader_init(&dr, &fr.r);
	fd_writer_init(&fw, fd, fd == 1 ? "stdout" : out);
	if (stream_copy(&dr.r, &fw.w) < 0)
		ok = 0;
	else {
		digest_final(&dr.d, sum);
		digest_format(got, sum);
		if (strcmp(got, digest)) {
			err_setn(EIO, "blob %s is corrupt (hashes to %s)", digest, got);
			ok = 0;
		}
	}
	if (fd != 1 && close(fd) < 0 && ok) {
		err_set("%s", out);
		ok = 0;
	}
	if (!ok && fd != 1)
		unlink(out);
	if (!ok)
		die_err(EXIT_FAIL);
	store_close(&s);
	return EXIT_OK;
}

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} commands[] = {
	{ "create", create_main },
	{ "diff", diff_main },
	{ "export", export_main },
	{ "extract", extract_main },
	{ "import", import_main },
	{ "inspect", inspect_main },
	{ "ls", ls_main },
	{ "rm", rm_main },
};

int layer_main(int argc, char **argv)
{
	applet_help_anywhere(argc, argv); /* layer SUBCOMMAND --help too */
	if (argc < 2)
		die_usage("no subcommand");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].main(argc - 1, argv + 1);
	die_usage("unknown subcommand '%s'", argv[1]);
}
