/* portmap.h - published ports (-p, -P) and the NAT that carries them:
 * boxcar's own nftables table, `table ip boxcar` (and `table ip6 boxcar`
 * with an IPv6 subnet), written whole by `nft -f -` in one transaction (never a rule in another table: a
 * router's fw4 keeps its own), from the live leases (docs/network.md says
 * why nft and not netlink):
 *   postrouting  masquerade what leaves a subnet for elsewhere (not
 *                from an internal network), what the host sends from
 *                127.0.0.1 to a published port, and what a container
 *                sends to another's published port
 *   forward      with user networks: nothing between two networks'
 *                bridges but published ports (Docker's isolation), and
 *                nothing in or out of an internal network's
 *   prerouting,  for a local destination address: DNAT of each
 *   output       published [IP:]PORT/PROTO to ADDR:PORT
 *   guard        drop what comes from a bridge for 127.0.0.0/8: the
 *                bridges have route_localnet (for the host's 127.0.0.1 to
 *                reach published ports), which would otherwise let a
 *                container with NET_RAW reach the host's loopback-only
 *                services (CVE-2020-8558, kube-proxy's)
 * Errors follow err.h.
 */
#ifndef BOXCAR_PORTMAP_H
#define BOXCAR_PORTMAP_H

#include <stddef.h>
#include <stdint.h>

#define PORTMAP_MAX 32   /* published ports per container */
#define PORTMAP_TABLE "boxcar"

struct portmap {
	uint32_t host_ip;    /* network byte order; 0: every address */
	uint16_t host_port;  /* 0: any free one, chosen at start */
	uint16_t port;       /* the container's */
	int udp;             /* 0: tcp */
};

/* -p [IP:][HOSTPORT:]PORT[/tcp|/udp] (Docker's, without ranges); also an
 * image's ExposedPorts key, PORT[/PROTO]. 0, or -1 with EINVAL. */
int portmap_parse(const char *s, struct portmap *p);
/* A -p with port ranges, Docker's "[IP:][H1-H2:]C1-C2[/PROTO]" (as many
 * host ports as the container's, or none: each on a free one): the i-th
 * of its n ports as a plain spec into buf[64] ("IP:H1+i:C1+i/PROTO"),
 * and n (1 for a spec without a range), or -1 with EINVAL. The plain
 * specs are what portmap_parse takes. */
int portmap_range(const char *s, int i, char *buf);
/* "0.0.0.0:8080->80/tcp", Docker's way of showing one. */
void portmap_format(const struct portmap *p, char *buf, size_t n);
/* Bind the host port (choosing one if p->host_port is 0, then set):
 * the socket, held while the container runs, or -1 with EADDRINUSE
 * "port is already allocated" when something has it. */
int portmap_hold(struct portmap *p);

/* One published port of one container, for the table. */
struct portmap_rule {
	uint32_t addr;       /* the container's */
	uint8_t addr6[16];   /* and with an IPv6 subnet, its IPv6 one */
	struct portmap p;
};

/* One network's bridge, for the table. */
struct portmap_net {
	char bridge[16];     /* its interface */
	uint32_t net;        /* network byte order */
	int prefix;
	int internal;        /* no masquerade, nothing forwarded out or in */
	uint8_t net6[16];    /* its IPv6 subnet if prefix6 is not 0 */
	int prefix6;
};

/* Write the table for these networks with these rules, replacing the
 * one there, and the ip6 table for the networks with an IPv6 subnet; nft
 * missing or failing is an error that says so. A port published on
 * every address is published on IPv6 too. */
int portmap_nat_apply(const struct portmap_net *nets, int nnets, const struct portmap_rule *r,
		      int n);
/* Are boxcar's tables there (the ip6 one too if v6)? One netlink
 * request each, no nft run. */
int portmap_nat_present(int v6);

#endif
