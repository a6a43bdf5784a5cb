/* fuzz_netspec.c - libFuzzer target for what bridge networking parses:
 * -p specs with or without port ranges and image ExposedPorts keys
 * (core/portmap.c), the lease files of ROOT/network/leases
 * (core/ipam.c) and the network records of ROOT/network/nets
 * (core/netrec.c).
 *
 * The first byte picks the parser. A port that parses must format to
 * text that names the same ports; each port of a range must be a plain
 * spec that parses, its ports in step; a lease that parses must have
 * sane fields and survive a format-parse round (ipam_write's format); a
 * network record that parses must have a subnet whose gateway is in it
 * (and an IPv6 one too) and a bridge name an interface can have.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "ipam.h"
#include "netrec.h"
#include "portmap.h"

static void port(const char *s)
{
	struct portmap p, q;
	char ip[INET_ADDRSTRLEN], hp[8] = "", spec[64], shown[64];

	if (portmap_parse(s, &p))
		return;
	if (!p.port)
		abort();
	portmap_format(&p, shown, sizeof(shown));
	if (!strstr(shown, "->"))
		abort();
	/* the same ports written as a full -p spec parse back to them */
	inet_ntop(AF_INET, &p.host_ip, ip, sizeof(ip));
	if (p.host_port)
		snprintf(hp, sizeof(hp), "%u", p.host_port);
	snprintf(spec, sizeof(spec), "%s:%s:%u/%s", ip, hp, p.port, p.udp ? "udp" : "tcp");
	if (portmap_parse(spec, &q) || memcmp(&p, &q, sizeof(p)))
		abort();
}

static void range(const char *s)
{
	struct portmap first, p;
	char one[64];
	int n = portmap_range(s, 0, one);

	if (n < 0)
		return;
	if (n < 1 || n > 65535 || strlen(one) >= 64)
		abort();
	if (portmap_parse(one, &first))
		return; /* a range of what portmap_parse refuses (a bad IP, proto) */
	for (int i = 1; i < n && i < 64; i++) {
		if (portmap_range(s, i, one) != n || portmap_parse(one, &p))
			abort();
		if (p.port != first.port + i || (first.host_port && p.host_port != first.host_port + i)
		    || p.host_ip != first.host_ip || p.udp != first.udp)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[4096], boot[40];
	struct ipam_lease l;

	if (!size)
		return 0;
	if (size - 1 >= sizeof(s))
		size = sizeof(s);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	if (data[0] & 1) {
		port(s);
		return 0;
	}
	if (data[0] & 4) {
		range(s);
		return 0;
	}
	if (data[0] & 2) {
		struct netrec r;
		uint32_t mask;

		if (netrec_parse(s, size - 1, &r))
			return 0;
		mask = htonl(~0u << (32 - r.br.prefix));
		if (r.br.prefix < 8 || r.br.prefix > 30 || (r.br.gw & mask) != r.br.net
		    || r.br.gw == r.br.net || !*r.br.name || strlen(r.br.name) > 15
		    || strchr(r.br.name, '/') || r.nlabels > NETREC_LABELS)
			abort();
		for (int i = 0; i < r.nlabels; i++)
			if (!strchr(r.labels[i], '='))
				abort();
		/* an IPv6 subnet holds its gateway and every IPv4 host's twin */
		if (r.br.prefix6 && (r.br.prefix6 < 16 || r.br.prefix6 > 96 + r.br.prefix
				     || !net_in6(r.br.net6, r.br.prefix6, r.br.gw6)))
			abort();
		return 0;
	}
	if (ipam_parse(s, size - 1, &l, boot))
		return 0;
	if (!l.addr || !*l.id || !*boot || l.nports < 0 || l.nports > PORTMAP_MAX)
		abort();
	for (int i = 0; i < l.nports; i++)
		if (!l.ports[i].port)
			abort();
	if (strlen(l.net) > NET_NAME_MAX || strlen(l.aliases) > NET_ALIASES_MAX
	    || l.dev < 0 || l.dev > NET_CONNECT_MAX
	    || strchr(l.name, ' ') || strchr(l.net, ' '))
		abort();
	return 0;
}
