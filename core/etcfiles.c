/* etcfiles.c - a container's hostname, hosts and resolv.conf (see
 * etcfiles.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bridge.h"
#include "err.h"
#include "etcfiles.h"
#include "fsutil.h"

const char *const etcfiles_names[3] = { "hostname", "hosts", "resolv.conf" };

/* A file written whole under a temporary name, then renamed: a start
 * that dies half-way leaves the last good one. Not synced: every start
 * writes it again. */
struct out {
	int fd;
	int failed;
	char tmp[PATH_MAX], path[PATH_MAX];
};

static int out_open(struct out *o, const char *dir, const char *name)
{
	o->failed = 0;
	if (path_join(o->path, dir, name) || snprintf(o->tmp, sizeof(o->tmp), "%s.tmp", o->path)
	    >= (int)sizeof(o->tmp))
		return err_setn(ENAMETOOLONG, "%s/%s", dir, name);
	if ((o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0)
		return err_set("cannot create %s", o->tmp);
	return 0;
}

static void out_put(struct out *o, const char *s, size_t n)
{
	while (n && !o->failed) {
		ssize_t k = write(o->fd, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			o->failed = errno ? errno : EIO;
		else
			s += k, n -= (size_t)k;
	}
}

static void out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static int out_close(struct out *o)
{
	if (close(o->fd) < 0 && !o->failed)
		o->failed = errno;
	if (o->failed || rename(o->tmp, o->path) < 0) {
		int e = o->failed ? o->failed : errno;

		unlink(o->tmp);
		return err_setn(e, "cannot write %s", o->path);
	}
	return 0;
}

int etcfiles_host_valid(const char *s)
{
	const char *colon = strchr(s, ':');
	unsigned char addr[16];
	char ip[INET6_ADDRSTRLEN + 2];
	size_t n;

	if (!colon || colon == s || (n = strlen(colon + 1)) == 0 || n >= sizeof(ip))
		return 0;
	for (const char *p = s; p < colon; p++) /* a host name: no blanks, no controls */
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	strcpy(ip, colon + 1);
	if (ip[0] == '[' && ip[n - 1] == ']') { /* Docker takes [v6] too */
		memmove(ip, ip + 1, n - 2);
		ip[n - 2] = 0;
	}
	return inet_pton(AF_INET, ip, addr) == 1 || inet_pton(AF_INET6, ip, addr) == 1;
}

/* "IP\tNAME\n" of an --add-host NAME:IP. */
static void add_host(struct out *o, const char *s)
{
	const char *colon = strchr(s, ':'), *ip = colon + 1;
	size_t n = strlen(ip);

	if (*ip == '[')
		out_put(o, ip + 1, n - 2);
	else
		out_put(o, ip, n);
	out_str(o, "\t");
	out_put(o, s, (size_t)(colon - s));
	out_str(o, "\n");
}

static int write_hostname(const char *dir, const struct container_spec *c)
{
	struct out o;

	if (out_open(&o, dir, "hostname"))
		return -1;
	out_str(&o, c->hostname ? c->hostname : c->id);
	out_str(&o, "\n");
	return out_close(&o);
}

/* The host's file, copied as it is (a router's hosts file of ad-blocking
 * entries can be megabytes: streamed, never held). */
static void copy_file(struct out *o, const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t k;

	if (fd < 0)
		return;
	while ((k = read(fd, buf, sizeof(buf))) > 0)
		out_put(o, buf, (size_t)k);
	close(fd);
}

static int write_hosts(const char *dir, const char *name, const struct container_spec *c,
		       const struct net_lease *net)
{
	char addr[16], addr6[INET6_ADDRSTRLEN];
	struct out o;

	if (out_open(&o, dir, name))
		return -1;
	if (c->net == NET_HOST)
		copy_file(&o, "/etc/hosts");
	else {
		out_str(&o, "127.0.0.1\tlocalhost\n"
			"::1\tlocalhost ip6-localhost ip6-loopback\n"
			"fe00::0\tip6-localnet\n"
			"ff00::0\tip6-mcastprefix\n"
			"ff02::1\tip6-allnodes\n"
			"ff02::2\tip6-allrouters\n");
		/* its address on the bridge; without one (lo only) its name
		 * on loopback, as Debian names a host without one */
		if (net && net->active)
			net_ntoa(net->addr, addr);
		out_str(&o, net && net->active ? addr : "127.0.1.1");
		out_str(&o, "\t");
		out_str(&o, c->hostname ? c->hostname : c->id);
		out_str(&o, "\n");
		if (net && net->active && net->br.prefix6) { /* and its IPv6 one */
			inet_ntop(AF_INET6, net->lease.addr6, addr6, sizeof(addr6));
			out_str(&o, addr6);
			out_str(&o, "\t");
			out_str(&o, c->hostname ? c->hostname : c->id);
			out_str(&o, "\n");
		}
	}
	for (int i = 0; c->extra_hosts && c->extra_hosts[i]; i++)
		add_host(&o, c->extra_hosts[i]);
	return out_close(&o);
}

static int loopback(const char *addr, size_t n)
{
	char a[INET6_ADDRSTRLEN];
	unsigned char b[16];

	if (n >= sizeof(a))
		return 0;
	memcpy(a, addr, n);
	a[n] = 0;
	if (strchr(a, '%'))
		*strchr(a, '%') = 0;
	if (inet_pton(AF_INET, a, b) == 1)
		return b[0] == 127;
	return inet_pton(AF_INET6, a, b) == 1 && !memcmp(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);
}

/* One line of the host's resolv.conf, kept or not. */
static int keep_line(const struct container_spec *c, const char *line, size_t n)
{
	const char *p = line + strspn(line, " \t");
	size_t k = strcspn(p, " \t\n");

	if (k == 10 && !strncmp(p, "nameserver", 10)) {
		const char *a = p + k + strspn(p + k, " \t");

		if (c->dns && c->dns[0])
			return 0;
		return c->net == NET_HOST || !loopback(a, strcspn(a, " \t\n#;"));
	}
	if ((k == 6 && !strncmp(p, "search", 6)) || (k == 6 && !strncmp(p, "domain", 6)))
		return !(c->dns_search && c->dns_search[0]);
	if (k == 7 && !strncmp(p, "options", 7))
		return !(c->dns_options && c->dns_options[0]);
	(void)n;
	return 1;
}

static void put_list(struct out *o, const char *key, char **l)
{
	if (!l || !l[0])
		return;
	out_str(o, key);
	for (int i = 0; l[i]; i++) {
		out_str(o, " ");
		out_str(o, l[i]);
	}
	out_str(o, "\n");
}

static int write_resolv(const char *dir, const struct container_spec *c,
			const struct net_lease *net)
{
	char line[1024], gw[16];
	struct out o;
	int servers = 0;
	FILE *f;

	if (out_open(&o, dir, "resolv.conf"))
		return -1;
	if ((f = fopen("/etc/resolv.conf", "re"))) {
		while (fgets(line, sizeof(line), f)) {
			size_t n = strlen(line);

			/* a line longer than ours: the resolver ignores it too */
			if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
				int ch;

				while ((ch = getc(f)) != EOF && ch != '\n')
					;
				continue;
			}
			if (keep_line(c, line, n)) {
				out_put(&o, line, n);
				servers += !strncmp(line + strspn(line, " \t"), "nameserver", 10);
			}
		}
		fclose(f);
	}
	for (int i = 0; c->dns && c->dns[i]; i++) {
		out_str(&o, "nameserver ");
		out_str(&o, c->dns[i]);
		out_str(&o, "\n");
	}
	/* every nameserver of the host's was loopback (a router's dnsmasq
	 * on 127.0.0.1): the gateway, the host itself, reached from the
	 * bridge (dnsmasq answers there unless bound to other interfaces) */
	if (!servers && !(c->dns && c->dns[0]) && net && net->active) {
		net_ntoa(net->br.gw, gw);
		out_str(&o, "nameserver ");
		out_str(&o, gw);
		out_str(&o, "\n");
	}
	put_list(&o, "search", c->dns_search);
	put_list(&o, "options", c->dns_options);
	return out_close(&o);
}

int etcfiles_write(const char *dir, const struct container_spec *c,
		   const struct net_lease *net)
{
	/* on a bridge: hosts.base too, what etcfiles_hosts_update adds the
	 * names of its user networks to (network connect may add one) */
	return write_hostname(dir, c) || write_hosts(dir, "hosts", c, net)
		|| (net && net->active && write_hosts(dir, "hosts.base", c, net))
		|| write_resolv(dir, c, net) ? -1 : 0;
}

/* fd's whole content to out (both regular files, at their offsets). */
static int copy_fd(int in, int out)
{
	char buf[4096];
	ssize_t k;

	while ((k = read(in, buf, sizeof(buf))) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 || write_all(out, buf, (size_t)k))
			return -1;
	}
	return 0;
}

/* One file of the record dir, never through a link, and only a regular
 * file (a FIFO would hang us: O_NONBLOCK until checked). */
static int open_regular(int dfd, const char *name, int flags)
{
	struct stat st;
	int fd = openat(dfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

int etcfiles_hosts_update(const char *dir, const char *lines, size_t n)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), in = -1, out = -1;
	int rc = -1;

	if (dfd < 0)
		return errno == ENOENT ? 0 : err_set("cannot open %s", dir);
	if ((in = open_regular(dfd, "hosts.base", O_RDONLY)) < 0) {
		/* gone with its container, or made before user networks */
		rc = errno == ENOENT ? 0 : err_set("cannot open %s/hosts.base", dir);
		goto out;
	}
	if ((out = open_regular(dfd, "hosts", O_WRONLY)) < 0) {
		err_set("cannot open %s/hosts", dir);
		goto out;
	}
	if (ftruncate(out, 0) < 0 || copy_fd(in, out) || write_all(out, lines, n))
		err_set("cannot write %s/hosts", dir);
	else
		rc = 0;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	close(dfd);
	return rc;
}
