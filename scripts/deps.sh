#!/bin/sh
# Build the static libraries boxcar links, from Debian's source packages:
#
#   deps.sh --cc "CC FLAGS" --ar AR --cflags CFLAGS --src SRCCACHE --out OUTDIR NAME...
#
# NAME is lz4, bearssl, zlib or libzstd (source package names); each gives
# OUTDIR/lib/libNAME.a (libz.a for zlib, libzstd.a for libzstd) and its
# headers in OUTDIR/include. deps.lock pins the version and
# the tarballs' sha256. The sources are fetched once with apt-get source,
# through a private apt configuration in SRCCACHE/apt, and unpacked in
# SRCCACHE, which every target shares. We compile the library files
# ourselves instead of running upstream's build systems: a cross build then
# needs nothing but CC and AR. V=1 shows the commands and apt's output.
set -eu

V=${V:-0}
here=$(cd "$(dirname "$0")" && pwd)
lockfile=$here/deps.lock

die() {
	echo "deps.sh: $*" >&2
	exit 1
}

usage() {
	echo "usage: deps.sh --cc CC --ar AR --cflags CFLAGS --src SRCCACHE --out OUTDIR lz4|bearssl|zlib|libzstd..." >&2
	exit 2
}

note() {
	printf '  %-8s %s\n' "$1" "$2"
}

# Run a command with its output kept in $log, on the terminal with V=1.
run() {
	if [ "$V" = 1 ]; then
		echo "+ $*" >&2
		"$@"
	else
		"$@" >>"$log" 2>&1
	fi
}

show_log() {
	[ ! -s "$log" ] || tail -n 15 "$log" >&2
}

# Sets version, orig, orig_sha, debtar, debtar_sha from $name's lock line.
read_lock() {
	lockline=$(awk -v n="$name" '$1 == n' "$lockfile")
	[ -n "$lockline" ] || die "$name is not in $lockfile"
	set -- $lockline
	[ $# -eq 6 ] || die "$lockfile: the $name line needs 6 fields"
	version=$2 orig=$3 orig_sha=$4 debtar=$5 debtar_sha=$6
	dsc=${name}_${version#*:}.dsc
}

# ---- fetching ------------------------------------------------------------

# deb-src twins of the machine's enabled Debian entries, one-line format.
# One per URI and suite: apt rejects two that differ in their [options].
list_sources() {
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
	awk '$1 ~ /^deb(-src)?$/ && /debian/ {
		$1 = "deb-src"
		u = 2
		if ($2 ~ /^\[/) {
			while ($u !~ /\]$/ && u < NF)
				u++
			u++
		}
		if (!seen[$u " " $(u + 1)]++)
			print
	}'
}

# The same for deb822 files: each stanza of type deb whose URIs look like
# Debian's, comments dropped, Types set to deb-src.
deb822_sources() {
	cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk 'BEGIN { RS = ""; FS = "\n" }
	{
		out = ""; key = ""; types = ""; uris = ""; enabled = "yes"
		for (i = 1; i <= NF; i++) {
			line = $i
			if (line ~ /^#/)
				continue
			if (match(line, /^[A-Za-z0-9-]+:/)) {
				key = tolower(substr(line, 1, RLENGTH - 1))
				val = substr(line, RLENGTH + 1)
			} else {
				val = line	# continuation of key
			}
			if (key == "types") {
				types = types " " val
				continue
			}
			if (key == "uris")
				uris = uris " " val
			if (key == "enabled")
				enabled = tolower(val)
			out = out line "\n"
		}
		if (types ~ /[ \t]deb([ \t]|$)/ && enabled !~ /no/ && uris ~ /debian/)
			printf "Types: deb-src\n%s\n", out
	}'
}

apt_setup() {
	aptdir=$src/apt
	mkdir -p "$aptdir/sources.list.d" "$aptdir/lists/partial" "$aptdir/cache/archives/partial"
	list_sources >"$aptdir/sources.list"
	deb822_sources >"$aptdir/sources.list.d/debian.sources"
	[ -s "$aptdir/sources.list" ] || [ -s "$aptdir/sources.list.d/debian.sources" ] ||
		die "no Debian entries in /etc/apt/sources.list or sources.list.d/ to take deb-src from"
}

# apt-get on our own sources, lists and cache: the machine's apt state is
# neither used nor touched. As root, apt would download as _apt, who cannot
# write into SRCCACHE.
apt_get() {
	if [ "$(id -u)" = 0 ]; then
		set -- -o APT::Sandbox::User=root "$@"
	fi
	apt-get -q -o Dir::Etc::SourceList="$aptdir/sources.list" \
		-o Dir::Etc::SourceParts="$aptdir/sources.list.d" \
		-o Dir::State::Lists="$aptdir/lists" \
		-o Dir::Cache="$aptdir/cache" "$@"
}

apt_source() {
	(cd "$src/dl" && run apt_get source --download-only --only-source "$name=$version")
}

# Debian's mirror is now and then caught mid-sync ("File has unexpected
# size"), failing one index; try again a few times. Whether the Sources
# index we need arrived is for apt-get source to tell.
apt_update() {
	try=1
	until run apt_get update; do
		[ "$try" -lt 4 ] || return 0
		try=$((try + 1))
		sleep 5
	done
}

sha_ok() {
	[ -f "$src/dl/$1" ] && [ "$(sha256sum <"$src/dl/$1" | cut -d' ' -f1)" = "$2" ]
}

check_sha() {
	[ -f "$src/dl/$1" ] || die "apt-get source $name=$version gave no $1 (named in deps.lock)"
	got=$(sha256sum <"$src/dl/$1" | cut -d' ' -f1)
	[ "$got" = "$2" ] || die "$src/dl/$1: sha256 is $got, deps.lock says $2"
}

download() {
	mkdir -p "$src/dl"
	if [ -f "$src/dl/$dsc" ] && sha_ok "$orig" "$orig_sha" && sha_ok "$debtar" "$debtar_sha"; then
		return 0
	fi
	command -v apt-get >/dev/null || die "apt-get not found"
	note FETCH "$name $version"
	apt_setup
	# Lists from an earlier run are tried first; update only if they
	# lack the version (or never were fetched).
	if ! apt_source; then
		apt_update
		apt_source || { show_log; die "apt-get source $name=$version failed (no longer in the archive? log: $log)"; }
	fi
	check_sha "$orig" "$orig_sha"
	check_sha "$debtar" "$debtar_sha"
}

# dpkg-source -x applies a 3.0 (quilt) package's patches and lists them in
# .pc/applied-patches; that list must be debian/patches/series.
check_patches() {
	series=$1/debian/patches/series
	[ -f "$series" ] || return 0
	want=$(sed 's/#.*//' "$series" | awk 'NF { print $1 }')
	got=$(cat "$1/.pc/applied-patches" 2>/dev/null || true)
	[ "$want" = "$got" ] || die "$name: dpkg-source did not apply all of Debian's patches"
}

unpack() {
	command -v dpkg-source >/dev/null || die "dpkg-source not found (apt-get install dpkg-dev)"
	tmp=$src/.unpack-$name
	rm -rf "$tmp"
	# apt has checked the archive's signatures; dpkg-source has no keyring
	# for the maintainer's and only warns, into the log.
	run dpkg-source --no-copy -x "$src/dl/$dsc" "$tmp" ||
		{ show_log; die "dpkg-source -x $dsc failed"; }
	check_patches "$tmp"
	echo "$lockline" >"$tmp/.deps-ok"
	rm -rf "$srcdir"
	mv "$tmp" "$srcdir"
}

# Sets srcdir to $name's unpacked source, fetching it if need be. Every
# target's deps.sh shares SRCCACHE, so fetching is one at a time.
fetch() {
	srcdir=$src/$name-${version#*:}
	if [ "$(cat "$srcdir/.deps-ok" 2>/dev/null)" = "$lockline" ]; then
		return 0
	fi
	exec 9>"$src/.lock"
	flock 9 || die "cannot lock $src/.lock"
	if [ "$(cat "$srcdir/.deps-ok" 2>/dev/null)" != "$lockline" ]; then
		log=$src/fetch.log
		: >"$log"
		download
		unpack
	fi
	exec 9>&-
}

# ---- building ------------------------------------------------------------

# Sets lib, cppflags, files and headers (relative to srcdir) for $name.
recipe() {
	case $name in
	lz4)
		lib=lz4
		# as upstream's lib/Makefile: xxhash's symbols get an LZ4_
		# prefix so they cannot clash with another xxhash
		cppflags=-DXXH_NAMESPACE=LZ4_
		files="lib/lz4.c lib/lz4frame.c lib/lz4hc.c lib/xxhash.c"
		headers="lib/lz4.h lib/lz4hc.h lib/lz4frame.h lib/lz4frame_static.h"
		;;
	bearssl)
		lib=bearssl
		cppflags="-Isrc -Iinc"
		files=$(cd "$srcdir" && find src -name '*.c' | LC_ALL=C sort)
		headers=$(cd "$srcdir" && find inc -name '*.h' | LC_ALL=C sort)
		;;
	zlib)
		lib=z
		# the CRC-32 tables (10 KB of flash) and inflate's fixed Huffman
		# tables (2 KB) made at first use, in .bss; BUILDFIXED is not
		# thread-safe, and boxcar has one thread
		cppflags="-DDYNAMIC_CRC_TABLE -DBUILDFIXED"
		# no gz*.c: boxcar streams through inflate/deflate, and the
		# stdio layer wants the zconf.h that configure would write
		files="adler32.c compress.c crc32.c deflate.c infback.c inffast.c
			inflate.c inftrees.c trees.c uncompr.c zutil.c"
		headers="zlib.h zconf.h"
		;;
	libzstd)
		lib=zstd
		# the decoder only, in its small form: single-symbol Huffman,
		# short sequences, nothing inlined, no legacy formats, no
		# assembly (not for every arch), no tracing hooks; xxhash
		# prefixed as upstream does
		cppflags="-DZSTD_DISABLE_ASM -DHUF_FORCE_DECOMPRESS_X1
			-DZSTD_FORCE_DECOMPRESS_SEQUENCES_SHORT -DZSTD_NO_INLINE
			-DZSTD_LEGACY_SUPPORT=0 -DZSTD_TRACE=0 -DXXH_NAMESPACE=ZSTD_"
		files="lib/common/debug.c lib/common/entropy_common.c
			lib/common/error_private.c lib/common/fse_decompress.c
			lib/common/xxhash.c lib/common/zstd_common.c
			lib/decompress/huf_decompress.c lib/decompress/zstd_ddict.c
			lib/decompress/zstd_decompress.c
			lib/decompress/zstd_decompress_block.c"
		headers="lib/zstd.h lib/zstd_errors.h"
		;;
	esac
}

# Compile $files in parallel into $obj, one object per source, named after
# its path so that no two collide (in the directory or in the archive).
compile() {
	DEPS_CC=$cc DEPS_CFLAGS="$cflags $cppflags" DEPS_OBJ=$obj
	export DEPS_CC DEPS_CFLAGS DEPS_OBJ V
	printf '%s\n' $files |
	awk '{ o = $0; gsub("/", "_", o); sub(/\.c$/, ".o", o); print $0, o }' |
	(cd "$srcdir" && xargs -n 2 -P "$ncpu" sh -c '
		[ "$V" != 1 ] || echo "$DEPS_CC $DEPS_CFLAGS -c $1 -o $DEPS_OBJ/$2" >&2
		if ! $DEPS_CC $DEPS_CFLAGS -c "$1" -o "$DEPS_OBJ/$2" 2>"$DEPS_OBJ/$2.log"; then
			cat "$DEPS_OBJ/$2.log" >&2
			echo "deps.sh: compiling $1 failed" >&2
			exit 1
		fi
		[ "$V" != 1 ] || cat "$DEPS_OBJ/$2.log" >&2' sh)
}

# Build OUTDIR/lib/lib$lib.a unless its stamp says it is built from the same
# source, compiler, flags and deps.sh.
build() {
	recipe
	obj=$out/build/$name
	archive=$out/lib/lib$lib.a
	stamp=$out/build/$name.stamp
	mkdir -p "$out/build" "$out/lib" "$out/include"
	exec 8>"$out/build/$name.lock"
	flock 8 || die "cannot lock $out/build/$name.lock"
	want="$lockline
cc $cc
cflags $cflags
ar $ar
deps.sh $self_sum"
	if [ -f "$archive" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
		# make asked because deps.sh or deps.lock is newer than the archive
		touch "$archive"
		exec 8>&-
		return 0
	fi
	rm -rf "$obj" "$stamp" "$archive.tmp"
	mkdir -p "$obj"
	compile || die "building lib$lib.a with $cc failed"
	(cd "$obj" && $ar rcs "$archive.tmp" ./*.o) || die "$ar rcs lib$lib.a failed"
	for h in $headers; do
		cp "$srcdir/$h" "$out/include/"
	done
	mv "$archive.tmp" "$archive"
	echo "$want" >"$stamp"
	note AR "lib$lib.a ($name $version, $(echo $files | wc -w) files)"
	exec 8>&-
}

# ---- main ----------------------------------------------------------------

cc='' ar='' cflags='' src='' out=''
while [ $# -gt 0 ]; do
	case $1 in
	--cc | --ar | --cflags | --src | --out) [ $# -ge 2 ] || usage ;;
	-*) usage ;;
	*) break ;;
	esac
	case $1 in
	--cc) cc=$2 ;;
	--ar) ar=$2 ;;
	--cflags) cflags=$2 ;;
	--src) src=$2 ;;
	--out) out=$2 ;;
	esac
	shift 2
done
if [ -z "$cc" ] || [ -z "$ar" ] || [ -z "$src" ] || [ -z "$out" ] || [ $# -eq 0 ]; then
	usage
fi
for name; do
	case $name in
	lz4 | bearssl | zlib | libzstd) ;;
	*) die "unknown library '$name' (lz4, bearssl, zlib or libzstd)" ;;
	esac
done
for tool in "${cc%% *}" "${ar%% *}"; do
	command -v "$tool" >/dev/null || die "$tool not found"
done

# Absolute, since compiling happens inside the source tree.
mkdir -p "$src" "$out" || die "cannot create $src or $out"
src=$(cd "$src" && pwd)
out=$(cd "$out" && pwd)
ncpu=$(nproc 2>/dev/null || echo 2)
self_sum=$(sha256sum <"$0" | cut -d' ' -f1)

for name; do
	read_lock
	fetch
	build
done
