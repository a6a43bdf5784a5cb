/* applet.h - what the multicall dispatcher knows about each applet.
 *
 * The table is generated from the //applet:, //config: and //usage: blocks
 * at the top of each applets/NAME.c (scripts/gen-applets.sh), sorted by
 * name, so adding an applet touches one file.
 */
#ifndef BOXCAR_APPLET_H
#define BOXCAR_APPLET_H

#include <stdio.h>

#include "config.h"

/* Kconfig symbols are always defined as 0/1, so features read as C
 * constants and disabled code is still compiled, then dropped. */
#define ENABLED(sym) (CONFIG_##sym)

enum {
	APPLET_ALIAS = 1, /* also installed under its plain name (nsenter) */
};

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary; /* one line for `boxcar --help` */
	unsigned flags;      /* the usage text (first line: arguments, then the
			      * help) is packed apart: usage_print */
};

extern const struct applet applets[];
extern const unsigned applet_count;
extern const struct applet *current_applet;

const struct applet *applet_find(const char *name);
/* Print the current applet's usage to f. */
void usage_print(FILE *f);
/* Print usage to stdout and exit(code): for -h/--help. */
__attribute__((noreturn)) void usage_exit(int code);
struct option;
/* getopt_long() for applets, with one way of failing for all of them:
 * an unknown option or a missing argument dies with one line,
 *     boxcar: APPLET: unknown option '-p'
 * and the "Try 'boxcar APPLET --help'" hint; --help wherever getopt
 * meets it prints the usage and exits 0. Never returns '?' or ':'.
 * optstring as getopt_long's ('+' first: stop at the first argument). */
int applet_getopt(int argc, char **argv, const char *optstring, const struct option *opts);
/* applet_getopt for the applets that work on containers, with the
 * options they all take handled here: --root DIR (into *root, for
 * store_root), --runtime-dir DIR (container_runtime_dir), --help, and
 * -h when optstring has it without an argument. opts (may be NULL)
 * lists the applet's own long options only. */
int applet_getopt_store(int argc, char **argv, const char *optstring, const struct option *opts,
			const char **root);
/* The same for an applet that has no other option: it dies on any
 * option but those; optind is then the first operand. */
void applet_store_options(int argc, char **argv, const char **root);
struct store;
/* The loop of the applets that act on each CONTAINER operand (kill,
 * pause, rm, update): the store at root (store_root) opened once, as
 * STORE_RECORDS (no lock: records are made by renames, store.h); each of
 * argv[optind..argc) resolved in it (a name, an ID or a prefix of one) and
 * fn(s, id, operand, arg) called. The operand is printed once fn returns
 * 0; else what failed (err.h: the resolve's or fn's) is warned and the
 * next one tried. Returns EXIT_OK, or EXIT_FAIL if one failed. */
int applet_each_container(const char *root, int argc, char **argv,
			  int (*fn)(struct store *s, const char *id, const char *ref, void *arg),
			  void *arg);
/* --help anywhere in argv[1..] before a "--": print usage, exit 0. For
 * applets that read their arguments themselves (subcommands). */
void applet_help_anywhere(int argc, char **argv);

/* For applets that later issues implement: say so and exit non-zero. */
__attribute__((noreturn)) void applet_not_implemented(void);

#endif
