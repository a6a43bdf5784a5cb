/* ipam.h - the bridge's addresses: one lease file per address in use,
 * ROOT/network/leases/A.B.C.D, changed only under the flock of
 * ROOT/network/lock (docs/network.md):
 *   id ID                      the container
 *   boot BOOT_ID               /proc/sys/kernel/random/boot_id then
 *   owner PID START            its monitor (pid, /proc start time)
 *   init PID START             its init, once cloned
 *   mac XX:XX:XX:XX:XX:XX
 *   net NAME                   its network, if not the default bridge
 *   name NAME                  the container's name, for the others'
 *   alias NAME...              /etc/hosts (user networks: netrec.h)
 *   addr6 IPV6                 with an IPv6 subnet: its address there
 *   dev ethN                   a network it was connected to (network
 *                              connect): its interface; none: eth0
 *   port IP HOSTPORT PORT tcp|udp   (one a published port)
 * A lease is live while its boot is this one and its monitor or its
 * init lives; any other is reclaimed by the next allocation, so a crash,
 * a killed monitor or a reboot leaks nothing for long.
 * Errors follow err.h.
 */
#ifndef BOXCAR_IPAM_H
#define BOXCAR_IPAM_H

#include <stdint.h>
#include <sys/types.h>

#include "container.h"
#include "portmap.h"

#define NET_NAME_MAX 64     /* a network's name (netrec.h) */
#define NET_ALIASES_MAX 255 /* --network-alias names, blank-separated */
#define NET_CONNECT_MAX 8   /* networks connected to one container: eth1..eth8 */

struct ipam_lease {
	char id[CONTAINER_ID_LEN + 1];
	char net[NET_NAME_MAX + 1];     /* "": the default bridge */
	char name[CONTAINER_NAME_MAX + 1];
	char aliases[NET_ALIASES_MAX + 1];
	uint32_t addr;
	uint8_t addr6[16];   /* all zero: none */
	uint8_t mac[6];
	int dev;             /* its interface: ethN; 0 the network it was run on */
	pid_t owner, init;
	uint64_t owner_start, init_start;
	struct portmap ports[PORTMAP_MAX];
	int nports;
};

/* flock ROOT/network/lock (made if missing): the fd, or -1. */
int ipam_lock(const char *root);
void ipam_unlock(int fd);

/* Under the lock. Call fn for every live lease (stale ones deleted on
 * the way, *stale_ports += the ports they had); fn returning non-zero
 * stops and is returned. */
int ipam_each(const char *root, int (*fn)(const struct ipam_lease *l, void *arg), void *arg,
	      int *stale_ports);
/* Write l (its file named by l->addr), this boot's. */
int ipam_write(const char *root, const struct ipam_lease *l);
/* Delete id's leases, live or stale (only: NULL, all; else those of
 * network only, "" the default bridge): 1 if one had published ports,
 * else 0. nets (NULL: not wanted) gets the user networks they were on,
 * *nnets how many (at most NET_CONNECT_MAX + 1). */
int ipam_release(const char *root, const char *id, const char *only,
		 char (*nets)[NET_NAME_MAX + 1], int *nnets);

/* "XX:XX:XX:XX:XX:XX" into m: 0, or -1. */
int ipam_mac_parse(const char *s, uint8_t m[6]);

/* The lines of a lease or a network record (netrec.h), one at a time:
 * the next of text's n bytes after *off into line[cap] (1), 0 at the
 * end, -1 for a line too long or with a NUL. */
int ipam_line(const char *text, size_t n, size_t *off, char *line, size_t cap);
/* The next blank-separated word of *p, cut in place; "" at the end. */
char *ipam_word(char **p);

/* Parse a lease file's text (n bytes). 0, or -1 if it is not one. */
int ipam_parse(const char *text, size_t n, struct ipam_lease *l, char boot[40]);

#endif
