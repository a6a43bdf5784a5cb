/* pty.c - pseudo-terminals (see pty.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "err.h"
#include "fdpass.h"
#include "pty.h"

int pty_open(int *master, char *name, size_t n)
{
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	const char *s;

	if (fd < 0)
		return err_set("cannot open a pseudo-terminal");
	if (grantpt(fd) < 0 || unlockpt(fd) < 0 || !(s = ptsname(fd))) {
		err_set("cannot set up a pseudo-terminal");
		close(fd);
		return -1;
	}
	snprintf(name, n, "%s", s);
	*master = fd;
	return 0;
}

int pty_open_slave(int sock, char *name, size_t n)
{
	int m, slave;

	if (pty_open(&m, name, n))
		return -1;
	if ((slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		close(m);
		return err_set("cannot open %s", name);
	}
	tty_copy_size(0, slave);
	if (sock >= 0 && pty_send_fd(sock, m)) {
		close(m);
		close(slave);
		return -1;
	}
	close(m);
	return slave;
}

int pty_send_fd(int sock, int fd)
{
	return fd_send(sock, &fd, 1) ? err_set("cannot pass the pseudo-terminal on") : 0;
}

int pty_recv_fd(int sock)
{
	int fd, n = fd_recv(sock, &fd, 1);

	if (n != 1)
		return err_setn(n < 0 ? errno : EIO, "no pseudo-terminal from the container");
	return fd;
}

int tty_raw(int fd, struct termios *saved)
{
	struct termios t;

	if (!isatty(fd))
		return 0;
	if (tcgetattr(fd, saved) < 0)
		return err_set("cannot read the terminal's settings");
	t = *saved;
	cfmakeraw(&t);
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		return err_set("cannot set the terminal to raw mode");
	return 1;
}

void tty_restore(int fd, const struct termios *saved)
{
	tcsetattr(fd, TCSANOW, saved);
}

void tty_copy_size(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}
