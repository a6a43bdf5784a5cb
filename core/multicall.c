/* multicall.c - one binary, many applets: pick one by name and run it.
 *
 *   boxcar APPLET ARGS...      always works
 *   APPLET ARGS...             through a link named after an alias applet
 *   boxcar-APPLET ARGS...      through a link, for every applet
 */
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
#include "container.h"
#include "err.h"
#include "guard.h"
#include "gzip.h"
#include "image.h"
#include "lz4frame.h"
#include "store.h"
#include "version.h"

#include "applets.h" /* generated: applets[] and prototypes */
#include "usage_pack.h" /* generated: the usage texts, packed */

const struct applet *current_applet;

const struct applet *applet_find(const char *name)
{
	unsigned lo = 0, hi = applet_count;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = strcmp(name, applets[mid].name);

		if (!c)
			return &applets[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Every applet's usage text, one raw deflate stream (with FEATURE_GZIP)
 * or one LZ4 block (scripts/usage-pack.c): a third or 40% of its size,
 * with the decoder the layers need anyway. */
void usage_print(FILE *f)
{
	char *text = malloc(USAGE_TEXT_SIZE);
	const char *u, *nl;
	long got = -1;

	if (text)
		got = USAGE_DEFLATE ? inflate_raw(usage_packed, sizeof(usage_packed), text,
						  USAGE_TEXT_SIZE)
			: lz4_block_decode(usage_packed, (int)sizeof(usage_packed), text,
					   USAGE_TEXT_SIZE, NULL, 0);
	if (got != USAGE_TEXT_SIZE) {
		fprintf(f, "Usage: boxcar %s (its help text is unreadable)\n", current_applet->name);
		free(text);
		return;
	}
	u = text + usage_off[current_applet - applets];
	nl = strchr(u, '\n');
	fprintf(f, "Usage: boxcar %s %.*s\n", current_applet->name,
		nl ? (int)(nl - u) : (int)strlen(u), u);
	if (nl && nl[1])
		fprintf(f, "\n%s", nl + 1);
	free(text);
}

void usage_exit(int code)
{
	usage_print(code ? stderr : stdout);
	exit(code);
}

int applet_getopt(int argc, char **argv, const char *optstring, const struct option *opts)
{
	char spec[128];
	const char *arg;
	int plus = optstring[0] == '+', c;

	/* a ':' after any '+': getopt says which of the two failures it was */
	if (snprintf(spec, sizeof(spec), "%s:%s", plus ? "+" : "", optstring + plus)
	    >= (int)sizeof(spec))
		diex(EXIT_FAIL, "internal error: option string too long");
	opterr = 0;
	c = getopt_long(argc, argv, spec, opts, NULL);
	if (c != '?' && c != ':')
		return c;
	/* The option at fault: a long one is argv[optind - 1] (getopt moved
	 * past it), up to any '='; a short one is optopt. */
	arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	if (!strncmp(arg, "--", 2) && arg[2] && (c == ':' || !optopt || optopt > 127)) {
		int n = (int)strcspn(arg, "=");

		if (n == 6 && !strncmp(arg, "--help", 6))
			usage_exit(EXIT_OK);
		if (c == ':')
			die_usage("option '%.*s' needs an argument", n, arg);
		if (arg[n] && optopt)
			die_usage("option '%.*s' takes no argument", n, arg);
		die_usage("unknown option '%.*s'", n, arg);
	}
	if (c == ':')
		die_usage("option '-%c' needs an argument", optopt);
	die_usage("unknown option '-%c'", optopt);
}

int applet_getopt_store(int argc, char **argv, const char *optstring, const struct option *opts,
			const char **root)
{
	/* above every applet's own values (theirs start at 256) */
	enum { OPT_ROOT = 0x10000, OPT_RUNTIME_DIR, OPT_HELP };
	static const struct option common[] = {
		{ "root", required_argument, 0, OPT_ROOT },
		{ "runtime-dir", required_argument, 0, OPT_RUNTIME_DIR },
		{ "help", no_argument, 0, OPT_HELP },
		{ 0 }
	};
	const char *h = strchr(optstring, 'h');
	size_t n = 0;
	int c;

	while (opts && opts[n].name)
		n++;
	/* the applet's table, then the common one (run's has 150 entries) */
	struct option all[n + sizeof(common) / sizeof(common[0])];

	memcpy(all, opts, n * sizeof(*opts));
	memcpy(all + n, common, sizeof(common));
	for (;;) {
		c = applet_getopt(argc, argv, optstring, all);
		if (c == OPT_ROOT)
			*root = optarg;
		else if (c == OPT_RUNTIME_DIR)
			container_runtime_dir(optarg);
		else if (c == OPT_HELP || (c == 'h' && h && h[1] != ':'))
			usage_exit(EXIT_OK);
		else
			return c;
	}
}

void applet_store_options(int argc, char **argv, const char **root)
{
	if (applet_getopt_store(argc, argv, "h", NULL, root) != -1)
		die_usage("unknown option");
}

int applet_each_container(const char *root, int argc, char **argv,
			  int (*fn)(struct store *s, const char *id, const char *ref, void *arg),
			  void *arg)
{
	char id[CONTAINER_ID_LEN + 1];
	struct store s;
	int rc = EXIT_OK;

	if (store_open(&s, store_root(root), STORE_RECORDS))
		die_err(EXIT_FAIL);
	for (int i = optind; i < argc; i++) {
		if (container_resolve(&s, argv[i], id) || fn(&s, id, argv[i], arg)) {
			errno = err_errno();
			warn("%s", err_msg());
			rc = EXIT_FAIL;
			continue;
		}
		puts(argv[i]);
		fflush(stdout); /* as each is done: rm -f may take seconds each */
	}
	store_close(&s);
	return rc;
}

void applet_help_anywhere(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help"))
			usage_exit(EXIT_OK);
}

void applet_not_implemented(void)
{
	diex(EXIT_FAIL, "not implemented in this version of boxcar yet");
}

static void list_applets(void)
{
	printf("boxcar %s: containers for embedded Linux, in one binary.\n\n"
	       "Usage: boxcar APPLET [ARGS...]   or   boxcar-APPLET [ARGS...]\n"
	       "       boxcar APPLET --help\n"
	       "       boxcar --install [-s] DIR\n\n"
	       "Applets in this build:\n", BOXCAR_VERSION);
	for (unsigned i = 0; i < applet_count; i++)
		printf("  %-10s %s\n", applets[i].name, applets[i].summary);
}

/* Link DIR/NAME to the binary: a hard link, or with -s a symlink. */
static int install_link(const char *exe, const char *dir, const char *prefix,
			const char *name, int use_symlink)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s%s", dir, prefix, name);

	if (n < 0 || n >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		warn("%s/%s%s", dir, prefix, name);
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		warn("cannot replace %s", path);
		return -1;
	}
	if ((use_symlink ? symlink(exe, path) : link(exe, path)) < 0) {
		warn("cannot link %s", path);
		return -1;
	}
	return 0;
}

static int install(int argc, char **argv)
{
	char exe[PATH_MAX];
	int use_symlink = 0, rc = 0;
	const char *dir;

	applet_name = "--install";
	if (argc > 0 && !strcmp(argv[0], "-s")) {
		use_symlink = 1;
		argc--, argv++;
	}
	if (argc != 1)
		diex(EXIT_FAIL, "usage: boxcar --install [-s] DIR");
	dir = argv[0];
	if (!realpath("/proc/self/exe", exe))
		die(EXIT_FAIL, "cannot find my own binary (/proc/self/exe)");
	for (unsigned i = 0; i < applet_count; i++) {
		if (install_link(exe, dir, "boxcar-", applets[i].name, use_symlink))
			rc = EXIT_FAIL;
		if (ENABLED(INSTALL_PLAIN_NAMES) && (applets[i].flags & APPLET_ALIAS)
		    && install_link(exe, dir, "", applets[i].name, use_symlink))
			rc = EXIT_FAIL;
	}
	return rc;
}

static int run_applet(const struct applet *a, int argc, char **argv)
{
	current_applet = a;
	applet_name = a->name;
	store_gc_hook = image_gc_pending; /* store.h: the store knows no images */
	if (argc > 1 && !strcmp(argv[1], "--help"))
		usage_exit(EXIT_OK);
	return a->main(argc, argv);
}

/* Called as boxcar: the applet is the first argument. */
static int multicall(int argc, char **argv)
{
	const struct applet *a;

	if (argc < 2) {
		list_applets();
		return EXIT_FAIL;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		list_applets();
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("boxcar %s\n", BOXCAR_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--list")) {
		for (unsigned i = 0; i < applet_count; i++)
			puts(applets[i].name);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--install"))
		return install(argc - 2, argv + 2);
	a = applet_find(argv[1]);
	if (!a) {
		fprintf(stderr, "boxcar: unknown applet '%s'\n"
			"Try 'boxcar --help' for the list of applets.\n", argv[1]);
		return EXIT_FAIL;
	}
	return run_applet(a, argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	const char *base = argv[0] ? strrchr(argv[0], '/') : NULL;
	const struct applet *a;

	boxcar_argv = argv;
	base = base ? base + 1 : (argv[0] ? argv[0] : "");
	if (!strncmp(base, "boxcar-", 7))
		base += 7;
	/* Any other name (boxcar, boxcar_unstripped, a renamed copy) is the
	 * multicall entry, like busybox. */
	a = applet_find(base);
	if (a)
		return run_applet(a, argc, argv);
	return multicall(argc, argv);
}
