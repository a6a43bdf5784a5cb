#!/bin/sh
# mkcorpus_zstd.sh - write the seed corpus for fuzz_zstd with the zstd
# command (Debian package zstd): sh tests/fuzz/mkcorpus_zstd.sh
set -eu
out=$(dirname "$0")/corpus/zstd
rm -rf "$out"
mkdir -p "$out"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
i=0
while [ $i -lt 300 ]; do echo "line $i of a text that compresses"; i=$((i + 1)); done > "$t/text"
zstd -q -c --no-check "$t/text" > "$out/one_frame"
zstd -q -c -19 --check "$t/text" > "$out/checksum"
zstd -q -c "$t/text" > "$t/a"
cat "$t/a" "$t/a" > "$out/two_frames"
# a skippable frame (magic 0x184D2A50, 4 bytes of content) before a frame
printf '\120\052\115\030\004\000\000\000abcd' | cat - "$t/a" > "$out/skippable_first"
head -c $(( $(wc -c < "$t/a") - 7 )) "$t/a" > "$out/truncated"
cat "$t/a" > "$out/trailing_garbage"
printf 'garbage!' >> "$out/trailing_garbage"
printf 'not zstd at all' > "$out/bad_magic"
: > "$out/empty"
# a checksum that does not match: flip the frame's last byte
cp "$out/checksum" "$out/bad_checksum"
n=$(wc -c < "$out/bad_checksum")
printf '\377' | dd of="$out/bad_checksum" bs=1 seek=$((n - 1)) conv=notrunc 2>/dev/null
# a window over the 8 MiB boxcar allows (size unknown: from a pipe)
cat "$t/text" | zstd -q -c --long=27 > "$out/big_window"
# many zeros: a 1000x expansion
head -c 4000000 /dev/zero | zstd -q -c > "$out/zero_bomb"
ls "$out"
