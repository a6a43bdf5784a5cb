/* volume.h - Docker's local volumes: directories the store keeps apart
 * from any container, mounted by name (-v NAME:/dir, --mount
 * type=volume) or made for one container (anonymous: -v /dir, an
 * image's VOLUME), and kept when the container goes.
 *
 * On disk (docs/store.md), Docker's layout:
 *   ROOT/volumes/NAME/_data         what is mounted (Mountpoint)
 *   ROOT/volumes/NAME/volume.json   {"created": ns, "anonymous": bool,
 *                                    "labels": {K: V}}
 * A volume is made whole in ROOT/tmp and renamed into place, and removed
 * by a rename into ROOT/tmp first, so a killed command leaves a whole
 * volume or none (store_open sweeps ROOT/tmp). Both under the store's
 * write lock. Who uses a volume is read from the container records
 * (ROOT/containers/ID/volumes: one name a line, container.h), so a
 * volume of a stopped container is in use too, as with Docker.
 *
 * _data is opened with O_NOFOLLOW at every step (volume_open_data): a
 * _data or NAME replaced by a symbolic link, by whoever could write
 * there, is refused rather than followed.
 *
 * Errors follow err.h.
 */
#ifndef BOXCAR_VOLUME_H
#define BOXCAR_VOLUME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "store.h"

#define VOLUME_NAME_MAX 255

struct container_spec;

struct volume_info {
	char name[VOLUME_NAME_MAX + 1];
	int64_t created;      /* unix ns */
	int anonymous;
	char **labels;        /* "K=V", NULL-terminated; NULL: none */
};

/* Docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (two characters at least),
 * at most VOLUME_NAME_MAX. Inline: the mount parser (fuzzed alone)
 * checks names too. */
static inline int volume_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n < 2 || n > VOLUME_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
		      || (i && (ch == '_' || ch == '.' || ch == '-'))))
			return 0;
	}
	return 1;
}
/* ROOT/volumes/NAME/_data into buf[PATH_MAX] (not checked). */
int volume_data_path(const struct store *s, const char *name, char *buf);
/* Make volume name (NULL or "": an anonymous one, its 64-hex name into
 * name_out) with labels ("K=V", may be NULL). An existing volume of that
 * name is no error (*existed set, labels untouched), as docker volume
 * create. name_out: VOLUME_NAME_MAX + 1 bytes, may be NULL. */
int volume_create(const struct store *s, const char *name, char **labels, int anonymous,
		  char *name_out, int *existed);
/* Read its record; ENOENT "no such volume: NAME". */
int volume_load(const struct store *s, const char *name, struct volume_info *v);
void volume_info_free(struct volume_info *v);
/* Every volume, sorted by name; fn returning non-zero stops. */
int volume_each(const struct store *s, int (*fn)(const struct volume_info *v, void *arg),
		void *arg);
/* How many containers use it; with buf, their IDs ("ID, ID") too. */
int volume_users(const struct store *s, const char *name, char *buf, size_t n);
/* Remove it: EBUSY "volume is in use - [ID]" if a container uses it
 * (force does not change that, as with Docker); force: a missing one is
 * no error. */
int volume_remove(const struct store *s, const char *name, int force);
/* Remove the anonymous volumes c mounted that no container uses any
 * more (rm -v, run --rm). Failures are warned about, not returned. */
void volume_remove_anonymous(const struct store *s, const struct container_spec *c);
/* _data of volume name, opened O_DIRECTORY with no symbolic link
 * followed below ROOT/volumes: the fd, or -1 (ELOOP for a link). */
int volume_open_data(const char *data_path);
/* Docker's copy-up: if the volume open at data is empty and the
 * directory open at from (the image's tree at the mount's target) is
 * not, copy what it holds, owners, modes, symbolic links (as links),
 * xattrs and the directory's own owner and mode, into it. Not built
 * without FEATURE_LAYER_CREATE (nothing is copied). */
int volume_populate(int from, int data);
/* Bytes and files under _data (du.h's rules). */
int64_t volume_size(const struct store *s, const char *name);

#endif
