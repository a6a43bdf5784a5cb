#!/bin/sh
# sizes.sh [DEFCONFIG...] - build each defconfig in its own O= dir under
# build/sizes and print a markdown table of stripped sizes (make size has
# the breakdown of one build). Used to keep the README's table true.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- x86_64 aarch64 armv7 mipsel tiny
printf '| defconfig | stripped bytes | applets |\n|---|---:|---|\n'
for cfg; do
	o=$src/build/sizes/$cfg
	make -s -C "$src" O="$o" KCONFIG_CONFIG="$o/.config" "${cfg}_defconfig" >/dev/null
	make -s -C "$src" O="$o" KCONFIG_CONFIG="$o/.config" DEPS_SRC="$src/build/deps/src" \
		>/dev/null
	n=$(wc -c < "$o/boxcar" | tr -d ' ')
	apps=$(sed -n 's/^CONFIG_APPLET_\([A-Z_]*\)=y$/\1/p' "$o/.config" | tr 'A-Z_' 'a-z-' | tr '\n' ' ')
	printf '| %s | %s | %s|\n' "$cfg" "$n" "$apps"
done
