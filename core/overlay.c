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
#include "etcfiles.h"
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

/* Is dir/sub a mount point (another device than dir)? */
static int mounted_on(const char *dir, const char *sub)
{
	char path[PATH_MAX];
	struct stat a, b;

	return !path_join(path, dir, sub) && stat(path, &a) == 0 && stat(dir, &b) == 0
		&& a.st_dev != b.st_dev;
}

int overlay_dir(const struct store *s, const char *id, const char *which, char *buf)
{
	char rw[PATH_MAX];
	struct stat st;

	if (container_dir(s, id, buf) || path_join(rw, buf, "rw"))
		return -1;
	return path_join(buf, lstat(rw, &st) == 0 ? rw : buf, which);
}

/* The writable layer's own tmpfs on dir/rw, with diff/ and work/ in it. */
static int mount_rw(const char *dir, const char *size)
{
	char path[PATH_MAX], opts[64];
	int n = snprintf(opts, sizeof(opts), "mode=0700,size=%s", size);

	if (n < 0 || n >= (int)sizeof(opts))
		return err_setn(EINVAL, "bad size %s", size);
	if (path_join(path, dir, "rw") || mkdir_p(path, 0700))
		return -1;
	if (!mounted_on(dir, "rw") && mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return err_set("cannot mount the writable layer's tmpfs (%s) on %s", opts, path);
	return 0;
}

/* ROOT/init: the topmost layer of every container, under its own, as
 * Docker's "-init" layer: the mount points the init binds the name files
 * on (etcfiles.h), so that making them writes nothing to the container's
 * layer, and commit or layer diff never carries them. */
#define INIT_LAYER "init"

static int init_layer(const struct store *s)
{
	char path[PATH_MAX];

	if (store_path(s, path, INIT_LAYER "/etc/resolv.conf"))
		return -1;
	if (access(path, F_OK) == 0)
		return 0;
	/* 0700 as the store's other dirs (the merged root is the upper's) */
	if (store_path(s, path, INIT_LAYER) || (mkdir(path, 0700) < 0 && errno != EEXIST))
		return err_set("cannot create %s", path);
	for (unsigned i = 0; i < 3; i++) {
		int fd;

		if (store_path(s, path, INIT_LAYER "/etc") || mkdir_p(path, 0755)
		    || store_path(s, path, INIT_LAYER "/etc/%s", etcfiles_names[i]))
			return -1;
		if ((fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
			return err_set("cannot create %s", path);
		close(fd);
	}
	return 0;
}

int overlay_mount(const struct store *s, const char *id, char *const *layers,
		  const char *upper_size)
{
	static const char *const dirs[] = { "diff", "work" };
	char dir[PATH_MAX], path[PATH_MAX], opts[OPTS_MAX], upper[PATH_MAX];
	const char *rel;
	size_t n = 0;
	int nl = 0, cwd, rc;

	if (container_dir(s, id, dir) || path_join(path, dir, "merged") || mkdir_p(path, 0755))
		return -1;
	if (overlay_mounted(s, id))
		return 0;
	if (upper_size && mount_rw(dir, upper_size))
		return -1;
	for (unsigned i = 0; i < 2; i++)
		if (overlay_dir(s, id, dirs[i], path) || mkdir_p(path, 0755))
			return -1;
	snprintf(upper, sizeof(upper), "%s", dir); /* upper and work are in it */
	if (upper_size && path_join(upper, dir, "rw"))
		return -1;
	while (layers && layers[nl])
		nl++;
	if (!nl)
		return err_setn(EINVAL, "container %.12s has no layers", id);
	if (init_layer(s))
		return -1;
	n = snprintf(opts, sizeof(opts), "lowerdir=" INIT_LAYER ":");
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
	rel = upper;
	if (!strncmp(upper, s->root, strlen(s->root)) && upper[strlen(s->root)] == '/')
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

/* EINVAL: no longer a mount point, unmounted meanwhile by whoever else
 * releases a dead container (its monitor, or a command that found it
 * dead): the loop looks again. */
int overlay_umount(const struct store *s, const char *id)
{
	char dir[PATH_MAX], path[PATH_MAX];

	if (container_dir(s, id, dir) || path_join(path, dir, "merged"))
		return -1;
	for (int i = 0; i < 8 && overlay_mounted(s, id); i++)
		if (umount2(path, 0) < 0 && errno != EINVAL
		    && umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
			return err_set("cannot unmount %s", path);
	if (path_join(path, dir, "rw"))
		return -1;
	for (int i = 0; i < 8 && mounted_on(dir, "rw"); i++)
		if (umount2(path, 0) < 0 && errno != EINVAL
		    && umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
			return err_set("cannot unmount %s", path);
	return 0;
}
