/* layer.h - a layer is a directory tree packed as a POSIX tar stream
 * (docs/layer-format.md). Packing and unpacking stream through a
 * writer/reader (stream.h), so an LZ4 or gzip stage can sit between.
 * Both run in constant memory (64 KiB buffers), whatever the layer size.
 */
#ifndef BOXCAR_LAYER_H
#define BOXCAR_LAYER_H

#include <stdint.h>

#include "stream.h"

struct layer_pack_opts {
	int clamp_mtime;      /* if set, no mtime is later than mtime */
	int64_t mtime;
	int overlay_to_oci;   /* the tree is an overlay upperdir: turn its
			       * whiteouts (0/0 char devices, opaque xattrs)
			       * into .wh.NAME and .wh..wh..opq entries */
	const char *only;     /* pack only the entry of dir named this (one
			       * component; its subtree if a directory) */
	const char *as;       /* ... naming it this in the archive (cp) */
	int live;             /* the tree may change meanwhile (commit of a
			       * running container): an entry gone between
			       * readdir and its stat or open is skipped, a
			       * file that shrank is padded with zeros */
	int one_fs;           /* only what is on dir's filesystem, as cp -x:
			       * a directory of another (a mount: /proc, /sys,
			       * a volume) is left out with what is under it */
};

/* Pack the tree at dir (not dir itself; with o->only, that one entry)
 * into w as tar: names sorted
 * bytewise per directory, so the same tree gives the same bytes; ends
 * with the two zero blocks; does not call writer_finish(). */
int layer_pack(const char *dir, struct writer *w, const struct layer_pack_opts *o);

struct layer_unpack_opts {
	int oci_to_overlay;   /* turn .wh. entries into overlay whiteouts
			       * (store layers); otherwise keep them as files
			       * unless apply_whiteouts */
	int apply_whiteouts;  /* extract onto an existing tree: .wh.NAME
			       * deletes NAME, .wh..wh..opq empties the dir
			       * of what this layer did not bring */
	int allow_devices;    /* create char/block devices (as root) */
	int same_owner;       /* chown to the archive's uid/gid (default as root) */
	/* called where a regular file's content begins (path as cleaned,
	 * relative to dir): the store's record of a tar (store_tree.c) */
	void (*file_data)(void *arg, const char *path, uint64_t size);
	void *file_data_arg;
	uint64_t entries;     /* out: entries unpacked */
	uint64_t xattrs_dropped; /* out: xattrs the filesystem could not hold */
};

/* Unpack the tar stream from r into the directory dir, which must exist,
 * and read r to its end (so an LZ4 frame's checksum is checked). Nothing
 * is ever written outside dir: ".." components, and entries or hard link
 * targets that would lead out, are refused with an error naming the
 * entry. On error, what was unpacked so far stays: unpack into a fresh
 * directory and remove it on failure. */
int layer_unpack(struct reader *r, const char *dir, struct layer_unpack_opts *o);

/* The xattrs a layer carries: user.*, trusted.* except trusted.overlay.*,
 * security.capability, POSIX ACLs. */
int layer_xattr_allowed(const char *name);

#endif
