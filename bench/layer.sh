#!/bin/sh
# bench/layer.sh - how fast boxcar packs and unpacks layers, and in how much
# memory, measured side by side with tar, gzip and lz4 in the same run.
#
#   make && sh bench/layer.sh [-r RUNS] [-w WARMUP] [-o DIR]
#
# As root (it mounts a tmpfs; unpacking as root restores owners, for every
# tool alike). Needs hyperfine, lz4, gzip, GNU tar, and /usr/bin/time
# (Debian package "time") or python3 for the peak RSS figures.
#
# Corpus: the files of a fixed list of Debian 12 packages as installed on
# this machine (PACKAGES below: libc, coreutils, bash, perl, python, apt,
# dpkg, openssl, tzdata, ...), copied with their owners, modes and mtimes
# into usr/ (merged /usr, plus the bin -> usr/bin links): ~130 MB in
# ~6,800 entries, a Debian base rootfs in size and kind (ELF binaries and
# libraries, scripts, docs, many small files). The package versions are
# printed, so a run can be matched. BENCH_CORPUS=DIR uses any other tree.
#
# Each benchmark runs twice, on a tmpfs mounted for the run (bxbench-*
# under /tmp, unmounted on exit) and on disk (bxbench-* under
# ${BENCH_DISK:-/var/tmp}). Every tool reads and writes on the filesystem
# under test. Before each timed run the target is removed (on disk: moved
# aside, see run_fs) and `sync` runs, so no run pays for the previous
# one's writeback; times are until the command exits (data in the page
# cache, caches warm), except the store imports, which syncfs by design
# (shown next to "extract + sync -f"). The disk needs ~10 GB free.
#
#   unpack   boxcar layer extract L.tar.lz4 DIR   vs  lz4 -dc L.tar.lz4 | tar x,
#            tar xzf L.tar.gz (made by tar czf), tar xf L.tar (L.tar.lz4
#            decompressed), and boxcar layer extract L.tar.gz
#   pack     boxcar layer create -o L.tar.lz4 DIR  vs  tar c | lz4, tar czf,
#            tar cf
#   store    boxcar layer import --root R L.tar.lz4 and boxcar import --root
#            R DIR NAME (no peer: the cost of hashing and keeping the blob)
#
# hyperfine gives medians over RUNS runs (default 10) after WARMUP (2);
# ratios are boxcar / peer (below 1: boxcar is faster). Peak RSS comes from
# one run of each command; for a pipeline it is the sum of its processes.
# -o DIR keeps hyperfine's JSON and the tables. Environment: BOXCAR (the
# binary, default ./boxcar), BENCH_CORPUS, BENCH_DISK, BENCH_TMPFS_SIZE
# (default 4g). Paths must not contain spaces.
set -eu

PACKAGES="libc6 libgcc-s1 libstdc++6 coreutils bash dash perl-base perl-modules-5.36
python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libssl3 openssl
ca-certificates libgnutls30 util-linux apt libapt-pkg6.0 dpkg tzdata gzip tar sed
grep findutils diffutils libsystemd0 libdb5.3 libsqlite3-0 libncursesw6 ncurses-base"

RUNS=${BENCH_RUNS:-10}
WARMUP=${BENCH_WARMUP:-2}
OUT=
while getopts r:w:o: opt; do
	case $opt in
	r) RUNS=$OPTARG ;;
	w) WARMUP=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) sed -n '2,/^set -eu/s/^# \{0,1\}//p' "$0" | sed '$d' >&2; exit 100 ;;
	esac
done

say() { printf '%s\n' "$*" >&2; }
fail() { say "bench/layer.sh: $*"; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (mounts a tmpfs)"
for t in hyperfine lz4 gzip tar awk sync; do
	command -v "$t" >/dev/null || fail "$t not found"
done
tar --version 2>/dev/null | grep -q 'GNU tar' || fail "tar is not GNU tar"
BX_SRC=${BOXCAR:-./boxcar}
[ -x "$BX_SRC" ] || fail "$BX_SRC not found: run make (or set BOXCAR)"
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
	RSS_TOOL="/usr/bin/time (GNU time)"
elif command -v python3 >/dev/null; then
	RSS_TOOL="python3 os.wait4"
else
	fail "need /usr/bin/time (apt-get install time) or python3 for peak RSS"
fi

DISK=$(mktemp -d "${BENCH_DISK:-/var/tmp}/bxbench-disk.XXXXXX")
TMPFS=$(mktemp -d /tmp/bxbench-tmpfs.XXXXXX)
MOUNTED=
cleanup() {
	cd /
	if [ -n "$MOUNTED" ]; then
		umount "$TMPFS" 2>/dev/null || umount -l "$TMPFS"
	fi
	rm -rf "$TMPFS" "$DISK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mount -t tmpfs -o "size=${BENCH_TMPFS_SIZE:-4g},mode=0755" bxbench "$TMPFS"
MOUNTED=1

# A copy of the binary: a rebuild during the run changes nothing.
BX=$DISK/boxcar
cp "$BX_SRC" "$BX"
BX_ID="$(cd "$(dirname "$BX_SRC")" && git describe --always --dirty 2>/dev/null || echo '?'), $(wc -c < "$BX") bytes"

# ---- the corpus ----------------------------------------------------------

make_corpus() { # DIR
	mkdir -p "$1"
	if [ -n "${BENCH_CORPUS:-}" ]; then
		tar cf - -C "$BENCH_CORPUS" . | tar xf - -C "$1"
		return
	fi
	command -v dpkg >/dev/null || fail "no dpkg: set BENCH_CORPUS=DIR"
	for p in $PACKAGES; do
		dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed ||
			fail "package $p is not installed (apt-get install $p, or set BENCH_CORPUS)"
	done
	# dpkg lists the merged-/usr aliases (/bin/cat is /usr/bin/cat).
	# shellcheck disable=SC2086
	dpkg -L $PACKAGES | sed -e '/^$/d' -e '/^\/\.$/d' \
		-e 's#^/bin/#/usr/bin/#' -e 's#^/sbin/#/usr/sbin/#' \
		-e 's#^/lib/#/usr/lib/#' -e 's#^/lib64/#/usr/lib64/#' |
		grep -v -x -e /bin -e /sbin -e /lib -e /lib64 | LC_ALL=C sort -u > "$DISK/list"
	tar cf - --no-recursion -T "$DISK/list" 2>/dev/null | tar xf - -C "$1"
	for l in bin sbin lib lib64; do
		[ -d "$1/usr/$l" ] && ln -s "usr/$l" "$1/$l"
	done
	return 0
}

say "building the corpus..."
make_corpus "$DISK/corpus"
NFILES=$(find "$DISK/corpus" -type f | wc -l)
NDIRS=$(find "$DISK/corpus" -type d | wc -l)
NLINKS=$(find "$DISK/corpus" -type l | wc -l)
NBYTES=$(find "$DISK/corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')

# ---- the archives ----------------------------------------------------------

say "making the archives..."
"$BX" layer create -o "$DISK/L.tar.lz4" "$DISK/corpus"
lz4 -dc "$DISK/L.tar.lz4" > "$DISK/L.tar"
tar czf "$DISK/L.tar.gz" -C "$DISK/corpus" .
tar cf - -C "$DISK/corpus" . | lz4 -c > "$DISK/L2.tar.lz4"
size() { wc -c < "$1" | tr -d ' '; }
SZ_TAR=$(size "$DISK/L.tar")
SZ_LZ4=$(size "$DISK/L.tar.lz4")
SZ_LZ4CLI=$(size "$DISK/L2.tar.lz4")
SZ_GZ=$(size "$DISK/L.tar.gz")
rm "$DISK/L2.tar.lz4"

say "copying to the tmpfs..."
cp -a "$DISK/corpus" "$DISK/L.tar.lz4" "$DISK/L.tar" "$DISK/L.tar.gz" "$TMPFS/"

# Every tool must make the same tree, or the race is not the same race.
listing() { # DIR: one line per entry, mtimes in whole seconds
	(cd "$1" && find . -printf '%p %y %m %U:%G %n %l %T@ %s\n' |
		awk '{ if ($2 == "d") $NF = "-"; sub(/\.[0-9]*$/, "", $(NF - 1)); print }' |
		LC_ALL=C sort)
}
say "checking that every tool unpacks the same tree..."
mkdir "$TMPFS/o" "$TMPFS/ref"
tar xf "$TMPFS/L.tar" -C "$TMPFS/ref"
"$BX" layer extract "$TMPFS/L.tar.lz4" "$TMPFS/o"
listing "$TMPFS/ref" > "$TMPFS/ref.list"
listing "$TMPFS/o" > "$TMPFS/o.list"
cmp -s "$TMPFS/ref.list" "$TMPFS/o.list" ||
	{ diff "$TMPFS/ref.list" "$TMPFS/o.list" | head -20 >&2; fail "boxcar and tar unpack differently"; }
diff -r --no-dereference "$DISK/corpus" "$TMPFS/o" >/dev/null || fail "the unpacked tree differs from the corpus"
rm -rf "$TMPFS/o" "$TMPFS/ref" "$TMPFS/ref.list" "$TMPFS/o.list"

# ---- timing ----------------------------------------------------------------

RES=$DISK/results
mkdir -p "$RES"

# hyperfine over name/command pairs, the prepare command first; the CSV
# (name, mean, stddev, median, ...) goes to $RES/TAG.csv.
timeit() { # TAG PREPARE NAME CMD [NAME CMD]...
	tag=$1 prep=$2
	shift 2
	n=$#
	while [ "$n" -gt 0 ]; do
		set -- "$@" -n "$1" "$2"
		shift 2
		n=$((n - 2))
	done
	say "  $tag"
	hyperfine --style basic -w "$WARMUP" -r "$RUNS" -p "$prep" \
		--export-csv "$RES/$tag.csv" --export-json "$RES/$tag.json" "$@" \
		> "$RES/$tag.log" 2>&1 || { cat "$RES/$tag.log" >&2; fail "hyperfine failed ($tag)"; }
}

# The median of NAME in TAG's CSV, in seconds.
median() { # TAG NAME
	awk -F, -v n="$2" 'NR > 1 && $1 == n { print $4 }' "$RES/$1.csv"
}

# On disk the previous run's tree is moved aside, not deleted: ext4
# without a journal (this VM's, common on boards) will not reuse an inode
# freed in the last 60 s (recently_deleted() in fs/ext4/ialloc.c), and
# each file created then scans past all of them, so a run after an
# rm -rf of ~7,000 files took 3-6 s in the kernel instead of 0.6 s,
# whatever tool ran. The moved trees are deleted after each group,
# followed by a 65 s pause.
cat > "$DISK/stash" <<EOF
for p; do [ -e "\$p" ] && mv "\$p" "$DISK/trash/\$(date +%s%N)"; done; exit 0
EOF
mkdir "$DISK/trash"
drain_trash() { # FSNAME
	[ "$1" = disk ] || return 0
	rm -rf "$DISK/trash"
	mkdir "$DISK/trash"
	sync
	sleep 65
}

run_fs() { # FSNAME DIR
	fs=$1 d=$2
	clear="rm -rf"
	[ "$fs" = disk ] && clear="sh $DISK/stash"
	say "timing on $fs ($d)..."
	mkdir -p "$d/o"
	timeit "extract-$fs" "$clear $d/o && mkdir $d/o && sync" \
		"boxcar layer extract" "$BX layer extract $d/L.tar.lz4 $d/o" \
		"lz4 -dc | tar x" "lz4 -dc $d/L.tar.lz4 | tar x -C $d/o" \
		"tar xzf" "tar xzf $d/L.tar.gz -C $d/o" \
		"tar xf (no compression)" "tar xf $d/L.tar -C $d/o" \
		"boxcar layer extract L.tar.gz" "$BX layer extract $d/L.tar.gz $d/o"
	drain_trash "$fs"
	timeit "create-$fs" "rm -f $d/out.tar.lz4 $d/out.tar.gz $d/out.tar && sync" \
		"boxcar layer create" "$BX layer create -o $d/out.tar.lz4 $d/corpus" \
		"tar c | lz4" "tar cf - -C $d/corpus . | lz4 -c > $d/out.tar.lz4" \
		"tar czf" "tar czf $d/out.tar.gz -C $d/corpus ." \
		"tar cf (no compression)" "tar cf $d/out.tar -C $d/corpus ."
	timeit "store-$fs" "$clear $d/R $d/o && mkdir $d/o && sync" \
		"boxcar layer extract + sync -f" "$BX layer extract $d/L.tar.lz4 $d/o && sync -f $d/o" \
		"boxcar layer import L.tar.lz4" "$BX layer import --root $d/R $d/L.tar.lz4" \
		"boxcar import DIR" "$BX import --root $d/R $d/corpus bench:latest" \
		"sha256sum L.tar.lz4 L.tar (hashing alone)" "sha256sum $d/L.tar.lz4 $d/L.tar"
	rm -rf "$d/o" "$d/R" "$d/out.tar.lz4" "$d/out.tar.gz" "$d/out.tar" "$DISK/trash"/*
}

run_fs tmpfs "$TMPFS"
run_fs disk "$DISK"

# ---- peak RSS --------------------------------------------------------------

# ru_maxrss in KiB of one command (its own process and those it waits for).
maxrss() { # CMD...
	if [ "${RSS_TOOL#/usr/bin/time}" != "$RSS_TOOL" ]; then
		/usr/bin/time -f %M -o "$RES/rss" "$@" >/dev/null
		tail -n 1 "$RES/rss"
	else
		python3 -c 'import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, st, ru = os.wait4(pid, 0)
print(ru.ru_maxrss, file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(st) != 0)' "$@" 2>"$RES/rss" >/dev/null
		tail -n 1 "$RES/rss"
	fi
}

say "measuring peak RSS (tmpfs)..."
d=$TMPFS
fresh() { rm -rf "$d/o" "$d/R" "$d/out".* && mkdir "$d/o"; }
fresh; R_BX_X=$(maxrss "$BX" layer extract "$d/L.tar.lz4" "$d/o")
fresh; R_BX_XGZ=$(maxrss "$BX" layer extract "$d/L.tar.gz" "$d/o")
fresh; R_TAR_X=$(maxrss tar xf "$d/L.tar" -C "$d/o")
R_LZ4_D=$(maxrss lz4 -dc "$d/L.tar.lz4")
R_GZ_D=$(maxrss gzip -dc "$d/L.tar.gz")
fresh; R_TAR_XZ=$(maxrss tar xzf "$d/L.tar.gz" -C "$d/o")
fresh; R_BX_C=$(maxrss "$BX" layer create -o "$d/out.tar.lz4" "$d/corpus")
fresh; R_TAR_C=$(maxrss tar cf "$d/out.tar" -C "$d/corpus" .)
R_LZ4_C=$(maxrss lz4 -c "$d/out.tar")
R_GZ_C=$(maxrss gzip -c "$d/out.tar")
fresh; R_TAR_CZ=$(maxrss tar czf "$d/out.tar.gz" -C "$d/corpus" .)
fresh; R_BX_I=$(maxrss "$BX" layer import --root "$d/R" "$d/L.tar.lz4")
fresh; R_BX_ID=$(maxrss "$BX" import --root "$d/R" "$d/corpus" bench:latest)
fresh

# ---- report ----------------------------------------------------------------

fmt() { awk -v v="$1" 'BEGIN { printf "%.3f", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mib() { awk -v v="$1" 'BEGIN { printf "%.1f", v / 1048576 }'; }

# One table row per command of TAG: name, median per fs, boxcar / it.
rows() { # TAG BOXCAR-NAME
	awk -F, 'NR > 1 { print $1 }' "$RES/$1-tmpfs.csv" | while IFS= read -r name; do
		t=$(median "$1-tmpfs" "$name")
		k=$(median "$1-disk" "$name")
		bt=$(median "$1-tmpfs" "$2")
		bk=$(median "$1-disk" "$2")
		if [ "$name" = "$2" ]; then
			rt="—" rk="—"
		else
			rt=$(ratio "$bt" "$t") rk=$(ratio "$bk" "$k")
		fi
		md=$(printf '%s' "$name" | sed 's/|/\\|/g')
		printf '| %s | %s | %s | %s | %s |\n' "\`$md\`" "$(fmt "$t")" "$rt" "$(fmt "$k")" "$rk"
	done
}

report() {
	kernel=$(uname -r)
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	cat <<EOF
Run of $(date -u '+%Y-%m-%d %H:%M UTC'): $(nproc) CPUs ($cpu), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM,
$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), kernel $kernel; disk: $(findmnt -n -o FSTYPE -T "$DISK") ($(findmnt -n -o SOURCE -T "$DISK")).
boxcar $BX_ID; $(tar --version | head -n 1); lz4 $(lz4 --version 2>&1 | sed -n 's/.* v\([0-9.]*\).*/\1/p'); gzip $(gzip --version | awk 'NR == 1 { print $2 }'); hyperfine $(hyperfine --version | awk '{ print $2 }').
Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Medians of $RUNS runs after $WARMUP warmups.

Corpus: $NFILES files, $NDIRS directories, $NLINKS symlinks, $(mib "$NBYTES") MiB of file data.

| archive | bytes | MiB | of the tar |
|---------|------:|----:|-----------:|
| tar (\`boxcar layer create\`, decompressed) | $SZ_TAR | $(mib "$SZ_TAR") | 1.00 |
| \`boxcar layer create\` (LZ4, 64 KiB blocks) | $SZ_LZ4 | $(mib "$SZ_LZ4") | $(ratio "$SZ_LZ4" "$SZ_TAR") |
| \`tar c \| lz4\` (4 MiB blocks) | $SZ_LZ4CLI | $(mib "$SZ_LZ4CLI") | $(ratio "$SZ_LZ4CLI" "$SZ_TAR") |
| \`tar czf\` (gzip -6) | $SZ_GZ | $(mib "$SZ_GZ") | $(ratio "$SZ_GZ" "$SZ_TAR") |

Unpack (seconds, median; ratio = boxcar layer extract / this):

| command | tmpfs | ratio | disk | ratio |
|---------|------:|------:|-----:|------:|
$(rows extract "boxcar layer extract")

Pack (ratio = boxcar layer create / this):

| command | tmpfs | ratio | disk | ratio |
|---------|------:|------:|-----:|------:|
$(rows create "boxcar layer create")

Into the store (ratio = boxcar layer extract + sync -f / this; imports syncfs):

| command | tmpfs | ratio | disk | ratio |
|---------|------:|------:|-----:|------:|
$(rows store "boxcar layer extract + sync -f")

Peak RSS (KiB, $RSS_TOOL, tmpfs; a pipeline adds its processes; tar xzf/czf
run gzip as a child, measured alone in the same command line as tar runs it):

| command | peak RSS KiB |
|---------|-------------:|
| \`boxcar layer extract\` (LZ4) | $R_BX_X |
| \`boxcar layer extract\` (gzip) | $R_BX_XGZ |
| \`lz4 -dc \| tar x\` | $((R_LZ4_D + R_TAR_X)) ($R_LZ4_D + $R_TAR_X) |
| \`tar xzf\` | $((R_GZ_D + R_TAR_X)) (gzip -d $R_GZ_D + tar $R_TAR_X; max of the two as one command: $R_TAR_XZ) |
| \`tar xf\` | $R_TAR_X |
| \`boxcar layer create\` | $R_BX_C |
| \`tar c \| lz4\` | $((R_TAR_C + R_LZ4_C)) ($R_TAR_C + $R_LZ4_C) |
| \`tar czf\` | $((R_TAR_C + R_GZ_C)) (tar $R_TAR_C + gzip $R_GZ_C; as one command: $R_TAR_CZ) |
| \`tar cf\` | $R_TAR_C |
| \`boxcar layer import\` | $R_BX_I |
| \`boxcar import DIR\` | $R_BX_ID |

Targets: boxcar layer extract / tar xzf <= 0.5: tmpfs $(ratio "$(median extract-tmpfs "boxcar layer extract")" "$(median extract-tmpfs "tar xzf")"), disk $(ratio "$(median extract-disk "boxcar layer extract")" "$(median extract-disk "tar xzf")"); / (lz4 -dc | tar x) <= 1: tmpfs $(ratio "$(median extract-tmpfs "boxcar layer extract")" "$(median extract-tmpfs "lz4 -dc | tar x")"), disk $(ratio "$(median extract-disk "boxcar layer extract")" "$(median extract-disk "lz4 -dc | tar x")").
EOF
}

report > "$RES/report.md"
cat "$RES/report.md"
if [ -n "$OUT" ]; then
	mkdir -p "$OUT"
	cp "$RES"/*.csv "$RES"/*.json "$RES"/*.log "$RES/report.md" "$OUT/"
	say "results kept in $OUT"
fi
