/* ptyrecv - the other end of an OCI runtime's --console-socket, as
 * containerd's shim and podman's conmon are (tests/oci.test): a plain
 * static program, so that the QEMU guests, which have neither, test it.
 *
 *   ptyrecv SOCKET [LINE]
 *
 * Listens on the unix socket SOCKET (made under another name and renamed,
 * so that it takes connections the moment SOCKET exists), takes one
 * connection, receives one fd by SCM_RIGHTS (the terminal's master),
 * types LINE and a newline, then copies what comes out to stdout until
 * the terminal's other side is closed. Exit 0, or 1 with a message.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "ptyrecv: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	char byte, buf[512];
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = c.buf, .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *h;
	int s, conn, master;
	ssize_t n;

	if (argc < 2 || argc > 3 || strlen(argv[1]) + 5 > sizeof(a.sun_path)) {
		fprintf(stderr, "usage: ptyrecv SOCKET [LINE]\n");
		return 2;
	}
	snprintf(a.sun_path, sizeof(a.sun_path), "%s.tmp", argv[1]);
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0
	    || listen(s, 1) < 0 || rename(a.sun_path, argv[1]) < 0)
		return die(argv[1]);
	if ((conn = accept(s, NULL, NULL)) < 0)
		return die("accept");
	if (recvmsg(conn, &m, 0) < 0)
		return die("recvmsg");
	h = CMSG_FIRSTHDR(&m);
	if (!h || h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "ptyrecv: no fd received\n");
		return 1;
	}
	memcpy(&master, CMSG_DATA(h), sizeof(master));
	close(conn);
	close(s);
	unlink(argv[1]);
	if (argc == 3 && (write(master, argv[2], strlen(argv[2])) < 0 || write(master, "\n", 1) < 0))
		return die("write");
	/* EIO once every fd of the terminal's other side is closed */
	while ((n = read(master, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && write(1, buf, (size_t)n) != n)
			return die("stdout");
	return 0;
}
