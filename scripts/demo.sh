#!/bin/sh
# demo.sh - the README's first command ends here: make the demo image and
# show what a container is, with the boxcar just built.
#
# The image is a busybox root file system (Debian's busybox-static, which
# scripts/setup-host.sh installs) imported as demo:latest. Then:
#   - a container runs in the foreground and removes itself (--rm);
#   - a detached one is shown the way the article shows Docker's: its
#     overlay dirs (inspect's GraphDriver), its processes as host processes
#     with other PIDs (top), and `nsenter` getting inside; then it goes.
# Uses the default store (/var/lib/boxcar) unless BOXCAR_ROOT says otherwise.
# The containers need no network: lo only, unless BOXCAR_NETWORK=bridge
# (which makes boxcar0 and an nft table on this machine, docs/network.md).
set -eu
export BOXCAR_NETWORK="${BOXCAR_NETWORK:-none}"
BOXCAR=${BOXCAR:-./boxcar}
[ -x "$BOXCAR" ] || { echo "demo.sh: build boxcar first (make)" >&2; exit 1; }
BUSYBOX=$(command -v busybox) || { echo "demo.sh: needs busybox-static" >&2; exit 1; }

say() { printf '\n$ %s\n' "$*"; }

rootfs=$(mktemp -d "${TMPDIR:-/tmp}/boxcar-demo.XXXXXX")
trap '"$BOXCAR" rm -f demo-web >/dev/null 2>&1 || :; rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/root"
cp "$BUSYBOX" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
echo 'root:x:0:' > "$rootfs/etc/group"

say boxcar import ROOTFS demo:latest --cmd sh
"$BOXCAR" import "$rootfs" demo:latest --cmd sh --env PATH=/bin >/dev/null
"$BOXCAR" image ls

say "boxcar run --rm --hostname demo demo sh -c 'echo \"hello from \$(hostname)\"; ps'"
"$BOXCAR" run --rm --hostname demo demo sh -c 'echo "hello from $(hostname)"; ps'

say boxcar run -d --name demo-web demo httpd -f -p 8080
"$BOXCAR" run -d --name demo-web demo httpd -f -p 8080 >/dev/null
"$BOXCAR" ps

say "boxcar inspect -f '{{json .GraphDriver}}' demo-web"
"$BOXCAR" inspect -f '{{json .GraphDriver}}' demo-web

say boxcar top demo-web
"$BOXCAR" top demo-web

pid=$("$BOXCAR" inspect -f '{{.State.Pid}}' demo-web)
say "nsenter -t $pid -a ps    # PID $pid on the host is PID 1 inside"
"$BOXCAR" nsenter -t "$pid" -a ps

say boxcar rm -f demo-web
"$BOXCAR" rm -f demo-web
