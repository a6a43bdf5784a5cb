/* bridge.c - a container on boxcar's bridge (see bridge.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "applet.h"
#include "bridge.h"
#include "err.h"
#include "etcfiles.h"
#include "fsutil.h"
#include "ipam.h"
#include "netlink.h"
#include "number.h"
#include "netrec.h"

void net_ntoa(uint32_t a, char *buf)
{
	inet_ntop(AF_INET, &a, buf, 16);
}

/* "ADDR/P" of family af: the address into a, P, or -1. */
static long addr_prefix(int af, const char *s, void *a)
{
	char ip[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	int64_t p;

	if (!slash || (size_t)(slash - s) >= sizeof(ip))
		return -1;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = 0;
	/* no prefix is past 128; the callers check their own range */
	if (number_int(slash + 1, 0, 128, NUMBER_STRTOL, &p))
		return -1;
	return inet_pton(af, ip, a) != 1 ? -1 : (long)p;
}

/* "A.B.C.D/P": the network, and the gateway (A.B.C.D when its host part
 * is not 0, else the first address). Prefixes /8 to /30. */
int bridge_subnet_parse(const char *s, struct bridge_conf *b)
{
	uint32_t a, mask;
	long p = addr_prefix(AF_INET, s, &a);

	if (p < 8 || p > 30)
		goto bad;
	mask = htonl(~0u << (32 - p));
	b->prefix = (int)p;
	b->net = a & mask;
	b->gw = (a & ~mask) ? a : (b->net | htonl(1));
	if ((b->gw | mask) == 0xffffffffu) /* the broadcast address */
		goto bad;
	return 0;
bad:
	return err_setn(EINVAL, "invalid subnet '%s': want A.B.C.D/PREFIX (8-30)", s);
}

void net_addr6(const struct bridge_conf *b, uint32_t a, uint8_t out[16])
{
	uint32_t h = ntohl(a) - ntohl(b->net);

	memcpy(out, b->net6, 16);
	for (int i = 15; h; i--, h >>= 8)
		out[i] |= (uint8_t)h;
}

int net_in6(const uint8_t net[16], int prefix, const uint8_t a[16])
{
	for (int i = 0; i < 16 && i * 8 < prefix; i++) {
		uint8_t m = (uint8_t)(i * 8 + 8 <= prefix ? 0xff : 0xff << (8 - prefix % 8));

		if ((a[i] & m) != (net[i] & m))
			return 0;
	}
	return 1;
}

/* "X:X::/P": the network; the host bits must hold every IPv4 host
 * number (net_addr6), so P is at most 128 - (32 - the IPv4 prefix). */
int bridge_subnet6_parse(const char *s, struct bridge_conf *b)
{
	long p = addr_prefix(AF_INET6, s, b->net6);

	if (p < 16 || p > 96 + b->prefix)
		goto bad;
	b->prefix6 = (int)p;
	for (int i = 0; i < 16; i++) /* the host bits off */
		b->net6[i] &= (uint8_t)(i * 8 >= p ? 0 : i * 8 + 8 <= p ? 0xff : 0xff << (8 - p % 8));
	net_addr6(b, b->gw, b->gw6);
	return 0;
bad:
	return err_setn(EINVAL, "invalid subnet6 '%s': want X:X::/PREFIX (16-%d)", s, 96 + b->prefix);
}

/* KEY=VALUE's value in config text (cut in place), or NULL. */
static const char *conf_value(char *data, const char *key)
{
	size_t k = strlen(key);

	for (char *v = data; v && *v; v = strchr(v, '\n') ? strchr(v, '\n') + 1 : NULL)
		if (!strncmp(v, key, k) && v[k] == '=') {
			v[k + 1 + strcspn(v + k + 1, " \t\r\n")] = 0;
			return v + k + 1;
		}
	return NULL;
}

int bridge_conf_get(const char *root, struct bridge_conf *b)
{
	char path[PATH_MAX], *data = NULL, *copy = NULL;
	const char *subnet = CONFIG_NETWORK_SUBNET, *subnet6 = CONFIG_NETWORK_SUBNET6, *v;
	const char *env = getenv("BOXCAR_SUBNET"), *env6 = getenv("BOXCAR_SUBNET6");
	size_t n;
	int rc;

	memset(b, 0, sizeof(*b));
	strcpy(b->name, NET_BRIDGE_NAME);
	/* ROOT/network/config: "subnet=A.B.C.D/P", "subnet6=X:X::/P" */
	if (snprintf(path, sizeof(path), "%s/network/config", root) < (int)sizeof(path)
	    && !read_file(path, 4096, &data, &n)) {
		data[n] = 0;
		if (!(copy = strdup(data))) {
			free(data);
			return err_setn(ENOMEM, "%s", path);
		}
		if ((v = conf_value(data, "subnet")))
			subnet = v;
		if ((v = conf_value(copy, "subnet6")))
			subnet6 = v;
	}
	if (env && *env)
		subnet = env;
	if (env6)
		subnet6 = env6; /* set and empty: none */
	rc = bridge_subnet_parse(subnet, b);
	if (!rc && *subnet6)
		rc = bridge_subnet6_parse(subnet6, b);
	free(data);
	free(copy);
	return rc;
}

/* /proc/sys/... = on (0 or 1). A write that took may return less than
 * it wrote: Linux 6.1.176 (Debian's 6.1.0-50, the mipsel guest's) returns
 * 1 for "1\n" to net/ipv6/conf/all/forwarding, its handler's 1 passed up
 * as the count. So a short count is checked by reading the value back. */
static int sysctl_set(const char *path, int on)
{
	const char *v = on ? "1\n" : "0\n";
	char got = 0;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	ssize_t n = fd >= 0 ? write(fd, v, 2) : -1;
	int ok = n == 2 || (n == 1 && pread(fd, &got, 1, 0) == 1 && got == v[0]);

	if (!ok && n >= 0)
		errno = EIO; /* the calls did not fail: no stale errno in the message */
	if (fd >= 0)
		close(fd);
	return ok ? 0 : err_set("cannot set %s", path);
}

/* IPv6 is not configured on the bridge, but the kernel gives boxcar0 and
 * every eth0 a link-local address, and takes router advertisements on
 * them: root in a container (NET_RAW) could send one and become the
 * default IPv6 router, with an address prefix, of the host and of the
 * other containers (CVE-2020-13401). accept_ra off; a kernel without
 * IPv6 has no file, and nothing to turn off. */
static int ra_off(const char *ifname)
{
	char path[80];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_ra", ifname);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : err_set("cannot set %s", path);
	n = write(fd, "0\n", 2);
	close(fd);
	return n == 2 ? 0 : err_set("cannot set %s", path);
}

/* ra_off for the container's interfaces: "default" in its network
 * namespace (/proc/sys/net is the opener's), before its eth0 is born
 * there with the default's settings, so that no advertisement is taken
 * in between. */
static int ra_off_in(int nsfd)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), rc;

	if (self < 0)
		return err_set("/proc/self/ns/net");
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		close(self);
		return err_set("cannot enter the container's network namespace");
	}
	rc = ra_off("default");
	if (setns(self, CLONE_NEWNET) < 0) /* as nl_socket_in: no way to go on */
		_exit(EXIT_RUNTIME);
	close(self);
	return rc;
}

/* The bridge with its gateway address(es), up; forwarding on. Its MTU,
 * or 0. */
int bridge_up(const struct bridge_conf *b, unsigned *mtu)
{
	struct ifreq ifr = { 0 };
	int nl, idx, s, rc;

	if ((nl = nl_open()) < 0)
		return -1;
	if (nl_bridge_add(nl, b->name) && err_errno() != EEXIST) {
		close(nl);
		if (err_errno() == EOPNOTSUPP || err_errno() == EINVAL)
			return err_setn(err_errno(), "cannot make bridge %s: does the kernel have "
					"CONFIG_BRIDGE?", b->name);
		return err_prefix("cannot make the bridge");
	}
	idx = (int)if_nametoindex(b->name);
	rc = !idx ? err_set("bridge %s", b->name) : 0;
	if (!rc && nl_addr_add(nl, idx, b->gw, b->prefix) && err_errno() != EEXIST)
		rc = err_prefix(b->name);
	if (!rc)
		rc = ra_off(b->name);
	if (!rc && b->prefix6 && nl_addr6_add(nl, idx, b->gw6, b->prefix6) && err_errno() != EEXIST)
		rc = err_prefix("the bridge's IPv6 address (does the kernel have IPv6?)");
	if (!rc)
		rc = nl_link_set(nl, idx, 1, 0, 0);
	close(nl);
	if (rc)
		return -1;
	/* IPv6 forwarding on makes the kernel ignore router advertisements
	 * on interfaces with accept_ra 1 (docs/network.md) */
	if (sysctl_set("/proc/sys/net/ipv4/ip_forward", 1)
	    || (b->prefix6 && sysctl_set("/proc/sys/net/ipv6/conf/all/forwarding", 1)))
		return -1;
	*mtu = 0;
	strcpy(ifr.ifr_name, b->name);
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0) {
		if (ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
			*mtu = (unsigned)ifr.ifr_mtu;
		close(s);
	}
	return 0;
}

/* 127.0.0.1 routable to the bridge (so that the host's 127.0.0.1:PORT
 * reaches a published port through DNAT, as Docker without its proxy),
 * but only while the NAT table and its guard are there: without the
 * guard a container with NET_RAW would reach the host's loopback-only
 * services (CVE-2020-8558). */
static int localnet(const struct bridge_conf *b, int on)
{
	char path[96];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/route_localnet", b->name);
	return sysctl_set(path, on);
}

/* ---- leases -------------------------------------------------------------- */

#define RULES_MAX 1024
#define NETS_MAX 257 /* the default bridge and as many as the pool has (netrec.h) */

struct scan {
	const char *id;
	const struct net_lease *me;
	uint8_t used[8192];        /* a bit per address of a /16 (at most) */
	uint8_t used6[8192];       /* host numbers whose IPv6 twin (net_addr6)
				    * another has: an --ip6, the gateway */
	uint32_t mine;             /* our previous address, if any */
	uint8_t want6[16];         /* --ip6, if given */
	int have6, clash6;         /* given; another lease has it */
	struct portmap_rule rules[RULES_MAX];
	int nrules;
	int clash;                 /* a host port another container has */
	char clash_what[48];
};

static uint32_t host_part(const struct bridge_conf *b, uint32_t a)
{
	return ntohl(a) - ntohl(b->net);
}

static int same_port(const struct portmap *a, const struct portmap *b)
{
	return a->udp == b->udp && a->host_port == b->host_port
		&& (!a->host_ip || !b->host_ip || a->host_ip == b->host_ip);
}

/* The host number whose IPv6 twin a is in b's subnet6, or 65536 and
 * over when a is not one. */
static uint32_t host6_part(const struct bridge_conf *b, const uint8_t a[16])
{
	uint32_t x = 0, y = 0;

	if (!b->prefix6 || memcmp(a, b->net6, 12))
		return 65536;
	for (int i = 12; i < 16; i++)
		x = x << 8 | a[i], y = y << 8 | b->net6[i];
	return x - y;
}

static void mark(uint8_t *bits, uint32_t h)
{
	if (h < 65536)
		bits[h / 8] |= (uint8_t)(1u << (h % 8));
}

static int scan_one(const struct ipam_lease *l, void *arg)
{
	struct scan *sc = arg;
	uint32_t h = host_part(&sc->me->br, l->addr);

	if (!strcmp(l->id, sc->id) && !strcmp(l->net, sc->me->lease.net)) {
		sc->mine = l->addr; /* ours, from an earlier start: reused */
		return 0;
	}
	mark(sc->used, h);
	if (!strcmp(l->net, sc->me->lease.net) && host6_part(&sc->me->br, l->addr6) != h)
		mark(sc->used6, host6_part(&sc->me->br, l->addr6));
	if (sc->have6 && !memcmp(l->addr6, sc->want6, 16))
		sc->clash6 = 1;
	for (int i = 0; i < l->nports && sc->nrules < RULES_MAX; i++) {
		for (int j = 0; j < sc->me->nports; j++)
			if (same_port(&l->ports[i], &sc->me->ports[j]) && !sc->clash) {
				sc->clash = 1;
				portmap_format(&sc->me->ports[j], sc->clash_what,
					       sizeof(sc->clash_what));
			}
		sc->rules[sc->nrules].addr = l->addr;
		memcpy(sc->rules[sc->nrules].addr6, l->addr6, 16);
		sc->rules[sc->nrules++].p = l->ports[i];
	}
	return 0;
}

#define TAKEN(bits, h) ((bits)[(h) / 8] & (1u << ((h) % 8)))

/* The address: ip (--ip) if given and free, else the one we had, else
 * the lowest free one after the gateway (Docker's order); with an IPv6
 * subnet and no --ip6, one whose IPv6 twin is free too. */
static int pick(const char *ip, int own6, const struct bridge_conf *b, struct scan *sc,
		uint32_t *out)
{
	uint32_t size = 1u << (32 - b->prefix), mask = htonl(~0u << (32 - b->prefix)), h;
	int twin = b->prefix6 && !own6;

	if (size > 65536)
		size = 65536;
	if (twin)
		mark(sc->used6, host6_part(b, b->gw6));
	if (ip) {
		uint32_t a;

		if (inet_pton(AF_INET, ip, &a) != 1 || (a & mask) != b->net)
			return err_setn(EINVAL, "--ip %s: not an address of subnet %s/%d", ip,
					inet_ntoa((struct in_addr){ b->net }), b->prefix);
		h = host_part(b, a);
		if (!h || h == size - 1 || a == b->gw)
			return err_setn(EINVAL, "--ip %s: reserved in its subnet", ip);
		if (TAKEN(sc->used, h) || (twin && TAKEN(sc->used6, h)))
			return err_setn(EADDRINUSE, "--ip %s: address already in use", ip);
		*out = a;
		return 0;
	}
	if (sc->mine) {
		*out = sc->mine;
		return 0;
	}
	for (h = 1; h < size - 1; h++)
		if (!TAKEN(sc->used, h) && !(twin && TAKEN(sc->used6, h))
		    && htonl(ntohl(b->net) + h) != b->gw) {
			*out = htonl(ntohl(b->net) + h);
			return 0;
		}
	return err_setn(ENOSPC, "no free address left in %s/%d", inet_ntoa((struct in_addr){ b->net }),
			b->prefix);
}

/* The IPv6 address: --ip6 (sc->want6) if given, in the subnet and
 * free, else the twin of the IPv4 one. */
static int pick6(const char *ip6, const char *net, const struct bridge_conf *b,
		 const struct scan *sc, uint32_t addr, uint8_t out[16])
{
	char a[INET6_ADDRSTRLEN];

	if (!ip6) {
		if (b->prefix6)
			net_addr6(b, addr, out);
		return 0;
	}
	if (!b->prefix6)
		return err_setn(EINVAL, "--ip6 %s: network %s has no IPv6 subnet", ip6,
				*net ? net : "bridge");
	if (!net_in6(b->net6, b->prefix6, sc->want6)) {
		inet_ntop(AF_INET6, b->net6, a, sizeof(a));
		return err_setn(EINVAL, "--ip6 %s: not an address of subnet %s/%d", ip6, a,
				b->prefix6);
	}
	if (!memcmp(sc->want6, b->net6, 16) || !memcmp(sc->want6, b->gw6, 16))
		return err_setn(EINVAL, "--ip6 %s: reserved in its subnet", ip6);
	if (sc->clash6)
		return err_setn(EADDRINUSE, "--ip6 %s: address already in use", ip6);
	memcpy(out, sc->want6, 16);
	return 0;
}

static int parse_mac(const char *s, uint8_t m[6])
{
	if (ipam_mac_parse(s, m) || (m[0] & 1))
		return err_setn(EINVAL, "invalid --mac-address %s", s);
	return 0;
}

/* Every network with a bridge, for the table. */
struct nat_nets {
	struct portmap_net v[NETS_MAX];
	int n;
};

static int nat_net(const struct netrec *r, void *arg)
{
	struct nat_nets *nn = arg;
	struct portmap_net *p;

	if (!r->br.prefix)
		return 0;
	if (nn->n == NETS_MAX) /* never a network left out: its isolation with it */
		return err_setn(E2BIG, "more than %d networks", NETS_MAX);
	p = &nn->v[nn->n];
	strcpy(p->bridge, r->br.name);
	p->net = r->br.net;
	p->prefix = r->br.prefix;
	p->internal = r->internal;
	memcpy(p->net6, r->br.net6, 16);
	p->prefix6 = r->br.prefix6;
	nn->n++;
	return 0;
}

/* The whole table again: every network's rules and sc's ports. */
static int nat_apply(const char *root, const struct scan *sc)
{
	struct nat_nets *nn = calloc(1, sizeof(*nn));
	int rc;

	if (!nn)
		return err_setn(ENOMEM, "network");
	rc = netrec_each(root, nat_net, nn) ? -1
		: portmap_nat_apply(nn->v, nn->n, sc->rules, sc->nrules);
	free(nn);
	return rc;
}

/* The whole table again from the live leases (scanned into sc) and ours. */
static int nat_write(struct net_lease *l, struct scan *sc)
{
	for (int i = 0; i < l->nports && sc->nrules < RULES_MAX; i++) {
		sc->rules[sc->nrules].addr = l->addr;
		memcpy(sc->rules[sc->nrules].addr6, l->lease.addr6, 16);
		sc->rules[sc->nrules++].p = l->ports[i];
	}
	return nat_apply(l->root, sc);
}

static void close_holds(struct net_lease *l)
{
	for (int i = 0; i < l->nports; i++)
		if (l->hold[i] >= 0) {
			close(l->hold[i]);
			l->hold[i] = -1;
		}
}

/* --network container:NAME: its netns, opened now (the init enters it). */
static int join_container(const struct store *s, const struct container_spec *c,
			  struct net_lease *l)
{
	char id[CONTAINER_ID_LEN + 1], path[64];
	struct container_state st;

	if (container_resolve(s, c->net_container, id) || container_state_load(s, id, &st))
		return err_prefix("--network container");
	if (st.status != ST_RUNNING || st.pid <= 0)
		return err_setn(ESRCH, "--network container:%s: the container is not running",
				c->net_container);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)st.pid);
	if ((l->nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set("--network container:%s", c->net_container);
	if (!proc_alive(st.pid, st.pid_start)) { /* the pid changed hands meanwhile */
		close(l->nsfd);
		l->nsfd = -1;
		return err_setn(ESRCH, "--network container:%s: the container is not running",
				c->net_container);
	}
	return 0;
}

/* The container's network, under the lock (a network rm waits): the
 * default bridge, or the user network c names. */
static int net_conf(const struct store *s, const struct container_spec *c, struct net_lease *l)
{
	struct netrec r;
	size_t k = 0;

	strcpy(l->lease.name, c->name); /* for inspect and the others' hosts */
	if (!c->network)
		return bridge_conf_get(s->root, &l->br);
	if (netrec_find(s->root, c->network, &r))
		return -1;
	if (!r.br.prefix)
		return err_setn(EINVAL, "network %s is not a bridge network", r.name);
	if (r.internal && l->nports)
		return err_setn(EINVAL, "network %s is internal: no port can be published", r.name);
	l->br = r.br;
	l->internal = r.internal;
	if (!r.builtin) {
		l->user = 1;
		strcpy(l->lease.net, r.name);
		for (int i = 0; c->net_aliases && c->net_aliases[i]; i++)
			if (k + 1 + strlen(c->net_aliases[i]) <= NET_ALIASES_MAX)
				k += (size_t)sprintf(l->lease.aliases + k, "%s%s", k ? " " : "",
						     c->net_aliases[i]);
	}
	return 0;
}

int net_setup(const struct store *s, const struct container_spec *c, struct net_lease *l)
{
	struct ipam_lease *il = &l->lease;
	struct scan *sc;
	int lock, stale = 0, nat, rc = -1;

	memset(l, 0, sizeof(*l));
	l->nsfd = -1;
	l->root = s->root;
	for (int i = 0; i < PORTMAP_MAX; i++)
		l->hold[i] = -1;
	if (c->net == NET_CONTAINER)
		return join_container(s, c, l);
	if (!ENABLED(FEATURE_BRIDGE) || c->net != NET_BRIDGE)
		return 0;
	for (int i = 0; c->ports && c->ports[i]; i++) {
		if (l->nports == PORTMAP_MAX)
			return err_setn(E2BIG, "more than %d published ports", PORTMAP_MAX);
		if (portmap_parse(c->ports[i], &l->ports[l->nports]))
			return -1;
		l->nports++;
	}
	if (c->mac && parse_mac(c->mac, l->mac))
		return -1;
	if (!(sc = calloc(1, sizeof(*sc))))
		return err_setn(ENOMEM, "network");
	sc->id = c->id;
	sc->me = l;
	if (c->ip6 && !(sc->have6 = inet_pton(AF_INET6, c->ip6, sc->want6) == 1)) {
		free(sc);
		return err_setn(EINVAL, "invalid --ip6 %s: not an IPv6 address", c->ip6);
	}
	if ((lock = ipam_lock(s->root)) < 0) {
		free(sc);
		return -1;
	}
	if (net_conf(s, c, l))
		goto out;
	/* the host ports: ours while the container runs, or taken */
	for (int i = 0; i < l->nports; i++)
		if ((l->hold[i] = portmap_hold(&l->ports[i])) < 0)
			goto out;
	if (ipam_each(s->root, scan_one, sc, &stale))
		goto out;
	if (sc->clash) {
		err_setn(0, "cannot publish %s: port is already allocated", sc->clash_what);
		goto out;
	}
	if (pick(c->ip, c->ip6 != NULL, &l->br, sc, &l->addr)
	    || pick6(c->ip6, il->net, &l->br, sc, l->addr, il->addr6))
		goto out;
	if (!c->mac) { /* Docker's: 02:42 and the address */
		l->mac[0] = 0x02;
		l->mac[1] = 0x42;
		memcpy(l->mac + 2, &l->addr, 4);
	}
	memcpy(il->id, c->id, sizeof(il->id));
	il->addr = l->addr;
	memcpy(il->mac, l->mac, 6);
	il->owner = getpid();
	il->owner_start = proc_start_time(il->owner);
	memcpy(il->ports, l->ports, sizeof(il->ports));
	il->nports = l->nports;
	if (ipam_write(s->root, il))
		goto out;
	l->active = 1;
	if (bridge_up(&l->br, &l->mtu))
		goto fail;
	nat = 1;
	if ((l->nports || stale || !portmap_nat_present(l->br.prefix6)) && nat_write(l, sc)) {
		/* Published ports need the table. Without them the container
		 * still gets its address, the host and its neighbours, only
		 * not the world beyond the host: it runs, and run says so. */
		if (l->nports)
			goto fail;
		snprintf(l->warning, sizeof(l->warning), "the container has no outbound NAT: %s",
			 err_msg());
		nat = portmap_nat_present(0); /* an older table, its guard with it */
	}
	if (localnet(&l->br, nat))
		goto fail;
	rc = 0;
	goto out;
fail:
	ipam_release(s->root, c->id, il->net, NULL, NULL);
	l->active = 0;
out:
	if (rc)
		close_holds(l);
	ipam_unlock(lock);
	free(sc);
	return rc;
}

/* ---- names: /etc/hosts on a user network ------------------------------------ */

struct leases {
	struct ipam_lease *v;
	int n, max;
};

static int add_lease(const struct ipam_lease *l, void *arg)
{
	struct leases *a = arg;

	if (a->n == a->max) {
		int max = a->max * 2 + 16;
		void *v = realloc(a->v, (size_t)max * sizeof(*a->v));

		if (!v)
			return err_setn(ENOMEM, "network");
		a->v = v;
		a->max = max;
	}
	a->v[a->n++] = *l;
	return 0;
}

static void peer_line(FILE *f, const struct ipam_lease *l)
{
	char a[INET6_ADDRSTRLEN];

	net_ntoa(l->addr, a);
	fprintf(f, "%s\t%s%s%s\n", a, l->name, *l->aliases ? " " : "", l->aliases);
	if (memcmp(l->addr6, (uint8_t[16]){ 0 }, 16)) {
		inet_ntop(AF_INET6, l->addr6, a, sizeof(a));
		fprintf(f, "%s\t%s%s%s\n", a, l->name, *l->aliases ? " " : "", l->aliases);
	}
}

/* What follows container id's hosts.base: for each user network it is
 * on (eth0's first, then eth1...), "# network NET" and a line for each
 * running container of it, itself included. */
static void hosts_text(const struct leases *a, const char *id, FILE *f)
{
	for (int dev = 0; dev <= NET_CONNECT_MAX; dev++)
		for (int i = 0; i < a->n; i++) {
			const struct ipam_lease *me = &a->v[i];

			if (me->dev != dev || strcmp(me->id, id) || !*me->net)
				continue;
			fprintf(f, "# network %s\n", me->net);
			for (int j = 0; j < a->n; j++)
				if (!strcmp(a->v[j].net, me->net) && *a->v[j].name)
					peer_line(f, &a->v[j]);
		}
}

/* Under the lock: the /etc/hosts of every running container of user
 * network net (and of container also, if not NULL), written again in
 * place (etcfiles.h) with a line for each container of each of its
 * networks. A failure is reported, not returned: the container that
 * joins or leaves is not at fault. */
static void hosts_sync(const char *root, const char *net, const char *also)
{
	struct leases a = { NULL, 0, 0 };
	struct store st = { .lockfd = -1 };
	char dir[PATH_MAX], *text;
	size_t len;
	int stale = 0;

	if (strlen(root) >= sizeof(st.root))
		return;
	strcpy(st.root, root);
	if (ipam_each(root, add_lease, &a, &stale))
		warn("%s", err_msg());
	for (int i = 0; i < a.n; i++) {
		const char *id = a.v[i].id;
		int done = 0;
		FILE *f;

		if ((strcmp(a.v[i].net, net) || !*net) && (!also || strcmp(id, also)))
			continue;
		for (int j = 0; j < i && !done; j++) /* once a container */
			done = !strcmp(a.v[j].id, id) && ((!strcmp(a.v[j].net, net) && *net)
							   || (also && !strcmp(id, also)));
		if (done)
			continue;
		text = NULL;
		len = 0;
		if (!(f = open_memstream(&text, &len))) {
			warn("network %s", net);
			break;
		}
		hosts_text(&a, id, f);
		if (fclose(f) || container_dir(&st, id, dir)
		    || etcfiles_hosts_update(dir, text ? text : "", text ? len : 0))
			warn("%s", err_msg());
		free(text);
	}
	free(a.v);
}

/* ---- the interfaces ------------------------------------------------------- */

/* The veth pair host (on l's bridge) and peer (born in the netns nsfd):
 * inside its address(es), up, and with route its default route(s). */
static int veth_in(const struct net_lease *l, int nsfd, const char *host, const char *peer,
		   int route)
{
	struct ifreq ifr = { 0 };
	int nl, cnl = -1, sock = -1, idx, br, rc = -1;

	if ((nl = nl_open()) < 0)
		return -1;
	/* one left by an init whose netns the kernel has yet to clean up */
	if ((idx = (int)if_nametoindex(host)))
		nl_link_del(nl, idx);
	if (nl_veth_add(nl, host, peer, nsfd, l->mtu, l->mac)) {
		err_prefix("cannot make the container's veth pair");
		goto out;
	}
	if (!(idx = (int)if_nametoindex(host)) || !(br = (int)if_nametoindex(l->br.name))) {
		err_set("%s", host);
		goto out;
	}
	if (nl_link_set(nl, idx, 1, br, 0))
		goto out;
	/* inside: the address, up, the default route */
	if ((cnl = nl_socket_in(nsfd, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)) < 0
	    || (sock = nl_socket_in(nsfd, AF_INET, SOCK_DGRAM, 0)) < 0)
		goto out;
	strcpy(ifr.ifr_name, peer);
	if (ioctl(sock, SIOCGIFINDEX, &ifr) < 0) {
		err_set("%s", peer);
		goto out;
	}
	if (nl_addr_add(cnl, ifr.ifr_ifindex, l->addr, l->br.prefix)
	    || (l->br.prefix6 && nl_addr6_add(cnl, ifr.ifr_ifindex, l->lease.addr6, l->br.prefix6))
	    || nl_link_set(cnl, ifr.ifr_ifindex, 1, 0, 0)
	    || (route && nl_route_default(cnl, ifr.ifr_ifindex, l->br.gw))
	    || (route && l->br.prefix6 && nl_route6_default(cnl, ifr.ifr_ifindex, l->br.gw6)))
		goto out;
	rc = 0;
out:
	if (sock >= 0)
		close(sock);
	if (cnl >= 0)
		close(cnl);
	close(nl);
	return rc;
}

/* The host's end of a container's interface ethN: bx and 11 digits of
 * its ID for eth0, bx, 10 digits, - and N for the others. */
static void veth_name(const char *id, int dev, char host[IFNAMSIZ])
{
	if (dev)
		snprintf(host, IFNAMSIZ, "bx%.10s-%d", id, dev);
	else
		snprintf(host, IFNAMSIZ, "bx%.11s", id);
}

static int attach_connected(struct net_lease *l, int nsfd);

int net_attach(struct net_lease *l, pid_t pid)
{
	char host[IFNAMSIZ], path[64];
	int nsfd, lock, rc = -1;

	if (!ENABLED(FEATURE_BRIDGE) || !l || !l->active)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if ((nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set("%s", path);
	veth_name(l->lease.id, 0, host);
	if (ra_off_in(nsfd) || veth_in(l, nsfd, host, "eth0", 1))
		goto out;
	/* the lease lives as long as the init too, should the monitor die */
	l->lease.init = pid;
	l->lease.init_start = proc_start_time(pid);
	if ((lock = ipam_lock(l->root)) < 0)
		goto out;
	rc = ipam_write(l->root, &l->lease);
	if (!rc && l->user)
		hosts_sync(l->root, l->lease.net, NULL);
	ipam_unlock(lock);
	if (!rc && ENABLED(APPLET_NETWORK))
		rc = attach_connected(l, nsfd);
out:
	if (rc)
		err_prefix("network");
	close(nsfd);
	return rc;
}

/* The table without id's ports: every live lease's but its. */
static int scan_others(const struct ipam_lease *l, void *arg)
{
	struct scan *sc = arg;

	if (strcmp(l->id, sc->id))
		for (int i = 0; i < l->nports && sc->nrules < RULES_MAX; i++) {
			sc->rules[sc->nrules].addr = l->addr;
			memcpy(sc->rules[sc->nrules].addr6, l->addr6, 16);
			sc->rules[sc->nrules++].p = l->ports[i];
		}
	return 0;
}

int net_nat_rewrite(const char *root, const char *skip_id)
{
	struct scan *sc = calloc(1, sizeof(*sc));
	int stale = 0, rc;

	if (!sc)
		return err_setn(ENOMEM, "network");
	sc->id = skip_id ? skip_id : "";
	rc = ipam_each(root, scan_others, sc, &stale) ? -1 : nat_apply(root, sc);
	free(sc);
	return rc;
}

void net_release(const struct store *s, const char *id, struct net_lease *l)
{
	char msg[256], nets[NET_CONNECT_MAX + 1][NET_NAME_MAX + 1];
	struct scan *sc;
	int lock, had, stale = 0, nnets, e = err_errno();

	if (l && !l->root)
		return; /* never set up */
	if (l) {
		close_holds(l);
		if (l->nsfd >= 0)
			close(l->nsfd);
		l->nsfd = -1;
		if (!l->active)
			return;
		l->active = 0;
	}
	if (!ENABLED(FEATURE_BRIDGE))
		return;
	snprintf(msg, sizeof(msg), "%s", err_msg());
	if ((lock = ipam_lock(s->root)) < 0) {
		warn("%s", err_msg());
		goto out;
	}
	had = ipam_release(s->root, id, NULL, nets, &nnets);
	if ((sc = calloc(1, sizeof(*sc)))) {
		sc->id = id;
		ipam_each(s->root, scan_others, sc, &stale);
		if ((had > 0 || stale) && nat_apply(s->root, sc))
			warn("%s", err_msg());
		free(sc);
	}
	for (int i = 0; i < nnets; i++)
		hosts_sync(s->root, nets[i], NULL);
	ipam_unlock(lock);
out:
	err_setn(e, "%s", msg);
}

struct find {
	const char *id;
	const char *net;     /* NULL: the lease of eth0 */
	struct ipam_lease *out;
	int devs;            /* a bit per ethN the container has */
};

static int find_one(const struct ipam_lease *l, void *arg)
{
	struct find *f = arg;

	if (strcmp(l->id, f->id))
		return 0;
	f->devs |= 1 << l->dev;
	if (f->net ? strcmp(l->net, f->net) : l->dev != 0)
		return 0;
	*f->out = *l;
	return 1;
}

int net_lease_get(const char *root, const char *id, const char *net, struct ipam_lease *out)
{
	struct find f = { id, net, out, 0 };
	int lock, rc, stale = 0;

	if (!ENABLED(FEATURE_BRIDGE))
		return 0;
	if ((lock = ipam_lock(root)) < 0)
		return -1;
	rc = ipam_each(root, find_one, &f, &stale);
	ipam_unlock(lock);
	return rc;
}

/* ---- network connect, disconnect ---------------------------------------------- */

/* Connect the container of own (its eth0's lease: its ID, name, monitor
 * and init) to the network of entry ("NAME [ip=A] [ip6=A] [alias=N]...",
 * container_spec.connected) as its interface ethN, dev N, in its netns
 * nsfd: a lease, the network's bridge (made again if gone), the veth
 * pair, the address(es), the network's names. The lease goes again if
 * the rest fails. */
static int connect_one(const char *root, const struct ipam_lease *own, const char *entry,
		       int dev, int nsfd)
{
	struct net_lease *l = calloc(1, sizeof(*l));
	struct scan *sc = calloc(1, sizeof(*sc));
	struct ipam_lease *il;
	struct netrec r;
	char words[512], *p = words, *w, *ip = NULL, *ip6 = NULL, host[IFNAMSIZ], peer[8];
	int lock = -1, stale = 0, rc = -1, leased = 0;
	size_t k = 0;

	if (!l || !sc || strlen(entry) >= sizeof(words)) {
		err_setn(ENOMEM, "network");
		goto out;
	}
	il = &l->lease;
	strcpy(words, entry);
	w = ipam_word(&p);
	if ((lock = ipam_lock(root)) < 0 || netrec_find(root, w, &r))
		goto out;
	if (!r.br.prefix) {
		err_setn(EINVAL, "network %s is not a bridge network", r.name);
		goto out;
	}
	while (*(w = ipam_word(&p))) {
		if (!strncmp(w, "ip=", 3))
			ip = w + 3;
		else if (!strncmp(w, "ip6=", 4))
			ip6 = w + 4;
		else if (!strncmp(w, "alias=", 6) && k + 1 + strlen(w + 6) <= NET_ALIASES_MAX)
			k += (size_t)sprintf(il->aliases + k, "%s%s", k ? " " : "", w + 6);
	}
	l->root = root;
	l->br = r.br;
	l->user = !r.builtin;
	strcpy(il->net, r.builtin ? "" : r.name);
	strcpy(il->id, own->id);
	strcpy(il->name, own->name);
	il->dev = dev;
	sc->id = own->id;
	sc->me = l;
	if (ip6 && !(sc->have6 = inet_pton(AF_INET6, ip6, sc->want6) == 1)) {
		err_setn(EINVAL, "invalid --ip6 %s: not an IPv6 address", ip6);
		goto out;
	}
	if (ipam_each(root, scan_one, sc, &stale) || pick(ip, ip6 != NULL, &l->br, sc, &l->addr)
	    || pick6(ip6, il->net, &l->br, sc, l->addr, il->addr6))
		goto out;
	l->mac[0] = 0x02;
	l->mac[1] = 0x42;
	memcpy(l->mac + 2, &l->addr, 4);
	memcpy(il->mac, l->mac, 6);
	il->addr = l->addr;
	il->owner = own->owner;
	il->owner_start = own->owner_start;
	il->init = own->init;
	il->init_start = own->init_start;
	if (ipam_write(root, il))
		goto out;
	leased = 1;
	if (bridge_up(&l->br, &l->mtu))
		goto out;
	/* no ports of its own: the table only if it is not there (a reboot) */
	if ((stale || !portmap_nat_present(l->br.prefix6)) && nat_apply(root, sc))
		warn("%s", err_msg());
	ipam_unlock(lock);
	lock = -1;
	veth_name(own->id, dev, host);
	snprintf(peer, sizeof(peer), "eth%d", dev);
	if (veth_in(l, nsfd, host, peer, 0))
		goto out;
	if ((lock = ipam_lock(root)) < 0)
		goto out;
	if (l->user)
		hosts_sync(root, il->net, NULL);
	rc = 0;
out:
	if (rc && leased) {
		char msg[256];
		int e = err_errno();

		snprintf(msg, sizeof(msg), "%s", err_msg());
		if (lock < 0)
			lock = ipam_lock(root);
		ipam_release(root, own->id, il->net, NULL, NULL);
		err_setn(e, "%s", msg);
	}
	ipam_unlock(lock);
	free(sc);
	free(l);
	return rc;
}

/* After eth0, at each start: eth1... for the networks of the container's
 * record (network connect), read again from it (a connect while it ran
 * is in the record, not in the monitor's spec). */
static int attach_connected(struct net_lease *l, int nsfd)
{
	struct store st = { .lockfd = -1 };
	struct container_spec c;
	int rc = 0;

	if (strlen(l->root) >= sizeof(st.root))
		return err_setn(ENAMETOOLONG, "%s", l->root);
	strcpy(st.root, l->root);
	if (container_spec_load(&st, l->lease.id, &c))
		return -1;
	for (int i = 0; !rc && c.connected && c.connected[i] && i < NET_CONNECT_MAX; i++)
		rc = connect_one(l->root, &l->lease, c.connected[i], i + 1, nsfd);
	container_spec_free(&c);
	return rc;
}

/* The network's name as records have it ("bridge" for the default),
 * whether it is the container's by run or by connect (*at: its index in
 * c->connected, -1 for run's, -2 for none). */
static int net_which(const struct store *s, const struct container_spec *c, const char *ref,
		     char name[NET_NAME_MAX + 1], int *at)
{
	struct netrec r;
	size_t n;

	if (netrec_find(s->root, ref, &r))
		return -1;
	strcpy(name, r.name);
	n = strlen(name);
	*at = -2;
	if (c->net == NET_BRIDGE && !strcmp(name, c->network ? c->network : "bridge"))
		*at = -1;
	for (int i = 0; c->connected && c->connected[i] && *at == -2; i++)
		if (!strncmp(c->connected[i], name, n) && (!c->connected[i][n]
							   || c->connected[i][n] == ' '))
			*at = i;
	return 0;
}

int net_connect(const struct store *s, const char *id, const char *ref, const char *ip,
		const char *ip6, char **aliases)
{
	struct container_spec c;
	struct container_state st;
	struct ipam_lease own;
	struct netrec r;
	char name[NET_NAME_MAX + 1], entry[512], path[64], **v;
	int lock, at, n = 0, nsfd = -1, dev, rc = -1;
	size_t k;

	if ((lock = container_lock(id)) < 0)
		return -1;
	if (container_spec_load(s, id, &c)) {
		container_unlock(lock);
		return -1;
	}
	if (net_which(s, &c, ref, name, &at) || netrec_find(s->root, name, &r))
		goto out;
	if (c.net == NET_HOST || !r.br.prefix) {
		err_setn(0, "container cannot be disconnected from host network or connected "
			 "to host network");
		goto out;
	}
	if (c.net != NET_BRIDGE) {
		err_setn(0, c.net == NET_CONTAINER ? "container sharing network namespace with "
			 "another container or host cannot be connected to any other network"
			 : "container cannot be connected to multiple networks with one of the "
			 "networks in private (none) mode");
		goto out;
	}
	if (at != -2) {
		err_setn(0, "endpoint with name %s already exists in network %s", c.name, name);
		goto out;
	}
	if (aliases && aliases[0] && r.builtin) {
		err_setn(0, "network-scoped aliases are only supported for user-defined networks");
		goto out;
	}
	while (c.connected && c.connected[n])
		n++;
	if (n == NET_CONNECT_MAX) {
		err_setn(0, "container %s: at most %d networks connected", c.name, NET_CONNECT_MAX);
		goto out;
	}
	k = (size_t)snprintf(entry, sizeof(entry), "%s%s%s%s%s", name, ip ? " ip=" : "",
			     ip ? ip : "", ip6 ? " ip6=" : "", ip6 ? ip6 : "");
	for (int i = 0; aliases && aliases[i] && k < sizeof(entry); i++)
		k += (size_t)snprintf(entry + k, sizeof(entry) - k, " alias=%s", aliases[i]);
	if (k >= sizeof(entry) || !(v = realloc(c.connected, (size_t)(n + 2) * sizeof(*v)))
	    || !(v[n] = strdup(entry))) {
		err_setn(ENOMEM, "network connect");
		goto out;
	}
	c.connected = v;
	v[n + 1] = NULL;
	if (container_spec_save(s, &c) || container_state_load(s, id, &st))
		goto out;
	rc = 0;
	if (st.status != ST_RUNNING || st.pid <= 0)
		goto out; /* at its next start */
	/* running: the interface now, as the monitor's own leases (they
	 * live and go together), the lowest ethN free */
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)st.pid);
	if ((nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || !proc_alive(st.pid, st.pid_start)) {
		rc = err_setn(ESRCH, "container %s is not running", c.name);
	} else if ((rc = net_lease_get(s->root, id, NULL, &own)) != 1) {
		rc = rc < 0 ? -1 : err_setn(ESRCH, "container %s has no network lease", c.name);
	} else {
		struct find f = { id, "\001", &own, 0 };
		int lk = ipam_lock(s->root), stale = 0;

		if (lk >= 0)
			ipam_each(s->root, find_one, &f, &stale);
		ipam_unlock(lk);
		for (dev = 1; dev < NET_CONNECT_MAX && (f.devs & (1 << dev)); dev++)
			;
		rc = connect_one(s->root, &own, entry, dev, nsfd);
	}
	if (rc) { /* not connected: not recorded either */
		char msg[256];
		int e = err_errno();

		snprintf(msg, sizeof(msg), "%s", err_msg());
		free(v[n]);
		v[n] = NULL;
		container_spec_save(s, &c);
		err_setn(e, "%s", msg);
	}
out:
	if (nsfd >= 0)
		close(nsfd);
	container_spec_free(&c);
	container_unlock(lock);
	return rc;
}

int net_disconnect(const struct store *s, const char *id, const char *ref, int force)
{
	struct container_spec c;
	struct container_state st;
	struct ipam_lease l;
	char name[NET_NAME_MAX + 1], host[IFNAMSIZ];
	int lock, at = -2, rc = -1;

	if ((lock = container_lock(id)) < 0)
		return -1;
	if (container_spec_load(s, id, &c)) {
		container_unlock(lock);
		return -1;
	}
	if (net_which(s, &c, ref, name, &at)) {
		/* -f: a network removed meanwhile, by the name recorded */
		size_t n = strlen(ref);

		if (!force || n > NET_NAME_MAX)
			goto out;
		strcpy(name, ref);
		for (int i = 0; c.connected && c.connected[i] && at == -2; i++)
			if (!strncmp(c.connected[i], ref, n) && (!c.connected[i][n]
								 || c.connected[i][n] == ' '))
				at = i;
	}
	if (at == -1) {
		err_setn(0, "container %s is on network %s by run --network: only networks "
			 "added by network connect can be disconnected", c.name, name);
		goto out;
	}
	if (at == -2) {
		err_setn(0, "container %s is not connected to network %s", c.name, name);
		goto out;
	}
	free(c.connected[at]);
	for (int i = at; c.connected[i]; i++)
		c.connected[i] = c.connected[i + 1];
	if (container_spec_save(s, &c) || container_state_load(s, id, &st))
		goto out;
	rc = 0;
	if (st.status == ST_RUNNING && net_lease_get(s->root, id, !strcmp(name, "bridge") ? ""
						       : name, &l) == 1) {
		int nl = nl_open(), idx, lk;

		/* the host's end: the pair goes, and eth1... with it */
		veth_name(id, l.dev, host);
		if (nl >= 0 && (idx = (int)if_nametoindex(host)) && nl_link_del(nl, idx))
			warn("cannot delete %s", host);
		if (nl >= 0)
			close(nl);
		if ((lk = ipam_lock(s->root)) < 0) {
			rc = -1;
			goto out;
		}
		ipam_release(s->root, id, l.net, NULL, NULL);
		hosts_sync(s->root, l.net, id);
		ipam_unlock(lk);
	}
out:
	container_spec_free(&c);
	container_unlock(lock);
	return rc;
}
