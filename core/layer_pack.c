/* layer_pack.c - a directory tree into a tar stream, the same bytes for
 * the same tree: names sorted bytewise in each directory, numeric owners
 * only, whole-second mtimes (clamped on request), no atime/ctime, pax
 * headers only where ustar cannot say it (tar.c).
 *
 * The walk keeps an explicit stack of directories (fd + sorted names),
 * no recursion. Memory: two 64 KiB buffers, the names of the directories
 * on the current path, and the first name of every multiply-linked file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "err.h"
#include "layer.h"
#include "tar.h"

#define BUF_SIZE 65536

struct level {
	int fd;
	char **names;
	size_t n, i;
	size_t plen;    /* length of path up to and including this dir's "/" */
	int opaque;     /* overlay_to_oci: write .wh..wh..opq first */
};

struct link { dev_t dev; ino_t ino; char *path; };

struct pack {
	const struct layer_pack_opts *o;
	struct writer *w;
	struct level *lv;
	size_t depth, cap;
	struct link *links;
	size_t nlinks, links_cap;
	char path[PATH_MAX];
	struct tar_entry e;
	char *buf, *vbuf; /* file data and xattr names; xattr values */
	dev_t dev;        /* dir's filesystem (one_fs) */
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_level(struct level *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	close(l->fd);
}

/* Open the directory at fd as a new level with its names sorted. */
static int push_level(struct pack *p, int fd, size_t plen, int opaque)
{
	struct level *l;
	struct dirent *de;
	size_t cap = 0;
	DIR *d;
	int dfd;

	if (p->depth == p->cap) {
		size_t ncap = p->cap ? 2 * p->cap : 16;
		struct level *nl = realloc(p->lv, ncap * sizeof(*nl));
		if (!nl)
			return err_set("out of memory");
		p->lv = nl;
		p->cap = ncap;
	}
	l = &p->lv[p->depth];
	*l = (struct level){ .fd = fd, .plen = plen, .opaque = opaque };
	if ((dfd = dup(fd)) < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		close(fd);
		return err_set("%s: cannot read directory", p->path);
	}
	p->depth++;
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (l->n == cap) {
			char **nn = realloc(l->names, (cap = cap ? 2 * cap : 16) * sizeof(*nn));
			if (!nn)
				goto oom;
			l->names = nn;
		}
		if (!(l->names[l->n] = strdup(de->d_name)))
			goto oom;
		l->n++;
	}
	if (errno) {
		closedir(d);
		return err_set("%s: cannot read directory", p->path);
	}
	closedir(d);
	qsort(l->names, l->n, sizeof(*l->names), cmp_names);
	return 0;
oom:
	closedir(d);
	return err_set("out of memory");
}

/* xattrs worth carrying (layer_xattr_allowed), and whether the directory
 * is an overlay opaque one. */
static int read_xattrs(struct pack *p, int fd, int *opaque)
{
	ssize_t len = flistxattr(fd, p->buf, BUF_SIZE);

	if (len < 0)
		return errno == ENOTSUP ? 0 : err_set("%s: cannot list xattrs", p->path);
	for (char *name = p->buf; name < p->buf + len; name += strlen(name) + 1) {
		int want = layer_xattr_allowed(name);
		int opq = opaque && !strcmp(name, "trusted.overlay.opaque");
		ssize_t vlen;

		if (!want && !opq)
			continue;
		vlen = fgetxattr(fd, name, p->vbuf, BUF_SIZE);
		if (vlen < 0) {
			if (errno == ENODATA)
				continue;
			return err_set("%s: cannot read xattr %s", p->path, name);
		}
		if (opq)
			*opaque = vlen == 1 && p->vbuf[0] == 'y';
		else if (tar_xattr_add(&p->e, name, p->vbuf, (size_t)vlen) < 0)
			return -1;
	}
	return 0;
}

static const char *first_link(struct pack *p, const struct stat *st)
{
	for (size_t i = 0; i < p->nlinks; i++)
		if (p->links[i].dev == st->st_dev && p->links[i].ino == st->st_ino)
			return p->links[i].path;
	if (p->nlinks == p->links_cap) {
		size_t cap = p->links_cap ? 2 * p->links_cap : 16;
		struct link *nl = realloc(p->links, cap * sizeof(*nl));
		if (!nl)
			return NULL;
		p->links = nl;
		p->links_cap = cap;
	}
	char *copy = strdup(p->path);
	if (copy)
		p->links[p->nlinks++] = (struct link){ st->st_dev, st->st_ino, copy };
	return NULL;
}

static int copy_data(struct pack *p, int fd, uint64_t size)
{
	uint64_t left = size;

	while (left) {
		ssize_t n = read(fd, p->buf, left < BUF_SIZE ? (size_t)left : BUF_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set("%s: read error", p->path);
		if (n == 0 && p->o->live) {
			/* the header said size: keep the archive whole */
			n = left < BUF_SIZE ? (ssize_t)left : BUF_SIZE;
			memset(p->buf, 0, (size_t)n);
		} else if (n == 0)
			return err_setn(EIO, "%s: file shrank while being packed", p->path);
		if (writer_write(p->w, p->buf, (size_t)n) < 0)
			return -1;
		left -= (uint64_t)n;
	}
	return tar_write_pad(p->w, size);
}

static int set_name(struct pack *p, size_t plen, const char *name, const char *suffix)
{
	size_t nlen = strlen(name), slen = strlen(suffix);

	if (plen + nlen + slen >= PATH_MAX)
		return err_setn(ENAMETOOLONG, "%.*s%s: path too long", (int)plen, p->path, name);
	memcpy(p->path + plen, name, nlen);
	memcpy(p->path + plen + nlen, suffix, slen + 1);
	return 0;
}

static void fill_entry(struct pack *p, const struct stat *st)
{
	struct tar_entry *e = &p->e;

	e->mode = st->st_mode & 07777;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->mtime = st->st_mtim.tv_sec;
	e->mtime_nsec = 0; /* whole seconds: smaller, and what others write */
	if (p->o->clamp_mtime && e->mtime > p->o->mtime)
		e->mtime = p->o->mtime;
	e->size = 0;
	e->devmajor = e->devminor = 0;
	e->link[0] = '\0';
	e->xattr_len = 0;
}

/* An overlay whiteout marker as OCI writes it: an empty regular file. */
static int put_marker(struct pack *p, const struct stat *st)
{
	fill_entry(p, st);
	strcpy(p->e.path, p->path);
	p->e.type = TAR_REG;
	p->e.mode = 0;
	return tar_write_header(p->w, &p->e);
}

/* Did the entry just looked at go away (or turn into another type) in a
 * live tree? Then it is left out, as if readdir had not seen it. */
static int vanished(const struct pack *p)
{
	return p->o->live && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP);
}

/* Pack name of l, shown in the archive as shown (the same but for
 * layer_pack_opts.as). */
static int pack_one(struct pack *p, struct level *l, const char *name, const char *shown)
{
	struct tar_entry *e = &p->e;
	struct stat st, now;
	int fd, opaque, rc;

	if (set_name(p, l->plen, shown, "") < 0)
		return -1;
	if (fstatat(l->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return vanished(p) ? 0 : err_set("%s: cannot stat", p->path);
	/* directories only: overlayfs gives the overlay's st_dev to every
	 * directory, but to other files that of the layer they are on */
	if (p->o->one_fs && S_ISDIR(st.st_mode) && st.st_dev != p->dev)
		return 0;
	fill_entry(p, &st);
	switch (st.st_mode & S_IFMT) {
	case S_IFREG:
		if (st.st_nlink > 1) {
			const char *first = first_link(p, &st);
			if (first) {
				strcpy(e->path, p->path);
				strcpy(e->link, first);
				e->type = TAR_HARDLINK;
				return tar_write_header(p->w, e);
			}
		}
		/* O_NONBLOCK: a FIFO swapped in since the fstatat (a live
		 * container racing cp) must not hang us; what was opened must
		 * be the regular file that was stat'ed */
		fd = openat(l->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return vanished(p) ? 0 : err_set("%s: cannot open", p->path);
		if (fstat(fd, &now) < 0 || !S_ISREG(now.st_mode) || now.st_ino != st.st_ino ||
		    now.st_dev != st.st_dev) {
			close(fd);
			return p->o->live ? 0 : err_setn(EAGAIN, "%s: changed while being read", p->path);
		}
		e->type = TAR_REG;
		e->size = (uint64_t)st.st_size;
		strcpy(e->path, p->path);
		rc = read_xattrs(p, fd, NULL) < 0 || tar_write_header(p->w, e) < 0 ||
		     copy_data(p, fd, e->size) < 0 ? -1 : 0;
		close(fd);
		return rc;
	case S_IFDIR:
		fd = openat(l->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return vanished(p) ? 0 : err_set("%s: cannot open", p->path);
		opaque = 0;
		if (read_xattrs(p, fd, p->o->overlay_to_oci ? &opaque : NULL) < 0 ||
		    set_name(p, l->plen, shown, "/") < 0) {
			close(fd);
			return -1;
		}
		e->type = TAR_DIR;
		strcpy(e->path, p->path);
		if (tar_write_header(p->w, e) < 0) {
			close(fd);
			return -1;
		}
		return push_level(p, fd, strlen(p->path), opaque);
	case S_IFLNK: {
		ssize_t n = readlinkat(l->fd, name, e->link, PATH_MAX);
		if (n < 0 && vanished(p))
			return 0;
		if (n < 0 || n >= PATH_MAX)
			return err_set("%s: cannot read link", p->path);
		e->link[n] = '\0';
		e->type = TAR_SYMLINK;
		break;
	}
	case S_IFCHR:
		if (p->o->overlay_to_oci && st.st_rdev == makedev(0, 0)) {
			if (set_name(p, l->plen, ".wh.", shown) < 0)
				return -1;
			return put_marker(p, &st);
		}
		/* fall through */
	case S_IFBLK:
		e->type = S_ISCHR(st.st_mode) ? TAR_CHR : TAR_BLK;
		e->devmajor = major(st.st_rdev);
		e->devminor = minor(st.st_rdev);
		break;
	case S_IFIFO:
		e->type = TAR_FIFO;
		break;
	default:
		return 0; /* sockets: tar skips them too */
	}
	strcpy(e->path, p->path);
	return tar_write_header(p->w, e);
}

int layer_pack(const char *dir, struct writer *w, const struct layer_pack_opts *o)
{
	struct pack p = { .o = o, .w = w };
	int fd, rc = -1;

	p.buf = malloc(BUF_SIZE);
	p.vbuf = malloc(BUF_SIZE);
	if (!p.buf || !p.vbuf) {
		err_set("out of memory");
		goto out;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err_set("%s: cannot open", dir);
		goto out;
	}
	if (o->one_fs) {
		struct stat st;

		if (fstat(fd, &st) < 0) {
			err_set("%s: cannot stat", dir);
			close(fd);
			goto out;
		}
		p.dev = st.st_dev;
	}
	if (push_level(&p, fd, 0, 0) < 0)
		goto out;
	if (o->only) {
		/* The one entry asked for: the top level holds its name alone. */
		struct level *top = &p.lv[0];
		size_t keep = top->n;

		for (size_t i = 0; i < top->n; i++)
			if (!strcmp(top->names[i], o->only))
				keep = i;
		if (keep == top->n) {
			errno = ENOENT;
			err_set("%s: no such file or directory", o->only);
			goto out;
		}
		for (size_t i = 0; i < top->n; i++)
			if (i != keep)
				free(top->names[i]);
		top->names[0] = top->names[keep];
		top->n = 1;
	}
	while (p.depth) {
		struct level *l = &p.lv[p.depth - 1];

		if (l->opaque) {
			struct stat st;
			l->opaque = 0;
			if (fstat(l->fd, &st) < 0 || set_name(&p, l->plen, ".wh..wh..opq", "") < 0 ||
			    put_marker(&p, &st) < 0)
				goto out;
			continue;
		}
		if (l->i == l->n) {
			free_level(l);
			p.depth--;
			continue;
		}
		const char *name = l->names[l->i++];

		if (pack_one(&p, l, name, p.depth == 1 && o->as ? o->as : name) < 0)
			goto out;
	}
	rc = tar_write_end(w);
out:
	while (p.depth)
		free_level(&p.lv[--p.depth]);
	free(p.lv);
	for (size_t i = 0; i < p.nlinks; i++)
		free(p.links[i].path);
	free(p.links);
	tar_entry_free(&p.e);
	free(p.buf);
	free(p.vbuf);
	return rc;
}
