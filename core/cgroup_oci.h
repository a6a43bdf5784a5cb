/* cgroup_oci.h - a container's cgroup made and limited from its OCI
 * spec's linux.cgroupsPath and linux.resources, for both front ends:
 * `oci create` (a bundle's config.json) and run's monitor (the spec
 * spec_docker_load made of its container, docs/oci.md).
 *
 * In two steps, so that run's init can be cloned into the directories
 * (CLONE_INTO_CGROUP) and set up its mounts while the parent writes the
 * limits: oci_cgroup_make, then oci_cgroup_limit; oci_cgroup_create
 * does both. The limits come before launch_go lets the init go on
 * (launch.h): nothing of the container's command runs unlimited.
 * Errors follow err.h.
 */
#ifndef BOXCAR_CGROUP_OCI_H
#define BOXCAR_CGROUP_OCI_H

#include <stddef.h>

#include "cgroup.h"

struct oci_spec;

/* The cgroup NAME for a cgroupsPath ("/a/b", "a/b", or with systemd
 * "slice:prefix:name" as slice/prefix-name.scope); "" means
 * "boxcar-oci/ID". */
int oci_cgroup_name(const char *path, const char *id, int systemd, char *buf, size_t n);
/* How many of NAME's parents are boxcar's, for cgroup_destroy: 1 for
 * "boxcar-oci/ID" (the default), else none (a cgroupsPath's may be
 * another tool's, an empty kubepods slice say: runc too removes only
 * the container's own directory). */
int oci_cgroup_parents(const char *name);
/* The hierarchies beyond CG_BASIC whose limits s sets (CG_EXTRA bits). */
unsigned oci_cgroup_extra(const struct oci_spec *s);
/* NAME's directories (cgroup_create with extra), or the ones a crash
 * left (*made 0: not ours to remove on a failure). */
int oci_cgroup_make(struct cgroup *cg, const char *name, unsigned extra, int *made);

/* oci_cgroup_limit's flags: what run asks of its own spec. */
enum {
	OCI_CG_PIDS_DEFAULT = 1,    /* the pids limit is a default: left out
				     * where there is no pids controller */
	OCI_CG_DEVICES_STRICT = 2,  /* a devices policy the kernel cannot
				     * enforce is an error if an allow rule
				     * gives less than rwm (a --device's
				     * PERMS: a promise we could not keep);
				     * else the container runs without */
};
/* linux.resources into cg: the limits (oci_set_limits), then the
 * devices policy. Rules ending in an allow-all: none (every device,
 * --privileged's). Otherwise cgroup_set_devices: a deny-all, the rules
 * in order (the last one naming an access wins, on v1 and v2 alike),
 * then the defaults (Docker's and runc's list, which runc too appends).
 * No rules: the defaults alone (runc's). */
int oci_cgroup_limit(const struct oci_spec *s, const struct cgroup *cg, unsigned flags);
/* linux.resources but the devices rules, into cg (and `oci update
 * --resources`): -1 with err_set naming what could not be set. */
int oci_set_limits(const struct oci_spec *s, const struct cgroup *cg);
/* oci_cgroup_make and oci_cgroup_limit; on failure what was made is
 * removed. */
int oci_cgroup_create(const struct oci_spec *s, const char *name, struct cgroup *cg,
		      unsigned flags);

#endif
