/* portmap.c - published ports and boxcar's NAT table (see portmap.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "netlink.h"
#include "portmap.h"

static int port_num(const char *s, size_t n, uint16_t *out, int zero_ok)
{
	unsigned v = 0;

	if (!n || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 65535 || (!v && !zero_ok))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int portmap_parse(const char *s, struct portmap *p)
{
	const char *slash = strchr(s, '/'), *end = slash ? slash : s + strlen(s);
	const char *c1, *c2 = NULL;
	char ip[INET_ADDRSTRLEN];

	memset(p, 0, sizeof(*p));
	if (slash) {
		if (!strcmp(slash, "/udp"))
			p->udp = 1;
		else if (strcmp(slash, "/tcp"))
			goto bad;
	}
	/* the last colon before end splits off the container's port */
	c1 = memchr(s, ':', (size_t)(end - s));
	if (c1)
		c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (!c1) { /* PORT */
		if (port_num(s, (size_t)(end - s), &p->port, 0))
			goto bad;
		return 0;
	}
	if (c2) { /* IP:HOSTPORT:PORT, IP:"":PORT */
		size_t n = (size_t)(c1 - s);

		if (!n || n >= sizeof(ip))
			goto bad;
		memcpy(ip, s, n);
		ip[n] = 0;
		if (inet_pton(AF_INET, ip, &p->host_ip) != 1)
			goto bad;
		if (c2 > c1 + 1 && port_num(c1 + 1, (size_t)(c2 - c1 - 1), &p->host_port, 0))
			goto bad;
		c1 = c2;
	} else if (port_num(s, (size_t)(c1 - s), &p->host_port, 0)) /* HOSTPORT:PORT */
		goto bad;
	if (port_num(c1 + 1, (size_t)(end - c1 - 1), &p->port, 0))
		goto bad;
	return 0;
bad:
	return err_setn(EINVAL, "invalid port '%s': want [IP:][HOSTPORT:]PORT[/tcp|/udp]", s);
}

/* "A" or "A-B" of n bytes: lo and hi (1-65535, lo <= hi). */
static int port_span(const char *s, size_t n, unsigned *lo, unsigned *hi)
{
	const char *dash = memchr(s, '-', n);
	uint16_t a, b;

	if (port_num(s, dash ? (size_t)(dash - s) : n, &a, 0)
	    || (dash && port_num(dash + 1, n - (size_t)(dash - s) - 1, &b, 0)))
		return -1;
	*lo = a;
	*hi = dash ? b : a;
	return *lo <= *hi ? 0 : -1;
}

int portmap_range(const char *s, int i, char *buf)
{
	const char *slash = strchr(s, '/'), *end = slash ? slash : s + strlen(s);
	const char *c = end, *h = NULL;
	unsigned clo, chi, hlo = 0, hhi = 0;
	size_t iplen = 0;

	while (c > s && c[-1] != ':')
		c--;
	if (c > s) { /* a host part: [IP:]HOSTPORTS or IP: */
		h = c - 1;
		while (h > s && h[-1] != ':')
			h--;
		iplen = h > s ? (size_t)(h - s) : 0;
	}
	if (port_span(c, (size_t)(end - c), &clo, &chi)
	    || (h && c - 1 > h && port_span(h, (size_t)(c - 1 - h), &hlo, &hhi))
	    || (hlo && hhi - hlo != chi - clo) || iplen > INET_ADDRSTRLEN || strlen(end) > 4)
		return err_setn(EINVAL, "invalid port '%s': want [IP:][HOSTPORT[-END]:]PORT[-END]"
				"[/tcp|/udp], ranges of one length", s);
	if (i < 0 || (unsigned)i > chi - clo)
		i = 0;
	if (!h)
		snprintf(buf, 64, "%u%s", clo + (unsigned)i, end);
	else if (hlo)
		snprintf(buf, 64, "%.*s%u:%u%s", (int)iplen, s, hlo + (unsigned)i, clo + (unsigned)i, end);
	else /* IP::PORT */
		snprintf(buf, 64, "%.*s:%u%s", (int)iplen, s, clo + (unsigned)i, end);
	return (int)(chi - clo) + 1;
}

void portmap_format(const struct portmap *p, char *buf, size_t n)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->host_ip, ip, sizeof(ip));
	snprintf(buf, n, "%s:%u->%u/%s", ip, p->host_port, p->port, p->udp ? "udp" : "tcp");
}

int portmap_hold(struct portmap *p)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(p->host_port),
				 .sin_addr = { p->host_ip } };
	socklen_t len = sizeof(a);
	char what[64];
	int fd = socket(AF_INET, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return err_set("socket");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(fd);
		portmap_format(p, what, sizeof(what));
		*strstr(what, "->") = 0;
		if (e == EADDRINUSE)
			return err_setn(0, "cannot publish %s/%s: port is already allocated", what,
					p->udp ? "udp" : "tcp");
		return err_setn(e, "cannot publish %s", what);
	}
	if (!p->host_port) {
		if (getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
			close(fd);
			return err_set("getsockname");
		}
		p->host_port = ntohs(a.sin_port);
	}
	return fd;
}

/* ---- the table ---------------------------------------------------------- */

static int table_present(int family);

/* printf onto buf at *len; past cap it only counts (script says E2BIG). */
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (*len < cap)
		*len += (size_t)vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
}

/* The script, whole: add+delete first so that a missing table is no
 * error, then the table as it must be; nft applies it atomically. */
/* The chains both tables have: for a local destination address, from
 * outside (prerouting) and from the host (output), the jump to the
 * published ports' DNAT rules, which follow. */
#define PORT_CHAINS \
	" chain prerouting {\n" \
	"  type nat hook prerouting priority dstnat; policy accept;\n" \
	"  fib daddr type local jump ports\n" \
	" }\n" \
	" chain output {\n" \
	"  type nat hook output priority -100; policy accept;\n" \
	"  fib daddr type local jump ports\n" \
	" }\n" \
	" chain ports {\n"

/* Docker's isolation, in the family's table (v6: the networks with an
 * IPv6 subnet): an internal network's traffic stays on its bridge;
 * between two networks only published ports pass. */
static void forward(char *buf, size_t cap, size_t *len, const struct portmap_net *nets,
		    int nnets, int v6)
{
	int n = 0, internal = 0;

	for (int i = 0; i < nnets; i++)
		if (!v6 || nets[i].prefix6) {
			n++;
			internal |= nets[i].internal;
		}
	if (n < 2 && !internal)
		return;
	put(buf, cap, len, " chain forward {\n"
	    "  type filter hook forward priority filter; policy accept;\n");
	for (int i = 0; i < nnets; i++)
		if (nets[i].internal && (!v6 || nets[i].prefix6))
			put(buf, cap, len, "  iifname \"%s\" oifname != \"%s\" drop\n"
			    "  oifname \"%s\" iifname != \"%s\" drop\n", nets[i].bridge,
			    nets[i].bridge, nets[i].bridge, nets[i].bridge);
	put(buf, cap, len, "  ct status dnat accept\n");
	for (int i = 0; i < nnets && n > 1; i++) {
		if (v6 && !nets[i].prefix6)
			continue;
		put(buf, cap, len, "  iifname \"%s\" oifname {", nets[i].bridge);
		for (int j = 0, first = 1; j < nnets; j++)
			if (j != i && (!v6 || nets[j].prefix6)) {
				put(buf, cap, len, "%s \"%s\"", first ? "" : ",", nets[j].bridge);
				first = 0;
			}
		put(buf, cap, len, " } drop\n");
	}
	put(buf, cap, len, " }\n");
}

/* The IPv6 table, for the networks with an IPv6 subnet: outbound and
 * hairpin masquerade, isolation, and the ports published on every
 * address. No guard: the kernel routes no ::1 off lo (so the host's ::1
 * does not reach published ports either). */
static void script6(char *buf, size_t cap, size_t *len, const struct portmap_net *nets,
		    int nnets, const struct portmap_rule *r, int n)
{
	char a[INET6_ADDRSTRLEN];

	put(buf, cap, len,
		"add table ip6 " PORTMAP_TABLE "\n"
		"delete table ip6 " PORTMAP_TABLE "\n"
		"table ip6 " PORTMAP_TABLE " {\n"
		" chain postrouting {\n"
		"  type nat hook postrouting priority srcnat; policy accept;\n");
	for (int i = 0; i < nnets; i++) {
		const char *br = nets[i].bridge;

		if (!nets[i].prefix6)
			continue;
		inet_ntop(AF_INET6, nets[i].net6, a, sizeof(a));
		if (!nets[i].internal)
			put(buf, cap, len, "  ip6 saddr %s/%d oifname != \"%s\" masquerade\n", a,
			    nets[i].prefix6, br);
		put(buf, cap, len, "  oifname \"%s\" ip6 saddr %s/%d ct status dnat masquerade\n",
		    br, a, nets[i].prefix6);
	}
	put(buf, cap, len, " }\n");
	forward(buf, cap, len, nets, nnets, 1);
	put(buf, cap, len, PORT_CHAINS);
	for (int i = 0; i < n; i++) {
		const struct portmap *p = &r[i].p;

		if (p->host_ip || !memcmp(r[i].addr6, (uint8_t[16]){ 0 }, 16))
			continue; /* an IPv4 address of the host's; no IPv6 address */
		inet_ntop(AF_INET6, r[i].addr6, a, sizeof(a));
		put(buf, cap, len, "  %s dport %u dnat to [%s]:%u\n", p->udp ? "udp" : "tcp",
		    p->host_port, a, p->port);
	}
	put(buf, cap, len, " }\n}\n");
}

static int script(char *buf, size_t cap, const struct portmap_net *nets, int nnets,
		  const struct portmap_rule *r, int n)
{
	char sub[24], a[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];
	size_t len = 0;
	int v6;

	put(buf, cap, &len, "add table ip " PORTMAP_TABLE "\n"
	    "delete table ip " PORTMAP_TABLE "\n"
	    "table ip " PORTMAP_TABLE " {\n"
	    " chain postrouting {\n"
	    "  type nat hook postrouting priority srcnat; policy accept;\n");
	for (int i = 0; i < nnets; i++) {
		const char *br = nets[i].bridge;

		inet_ntop(AF_INET, &nets[i].net, a, sizeof(a));
		snprintf(sub, sizeof(sub), "%s/%d", a, nets[i].prefix);
		if (!nets[i].internal)
			put(buf, cap, &len, "  ip saddr %s oifname != \"%s\" masquerade\n", sub, br);
		put(buf, cap, &len, "  oifname \"%s\" ip saddr 127.0.0.0/8 masquerade\n"
		    "  oifname \"%s\" ip saddr %s ct status dnat masquerade\n", br, br, sub);
	}
	put(buf, cap, &len, " }\n chain guard {\n"
	    "  type filter hook prerouting priority raw; policy accept;\n");
	for (int i = 0; i < nnets; i++)
		put(buf, cap, &len, "  iifname \"%s\" ip daddr 127.0.0.0/8 drop\n", nets[i].bridge);
	put(buf, cap, &len, " }\n");
	forward(buf, cap, &len, nets, nnets, 0);
	put(buf, cap, &len, PORT_CHAINS);
	for (int i = 0; i < n; i++) {
		const struct portmap *p = &r[i].p;

		inet_ntop(AF_INET, &r[i].addr, a, sizeof(a));
		inet_ntop(AF_INET, &p->host_ip, h, sizeof(h));
		put(buf, cap, &len, "  %s%s%s%s dport %u dnat to %s:%u\n",
		    p->host_ip ? "ip daddr " : "", p->host_ip ? h : "", p->host_ip ? " " : "",
		    p->udp ? "udp" : "tcp", p->host_port, a, p->port);
	}
	put(buf, cap, &len, " }\n}\n");
	/* IPv6: a table for the networks that have it, or none (a kernel
	 * without IPv6 nf_tables runs IPv4 alone); one left by the last of
	 * them goes */
	for (v6 = 0; v6 < nnets && !nets[v6].prefix6; v6++)
		;
	if (v6 < nnets)
		script6(buf, cap, &len, nets, nnets, r, n);
	else if (table_present(NFPROTO_IPV6))
		put(buf, cap, &len, "delete table ip6 " PORTMAP_TABLE "\n");
	if (len >= cap)
		return err_setn(E2BIG, "too many published ports for one NAT table");
	return (int)len;
}

/* nft, from $PATH or where distributions and OpenWrt put it. */
static void exec_nft(void)
{
	static const char *const where[] = { "/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft" };
	char *argv[] = { "nft", "-f", "-", NULL };

	execvp("nft", argv);
	for (unsigned i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		execv(where[i], argv);
}

int portmap_nat_apply(const struct portmap_net *nets, int nnets, const struct portmap_rule *r,
		      int n)
{
	char *buf, msg[200];
	size_t cap = 2048 + (size_t)n * 256 + (size_t)nnets * (1024 + (size_t)nnets * 48);
	int in[2], out[2], st, len;
	ssize_t got = 0, k;
	pid_t pid;

	if (!(buf = malloc(cap)))
		return err_setn(ENOMEM, "NAT table");
	if ((len = script(buf, cap, nets, nnets, r, n)) < 0) {
		free(buf);
		return -1;
	}
	if (pipe2(in, O_CLOEXEC) < 0) {
		free(buf);
		return err_set("pipe");
	}
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		free(buf);
		return err_set("pipe");
	}
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		exec_nft();
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (pid > 0) {
		/* whole before the answer is read: nft reads all of its
		 * input before it says anything */
		void (*old)(int) = signal(SIGPIPE, SIG_IGN);

		(void)!write(in[1], buf, (size_t)len);
		signal(SIGPIPE, old);
	}
	close(in[1]);
	free(buf);
	while (pid > 0 && got < (ssize_t)sizeof(msg) - 1
	       && ((k = read(out[0], msg + got, sizeof(msg) - 1 - (size_t)got)) > 0
		   || (k < 0 && errno == EINTR)))
		got += k > 0 ? k : 0;
	close(out[0]);
	msg[got] = 0;
	if (pid < 0)
		return err_set("fork");
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return err_setn(ENOENT, "bridge networking needs nft (nftables) for outbound NAT "
				"and published ports, and it is not installed (iptables alone is not "
				"supported); install nftables, or use --network none or host (or "
				"$BOXCAR_NETWORK, or build without DEFAULT_NETWORK_BRIDGE)");
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		msg[strcspn(msg, "\n")] = 0;
		return err_setn(EPROTONOSUPPORT, "nft could not write boxcar's NAT table (does "
				"the kernel have nf_tables, nft_nat, nft_masq, nft_fib?): %s", msg);
	}
	return 0;
}

static int table_present(int family)
{
	struct {
		struct nlmsghdr h;
		struct nfgenmsg g;
		char attr[32];
	} req = { 0 };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct rtattr *a = (struct rtattr *)req.attr; /* an nlattr: the same layout */
	char buf[4096];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER), r = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	a->rta_type = NFTA_TABLE_NAME;
	a->rta_len = RTA_LENGTH(sizeof(PORTMAP_TABLE));
	memcpy(RTA_DATA(a), PORTMAP_TABLE, sizeof(PORTMAP_TABLE));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.g)) + RTA_SPACE(sizeof(PORTMAP_TABLE));
	req.h.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.g.nfgen_family = (uint8_t)family;
	req.g.version = NFNETLINK_V0;
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		close(fd);
		return 0;
	}
	/* the table (then an ack), or an error: ENOENT when it is not there */
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if ((size_t)n < sizeof(*h) || h->nlmsg_len < sizeof(*h) || h->nlmsg_len > (size_t)n)
			break;
		if (h->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			r = r || !e->error;
			break;
		}
		r = 1;
	}
	close(fd);
	return r;
}

int portmap_nat_present(int v6)
{
	return table_present(NFPROTO_IPV4) && (!v6 || table_present(NFPROTO_IPV6));
}
