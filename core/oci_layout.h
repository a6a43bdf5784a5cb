/* oci_layout.h - pull sources on the local disk:
 *
 *   oci:DIR[:TAG]          an OCI image layout (index.json, blobs/sha256/):
 *                          TAG matches the org.opencontainers.image.ref.name
 *                          annotation; without it the layout must hold one
 *                          image, or be a multi-platform index
 *   oci-archive:FILE       the same as a tar archive (load only)
 *   docker-archive:FILE    a `docker save` tarball: manifest.json naming the
 *                          config and layer files, either the legacy
 *                          HEX/layer.tar form or Docker 25's blobs/sha256/
 *
 * Blobs are read in place (nothing is copied) and checked against their
 * digests before they are imported. A docker save archive has no registry
 * manifest: one is made from manifest.json, with the layers' digests
 * computed while the archive is indexed.
 */
#ifndef BOXCAR_OCI_LAYOUT_H
#define BOXCAR_OCI_LAYOUT_H

#include "pull.h"
#include "ref.h"

#define ARCHIVE_MAX_ENTRIES 4096

struct archive_entry;

struct local_source {
	struct pull_source src;
	char path[PATH_MAX];
	char tag[REF_TAG_MAX + 1];      /* oci: the TAG, or "" */
	char name[PATH_MAX + 32];       /* "oci:DIR", "docker-archive:FILE" */
	char repo_tag[REF_NAME_MAX + REF_TAG_MAX + 2]; /* docker-archive: RepoTags[0] */
	int fd;                         /* docker-archive: the tarball */
	struct archive_entry *entries;  /* docker-archive: its files */
	size_t count;
	char *manifest;                 /* docker-archive: the one we made */
	size_t manifest_len;
	int oci;                        /* archive: an OCI layout (oci-archive) */
	char *names;                    /* archive: its images' names, NUL-separated */
	size_t names_len;
	int unnamed;                    /* archive: images with no name */
};

/* spec is what follows "oci:" or "docker-archive:". want_tag (may be NULL)
 * picks an image of a docker-archive by its RepoTags. */
int oci_layout_open(struct local_source *ls, const char *spec);
int docker_archive_open(struct local_source *ls, const char *spec, const char *want_tag);
/* A tar archive of either kind, for `load`: a docker save archive
 * (manifest.json) or an OCI image layout (index.json, oci-archive), read
 * in place. ls->names lists the names its images carry (RepoTags;
 * io.containerd.image.name annotations); give one as the reference to
 * pull_image to take that image. */
int local_archive_open(struct local_source *ls, const char *spec);
void local_source_close(struct local_source *ls);

#endif
