/* monitor.h - bringing a container up from its record and watching it
 * until it is over: what `run` and `start` share (docs/containers.md).
 *
 * Up: the overlay mounted on merged/, the cgroup boxcar/ID made with the
 * spec's limits, the init launched (launch.h), state.json "running".
 * Over: the exit recorded (code, signal, OOM), the restart policy
 * applied (detached only), then merged/ unmounted, the cgroup removed,
 * and with --rm the record deleted.
 *
 * There is no daemon: the foreground `run` is its container's monitor;
 * a detached container gets one of its own (double fork, setsid, stdio
 * on /dev/null) that writes the json-file log and stays until the end.
 * A detached monitor asks the kernel's OOM killer to spare it
 * (oom_score_adj -999, as Docker's shim); its init starts at 0.
 * Errors follow err.h.
 */
#ifndef BOXCAR_MONITOR_H
#define BOXCAR_MONITOR_H

#include "container.h"

/* Run the container in the foreground: its output copied to our stdout
 * and stderr and to container.log (a pty relayed in raw mode with -t);
 * with --rm passed through directly, unlogged. Signals forwarded to the
 * init. 0 with
 * *status the command's exit status (128+N if signal N killed it), or -1
 * with err set and *status 125/126/127 if it could not be started. s must
 * not hold the store lock (store_close before: children inherit it). */
int monitor_foreground(struct store *s, struct container_spec *c, int *status);

/* Start the container under a detached monitor and return once its
 * command runs (state "running" recorded): 0; or -1 with err set and
 * *code 125/126/127 when it could not start (the state says why). */
int monitor_detached(struct store *s, struct container_spec *c, int *code);

/* start: run stopped container id again under a detached monitor, from
 * its record, and return once its command runs. A running (or
 * restarting) one is left as it is: 0 with *started 0. Else its layers
 * and its volume and device sources must exist ("volume source /srv/www:
 * No such file or directory", recorded as its State.Error too); what a
 * killed monitor left (mount, cgroup) is released, the stopped-by-hand
 * mark cleared, and the container started: 0 with *started 1. One start
 * of a container at a time (RUNDIR/ID/start.lock). s is closed (not
 * locked); -1 with err set and *code as monitor_detached's. */
int monitor_start(struct store *s, const char *id, int *started, int *code);

#endif
