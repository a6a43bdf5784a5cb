#!/bin/sh
# bench/run.sh - how fast `boxcar run` starts a container, in how much
# memory, and whether starting and removing many leaves anything behind;
# measured side by side with crun and runc in the same run.
#
#   make && sh bench/run.sh [-r RUNS] [-w WARMUP] [-c COLD_RUNS] [-n LOOP] [-o DIR]
#
# As root. Needs hyperfine, crun, runc, jq, /usr/bin/time (Debian package
# "time"), unshare (util-linux) and busybox (busybox-static). A peer that
# is missing or fails its trial run is reported and left out, never
# silently.
#
# The image: a busybox root file system (as scripts/demo.sh makes it),
# imported as bench:latest into a store made for the run. crun and runc run
# OCI bundles whose root.path is that same directory; each bundle's
# config.json is its tool's own `spec`, edited with jq: args /bin/true,
# terminal false, root read-write, namespaces pid mount uts ipc network
# cgroup, linux.resources.memory.limit 64 MiB. boxcar runs with -m 64m and
# its default namespaces (the same six).
#
# crun refuses hybrid cgroup hosts (v1 controllers plus a v2 tree on
# /sys/fs/cgroup/unified). So the script runs itself inside `unshare -m`,
# makes / rprivate and unmounts /sys/fs/cgroup/unified there (the host
# keeps it), and every tool runs in that namespace alike. boxcar is also
# timed once before the unmount, on the host's hybrid layout, for reference.
#
# The store is on /tmp (here ext4, like /var/lib/boxcar); boxcar's runtime
# dir and the peers' state dirs (--root) are tmpfs mounts, as /run is.
#
# 1. startup: hyperfine -N, WARMUP (3) warmups and RUNS (30) runs each of
#      boxcar run --rm -m 64m bench /bin/true
#      crun run --bundle B ID / runc run --bundle B ID   (create+start+wait+delete)
#      unshare --fork --pid --mount --uts --ipc --net true   (the floor)
#      boxcar with its store on a tmpfs (what the disk costs it)
#    medians and the ratios boxcar/this (below 1: boxcar is faster).
# 1b. the same but the tmpfs row one at a time, as a user starts one
#    container: COLD_RUNS (15) runs each after `sleep 0.3` (hyperfine
#    --prepare), 1 warmup. Back to back, the kernel's cgroup threadgroup
#    lock stays warm from run to run; after a pause, moving a process into
#    a cgroup by pid first waits for an RCU grace period (docs/cgroups.md).
# 1d. the cost of guarding the binary against CVE-2019-5736: run
#    re-exec'd through a read-only bind mount (default), from a sealed
#    memfd, and from a binary on a read-only mount (no re-exec).
# 1e. bridge networking: boxcar --network bridge against --network none
#    and bridge -p 8080:80, and against `podman run --network bridge`
#    (and --network none) of the same rootfs imported into a podman store
#    in WORK, all in a network namespace made for it (bxbench-net), so
#    that the bridges and firewall rules of both are made there. podman's
#    network backend (netavark, or CNI where netavark is not installed)
#    is printed beside its rows.
# 1c. exec of /bin/true into a running container (`run -d ... sleep 600`;
#    crun and runc: `run -d` of the same bundle with args sleep 600, then
#    `exec`), one at a time (COLD_RUNS, after 0.3 s idle) and back to back
#    (RUNS after WARMUP).
# 2. peak RSS (GNU time's "Maximum resident set size", median of 5 runs; it
#    includes waited-for children, so the container's /bin/true too) of the
#    foreground runs above and of `sleep 0`; VmHWM/VmRSS of the monitor of a
#    detached container (`run -d ... sleep 600`, monitor_pid from its
#    state.json) and of a plain `sleep` process.
# 3. LOOP (100) containers, one after the other: `run --rm ... true`, then
#    `run -d ... sleep 600` + `rm -f`; ms per container, then what is left:
#    mounts under the store in mountinfo, cgroup dirs named *boxcar*
#    that were not there before, processes carrying the store's path in
#    their environment, entries in ROOT/containers (but names/), in
#    ROOT/containers/names and in the runtime dir. All should be 0.
#
# Everything lives in a work dir /tmp/bxbench.XXXXXX (store BOXCAR_ROOT=
# WORK/root, BOXCAR_RUNTIME_DIR=WORK/run, bundles, JSON); on exit, even on
# ^C, containers are removed, the processes the script started killed by
# pid, mounts under WORK undone, the peers' cgroups removed, WORK deleted.
# -o DIR keeps hyperfine's JSON (the tables go to stdout). BOXCAR: the binary
# (default ./boxcar). Paths must not contain spaces.
set -eu

RUNS=30
WARMUP=3
LOOP=100
COLD_RUNS=15
OUT=
while getopts r:w:n:c:o: opt; do
	case $opt in
	r) RUNS=$OPTARG ;;
	c) COLD_RUNS=$OPTARG ;;
	w) WARMUP=$OPTARG ;;
	n) LOOP=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) sed -n '2,/^set -eu/s/^# \{0,1\}//p' "$0" | sed '$d' >&2; exit 100 ;;
	esac
done

BOXCAR=$(realpath "${BOXCAR:-./boxcar}")
die() { echo "run.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root"
[ -x "$BOXCAR" ] || die "no $BOXCAR: build it first (make)"
for t in hyperfine jq unshare busybox /usr/bin/time; do
	command -v "$t" >/dev/null || die "needs $t"
done
[ -z "$OUT" ] || { mkdir -p "$OUT"; OUT=$(realpath "$OUT"); }

# Into a private mount namespace of our own (see the header).
if [ "${BXBENCH_INNER:-}" != 1 ]; then
	BXBENCH_INNER=1 BOXCAR="$BOXCAR" exec unshare -m sh "$0" "$@"
fi
mount --make-rprivate /

WORK=$(mktemp -d /tmp/bxbench.XXXXXX)
export BOXCAR_ROOT="$WORK/root" BOXCAR_RUNTIME_DIR="$WORK/run"
PIDS=
# Per-boot state is on a tmpfs, as /run is: boxcar's runtime dir and the
# peers' state dirs (their --root) each get one. /tmp here is ext4.
mkdir -p "$WORK/run" "$WORK/peers" "$WORK/tmpstore"
cleanup() {
	set +e
	for root in "$BOXCAR_ROOT" "$WORK/tmpstore"; do
		for id in $("$BOXCAR" ps --root "$root" -aq --no-trunc 2>/dev/null); do
			"$BOXCAR" rm --root "$root" -f "$id" >/dev/null 2>&1
		done
	done
	for t in crun runc; do
		command -v $t >/dev/null || continue
		for id in bxbench-$t bxexec-$t; do
			$t --root "$WORK/peers/$t" delete -f $id >/dev/null 2>&1
		done
	done
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	grep -F " $WORK/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m"; done
	if [ -n "${CNIDIR_MADE:-}" ]; then umount /var/lib/cni; rmdir /var/lib/cni; fi
	find /sys/fs/cgroup -depth -type d -path '*/bxbench-*' -exec rmdir {} \; 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mount -t tmpfs -o mode=700 bxbench "$WORK/run"
mount -t tmpfs -o mode=700 bxbench "$WORK/peers"
mount -t tmpfs -o mode=700 bxbench "$WORK/tmpstore"

echo "# bench/run.sh $(date -u +%Y-%m-%dT%H:%MZ)"
echo "kernel $(uname -r), $(nproc) CPUs; $("$BOXCAR" --version 2>/dev/null | head -1)"
echo "$(hyperfine --version); $(crun --version 2>/dev/null | head -1); $(runc --version 2>/dev/null | head -1)"

# The image and the bundles.
R=$WORK/rootfs
. "$(dirname "$0")/rootfs.sh"
busybox_rootfs "$R"
"$BOXCAR" import "$R" bench:latest --cmd sh --env PATH=/bin >/dev/null
"$BOXCAR" import --root "$WORK/tmpstore" "$R" bench:latest --cmd sh --env PATH=/bin >/dev/null

bundle() { # TOOL: WORK/TOOL-bundle/config.json from `TOOL spec`
	mkdir -p "$WORK/$1-bundle"
	(cd "$WORK/$1-bundle" && "$1" spec && jq --arg r "$R" '
		.root.path = $r | .root.readonly = false |
		.process.args = ["/bin/true"] | .process.terminal = false |
		.linux.namespaces = [{"type":"pid"},{"type":"mount"},{"type":"uts"},
			{"type":"ipc"},{"type":"network"},{"type":"cgroup"}] |
		.linux.resources.memory.limit = 67108864' config.json >c.tmp &&
		mv c.tmp config.json)
}

median() { jq -r ".results[$2].median" "$1"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.2f", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# table JSON TITLE: a markdown table of hyperfine's JSON, the ratio
# against its first command (boxcar).
table() {
	b=$(median "$1" 0)
	echo
	echo "## $2"
	echo
	echo "| command | median ms | mean ± σ ms | ratio |"
	echo "|---------|----------:|------------:|------:|"
	jq -r '.results[] | [.command, .median, .mean, .stddev] | @tsv' "$1" |
	while IFS="$(printf '\t')" read -r name med mean sd; do
		printf '| %s | %s | %s ± %s | %s |\n' "$name" "$(ms "$med")" \
			"$(ms "$mean")" "$(ms "$sd")" "$(ratio "$b" "$med")"
	done
}

# Every run in a network namespace with lo only, as the peers' bundles
# (bridge networking, the default, is timed apart in 1e)
export BOXCAR_NETWORK=none
BOX="$BOXCAR run --rm -m 64m bench /bin/true"
FLOOR="unshare --fork --pid --mount --uts --ipc --net true"

# 0. boxcar on the host's hybrid layout (v1 + unified), before the unmount.
hyperfine -N -w "$WARMUP" -r "$RUNS" --export-json "$WORK/startup-hybrid.json" \
	-n "boxcar (hybrid)" "$BOX" >/dev/null
if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi

# Each peer runs once here and must exit 0, or it is left out.
PEERS=
for t in crun runc; do
	if ! command -v $t >/dev/null; then
		echo "$t: not installed (apt-get install $t): left out"
		continue
	fi
	bundle $t >/dev/null
	if err=$($t --root "$WORK/peers/$t" run --bundle "$WORK/$t-bundle" bxbench-$t 2>&1); then
		PEERS="$PEERS $t"
	else
		echo "$t: trial run failed (exit $?): $err: left out"
	fi
done
$BOX || die "boxcar: trial run failed"

# 1. Startup.
# time_startup JSON TMPFS HYPERFINE-OPTION...: boxcar (first: the ratios'
# base), the peers, the floor, and with TMPFS 1 boxcar with its store on
# a tmpfs.
time_startup() {
	json=$1 tmpfs=$2
	shift 2
	set -- "$@" -n boxcar "$BOX"
	for t in $PEERS; do
		set -- "$@" -n "$t" "$t --root $WORK/peers/$t run --bundle $WORK/$t-bundle bxbench-$t"
	done
	set -- "$@" -n floor "$FLOOR"
	[ "$tmpfs" = 0 ] ||
		set -- "$@" -n "boxcar, store on a tmpfs" "$BOXCAR run --root $WORK/tmpstore --rm -m 64m bench /bin/true"
	hyperfine -N --export-json "$json" "$@" >/dev/null
}
time_startup "$WORK/startup.json" 1 -w "$WARMUP" -r "$RUNS" \
	--export-markdown "$WORK/startup-hyperfine.md"

table "$WORK/startup.json" "Startup: median of $RUNS runs after $WARMUP warmups (ms); ratio = boxcar / this"
b=$(median "$WORK/startup.json" 0)
h=$(median "$WORK/startup-hybrid.json" 0)
echo "| boxcar, host's hybrid cgroups (v1 + unified; timed first, alone) | $(ms "$h") | | $(ratio "$b" "$h") |"

# 1b. Startup one at a time, as a user starts a container: 0.3 s of quiet
# before each run (hyperfine --prepare). Back to back, each run finds the
# kernel's cgroup threadgroup lock still warm from the one before; after a
# pause, the first move of a process into a cgroup by pid waits for an RCU
# grace period (docs/cgroups.md).
time_startup "$WORK/startup-cold.json" 0 -w 1 -r "$COLD_RUNS" --prepare "sleep 0.3"
table "$WORK/startup-cold.json" "Startup one at a time: median of $COLD_RUNS runs, each after 0.3 s idle (ms)"

# 1d. What guarding the binary costs (CVE-2019-5736, docs/security.md):
# run re-execs itself through a read-only bind mount of its binary (the
# default), or a sealed memfd copy; from a binary on a read-only mount it
# has nothing to do. The three through env(1), so each pays the same
# extra exec and only the way differs.
mkdir -p "$WORK/robin"
cp "$BOXCAR" "$WORK/robin/boxcar"
mount --bind "$WORK/robin" "$WORK/robin"
mount -o remount,bind,ro "$WORK/robin"
G="run --rm -m 64m bench /bin/true"
hyperfine -N -w "$WARMUP" -r "$RUNS" --export-json "$WORK/guard.json" \
	-n "re-exec through a read-only bind mount (default)" "env BOXCAR_GUARD_EXE=bind $BOXCAR $G" \
	-n "re-exec from a sealed memfd copy" "env BOXCAR_GUARD_EXE=memfd $BOXCAR $G" \
	-n "binary on a read-only mount: no re-exec" "env $WORK/robin/boxcar $G" >/dev/null
table "$WORK/guard.json" "Guarding the binary: boxcar run, median of $RUNS runs after $WARMUP warmups (ms); ratio = default / this"

# 1e. Bridge networking (docs/network.md): a network namespace with lo
# only (--network none, what every other row measures) against boxcar's
# bridge, without and with a published port (which runs nft twice: at
# start and at the end). In a network namespace made for it, so that the
# bridge and the nft table are made there, never on the host.
if command -v ip >/dev/null && command -v nft >/dev/null && ip netns add bxbench-net 2>/dev/null; then
	ip -n bxbench-net link set lo up
	IN="$BOXCAR nsenter --net=/run/netns/bxbench-net"
	NET="$IN $BOXCAR run --rm -m 64m"
	set --
	# podman: its store and run dir in WORK, no systemd (cgroupfs, no
	# journal events), crun or runc as it finds them; explicit nofile and
	# nproc limits (its defaults may be above this host's hard limits);
	# CNI's leases (/var/lib/cni, when podman has no netavark) on a tmpfs
	# of this mount namespace, the directory removed after if we made it
	PM="podman --root $WORK/podman --runroot $WORK/podman-run --cgroup-manager cgroupfs --events-backend none"
	PMRUN="run --rm -m 64m --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --cgroup-parent /bxbench-podman"
	[ -d /var/lib/cni ] || { mkdir -p /var/lib/cni && CNIDIR_MADE=1; }
	mount -t tmpfs -o mode=755 bxbench /var/lib/cni
	if ! command -v podman >/dev/null; then
		echo "podman: not installed (apt-get install podman netavark): left out of 1e"
	elif tar -C "$R" -c . | $PM import -q - localhost/bxbench >/dev/null 2>&1 &&
		err=$($IN $PM $PMRUN --network bridge localhost/bxbench /bin/true 2>&1); then
		backend=$($PM info --format '{{.Host.NetworkBackend}}' 2>/dev/null)
		set -- -n "podman run --network bridge ($backend)" \
			"$IN $PM $PMRUN --network bridge localhost/bxbench /bin/true" \
			-n "podman run --network none" \
			"$IN $PM $PMRUN --network none localhost/bxbench /bin/true"
	else
		echo "podman: trial run failed: ${err:-import failed}: left out of 1e"
	fi
	if $NET --network bridge bench /bin/true; then
		hyperfine -N -w "$WARMUP" -r "$RUNS" --export-json "$WORK/network.json" \
			-n "boxcar --network bridge" "$NET --network bridge bench /bin/true" \
			-n "boxcar --network none (lo only)" "$NET --network none bench /bin/true" \
			-n "boxcar --network bridge -p 8080:80" "$NET --network bridge -p 8080:80 bench /bin/true" \
			"$@" >/dev/null
		table "$WORK/network.json" "Networking: median of $RUNS runs after $WARMUP warmups (ms); ratio = boxcar bridge / this"
	else
		echo "network: bridged trial run failed: left out"
	fi
	ip netns del bxbench-net
	umount /var/lib/cni
	[ -z "${CNIDIR_MADE:-}" ] || { rmdir /var/lib/cni; CNIDIR_MADE=; }
else
	echo "network: no ip, no nft or no netns: left out"
fi

# 1c. exec: /bin/true in a running container (`sleep 600`), one at a
# time (0.3 s idle before each run) and back to back; the peers' `exec`
# on a container of the same rootfs started with `run -d`.
"$BOXCAR" run -d --name bxexec -m 64m bench /bin/sleep 600 >/dev/null || die "boxcar: run -d failed"
set -- -n boxcar "$BOXCAR exec bxexec /bin/true"
for t in $PEERS; do
	mkdir -p "$WORK/$t-long"
	jq '.process.args = ["/bin/sleep", "600"]' "$WORK/$t-bundle/config.json" > "$WORK/$t-long/config.json"
	if $t --root "$WORK/peers/$t" run -d --bundle "$WORK/$t-long" bxexec-$t </dev/null >/dev/null 2>&1; then
		set -- "$@" -n "$t" "$t --root $WORK/peers/$t exec bxexec-$t /bin/true"
	else
		echo "$t: run -d failed: left out of exec"
	fi
done
hyperfine -N -w 1 -r "$COLD_RUNS" --prepare "sleep 0.3" --export-json "$WORK/exec-cold.json" \
	"$@" >/dev/null
hyperfine -N -w "$WARMUP" -r "$RUNS" --export-json "$WORK/exec.json" "$@" >/dev/null
table "$WORK/exec-cold.json" "exec one at a time: median of $COLD_RUNS runs, each after 0.3 s idle (ms)"
table "$WORK/exec.json" "exec, back to back: median of $RUNS runs after $WARMUP warmups (ms)"
"$BOXCAR" rm -f bxexec >/dev/null
for t in $PEERS; do
	$t --root "$WORK/peers/$t" delete -f bxexec-$t >/dev/null 2>&1
done

# 2. Peak RSS.
maxrss() { # CMD...: median over 5 runs of GNU time's %M (KiB)
	for i in 1 2 3 4 5; do
		/usr/bin/time -f %M -o "$WORK/rss" "$@" >/dev/null 2>&1 || true
		tail -n 1 "$WORK/rss"
	done | sort -n | sed -n 3p
}
echo
echo "## Peak RSS (KiB)"
echo
echo "| process | peak RSS KiB |"
echo "|---------|-------------:|"
echo "| \`boxcar run --rm\` (foreground, incl. /bin/true) | $(maxrss $BOX) |"
for t in $PEERS; do
	echo "| \`$t run\` (foreground, incl. /bin/true) | $(maxrss "$t" --root "$WORK/peers/$t" run --bundle "$WORK/$t-bundle" "bxbench-$t") |"
done
echo "| \`sleep 0\` (floor, GNU time) | $(maxrss sleep 0) |"
id=$("$BOXCAR" run -d -m 64m bench sleep 600)
mon=$(jq .monitor_pid "$BOXCAR_ROOT/containers/$id/state.json")
sleep 1
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$mon/status")
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$mon/status")
echo "| monitor of \`run -d\` (VmHWM / VmRSS after 1 s) | $hwm / $rss |"
"$BOXCAR" rm -f "$id" >/dev/null
sleep 600 & PIDS="$PIDS $!"; sp=$!
sleep 1
echo "| a \`sleep 600\` process (VmHWM / VmRSS) | $(awk '/^VmHWM/ {print $2}' /proc/$sp/status) / $(awk '/^VmRSS/ {print $2}' /proc/$sp/status) |"
kill "$sp"; wait "$sp" 2>/dev/null || true

# 3. Many containers, then what is left.
cgroups() { find /sys/fs/cgroup -name '*boxcar*' 2>/dev/null | sort; }
leaks() { # LABEL BEFORE-CGROUPS-FILE
	cgroups >"$WORK/cg.after"
	m=$(grep -cF " $BOXCAR_ROOT/" /proc/self/mountinfo || true)
	c=$(comm -13 "$2" "$WORK/cg.after" | wc -l)
	p=0
	for e in /proc/[0-9]*/environ; do
		[ "$e" = "/proc/$$/environ" ] && continue
		grep -qzxF "BOXCAR_ROOT=$BOXCAR_ROOT" "$e" 2>/dev/null && p=$((p + 1))
	done
	d=$(find "$BOXCAR_ROOT/containers" -mindepth 1 -maxdepth 1 ! -name names | wc -l)
	n=$(find "$BOXCAR_ROOT/containers/names" -mindepth 1 | wc -l)
	r=$(find "$BOXCAR_RUNTIME_DIR" -mindepth 1 | wc -l)
	echo "| $1 | $ms_per | $m | $c | $p | $d | $n | $r |"
}
now() { date +%s%N; }
echo
echo "## $LOOP containers, one after the other; what is left after the loop"
echo
echo "| loop | ms per container | mounts | new cgroup dirs | processes | containers/ | names/ | runtime dir |"
echo "|------|-----------------:|-------:|----------------:|----------:|------------:|-------:|------------:|"
cgroups >"$WORK/cg.before"
t0=$(now)
i=0
while [ $i -lt "$LOOP" ]; do $BOX; i=$((i + 1)); done
ms_per=$(awk -v a="$t0" -v b="$(now)" -v n="$LOOP" 'BEGIN { printf "%.2f", (b - a) / n / 1e6 }')
leaks "\`run --rm -m 64m bench true\`" "$WORK/cg.before"
t0=$(now)
i=0
while [ $i -lt "$LOOP" ]; do
	id=$("$BOXCAR" run -d -m 64m bench sleep 600)
	"$BOXCAR" rm -f "$id" >/dev/null
	i=$((i + 1))
done
ms_per=$(awk -v a="$t0" -v b="$(now)" -v n="$LOOP" 'BEGIN { printf "%.2f", (b - a) / n / 1e6 }')
leaks "\`run -d -m 64m bench sleep 600\` + \`rm -f\`" "$WORK/cg.before"

if [ -n "$OUT" ]; then
	cp "$WORK"/startup*.json "$WORK"/exec*.json "$WORK/guard.json" "$WORK/startup-hyperfine.md" "$OUT/"
	[ ! -f "$WORK/network.json" ] || cp "$WORK/network.json" "$OUT/"
	echo
	echo "hyperfine JSON in $OUT"
fi
