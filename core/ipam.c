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

static int parse_mac(const char *s, uint8_t m[6])
{
	unsigned v[6];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &end) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)v[i];
	return 0;
}

int ipam_parse(const char *text, size_t n, struct ipam_lease *l, char boot[40])
{
	char line[128];
	size_t off = 0;

	memset(l, 0, sizeof(*l));
	*boot = 0;
	while (off < n) {
		const char *nl = memchr(text + off, '\n', n - off);
		size_t k = nl ? (size_t)(nl - text - off) : n - off;
		char a[64], d[8];
		unsigned long long x, y;
		int pid;

		if (k >= sizeof(line))
			return -1;
		memcpy(line, text + off, k);
		line[k] = 0;
		off += k + 1;
		if (sscanf(line, "id %64s", l->id) == 1) {
			if (strspn(l->id, "0123456789abcdef") != CONTAINER_ID_LEN)
				return -1;
		} else if (sscanf(line, "boot %39s", boot) == 1)
			;
		else if (sscanf(line, "owner %d %llu", &pid, &x) == 2) {
			l->owner = pid;
			l->owner_start = x;
		} else if (sscanf(line, "init %d %llu", &pid, &x) == 2) {
			l->init = pid;
			l->init_start = x;
		} else if (sscanf(line, "addr %15s", a) == 1) {
			if (inet_pton(AF_INET, a, &l->addr) != 1)
				return -1;
		} else if (sscanf(line, "mac %63s", a) == 1) {
			if (parse_mac(a, l->mac))
				return -1;
		} else if (sscanf(line, "port %15s %llu %llu %7s", a, &x, &y, d) == 4) {
			struct portmap *p = &l->ports[l->nports];

			if (l->nports >= PORTMAP_MAX || x > 65535 || y > 65535 || !y
			    || inet_pton(AF_INET, a, &p->host_ip) != 1
			    || (strcmp(d, "tcp") && strcmp(d, "udp")))
				return -1;
			p->host_port = (uint16_t)x;
			p->port = (uint16_t)y;
			p->udp = d[0] == 'u';
			l->nports++;
		} else if (*line)
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
	char path[PATH_MAX], a[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN], boot[40], buf[LEASE_MAX];
	int len;

	boot_id(boot);
	inet_ntop(AF_INET, &l->addr, a, sizeof(a));
	len = snprintf(buf, sizeof(buf), "id %s\nboot %s\naddr %s\nowner %d %llu\ninit %d %llu\n"
		       "mac %02x:%02x:%02x:%02x:%02x:%02x\n", l->id, boot, a, (int)l->owner,
		       (unsigned long long)l->owner_start, (int)l->init,
		       (unsigned long long)l->init_start, l->mac[0], l->mac[1], l->mac[2],
		       l->mac[3], l->mac[4], l->mac[5]);
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

int ipam_release(const char *root, const char *id)
{
	char dir[PATH_MAX], path[PATH_MAX], boot[40], *data;
	struct ipam_lease l;
	struct dirent *de;
	DIR *d;
	size_t n;
	int had = 0;

	if (leases_dir(root, dir))
		return -1;
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : err_set("cannot read %s", dir);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || path_join(path, dir, de->d_name)
		    || read_file(path, LEASE_MAX, &data, &n))
			continue;
		if (!ipam_parse(data, n, &l, boot) && !strcmp(l.id, id)) {
			unlinkat(dirfd(d), de->d_name, 0);
			had |= l.nports > 0;
		}
		free(data);
	}
	closedir(d);
	return had;
}
