/* port.c - `docker port`: a running container's published ports. */
//applet:port
//summary:list a container's published ports
//config:config APPLET_PORT
//config:	bool "port"
//config:	default y
//config:	depends on FEATURE_BRIDGE
//config:	help
//config:	  List the host ports a bridged container's ports are
//config:	  published on (-p, -P), like `docker port`.
//usage:CONTAINER [PORT[/PROTO]]
//usage:Print the published ports of running CONTAINER (a name, an ID or a
//usage:unique prefix of one), one a line: "80/tcp -> 0.0.0.0:8080"; with
//usage:PORT, only the host address of that port ("0.0.0.0:8080"), and exit
//usage:1 if it is not published.
//usage:
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "applet.h"
#include "bridge.h"
#include "container.h"
#include "err.h"
#include "store.h"

int port_main(int argc, char **argv)
{
	const char *root = NULL;
	char id[CONTAINER_ID_LEN + 1], ip[16];
	struct portmap want = { 0 };
	struct ipam_lease l;
	struct store s;
	int rc, found = 0;

	applet_store_options(argc, argv, &root);
	if (argc - optind < 1 || argc - optind > 2)
		die_usage("need CONTAINER and at most one PORT");
	if (argc - optind == 2 && (portmap_parse(argv[optind + 1], &want) || want.host_port))
		diex(EXIT_FAIL, "invalid port '%s': want PORT[/tcp|/udp]", argv[optind + 1]);
	if (store_open(&s, store_root(root), STORE_READ))
		die_err(EXIT_FAIL);
	if (container_resolve(&s, argv[optind], id))
		die_err(EXIT_FAIL);
	if ((rc = net_lease_get(s.root, id, NULL, &l)) < 0)
		die_err(EXIT_FAIL);
	store_close(&s);
	for (int i = 0; rc == 1 && i < l.nports; i++) {
		const struct portmap *p = &l.ports[i];

		if (want.port && (p->port != want.port || p->udp != want.udp))
			continue;
		net_ntoa(p->host_ip, ip);
		if (want.port)
			printf("%s:%u\n", ip, p->host_port);
		else
			printf("%u/%s -> %s:%u\n", p->port, p->udp ? "udp" : "tcp", ip, p->host_port);
		found = 1;
	}
	if (want.port && !found)
		diex(EXIT_FAIL, "no public port '%u/%s' published for %s", want.port,
		     want.udp ? "udp" : "tcp", argv[optind]);
	return EXIT_OK;
}
