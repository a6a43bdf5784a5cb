/* fdpass.h - file descriptors over a unix socket (SCM_RIGHTS), with one
 * byte of data so that a message with none still arrives: the init's
 * "go" (with its cgroup join files) and a pseudo-terminal's master. */
#ifndef BOXCAR_FDPASS_H
#define BOXCAR_FDPASS_H

/* Largest number of fds in one message. */
#define FDPASS_MAX 12

/* Send one byte and fds[0..n) (n may be 0). -1 with errno on failure. */
int fd_send(int sock, const int *fds, int n);
/* Receive one byte and up to max fds (O_CLOEXEC) into fds; returns how
 * many came, or -1 with errno (EIO: the other end closed first). */
int fd_recv(int sock, int *fds, int max);

#endif
