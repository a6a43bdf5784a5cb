/* rawudp - forged UDP datagrams for tests/network.test's bridge guard
 * (CVE-2020-8558 class): what root in a default container can send with
 * CAP_NET_RAW, past its own routing table, straight onto the bridge.
 *
 *   rawudp send IFACE GW SRC DST PORT MSG
 *       one IPv4/UDP datagram SRC -> DST:PORT carrying MSG, in an
 *       Ethernet frame to GW's MAC (from ARP) on IFACE (AF_PACKET)
 *   rawudp ra IFACE
 *       router advertisements to every node on IFACE's link (ff02::1):
 *       "route through me", with the prefix 2001:db8:bad::/64 to take
 *       addresses from (CVE-2020-13401 class), a few over 3 s while the
 *       link-local address leaves DAD
 *   rawudp recv IP PORT SECONDS
 *       print the first datagram that reaches IP:PORT within SECONDS
 *       ("from A.B.C.D: MSG"), nothing if none does
 */
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netpacket/packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* GW's MAC: a datagram to its discard port makes the kernel ask ARP. */
static int gw_mac(const char *gw, unsigned m[6])
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9) };
	char line[256], ip[64];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || inet_pton(AF_INET, gw, &a.sin_addr) != 1)
		return -1;
	sendto(fd, "", 0, 0, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	for (int i = 0; i < 50; i++, usleep(20000)) {
		FILE *f = fopen("/proc/net/arp", "r");

		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "%63s %*s %*s %x:%x:%x:%x:%x:%x", ip, &m[0], &m[1], &m[2], &m[3],
				   &m[4], &m[5]) == 7 && !strcmp(ip, gw) && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5])) {
				fclose(f);
				return 0;
			}
		if (f)
			fclose(f);
	}
	return -1;
}

static int send_raw(char **argv)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				  .sll_halen = 6 };
	uint8_t pkt[512] = { 0 };
	size_t msg = strlen(argv[6]), n = 28 + msg;
	uint32_t src, dst;
	unsigned m[6];
	uint16_t c;
	int fd;

	if (msg > sizeof(pkt) - 28 || inet_pton(AF_INET, argv[3], &src) != 1
	    || inet_pton(AF_INET, argv[4], &dst) != 1
	    || gw_mac(argv[2], m))
		return fprintf(stderr, "rawudp: bad arguments, or no MAC for %s\n", argv[2]), 2;
	for (int i = 0; i < 6; i++)
		ll.sll_addr[i] = (uint8_t)m[i];
	if (!(ll.sll_ifindex = (int)if_nametoindex(argv[1])))
		return perror(argv[1]), 1;
	pkt[0] = 0x45;
	pkt[2] = (uint8_t)(n >> 8);
	pkt[3] = (uint8_t)n;
	pkt[8] = 64;
	pkt[9] = IPPROTO_UDP;
	memcpy(pkt + 12, &src, 4);
	memcpy(pkt + 16, &dst, 4);
	c = csum(pkt, 20);
	pkt[10] = (uint8_t)(c >> 8);
	pkt[11] = (uint8_t)c;
	pkt[20] = 0x9c; /* source port 40000 */
	pkt[21] = 0x40;
	pkt[22] = (uint8_t)(atoi(argv[5]) >> 8);
	pkt[23] = (uint8_t)atoi(argv[5]);
	pkt[24] = (uint8_t)((n - 20) >> 8);
	pkt[25] = (uint8_t)(n - 20); /* checksum 0: none, as IPv4 allows */
	memcpy(pkt + 28, argv[6], msg);
	if ((fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP))) < 0)
		return perror("socket(AF_PACKET)"), 1;
	for (int i = 0; i < 3; i++) /* a lost first frame (ARP, a port not up yet) */
		if (sendto(fd, pkt, n, 0, (struct sockaddr *)&ll, sizeof(ll)) < 0)
			return perror("sendto"), 1;
	return 0;
}

static int recv_one(char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
	struct timeval tv = { atoi(argv[3]), 0 };
	socklen_t len = sizeof(a);
	char buf[512], from[INET_ADDRSTRLEN];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	if (fd < 0 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1)
		return 2;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return perror("bind"), 1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* ready: the test waits for this file before it sends */
	if (argv[4])
		close(creat(argv[4], 0600));
	if ((n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&a, &len)) < 0)
		return 0;
	buf[n] = 0;
	inet_ntop(AF_INET, &a.sin_addr, from, sizeof(from));
	printf("from %s: %s\n", from, buf);
	return 0;
}

static int send_ra(const char *iface)
{
	static const uint8_t ra[] = {
		134, 0, 0, 0,              /* router advertisement; checksum by the kernel */
		64, 0, 0x07, 0x08,         /* hop limit, flags, router lifetime 1800 s */
		0, 0, 0, 0, 0, 0, 0, 0,    /* reachable, retransmit */
		3, 4, 64, 0xc0,            /* prefix information: /64, on-link, autonomous */
		0, 0, 0x0e, 0x10, 0, 0, 0x0e, 0x10, 0, 0, 0, 0, /* lifetimes 3600 s */
		0x20, 0x01, 0x0d, 0xb8, 0x0b, 0xad, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct sockaddr_in6 all = { .sin6_family = AF_INET6 };
	int fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6), hops = 255, sent = 0;
	unsigned idx = if_nametoindex(iface);

	if (fd < 0)
		return perror("socket(ICMPV6)"), 1;
	if (!idx)
		return perror(iface), 1;
	inet_pton(AF_INET6, "ff02::1", &all.sin6_addr);
	all.sin6_scope_id = idx;
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx));
	for (int i = 0; i < 10; i++, usleep(300000))
		sent += sendto(fd, ra, sizeof(ra), 0, (struct sockaddr *)&all, sizeof(all)) > 0;
	return !sent;
}

int main(int argc, char **argv)
{
	if (argc == 8 && !strcmp(argv[1], "send"))
		return send_raw(argv + 1);
	if (argc == 3 && !strcmp(argv[1], "ra"))
		return send_ra(argv[2]);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "recv"))
		return recv_one(argv + 1);
	fprintf(stderr, "usage: rawudp send IFACE GW SRC DST PORT MSG | rawudp ra IFACE | rawudp recv IP PORT SECONDS [READY]\n");
	return 2;
}
