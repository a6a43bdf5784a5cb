/* pty.h - a pseudo-terminal for `run -t`, and the host terminal's raw
 * mode while it is relayed. Errors follow err.h.
 */
#ifndef BOXCAR_PTY_H
#define BOXCAR_PTY_H

#include <stddef.h>
#include <termios.h>

/* A new pty: *master (O_CLOEXEC) and the slave's path into name[n]. */
int pty_open(int *master, char *name, size_t n);
/* Put fd in raw mode, saving the old settings: 1 if done, 0 if fd is
 * not a terminal, -1 on error. */
int tty_raw(int fd, struct termios *saved);
void tty_restore(int fd, const struct termios *saved);
/* Give to's terminal the window size of from's (SIGWINCH). */
void tty_copy_size(int from, int to);

#endif
