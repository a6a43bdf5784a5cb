/* overlay.h - a container's root file system: overlayfs over its image's
 * layers (docs/containers.md).
 *
 *   lowerdir  the layers, topmost first, named by their short links
 *             ROOT/l/LINK (as overlay2 does), relative to ROOT: the
 *             option string stays under a page with a hundred layers
 *   upperdir  ROOT/containers/ID/diff
 *   workdir   ROOT/containers/ID/work
 *   target    ROOT/containers/ID/merged
 * A container whose writable layer has a size cap (a --rm one, in the
 * runtime dir) has them on a tmpfs of its own, mounted on ID/rw: its
 * upperdir is ID/rw/diff, its workdir ID/rw/work (overlay_dir).
 * A record on an overlayfs (OpenWrt's root), where no upperdir can be,
 * has them on that overlay's upper file system, beside its upperdir:
 * UPPERDIR/../.boxcar-upper/STORE/ID/, named by the symlink ID/upper
 * (overlay.c says why there).
 * Errors follow err.h.
 */
#ifndef BOXCAR_OVERLAY_H
#define BOXCAR_OVERLAY_H

#include <stdint.h>

#include "store.h"

/* Make diff/, work/ and merged/ if missing and mount; layers are digests,
 * bottom first, NULL-terminated. upper_size: NULL, or the size= of a
 * tmpfs for the writable layer ("0": uncapped). Already mounted is not
 * an error. */
int overlay_mount(const struct store *s, const char *id, char *const *layers,
		  const char *upper_size);
/* Unmount merged/ (lazily if busy), and rw/ if it is a tmpfs of ours;
 * not mounted is not an error. */
int overlay_umount(const struct store *s, const char *id);
/* The container's "diff" (upper) or "work" dir, into buf (PATH_MAX). */
int overlay_dir(const struct store *s, const char *id, const char *which, char *buf);
/* Can a persistent container of this store have a writable layer? 0, or
 * -1 saying why not and what to do (a store on an overlayfs whose upper
 * file system boxcar cannot use). Before a record is made. */
int overlay_check(const struct store *s);
/* What the record holds on disk, its writable layer included. */
int64_t overlay_disk_usage(const struct store *s, const char *id);
/* Remove the writable layer the record dir (ID/ or its removed copy)
 * has on an overlay's upper file system, if it has one. */
int overlay_remove_upper(const char *dir, const char *id);
/* Remove this store's writable layers on an overlay's upper file system
 * whose record is gone (a killed rm). Under the store's write lock. */
void overlay_sweep(const struct store *s);
/* Is merged/ a mount point? */
int overlay_mounted(const struct store *s, const char *id);

#endif
