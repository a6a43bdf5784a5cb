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
	char *end;
	long p;

	if (!slash || (size_t)(slash - s) >= sizeof(ip))
		return -1;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = 0;
	p = strtol(slash + 1, &end, 10);
	return inet_pton(af, ip, a) != 1 || *end || end == slash + 1 ? -1 : p;
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

/* "X:X::/P": the network; the host bits must hold every IPv4 host
 * number (net_addr6), so P is at most 128 - (32 - the IPv4 prefix). */
static int parse_subnet6(const char *s, struct bridge_conf *b)
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
		rc = parse_subnet6(subnet6, b);
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
	uint32_t mine;             /* our previous address, if any */
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

static int scan_one(const struct ipam_lease *l, void *arg)
{
	struct scan *sc = arg;
	uint32_t h = host_part(&sc->me->br, l->addr);

	if (!strcmp(l->id, sc->id)) { /* ours, from an earlier start: reused */
		sc->mine = l->addr;
		return 0;
	}
	if (h < 65536)
		sc->used[h / 8] |= (uint8_t)(1u << (h % 8));
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

/* The address: --ip if given and free, else the one we had, else the
 * lowest free one after the gateway (Docker's order). */
static int pick(const struct container_spec *c, const struct bridge_conf *b, struct scan *sc,
		uint32_t *out)
{
	uint32_t size = 1u << (32 - b->prefix), mask = htonl(~0u << (32 - b->prefix)), h;

	if (size > 65536)
		size = 65536;
	if (c->ip) {
		uint32_t a;

		if (inet_pton(AF_INET, c->ip, &a) != 1 || (a & mask) != b->net)
			return err_setn(EINVAL, "--ip %s: not an address of subnet %s/%d", c->ip,
					inet_ntoa((struct in_addr){ b->net }), b->prefix);
		h = host_part(b, a);
		if (!h || h == size - 1 || a == b->gw)
			return err_setn(EINVAL, "--ip %s: reserved in its subnet", c->ip);
		if (sc->used[h / 8] & (1u << (h % 8)))
			return err_setn(EADDRINUSE, "--ip %s: address already in use", c->ip);
		*out = a;
		return 0;
	}
	if (sc->mine) {
		*out = sc->mine;
		return 0;
	}
	for (h = 1; h < size - 1; h++)
		if (!(sc->used[h / 8] & (1u << (h % 8))) && htonl(ntohl(b->net) + h) != b->gw) {
			*out = htonl(ntohl(b->net) + h);
			return 0;
		}
	return err_setn(ENOSPC, "no free address left in %s/%d", inet_ntoa((struct in_addr){ b->net }),
			b->prefix);
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
	if (pick(c, &l->br, sc, &l->addr))
		goto out;
	if (!c->mac) { /* Docker's: 02:42 and the address */
		l->mac[0] = 0x02;
		l->mac[1] = 0x42;
		memcpy(l->mac + 2, &l->addr, 4);
	}
	memcpy(il->id, c->id, sizeof(il->id));
	il->addr = l->addr;
	if (l->br.prefix6)
		net_addr6(&l->br, l->addr, il->addr6);
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
	ipam_release(s->root, c->id, NULL);
	l->active = 0;
out:
	if (rc)
		close_holds(l);
	ipam_unlock(lock);
	free(sc);
	return rc;
}

/* ---- names: /etc/hosts on a user network ------------------------------------ */

struct peers {
	const char *net;
	char *buf;          /* "ADDR\tNAME ALIASES\n" of each */
	size_t len, cap;
	char (*ids)[CONTAINER_ID_LEN + 1];
	int n, max;
};

static int add_peer(const struct ipam_lease *l, void *arg)
{
	struct peers *p = arg;
	char a[16];

	if (strcmp(l->net, p->net) || !*l->name)
		return 0;
	if (p->n == p->max || p->cap - p->len < 32 + sizeof(l->name) + sizeof(l->aliases)) {
		size_t cap = p->cap * 2 + 4096;
		int max = p->max * 2 + 16;
		char *b = realloc(p->buf, cap);
		void *v = b ? realloc(p->ids, (size_t)max * sizeof(*p->ids)) : NULL;

		if (b)
			p->buf = b, p->cap = cap;
		if (!v)
			return err_setn(ENOMEM, "network %s", p->net);
		p->ids = v;
		p->max = max;
	}
	strcpy(p->ids[p->n++], l->id);
	net_ntoa(l->addr, a);
	p->len += (size_t)snprintf(p->buf + p->len, p->cap - p->len, "%s\t%s%s%s\n", a, l->name,
				   *l->aliases ? " " : "", l->aliases);
	return 0;
}

/* Under the lock: the /etc/hosts of every running container of user
 * network net, written again in place (etcfiles.h) with a line for each
 * of them. A failure is reported, not returned: the container that
 * joins or leaves is not at fault. */
static void hosts_sync(const char *root, const char *net)
{
	struct peers p = { net, NULL, 0, 0, NULL, 0, 0 };
	struct store st = { .lockfd = -1 };
	char dir[PATH_MAX];
	int stale = 0;

	if (strlen(root) >= sizeof(st.root))
		return;
	strcpy(st.root, root);
	if (ipam_each(root, add_peer, &p, &stale))
		warn("%s", err_msg());
	for (int i = 0; i < p.n; i++)
		if (container_dir(&st, p.ids[i], dir)
		    || etcfiles_hosts_update(dir, net, p.buf ? p.buf : "", p.len))
			warn("%s", err_msg());
	free(p.buf);
	free(p.ids);
}

int net_attach(struct net_lease *l, pid_t pid)
{
	char host[IFNAMSIZ], path[64];
	struct ifreq ifr = { 0 };
	int nl = -1, cnl = -1, sock = -1, nsfd, idx, br, lock, rc = -1;

	if (!ENABLED(FEATURE_BRIDGE) || !l || !l->active)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if ((nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set("%s", path);
	snprintf(host, sizeof(host), "bx%.11s", l->lease.id);
	if ((nl = nl_open()) < 0)
		goto out;
	/* one left by an init whose netns the kernel has yet to clean up */
	if ((idx = (int)if_nametoindex(host)))
		nl_link_del(nl, idx);
	if (ra_off_in(nsfd))
		goto out;
	if (nl_veth_add(nl, host, "eth0", nsfd, l->mtu, l->mac)) {
		err_prefix("cannot make the container's veth pair");
		goto out;
	}
	if (!(idx = (int)if_nametoindex(host)) || !(br = (int)if_nametoindex(l->br.name))) {
		err_set("%s", host);
		goto out;
	}
	if (nl_link_set(nl, idx, 1, br, 0))
		goto out;
	/* inside: eth0's address, up, the default route */
	if ((cnl = nl_socket_in(nsfd, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)) < 0
	    || (sock = nl_socket_in(nsfd, AF_INET, SOCK_DGRAM, 0)) < 0)
		goto out;
	strcpy(ifr.ifr_name, "eth0");
	if (ioctl(sock, SIOCGIFINDEX, &ifr) < 0) {
		err_set("eth0");
		goto out;
	}
	if (nl_addr_add(cnl, ifr.ifr_ifindex, l->addr, l->br.prefix)
	    || (l->br.prefix6 && nl_addr6_add(cnl, ifr.ifr_ifindex, l->lease.addr6, l->br.prefix6))
	    || nl_link_set(cnl, ifr.ifr_ifindex, 1, 0, 0)
	    || nl_route_default(cnl, ifr.ifr_ifindex, l->br.gw)
	    || (l->br.prefix6 && nl_route6_default(cnl, ifr.ifr_ifindex, l->br.gw6)))
		goto out;
	/* the lease lives as long as the init too, should the monitor die */
	l->lease.init = pid;
	l->lease.init_start = proc_start_time(pid);
	if ((lock = ipam_lock(l->root)) < 0)
		goto out;
	rc = ipam_write(l->root, &l->lease);
	if (!rc && l->user)
		hosts_sync(l->root, l->lease.net);
	ipam_unlock(lock);
out:
	if (rc)
		err_prefix("network");
	if (sock >= 0)
		close(sock);
	if (cnl >= 0)
		close(cnl);
	if (nl >= 0)
		close(nl);
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
	char msg[256], net[NET_NAME_MAX + 1];
	struct scan *sc;
	int lock, had, stale = 0, e = err_errno();

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
	had = ipam_release(s->root, id, net);
	if ((sc = calloc(1, sizeof(*sc)))) {
		sc->id = id;
		ipam_each(s->root, scan_others, sc, &stale);
		if ((had > 0 || stale) && nat_apply(s->root, sc))
			warn("%s", err_msg());
		free(sc);
	}
	if (*net)
		hosts_sync(s->root, net);
	ipam_unlock(lock);
out:
	err_setn(e, "%s", msg);
}

struct find {
	const char *id;
	struct ipam_lease *out;
};

static int find_one(const struct ipam_lease *l, void *arg)
{
	struct find *f = arg;

	if (strcmp(l->id, f->id))
		return 0;
	*f->out = *l;
	return 1;
}

int net_lease_get(const char *root, const char *id, struct ipam_lease *out)
{
	struct find f = { id, out };
	int lock, rc, stale = 0;

	if (!ENABLED(FEATURE_BRIDGE))
		return 0;
	if ((lock = ipam_lock(root)) < 0)
		return -1;
	rc = ipam_each(root, find_one, &f, &stale);
	ipam_unlock(lock);
	return rc;
}
