#!/bin/sh
# demo.sh - the README's first command ends here: show on this machine
# what a container is made of, with the boxcar just built.
#
# A process is started in new UTS, IPC, network, PID and mount namespaces
# (util-linux unshare stands in for `boxcar run` until the run applet
# lands), then `boxcar nsenter` gets inside it, as the article's
# `nsenter -t 1 -m -u -n -i sh` does: the "container" is an ordinary host
# process with another PID.
set -eu
BOXCAR=${BOXCAR:-./boxcar}
[ -x "$BOXCAR" ] || { echo "demo.sh: build boxcar first (make)" >&2; exit 1; }

unshare --uts --ipc --net --pid --mount --fork --mount-proc \
	sh -c 'hostname boxcar-demo; exec sleep 60' &
outer=$!
trap 'kill $outer 2>/dev/null; wait 2>/dev/null' EXIT
# unshare forks: the process inside the namespaces is its child.
i=0
while :; do
	inner=$(cat /proc/$outer/task/$outer/children 2>/dev/null | tr -d ' ')
	[ -n "$inner" ] && [ "$(readlink /proc/$inner/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] &&
		[ "$(cat /proc/$inner/comm)" = sleep ] && break
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "demo.sh: the namespaced process did not start" >&2; exit 1; }
	sleep 0.05
done

echo "On the host the process is PID $inner: $(tr '\0' ' ' < /proc/$inner/cmdline)"
echo "Inside, entered with: $BOXCAR nsenter -t $inner -a"
"$BOXCAR" nsenter -t "$inner" -a sh -c '
	echo "  hostname: $(hostname)"
	echo "  its PID there: $(sed -n "s/^Pid:\t//p" /proc/1/status) ($(cat /proc/1/comm))"
	echo "  network: $(cut -d: -f1 /proc/net/dev | tail -n +3 | tr -d " " | tr "\n" " ")"'
