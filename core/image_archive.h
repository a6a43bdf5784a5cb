/* image_archive.h - images out of the store as one tar stream, for
 * `save`: a docker-archive that `docker load`, `podman load` and skopeo
 * read, or an OCI image layout archive (oci-archive).
 *
 * Both hold the layers as plain tar under blobs/sha256/ named by their
 * diff_id (unpacked from the store's LZ4 on the way, each checked against
 * its diff_id and size), the config blob as stored (so the image ID is
 * the same) and, per image, an OCI manifest, with index.json and
 * oci-layout. The docker format adds manifest.json and repositories, as
 * Docker 25's `docker save` does, so the one file reads both ways. A
 * layer shared by several images is written once.
 *
 * Memory: two 64 KiB buffers and the LZ4 reader's, whatever the image
 * size. Errors follow err.h; the output is then incomplete (the caller
 * removes a file it was writing).
 */
#ifndef BOXCAR_IMAGE_ARCHIVE_H
#define BOXCAR_IMAGE_ARCHIVE_H

#include "store.h"
#include "stream.h"

enum archive_format { ARCHIVE_DOCKER, ARCHIVE_OCI };

/* Write the images names (NAME[:TAG] or IDs; n of them) to w, and
 * finish w. A NAME is recorded as its RepoTag / image name; an ID is
 * saved with none, as docker does. */
int image_archive_write(const struct store *s, char *const *names, int n,
			enum archive_format format, struct writer *w);

#endif
