/* cp.c - `docker cp`: files and directories into and out of a container,
 * running or stopped, as a tar stream between a packer and an unpacker.
 * Every path inside the container is resolved with its root as "/"
 * (pathsafe.h), so a symbolic link in the container, even one to "/",
 * never leads out to the host. */
//applet:cp
//summary:copy files between a container and the host
//config:config APPLET_CP
//config:	bool "cp"
//config:	default y
//config:	depends on FEATURE_LAYER_CREATE
//config:	help
//config:	  Copy files and directories into and out of containers, like
//config:	  `docker cp`, with no way out of the container's root through
//config:	  its symbolic links.
//usage:[-aL] CONTAINER:SRC DEST|-   or   [-aL] SRC|- CONTAINER:DEST
//usage:Copy SRC (a file, a directory and all under it, or a symbolic link as
//usage:such) between the host and CONTAINER, running or stopped, as docker
//usage:cp does: to an existing directory DEST, SRC goes inside it as its own
//usage:name; else it becomes DEST (whose directory must exist). SRC ending in
//usage:"/." copies what the directory holds rather than the directory. DEST
//usage:"-" writes a tar stream of SRC to stdout; SRC "-" reads a tar stream
//usage:from stdin and unpacks it into the directory DEST. Paths in the
//usage:container are resolved inside its root: its symbolic links cannot
//usage:lead out of it. A running container is written through its own
//usage:mounts (volumes too); a stopped one through its overlay.
//usage:
//usage:  -a, --archive      keep the owners (uid:gid) of SRC; without it the
//usage:                     copies belong to root, as docker makes them
//usage:  -L, --follow-link  SRC a symbolic link: copy what it points to (in the
//usage:                     container: resolved inside its root), under SRC's name
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "layer.h"
#include "pathsafe.h"
#include "store.h"
#include "stream.h"

/* One end of the copy: a path on the host (root < 0) or in the
 * container whose root directory is root. */
struct end {
	int root;
	const char *path;   /* as given */
	int contents;       /* ends in "/." (or is "."): what the dir holds */
	int slash;          /* ends in "/" */
	char parent[PATH_MAX], base[NAME_MAX + 1];
	char name[NAME_MAX + 1];  /* the name a copy gets: base, or with -L
	                           * the link's own name */
	char followed[PATH_MAX];  /* -L: the path the link led to */
};

enum kind { MISSING, DIRECTORY, OTHER };

/* Split e->path into the directory that holds it and its last name. For
 * the container, a cleaned path relative to its root ("" for "/"). */
static void split(struct end *e)
{
	char buf[PATH_MAX], *slash;
	size_t n = strlen(e->path);

	if (n >= sizeof(buf))
		diex(EXIT_FAIL, "%s: path too long", e->path);
	e->contents = !strcmp(e->path, ".") || (n >= 2 && !strcmp(e->path + n - 2, "/."));
	e->slash = n && e->path[n - 1] == '/';
	if (e->root >= 0) {
		if (path_clean(e->path, buf))
			die_err(EXIT_FAIL);
	} else
		strcpy(buf, e->path);
	while ((n = strlen(buf)) > 1 && buf[n - 1] == '/')
		buf[n - 1] = 0;
	if (n >= 2 && !strcmp(buf + n - 2, "/."))
		buf[n - 2] = 0;
	slash = strrchr(buf, '/');
	if (e->root >= 0 && !*buf) {     /* the container's / itself */
		e->contents = 1;
		e->parent[0] = e->base[0] = e->name[0] = 0;
		return;
	}
	if (!slash) {
		strcpy(e->parent, e->root >= 0 ? "" : ".");
		slash = buf - 1;
	} else {
		*slash = 0;
		strcpy(e->parent, slash == buf ? "/" : buf);
	}
	if (strlen(slash + 1) > NAME_MAX) {
		errno = ENAMETOOLONG;
		die(EXIT_FAIL, "%s", e->path);
	}
	strcpy(e->base, slash + 1);
	strcpy(e->name, e->base);
	if (!strcmp(e->base, ".") || !strcmp(e->base, "..") || !*e->base) {
		/* "/", ".", "..": a directory with no name of its own to
		 * give a copy; what it holds is copied. */
		snprintf(e->parent, sizeof(e->parent), "%s", e->path);
		e->base[0] = 0;
		e->contents = 1;
	}
}

/* Open a directory of an end: on the host as it is, in the container
 * resolved inside its root. */
static int open_dir(const struct end *e, const char *rel)
{
	int fd;

	if (e->root >= 0)
		return pathsafe_open_dir(e->root, rel, 0);
	fd = open(rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		err_set("%s", rel);
	return fd;
}

/* The directory holding e's name, and what the name is there. A
 * directory (a link to one included, followed inside the root) is
 * opened into *dir; anything else leaves *dir the parent's fd. */
static enum kind look(const struct end *e, int *parent, int *dir)
{
	char rel[PATH_MAX + NAME_MAX + 2];
	struct stat st;

	*dir = -1;
	if (!*e->base) {        /* the container's root, or a host "/", "." */
		*parent = -1;
		if ((*dir = open_dir(e, e->root >= 0 ? "" : e->parent)) < 0)
			die_err(EXIT_FAIL);
		return DIRECTORY;
	}
	if ((*parent = open_dir(e, e->parent)) < 0)
		die_err(EXIT_FAIL);
	if (fstatat(*parent, e->base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			die(EXIT_FAIL, "%s", e->path);
		return MISSING;
	}
	snprintf(rel, sizeof(rel), "%s%s%s", e->parent, *e->parent ? "/" : "", e->base);
	if (S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode))
		*dir = open_dir(e, rel);
	return *dir >= 0 ? DIRECTORY : OTHER;
}

/* path (inside the container whose root is root) with every symbolic
 * link in it expanded, into out (relative, "" for the root): one
 * component at a time, a link's target put in front of what is left (an
 * absolute one from the root), ".." never above the root, at most
 * MAXSYMLINKS links; as docker's FollowSymlinkInScope. Every directory
 * is opened under root (pathsafe), so nothing here leaves it. */
static int resolve_in_root(int root, const char *path, char *out)
{
	char todo[2 * PATH_MAX], rest[2 * PATH_MAX], link[PATH_MAX], comp[NAME_MAX + 1];
	char *p = todo;
	int links = 0;

	out[0] = 0;
	if (strlen(path) >= sizeof(todo))
		return err_setn(ENAMETOOLONG, "%s: path too long", path);
	strcpy(todo, path);
	for (;;) {
		struct stat st;
		size_t n, at;
		ssize_t l;
		int dfd;

		while (*p == '/')
			p++;
		if (!*p)
			return 0;
		n = strcspn(p, "/");
		if (n > NAME_MAX)
			return err_setn(ENAMETOOLONG, "%s: name too long", path);
		memcpy(comp, p, n);
		comp[n] = 0;
		p += n;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *up = strrchr(out, '/');

			*(up ? up : out) = 0;
			continue;
		}
		if ((dfd = pathsafe_open_dir(root, out, 0)) < 0)
			return -1;
		if (fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
			l = readlinkat(dfd, comp, link, sizeof(link) - 1);
			close(dfd);
			if (l < 0)
				return err_set("%s", path);
			if (++links > 40)
				return err_setn(0, "%s: too many levels of symbolic links", path);
			link[l] = 0;
			if (snprintf(rest, sizeof(rest), "%s/%s", link, p) >= (int)sizeof(rest))
				return err_setn(ENAMETOOLONG, "%s: path too long", path);
			strcpy(todo, rest);
			p = todo;
			if (link[0] == '/')
				out[0] = 0;
			continue;
		}
		close(dfd);
		at = strlen(out);
		if (at + 1 + n >= PATH_MAX)
			return err_setn(ENAMETOOLONG, "%s: path too long", path);
		if (at)
			out[at++] = '/';
		strcpy(out + at, comp);
	}
}

/* -L: when e names a symbolic link, make it name what the link leads
 * to, keeping the link's name for the copy. */
static void follow_link(struct end *e)
{
	char keep[NAME_MAX + 1], rel[PATH_MAX];
	struct stat st;
	int parent;

	if (!*e->base || e->contents)
		return;
	if ((parent = open_dir(e, e->parent)) < 0)
		die_err(EXIT_FAIL);
	if (fstatat(parent, e->base, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode)) {
		close(parent);
		return;
	}
	close(parent);
	strcpy(keep, e->name);
	if (e->root >= 0) {
		if (resolve_in_root(e->root, e->path, rel))
			die_err(EXIT_FAIL);
		if (strlen(rel) + 2 > sizeof(e->followed))
			diex(EXIT_FAIL, "%s: path too long", e->path);
		e->followed[0] = '/';
		strcpy(e->followed + 1, rel);
	} else if (!realpath(e->path, e->followed))
		die(EXIT_FAIL, "%s", e->path);
	e->path = e->followed;
	split(e);
	if (*e->base)
		strcpy(e->name, keep);
}

static void fd_path(char *buf, size_t n, int fd)
{
	snprintf(buf, n, "/proc/self/fd/%d", fd);
}

/* Pack in a child into a pipe, unpack here: one stream, no temporary
 * file, constant memory. */
static int copy(int from, const char *only, const char *as, int to, int archive)
{
	struct layer_pack_opts po = { .only = only, .as = as };
	struct layer_unpack_opts uo = { .same_owner = archive };
	char src[40], dst[40];
	struct fd_reader fr;
	int p[2], status, rc;
	pid_t pid;

	fd_path(src, sizeof(src), from);
	fd_path(dst, sizeof(dst), to);
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		die(EXIT_FAIL, "cannot start the copy");
	if (pid == 0) {
		struct fd_writer fw;

		close(p[0]);
		fd_writer_init(&fw, p[1], "pipe");
		if (layer_pack(src, &fw.w, &po) || writer_finish(&fw.w))
			die_err(EXIT_FAIL);
		_exit(EXIT_OK);
	}
	close(p[1]);
	fd_reader_init(&fr, p[0], "pipe");
	rc = layer_unpack(&fr.r, dst, &uo);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		exit(EXIT_FAIL); /* the packer said why */
	if (rc)
		die_err(EXIT_FAIL);
	return EXIT_OK;
}

/* SRC "-": a tar stream from stdin into the directory DEST. */
static int from_stdin(struct end *d, int archive)
{
	struct layer_unpack_opts uo = { .same_owner = archive };
	struct fd_reader fr;
	int parent, dir;
	char dst[40];

	if (look(d, &parent, &dir) != DIRECTORY)
		diex(EXIT_FAIL, "%s: not a directory", d->path);
	fd_path(dst, sizeof(dst), dir);
	fd_reader_init(&fr, 0, "stdin");
	if (layer_unpack(&fr.r, dst, &uo))
		die_err(EXIT_FAIL);
	return EXIT_OK;
}

/* DEST "-": SRC as a tar stream on stdout. */
static int to_stdout(struct end *s)
{
	struct layer_pack_opts po = { 0 };
	struct fd_writer fw;
	int parent, dir;
	char src[40];

	if (look(s, &parent, &dir) == MISSING)
		diex(EXIT_FAIL, "%s: no such file or directory", s->path);
	if (!s->contents) {
		po.only = s->base;
		po.as = s->name;
	}
	fd_path(src, sizeof(src), s->contents ? dir : parent);
	fd_writer_init(&fw, 1, "stdout");
	if (layer_pack(src, &fw.w, &po) || writer_finish(&fw.w))
		die_err(EXIT_FAIL);
	return EXIT_OK;
}

static int copy_ends(struct end *s, struct end *d, int archive)
{
	int sparent, sdir, dparent, ddir;
	enum kind sk = look(s, &sparent, &sdir), dk;

	if (sk == MISSING)
		diex(EXIT_FAIL, "%s: no such file or directory", s->path);
	/* A link is copied as a link, unless asked for what its directory
	 * holds. */
	if (!s->contents && sk == DIRECTORY && sparent >= 0) {
		struct stat st;

		if (fstatat(sparent, s->base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			sk = OTHER;
	}
	dk = look(d, &dparent, &ddir);
	if (dk == DIRECTORY) {
		if (s->contents)
			return copy(sdir, NULL, NULL, ddir, archive);
		return copy(sparent, s->base, s->name, ddir, archive);
	}
	if (dk == OTHER && sk == DIRECTORY)
		diex(EXIT_FAIL, "%s: cannot copy a directory to a file", d->path);
	if (dk == MISSING && d->slash)
		diex(EXIT_FAIL, "%s: no such directory", d->path);
	if (dk == MISSING && s->contents) {
		/* What the directory holds, into a new directory DEST. */
		if (mkdirat(dparent, d->base, 0755) < 0)
			die(EXIT_FAIL, "%s", d->path);
		ddir = openat(dparent, d->base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (ddir < 0)
			die(EXIT_FAIL, "%s", d->path);
		return copy(sdir, NULL, NULL, ddir, archive);
	}
	if (s->contents)
		diex(EXIT_FAIL, "%s: cannot copy a directory to a file", d->path);
	return copy(sparent, s->base, d->base, dparent, archive);
}

/* CONTAINER:PATH, as docker splits it: a path that starts with "/" or
 * "." is local whatever colons it holds. */
static char *container_part(char *arg)
{
	char *colon = strchr(arg, ':');

	if (arg[0] == '/' || arg[0] == '.' || !colon || colon == arg)
		return NULL;
	*colon = 0;
	return colon + 1;
}

int cp_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "archive", no_argument, 0, 'a' },
		{ "follow-link", no_argument, 0, 'L' },
		{ 0 }
	};
	const char *root = NULL, *name;
	char id[CONTAINER_ID_LEN + 1], *spath, *dpath;
	struct end s = { .root = -1 }, d = { .root = -1 }, *in;
	struct store st;
	int opt, archive = 0, follow = 0, lock, rc;

	while ((opt = applet_getopt_store(argc, argv, "aLh", opts, &root)) != -1) {
		switch (opt) {
		case 'a': archive = 1; break;
		case 'L': follow = 1; break;
		default: die_usage("unknown option");
		}
	}
	if (argc - optind != 2)
		die_usage("need SRC and DEST");
	spath = container_part(argv[optind]);
	dpath = container_part(argv[optind + 1]);
	if (spath && dpath)
		diex(EXIT_FAIL, "copying between containers is not supported");
	if (!spath && !dpath)
		diex(EXIT_FAIL, "must specify at least one container source");
	s.path = spath ? spath : argv[optind];
	d.path = dpath ? dpath : argv[optind + 1];
	in = spath ? &s : &d;
	name = spath ? argv[optind] : argv[optind + 1];
	if (!*in->path)
		in->path = "/";

	if (store_open(&st, store_root(root), STORE_READ))
		die_err(EXIT_FAIL);
	if (container_resolve(&st, name, id) || (in->root = container_root_open(&st, id, &lock)) < 0)
		die_err(EXIT_FAIL);
	store_close(&st);
	if (!strcmp(s.path, "-") && !spath) {
		split(&d);
		rc = from_stdin(&d, archive);
	} else if (!strcmp(d.path, "-") && !dpath) {
		split(&s);
		if (follow)
			follow_link(&s);
		rc = to_stdout(&s);
	} else {
		split(&s);
		if (follow)
			follow_link(&s);
		split(&d);
		rc = copy_ends(&s, &d, archive);
	}
	if (lock >= 0)
		container_unlock(lock);
	return rc;
}
