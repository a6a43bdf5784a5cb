/* seccomp_oci.h - an OCI spec's seccomp profile (linux.seccomp) as a
 * classic BPF program, without libseccomp (docs/oci.md).
 *
 * Rules are tried in the profile's order, the first that matches decides
 * (libseccomp ranks by action instead; profiles in use, Docker's and
 * podman's, give one answer either way). Calls are looked up by name in
 * the build's <sys/syscall.h>; a name this architecture does not have is
 * skipped, as runc does. Only the build's architecture is filtered: a call
 * made through another ABI (i386 or x32 on x86-64) gets the default
 * action, or is killed when the default allows. Arguments are compared as
 * 64-bit values (EQ NE LT LE GT GE MASKED_EQ). Actions: ALLOW, ERRNO,
 * KILL, KILL_THREAD, KILL_PROCESS, TRAP, LOG, TRACE; NOTIFY and a
 * listenerPath are refused. Errors follow err.h. */
#ifndef BOXCAR_SECCOMP_OCI_H
#define BOXCAR_SECCOMP_OCI_H

#include "json.h"
#include "seccomp.h"

/* The largest program: the kernel's own limit. */
#define SECCOMP_OCI_PROG_MAX 4096

/* The program for the profile at node obj of doc into p (max
 * instructions): its length, or -1 with err_set. */
int seccomp_oci_program(const struct json_doc *doc, uint32_t obj, struct seccomp_insn *p, int max);
/* Compile and install on the calling thread (needs no_new_privs or
 * CAP_SYS_ADMIN). */
int seccomp_apply_oci(const struct json_doc *doc, uint32_t obj, int nnp);
/* The number of a call on this architecture, or -1. */
long seccomp_syscall_nr(const char *name);
/* The name of call nr on this architecture (the first, where it has
 * two), or NULL. */
const char *seccomp_syscall_name(long nr);

#endif
