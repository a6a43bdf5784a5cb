/* netrec.c - network records (see netrec.h). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "digest.h"
#include "err.h"
#include "fsutil.h"
#include "ipam.h"
#include "netlink.h"
#include "netrec.h"
#include "number.h"

#define NETREC_MAX 4096 /* bytes: 16 labels of 128 and the rest */

static const char *const builtins[] = { "bridge", "host", "none" };

int netrec_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > NET_NAME_MAX || !strchr("0123456789abcdefghijklmnopqrstuvwxyz"
					       "ABCDEFGHIJKLMNOPQRSTUVWXYZ", *name) || !*name)
		return 0;
	return strspn(name, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-")
		== n;
}

/* An interface name a bridge may have: 1-15 bytes, none of / : blank. */
static int ifname_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= 16 || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '/' || *s == ':' || *s == '"' || *s == 0x7f)
			return 0;
	return 1;
}

/* The built-in networks: Docker makes their IDs at random when its
 * daemon first starts; ours are the SHA-256 of "boxcar network NAME",
 * the same in every store and never changing. */
static void builtin_rec(const char *name, struct netrec *r)
{
	unsigned char sum[DIGEST_LEN];
	char what[32];

	memset(r, 0, sizeof(*r));
	strcpy(r->name, name);
	sha256(what, (size_t)snprintf(what, sizeof(what), "boxcar network %s", name), sum);
	for (unsigned i = 0; i < 32; i++)
		sprintf(r->id + 2 * i, "%02x", sum[i]);
	r->builtin = 1;
	r->driver = name[0] == 'b' ? "bridge" : name[0] == 'h' ? "host" : "null";
}

static int nets_dir(const char *root, char *buf)
{
	if (snprintf(buf, PATH_MAX, "%s/network/nets", root) >= PATH_MAX)
		return err_setn(ENAMETOOLONG, "%s", root);
	return 0;
}

int netrec_parse(const char *text, size_t n, struct netrec *r)
{
	char line[256];
	size_t off = 0;
	int have_gw = 0, have_gw6 = 0;
	uint32_t gw = 0;
	char subnet6[INET6_ADDRSTRLEN + 4] = "";
	uint8_t gw6[16];

	int more;

	memset(r, 0, sizeof(*r));
	r->driver = "bridge";
	while ((more = ipam_line(text, n, &off, line, sizeof(line)))) {
		char *p = line, *key, *a;

		if (more < 0)
			return -1;
		key = ipam_word(&p);
		a = p; /* the rest of the line: a label may have blanks */
		if (!*key)
			continue;
		if (!strcmp(key, "id")) {
			if (strlen(a) != CONTAINER_ID_LEN || strspn(a, "0123456789abcdef")
			    != CONTAINER_ID_LEN)
				return -1;
			strcpy(r->id, a);
		} else if (!strcmp(key, "created")) {
			if (number_int(a, 0, INT64_MAX, NUMBER_STRTOL, &r->created))
				return -1;
		} else if (!strcmp(key, "subnet")) {
			if (bridge_subnet_parse(a, &r->br))
				return -1;
		} else if (!strcmp(key, "gateway")) {
			if (inet_pton(AF_INET, a, &gw) != 1)
				return -1;
			have_gw = 1;
		} else if (!strcmp(key, "subnet6")) {
			if (strlen(a) >= sizeof(subnet6))
				return -1;
			strcpy(subnet6, a);
		} else if (!strcmp(key, "gateway6")) {
			if (inet_pton(AF_INET6, a, gw6) != 1)
				return -1;
			have_gw6 = 1;
		} else if (!strcmp(key, "bridge")) {
			if (!ifname_valid(a))
				return -1;
			strcpy(r->br.name, a);
		} else if (!strcmp(key, "named") || !strcmp(key, "internal")) {
			if (strcmp(a, "0") && strcmp(a, "1"))
				return -1;
			*(key[0] == 'n' ? &r->named : &r->internal) = *a == '1';
		} else if (!strcmp(key, "label")) {
			if (r->nlabels == NETREC_LABELS || strlen(a) >= NETREC_LABEL_MAX || !strchr(a, '='))
				return -1;
			strcpy(r->labels[r->nlabels++], a);
		} else
			return -1;
	}
	if (!*r->id || !r->br.prefix || !*r->br.name)
		return -1;
	if (have_gw) { /* within the subnet, neither its network nor broadcast */
		uint32_t mask = htonl(~0u << (32 - r->br.prefix));

		if ((gw & mask) != r->br.net || gw == r->br.net || (gw | mask) == 0xffffffffu)
			return -1;
		r->br.gw = gw;
	}
	if (*subnet6 && bridge_subnet6_parse(subnet6, &r->br))
		return -1;
	if (have_gw6) {
		if (!r->br.prefix6 || !net_in6(r->br.net6, r->br.prefix6, gw6)
		    || !memcmp(gw6, r->br.net6, 16))
			return -1;
		memcpy(r->br.gw6, gw6, 16);
	}
	return 0;
}

static int load_file(const char *root, const char *name, struct netrec *r)
{
	char path[PATH_MAX], *data;
	size_t n;
	int rc;

	if (nets_dir(root, path) || strlen(path) + 2 + strlen(name) > PATH_MAX)
		return -1;
	strcat(strcat(path, "/"), name);
	if (read_file(path, NETREC_MAX, &data, &n))
		return -1;
	rc = netrec_parse(data, n, r);
	free(data);
	if (rc)
		return err_setn(EINVAL, "%s: not a network record", path);
	strcpy(r->name, name);
	return 0;
}

static int load(const char *root, const char *name, struct netrec *r)
{
	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(name, builtins[i])) {
			builtin_rec(name, r);
			return i ? 0 : bridge_conf_get(root, &r->br);
		}
	return load_file(root, name, r);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The user networks' names, sorted, NULL-terminated (free each, then
 * the list). */
static char **names(const char *root)
{
	char dir[PATH_MAX], **v = NULL, **nv;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (nets_dir(root, dir))
		return NULL;
	if (!(v = calloc(1, sizeof(*v))))
		return err_setn(ENOMEM, "networks"), NULL;
	if (!(d = opendir(dir)))
		return errno == ENOENT ? v : (free(v), err_set("cannot read %s", dir), NULL);
	while ((de = readdir(d)))
		if (netrec_name_valid(de->d_name)) {
			if (!(nv = realloc(v, (n + 2) * sizeof(*v))) || !(nv[n] = strdup(de->d_name))) {
				v = nv ? nv : v;
				v[n] = NULL;
				closedir(d);
				for (size_t i = 0; i < n; i++)
					free(v[i]);
				free(v);
				return err_setn(ENOMEM, "networks"), NULL;
			}
			v = nv;
			v[++n] = NULL;
		}
	closedir(d);
	qsort(v, n, sizeof(*v), by_name);
	return v;
}

static void free_names(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int netrec_each(const char *root, int (*fn)(const struct netrec *r, void *arg), void *arg)
{
	struct netrec r;
	char **v;
	int rc = 0;

	for (unsigned i = 0; i < 3 && !rc; i++) {
		if (load(root, builtins[i], &r))
			return -1;
		rc = fn(&r, arg);
	}
	if (rc || !(v = names(root)))
		return rc ? rc : -1;
	for (size_t i = 0; v[i] && !rc; i++)
		if (!load_file(root, v[i], &r))
			rc = fn(&r, arg);
	free_names(v);
	return rc;
}

struct find {
	const char *ref;
	struct netrec *out;
	int found;
};

static int find_one(const struct netrec *r, void *arg)
{
	struct find *f = arg;
	size_t n = strlen(f->ref);

	if (!strcmp(r->name, f->ref) || !strcmp(r->id, f->ref)) {
		*f->out = *r;
		f->found = 1;
		return 1; /* a name or whole ID wins over prefixes */
	}
	if (!strncmp(r->id, f->ref, n)) {
		if (!f->found)
			*f->out = *r;
		f->found++;
	}
	return 0;
}

int netrec_find(const char *root, const char *ref, struct netrec *r)
{
	struct find f = { ref, r, 0 };
	int rc;

	if (netrec_name_valid(ref) && !load(root, ref, r))
		return 0;
	if (strlen(ref) > CONTAINER_ID_LEN || strspn(ref, "0123456789abcdef") != strlen(ref)
	    || !*ref)
		return err_setn(0, "network %s not found", ref);
	if ((rc = netrec_each(root, find_one, &f)) < 0)
		return -1;
	if (rc == 1 || f.found == 1)
		return 0;
	if (f.found > 1)
		return err_setn(0, "network %s is ambiguous (%d matches found)", ref, f.found);
	return err_setn(0, "network %s not found", ref);
}

/* ---- create ---------------------------------------------------------------- */

static int overlap(uint32_t a, int alen, uint32_t b, int blen)
{
	int p = alen < blen ? alen : blen;
	uint32_t mask = p ? htonl(~0u << (32 - p)) : 0;

	return (a & mask) == (b & mask);
}

struct clash {
	const struct netrec *me;
	const struct netrec *other;
	char what[160];
};

static int clash_one(const struct netrec *r, void *arg)
{
	struct clash *c = arg;

	if (!strcmp(r->name, c->me->name)) {
		snprintf(c->what, sizeof(c->what), "network with name %s already exists", r->name);
		return 1;
	}
	if (!r->br.prefix)
		return 0;
	if (!strcmp(r->br.name, c->me->br.name)) {
		snprintf(c->what, sizeof(c->what), "bridge name %s is network %s's", r->br.name,
			 r->name);
		return 1;
	}
	if (c->me->br.prefix && overlap(r->br.net, r->br.prefix, c->me->br.net, c->me->br.prefix)) {
		char a[16];

		net_ntoa(r->br.net, a);
		snprintf(c->what, sizeof(c->what), "subnet overlaps network %s's %s/%d", r->name,
			 a, r->br.prefix);
		return 1;
	}
	if (c->me->br.prefix6 && r->br.prefix6
	    && net_in6(r->br.prefix6 < c->me->br.prefix6 ? r->br.net6 : c->me->br.net6,
		       r->br.prefix6 < c->me->br.prefix6 ? r->br.prefix6 : c->me->br.prefix6,
		       r->br.prefix6 < c->me->br.prefix6 ? c->me->br.net6 : r->br.net6)) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, r->br.net6, a, sizeof(a));
		snprintf(c->what, sizeof(c->what), "subnet6 overlaps network %s's %s/%d", r->name,
			 a, r->br.prefix6);
		return 1;
	}
	return 0;
}

struct pool {
	uint32_t net;
	int prefix;
};

static int route_clash(uint32_t dst, int len, void *arg)
{
	struct pool *p = arg;

	return overlap(dst, len, p->net, p->prefix);
}

/* The first /24 of 10.213.1-255.0 no network and no host route has. */
static int pick_subnet(const char *root, struct netrec *r)
{
	struct clash c = { r, NULL, "" };
	int nl = nl_open(), rc = 1;

	if (nl < 0)
		return -1;
	for (unsigned i = 1; i < 256 && rc > 0; i++) {
		struct pool p = { htonl(0x0ad50000u | i << 8), 24 };

		r->br.net = p.net;
		r->br.gw = p.net | htonl(1);
		r->br.prefix = 24;
		if ((rc = netrec_each(root, clash_one, &c)) > 0 && strncmp(c.what, "subnet ", 7))
			rc = err_setn(0, "%s", c.what); /* not the subnet's fault */
		else if (!rc)
			rc = nl_route_each(nl, route_clash, &p);
	}
	close(nl);
	if (rc > 0)
		return err_setn(ENOSPC, "no free subnet left in the pool 10.213.1.0/24 to "
				"10.213.255.0/24: give one (--subnet)");
	return rc;
}

/* The first /64 of the ULA pool fd00:b0c:1::/64 .. fd00:b0c:ffff::/64
 * no network has (the default bridge's subnet6 included). The twins of
 * the IPv4 subnet's host numbers (bridge.h) are its addresses. */
static int pick_subnet6(const char *root, struct netrec *r)
{
	struct clash c = { r, NULL, "" };
	int rc = 1;

	for (unsigned i = 1; i < 65536 && rc > 0; i++) {
		memset(r->br.net6, 0, 16);
		r->br.net6[0] = 0xfd;
		r->br.net6[2] = 0x0b;
		r->br.net6[3] = 0x0c;
		r->br.net6[4] = (uint8_t)(i >> 8);
		r->br.net6[5] = (uint8_t)i;
		r->br.prefix6 = 64;
		net_addr6(&r->br, r->br.gw, r->br.gw6);
		if ((rc = netrec_each(root, clash_one, &c)) > 0 && strncmp(c.what, "subnet6", 7))
			rc = err_setn(0, "%s", c.what);
	}
	if (rc > 0)
		return err_setn(ENOSPC, "no free IPv6 subnet left in the pool fd00:b0c:1::/64 to "
				"fd00:b0c:ffff::/64: give one (--subnet)");
	return rc;
}

static int record_create(const char *root, struct netrec *r)
{
	struct clash c = { r, NULL, "" };
	char path[PATH_MAX], buf[NETREC_MAX], net[16], gw[16];
	char name[16];
	int len, rc;

	if (!netrec_name_valid(r->name))
		return err_setn(EINVAL, "invalid network name '%s': want [a-zA-Z0-9][a-zA-Z0-9_.-]*, "
				"at most %d", r->name, NET_NAME_MAX);
	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(r->name, builtins[i]))
			return err_setn(0, "network with name %s already exists", r->name);
	if (container_new_id(r->id))
		return -1;
	r->created = container_now();
	r->driver = "bridge";
	if (!*r->br.name) {
		snprintf(name, sizeof(name), "bxc-%.8s", r->id);
		strcpy(r->br.name, name);
	} else if (!ifname_valid(r->br.name))
		return err_setn(EINVAL, "invalid bridge name '%s': 1 to 15 bytes, no blank, / or :",
				r->br.name);
	/* never an address on someone else's interface: bridge_up would
	 * take one that is there as the bridge */
	if (if_nametoindex(r->br.name))
		return err_setn(EEXIST, "cannot use bridge name %s: an interface has it",
				r->br.name);
	if (!r->br.prefix && pick_subnet(root, r))
		return -1;
	if (r->ipv6 && !r->br.prefix6 && pick_subnet6(root, r))
		return -1;
	if (r->br.prefix6 && !r->gw6_given) /* the twin of the IPv4 gateway */
		net_addr6(&r->br, r->br.gw, r->br.gw6);
	if ((rc = netrec_each(root, clash_one, &c)) < 0)
		return -1;
	if (rc)
		return err_setn(0, "%s", c.what);
	net_ntoa(r->br.net, net);
	net_ntoa(r->br.gw, gw);
	len = snprintf(buf, sizeof(buf), "id %s\ncreated %lld\nsubnet %s/%d\ngateway %s\nbridge %s\n"
		       "named %d\ninternal %d\n", r->id, (long long)r->created, net, r->br.prefix,
		       gw, r->br.name, r->named, r->internal);
	if (r->br.prefix6) {
		char n6[INET6_ADDRSTRLEN], g6[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, r->br.net6, n6, sizeof(n6));
		inet_ntop(AF_INET6, r->br.gw6, g6, sizeof(g6));
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "subnet6 %s/%d\ngateway6 %s\n",
				n6, r->br.prefix6, g6);
	}
	for (int i = 0; i < r->nlabels && len < (int)sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "label %s\n", r->labels[i]);
	if (len >= (int)sizeof(buf))
		return err_setn(E2BIG, "network %s: too many labels", r->name);
	if (nets_dir(root, path) || mkdir_p(path, 0700))
		return -1;
	strcat(strcat(path, "/"), r->name);
	return write_file_atomic(path, buf, (size_t)len, 0600);
}

static int record_remove(const char *root, const char *name)
{
	char path[PATH_MAX];

	if (!netrec_name_valid(name) || nets_dir(root, path))
		return err_setn(EINVAL, "invalid network name '%s'", name);
	strcat(strcat(path, "/"), name);
	if (unlink(path) < 0)
		return errno == ENOENT ? err_setn(0, "network %s not found", name)
			: err_set("cannot remove %s", path);
	return 0;
}

/* ---- the lifecycle ----------------------------------------------------- */

int netrec_create(const char *root, struct netrec *r)
{
	char msg[256];
	unsigned mtu;
	int lock = ipam_lock(root), idx, e;

	if (lock < 0)
		return -1;
	if (record_create(root, r)) {
		ipam_unlock(lock);
		return -1;
	}
	if (!bridge_up(&r->br, &mtu) && !net_nat_rewrite(root, NULL)) {
		ipam_unlock(lock);
		return 0;
	}
	/* undone, keeping the error */
	e = err_errno();
	snprintf(msg, sizeof(msg), "%s", err_msg());
	record_remove(root, r->name);
	if ((idx = (int)if_nametoindex(r->br.name))) {
		int nl = nl_open();

		if (nl >= 0) {
			nl_link_del(nl, idx);
			close(nl);
		}
	}
	ipam_unlock(lock);
	return err_setn(e, "%s", msg);
}

struct busy {
	const char *net;
	char names[200];
	int n;
};

static int busy_one(const struct ipam_lease *l, void *arg)
{
	struct busy *b = arg;
	size_t k = strlen(b->names);

	if (strcmp(l->net, b->net))
		return 0;
	if (k < sizeof(b->names) - 1)
		snprintf(b->names + k, sizeof(b->names) - k, "%s%s", b->n ? ", " : "",
			 *l->name ? l->name : l->id);
	b->n++;
	return 0;
}

int netrec_remove(const char *root, const char *ref, char name[NET_NAME_MAX + 1])
{
	struct netrec r;
	struct busy b = { r.name, "", 0 };
	int lock = ipam_lock(root), stale = 0, idx, rc = -1;

	if (lock < 0)
		return -1;
	if (netrec_find(root, ref, &r))
		goto out;
	if (r.builtin) {
		err_setn(EPERM, "%s is a pre-defined network and cannot be removed", r.name);
		goto out;
	}
	if (ipam_each(root, busy_one, &b, &stale))
		goto out;
	if (b.n) {
		err_setn(EBUSY, "error while removing network: network %s id %s has active "
			 "endpoints (%s)", r.name, r.id, b.names);
		goto out;
	}
	if (record_remove(root, r.name))
		goto out;
	strcpy(name, r.name);
	rc = 0;
	if ((idx = (int)if_nametoindex(r.br.name))) {
		int nl = nl_open();

		if (nl < 0 || nl_link_del(nl, idx))
			rc = err_setn(err_errno(), "cannot delete bridge %s", r.br.name);
		if (nl >= 0)
			close(nl);
	}
	if (net_nat_rewrite(root, NULL))
		rc = -1;
out:
	ipam_unlock(lock);
	return rc;
}
