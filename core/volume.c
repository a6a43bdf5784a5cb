/* volume.c - local volumes in ROOT/volumes (volume.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"

#include "container.h"
#include "du.h"
#include "err.h"
#include "fsutil.h"
#include "json.h"
#include "layer.h"
#include "stream.h"
#include "volume.h"

#define VOLUME_JSON "volume.json"

static int check_name(const char *name)
{
	if (!volume_name_valid(name))
		return err_setn(0, "create %.*s: \"%.*s\" includes invalid characters for a local "
				"volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed", 300,
				name, 300, name);
	return 0;
}

int volume_data_path(const struct store *s, const char *name, char *buf)
{
	return store_path(s, buf, "volumes/%s/_data", name);
}

static int anonymous_name(char *out)
{
	unsigned char r[32];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return err_set("getrandom");
	for (unsigned i = 0; i < sizeof(r); i++)
		sprintf(out + 2 * i, "%02x", r[i]);
	return 0;
}

static int record_write(const char *dir, int64_t created, char **labels, int anonymous)
{
	char path[PATH_MAX];
	struct json_w w;
	int rc;

	jw_init(&w, 0);
	jw_obj(&w);
	jw_kint(&w, "created", created);
	jw_key(&w, "anonymous");
	jw_bool(&w, anonymous);
	jw_key(&w, "labels");
	jw_obj(&w);
	if (anonymous) /* docker's mark, which its filters and prune read */
		jw_kstr(&w, "com.docker.volume.anonymous", "");
	for (int i = 0; labels && labels[i]; i++) {
		char *key = strdup(labels[i]), *eq = key ? strchr(key, '=') : NULL;

		if (eq)
			*eq = 0;
		jw_key(&w, key ? key : "");
		jw_str(&w, eq ? eq + 1 : "");
		w.err |= !key;
		free(key);
	}
	jw_end(&w);
	jw_end(&w);
	if (jw_finish(&w) || path_join(path, dir, VOLUME_JSON)) {
		jw_free(&w);
		return -1;
	}
	rc = write_file_atomic(path, w.buf, w.len, 0600);
	jw_free(&w);
	return rc;
}

int volume_create(const struct store *s, const char *name, char **labels, int anonymous,
		  char *name_out, int *existed)
{
	char gen[65], stage[PATH_MAX], path[PATH_MAX], dest[PATH_MAX];
	struct stat st;
	int sfd;

	if (existed)
		*existed = 0;
	if (!name || !*name) {
		if (anonymous_name(gen))
			return -1;
		name = gen;
		anonymous = 1;
	} else if (check_name(name))
		return -1;
	if (name_out)
		snprintf(name_out, VOLUME_NAME_MAX + 1, "%s", name);
	if (store_path(s, dest, "volumes/%s", name))
		return -1;
	if (lstat(dest, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return err_setn(EEXIST, "volume %s: not a directory", name);
		if (existed)
			*existed = 1;
		return 0;
	}
	if (store_path(s, path, "volumes") || mkdir_p(path, 0700)
	    || (sfd = store_mktemp(s, stage)) < 0)
		return -1;
	/* _data as Docker makes it: root's, 0755, for any user inside */
	if (path_join(path, stage, "_data") || mkdir(path, 0755) < 0 || chmod(path, 0755) < 0
	    || chmod(stage, 0701) < 0) {
		err_set("cannot create %s", path);
		goto fail;
	}
	if (record_write(stage, container_now(), labels, anonymous))
		goto fail;
	if (rename(stage, dest) < 0) {
		err_set("cannot create volume %s", name);
		goto fail;
	}
	close(sfd); /* the flock on the staging dir, now the volume */
	return fsync_parent(dest);
fail:
	{
		int e = err_errno();
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err_msg());
		store_unstage(stage, sfd);
		return err_setn(e, "%s", msg);
	}
}

static char **labels_load(const struct json_doc *d, uint32_t obj, int *bad)
{
	uint32_t n = 0, i;
	char **l;

	if (!obj || json_type(d, obj) != JSON_OBJECT || !d->nodes[obj].len)
		return NULL;
	if (!(l = calloc(d->nodes[obj].len + 1, sizeof(*l)))) {
		*bad = 1;
		return NULL;
	}
	for (i = json_first(d, obj); i; i = json_next(d, i)) {
		const char *k = json_str(d, i), *v = json_str(d, i + 1);
		size_t len = strlen(k ? k : "") + strlen(v ? v : "") + 2;

		if (!k || !v)
			continue;
		if (!(l[n] = malloc(len))) {
			*bad = 1;
			break;
		}
		snprintf(l[n++], len, "%s=%s", k, v);
	}
	return l;
}

int volume_load(const struct store *s, const char *name, struct volume_info *v)
{
	char path[PATH_MAX], *data;
	struct json_doc d;
	struct stat st;
	int64_t created = 0;
	size_t n;
	int bad = 0;

	memset(v, 0, sizeof(*v));
	if (!volume_name_valid(name) || store_path(s, path, "volumes/%s", name)
	    || lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return err_setn(ENOENT, "no such volume: %.300s", name);
	if (path_join(path, path, VOLUME_JSON) || read_file(path, 65536, &data, &n))
		return -1;
	if (json_parse(&d, data, n)) {
		free(data);
		return err_setn(EINVAL, "volume %s: bad %s", name, VOLUME_JSON);
	}
	free(data);
	snprintf(v->name, sizeof(v->name), "%s", name);
	json_int(&d, json_get(&d, 0, "created"), &created);
	v->created = created;
	v->anonymous = json_get(&d, 0, "anonymous")
		&& json_type(&d, json_get(&d, 0, "anonymous")) == JSON_TRUE;
	v->labels = labels_load(&d, json_get(&d, 0, "labels"), &bad);
	json_free(&d);
	if (bad) {
		volume_info_free(v);
		return err_setn(ENOMEM, "volume %s", name);
	}
	return 0;
}

void volume_info_free(struct volume_info *v)
{
	for (int i = 0; v->labels && v->labels[i]; i++)
		free(v->labels[i]);
	free(v->labels);
	v->labels = NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int volume_each(const struct store *s, int (*fn)(const struct volume_info *v, void *arg),
		void *arg)
{
	char path[PATH_MAX], **names = NULL;
	struct dirent *e;
	int n = 0, rc = 0;
	DIR *d;

	if (store_path(s, path, "volumes"))
		return -1;
	if (!(d = opendir(path)))
		return errno == ENOENT ? 0 : err_set("%s", path);
	while ((e = readdir(d))) {
		char **more;

		if (!volume_name_valid(e->d_name))
			continue;
		if (!(n % 32)) {
			if (!(more = realloc(names, (n + 32) * sizeof(*names)))) {
				rc = err_setn(ENOMEM, "volumes");
				break;
			}
			names = more;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rc = err_setn(ENOMEM, "volumes");
			break;
		}
		n++;
	}
	closedir(d);
	if (!rc && n)
		qsort(names, n, sizeof(*names), by_name);
	for (int i = 0; i < n && !rc; i++) {
		struct volume_info v;

		if (volume_load(s, names[i], &v))
			continue; /* removed meanwhile, or not a volume */
		rc = fn(&v, arg);
		volume_info_free(&v);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int volume_users(const struct store *s, const char *name, char *buf, size_t n)
{
	return container_refers_ids(s, "volumes", name, buf, n);
}

int volume_remove(const struct store *s, const char *name, int force)
{
	char path[PATH_MAX], stage[PATH_MAX], dest[PATH_MAX], users[160];
	struct stat st;
	int sfd;

	if (!volume_name_valid(name) || store_path(s, path, "volumes/%s", name)
	    || lstat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (force)
			return 0;
		return err_setn(ENOENT, "no such volume: %.300s", name);
	}
	if (volume_users(s, name, users, sizeof(users)))
		return err_setn(EBUSY, "remove %s: volume is in use - [%s]", name, users);
	/* out of sight first: a killed rm leaves it whole or in ROOT/tmp */
	if ((sfd = store_mktemp(s, stage)) < 0)
		return -1;
	if (path_join(dest, stage, "v") || rename(path, dest) < 0) {
		err_set("cannot remove volume %s", name);
		store_unstage(stage, sfd);
		return -1;
	}
	fsync_parent(path);
	return store_unstage(stage, sfd);
}

void volume_remove_anonymous(const struct store *s, const struct container_spec *c)
{
	for (int i = 0; i < c->nmounts; i++) {
		const char *name = c->mounts[i].volume;
		struct volume_info v;

		if (!name || volume_load(s, name, &v))
			continue;
		if (v.anonymous && !volume_users(s, name, NULL, 0) && volume_remove(s, name, 1))
			warn("%s", err_msg());
		volume_info_free(&v);
	}
}

int volume_open_data(const char *data_path)
{
	char dir[PATH_MAX], *slash;
	int vols, vol, fd;

	/* .../volumes/NAME/_data: NAME and _data must be real directories */
	if (snprintf(dir, sizeof(dir), "%s", data_path) >= (int)sizeof(dir)
	    || !(slash = strrchr(dir, '/')) || strcmp(slash, "/_data"))
		return err_setn(EINVAL, "%s: not a volume", data_path);
	*slash = 0;
	if (!(slash = strrchr(dir, '/')) || !volume_name_valid(slash + 1))
		return err_setn(EINVAL, "%s: not a volume", data_path);
	*slash = 0;
	if ((vols = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_set("volume source %s", data_path);
	vol = openat(vols, slash + 1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(vols);
	if (vol < 0)
		return err_set("volume source %s", data_path);
	fd = openat(vol, "_data", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		struct stat st;
		int e = errno;

		/* O_DIRECTORY says ENOTDIR for a link: say what it is */
		if (fstatat(vol, "_data", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			e = ELOOP;
		close(vol);
		return err_setn(e, "volume source %s", data_path);
	}
	close(vol);
	return fd;
}

int64_t volume_size(const struct store *s, const char *name)
{
	char path[PATH_MAX];

	return volume_data_path(s, name, path) ? 0 : disk_usage(path);
}

/* ---- copy-up ------------------------------------------------------------ */

static int dir_empty(int fd)
{
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	struct dirent *e;
	DIR *d;
	int empty = 1;

	if (dup_fd < 0 || !(d = fdopendir(dup_fd))) {
		if (dup_fd >= 0)
			close(dup_fd);
		return -1;
	}
	while (empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

/* Pack in a child into a pipe, unpack here (cp's way): the tree under
 * from is the image's, untrusted, and both ends resolve every name
 * inside their own directory (layer.h), so no symbolic link in it leads
 * out, and what is written stays under _data. */
int volume_populate(int from, int data)
{
	struct layer_unpack_opts uo = { .same_owner = 1, .allow_devices = 1 };
	char src[40], dst[40];
	struct fd_reader fr;
	struct stat st;
	int p[2], status, rc;
	pid_t pid;

	if (!ENABLED(FEATURE_LAYER_CREATE) || dir_empty(data) != 1 || dir_empty(from) == 1)
		return 0;
	/* the volume's root takes the owner and mode of the image's dir */
	if (fstat(from, &st) < 0 || fchown(data, st.st_uid, st.st_gid) < 0
	    || fchmod(data, st.st_mode & 07777) < 0)
		return err_set("volume: cannot copy the owner of the image's directory");
	snprintf(src, sizeof(src), "/proc/self/fd/%d", from);
	snprintf(dst, sizeof(dst), "/proc/self/fd/%d", data);
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		return err_set("volume: cannot start the copy");
	if (pid == 0) {
		/* the image's files only: a target that is the root (a
		 * link to /) must not bring /proc or /sys with it */
		struct layer_pack_opts po = { .one_fs = 1 };
		struct fd_writer fw;

		close(p[0]);
		fd_writer_init(&fw, p[1], "pipe");
		_exit(layer_pack(src, &fw.w, &po) || writer_finish(&fw.w) ? 1 : 0);
	}
	close(p[1]);
	fd_reader_init(&fr, p[0], "pipe");
	rc = layer_unpack(&fr.r, dst, &uo);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!rc && (!WIFEXITED(status) || WEXITSTATUS(status)))
		rc = err_setn(EIO, "cannot read the image's files");
	return rc ? err_prefix("volume: copying the image's files") : 0;
}
