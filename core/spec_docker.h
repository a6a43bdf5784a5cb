/* spec_docker.h - what `run` asks for (struct container_spec, Docker's
 * options after the image's defaults) as an OCI runtime spec: the
 * struct oci_spec run's init follows (launch_oci.c, the `oci` applet's
 * init), filled directly, no JSON in between; `run --dry-run` writes
 * that struct out (oci_spec_json), the config.json a bundle would carry
 * for `boxcar oci` to run the same container (docs/oci.md, "One core").
 * One translation: the init and --dry-run cannot differ.
 *
 * The translation:
 *   process    argv, env with what Docker adds at start (PATH,
 *              HOSTNAME, TERM with -t, HOME from the image's passwd),
 *              the user as numbers with its groups (at a start: by the
 *              init, spec_docker_user), cwd, the capability
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
 *              read-only paths, the default seccomp filter (its built-in
 *              program; written out as a profile)
 *   annotations  what the OCI spec has no field for: the network mode
 *              (bridge wiring is the monitor's), --init, the name
 * and what no JSON sets: --init's reaper, the built-in seccomp program,
 * mounts that may be skipped (the name files over a symbolic link of
 * the image, mqueue on a kernel without it), volumes (filled from the
 * image, opened without following links). Errors follow err.h.
 */
#ifndef BOXCAR_SPEC_DOCKER_H
#define BOXCAR_SPEC_DOCKER_H

#include "container.h"
#include "passwd.h"

struct oci_spec;

struct spec_docker {
	const struct container_spec *c;
	const char *rootfs;          /* root.path: the merged dir */
	const char *etcdir;          /* holds hostname, hosts, resolv.conf
				      * (etcfiles.h); NULL: none bound */
	const struct user_ids *user; /* c->user resolved in the image; NULL:
				      * by the init (spec_docker_user) */
	const char *netns;           /* --network container:NAME: the path
				      * of its network namespace */
};

/* d's container as the spec s (oci_spec_free it; its strings point
 * into d and d->c, which must outlive s, or are s's own). -1 with err_set on a
 * part that cannot be made (a volume's bad options). */
int spec_docker_fill(const struct spec_docker *d, struct oci_spec *s);

/* The spec run's init follows (launch.c): spec_docker_fill, the user
 * left to the init (s->run_user). rootfs: the mounted merged dir;
 * etcdir: the record, with the name files; nsfd: container:NAME's
 * netns, which the init joins, or -1. */
int spec_docker_load(const struct container_spec *c, const char *rootfs, const char *etcdir,
		     int nsfd, struct oci_spec *s);

/* The init's: user (run's -u) resolved in the container's root, "/"
 * after pivot_root, its passwd and group opened inside it and never
 * through a link out of it, after the mounts (a volume on /etc counts,
 * as in Docker), while the parent makes the cgroup: p's uid, gid and
 * groups, HOME where the environment has none, the effective and
 * permitted sets for root alone. */
struct oci_process;
int spec_docker_user(struct oci_process *p, const char *user);

/* Docker's masked and read-only paths (moby oci/defaults.go),
 * NULL-terminated: the one table; run's spec lists them and its init
 * masks what the spec lists, as oci's. */
#define DOCKER_NMASKED 11
#define DOCKER_NREADONLY 5
extern char *const docker_masked_paths[DOCKER_NMASKED + 1];
extern char *const docker_readonly_paths[DOCKER_NREADONLY + 1];

/* Annotations of a spec made by spec_docker_fill. */
#define SPEC_ANN_NAME "org.boxcar.name"
#define SPEC_ANN_IMAGE "org.boxcar.image"
#define SPEC_ANN_NETWORK "org.boxcar.network"  /* bridge none host container:NAME */
#define SPEC_ANN_INIT "org.boxcar.init"        /* "true": --init's reaper is PID 1 */

#endif
