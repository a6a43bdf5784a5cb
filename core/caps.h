/* caps.h - Linux capabilities by name, Docker's default set, and
 * applying a set to the calling process without libcap.
 * Errors follow err.h.
 */
#ifndef BOXCAR_CAPS_H
#define BOXCAR_CAPS_H

#include <stdint.h>

#define CAPS_ALL (~(uint64_t)0)

/* Docker's default set: CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW
 * SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL
 * AUDIT_WRITE (0xa80425fb). */
#define CAPS_DOCKER_DEFAULT 0xa80425fbull
/* Ours: Docker's without MKNOD (bit 27). The devices policy lets a
 * container open only the nodes on its list, whatever it mknods, but a
 * kernel without cgroup eBPF or v1 devices runs containers without one
 * (docs/containers.md), and there a node made inside would reach the
 * host's device (a disk). --cap-add MKNOD gives it back. */
#define CAPS_DEFAULT (CAPS_DOCKER_DEFAULT & ~(1ull << 27))

/* "NET_ADMIN", "CAP_NET_ADMIN", any case -> its number; "ALL" -> 64;
 * -1 (EINVAL, err_set) if unknown. */
int cap_from_name(const char *name);
/* Its capability(7) name without CAP_ ("NET_ADMIN"), or NULL for a
 * number this table does not know. */
const char *cap_name(int cap);
/* The set a container gets: CAPS_DEFAULT, minus drop (CAPS_ALL drops
 * everything first), plus add; privileged gets everything. */
uint64_t caps_effective_set(uint64_t add, uint64_t drop, int privileged);
/* This process's permitted set: what its init can keep at all (CAPS_ALL
 * if capget fails). run's spec asks for no more (spec_docker.c), as its
 * old init kept no more than it held. */
uint64_t caps_held(void);
/* Drop every capability not in keep from the bounding set. Call before
 * changing uid (it needs CAP_SETPCAP). */
int caps_bound(uint64_t keep);
/* The capabilities this kernel knows: 0 up to its last. PR_CAPBSET_READ
 * says EINVAL past the last, so a binary search finds it in 6 calls,
 * not one per capability. */
uint64_t caps_known(void);

#endif
