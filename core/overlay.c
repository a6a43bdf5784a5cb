/* overlay.c - the container's overlay mount (see overlay.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "err.h"
#include "fsutil.h"
#include "overlay.h"

/* Overlay reads its options from one page. */
#define OPTS_MAX 4096

int overlay_mounted(const struct store *s, const char *id)
{
	char path[PATH_MAX], parent[PATH_MAX];
	struct stat a, b;

	if (container_dir(s, id, path) || path_join(parent, path, "merged")
	    || stat(parent, &a) < 0 || stat(path, &b) < 0)
		return 0;
	return a.st_dev != b.st_dev;
}

int overlay_mount(const struct store *s, const char *id, char *const *layers)
{
	static const char *const dirs[] = { "diff", "work", "merged" };
	char dir[PATH_MAX], path[PATH_MAX], opts[OPTS_MAX];
	const char *rel;
	size_t n = 0;
	int nl = 0, cwd, rc;

	if (container_dir(s, id, dir))
		return -1;
	for (unsigned i = 0; i < 3; i++)
		if (path_join(path, dir, dirs[i]) || mkdir_p(path, 0755))
			return -1;
	if (overlay_mounted(s, id))
		return 0;
	while (layers && layers[nl])
		nl++;
	if (!nl)
		return err_setn(EINVAL, "container %.12s has no layers", id);
	n = snprintf(opts, sizeof(opts), "lowerdir=");
	for (int i = nl - 1; i >= 0; i--) { /* topmost first */
		char link[SHORT_ID_LEN + 2], lp[PATH_MAX];
		int fd;
		ssize_t k;

		if (strncmp(layers[i], "sha256:", 7)
		    || store_path(s, lp, "layers/%s/link", layers[i] + 7))
			return err_setn(EINVAL, "bad layer %s", layers[i]);
		if ((fd = open(lp, O_RDONLY | O_CLOEXEC)) < 0)
			return err_set("layer %s is missing from the store", layers[i]);
		k = read(fd, link, sizeof(link) - 1);
		close(fd);
		while (k > 0 && (link[k - 1] == '\n' || link[k - 1] == ' '))
			k--;
		if (k <= 0 || k > SHORT_ID_LEN || strspn(link, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
		    < (size_t)k)
			return err_setn(EINVAL, "%s: bad short link", lp);
		link[k] = 0;
		n += snprintf(opts + n, n < sizeof(opts) ? sizeof(opts) - n : 0, "%sl/%s",
			      i == nl - 1 ? "" : ":", link);
		if (n >= sizeof(opts))
			return err_setn(E2BIG, "too many layers for one overlay mount");
	}
	/* The record is under ROOT (relative, short) or, transient, in the
	 * runtime dir (absolute). */
	rel = dir;
	if (!strncmp(dir, s->root, strlen(s->root)) && dir[strlen(s->root)] == '/')
		rel += strlen(s->root) + 1;
	if (strpbrk(rel, ",:\\"))
		return err_setn(EINVAL, "%s: overlay cannot take a path with ',' ':' or '\\'", dir);
	n += snprintf(opts + n, n < sizeof(opts) ? sizeof(opts) - n : 0,
		      ",upperdir=%s/diff,workdir=%s/work", rel, rel);
	if (n >= sizeof(opts))
		return err_setn(E2BIG, "too many layers for one overlay mount");
	/* Relative names are resolved against the cwd when mount(2) runs:
	 * go to ROOT for the call and come back. */
	if ((cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_set("cannot open the current directory");
	if (chdir(s->root) < 0) {
		close(cwd);
		return err_set("cannot enter %s", s->root);
	}
	if (path_join(path, dir, "merged"))
		rc = -1;
	else if ((rc = mount("overlay", path, "overlay", 0, opts)) < 0)
		err_set("cannot mount overlay on %s", path);
	if (fchdir(cwd) < 0 && !rc) {
		err_set("cannot go back to the current directory");
		umount2(path, MNT_DETACH);
		rc = -1;
	}
	close(cwd);
	return rc;
}

int overlay_umount(const struct store *s, const char *id)
{
	char path[PATH_MAX];

	if (container_dir(s, id, path) || path_join(path, path, "merged"))
		return -1;
	for (int i = 0; i < 8 && overlay_mounted(s, id); i++)
		if (umount2(path, 0) < 0 && umount2(path, MNT_DETACH) < 0)
			return err_set("cannot unmount %s", path);
	return 0;
}
