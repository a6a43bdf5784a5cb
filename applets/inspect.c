/* inspect.c - containers and images as a JSON array in Docker's shape,
 * so `jq '.[0].GraphDriver'`, `.[0].State.Pid` and friends read the same
 * as with docker. Fields are Docker's where the meaning is the same;
 * boxcar has no daemon or volumes, so those are left out. */
//applet:inspect
//summary:show containers or images as JSON
//config:config APPLET_INSPECT
//config:	bool "inspect"
//config:	default y
//config:	help
//config:	  Print containers and images as a JSON array shaped like
//config:	  `docker inspect`: State, HostConfig, GraphDriver (the overlay
//config:	  dirs), Mounts, Config.
//usage:[-f FORMAT] [--type container|image] NAME|ID...
//usage:Print each container (ID, unique ID prefix or name), or else image
//usage:(NAME[:TAG] or ID), as an element of one JSON array.
//usage:
//usage:  -f, --format T     instead, a line per object from the Go-style template
//usage:                     T: {{.State.Pid}}, {{json .Mounts}}, \t, \n
//usage:  --type T           only look for containers, or only for images
//usage:  --root DIR         store directory (default $BOXCAR_ROOT or the built-in one)
//usage:  --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "bridge.h"
#include "netrec.h"
#include "caps.h"
#include "container.h"
#include "err.h"
#include "overlay.h"
#include "fsutil.h"
#include "health.h"
#include "image.h"
#include "json.h"
#include "signame.h"
#include "store.h"
#include "template.h"

static void caps(struct json_w *w, const char *key, uint64_t mask)
{
	char name[32];

	jw_key(w, key);
	if (!mask) {
		jw_null(w);
		return;
	}
	jw_arr(w);
	for (unsigned i = 0; i < 64; i++) {
		if (!(mask & (1ull << i)))
			continue;
		if (cap_name((int)i))
			snprintf(name, sizeof(name), "CAP_%s", cap_name((int)i));
		else
			snprintf(name, sizeof(name), "CAP_%u", i);
		jw_str(w, name);
	}
	jw_end(w);
}

static void list(struct json_w *w, const char *key, char **l, int from, int to)
{
	jw_key(w, key);
	if (!l || from >= to) {
		jw_null(w);
		return;
	}
	jw_arr(w);
	for (int i = from; i < to && l[i]; i++)
		jw_str(w, l[i]);
	jw_end(w);
}

static void boolean(struct json_w *w, const char *key, int v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

static void timestamp(struct json_w *w, const char *key, int64_t ns)
{
	char t[48];

	container_time(ns, t, sizeof(t));
	jw_kstr(w, key, t);
}

static void state(struct json_w *w, const struct container_state *st, int paused,
		  const struct store *s, const char *id)
{
	jw_key(w, "State");
	jw_obj(w);
	jw_kstr(w, "Status", paused ? "paused" : container_status_name(st->status));
	boolean(w, "Running", st->status == ST_RUNNING || st->status == ST_RESTARTING);
	boolean(w, "Paused", paused);
	boolean(w, "Restarting", st->status == ST_RESTARTING);
	boolean(w, "OOMKilled", st->oom_killed);
	boolean(w, "Dead", st->status == ST_DEAD);
	jw_kint(w, "Pid", st->status == ST_RUNNING ? st->pid : 0);
	jw_kint(w, "ExitCode", st->exit_code);
	jw_kstr(w, "Error", st->error);
	timestamp(w, "StartedAt", st->started_at);
	timestamp(w, "FinishedAt", st->finished_at);
	health_inspect_json(s, id, w); /* State.Health, when it has a check */
	jw_end(w);
}

/* Docker's lists: [] when empty ("ExtraHosts" null then, as Docker). */
static void str_list(struct json_w *w, const char *key, char **l)
{
	jw_key(w, key);
	if (!l && !strcmp(key, "ExtraHosts")) {
		jw_null(w);
		return;
	}
	jw_arr(w);
	for (int i = 0; l && l[i]; i++)
		jw_str(w, l[i]);
	jw_end(w);
}

static void host_config(struct json_w *w, const struct container_spec *c)
{
	char bind[2 * PATH_MAX + 8];
	int tmpfs = 0;

	jw_key(w, "HostConfig");
	jw_obj(w);
	str_list(w, "Dns", c->dns);
	str_list(w, "DnsSearch", c->dns_search);
	str_list(w, "DnsOptions", c->dns_options);
	str_list(w, "ExtraHosts", c->extra_hosts);
	jw_key(w, "Binds");
	jw_arr(w);
	for (int i = 0; i < c->nmounts; i++) {
		if (c->mounts[i].tmpfs || !c->mounts[i].source) {
			tmpfs++;
			continue;
		}
		snprintf(bind, sizeof(bind), "%s:%s%s", c->mounts[i].source, c->mounts[i].target,
			 c->mounts[i].readonly ? ":ro" : "");
		jw_str(w, bind);
	}
	jw_end(w);
	if (c->net == NET_CONTAINER) {
		snprintf(bind, sizeof(bind), "container:%s", c->net_container);
		jw_kstr(w, "NetworkMode", bind);
	} else if (c->network)
		jw_kstr(w, "NetworkMode", c->network);
	else
		jw_kstr(w, "NetworkMode", container_net_name(c->net));
	jw_key(w, "RestartPolicy");
	jw_obj(w);
	jw_kstr(w, "Name", container_restart_name(c->restart));
	jw_kint(w, "MaximumRetryCount", c->restart_max);
	jw_end(w);
	boolean(w, "AutoRemove", c->auto_remove);
	caps(w, "CapAdd", c->cap_add);
	caps(w, "CapDrop", c->cap_drop);
	boolean(w, "Privileged", c->privileged);
	jw_key(w, "SecurityOpt");
	if (c->seccomp_unconfined) {
		jw_arr(w);
		jw_str(w, "seccomp=unconfined");
		jw_end(w);
	} else
		jw_null(w);
	jw_key(w, "Devices");
	jw_arr(w);
	for (int i = 0; i < c->ndevices; i++) {
		jw_obj(w);
		jw_kstr(w, "PathOnHost", c->devices[i].host ? c->devices[i].host : "");
		jw_kstr(w, "PathInContainer", c->devices[i].path ? c->devices[i].path : "");
		jw_kstr(w, "CgroupPermissions", c->devices[i].perms);
		jw_end(w);
	}
	jw_end(w);
	boolean(w, "ReadonlyRootfs", c->read_only);
	jw_key(w, "Tmpfs");
	if (tmpfs) {
		jw_obj(w);
		for (int i = 0; i < c->nmounts; i++)
			if (c->mounts[i].tmpfs || !c->mounts[i].source)
				jw_kstr(w, c->mounts[i].target, "");
		jw_end(w);
	} else
		jw_null(w);
	jw_kint(w, "Memory", c->memory);
	jw_kint(w, "MemorySwap", c->memory_swap);
	jw_kint(w, "NanoCpus", c->cpu_millis * 1000000);
	jw_kint(w, "CpuShares", c->cpu_shares);
	jw_key(w, "PidsLimit");
	if (c->pids_limit > 0) /* 0, -1: no limit */
		jw_int(w, c->pids_limit);
	else
		jw_null(w);
	jw_key(w, "StorageOpt");
	if (c->storage_size) {
		jw_obj(w);
		jw_kstr(w, "size", c->storage_size);
		jw_end(w);
	} else
		jw_null(w);
	boolean(w, "Init", c->init);
	jw_key(w, "LogConfig");
	jw_obj(w);
	jw_kstr(w, "Type", "json-file");
	jw_key(w, "Config");
	jw_obj(w);
	if (c->log_max_file)
		jw_kstr(w, "max-file", c->log_max_file);
	if (c->log_max_size)
		jw_kstr(w, "max-size", c->log_max_size);
	jw_end(w);
	jw_end(w);
	jw_end(w);
}

static void path_field(struct json_w *w, const struct store *s, const char *key,
		       const char *id, const char *sub)
{
	char path[PATH_MAX];

	if (container_dir(s, id, path) || path_join(path, path, sub))
		*path = 0;
	jw_kstr(w, key, path);
}

static void graph_driver(struct json_w *w, const struct store *s, const struct container_spec *c)
{
	char lower[16 * 1024], path[PATH_MAX];
	size_t len = 0;
	int n = 0;

	while (c->layers && c->layers[n])
		n++;
	/* topmost first, as overlay's lowerdir and docker list them: the
	 * store's init layer over the image's (overlay.h) */
	*lower = 0;
	if (!store_path(s, path, "init"))
		len = (size_t)snprintf(lower, sizeof(lower), "%s", path);
	for (int i = n - 1; i >= 0; i--) {
		const char *d = c->layers[i];

		if (strncmp(d, "sha256:", 7) || store_path(s, path, "layers/%s/diff", d + 7))
			continue;
		len += snprintf(lower + len, sizeof(lower) - len, "%s%s", len ? ":" : "", path);
		if (len >= sizeof(lower)) {
			lower[sizeof(lower) - 1] = 0;
			break;
		}
	}
	jw_key(w, "GraphDriver");
	jw_obj(w);
	jw_key(w, "Data");
	jw_obj(w);
	jw_kstr(w, "LowerDir", lower);
	path_field(w, s, "MergedDir", c->id, "merged");
	if (overlay_dir(s, c->id, "diff", path))
		*path = 0;
	jw_kstr(w, "UpperDir", path);
	if (overlay_dir(s, c->id, "work", path))
		*path = 0;
	jw_kstr(w, "WorkDir", path);
	jw_end(w);
	jw_kstr(w, "Name", "overlay");
	jw_end(w);
}

static void mounts(struct json_w *w, const struct container_spec *c)
{
	jw_key(w, "Mounts");
	jw_arr(w);
	for (int i = 0; i < c->nmounts; i++) {
		const struct mount_spec *m = &c->mounts[i];
		int tmpfs = m->tmpfs || !m->source;

		jw_obj(w);
		jw_kstr(w, "Type", m->volume ? "volume" : tmpfs ? "tmpfs" : "bind");
		if (m->volume)
			jw_kstr(w, "Name", m->volume);
		jw_kstr(w, "Source", tmpfs ? "" : m->source);
		jw_kstr(w, "Destination", m->target);
		if (m->volume)
			jw_kstr(w, "Driver", "local");
		jw_kstr(w, "Mode", m->readonly ? "ro" : "");
		boolean(w, "RW", !m->readonly);
		jw_kstr(w, "Propagation", tmpfs || m->volume ? "" : "rprivate");
		jw_end(w);
	}
	jw_end(w);
}

/* The image's labels: containers carry them in Config.Labels. */
static void labels(struct json_w *w, const struct store *s, const struct container_spec *c)
{
	struct image im;
	uint32_t cfg, l;

	jw_key(w, "Labels");
	jw_obj(w);
	if (*c->manifest && !image_open_manifest(s, c->manifest, &im)) {
		cfg = json_get(&im.config, 0, "config");
		l = cfg ? json_get(&im.config, cfg, "Labels") : 0;
		if (l && json_type(&im.config, l) == JSON_OBJECT)
			for (uint32_t k = json_first(&im.config, l); k; k = json_next(&im.config, k))
				if (json_str(&im.config, k) && json_str(&im.config, k + 1))
					jw_kstr(w, json_str(&im.config, k), json_str(&im.config, k + 1));
		image_close(&im);
	}
	jw_end(w);
}

static void config(struct json_w *w, const struct store *s, const struct container_spec *c)
{
	int argc = 0;
	char host[16];

	while (c->argv && c->argv[argc])
		argc++;
	snprintf(host, sizeof(host), "%.12s", c->id);
	jw_key(w, "Config");
	jw_obj(w);
	jw_kstr(w, "Hostname", c->hostname ? c->hostname : host);
	jw_kstr(w, "Domainname", "");
	jw_kstr(w, "User", c->user ? c->user : "");
	boolean(w, "AttachStdin", c->interactive && !c->detach);
	boolean(w, "AttachStdout", !c->detach);
	boolean(w, "AttachStderr", !c->detach);
	boolean(w, "Tty", c->tty);
	boolean(w, "OpenStdin", c->interactive);
	list(w, "Env", c->env, 0, INT_MAX);
	list(w, "Cmd", c->argv, c->argv_entrypoint, argc);
	jw_kstr(w, "Image", c->image ? c->image : c->image_id);
	jw_kstr(w, "WorkingDir", c->workdir ? c->workdir : "");
	list(w, "Entrypoint", c->argv, 0, c->argv_entrypoint);
	labels(w, s, c);
	if (c->stop_signal)
		jw_kstr(w, "StopSignal", sig_name(c->stop_signal));
	jw_end(w);
}

/* Networks.NAME of a network connected to it (network connect): entry
 * is "NAME [ip=A] [ip6=A] [alias=N]..." (container.h). */
static void connected(struct json_w *w, const struct store *s, const struct container_spec *c,
		      const char *entry, int running)
{
	struct ipam_lease l = { 0 };
	struct netrec r = { 0 };
	char words[512], *p = words, *name, *a, ip[16] = "", gw[16] = "", mac[18] = "";
	char ip6[INET6_ADDRSTRLEN] = "", gw6[INET6_ADDRSTRLEN] = "";
	int live = 0;

	snprintf(words, sizeof(words), "%s", entry);
	name = ipam_word(&p);
	if (!netrec_find(s->root, name, &r) && running
	    && net_lease_get(s->root, c->id, r.builtin ? "" : r.name, &l) == 1) {
		live = 1;
		net_ntoa(l.addr, ip);
		net_ntoa(r.br.gw, gw);
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", l.mac[0], l.mac[1],
			 l.mac[2], l.mac[3], l.mac[4], l.mac[5]);
		if (r.br.prefix6) {
			inet_ntop(AF_INET6, l.addr6, ip6, sizeof(ip6));
			inet_ntop(AF_INET6, r.br.gw6, gw6, sizeof(gw6));
		}
	}
	jw_key(w, name);
	jw_obj(w);
	jw_key(w, "Aliases");
	jw_arr(w);
	while (*(a = ipam_word(&p)))
		if (!strncmp(a, "alias=", 6))
			jw_str(w, a + 6);
	jw_end(w);
	jw_kstr(w, "NetworkID", r.id);
	jw_kstr(w, "Gateway", gw);
	jw_kstr(w, "IPAddress", ip);
	jw_kint(w, "IPPrefixLen", live ? r.br.prefix : 0);
	jw_kstr(w, "GlobalIPv6Address", ip6);
	jw_kint(w, "GlobalIPv6PrefixLen", *ip6 ? r.br.prefix6 : 0);
	jw_kstr(w, "IPv6Gateway", gw6);
	jw_kstr(w, "MacAddress", mac);
	jw_end(w);
}

/* Docker's NetworkSettings: a bridged container's address, gateway,
 * MAC and published ports while it runs (from its lease, bridge.h);
 * empty otherwise, its ports then listed without bindings. On a user
 * network, as Docker, the address is in Networks.NAME only. */
static void network_settings(struct json_w *w, const struct store *s,
			     const struct container_spec *c, const struct container_state *st)
{
	struct ipam_lease l = { 0 };
	struct netrec r = { 0 };
	struct bridge_conf b = { 0 };
	struct portmap p[PORTMAP_MAX];
	char ip[16] = "", gw[16] = "", mac[18] = "", key[16], port[8];
	const char *net = c->network ? c->network : "bridge";
	int live = 0, np = 0, user = c->network != NULL, prefix6 = 0;
	char ip6[INET6_ADDRSTRLEN] = "", gw6[INET6_ADDRSTRLEN] = "";

	if (ENABLED(FEATURE_BRIDGE) && c->net == NET_BRIDGE && st->status == ST_RUNNING
	    && net_lease_get(s->root, c->id, NULL, &l) == 1 && !netrec_find(s->root, net, &r)) {
		b = r.br;
		live = 1;
		net_ntoa(l.addr, ip);
		net_ntoa(b.gw, gw);
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", l.mac[0], l.mac[1],
			 l.mac[2], l.mac[3], l.mac[4], l.mac[5]);
		np = l.nports;
		memcpy(p, l.ports, sizeof(p));
		if (b.prefix6 && memcmp(l.addr6, (uint8_t[16]){ 0 }, 16)) {
			inet_ntop(AF_INET6, l.addr6, ip6, sizeof(ip6));
			inet_ntop(AF_INET6, b.gw6, gw6, sizeof(gw6));
			prefix6 = b.prefix6;
		}
	} else
		for (int i = 0; ENABLED(FEATURE_BRIDGE) && c->ports && c->ports[i] && np < PORTMAP_MAX; i++)
			np += !portmap_parse(c->ports[i], &p[np]);
	jw_key(w, "NetworkSettings");
	jw_obj(w);
	jw_key(w, "Ports");
	jw_obj(w);
	for (int i = 0; i < np; i++) {
		int seen = 0;

		for (int j = 0; j < i; j++)
			seen |= p[j].port == p[i].port && p[j].udp == p[i].udp;
		if (seen)
			continue;
		snprintf(key, sizeof(key), "%u/%s", p[i].port, p[i].udp ? "udp" : "tcp");
		jw_key(w, key);
		if (!live) {
			jw_null(w);
			continue;
		}
		jw_arr(w);
		for (int j = i; j < np; j++) {
			if (p[j].port != p[i].port || p[j].udp != p[i].udp)
				continue;
			jw_obj(w);
			net_ntoa(p[j].host_ip, key);
			jw_kstr(w, "HostIp", key);
			snprintf(port, sizeof(port), "%u", p[j].host_port);
			jw_kstr(w, "HostPort", port);
			jw_end(w);
		}
		jw_end(w);
	}
	jw_end(w);
	jw_kstr(w, "Gateway", user ? "" : gw);
	jw_kstr(w, "IPAddress", user ? "" : ip);
	jw_kint(w, "IPPrefixLen", live && !user ? b.prefix : 0);
	jw_kstr(w, "GlobalIPv6Address", user ? "" : ip6);
	jw_kint(w, "GlobalIPv6PrefixLen", user ? 0 : prefix6);
	jw_kstr(w, "IPv6Gateway", user ? "" : gw6);
	jw_kstr(w, "MacAddress", user ? "" : mac);
	jw_key(w, "Networks");
	jw_obj(w);
	if (c->net == NET_BRIDGE) {
		jw_key(w, net);
		jw_obj(w);
		jw_key(w, "Aliases");
		jw_arr(w);
		for (int i = 0; c->net_aliases && c->net_aliases[i]; i++)
			jw_str(w, c->net_aliases[i]);
		jw_end(w);
		jw_kstr(w, "NetworkID", r.id);
		jw_kstr(w, "Gateway", gw);
		jw_kstr(w, "IPAddress", ip);
		jw_kint(w, "IPPrefixLen", live ? b.prefix : 0);
		jw_kstr(w, "GlobalIPv6Address", ip6);
		jw_kint(w, "GlobalIPv6PrefixLen", prefix6);
		jw_kstr(w, "IPv6Gateway", gw6);
		jw_kstr(w, "MacAddress", mac);
		jw_end(w);
	}
	for (int i = 0; ENABLED(APPLET_NETWORK) && c->connected && c->connected[i]; i++)
		connected(w, s, c, c->connected[i], st->status == ST_RUNNING);
	jw_end(w);
	jw_end(w);
}

static int inspect_container(struct json_w *w, const struct store *s, const char *id)
{
	struct container_spec c;
	struct container_state st;
	char name[CONTAINER_NAME_MAX + 2];
	int argc = 0;

	if (container_spec_load(s, id, &c))
		return -1;
	if (container_state_load(s, id, &st)) {
		container_spec_free(&c);
		return -1;
	}
	while (c.argv && c.argv[argc])
		argc++;
	jw_obj(w);
	jw_kstr(w, "Id", c.id);
	timestamp(w, "Created", c.created);
	jw_kstr(w, "Path", argc ? c.argv[0] : "");
	jw_key(w, "Args");
	jw_arr(w);
	for (int i = 1; i < argc; i++)
		jw_str(w, c.argv[i]);
	jw_end(w);
	state(w, &st, st.status == ST_RUNNING && container_paused(id), s, id);
	jw_kstr(w, "Image", c.image_id);
	path_field(w, s, "LogPath", c.id, "container.log");
	path_field(w, s, "ResolvConfPath", c.id, "resolv.conf");
	path_field(w, s, "HostnamePath", c.id, "hostname");
	path_field(w, s, "HostsPath", c.id, "hosts");
	snprintf(name, sizeof(name), "/%s", c.name);
	jw_kstr(w, "Name", name);
	jw_kint(w, "RestartCount", st.restart_count);
	jw_kstr(w, "Driver", "overlay");
	jw_kstr(w, "Platform", "linux");
	host_config(w, &c);
	graph_driver(w, s, &c);
	mounts(w, &c);
	config(w, s, &c);
	network_settings(w, s, &c, &st);
	jw_end(w);
	container_spec_free(&c);
	return 0;
}

int inspect_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, 0, 'f' },
		{ "type", required_argument, 0, 't' },
		{ 0 }
	};
	const char *root = NULL, *type = NULL, *format = NULL;
	char id[CONTAINER_ID_LEN + 1];
	struct json_w w;
	struct store s;
	int opt, rc = EXIT_OK;

	while ((opt = applet_getopt_store(argc, argv, "f:h", opts, &root)) != -1) {
		switch (opt) {
		case 'f':
			if (template_check(optarg))
				die_usage("%s", err_msg());
			format = optarg;
			break;
		case 't':
			if (strcmp(optarg, "container") && strcmp(optarg, "image"))
				die_usage("--type: container or image");
			type = optarg;
			break;
		default: die_usage("unknown option");
		}
	}
	if (optind >= argc)
		die_usage("need a container or image");
	if (store_open(&s, store_root(root), STORE_RECORDS))
		die_err(EXIT_FAIL);
	jw_init(&w, 1);
	jw_arr(&w);
	for (int i = optind; i < argc; i++) {
		struct image im;

		if ((!type || *type == 'c') && !container_resolve(&s, argv[i], id)) {
			if (inspect_container(&w, &s, id)) {
				errno = err_errno();
				warn("%s: %s", argv[i], err_msg());
				rc = EXIT_FAIL;
			}
			continue;
		}
		if ((!type || *type == 'i') && !image_open(&s, argv[i], &im)) {
			image_inspect_json(&w, &s, &im);
			image_close(&im);
			continue;
		}
		warnx("no such object: %s", argv[i]);
		rc = EXIT_FAIL;
	}
	jw_end(&w);
	store_close(&s);
	if (jw_finish(&w))
		die_err(EXIT_FAIL);
	if (format) {
		if (template_each(format, w.buf, w.len, stdout))
			die_err(EXIT_FAIL);
	} else
		fwrite(w.buf, 1, w.len, stdout);
	jw_free(&w);
	return rc;
}
