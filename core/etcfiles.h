/* etcfiles.h - a container's /etc/hostname, /etc/hosts and
 * /etc/resolv.conf, as Docker makes them: files of the record, written
 * before each start and bound over the image's (docs/containers.md,
 * Name files).
 *
 *   hostname     the container's host name
 *   hosts        localhost (v4 and v6), the host name, --add-host; with
 *                --net host the host's /etc/hosts and --add-host
 *   resolv.conf  the host's, less its loopback nameservers where the
 *                container has a network of its own (they would be its
 *                own lo); --dns, --dns-search, --dns-option replace
 *                the host's nameservers, search domains and options
 * Errors follow err.h.
 */
#ifndef BOXCAR_ETCFILES_H
#define BOXCAR_ETCFILES_H

#include "container.h"

/* The names, each a file in the record dir and /etc/NAME inside. */
extern const char *const etcfiles_names[3];

/* Write DIR/hostname, DIR/hosts and DIR/resolv.conf for c; net (NULL:
 * none), its bridge lease: its address for the host name in hosts, and
 * the gateway as the nameserver when the host's are all loopback. */
struct net_lease;
int etcfiles_write(const char *dir, const struct container_spec *c,
		   const struct net_lease *net);

/* The hosts file of the record dir dir, rewritten in place (it is bound
 * on the container's /etc/hosts: a new file renamed over it would not be
 * seen there): dir/hosts.base, then n bytes of lines (for each user
 * network of the container "# network NET" and a line per member). Only regular files of dir, never through a link; a container
 * that holds its /etc/hosts open sees the new content; one that bound or
 * linked something else there is not followed. Under the network lock
 * (bridge.h): never a lock on the file itself, which the container can
 * hold. A dir without hosts.base (a container gone meanwhile) is no
 * error. */
int etcfiles_hosts_update(const char *dir, const char *lines, size_t n);

/* Is s an --add-host value, NAME:IP (IPv4 or IPv6)? */
int etcfiles_host_valid(const char *s);

#endif
