/* netlink.c - rtnetlink requests (see netlink.h). One request at a time,
 * each acknowledged: built in a fixed buffer, attributes nested by hand. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "netlink.h"

struct req {
	union {
		struct nlmsghdr h;
		char buf[512]; /* the largest request, a veth pair, needs ~120 */
	};
	int overflow;
};

static void *req_init(struct req *r, int type, int flags, size_t hdr)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = NLMSG_LENGTH(hdr);
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	return NLMSG_DATA(&r->h);
}

static struct rtattr *attr(struct req *r, int type, const void *data, size_t n)
{
	size_t off = NLMSG_ALIGN(r->h.nlmsg_len);
	struct rtattr *a = (struct rtattr *)(r->buf + off);

	if (off + RTA_SPACE(n) > sizeof(r->buf)) {
		r->overflow = 1;
		return (struct rtattr *)r->buf; /* harmless: the request is not sent */
	}
	a->rta_type = type;
	a->rta_len = RTA_LENGTH(n);
	if (n)
		memcpy(RTA_DATA(a), data, n);
	r->h.nlmsg_len = off + RTA_SPACE(n);
	return a;
}

static void attr_u32(struct req *r, int type, uint32_t v)
{
	attr(r, type, &v, sizeof(v));
}

static void attr_str(struct req *r, int type, const char *s)
{
	attr(r, type, s, strlen(s) + 1);
}

/* A nested attribute: begin, then end once its members are in. */
static struct rtattr *nest(struct req *r, int type)
{
	return attr(r, type, NULL, 0);
}

static void nest_end(struct req *r, struct rtattr *a)
{
	if (!r->overflow)
		a->rta_len = (unsigned short)(r->buf + r->h.nlmsg_len - (char *)a);
}

/* Send r, read its ack: 0, or -1 with errno the kernel's. */
static int talk(int nl, struct req *r, const char *what)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[1024];
	ssize_t n;

	if (r->overflow)
		return err_setn(EOVERFLOW, "%s: netlink request too long", what);
	r->h.nlmsg_seq = 1;
	if (sendto(nl, r->buf, r->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return err_set("%s: netlink", what);
	for (;;) {
		do
			n = recv(nl, buf, sizeof(buf), 0);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return err_set("%s: netlink", what);
		for (size_t off = 0; off + sizeof(struct nlmsghdr) <= (size_t)n;) {
			struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);
			struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > (size_t)n - off)
				break;
			off += NLMSG_ALIGN(h->nlmsg_len);
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;

			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return err_setn(EPROTO, "%s: short netlink answer", what);
			if (!e->error)
				return 0;
			return err_setn(-e->error, "%s", what);
		}
	}
}

int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	return fd < 0 ? err_set("netlink socket") : fd;
}

int nl_socket_in(int nsfd, int domain, int type, int proto)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd = -1, e = 0;

	if (self < 0)
		return err_set("/proc/self/ns/net");
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		close(self);
		return err_set("cannot enter the container's network namespace");
	}
	if ((fd = socket(domain, type | SOCK_CLOEXEC, proto)) < 0)
		err_set("socket");
	e = errno;
	/* back home, or every later step would happen in there: the one
	 * failure core/ cannot hand back (and the kernel has no reason for) */
	if (setns(self, CLONE_NEWNET) < 0)
		_exit(EXIT_RUNTIME);
	close(self);
	errno = e;
	return fd;
}

static struct ifinfomsg *link_req(struct req *r, int type, int flags, int idx)
{
	struct ifinfomsg *i = req_init(r, type, flags, sizeof(*i));

	i->ifi_family = AF_UNSPEC;
	i->ifi_index = idx;
	return i;
}

int nl_bridge_add(int nl, const char *name)
{
	struct req r;
	struct rtattr *li;

	link_req(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	attr_str(&r, IFLA_IFNAME, name);
	li = nest(&r, IFLA_LINKINFO);
	attr_str(&r, IFLA_INFO_KIND, "bridge");
	nest_end(&r, li);
	return talk(nl, &r, name);
}

int nl_veth_add(int nl, const char *name, const char *peer, int nsfd, unsigned mtu,
		const uint8_t *peer_mac)
{
	struct req r;
	struct rtattr *li, *data, *p;
	struct ifinfomsg pi = { .ifi_family = AF_UNSPEC };

	link_req(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	attr_str(&r, IFLA_IFNAME, name);
	if (mtu)
		attr_u32(&r, IFLA_MTU, mtu);
	li = nest(&r, IFLA_LINKINFO);
	attr_str(&r, IFLA_INFO_KIND, "veth");
	data = nest(&r, IFLA_INFO_DATA);
	p = attr(&r, VETH_INFO_PEER, &pi, sizeof(pi)); /* an ifinfomsg, then its attributes */
	attr_str(&r, IFLA_IFNAME, peer);
	attr_u32(&r, IFLA_NET_NS_FD, (uint32_t)nsfd);
	if (mtu)
		attr_u32(&r, IFLA_MTU, mtu);
	if (peer_mac)
		attr(&r, IFLA_ADDRESS, peer_mac, 6);
	nest_end(&r, p);
	nest_end(&r, data);
	nest_end(&r, li);
	return talk(nl, &r, name);
}

int nl_link_set(int nl, int idx, int up, int master, unsigned mtu)
{
	struct req r;
	struct ifinfomsg *i = link_req(&r, RTM_NEWLINK, 0, idx);

	if (up) {
		i->ifi_flags = IFF_UP;
		i->ifi_change = IFF_UP;
	}
	if (master)
		attr_u32(&r, IFLA_MASTER, (uint32_t)master);
	if (mtu)
		attr_u32(&r, IFLA_MTU, mtu);
	return talk(nl, &r, "cannot set up a link");
}

int nl_link_del(int nl, int idx)
{
	struct req r;

	link_req(&r, RTM_DELLINK, 0, idx);
	return talk(nl, &r, "cannot delete a link");
}

static int addr_add(int nl, int family, int idx, const void *addr, size_t n, int prefix)
{
	struct req r;
	struct ifaddrmsg *a = req_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*a));

	a->ifa_family = (uint8_t)family;
	a->ifa_prefixlen = (unsigned char)prefix;
	a->ifa_flags = family == AF_INET6 ? IFA_F_NODAD : 0;
	a->ifa_index = (unsigned)idx;
	if (family == AF_INET)
		attr(&r, IFA_LOCAL, addr, n);
	attr(&r, IFA_ADDRESS, addr, n);
	return talk(nl, &r, "cannot add an address");
}

int nl_addr_add(int nl, int idx, uint32_t addr, int prefix)
{
	return addr_add(nl, AF_INET, idx, &addr, 4, prefix);
}

int nl_addr6_add(int nl, int idx, const uint8_t addr[16], int prefix)
{
	return addr_add(nl, AF_INET6, idx, addr, 16, prefix);
}

static int route_default(int nl, int family, int idx, const void *gw, size_t n)
{
	struct req r;
	struct rtmsg *m = req_init(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*m));

	m->rtm_family = (unsigned char)family;
	m->rtm_table = RT_TABLE_MAIN;
	m->rtm_protocol = RTPROT_BOOT;
	m->rtm_scope = RT_SCOPE_UNIVERSE;
	m->rtm_type = RTN_UNICAST;
	attr(&r, RTA_GATEWAY, gw, n);
	attr_u32(&r, RTA_OIF, (uint32_t)idx);
	return talk(nl, &r, "cannot add the default route");
}

int nl_route_each(int nl, int (*fn)(uint32_t dst, int len, void *arg), void *arg)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct req r;
	struct rtmsg *m = req_init(&r, RTM_GETROUTE, NLM_F_DUMP, sizeof(*m));
	static char buf[8192]; /* a dump part: the kernel fills what fits */
	int rc = 0;

	m->rtm_family = AF_INET;
	r.h.nlmsg_flags &= (uint16_t)~NLM_F_ACK;
	r.h.nlmsg_seq = 2;
	if (sendto(nl, r.buf, r.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return err_set("routes: netlink");
	for (;;) {
		ssize_t n;

		do
			n = recv(nl, buf, sizeof(buf), 0);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return err_set("routes: netlink");
		for (size_t off = 0; off + sizeof(struct nlmsghdr) <= (size_t)n;) {
			struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);
			struct rtmsg *rt = NLMSG_DATA(h);
			size_t len;

			if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > (size_t)n - off)
				return err_setn(EPROTO, "routes: bad netlink answer");
			off += NLMSG_ALIGN(h->nlmsg_len);
			if (h->nlmsg_type == NLMSG_DONE)
				return rc;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return err_setn(h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) ? -e->error
						: EPROTO, "routes: netlink");
			}
			if (rc || h->nlmsg_type != RTM_NEWROUTE
			    || h->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)) || !rt->rtm_dst_len)
				continue;
			len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*rt));
			/* the attributes after the rtmsg, for RTA_DST */
			for (struct rtattr *a = (struct rtattr *)((char *)rt + NLMSG_ALIGN(sizeof(*rt)));
			     len >= sizeof(*a) && a->rta_len >= sizeof(*a) && a->rta_len <= len;
			     len -= NLMSG_ALIGN(a->rta_len) < len ? NLMSG_ALIGN(a->rta_len) : len,
			     a = (struct rtattr *)((char *)a + NLMSG_ALIGN(a->rta_len)))
				if (a->rta_type == RTA_DST && a->rta_len >= RTA_LENGTH(4)) {
					uint32_t dst;

					memcpy(&dst, RTA_DATA(a), 4);
					rc = fn(dst, rt->rtm_dst_len, arg);
					break;
				}
		}
	}
}

int nl_route_default(int nl, int idx, uint32_t gw)
{
	return route_default(nl, AF_INET, idx, &gw, 4);
}

int nl_route6_default(int nl, int idx, const uint8_t gw[16])
{
	return route_default(nl, AF_INET6, idx, gw, 16);
}
