#!/bin/sh
# fuzz.sh SRCDIR OUTDIR SECONDS - build and run the libFuzzer targets.
#
# Every tests/fuzz/fuzz_NAME.c is built with clang for the host (glibc,
# not musl: libFuzzer and the sanitizers need it) with ASan and UBSan,
# linked with core/*.c (less multicall.c) and the dependency libraries,
# themselves rebuilt here by deps.sh with ASan and coverage so the
# fuzzer also steers through LZ4's and inflate's states. Then each runs
# SECONDS seconds on a copy of tests/fuzz/corpus/NAME (the seeds stay
# untouched); a crash, leak or sanitizer report fails the run, and its
# input is kept in OUTDIR/crash-NAME-*. Closes with
#     fuzz: N targets, N crashes
# Environment: FUZZ_CC (clang), FUZZ_AR (ar), DEPS_SRC (source cache,
# default OUTDIR/../deps/src, shared with the main build).
set -eu

[ $# -eq 3 ] || { echo "usage: fuzz.sh SRCDIR OUTDIR SECONDS" >&2; exit 2; }
srcdir=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
secs=$3
cc=${FUZZ_CC:-clang}
ar=${FUZZ_AR:-ar}
build=$(dirname "$out") # boxcar's build dir: gen/ and deps/src live there
deps=$out/deps

command -v "$cc" >/dev/null || { echo "fuzz.sh: $cc not found (install clang)" >&2; exit 1; }

# The configuration the tree is built with, but always with gzip: the
# fuzzer links zlib either way and should reach the real reader.
gen=$out/gen
mkdir -p "$gen"
if [ -f "$build/gen/config.h" ]; then
	cp "$build/gen/config.h" "$gen/config.h"
	[ ! -f "$build/gen/applets.h" ] || cp "$build/gen/applets.h" "$gen/"
elif [ -f "${KCONFIG_CONFIG:-$(dirname "$build")/.config}" ]; then
	export srctree="$srcdir" BOXCAR_GEN="$gen"
	"$srcdir/scripts/gen-applets.sh" kconfig "$srcdir" "$gen"
	"$srcdir/scripts/gen-config.sh" "${KCONFIG_CONFIG:-$(dirname "$build")/.config}" \
		"$gen/config.h" "$srcdir/Kconfig" "$gen/Kconfig.applets"
else
	echo "fuzz.sh: no build/gen/config.h or .config: run 'make defconfig' first" >&2
	exit 1
fi
sed -i -e 's/^#define CONFIG_FEATURE_GZIP 0$/#define CONFIG_FEATURE_GZIP 1/' \
	-e 's/^#define CONFIG_FEATURE_ZSTD 0$/#define CONFIG_FEATURE_ZSTD 1/' "$gen/config.h"

"$srcdir/scripts/deps.sh" --cc "$cc" --ar "$ar" \
	--cflags "-O1 -g -fsanitize=address,fuzzer-no-link" \
	--src "${DEPS_SRC:-$build/deps/src}" --out "$deps" lz4 bearssl zlib libzstd

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=gnu11 -O1 -g -D_GNU_SOURCE -Wall -Wno-unused-parameter $san
	-I$gen -I$srcdir/core -I$deps/include"
libs="-L$deps/lib -llz4 -lbearssl -lz -lzstd"

# core as an archive, so each target pulls in only what it uses.
echo "  CC       core (fuzz)"
rm -rf "$out/obj"
mkdir -p "$out/obj"
for c in "$srcdir"/core/*.c; do
	[ "$(basename "$c")" != multicall.c ] || continue
	$cc $cflags -fsanitize=fuzzer-no-link -c "$c" -o "$out/obj/$(basename "$c" .c).o"
done
rm -f "$out/libcore.a"
$ar rcs "$out/libcore.a" "$out"/obj/*.o

targets=0 crashes=0
for src in "$srcdir"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	echo "  FUZZ     $name (${secs}s)"
	targets=$((targets + 1))
	if ! $cc $cflags -fsanitize=fuzzer -o "$out/fuzz_$name" "$src" \
		"$out/libcore.a" $libs; then
		echo "FAIL: fuzz $name: does not build"
		crashes=$((crashes + 1))
		continue
	fi
	rm -rf "$out/corpus/$name"
	mkdir -p "$out/corpus/$name"
	[ ! -d "$srcdir/tests/fuzz/corpus/$name" ] ||
		cp "$srcdir/tests/fuzz/corpus/$name"/* "$out/corpus/$name/" 2>/dev/null || true
	if "$out/fuzz_$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$out/crash-$name-" -print_final_stats=1 \
		"$out/corpus/$name" >"$out/$name.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
		echo "PASS: fuzz $name: ${runs:-?} runs, $(ls "$out/corpus/$name" | wc -l) corpus files"
	else
		echo "FAIL: fuzz $name: see $out/$name.log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$out/$name.log" | head -n 5 |
			sed 's/^/  /'
		crashes=$((crashes + 1))
	fi
done
echo "fuzz: $targets targets, $crashes crashes"
[ "$crashes" -eq 0 ]
