/* spec_docker.h - what `run` asks for (struct container_spec, Docker's
 * options after the image's defaults), as an OCI runtime spec: the
 * config.json a bundle would carry for `boxcar oci` to run the same
 * container (docs/oci.md, "One core"). `run --dry-run` prints it.
 *
 * The translation, in the order the init does it (core/launch.c):
 *   process    argv, env with what Docker adds at start (PATH,
 *              HOSTNAME, TERM with -t, HOME from the image's passwd),
 *              the user as numbers with its groups, cwd, the capability
 *              sets (root: the set; another user: the bounding set
 *              only), rlimits, noNewPrivileges unless --privileged
 *   root       the merged dir; readonly for --read-only
 *   mounts     proc, /dev (tmpfs, devpts, shm, mqueue), sysfs (ro unless
 *              --privileged), the name files bound on /etc, then the
 *              volumes and tmpfs mounts in the order given
 *   linux      namespaces (network: none with --network host, the other
 *              container's by path), --device nodes, the devices policy
 *              (deny all; the runtime adds Docker's defaults), memory,
 *              cpu, pids, cgroupsPath boxcar-ID, Docker's masked and
 *              read-only paths, the default seccomp filter as a profile
 *   annotations  what the OCI spec has no field for: the network mode
 *              (bridge wiring is the monitor's), --init, the name
 * Errors follow err.h.
 */
#ifndef BOXCAR_SPEC_DOCKER_H
#define BOXCAR_SPEC_DOCKER_H

#include "container.h"
#include "passwd.h"

struct json_w;

struct spec_docker {
	const struct container_spec *c;
	const char *rootfs;          /* root.path: the merged dir */
	const char *etcdir;          /* holds hostname, hosts, resolv.conf
				      * (etcfiles.h); NULL: none bound */
	const struct user_ids *user; /* c->user resolved in the image */
	const char *netns;           /* --network container:NAME: the path
				      * of its network namespace */
	int no_profile;              /* leave the default seccomp profile out
				      * (spec_docker_load: the init installs
				      * the built-in program instead) */
};

/* config.json for d, pretty, into w (jw_init'ed). -1 with err_set on a
 * part that cannot be written (a volume's bad options). */
int spec_docker_json(const struct spec_docker *d, struct json_w *w);

/* The spec run's init follows (launch.c): c translated and parsed into
 * s (oci_spec_free it), with the extensions no JSON sets: --init, the
 * built-in seccomp program, mounts that may be skipped (the name files
 * over a symbolic link of the image, mqueue on a kernel without it).
 * rootfs: the mounted merged dir, where the user is resolved (its
 * passwd and group opened inside it, never through a link out of it);
 * etcdir: the record, with the name files; nsfd: container:NAME's
 * netns, which the init joins, or -1. */
struct oci_spec;
int spec_docker_load(const struct container_spec *c, const char *rootfs, const char *etcdir,
		     int nsfd, struct oci_spec *s);

/* Docker's masked and read-only paths, relative to the root (moby
 * oci/defaults.go): the one table; run's spec lists them and its init
 * masks what the spec lists, as oci's. */
#define DOCKER_NMASKED 11
#define DOCKER_NREADONLY 5
extern const char *const docker_masked_paths[DOCKER_NMASKED];
extern const char *const docker_readonly_paths[DOCKER_NREADONLY];

/* Annotations of a spec made by spec_docker_json. */
#define SPEC_ANN_NAME "org.boxcar.name"
#define SPEC_ANN_IMAGE "org.boxcar.image"
#define SPEC_ANN_NETWORK "org.boxcar.network"  /* bridge none host container:NAME */
#define SPEC_ANN_INIT "org.boxcar.init"        /* "true": --init's reaper is PID 1 */

#endif
