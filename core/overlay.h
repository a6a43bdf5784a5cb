/* overlay.h - a container's root file system: overlayfs over its image's
 * layers (docs/containers.md).
 *
 *   lowerdir  the layers, topmost first, named by their short links
 *             ROOT/l/LINK (as overlay2 does), relative to ROOT: the
 *             option string stays under a page with a hundred layers
 *   upperdir  ROOT/containers/ID/diff
 *   workdir   ROOT/containers/ID/work
 *   target    ROOT/containers/ID/merged
 * Errors follow err.h.
 */
#ifndef BOXCAR_OVERLAY_H
#define BOXCAR_OVERLAY_H

#include "store.h"

/* Make diff/, work/ and merged/ if missing and mount; layers are digests,
 * bottom first, NULL-terminated. Already mounted is not an error. */
int overlay_mount(const struct store *s, const char *id, char *const *layers);
/* Unmount merged/ (lazily if busy); not mounted is not an error. */
int overlay_umount(const struct store *s, const char *id);
/* Is merged/ a mount point? */
int overlay_mounted(const struct store *s, const char *id);

#endif
