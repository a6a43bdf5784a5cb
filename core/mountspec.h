/* mountspec.h - the three ways docker users ask for a mount, checked as
 * Docker checks them, before anything is made:
 *
 *   -v SRC:DST[:MODE]   MODE a comma list of at most one of each: ro|rw,
 *                       z|Z (accepted; no SELinux relabelling here),
 *                       private|rprivate|slave|rslave|shared|rshared,
 *                       consistent|cached|delegated (accepted, ignored
 *                       as on Linux Docker), nocopy (volumes only).
 *                       SRC not absolute: a volume's name (volume.h);
 *   -v DST              an anonymous volume.
 *   --tmpfs DST[:OPTS]  OPTS as mount(8)'s for tmpfs: size=, mode=,
 *                       uid=, gid=, nr_inodes=, nr_blocks=, ro/rw,
 *                       exec/noexec, suid/nosuid, dev/nodev, sync/async,
 *                       [no]atime, [no]diratime, [no]relatime,
 *                       [no]strictatime, defaults, [r]private; the last
 *                       of a kind wins. Docker's default is noexec,nosuid,
 *                       nodev (exec, suid, dev turn them off).
 *   --mount type=bind|volume|tmpfs,source=,target=,readonly,
 *           bind-propagation=,volume-nocopy,volume-driver=local,
 *           tmpfs-size=,tmpfs-mode=   docker's keys and messages (src,
 *                       dst, destination, ro too; a CSV line); a volume
 *                       without source is anonymous.
 *
 * An unknown option is an error (docker's message shape), never ignored:
 * on a board with little RAM a tmpfs without its size= is half the RAM.
 * Errors follow err.h, with errno 0 (the message says it all).
 */
#ifndef BOXCAR_MOUNTSPEC_H
#define BOXCAR_MOUNTSPEC_H

#include <stddef.h>

#include "container.h"

enum mountspec_kind { MOUNTSPEC_VOLUME, MOUNTSPEC_TMPFS, MOUNTSPEC_MOUNT };

/* Parse one argument of that kind into *m: source (a bind's host path,
 * absolute; NULL for a tmpfs and a volume), volume (its name, "" for an
 * anonymous one; NULL if not a volume), nocopy, target (absolute, no "..", not "/"),
 * readonly, tmpfs, and options: a tmpfs's options, checked, as a comma
 * list mountspec_tmpfs() reads again at start; a bind's propagation
 * (NULL: rprivate). Strings are malloc'd (mountspec_free). Looks at no
 * file: whether SRC exists is the caller's to check. */
int mountspec_parse(enum mountspec_kind kind, const char *arg, struct mount_spec *m);
void mountspec_free(struct mount_spec *m);

/* A tmpfs's options (as mountspec_parse stores them; NULL: none) into
 * mount(2) flags (MS_NOEXEC | MS_NOSUID | MS_NODEV unless turned off)
 * and data ("size=8m,mode=755", at most n bytes). */
int mountspec_tmpfs(const char *opts, unsigned long *flags, char *data, size_t n);

/* MS_PRIVATE, MS_SLAVE or MS_SHARED, with MS_REC for the r- forms, for
 * a bind's propagation name (NULL: rprivate, Docker's default); 0 for
 * a name that is none of the six. */
unsigned long mountspec_propagation(const char *name);

#endif
