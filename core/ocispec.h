/* ocispec.h - an OCI runtime spec (a bundle's config.json, runtime-spec
 * 1.x), read into what the launcher needs: the process, the root, the
 * mounts in order, namespaces, limits, hooks (docs/oci.md).
 *
 * The reader is strict the way runc is about what it cannot do: a field
 * it does not know how to honour (user namespaces without mappings, an
 * idmapped mount, intelRdt...) is an error naming it, never skipped. Unknown
 * keys are left alone, as the spec allows. Strings point into the parsed
 * document (struct oci_spec keeps it); only the pointer arrays are
 * allocated. Errors follow err.h.
 */
#ifndef BOXCAR_OCISPEC_H
#define BOXCAR_OCISPEC_H

#include <stdint.h>
#include <sys/types.h>

#include "json.h"

#define OCI_VERSION "1.0.2"

/* Limits on what one config may hold, beyond json.h's own. */
#define OCI_MAX_GIDS 64
#define OCI_MAX_NS 8

struct oci_mount {
	const char *dest, *type, *source;
	unsigned long flags;     /* MS_* set by the options */
	unsigned long clear;     /* MS_* cleared (rw, suid, dev, exec...) */
	unsigned long prop;      /* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE (| MS_REC) */
	int bind;                /* bind or rbind (MS_REC in flags for rbind) */
	int rro;                 /* recursively read-only (mount_setattr) */
	char data[256];          /* the options the kernel takes as data */
	int optional;            /* run's tolerance (spec_docker_fill, never
				  * from JSON): a bind skipped over a symbolic
				  * link, mqueue without the kernel's, devpts
				  * without gid=5, the host's /sys alone */
	int volume;              /* run's: source is a volume's _data (never
				  * from JSON), opened with no symbolic link
				  * followed and, unless nocopy, filled from
				  * the image's files at dest (volume.h) */
	int nocopy;
	int file;                /* run's name files: the source is a file (no
				  * stat to learn it) */
};

struct oci_rlimit {
	int resource;            /* RLIMIT_* */
	uint64_t soft, hard;
};

struct oci_hook {
	const char *path;
	char **args, **env;      /* NULL-terminated; may be NULL */
	int timeout;             /* seconds; 0: none */
};

enum oci_hook_kind {
	OCI_PRESTART, OCI_CREATE_RUNTIME, OCI_CREATE_CONTAINER, OCI_START_CONTAINER,
	OCI_POSTSTART, OCI_POSTSTOP, OCI_HOOK_KINDS
};

struct oci_device {            /* linux.devices: a node made inside */
	const char *path;
	mode_t type;             /* S_IFCHR, S_IFBLK, S_IFIFO */
	unsigned major, minor;
	mode_t mode;             /* permission bits; 0666 when absent */
	uid_t uid;
	gid_t gid;
};

struct oci_devrule {           /* linux.resources.devices */
	int allow;
	char type;               /* 'a', 'c', 'b' */
	int major, minor;        /* -1: any */
	char access[4];
};

struct oci_hugepage {          /* linux.resources.hugepageLimits */
	const char *size;        /* "2MB" */
	uint64_t limit;
};

struct oci_iolimit {           /* linux.resources.blockIO, one value */
	int what;                /* enum cgroup_io (cgroup.h) */
	int major, minor;        /* -1, -1: the cgroup's own weight */
	uint64_t v;
};

struct oci_netprio {           /* linux.resources.network.priorities */
	const char *ifname;
	uint32_t prio;
};

struct oci_idmap {
	uint32_t container, host, size;
};

/* A process: the container's (process) or one exec'd into it. */
struct oci_process {
	char **args, **env;      /* NULL-terminated */
	const char *cwd;
	uid_t uid;
	gid_t gid;
	gid_t gids[OCI_MAX_GIDS];
	int ngids;
	int terminal;
	int no_new_privs;
	int has_caps;            /* capabilities given: else none at all */
	uint64_t caps_bounding, caps_effective, caps_permitted, caps_inheritable, caps_ambient;
	struct oci_rlimit *rlimits;
	int nrlimits;
	int has_oom_score_adj, oom_score_adj;
	const char *apparmor, *selinux; /* refused when set (no LSM support) */
};

struct oci_annotation {
	const char *key, *value;
};

/* A string a spec made by spec_docker owns (oci_spec_free frees it). */
struct oci_owned {
	struct oci_owned *next;
	char s[];
};

struct oci_spec {
	struct json_doc doc;
	const char *version;
	struct oci_process proc;
	const char *root;        /* as written: relative to the bundle or absolute */
	int root_readonly;
	struct oci_mount *mounts;
	int nmounts;
	const char *hostname, *domainname;
	struct {
		int flag;        /* CLONE_NEW* */
		const char *path; /* join this one; NULL: a new one */
	} ns[OCI_MAX_NS];
	int nns;
	unsigned long new_ns;    /* CLONE_NEW* to create */
	int mount_ns;            /* ns[] has a mount namespace, new or joined;
				  * 0: the container is in the host's */
	struct oci_idmap uidmap[8], gidmap[8];
	int nuidmap, ngidmap;
	const char *cgroups_path;
	int64_t memory, memory_swap, memory_reservation; /* 0: not set */
	int64_t memory_kernel, memory_kernel_tcp; /* 0: not set; written where
						   * the kernel still has the
						   * files (v1 before 6.1) */
	int64_t swappiness;      /* -1: not set */
	int disable_oom_killer;
	int64_t cpu_shares, cpu_quota, cpu_period, pids_limit;
	struct oci_devrule *devrules;
	int ndevrules;
	const char *cpus, *mems; /* cpuset lists; NULL: not set */
	struct oci_hugepage *hugepages;
	int nhugepages;
	struct oci_iolimit *iolimits;
	int niolimits;
	int64_t net_classid;     /* -1: not set */
	struct oci_netprio *netprios;
	int nnetprios;
	struct oci_device *devices;
	int ndevices;
	uint32_t sysctl;         /* the object's node, 0: none */
	char **masked, **readonly;
	const char *rootfs_propagation;
	uint32_t seccomp;        /* linux.seccomp's node, 0: none */
	struct oci_hook *hooks[OCI_HOOK_KINDS];
	int nhooks[OCI_HOOK_KINDS];
	uint32_t annotations;    /* the object's node, 0: none */
	/* Set by spec_docker_fill for run's containers, never from JSON: */
	struct oci_annotation ann[4]; /* annotations (doc has none then) */
	int nann;
	struct oci_owned *owned; /* the strings it made */
	int run_init;            /* --init: boxcar's reaper is PID 1 */
	const char *run_user;    /* -u (""): resolved by the init after
				  * the mounts (spec_docker_user), which
				  * sets proc's user, HOME and the sets */
	int seccomp_builtin;     /* the default filter, as its built-in
				  * program (the answers of the profile
				  * run --dry-run shows, as a tree: cheaper
				  * to install); linux.seccomp left out */
};

/* Parse config.json's text. -1 with err_set naming the field at fault. */
int oci_spec_parse(struct oci_spec *s, const char *buf, size_t len);
/* A process object (exec --process): into p, its strings in doc. */
int oci_process_parse(const struct json_doc *doc, uint32_t obj, struct oci_process *p);
/* A process object's text on its own (exec --process F): parsed into
 * doc (json_free it after p), then p. */
int oci_process_parse_text(struct json_doc *doc, const char *buf, size_t len,
			   struct oci_process *p);
void oci_process_free(struct oci_process *p);
void oci_spec_free(struct oci_spec *s);

/* s as config.json into w (jw_init'ed): what spec_docker_fill sets
 * (run --dry-run: the one translation of run's container, written out
 * from the struct the init follows). A parsed spec's hooks, idmaps,
 * sysctls, profile and the limits run does not set are not written. The
 * built-in seccomp filter is written as its profile. */
struct json_w;
void oci_spec_json(const struct oci_spec *s, struct json_w *w);

/* A mount's options ("ro", "nosuid", "rbind", "rprivate", "size=64m")
 * into m's flags, propagation and data; -1 on one it cannot honour. */
int oci_mount_options(struct oci_mount *m, const char *const *opts, int n);

/* "CAP_SYS_ADMIN" -> 21, as caps.h's cap_from_name but only the full
 * names the spec uses. */
int oci_cap(const char *name);

#endif
