/* network.c - `docker network`: user-defined bridge networks (create, ls,
 * inspect, rm, prune, connect, disconnect). The records and their
 * bridges are core/netrec.c's; the containers' side, connect and
 * disconnect included, core/bridge.c's (docs/network.md). */
//applet:network
//summary:manage networks (create, ls, inspect, rm, prune, connect, disconnect)
//config:config APPLET_NETWORK
//config:	bool "network (user-defined bridge networks)"
//config:	default y
//config:	depends on FEATURE_BRIDGE
//config:	help
//config:	  Docker's `network create/ls/inspect/rm/prune`: bridge
//config:	  networks of their own, whose containers reach each other
//config:	  by name (run --network NAME).
//usage:create|ls|inspect|rm|prune|connect|disconnect [OPTIONS] ...
//usage:  create [OPTIONS] NAME   a bridge network: its own bridge, subnet, NAT and
//usage:                      published ports; its containers reach each other by
//usage:                      name (their /etc/hosts), not the other networks'
//usage:      --subnet CIDR   its subnet (default: the first /24 free of
//usage:                      10.213.1.0 to 10.213.255.0, no network nor route of the
//usage:                      host in it)
//usage:      --gateway IP    the host's address on it (default: the first)
//usage:      --ipv6          IPv6 too: a second --subnet (and --gateway) of IPv6, or
//usage:                      a /64 of fd00:b0c:1::/64 to fd00:b0c:ffff::/64 free
//usage:      --internal      no outside access: no masquerade, nothing forwarded in
//usage:                      or out, no published ports
//usage:      --label K=V     a label (repeatable)
//usage:  -o, --opt com.docker.network.bridge.name=IF  its bridge's name (default
//usage:                      bxc- and 8 digits of its ID)
//usage:  -d, --driver bridge the only driver
//usage:  ls [-q] [--no-trunc] [-f K=V] [--format T]  NETWORK ID, NAME, DRIVER,
//usage:                      SCOPE of each, by name; -q: the IDs alone; -f: name=,
//usage:                      id=, driver=, label=K[=V], type=custom|builtin;
//usage:                      --format json, a template ({{.Name}} {{.ID}} {{.Driver}}
//usage:                      {{.Scope}} {{.IPv6}} {{.Internal}} {{.Labels}}
//usage:                      {{.CreatedAt}}), or "table T" with a header
//usage:  inspect [-f T] NETWORK...  as JSON, Docker's shape, with the running
//usage:                      containers on it; -f: a line per network from a template
//usage:  rm NETWORK...       remove networks: their bridges and rules; refused
//usage:                      while a container runs on one (named), and for bridge,
//usage:                      host and none
//usage:  prune [-f]          remove every user network no container runs on; asks
//usage:                      first unless -f
//usage:  connect [OPTIONS] NETWORK CONTAINER  the container on that network too:
//usage:                      eth1... at once if it runs, else at its next start
//usage:      --ip IP, --ip6 IP  its addresses there (default: chosen)
//usage:      --alias NAME    another name of it there (repeatable)
//usage:  disconnect [-f] NETWORK CONTAINER  a network connected to it goes: its
//usage:                      interface and address; -f: even a network removed since
//usage:NETWORK: a name, an ID or a unique prefix of one.
//usage:
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "json.h"
#include "netrec.h"
#include "store.h"
#include "template.h"

static const char *root_opt;

static const char *root(void)
{
	return store_root(root_opt);
}

/* --root and --runtime-dir, shared by every subcommand: 1 if taken. */
static int common_opt(int opt)
{
	if (opt == 'R')
		root_opt = optarg;
	else if (opt == 'D')
		container_runtime_dir(optarg);
	else if (opt == 'h')
		usage_exit(EXIT_OK);
	else
		return 0;
	return 1;
}

#define COMMON_OPTS { "root", required_argument, 0, 'R' }, \
	{ "runtime-dir", required_argument, 0, 'D' }, { "help", no_argument, 0, 'h' }

/* ---- create ------------------------------------------------------------- */

static int create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "subnet", required_argument, 0, 'S' }, { "gateway", required_argument, 0, 'G' },
		{ "internal", no_argument, 0, 'I' }, { "label", required_argument, 0, 'L' },
		{ "ipv6", no_argument, 0, '6' },
		{ "opt", required_argument, 0, 'o' }, { "driver", required_argument, 0, 'd' },
		COMMON_OPTS, { 0 }
	};
	const char *subnet = NULL, *gateway = NULL, *subnet6 = NULL, *gateway6 = NULL;
	struct netrec r;
	int opt;

	memset(&r, 0, sizeof(r));
	while ((opt = applet_getopt(argc, argv, "o:d:h", opts)) != -1) {
		if (common_opt(opt))
			continue;
		switch (opt) {
		/* one of each family, as Docker's: IPv6 ones have a colon */
		case 'S': *(strchr(optarg, ':') ? &subnet6 : &subnet) = optarg; break;
		case 'G': *(strchr(optarg, ':') ? &gateway6 : &gateway) = optarg; break;
		case '6': r.ipv6 = 1; break;
		case 'I': r.internal = 1; break;
		case 'L':
			if (r.nlabels == NETREC_LABELS || strlen(optarg) >= NETREC_LABEL_MAX
			    || strchr(optarg, '\n'))
				die_usage("at most %d labels of %d bytes", NETREC_LABELS,
					  NETREC_LABEL_MAX - 1);
			snprintf(r.labels[r.nlabels++], NETREC_LABEL_MAX, "%s%s", optarg,
				 strchr(optarg, '=') ? "" : "=");
			break;
		case 'o':
			if (strncmp(optarg, "com.docker.network.bridge.name=", 31)
			    || strlen(optarg + 31) >= sizeof(r.br.name))
				die_usage("unsupported option '%s' (com.docker.network.bridge.name=IF, "
					  "at most 15 bytes)", optarg);
			strcpy(r.br.name, optarg + 31);
			r.named = 1;
			break;
		case 'd':
			if (strcmp(optarg, "bridge"))
				diex(EXIT_FAIL, "plugin \"%s\" not found: boxcar has the bridge driver "
				     "only", optarg);
			break;
		default: die_usage("unknown option");
		}
	}
	if (argc - optind != 1)
		die_usage("create needs exactly one NAME");
	if (strlen(argv[optind]) >= sizeof(r.name) || !netrec_name_valid(argv[optind]))
		diex(EXIT_FAIL, "invalid network name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] "
		     "are allowed, at most %d", argv[optind], NET_NAME_MAX);
	strcpy(r.name, argv[optind]);
	if ((gateway && !subnet) || (gateway6 && !subnet6))
		diex(EXIT_FAIL, "--gateway needs --subnet (of its family)");
	if (subnet6 && !r.ipv6)
		diex(EXIT_FAIL, "an IPv6 --subnet needs --ipv6");
	if (subnet) {
		char spec[64], ip[20];
		uint32_t gw, net, a;

		snprintf(ip, sizeof(ip), "%.*s", (int)strcspn(subnet, "/"), subnet);
		if (bridge_subnet_parse(subnet, &r.br) || inet_pton(AF_INET, ip, &a) != 1
		    || a != r.br.net)
			diex(EXIT_FAIL, "invalid subnet %s: want A.B.C.D/PREFIX (8-30), its "
			     "network address", subnet);
		net = r.br.net;
		if (gateway) {
			snprintf(spec, sizeof(spec), "%s/%d", gateway, r.br.prefix);
			if (inet_pton(AF_INET, gateway, &gw) != 1 || bridge_subnet_parse(spec, &r.br)
			    || r.br.gw != gw || r.br.net != net)
				diex(EXIT_FAIL, "invalid gateway %s: not an address of subnet %s",
				     gateway, subnet);
		}
	}
	if (subnet6) {
		struct bridge_conf b = { .prefix = r.br.prefix ? r.br.prefix : 24 };
		char ip[INET6_ADDRSTRLEN];
		uint8_t a[16];

		/* the IPv4 prefix bounds it (bridge.h): a pool's is /24 */
		snprintf(ip, sizeof(ip), "%.*s", (int)strcspn(subnet6, "/"), subnet6);
		if (bridge_subnet6_parse(subnet6, &b) || inet_pton(AF_INET6, ip, a) != 1
		    || memcmp(a, b.net6, 16))
			diex(EXIT_FAIL, "invalid subnet %s: want X:X::/PREFIX (16-%d), its network "
			     "address", subnet6, 96 + b.prefix);
		memcpy(r.br.net6, b.net6, 16);
		r.br.prefix6 = b.prefix6;
		if (gateway6) {
			if (inet_pton(AF_INET6, gateway6, r.br.gw6) != 1
			    || !net_in6(b.net6, b.prefix6, r.br.gw6) || !memcmp(r.br.gw6, b.net6, 16))
				diex(EXIT_FAIL, "invalid gateway %s: not an address of subnet %s",
				     gateway6, subnet6);
			r.gw6_given = 1;
		}
	}
	if (netrec_create(root(), &r))
		die_err(EXIT_FAIL);
	puts(r.id);
	return EXIT_OK;
}

/* ---- ls ----------------------------------------------------------------- */

struct list {
	struct netrec *v;
	int n;
};

static int add(const struct netrec *r, void *arg)
{
	struct list *l = arg;
	struct netrec *v = realloc(l->v, (size_t)(l->n + 1) * sizeof(*v));

	if (!v)
		return err_setn(ENOMEM, "networks");
	l->v = v;
	l->v[l->n++] = *r;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct netrec *)a)->name, ((const struct netrec *)b)->name);
}

static const char *label_get(const struct netrec *r, const char *k, size_t n)
{
	for (int i = 0; i < r->nlabels; i++)
		if (!strncmp(r->labels[i], k, n) && r->labels[i][n] == '=')
			return r->labels[i] + n + 1;
	return NULL;
}

/* -f KEY=VALUE: filters of one key match if any does; all keys must. */
static int filter_one(const struct netrec *r, const char *f)
{
	const char *v = strchr(f, '=') + 1, *eq;
	size_t k = (size_t)(v - 1 - f);

	if (k == 4 && !strncmp(f, "name", 4))
		return strstr(r->name, v) != NULL;
	if (k == 2 && !strncmp(f, "id", 2))
		return !strncmp(r->id, v, strlen(v));
	if (k == 6 && !strncmp(f, "driver", 6))
		return !strcmp(r->driver, v);
	if (k == 4 && !strncmp(f, "type", 4))
		return !strcmp(v, r->builtin ? "builtin" : "custom");
	if (k == 5 && !strncmp(f, "scope", 5))
		return !strcmp(v, "local");
	/* label=K or label=K=V */
	eq = strchr(v, '=');
	k = eq ? (size_t)(eq - v) : strlen(v);
	v = label_get(r, v, k);
	return v && (!eq || !strcmp(v, eq + 1));
}

static int filters_match(const struct netrec *r, char **f, int n)
{
	for (int i = 0; i < n; i++) {
		int any = 0;
		size_t k = strcspn(f[i], "=");

		for (int j = 0; j < n && !any; j++)
			any = !strncmp(f[j], f[i], k + 1) && filter_one(r, f[j]);
		if (!any)
			return 0;
	}
	return 1;
}

static void labels_json(struct json_w *w, const struct netrec *r)
{
	jw_key(w, "Labels");
	jw_obj(w);
	for (int i = 0; i < r->nlabels; i++) {
		char k[NETREC_LABEL_MAX];
		size_t n = strcspn(r->labels[i], "=");

		memcpy(k, r->labels[i], n);
		k[n] = 0;
		jw_kstr(w, k, r->labels[i] + n + 1);
	}
	jw_end(w);
}

static const char *const ls_titles[][2] = {
	{ "ID", "NETWORK ID" }, { "Name", "NAME" }, { "Driver", "DRIVER" }, { "Scope", "SCOPE" },
	{ "CreatedAt", "CREATED AT" }, { "IPv6", "IPV6" }, { "Internal", "INTERNAL" },
	{ "Labels", "LABELS" },
};

/* One ls line through --format (NULL: the JSON line itself). */
static void ls_format(const struct netrec *r, int trunc, const char *format, FILE *out)
{
	char id[CONTAINER_ID_LEN + 1], t[48], labels[NETREC_LABELS * NETREC_LABEL_MAX + 1] = "";
	struct json_w w;

	snprintf(id, sizeof(id), "%.*s", trunc ? 12 : CONTAINER_ID_LEN, r->id);
	container_time(r->created, t, sizeof(t));
	for (int i = 0; i < r->nlabels; i++)
		snprintf(labels + strlen(labels), sizeof(labels) - strlen(labels), "%s%s",
			 i ? "," : "", r->labels[i]);
	jw_init(&w, 0);
	jw_obj(&w);
	jw_kstr(&w, "CreatedAt", r->builtin ? "" : t);
	jw_kstr(&w, "Driver", r->driver);
	jw_kstr(&w, "ID", id);
	jw_kstr(&w, "IPv6", r->br.prefix6 ? "true" : "false");
	jw_kstr(&w, "Internal", r->internal ? "true" : "false");
	jw_kstr(&w, "Labels", labels);
	jw_kstr(&w, "Name", r->name);
	jw_kstr(&w, "Scope", "local");
	jw_end(&w);
	if (jw_finish(&w) || template_line(format, w.buf, w.len, out))
		die_err(EXIT_FAIL);
	jw_free(&w);
}

static int ls(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, 0, 'q' }, { "no-trunc", no_argument, 0, 'T' },
		{ "filter", required_argument, 0, 'f' }, { "format", required_argument, 0, 'F' },
		COMMON_OPTS, { 0 }
	};
	static const char *const keys[] = { "name=", "id=", "driver=", "label=", "type=", "scope=" };
	struct list l = { NULL, 0 };
	const char *format = NULL;
	char **filters = calloc((size_t)argc + 1, sizeof(char *)), *buf = NULL;
	int opt, quiet = 0, trunc = 1, nf = 0, table = 0;
	size_t len = 0;
	FILE *out = stdout;

	if (!filters)
		die(EXIT_FAIL, "out of memory");
	while ((opt = applet_getopt(argc, argv, "qf:h", opts)) != -1) {
		if (common_opt(opt))
			continue;
		switch (opt) {
		case 'q': quiet = 1; break;
		case 'T': trunc = 0; break;
		case 'F': format = optarg; break;
		case 'f': {
			unsigned i;

			for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
				if (!strncmp(optarg, keys[i], strlen(keys[i])))
					break;
			if (i == sizeof(keys) / sizeof(keys[0]))
				diex(EXIT_FAIL, "invalid filter '%s'", optarg);
			filters[nf++] = optarg;
			break;
		}
		default: die_usage("unknown option");
		}
	}
	if (optind < argc)
		die_usage("ls takes no arguments");
	if (format && !strncmp(format, "table", 5) && (!format[5] || strchr(" \t", format[5]))) {
		format += 5 + strspn(format + 5, " \t");
		table = 1;
		if (!*format)
			format = "{{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";
	} else if (format && !strcmp(format, "json"))
		format = ""; /* the JSON lines themselves */
	else if (!format && !quiet) {
		format = "{{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";
		table = 1;
	}
	if (format && *format && template_check(format))
		die_usage("%s", err_msg());
	if (netrec_each(root(), add, &l) < 0)
		die_err(EXIT_FAIL);
	qsort(l.v, (size_t)l.n, sizeof(*l.v), by_name);
	if (table && !quiet) {
		if (!(out = open_memstream(&buf, &len)))
			die(EXIT_FAIL, "out of memory");
		template_table_header(format, ls_titles, sizeof(ls_titles) / sizeof(ls_titles[0]),
				      out);
	}
	for (int i = 0; i < l.n; i++) {
		if (!filters_match(&l.v[i], filters, nf))
			continue;
		if (quiet)
			printf("%.*s\n", trunc ? 12 : CONTAINER_ID_LEN, l.v[i].id);
		else
			ls_format(&l.v[i], trunc, *format ? format : NULL, out);
	}
	if (out != stdout) {
		fclose(out);
		template_table_print(buf);
		free(buf);
	}
	free(l.v);
	free(filters);
	return EXIT_OK;
}

/* ---- inspect ------------------------------------------------------------ */

struct members {
	struct json_w *w;
	const struct netrec *r;
};

static int member(const struct ipam_lease *l, void *arg)
{
	struct members *m = arg;
	char a[16], addr[24], mac[18], addr6[INET6_ADDRSTRLEN + 4] = "";

	if (strcmp(l->net, m->r->builtin ? "" : m->r->name) || !m->r->br.prefix)
		return 0;
	if (m->r->br.prefix6 && net_in6(m->r->br.net6, m->r->br.prefix6, l->addr6)) {
		inet_ntop(AF_INET6, l->addr6, addr6, INET6_ADDRSTRLEN);
		sprintf(addr6 + strlen(addr6), "/%d", m->r->br.prefix6);
	}
	net_ntoa(l->addr, a);
	snprintf(addr, sizeof(addr), "%s/%d", a, m->r->br.prefix);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", l->mac[0], l->mac[1],
		 l->mac[2], l->mac[3], l->mac[4], l->mac[5]);
	jw_key(m->w, l->id);
	jw_obj(m->w);
	jw_kstr(m->w, "Name", l->name);
	jw_kstr(m->w, "EndpointID", "");
	jw_kstr(m->w, "MacAddress", mac);
	jw_kstr(m->w, "IPv4Address", addr);
	jw_kstr(m->w, "IPv6Address", addr6);
	jw_end(m->w);
	return 0;
}

static void inspect_one(struct json_w *w, const struct netrec *r)
{
	struct members m = { w, r };
	char t[64], a[16];
	int lock, stale = 0;

	container_time(r->created, t, sizeof(t));
	jw_obj(w);
	jw_kstr(w, "Name", r->name);
	jw_kstr(w, "Id", r->id);
	jw_kstr(w, "Created", r->builtin ? "0001-01-01T00:00:00Z" : t);
	jw_kstr(w, "Scope", "local");
	jw_kstr(w, "Driver", r->driver);
	jw_key(w, "EnableIPv6");
	jw_bool(w, r->br.prefix6 != 0);
	jw_key(w, "IPAM");
	jw_obj(w);
	jw_kstr(w, "Driver", "default");
	jw_key(w, "Options");
	jw_null(w);
	jw_key(w, "Config");
	jw_arr(w);
	if (r->br.prefix) {
		jw_obj(w);
		net_ntoa(r->br.net, a);
		snprintf(t, sizeof(t), "%s/%d", a, r->br.prefix);
		jw_kstr(w, "Subnet", t);
		net_ntoa(r->br.gw, a);
		jw_kstr(w, "Gateway", a);
		jw_end(w);
	}
	if (r->br.prefix6) {
		char a6[INET6_ADDRSTRLEN];

		jw_obj(w);
		inet_ntop(AF_INET6, r->br.net6, a6, sizeof(a6));
		snprintf(t, sizeof(t), "%s/%d", a6, r->br.prefix6);
		jw_kstr(w, "Subnet", t);
		inet_ntop(AF_INET6, r->br.gw6, a6, sizeof(a6));
		jw_kstr(w, "Gateway", a6);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	jw_key(w, "Internal");
	jw_bool(w, r->internal);
	jw_key(w, "Attachable");
	jw_bool(w, 0);
	jw_key(w, "Ingress");
	jw_bool(w, 0);
	jw_key(w, "ConfigFrom");
	jw_obj(w);
	jw_kstr(w, "Network", "");
	jw_end(w);
	jw_key(w, "ConfigOnly");
	jw_bool(w, 0);
	jw_key(w, "Containers");
	jw_obj(w);
	if (r->br.prefix && (lock = ipam_lock(root())) >= 0) {
		if (ipam_each(root(), member, &m, &stale))
			warn("%s", err_msg());
		ipam_unlock(lock);
	}
	jw_end(w);
	jw_key(w, "Options");
	jw_obj(w);
	if (r->builtin && r->br.prefix) { /* as docker0's */
		jw_kstr(w, "com.docker.network.bridge.default_bridge", "true");
		jw_kstr(w, "com.docker.network.bridge.enable_icc", "true");
		jw_kstr(w, "com.docker.network.bridge.enable_ip_masquerade", "true");
		jw_kstr(w, "com.docker.network.bridge.host_binding_ipv4", "0.0.0.0");
	}
	if (r->named || (r->builtin && r->br.prefix))
		jw_kstr(w, "com.docker.network.bridge.name", r->br.name);
	jw_end(w);
	labels_json(w, r);
	jw_end(w);
}

static int inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, 0, 'f' }, { "verbose", no_argument, 0, 'v' },
		COMMON_OPTS, { 0 }
	};
	const char *format = NULL;
	struct json_w w;
	struct netrec r;
	int opt, rc = EXIT_OK;

	while ((opt = applet_getopt(argc, argv, "f:vh", opts)) != -1) {
		if (common_opt(opt) || opt == 'v')
			continue;
		if (opt != 'f')
			die_usage("unknown option");
		if (template_check(optarg))
			die_usage("%s", err_msg());
		format = optarg;
	}
	if (optind >= argc)
		die_usage("inspect needs a NETWORK");
	jw_init(&w, 1);
	jw_arr(&w);
	for (int i = optind; i < argc; i++) {
		if (netrec_find(root(), argv[i], &r)) {
			warnx("%s", err_msg());
			rc = EXIT_FAIL;
			continue;
		}
		inspect_one(&w, &r);
	}
	jw_end(&w);
	if (jw_finish(&w))
		die_err(EXIT_FAIL);
	if (format) {
		if (template_each(format, w.buf, w.len, stdout))
			die_err(EXIT_FAIL);
	} else if (rc == EXIT_OK || w.len > 3)
		fwrite(w.buf, 1, w.len, stdout);
	jw_free(&w);
	return rc;
}

/* ---- connect, disconnect ------------------------------------------------- */

static int connect_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ip", required_argument, 0, 'i' }, { "ip6", required_argument, 0, '6' },
		{ "alias", required_argument, 0, 'a' }, COMMON_OPTS, { 0 }
	};
	const char *ip = NULL, *ip6 = NULL;
	char **aliases = calloc((size_t)argc + 1, sizeof(char *)), id[CONTAINER_ID_LEN + 1];
	uint8_t a[16];
	struct store s;
	int opt, n = 0;

	if (!aliases)
		die(EXIT_FAIL, "out of memory");
	while ((opt = applet_getopt(argc, argv, "h", opts)) != -1) {
		if (common_opt(opt))
			continue;
		switch (opt) {
		case 'i': ip = optarg; break;
		case '6': ip6 = optarg; break;
		case 'a':
			if (!netrec_name_valid(optarg))
				diex(EXIT_FAIL, "invalid alias \"%s\"", optarg);
			aliases[n++] = optarg;
			break;
		default: die_usage("unknown option");
		}
	}
	if (argc - optind != 2)
		die_usage("connect needs a NETWORK and a CONTAINER");
	if (ip && inet_pton(AF_INET, ip, a) != 1)
		diex(EXIT_FAIL, "invalid IPv4 address: %s", ip);
	if (ip6 && inet_pton(AF_INET6, ip6, a) != 1)
		diex(EXIT_FAIL, "invalid IPv6 address: %s", ip6);
	if (store_open(&s, root(), STORE_RECORDS) || container_resolve(&s, argv[optind + 1], id)
	    || net_connect(&s, id, argv[optind], ip, ip6, aliases))
		die_err(EXIT_FAIL);
	store_close(&s);
	free(aliases);
	return EXIT_OK;
}

static int disconnect_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, 0, 'f' }, COMMON_OPTS, { 0 }
	};
	char id[CONTAINER_ID_LEN + 1];
	struct store s;
	int opt, force = 0;

	while ((opt = applet_getopt(argc, argv, "fh", opts)) != -1)
		if (!common_opt(opt)) {
			if (opt != 'f')
				die_usage("unknown option");
			force = 1;
		}
	if (argc - optind != 2)
		die_usage("disconnect needs a NETWORK and a CONTAINER");
	if (store_open(&s, root(), STORE_RECORDS) || container_resolve(&s, argv[optind + 1], id)
	    || net_disconnect(&s, id, argv[optind], force))
		die_err(EXIT_FAIL);
	store_close(&s);
	return EXIT_OK;
}

/* ---- rm, prune ---------------------------------------------------------- */

static int rm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, 0, 'f' }, COMMON_OPTS, { 0 }
	};
	char name[NET_NAME_MAX + 1];
	int opt, rc = EXIT_OK;

	while ((opt = applet_getopt(argc, argv, "fh", opts)) != -1)
		if (!common_opt(opt) && opt != 'f')
			die_usage("unknown option");
	if (optind >= argc)
		die_usage("rm needs a NETWORK");
	for (int i = optind; i < argc; i++)
		if (netrec_remove(root(), argv[i], name)) {
			warnx("%s", err_msg());
			rc = EXIT_FAIL;
		} else
			puts(argv[i]);
	return rc;
}

static int prune(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, 0, 'f' }, { "filter", required_argument, 0, 'F' },
		COMMON_OPTS, { 0 }
	};
	struct list l = { NULL, 0 };
	char name[NET_NAME_MAX + 1], line[16];
	int opt, force = 0, rc = EXIT_OK, n = 0;

	while ((opt = applet_getopt(argc, argv, "fh", opts)) != -1) {
		if (common_opt(opt))
			continue;
		if (opt == 'F')
			diex(EXIT_FAIL, "prune: --filter is not supported");
		if (opt != 'f')
			die_usage("unknown option");
		force = 1;
	}
	if (optind < argc)
		die_usage("prune takes no arguments");
	if (!force) {
		printf("WARNING! This will remove all custom networks not used by at least one "
		       "container.\nAre you sure you want to continue? [y/N] ");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y'))
			return EXIT_OK;
	}
	if (netrec_each(root(), add, &l) < 0)
		die_err(EXIT_FAIL);
	for (int i = 0; i < l.n; i++) {
		if (l.v[i].builtin)
			continue;
		if (netrec_remove(root(), l.v[i].name, name)) {
			if (err_errno() == EBUSY)
				continue; /* in use: not pruned */
			warnx("%s", err_msg());
			rc = EXIT_FAIL;
			continue;
		}
		if (!n++)
			puts("Deleted Networks:");
		puts(name);
	}
	free(l.v);
	return rc;
}

int network_main(int argc, char **argv)
{
	static const struct {
		const char *name, *alias;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "create", NULL, create }, { "ls", "list", ls }, { "inspect", NULL, inspect },
		{ "rm", "remove", rm }, { "prune", NULL, prune },
		{ "connect", NULL, connect_cmd }, { "disconnect", NULL, disconnect_cmd },
	};

	applet_help_anywhere(argc, argv); /* network SUBCOMMAND --help too */
	if (argc < 2)
		die_usage("missing subcommand");
	if (argv[1][0] == '-')
		die_usage("unknown option '%s'", argv[1]);
	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name) || (cmds[i].alias && !strcmp(argv[1], cmds[i].alias)))
			return cmds[i].fn(argc - 1, argv + 1);
	die_usage("unknown subcommand '%s' (create, ls, inspect, rm, prune, connect, "
		  "disconnect)", argv[1]);
}
