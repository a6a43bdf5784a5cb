/* netlink.h - the few rtnetlink requests bridge networking needs, sent
 * on a NETLINK_ROUTE socket with no library (no libmnl, no `ip`): make a
 * bridge, a veth pair whose peer is born in another network namespace,
 * set a link up, its master, MTU, MAC and name, add an address and a
 * default route, delete a link.
 *
 * A socket talks to the network namespace it was made in: nl_socket_in()
 * makes one in another namespace (setns there and back: callers must be
 * single-threaded, as the monitor is).
 * Errors follow err.h: -1 with errno the kernel's answer.
 */
#ifndef BOXCAR_NETLINK_H
#define BOXCAR_NETLINK_H

#include <stdint.h>

/* The kernel's netlink ABI (linux/netlink.h, rtnetlink.h, if_link.h,
 * veth.h, netfilter/nfnetlink.h, nf_tables.h): the musl toolchains we
 * build with have no kernel headers, and these numbers never change. */
#define NETLINK_ROUTE 0
#define NETLINK_NETFILTER 12
struct sockaddr_nl { unsigned short nl_family, nl_pad; uint32_t nl_pid, nl_groups; };
struct nlmsghdr { uint32_t nlmsg_len; uint16_t nlmsg_type, nlmsg_flags; uint32_t nlmsg_seq, nlmsg_pid; };
struct nlmsgerr { int error; struct nlmsghdr msg; };
struct rtattr { unsigned short rta_len, rta_type; };
struct ifinfomsg { unsigned char ifi_family, ifi_pad; unsigned short ifi_type; int ifi_index;
		   unsigned ifi_flags, ifi_change; };
struct ifaddrmsg { uint8_t ifa_family, ifa_prefixlen, ifa_flags, ifa_scope; uint32_t ifa_index; };
struct rtmsg { unsigned char rtm_family, rtm_dst_len, rtm_src_len, rtm_tos, rtm_table,
	       rtm_protocol, rtm_scope, rtm_type; unsigned rtm_flags; };
struct nfgenmsg { uint8_t nfgen_family, version; uint16_t res_id; };
#define NLMSG_ALIGN(n) (((n) + 3u) & ~3u)
#define NLMSG_HDRLEN ((unsigned)NLMSG_ALIGN(sizeof(struct nlmsghdr)))
#define NLMSG_LENGTH(n) ((n) + NLMSG_HDRLEN)
#define NLMSG_DATA(h) ((void *)((char *)(h) + NLMSG_HDRLEN))
#define RTA_LENGTH(n) (NLMSG_ALIGN(sizeof(struct rtattr)) + (n))
#define RTA_SPACE(n) NLMSG_ALIGN(RTA_LENGTH(n))
#define RTA_DATA(a) ((void *)((char *)(a) + RTA_LENGTH(0)))
enum { NLM_F_REQUEST = 1, NLM_F_ACK = 4, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400 };
enum { NLMSG_ERROR = 2 };
enum { RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_NEWADDR = 20, RTM_NEWROUTE = 24,
       RTM_GETROUTE = 26 };
enum { NLM_F_DUMP = 0x300, NLMSG_DONE = 3 };
enum { IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_MASTER = 10, IFLA_LINKINFO = 18,
       IFLA_NET_NS_FD = 28 };
enum { IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, VETH_INFO_PEER = 1 };
enum { IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_F_NODAD = 2 };
enum { RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RT_TABLE_MAIN = 254, RTPROT_BOOT = 3,
       RT_SCOPE_UNIVERSE = 0, RTN_UNICAST = 1 };
enum { NFNL_SUBSYS_NFTABLES = 10, NFT_MSG_GETTABLE = 1, NFTA_TABLE_NAME = 1,
       NFPROTO_IPV4 = 2, NFPROTO_IPV6 = 10, NFNETLINK_V0 = 0 };

/* A NETLINK_ROUTE socket in our namespace, or -1. */
int nl_open(void);
/* socket(domain, type, proto), made in the network namespace nsfd. */
int nl_socket_in(int nsfd, int domain, int type, int proto);

/* A bridge named name (EEXIST when there is one). */
int nl_bridge_add(int nl, const char *name);
/* A veth pair: name here, peer (its name, MTU and MAC; mac NULL: the
 * kernel's) made in the namespace nsfd; mtu 0: the default. */
int nl_veth_add(int nl, const char *name, const char *peer, int nsfd, unsigned mtu,
		const uint8_t *peer_mac);
/* Set link idx: up (1) or as it is (0), master (0: none), mtu (0: as it
 * is). */
int nl_link_set(int nl, int idx, int up, int master, unsigned mtu);
int nl_link_del(int nl, int idx);
/* IPv4 address addr/prefix on link idx (EEXIST if there). */
int nl_addr_add(int nl, int idx, uint32_t addr, int prefix);
/* Default IPv4 route via gw (network byte order) through idx. */
int nl_route_default(int nl, int idx, uint32_t gw);
/* Call fn for every IPv4 route of every table but default routes: its
 * destination (network byte order) and prefix length. fn returning
 * non-zero stops the walk and is returned. */
int nl_route_each(int nl, int (*fn)(uint32_t dst, int len, void *arg), void *arg);
/* The same for IPv6; the address without duplicate address detection
 * (usable at once: the IPAM gives it to one container only). */
int nl_addr6_add(int nl, int idx, const uint8_t addr[16], int prefix);
int nl_route6_default(int nl, int idx, const uint8_t gw[16]);

#endif
