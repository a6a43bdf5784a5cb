/* ipam.c - the bridge's address leases (see ipam.h). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "err.h"
#include "fsutil.h"
#include "ipam.h"

#define LEASE_MAX 4096 /* bytes: 32 ports and the rest fit easily */

static int leases_dir(const char *root, char *buf)
{
	if (snprintf(buf, PATH_MAX, "%s/network/leases", root) >= PATH_MAX)
		return err_setn(ENAMETOOLONG, "%s", root);
	return 0;
}

int ipam_lock(const char *root)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/network/leases", root) >= (int)sizeof(path))
		return err_setn(ENAMETOOLONG, "%s", root);
	if (mkdir_p(path, 0700))
		return -1;
	snprintf(path, sizeof(path), "%s/network/lock", root);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
		return err_set("cannot open %s", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return err_set("cannot lock %s", path);
		}
	return fd;
}

void ipam_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* This boot's id: a lease of another boot is stale (its containers are
 * gone, and a pid number means nothing any more). */
static void boot_id(char buf[40])
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, 39) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	if (!*buf)
		strcpy(buf, "-");
}

/* "02:42:0a:d5:00:02" (no scanf in boxcar: see README, Sizes) */
int ipam_mac_parse(const char *s, uint8_t m[6])
{
	for (int i = 0; i < 6; i++, s += 3) {
		unsigned v = 0;

		for (int j = 0; j < 2; j++) {
			char c = s[j];
			int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
				: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

			if (d < 0)
				return -1;
			v = v * 16 + (unsigned)d;
		}
		if (s[2] != (i < 5 ? ':' : 0))
			return -1;
		m[i] = (uint8_t)v;
	}
	return 0;
}

char *ipam_word(char **p)
{
	char *w = *p + strspn(*p, " "), *e = w + strcspn(w, " ");

	*p = *e ? e + 1 : e;
	*e = 0;
	return w;
}

int ipam_line(const char *text, size_t n, size_t *off, char *line, size_t cap)
{
	const char *nl;
	size_t k;

	if (*off >= n)
		return 0;
	nl = memchr(text + *off, '\n', n - *off);
	k = nl ? (size_t)(nl - text - *off) : n - *off;
	if (k >= cap || memchr(text + *off, 0, k))
		return -1;
	memcpy(line, text + *off, k);
	line[k] = 0;
	*off += k + 1;
	return 1;
}

static int number(const char *w, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (*w < '0' || *w > '9')
		return -1;
	errno = 0;
	*v = strtoull(w, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

/* A container's or a network's name, or an alias: Docker's characters. */
static int name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n && n <= max && !strchr("_.-", *s)
		&& strspn(s, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-") == n;
}

int ipam_parse(const char *text, size_t n, struct ipam_lease *l, char boot[40])
{
	char line[320];
	size_t off = 0;
	int more;

	memset(l, 0, sizeof(*l));
	*boot = 0;
	while ((more = ipam_line(text, n, &off, line, sizeof(line)))) {
		unsigned long long x, y;
		char *p = line, *key, *a;

		if (more < 0)
			return -1;
		key = ipam_word(&p);
		a = ipam_word(&p);
		if (!*key)
			continue;
		if (!strcmp(key, "id")) {
			if (strlen(a) != CONTAINER_ID_LEN || strspn(a, "0123456789abcdef") != CONTAINER_ID_LEN)
				return -1;
			strcpy(l->id, a);
		} else if (!strcmp(key, "boot")) {
			if (!*a || strlen(a) > 39)
				return -1;
			strcpy(boot, a);
		} else if (!strcmp(key, "owner") || !strcmp(key, "init")) {
			if (number(a, INT32_MAX, &x) || number(ipam_word(&p), UINT64_MAX, &y))
				return -1;
			if (*key == 'o')
				l->owner = (pid_t)x, l->owner_start = y;
			else
				l->init = (pid_t)x, l->init_start = y;
		} else if (!strcmp(key, "addr")) {
			if (inet_pton(AF_INET, a, &l->addr) != 1)
				return -1;
		} else if (!strcmp(key, "net") || !strcmp(key, "name")) {
			char *to = key[1] == 'e' ? l->net : l->name;

			if (!name_ok(a, key[1] == 'e' ? NET_NAME_MAX : CONTAINER_NAME_MAX)
			    || *ipam_word(&p))
				return -1;
			strcpy(to, a);
		} else if (!strcmp(key, "alias")) {
			size_t k = strlen(l->aliases);

			for (; *a; a = ipam_word(&p)) {
				if (!name_ok(a, NET_NAME_MAX) || k + 1 + strlen(a) > NET_ALIASES_MAX)
					return -1;
				k += (size_t)sprintf(l->aliases + k, "%s%s", k ? " " : "", a);
			}
		} else if (!strcmp(key, "addr6")) {
			if (inet_pton(AF_INET6, a, l->addr6) != 1)
				return -1;
		} else if (!strcmp(key, "dev")) {
			if (strncmp(a, "eth", 3) || number(a + 3, NET_CONNECT_MAX, &x) || !x)
				return -1;
			l->dev = (int)x;
		} else if (!strcmp(key, "mac")) {
			if (ipam_mac_parse(a, l->mac))
				return -1;
		} else if (!strcmp(key, "port")) {
			struct portmap *pm = &l->ports[l->nports];
			char *proto;

			if (l->nports >= PORTMAP_MAX || inet_pton(AF_INET, a, &pm->host_ip) != 1
			    || number(ipam_word(&p), 65535, &x) || number(ipam_word(&p), 65535, &y)
			    || !y)
				return -1;
			proto = ipam_word(&p);
			if (strcmp(proto, "tcp") && strcmp(proto, "udp"))
				return -1;
			pm->host_port = (uint16_t)x;
			pm->port = (uint16_t)y;
			pm->udp = *proto == 'u';
			l->nports++;
		} else
			return -1;
	}
	return *l->id && l->addr && *boot ? 0 : -1;
}

static int live(const struct ipam_lease *l, const char *boot, const char *now)
{
	return !strcmp(boot, now) && ((l->owner > 0 && proc_alive(l->owner, l->owner_start))
				      || (l->init > 0 && proc_alive(l->init, l->init_start)));
}

int ipam_each(const char *root, int (*fn)(const struct ipam_lease *l, void *arg), void *arg,
	      int *stale_ports)
{
	char dir[PATH_MAX], path[PATH_MAX], boot[40], now[40], *data;
	struct ipam_lease l;
	struct dirent *de;
	DIR *d;
	size_t n;
	int rc = 0;

	if (leases_dir(root, dir))
		return -1;
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : err_set("cannot read %s", dir);
	boot_id(now);
	while (!rc && (de = readdir(d))) {
		size_t k = strlen(de->d_name);

		if (de->d_name[0] == '.' || path_join(path, dir, de->d_name))
			continue;
		if (k > 4 && !strcmp(de->d_name + k - 4, ".tmp")) {
			unlinkat(dirfd(d), de->d_name, 0); /* a write a crash cut short */
			continue;
		}
		if (read_file(path, LEASE_MAX, &data, &n))
			continue;
		if (ipam_parse(data, n, &l, boot) || !live(&l, boot, now)) {
			unlinkat(dirfd(d), de->d_name, 0); /* stale, or not a lease */
			*stale_ports += l.nports;
		} else
			rc = fn(&l, arg);
		free(data);
	}
	closedir(d);
	return rc;
}

int ipam_write(const char *root, const struct ipam_lease *l)
{
	static const uint8_t none[16];
	char path[PATH_MAX], a[INET_ADDRSTRLEN], h[INET6_ADDRSTRLEN], boot[40], buf[LEASE_MAX];
	int len;

	boot_id(boot);
	inet_ntop(AF_INET, &l->addr, a, sizeof(a));
	len = snprintf(buf, sizeof(buf), "id %s\nboot %s\naddr %s\nowner %d %llu\ninit %d %llu\n"
		       "mac %02x:%02x:%02x:%02x:%02x:%02x\n", l->id, boot, a, (int)l->owner,
		       (unsigned long long)l->owner_start, (int)l->init,
		       (unsigned long long)l->init_start, l->mac[0], l->mac[1], l->mac[2],
		       l->mac[3], l->mac[4], l->mac[5]);
	if (*l->net)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "net %s\n", l->net);
	if (*l->name)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "name %s\n", l->name);
	if (*l->aliases)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "alias %s\n", l->aliases);
	if (memcmp(l->addr6, none, 16)) {
		inet_ntop(AF_INET6, l->addr6, h, sizeof(h));
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "addr6 %s\n", h);
	}
	if (l->dev)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "dev eth%d\n", l->dev);
	for (int i = 0; i < l->nports; i++) {
		const struct portmap *p = &l->ports[i];

		inet_ntop(AF_INET, &p->host_ip, h, sizeof(h));
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "port %s %u %u %s\n", h,
				p->host_port, p->port, p->udp ? "udp" : "tcp");
	}
	if (leases_dir(root, path) || snprintf(path + strlen(path), 20, "/%s", a) < 0)
		return -1;
	return write_file_atomic(path, buf, (size_t)len, 0600);
}

int ipam_release(const char *root, const char *id, const char *only,
		 char (*nets)[NET_NAME_MAX + 1], int *nnets)
{
	char dir[PATH_MAX], path[PATH_MAX], boot[40], *data;
	struct ipam_lease l;
	struct dirent *de;
	DIR *d;
	size_t n;
	int had = 0;

	if (nnets)
		*nnets = 0;
	if (leases_dir(root, dir))
		return -1;
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : err_set("cannot read %s", dir);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || path_join(path, dir, de->d_name)
		    || read_file(path, LEASE_MAX, &data, &n))
			continue;
		if (!ipam_parse(data, n, &l, boot) && !strcmp(l.id, id)
		    && (!only || !strcmp(l.net, only))) {
			unlinkat(dirfd(d), de->d_name, 0);
			had |= l.nports > 0;
			if (nets && *l.net && *nnets <= NET_CONNECT_MAX)
				strcpy(nets[(*nnets)++], l.net);
		}
		free(data);
	}
	closedir(d);
	return had;
}
