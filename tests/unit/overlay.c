/* Unit tests for core/overlay.c: an image of many layers mounts, because
 * lowerdir names the short ROOT/l/ links (the mount option is one page:
 * a hundred full layer paths would not fit), topmost layer first. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "err.h"
#include "fsutil.h"
#include "overlay.h"
#include "store.h"
#include "unit.h"

#define NLAYERS 100

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

static int read_text(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t k = fd >= 0 ? read(fd, buf, n - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (k < 0)
		return -1;
	buf[k] = 0;
	return 0;
}

int main(void)
{
	static char *layers[NLAYERS + 1];
	static struct layer_info li[NLAYERS];
	char tmp[] = "/tmp/bxtest-overlay.XXXXXX", root[PATH_MAX], src[PATH_MAX];
	char path[PATH_MAX + 64], buf[PATH_MAX];
	const char *id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct store s;
	int ok = 1, existed;

	if (geteuid() != 0) {
		printf("SKIPPED: overlay mounts need root\n");
		return 0;
	}
	if (!mkdtemp(tmp) || path_join(root, tmp, "root") || path_join(src, tmp, "src")
	    || store_open(&s, root, STORE_WRITE) < 0) {
		printf("FAIL: set up a store in /tmp: %s\n", err_msg());
		return 1;
	}
	/* Layer i holds its own file and its version of a shared one. */
	for (int i = 0; i < NLAYERS && ok; i++) {
		char name[32];

		rm_rf(src);
		snprintf(name, sizeof(name), "%d", i);
		snprintf(path, sizeof(path), "%s/f%d", src, i);
		ok = mkdir_p(src, 0755) == 0 && write_text(path, name) == 0;
		snprintf(path, sizeof(path), "%s/shared", src);
		ok = ok && write_text(path, name) == 0 &&
		     store_layer_import_dir(&s, src, &li[i], &existed) == 0;
		layers[i] = li[i].digest;
	}
	CHECK("a hundred layers imported", ok);

	ok = ok && overlay_mount(&s, id, layers, NULL) == 0;
	CHECK("an image of a hundred layers mounts", ok);
	if (!ok)
		printf("  %s: %s\n", err_msg(), strerror(err_errno()));
	if (container_dir(&s, id, path) == 0)
		strcat(path, "/merged/f0");
	CHECK("the bottom layer's file is there", ok && read_text(path, buf, sizeof(buf)) == 0 &&
	      !strcmp(buf, "0"));
	if (container_dir(&s, id, path) == 0)
		strcat(path, "/merged/f99");
	CHECK("the top layer's file is there", ok && read_text(path, buf, sizeof(buf)) == 0 &&
	      !strcmp(buf, "99"));
	if (container_dir(&s, id, path) == 0)
		strcat(path, "/merged/shared");
	CHECK("the top layer wins (lowerdir is topmost first)",
	      ok && read_text(path, buf, sizeof(buf)) == 0 && !strcmp(buf, "99"));
	CHECK("overlay_mounted says so", ok && overlay_mounted(&s, id) == 1);
	CHECK("mounting again is not an error", ok && overlay_mount(&s, id, layers, NULL) == 0);
	CHECK("the upper dir is ID/diff", overlay_dir(&s, id, "diff", buf) == 0
	      && container_dir(&s, id, path) == 0 && strlen(buf) == strlen(path) + 5
	      && !strcmp(buf + strlen(path), "/diff"));
	CHECK("unmounts", overlay_umount(&s, id) == 0 && overlay_mounted(&s, id) == 0);

	/* A capped writable layer: its own tmpfs on ID/rw, full at the cap. */
	ok = ok && overlay_mount(&s, id, layers, "64k") == 0;
	CHECK("a capped writable layer mounts", ok);
	CHECK("its upper dir is ID/rw/diff", overlay_dir(&s, id, "diff", buf) == 0
	      && strstr(buf, "/rw/diff") && access(buf, F_OK) == 0);
	if (container_dir(&s, id, path) == 0)
		strcat(path, "/merged/big");
	{
		static char block[16384];
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644), n = 0;

		while (fd >= 0 && n < 64 && write(fd, block, sizeof(block)) == (ssize_t)sizeof(block))
			n++;
		CHECK("writes past the cap fail with ENOSPC", fd >= 0 && n < 64 && errno == ENOSPC);
		if (fd >= 0)
			close(fd);
	}
	CHECK("unmounts both", overlay_umount(&s, id) == 0 && overlay_mounted(&s, id) == 0
	      && container_dir(&s, id, path) == 0 && strcat(path, "/rw")
	      && access(strcat(path, "/diff"), F_OK) < 0);

	store_close(&s);
	rm_rf(tmp);
	CHECK("nothing left behind", access(tmp, F_OK) < 0 && errno == ENOENT);
	return UNIT_DONE();
}
