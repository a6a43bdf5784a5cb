#!/bin/sh
# fresh-check.sh [DIR] - prove the README's two commands on a machine that
# has nothing but Debian 12: build a clean Debian 12 root with debootstrap
# (minbase, from the package archive this machine's apt uses), and run in
# it, as a --privileged boxcar container with the host's network,
#   sh scripts/setup-host.sh && make defconfig && make && sh scripts/demo.sh
#   sh .ci/run            (setup-host.sh again, then WERROR=1 make check)
# on a fresh clone of this tree's HEAD (commit first: what is not
# committed is not checked). Run as root, after `make` (it uses ./boxcar).
#
#   DIR  work dir (default build/fresh): the root, the clone, its build,
#        the container's /tmp and store; emptied at the start of each run.
#        debootstrap's package cache (DIR/cache) is kept between runs, and
#        the clone (DIR/work/src, with its build logs) until the next run.
#
# Environment:
#   FRESH_MIRROR   the archive (default: the one apt here uses for bookworm)
#   FRESH_VARIANT  debootstrap --variant (default minbase: the least a
#                  Debian 12 machine has)
#   FRESH_TARGETS  what to run inside (default "setup check": the README's
#                  first command, then .ci/run; "setup" stops after the demo)
#
# Ends with one line "fresh-check: N passed, N failed, N skipped" (make
# check's, or "fresh-check: FAILED at STEP"); exits 0 only if every step
# passed. It takes long: debootstrap, the whole toolchain install, every
# dependency built for four targets, the host suite and three QEMU suites.
#
# debootstrap is not installed: like the kernels qemu-test.sh boots, its
# package is fetched with `apt-get download` and unpacked under DIR/cache.
# The container is the fresh root as boxcar runs any image: its own mount,
# PID, UTS and IPC namespaces, every capability (--privileged: nested
# containers, overlay, cgroups and QEMU need them), the host's network (apt
# reaches the archive; the tests' registry listens on 127.0.0.1). Inside,
# the cgroup hierarchies are mounted as this host has them, as its init
# system would on a real machine. Overlayfs cannot stack its upper dir on
# another overlay, so the clone, /tmp and /var/lib/boxcar are bind mounts
# of DIR and /run is a tmpfs, not the container's overlay root.
#
# While it runs, the containers of its suite are cgroups under its own
# (/sys/fs/cgroup/CTRL/boxcar-ID/boxcar-...): a test run on the host at
# the same time sees them come and go, and its runner may report them as
# "left cgroups behind". Run other suites before or after it.
set -eu

[ "$(id -u)" -eq 0 ] || { echo "fresh-check.sh: run as root" >&2; exit 100; }
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-$SRCDIR/build/fresh}
BOXCAR=${BOXCAR:-$SRCDIR/boxcar}
VARIANT=${FRESH_VARIANT:-minbase}
TARGETS=${FRESH_TARGETS:-setup check}
SUITE=bookworm
IMAGE=fresh-debian12:latest
NAME=fresh-check-$$
[ -x "$BOXCAR" ] || { echo "fresh-check.sh: no $BOXCAR: run make first" >&2; exit 100; }

step() { echo "fresh-check: $*"; }
fail() {
	echo "fresh-check: FAILED at $*"
	exit 1
}

mkdir -p "$DIR/cache"
DIR=$(cd "$DIR" && pwd)
store=$DIR/store
work=$DIR/work

# The host's bookworm archives, as deb lines in apt's order (the release
# first: given two archives with the same source version, apt-get source
# takes the first): the fresh root gets the same mirror and the same
# suites (updates, security), as a Debian installer writes them.
# shellcheck disable=SC2016 # apt's $(FIELD) syntax, not the shell's
sources=$(apt-get indextargets --format '$(CREATED_BY) $(REPO_URI) $(RELEASE) $(COMPONENT)' |
	awk -v s="$SUITE" '$1 == "Packages" && ($3 == s || index($3, s "-") == 1) {
		print "deb " $2 " " $3 " " $4 }' | awk '!seen[$0]++')
MIRROR=${FRESH_MIRROR:-$(echo "$sources" | awk -v s="$SUITE" '$3 == s { print $2; exit }')}
[ -n "$MIRROR" ] || fail "finding a $SUITE mirror in apt's sources (set FRESH_MIRROR)"
[ -n "$sources" ] || sources="deb $MIRROR $SUITE main"

# The container, its image and the root go at the end; the clone (its
# build logs) stays until the next run, for a look after a failure.
cleanup() {
	"$BOXCAR" rm -f --root "$store" "$NAME" >/dev/null 2>&1 || :
	rm -rf "$DIR/root" "$store"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cleanup
rm -rf "$work"

# debootstrap, unpacked and run from there.
dbs=$DIR/cache/debootstrap
if [ ! -x "$dbs/usr/sbin/debootstrap" ]; then
	step "downloading debootstrap"
	sandbox="-o APT::Sandbox::User=root"
	rm -f "$DIR/cache"/debootstrap_*.deb
	# shellcheck disable=SC2086 # two words
	(cd "$DIR/cache" && apt-get -q=2 $sandbox download debootstrap) ||
		fail "apt-get download debootstrap"
	rm -rf "$dbs"
	dpkg-deb -x "$DIR/cache"/debootstrap_*.deb "$dbs"
fi
step "debootstrap --variant=$VARIANT $SUITE from $MIRROR"
mkdir -p "$DIR/cache/debs"
DEBOOTSTRAP_DIR=$dbs/usr/share/debootstrap "$dbs/usr/sbin/debootstrap" \
	--variant="$VARIANT" --cache-dir="$DIR/cache/debs" "$SUITE" "$DIR/root" "$MIRROR" \
	> "$DIR/debootstrap.log" 2>&1 || {
	tail -n 20 "$DIR/debootstrap.log"
	fail "debootstrap (log: $DIR/debootstrap.log)"
}
echo "$sources" > "$DIR/root/etc/apt/sources.list"
cp /etc/resolv.conf "$DIR/root/etc/resolv.conf"
rm -f "$DIR/root/var/cache/apt/archives"/*.deb

step "importing the root as $IMAGE"
"$BOXCAR" import --root "$store" --cmd /bin/bash "$DIR/root" "$IMAGE" >/dev/null ||
	fail "boxcar import"
rm -rf "$DIR/root"

# The tree as committed, as CI sees it.
mkdir -p "$work/tmp" "$work/lib"
chmod 1777 "$work/tmp"
git clone -q "$SRCDIR" "$work/src" || fail "git clone"
step "checking $(git -C "$work/src" log -1 --format='%h %s')"

# The script the container runs: cgroups as the host mounts them, then
# the README's commands. Each step's status decides; make check's closing
# line is the result.
{
	echo 'set -u'
	# /sys is the host's, bound with its cgroup mounts (--network host):
	# detach them rather than hide them, or cgroup_detect, reading
	# mountinfo, finds the host's hidden v1 mounts first (the same
	# superblocks) and the bare-board unit test fails.
	echo 'umount -l /sys/fs/cgroup 2>/dev/null'
	echo 'mount -t tmpfs -o mode=755,nosuid,nodev,noexec cgroup /sys/fs/cgroup'
	awk '$3 == "cgroup" || $3 == "cgroup2" {
		sub("^/sys/fs/cgroup", "", $2)
		if ($2 == "") next
		n = split($4, o, ","); opts = ""
		for (i = 1; i <= n; i++)
			if (o[i] != "rw" && o[i] != "relatime")
				opts = opts (opts == "" ? "" : ",") o[i]
		printf "mkdir -p /sys/fs/cgroup%s && mount -t %s %s cgroup /sys/fs/cgroup%s\n",
			$2, $3, opts == "" ? "" : "-o " opts, $2
	}' /proc/self/mounts
	cat <<'EOF'
export DEBIAN_FRONTEND=noninteractive
cd /work/src || exit 1
for target in $TARGETS; do
	case $target in
	setup)
		echo "fresh-check: sh scripts/setup-host.sh && make defconfig && make && sh scripts/demo.sh"
		sh scripts/setup-host.sh && make defconfig && make && sh scripts/demo.sh ||
			{ echo "fresh-check: FAILED at the README's first command"; exit 1; }
		;;
	check)
		echo "fresh-check: sh .ci/run"
		sh .ci/run 2>&1 | tee /tmp/fresh-check.log
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' /tmp/fresh-check.log | tail -n 1)
		[ -n "$line" ] || { echo "fresh-check: FAILED at .ci/run (no closing line)"; exit 1; }
		echo "fresh-check: $line"
		case $line in *" 0 failed,"*) ;; *) exit 1 ;; esac
		;;
	esac
done
EOF
} > "$work/fresh-check.inner.sh"

step "running it in a --privileged container ($NAME)"
rc=0
"$BOXCAR" run --root "$store" --name "$NAME" --privileged --network host \
	-e TARGETS="$TARGETS" -e CI=true -e HOME=/root \
	-e PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	-v "$work:/work" -v "$work/tmp:/tmp" -v "$work/lib:/var/lib/boxcar" --tmpfs /run \
	"$IMAGE" sh /work/fresh-check.inner.sh < /dev/null || rc=$?
if [ $rc -ne 0 ]; then
	echo "fresh-check: FAILED with status $rc"
	exit 1
fi
case $TARGETS in *check*) ;; *) echo "fresh-check: 0 passed, 0 failed, 0 skipped (setup only)" ;; esac
