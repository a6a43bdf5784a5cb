/* pty.h - a pseudo-terminal for `run -t` and `exec -t`, and the host
 * terminal's raw mode while it is relayed. Errors follow err.h.
 *
 * The pty is made inside the container, from its own devpts instance (so
 * `tty` there says /dev/pts/0, as with Docker), and its master handed to
 * the runtime over a unix socket, as runc's console socket does.
 */
#ifndef BOXCAR_PTY_H
#define BOXCAR_PTY_H

#include <stddef.h>
#include <termios.h>

/* A new pty: *master (O_CLOEXEC) and the slave's path into name[n]. */
int pty_open(int *master, char *name, size_t n);
/* A new pty for the process about to run in the container: its slave
 * opened (O_CLOEXEC, no controlling terminal yet; the returned fd), the
 * window size of our stdin's terminal given to it, the master handed
 * over sock (none if sock < 0) and closed here. The slave's path goes
 * to name[n]. -1 with err set. */
int pty_open_slave(int sock, char *name, size_t n);
/* Hand fd over the unix socket sock (SCM_RIGHTS). */
int pty_send_fd(int sock, int fd);
/* The fd sent over sock (O_CLOEXEC), or -1 with err set. */
int pty_recv_fd(int sock);
/* Put fd in raw mode, saving the old settings: 1 if done, 0 if fd is
 * not a terminal, -1 on error. */
int tty_raw(int fd, struct termios *saved);
void tty_restore(int fd, const struct termios *saved);
/* Give to's terminal the window size of from's (SIGWINCH). */
void tty_copy_size(int from, int to);

#endif
