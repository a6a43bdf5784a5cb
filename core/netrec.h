/* netrec.h - networks, as `docker network` knows them (docs/network.md):
 * the built-in `bridge` (boxcar0, its subnet from ROOT/network/config,
 * $BOXCAR_SUBNET or the build's: bridge.h), `host` and `none`, and
 * user-defined bridge networks, one record each:
 *
 *   ROOT/network/nets/NAME     written by boxcar alone, whole (renamed
 *                              into place), under ROOT/network/lock (the
 *                              leases' flock, ipam_lock: one lock for
 *                              every piece of network state)
 *     id HEX64
 *     created NS               unix time, ns
 *     subnet A.B.C.D/P
 *     gateway A.B.C.D
 *     bridge IFNAME            bxc- and the ID's first 8 digits, unless
 *                              -o com.docker.network.bridge.name=IFNAME
 *     named 0|1                the bridge's name was given
 *     internal 0|1             no masquerade, nothing forwarded out
 *     subnet6 X:X::/P          with IPv6 (network create --ipv6)
 *     gateway6 X:X::X
 *     label K=V                (repeatable)
 *
 * A subnet not given is the first free one of the pool 10.213.1.0/24 ..
 * 10.213.255.0/24: one that overlaps no other network (the default
 * bridge's included, wherever it is configured) and no route of the
 * host (its addresses' networks among them). A given one must overlap no
 * other network. An IPv6 one not given is the first /64 of the ULA pool
 * fd00:b0c:1::/64 .. fd00:b0c:ffff::/64 no other network has (the host's
 * IPv6 routes are not read); its containers' IPv6 addresses are the twins
 * of their IPv4 ones (bridge.h) unless given (--ip6).
 * Errors follow err.h.
 */
#ifndef BOXCAR_NETREC_H
#define BOXCAR_NETREC_H

#include <stddef.h>
#include <stdint.h>

#include "bridge.h"

#define NETREC_LABELS 16
#define NETREC_LABEL_MAX 128

struct netrec {
	char name[NET_NAME_MAX + 1];
	char id[CONTAINER_ID_LEN + 1];
	int64_t created;
	const char *driver;     /* "bridge", "host" or "null" (none) */
	int builtin;            /* bridge, host, none: never stored */
	struct bridge_conf br;  /* the bridge (driver "bridge") */
	int named, internal;
	int ipv6;               /* create: --ipv6 (an IPv6 subnet, br.prefix6
				 * 0: one of the pool) */
	int gw6_given;          /* create: br.gw6 is --gateway's */
	int nlabels;
	char labels[NETREC_LABELS][NETREC_LABEL_MAX];
};

/* A network's name: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most NET_NAME_MAX. */
int netrec_name_valid(const char *name);
/* Network ref (a name, an ID or a unique prefix of one) into r: 0, or -1
 * with "network REF not found". */
int netrec_find(const char *root, const char *ref, struct netrec *r);
/* Call fn for every network, the built-in ones first, then by name;
 * fn returning non-zero stops and is returned. */
int netrec_each(const char *root, int (*fn)(const struct netrec *r, void *arg), void *arg);
/* network create: r's record (name, labels, internal, named set; br.prefix
 * 0: a subnet of the pool; br.name "": bxc-ID; id, created and subnet
 * filled in), its bridge up, the NAT table with its rules. All or
 * nothing, under ipam_lock. */
int netrec_create(const char *root, struct netrec *r);
/* network rm: the user network ref's record, bridge and rules; refused
 * (EBUSY, naming them) while a container is on it, and for the built-in
 * ones (EPERM). Its name into name. */
int netrec_remove(const char *root, const char *ref, char name[NET_NAME_MAX + 1]);

/* Parse a record's text (n bytes) into r: 0, or -1 if it is not one. */
int netrec_parse(const char *text, size_t n, struct netrec *r);

#endif
