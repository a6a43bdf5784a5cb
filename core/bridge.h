/* bridge.h - a container's network beyond lo: Docker's default bridge
 * (docs/network.md has the whole story and why).
 *
 *   host                              container (its own netns)
 *   boxcar0 (bridge, GW/PREFIX) --- bxID (veth) === eth0 (veth) ADDR/PREFIX
 *                                                  default via GW
 *
 * The subnet is ROOT/network/config's "subnet=" or $BOXCAR_SUBNET, else
 * CONFIG_NETWORK_SUBNET; the gateway is its first address unless given
 * ("10.213.0.1/24"). An IPv6 subnet ("subnet6=", $BOXCAR_SUBNET6,
 * CONFIG_NETWORK_SUBNET6; none by default) adds to each IPv4 address
 * the one with the same host number in it: 10.213.0.5 is NET6::5, the
 * gateway's too, so the IPv4 leases allocate both. The bridge is made on first use and stays, as
 * docker0 does; so does the NAT table (portmap.h). A user-defined
 * network (netrec.h, `network create`) is the same with its own bridge,
 * subnet(s) and NAT rules; its containers' /etc/hosts name each other
 * and are kept current as they come and go (net_attach, net_release).
 * --ip6 gives a container an IPv6 address of its own choosing instead
 * of the twin (the IPAM then keeps the twin of that host number free).
 *
 * The monitor, which lives as long as the container:
 *   net_setup    before the first launch: a lease (ipam.h) for the
 *                container's address and published ports, the bridge,
 *                ip_forward, the NAT table (without -p, a table nft
 *                cannot write leaves l->warning, not an error);
 *                --network container:NAME: that container's netns
 *                opened
 *   net_attach   after each clone, before the init goes: the veth pair,
 *                its peer born in the init's netns as eth0, address,
 *                MTU of the bridge, default route
 *                (and eth1... for the networks connected to it:
 *                net_connect, with a lease each)
 *   net_release  when the container is over, and from rm: its leases
 *                go and the NAT table forgets its ports. The veths go
 *                with the netns (the kernel deletes both ends).
 * Errors follow err.h.
 */
#ifndef BOXCAR_BRIDGE_H
#define BOXCAR_BRIDGE_H

#include <stdint.h>

#include "container.h"
#include "ipam.h"
#include "portmap.h"

#define NET_BRIDGE_NAME "boxcar0"

struct bridge_conf {
	char name[16];
	uint32_t net, gw;   /* network byte order */
	int prefix;
	int prefix6;        /* 0: no IPv6 */
	uint8_t net6[16], gw6[16];
};

struct net_lease {
	int active;         /* a bridge lease is held */
	int nsfd;           /* container:NAME: its netns; else -1 */
	struct bridge_conf br;
	int user;           /* a user-defined network: lease.net */
	int internal;       /* --internal: nothing in or out but its own */
	uint32_t addr;      /* network byte order */
	uint8_t mac[6];
	unsigned mtu;
	struct portmap ports[PORTMAP_MAX];
	int nports;
	int hold[PORTMAP_MAX]; /* sockets bound to the host ports, held
				* so that nothing on the host takes them */
	const char *root;   /* the store's */
	struct ipam_lease lease;
	char warning[320];  /* for run to show: the container runs without
			     * what nft would give it (no -p: no NAT) */
};

/* The default bridge's configuration for the store at root. */
int bridge_conf_get(const char *root, struct bridge_conf *b);
/* "A.B.C.D/P" (the gateway A.B.C.D if not the network's address, else
 * the first) into b's net, gw and prefix; /8 to /30. */
int bridge_subnet_parse(const char *s, struct bridge_conf *b);
/* "X:X::/P" into b's net6, prefix6 and gw6 (the twin of b->gw: set
 * the IPv4 subnet first); P from 16 to 96 + the IPv4 prefix. */
int bridge_subnet6_parse(const char *s, struct bridge_conf *b);
/* Is a in net/prefix? */
int net_in6(const uint8_t net[16], int prefix, const uint8_t a[16]);
/* Make b's bridge (if missing) with its gateway address, up, forwarding
 * on; *mtu: its MTU, or 0. */
int bridge_up(const struct bridge_conf *b, unsigned *mtu);
/* Under ipam_lock: write the NAT table again from the networks and the
 * live leases, those of container skip_id (NULL: none) left out. */
int net_nat_rewrite(const char *root, const char *skip_id);

int net_setup(const struct store *s, const struct container_spec *c, struct net_lease *l);
int net_attach(struct net_lease *l, pid_t pid);
/* Forget id's lease (l: the monitor's, its held sockets closed; NULL
 * from rm), then the NAT table's ports. A no-op when there is none. */
void net_release(const struct store *s, const char *id, struct net_lease *l);

/* Container id's live lease on network net ("" the default bridge;
 * NULL: its eth0's, the network it was run on): 1 with *out, 0 if it
 * has none (not on it, or not running), -1 on error. For inspect, ps
 * and port. */
int net_lease_get(const char *root, const char *id, const char *net, struct ipam_lease *out);

/* network connect: container id on network ref (a name or ID) too, as
 * Docker's: recorded in its spec (container_spec.connected), and if it
 * runs an interface eth1... in its netns at once, with a lease that
 * lives and goes with its others (the same monitor and init); ip, ip6:
 * its addresses there (NULL: chosen), aliases its names (NULL-terminated
 * or NULL). At each start net_attach makes them again. Under the
 * container's lock. */
int net_connect(const struct store *s, const char *id, const char *ref, const char *ip,
		const char *ip6, char **aliases);
/* network disconnect: the network ref connected to container id goes
 * from its record and, if it runs, its interface and lease. force: ref
 * may name a network removed since. The network the container was run
 * on is not one (EINVAL). */
int net_disconnect(const struct store *s, const char *id, const char *ref, int force);

/* "10.213.0.2" into buf[16]. */
void net_ntoa(uint32_t a, char *buf);
/* IPv4 address a's twin in b's IPv6 subnet (b->prefix6 set). */
void net_addr6(const struct bridge_conf *b, uint32_t a, uint8_t out[16]);

#endif
