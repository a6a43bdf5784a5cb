#!/bin/sh
# size-budget.sh BUDGET [DEFCONFIG...] - build each defconfig named in
# BUDGET (configs/size-budget), or only those given, in its own O= dir
# under build/sizes, and fail when a stripped boxcar is over its budget.
# Prints PASS:/FAIL: per defconfig and the closing "N passed, N failed,
# N skipped" line that make check adds up.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
budget=$1
shift
passed=0 failed=0
list=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$budget")
[ $# -gt 0 ] || set -- $(echo "$list" | awk '{ print $1 }')
for cfg; do
	max=$(echo "$list" | awk -v c="$cfg" '$1 == c { print $2 }')
	o=$src/build/sizes/$cfg
	if [ -z "$max" ]; then
		echo "FAIL: size $cfg: no budget in $budget"
		failed=$((failed + 1))
		continue
	fi
	if ! { make -s -C "$src" O="$o" KCONFIG_CONFIG="$o/.config" "${cfg}_defconfig" >/dev/null &&
		make -s -C "$src" O="$o" KCONFIG_CONFIG="$o/.config" \
			DEPS_SRC="$src/build/deps/src" >/dev/null; }; then
		echo "FAIL: size $cfg: build failed"
		failed=$((failed + 1))
		continue
	fi
	n=$(wc -c < "$o/boxcar" | tr -d ' ')
	if [ "$n" -le "$max" ]; then
		echo "PASS: size $cfg: $n bytes (budget $max, $((max - n)) to spare)"
		passed=$((passed + 1))
	else
		echo "FAIL: size $cfg: $n bytes, $((n - max)) over its budget of $max" \
			"(make bloat shows what grew; raise the line in $budget if it is worth it)"
		failed=$((failed + 1))
	fi
done
echo "size-budget: $passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
