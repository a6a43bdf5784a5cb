#!/bin/sh
# bench/pull.sh - how fast `boxcar pull` gets an image from a registry into
# the store, in how much CPU and memory, measured side by side with
# `skopeo copy` + `umoci unpack` (what a runtime without boxcar needs to have
# the layers and an unpacked rootfs) in the same run.
#
#   make && sh bench/pull.sh [-r RUNS] [-w WARMUP] [-o DIR] [-S]
#
# As root (it mounts a tmpfs; unpacking as root restores owners, for every
# tool alike). Needs hyperfine, skopeo, umoci, openssl, docker-registry (Debian's
# docker distribution), python3, /usr/bin/time (Debian package "time"), and
# dpkg with the packages of PACKAGES installed (the image's content).
#
# The registry: Debian's docker-registry on 127.0.0.1, plain HTTP, storage
# on the tmpfs; a second one over HTTPS (a CA and a certificate for
# localhost made with openssl for the run) serving the same storage. Both
# are started by this script and killed by their PIDs on exit.
#
# The images, made with umoci and pushed with skopeo (gzip layers, as
# registries serve them):
#   bench:1   four layers: the installed files of fixed groups of Debian 12
#             packages (base libs and tools; perl; python; openssl, apt,
#             dpkg, tzdata), the same package set as bench/layer.sh's corpus
#             (~130 MB of files, ~47 MB of gzip). The package versions are
#             printed, so a run can be matched.
#   small:1   one layer: busybox (or dash), ~1 MB: to show that boxcar's
#             peak RSS does not grow with the image.
#
# What is timed, on a tmpfs mounted for the run (bxbench-* under /tmp,
# unmounted and deleted on exit, even on ^C), each into a destination
# wiped by hyperfine's --prepare before every run:
#   boxcar pull -q --insecure --root R 127.0.0.1:PORT/IMAGE:1
#   skopeo copy -q --src-tls-verify=false docker://127.0.0.1:PORT/IMAGE:1
#        oci:DIR:1 && umoci unpack --image DIR:1 BUNDLE
# for bench:1 and small:1 over HTTP, and bench:1 over HTTPS (boxcar --ca
# CA.pem, skopeo --src-cert-dir).
# hyperfine gives medians of RUNS runs (default 10) after WARMUP (1); the
# ratio is boxcar / peer (below 1: boxcar is faster). CPU time (user + sys)
# and peak RSS come from `/usr/bin/time -v` over 3 more runs of each
# command (medians; for boxcar also the largest RSS), skopeo and umoci
# measured apart. Podman is measured
# too when `podman` is installed (`podman pull --tls-verify=false` into a
# --root on the tmpfs, its default overlay driver; Debian package podman).
# Then the size pull costs: this tree built three times out of tree
# (/tmp/bxbench-size.*, deleted on exit) from x86_64_defconfig: as is, with
# FEATURE_TLS off, with APPLET_PULL off; stripped sizes and `make size`'s
# components (-S skips this; it needs build/deps/src from a `make`, or
# BENCH_DEPS_SRC).
# Then the same pulls of bench:1 and small:1 over HTTP onto a disk: an
# ext4 file system in a file on the disk (BENCH_DISK, default /var/tmp),
# loop-mounted, made again (mkfs, mount, sync) in hyperfine's --prepare
# before every run of every tool, so that no run pays for what its
# predecessor deleted (ext4 without a journal skips the inodes freed in
# the last 60-300 s, at every create: bench/README.md, "Pull onto a
# disk") nor for another program's dirty pages; the registry stays on the
# tmpfs. BENCH_DISK_MKFS (default "mkfs.ext4 -q -F -E
# lazy_itable_init=0,lazy_journal_init=0": with a journal, as mkfs makes
# it) gives another file system, e.g. "mkfs.ext4 -q -F -O ^has_journal".
# Wall time only; the report puts tmpfs and disk side by side.
# -o DIR keeps hyperfine's JSON/CSV, the time -v logs, make size's output
# and the report.
# Environment: BOXCAR (the binary, default ./boxcar), BENCH_TMPFS_SIZE
# (default 3g), BENCH_DISK, BENCH_DISK_SIZE (default 2g), BENCH_DISK_MKFS.
# Paths must not contain spaces.
set -eu

PACKAGES_BASE="libc6 libgcc-s1 libstdc++6 coreutils bash dash sed grep findutils
diffutils gzip tar util-linux libsystemd0 libncursesw6 ncurses-base"
PACKAGES_PERL="perl-base perl-modules-5.36 libdb5.3"
PACKAGES_PYTHON="python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libsqlite3-0"
PACKAGES_TLS="libssl3 openssl ca-certificates libgnutls30 apt libapt-pkg6.0 dpkg tzdata"

RUNS=${BENCH_RUNS:-10}
WARMUP=${BENCH_WARMUP:-1}
OUT=
NO_SIZE=
while getopts r:w:o:S opt; do
	case $opt in
	r) RUNS=$OPTARG ;;
	w) WARMUP=$OPTARG ;;
	o) OUT=$OPTARG ;;
	S) NO_SIZE=1 ;;
	*) sed -n '2,/^set -eu/s/^# \{0,1\}//p' "$0" | sed '$d' >&2; exit 100 ;;
	esac
done

say() { printf '%s\n' "$*" >&2; }
fail() { say "bench/pull.sh: $*"; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (mounts a tmpfs)"
for t in hyperfine skopeo umoci docker-registry python3 openssl dpkg tar awk mkfs.ext4 mountpoint; do
	command -v "$t" >/dev/null || fail "$t not found"
done
/usr/bin/time -f %M true >/dev/null 2>&1 || fail "need /usr/bin/time (apt-get install time)"
BX_SRC=${BOXCAR:-./boxcar}
[ -x "$BX_SRC" ] || fail "$BX_SRC not found: run make (or set BOXCAR)"
for p in $PACKAGES_BASE $PACKAGES_PERL $PACKAGES_PYTHON $PACKAGES_TLS; do
	dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed ||
		fail "package $p is not installed (apt-get install $p)"
done

T=$(mktemp -d /tmp/bxbench-pull.XXXXXX)
SIZES=$(mktemp -d /tmp/bxbench-size.XXXXXX)
DISK_IMG=$(mktemp "${BENCH_DISK:-/var/tmp}/bxbench-disk.XXXXXX")
MOUNTED=
REG_PIDS=
cleanup() {
	cd /
	for pid in $REG_PIDS; do
		kill "$pid" 2>/dev/null || :
		wait "$pid" 2>/dev/null || :
	done
	if mountpoint -q "$T/disk" 2>/dev/null; then
		umount "$T/disk" 2>/dev/null || umount -l "$T/disk"
	fi
	rm -f "$DISK_IMG"
	if [ -n "$MOUNTED" ]; then
		umount "$T" 2>/dev/null || umount -l "$T"
	fi
	rm -rf "$T" "$SIZES"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mount -t tmpfs -o "size=${BENCH_TMPFS_SIZE:-3g},mode=0755" bxbench "$T"
MOUNTED=1

# A copy of the binary: a rebuild during the run changes nothing.
BX=$T/boxcar
cp "$BX_SRC" "$BX"
BX_ID="$(cd "$(dirname "$BX_SRC")" && git describe --always --dirty 2>/dev/null || echo '?'), $(wc -c < "$BX") bytes"
# Anonymous pulls, whatever /etc/boxcar/auth.json says.
echo '{}' > "$T/auth.json"
chmod 600 "$T/auth.json"
export BOXCAR_AUTH="$T/auth.json"
RES=$T/results
mkdir -p "$RES"

# ---- the images ------------------------------------------------------------

# copy_packages ROOTFS PACKAGE...: their installed files, with owners, modes
# and mtimes, into ROOTFS (merged /usr: dpkg's /bin/cat is /usr/bin/cat).
copy_packages() {
	root=$1
	shift
	dpkg -L "$@" | sed -e '/^$/d' -e '/^\/\.$/d' \
		-e 's#^/bin/#/usr/bin/#' -e 's#^/sbin/#/usr/sbin/#' \
		-e 's#^/lib/#/usr/lib/#' -e 's#^/lib64/#/usr/lib64/#' |
		grep -v -x -e /bin -e /sbin -e /lib -e /lib64 | LC_ALL=C sort -u > "$T/list"
	tar cf - --no-recursion -T "$T/list" 2>/dev/null | tar xf - -C "$root"
}

L=$T/layout
say "making the images..."
umoci init --layout "$L"
umoci new --image "$L:bench"
umoci unpack --image "$L:bench" "$T/bundle" >/dev/null
# word splitting of the package lists is wanted below
# shellcheck disable=SC2086
copy_packages "$T/bundle/rootfs" $PACKAGES_BASE
for l in bin sbin lib lib64; do
	[ -d "$T/bundle/rootfs/usr/$l" ] && ln -s "usr/$l" "$T/bundle/rootfs/$l"
done
umoci repack --refresh-bundle --image "$L:bench" "$T/bundle"
for group in "$PACKAGES_PERL" "$PACKAGES_PYTHON" "$PACKAGES_TLS"; do
	# shellcheck disable=SC2086
	copy_packages "$T/bundle/rootfs" $group
	umoci repack --refresh-bundle --image "$L:bench" "$T/bundle"
done
umoci config --image "$L:bench" --config.cmd /bin/bash
NFILES=$(find "$T/bundle/rootfs" -type f | wc -l)
NENTRIES=$(find "$T/bundle/rootfs" | wc -l)
NBYTES=$(find "$T/bundle/rootfs" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
rm -rf "$T/bundle"

umoci new --image "$L:small"
umoci unpack --image "$L:small" "$T/bundle" >/dev/null
mkdir -p "$T/bundle/rootfs/bin"
SMALL_BIN=/bin/busybox
[ -x "$SMALL_BIN" ] || SMALL_BIN=/bin/dash
cp "$SMALL_BIN" "$T/bundle/rootfs/bin/"
umoci repack --image "$L:small" "$T/bundle"
rm -rf "$T/bundle"

# Compressed layer sizes, from the manifest.
manifest_of() { # TAG
	d=$(python3 -c 'import json, sys
for m in json.load(open(sys.argv[1]))["manifests"]:
    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == sys.argv[2]:
        print(m["digest"].split(":")[1])' "$L/index.json" "$1")
	echo "$L/blobs/sha256/$d"
}
layer_sizes() { # TAG: the layers' sizes, one a line
	python3 -c 'import json, sys
for l in json.load(open(sys.argv[1]))["layers"]:
    print(l["size"])' "$(manifest_of "$1")"
}
BIG_LAYERS=$(layer_sizes bench | paste -s -d+)
BIG_GZ=$(layer_sizes bench | awk '{ s += $1 } END { print s }')
SMALL_GZ=$(layer_sizes small | awk '{ s += $1 } END { print s }')

# ---- the registry ------------------------------------------------------------

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# start_registry NAME PORT [CERT KEY]: both registries serve the same
# storage (only the first is pushed to).
start_registry() {
	mkdir -p "$T/$1"
	{
		printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n'
		printf '    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' "$T/registry-data" "$2"
		[ -z "${3:-}" ] || printf '  tls:\n    certificate: %s\n    key: %s\n' "$3" "$4"
	} > "$T/$1/config.yml"
	docker-registry serve "$T/$1/config.yml" > "$T/$1/log" 2>&1 &
	REG_PIDS="$REG_PIDS $!"
	python3 - "$2" <<'PY' || { cat "$T/$1/log" >&2; fail "the registry did not start"; }
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}
PORT=$(free_port)
start_registry registry "$PORT"
REG=127.0.0.1:$PORT
say "pushing to $REG..."
for img in bench small; do
	skopeo copy -q --dest-tls-verify=false "oci:$L:$img" "docker://$REG/$img:1"
done
rm -rf "$L"

# The same storage over HTTPS, with a CA made for the run.
say "starting the HTTPS registry..."
mkdir -p "$T/tls/certs"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bxbench-ca \
	-keyout "$T/tls/ca.key" -out "$T/tls/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=localhost \
	-keyout "$T/tls/server.key" -out "$T/tls/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$T/tls/ext"
openssl x509 -req -in "$T/tls/server.csr" -CA "$T/tls/ca.pem" -CAkey "$T/tls/ca.key" \
	-CAcreateserial -days 2 -extfile "$T/tls/ext" -out "$T/tls/server.pem" 2>/dev/null
cp "$T/tls/ca.pem" "$T/tls/certs/ca.crt" # skopeo's --src-cert-dir
TPORT=$(free_port)
start_registry registry-tls "$TPORT" "$T/tls/server.pem" "$T/tls/server.key"
REGS=localhost:$TPORT

# ---- the commands ----------------------------------------------------------

# IMAGE is bench, small or bench-tls (bench:1 over HTTPS). Each tool's
# output goes under $D: the tmpfs ($T), or the disk ($T/disk).
D=$T
bx_cmd() {
	case $1 in
	*-tls) echo "$BX pull -q --ca $T/tls/ca.pem --root $D/bx $REGS/${1%-tls}:1" ;;
	*) echo "$BX pull -q --insecure --root $D/bx $REG/$1:1" ;;
	esac
}
bx_prep="rm -rf $T/bx"
sk_cmd() {
	case $1 in
	*-tls) echo "skopeo copy -q --src-cert-dir $T/tls/certs docker://$REGS/${1%-tls}:1 oci:$D/oci:1" ;;
	*) echo "skopeo copy -q --src-tls-verify=false docker://$REG/$1:1 oci:$D/oci:1" ;;
	esac
}
um_cmd() { echo "umoci unpack --image $D/oci:1 $D/bundle"; }
peer_prep="rm -rf $T/oci $T/bundle"
PODMAN=
if command -v podman >/dev/null && podman --version >/dev/null 2>&1; then
	PODMAN="$(podman --version), storage driver $(podman --root "$T/podman-info" \
		--runroot "$T/podman-info-run" info --format '{{.Store.GraphDriverName}}' 2>/dev/null)"
	rm -rf "$T/podman-info" "$T/podman-info-run"
fi
pm_cmd() {
	case $1 in
	*-tls) echo "podman --root $D/podman --runroot $T/podman-run pull -q --cert-dir $T/tls/certs $REGS/${1%-tls}:1" ;;
	*) echo "podman --root $D/podman --runroot $T/podman-run pull -q --tls-verify=false $REG/$1:1" ;;
	esac
}
pm_prep="podman --root $T/podman --runroot $T/podman-run rmi -a -f >/dev/null 2>&1; rm -rf $T/podman $T/podman-run"

# Both must end with the same files: boxcar's layers (overlay lower
# directories, no whiteouts in these images) add up to umoci's rootfs.
say "checking that both get the same files..."
if ! sh -c "$bx_prep && $(bx_cmd bench)" >/dev/null 2>"$RES/bx.err"; then
	cat "$RES/bx.err" >&2
	fail "boxcar pull failed"
fi
lower=$("$BX" image inspect --root "$T/bx" "$REG/bench:1" 2>/dev/null |
	sed -n 's/.*"LowerDir": *"\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$lower" ] || lower=$(BOXCAR_ROOT=$T/bx "$BX" image inspect "$REG/bench:1" |
	sed -n 's/.*"LowerDir": *"\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$lower" ] || fail "no LowerDir in boxcar image inspect"
n_bx=0
for d in $(echo "$lower" | tr ':' ' '); do
	n_bx=$((n_bx + $(find "$d" -type f | wc -l)))
done
sh -c "$peer_prep && $(sk_cmd bench) && $(um_cmd)" >/dev/null
n_um=$(find "$T/bundle/rootfs" -type f | wc -l)
if [ "$n_bx" != "$n_um" ] || [ "$n_um" != "$NFILES" ]; then
	fail "different files: boxcar $n_bx, umoci $n_um, image $NFILES"
fi
sh -c "$bx_prep; $peer_prep"

# ---- timing ----------------------------------------------------------------

timeit() { # IMAGE
	img=$1
	say "timing $img ($RUNS runs)..."
	set -- -n "boxcar pull" -p "$bx_prep" "$(bx_cmd "$img")" \
		-n "skopeo copy + umoci unpack" -p "$peer_prep" "$(sk_cmd "$img") && $(um_cmd)"
	[ -n "$PODMAN" ] && set -- "$@" -n "podman pull" -p "$pm_prep" "$(pm_cmd "$img")"
	hyperfine --style basic -w "$WARMUP" -r "$RUNS" \
		--export-csv "$RES/$img.csv" --export-json "$RES/$img.json" "$@" \
		> "$RES/$img.log" 2>&1 || { cat "$RES/$img.log" >&2; fail "hyperfine failed ($img)"; }
}
median() { # IMAGE NAME: seconds
	awk -F, -v n="$2" 'NR > 1 && $1 == n { print $4 }' "$RES/$1.csv"
}

# cpu_rss TAG PREP CMD: 3 runs under time -v; "CPU-seconds RSS-KiB
# MAX-RSS-KiB": medians of the three, and the largest RSS.
cpu_rss() {
	tag=$1 prep=$2 cmd=$3
	for i in 1 2 3; do
		sh -c "$prep"
		# shellcheck disable=SC2086
		/usr/bin/time -v -o "$RES/$tag.time$i" $cmd >/dev/null 2>&1 ||
			{ cat "$RES/$tag.time$i" >&2; fail "$tag failed"; }
	done
	c=$(for i in 1 2 3; do
		awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 }
			END { printf "%.2f\n", u + s }' "$RES/$tag.time$i"
	done | sort -n | sed -n 2p)
	for i in 1 2 3; do
		awk -F': ' '/Maximum resident/ { print $2 }' "$RES/$tag.time$i"
	done | sort -n > "$RES/$tag.rss"
	echo "$c $(sed -n 2p "$RES/$tag.rss") $(sed -n 3p "$RES/$tag.rss")"
}

# cpu_rss prints three words: set -- splits them on purpose.
# shellcheck disable=SC2046
for img in bench small bench-tls; do
	timeit "$img"
	say "CPU and peak RSS of $img..."
	ref=$img
	img=$(echo "$img" | tr - _) # a part of variable names below
	set -- $(cpu_rss "bx-$img" "$bx_prep" "$(bx_cmd "$ref")")
	eval "BX_CPU_$img=\$1 BX_RSS_$img=\$2 BX_MAXRSS_$img=\$3"
	# skopeo then umoci, in pairs: umoci unpacks what skopeo just copied.
	set -- $(cpu_rss "sk-$img" "$peer_prep" "$(sk_cmd "$ref")")
	eval "SK_CPU_$img=\$1 SK_RSS_$img=\$2"
	set -- $(cpu_rss "um-$img" "rm -rf $T/bundle" "$(um_cmd)")
	eval "UM_CPU_$img=\$1 UM_RSS_$img=\$2"
	if [ -n "$PODMAN" ]; then
		set -- $(cpu_rss "pm-$img" "$pm_prep" "$(pm_cmd "$ref")")
		eval "PM_CPU_$img=\$1 PM_RSS_$img=\$2"
	fi
	sh -c "$bx_prep; $peer_prep"
done

# ---- onto a disk -------------------------------------------------------------

# A fresh file system before every run (see the header): the prepare
# step of every tool, so all pay the same and none is timed doing it.
DISK_FS=${BENCH_DISK_MKFS:-mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0}
mkdir -p "$T/disk"
{
	echo "if mountpoint -q $T/disk; then umount $T/disk; fi"
	echo "rm -f $DISK_IMG && truncate -s ${BENCH_DISK_SIZE:-2g} $DISK_IMG &&"
	echo "$DISK_FS $DISK_IMG >/dev/null && mount -o loop $DISK_IMG $T/disk &&"
	echo "rm -rf $T/podman-run && sync"
} > "$T/remake-disk"
disk_prep="sh $T/remake-disk"
sh "$T/remake-disk" || fail "cannot make a file system in $DISK_IMG"
DISK_WHAT="$(df -T "${BENCH_DISK:-/var/tmp}" | awk 'NR == 2 { print $2 " on " $1 }') ($(findmnt -n -o OPTIONS --target "${BENCH_DISK:-/var/tmp}"))"
timeit_disk() { # IMAGE
	img=$1
	say "timing $img onto the disk ($RUNS runs)..."
	D=$T/disk
	set -- -n "boxcar pull" -p "$disk_prep" "$(bx_cmd "$img")" \
		-n "skopeo copy + umoci unpack" -p "$disk_prep" "$(sk_cmd "$img") && $(um_cmd)"
	[ -n "$PODMAN" ] && set -- "$@" -n "podman pull" -p "$disk_prep" "$(pm_cmd "$img")"
	D=$T
	hyperfine --style basic -w "$WARMUP" -r "$RUNS" \
		--export-csv "$RES/$img-disk.csv" --export-json "$RES/$img-disk.json" "$@" \
		> "$RES/$img-disk.log" 2>&1 || { cat "$RES/$img-disk.log" >&2; fail "hyperfine failed ($img, disk)"; }
}
for img in bench small; do
	timeit_disk "$img"
done
umount "$T/disk"
rm -f "$DISK_IMG"

# ---- what pull costs in size -----------------------------------------------

# Three builds of this tree, out of tree (O=), x86_64_defconfig: as it is,
# with FEATURE_TLS off, and with APPLET_PULL off (which takes FEATURE_TLS
# with it). DEPS_SRC: the Debian sources the main build fetched.
size_builds() {
	src=$(cd "$(dirname "$0")/.." && pwd)
	deps=${BENCH_DEPS_SRC:-$src/build/deps/src}
	[ -d "$deps" ] || { say "no $deps: run make first; sizes skipped"; return 1; }
	for v in default notls nopull; do
		d=$SIZES/$v
		mkdir -p "$d"
		make -s -C "$src" O="$d" KCONFIG_CONFIG="$d/.config" x86_64_defconfig >/dev/null
		case $v in
		notls) sed -i 's/^CONFIG_FEATURE_TLS=y$/# CONFIG_FEATURE_TLS is not set/' "$d/.config" ;;
		nopull) sed -i -e 's/^CONFIG_FEATURE_TLS=y$/# CONFIG_FEATURE_TLS is not set/' \
			-e 's/^CONFIG_APPLET_PULL=y$/# CONFIG_APPLET_PULL is not set/' "$d/.config" ;;
		esac
		make -s -C "$src" O="$d" KCONFIG_CONFIG="$d/.config" olddefconfig >/dev/null
		make -s -C "$src" O="$d" KCONFIG_CONFIG="$d/.config" DEPS_SRC="$deps" \
			-j"$(nproc)" > "$d/build.log" 2>&1 || { cat "$d/build.log" >&2; fail "build $v failed"; }
		make -s -C "$src" O="$d" KCONFIG_CONFIG="$d/.config" DEPS_SRC="$deps" size > "$d/size.txt"
		grep -E '^(# )?CONFIG_(APPLET_PULL|FEATURE_TLS)[ =]' "$d/.config" | paste -s -d ';' - | sed 's/;/; /g' > "$d/what"
	done
}
SIZED=
if [ -z "$NO_SIZE" ]; then
	say "building three configurations for their sizes..."
	size_builds && SIZED=1
fi

# ---- report ----------------------------------------------------------------

fmt() { awk -v v="$1" 'BEGIN { printf "%.3f", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mib() { awk -v v="$1" 'BEGIN { printf "%.1f", v / 1048576 }'; }
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a + b }'; }
# CPU ratios: time -v counts in 10 ms, too coarse below 0.1 s
cratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a < 0.1 || b < 0.1) print "(n/a)"; else printf "**%.2f**", a / b }'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }

rows() { # IMAGE: time table rows
	img=$1
	bt=$(median "$img" "boxcar pull")
	img=$(echo "$img" | tr - _)
	pt=$(median "$1" "skopeo copy + umoci unpack")
	eval "bc=\$BX_CPU_$img br=\$BX_RSS_$img bm=\$BX_MAXRSS_$img sc=\$SK_CPU_$img sr=\$SK_RSS_$img uc=\$UM_CPU_$img ur=\$UM_RSS_$img"
	pc=$(add "$sc" "$uc")
	printf '| `boxcar pull` | %s | — | %s | — | %s (max %s) |\n' "$(fmt "$bt")" "$bc" "$br" "$bm"
	printf '| `skopeo copy` + `umoci unpack` | %s | **%s** | %s (%s + %s) | %s | %s (skopeo %s, umoci %s) |\n' \
		"$(fmt "$pt")" "$(ratio "$bt" "$pt")" "$pc" "$sc" "$uc" "$(cratio "$bc" "$pc")" \
		"$(max "$sr" "$ur")" "$sr" "$ur"
	if [ -n "$PODMAN" ]; then
		mt=$(median "$1" "podman pull")
		eval "mc=\$PM_CPU_$img mr=\$PM_RSS_$img"
		printf '| `podman pull` | %s | %s | %s | %s | %s |\n' "$(fmt "$mt")" \
			"$(ratio "$bt" "$mt")" "$mc" "$(cratio "$bc" "$mc")" "$mr"
	fi
}

disk_rows() { # IMAGE: wall on tmpfs and disk, ratios to each peer, disk / tmpfs
	img=$1
	bt=$(median "$img" "boxcar pull") bd=$(median "$img-disk" "boxcar pull")
	st=$(median "$img" "skopeo copy + umoci unpack") sd=$(median "$img-disk" "skopeo copy + umoci unpack")
	echo "$img:1:"
	echo
	echo "| command | tmpfs s | ratio | disk s | ratio | disk / tmpfs |"
	echo "|---------|--------:|------:|-------:|------:|-------------:|"
	printf '| `boxcar pull` | %s | — | %s | — | %s |\n' "$(fmt "$bt")" "$(fmt "$bd")" "$(ratio "$bd" "$bt")"
	printf '| `skopeo copy` + `umoci unpack` | %s | **%s** | %s | **%s** | %s |\n' "$(fmt "$st")" \
		"$(ratio "$bt" "$st")" "$(fmt "$sd")" "$(ratio "$bd" "$sd")" "$(ratio "$sd" "$st")"
	if [ -n "$PODMAN" ]; then
		mt=$(median "$img" "podman pull") md=$(median "$img-disk" "podman pull")
		printf '| `podman pull` | %s | %s | %s | %s | %s |\n' "$(fmt "$mt")" \
			"$(ratio "$bt" "$mt")" "$(fmt "$md")" "$(ratio "$bd" "$md")" "$(ratio "$md" "$mt")"
	fi
	echo
}

# Stripped sizes, and make size's component lines side by side.
size_report() {
	sz() { wc -c < "$SIZES/$1/boxcar" | tr -d ' '; }
	comp() { sed -n '/^By component/,/^$/p' "$SIZES/$1/size.txt" |
		awk 'NF >= 2 && $1 ~ /^[0-9]+$/ { n = $1; $1 = ""; sub(/^ /, ""); print $0 "\t" n }' | sort; }
	d=$(sz default) t=$(sz notls) p=$(sz nopull)
	cat <<EOT
Size (x86_64_defconfig of this tree, built out of tree; stripped):

| build | bytes | vs default |
|-------|------:|-----------:|
| default ($(cat "$SIZES/default/what")) | $d | — |
| FEATURE_TLS off ($(cat "$SIZES/notls/what")) | $t | $((t - d)) |
| APPLET_PULL off ($(cat "$SIZES/nopull/what")) | $p | $((p - d)) ($(awk -v a=$((d - p)) -v b="$d" 'BEGIN { printf "%.1f", 100 * a / b }')% of the default) |

\`make size\` components (code + data before stripping), default and without pull:

| component | default | APPLET_PULL off | difference |
|-----------|--------:|----------------:|-----------:|
$(comp default > "$SIZES/c1"; comp nopull > "$SIZES/c2"
join -t "$(printf '\t')" -a 1 -a 2 -e 0 -o 0,1.2,2.2 "$SIZES/c1" "$SIZES/c2" |
	awk -F '\t' '{ printf "| %s | %d | %d | %d |\n", $1, $2, $3, $2 - $3 }' | sort -t '|' -k3 -rn)
EOT
}

report() {
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	vers=$(dpkg-query -W -f '${Package}=${Version} ' $PACKAGES_BASE $PACKAGES_PERL $PACKAGES_PYTHON $PACKAGES_TLS)
	cat <<EOF
Run of $(date -u '+%Y-%m-%d %H:%M UTC'): $(nproc) CPUs ($cpu), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM,
$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), kernel $(uname -r). Everything on a tmpfs but the disk table.
boxcar $BX_ID; skopeo $(skopeo --version | awk '{ print $3 }'); umoci $(umoci --version | awk '{ print $3 }');
docker-registry $(docker-registry --version | awk '{ print $3 }'); hyperfine $(hyperfine --version | awk '{ print $2 }'); podman: ${PODMAN:-not installed, not measured}.
Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Wall: medians of $RUNS runs after $WARMUP warmup;
CPU (user + sys) and peak RSS: medians of 3 runs under /usr/bin/time -v.

Images: bench:1, 4 gzip layers of $(mib "$BIG_GZ") MiB ($BIG_LAYERS bytes), $NFILES files
($NENTRIES entries), $(mib "$NBYTES") MiB of file data; small:1, 1 layer of $(mib "$SMALL_GZ") MiB ($SMALL_BIN).
Packages: $vers

bench:1 (ratio = boxcar / peer):

| command | wall s | ratio | CPU s | ratio | peak RSS KiB |
|---------|-------:|------:|------:|------:|-------------:|
$(rows bench)

small:1:

| command | wall s | ratio | CPU s | ratio | peak RSS KiB |
|---------|-------:|------:|------:|------:|-------------:|
$(rows small)

bench:1 over HTTPS (boxcar: BearSSL; skopeo: Go's crypto/tls), same registry storage:

| command | wall s | ratio | CPU s | ratio | peak RSS KiB |
|---------|-------:|------:|------:|------:|-------------:|
$(rows bench-tls)

Onto the tmpfs and onto a disk, over HTTP (wall s, medians of $RUNS runs; the disk: a
file system made again before every run with \`$DISK_FS\`, in a file on
$DISK_WHAT, loop-mounted; ratio = boxcar / peer):

$(disk_rows bench)

$(disk_rows small)

Targets: boxcar pull / (skopeo + umoci) wall < 1: bench $(ratio "$(median bench "boxcar pull")" "$(median bench "skopeo copy + umoci unpack")"), small $(ratio "$(median small "boxcar pull")" "$(median small "skopeo copy + umoci unpack")"), bench over HTTPS $(ratio "$(median bench-tls "boxcar pull")" "$(median bench-tls "skopeo copy + umoci unpack")");
boxcar peak RSS < 4096 KiB, largest of the 3 runs: bench $BX_MAXRSS_bench, small $BX_MAXRSS_small, bench over HTTPS $BX_MAXRSS_bench_tls.
EOF
}

{
	report
	if [ -n "$SIZED" ]; then
		echo
		size_report
	fi
} > "$RES/report.md"
cat "$RES/report.md"
if [ -n "$OUT" ]; then
	mkdir -p "$OUT"
	cp "$RES"/*.csv "$RES"/*.json "$RES"/*.log "$RES"/*.time* "$RES/report.md" "$OUT/"
	if [ -n "$SIZED" ]; then
		for v in default notls nopull; do
			cp "$SIZES/$v/size.txt" "$OUT/size-$v.txt"
		done
	fi
	say "results kept in $OUT"
fi
