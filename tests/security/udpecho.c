/* udpecho - the UDP end tests/network.test needs (busybox's nc has no -u
 * in every build): a plain static program, run in containers and in the
 * test's network namespaces.
 *
 *   udpecho serve PORT          answer every datagram with "echo:" + it
 *   udpecho send IP PORT MSG    send MSG, print the answer (2 s, 5 tries)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	char buf[512];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	if (fd < 0)
		return 1;
	if (argc == 3 && !strcmp(argv[1], "serve")) {
		a.sin_port = htons((unsigned short)atoi(argv[2]));
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			return perror("bind"), 1;
		memcpy(buf, "echo:", 5);
		for (;;) {
			len = sizeof(a);
			n = recvfrom(fd, buf + 5, sizeof(buf) - 5, 0, (struct sockaddr *)&a, &len);
			if (n >= 0)
				sendto(fd, buf, (size_t)n + 5, 0, (struct sockaddr *)&a, len);
		}
	}
	if (argc == 5 && !strcmp(argv[1], "send")) {
		struct timeval tv = { 2, 0 };

		a.sin_port = htons((unsigned short)atoi(argv[3]));
		if (inet_pton(AF_INET, argv[2], &a.sin_addr) != 1)
			return 2;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		for (int i = 0; i < 5; i++) {
			sendto(fd, argv[4], strlen(argv[4]), 0, (struct sockaddr *)&a, sizeof(a));
			if ((n = recv(fd, buf, sizeof(buf) - 1, 0)) >= 0) {
				buf[n] = 0;
				puts(buf);
				return 0;
			}
		}
		return 1;
	}
	fprintf(stderr, "usage: udpecho serve PORT | send IP PORT MSG\n");
	return 2;
}
