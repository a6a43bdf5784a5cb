#!/bin/sh
# check.sh MAKE [ARGS...] - the whole suite: the host tests, then the same
# tests under QEMU on every cross target (QEMU_ARCHS; those in QEMU_V2_ARCHS
# boot with a pure cgroup v2 hierarchy), closed by one line
# "N passed, N failed, N skipped" that adds them all up. Every defconfig's
# size is checked against configs/size-budget first.
set -u
archs=${QEMU_ARCHS:-aarch64 armv7 mipsel}
log=$(mktemp "${TMPDIR:-/tmp}/bxcheck.XXXXXX") || exit 1
fails=$(mktemp "${TMPDIR:-/tmp}/bxcheck.XXXXXX") || exit 1
trap 'rm -f "$log" "$fails"' EXIT
passed=0 failed=0 skipped=0

# run LABEL MAKE-ARGS...: run one part, add its closing line to the totals.
run() {
	label=$1
	shift
	echo "==== $label"
	"$@" 2>&1 | tee "$log"
	grep -E '^FAIL' "$log" | sed "s|^|$label: |" >>"$fails"
	line=$(grep -E '^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL: $label: no closing line" | tee -a "$fails"
		failed=$((failed + 1))
		return
	fi
	set -- $(echo "${line#*: }" | sed 's/[^0-9 ]//g')
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + ${3:-0}))
}

# A fresh clone has no .config yet: build for this machine.
[ -f "${KCONFIG_CONFIG:-.config}" ] || "$@" defconfig

run "size budget" "$@" size-budget
run host "$@" test
# This host is hybrid (v1 controllers + a v2 tree): the guests cover the
# other layout, a pure cgroup v2 hierarchy, on the arches in QEMU_V2_ARCHS.
v2_archs=${QEMU_V2_ARCHS-armv7}
for arch in $archs; do
	case " $v2_archs " in
	*" $arch "*) run "qemu $arch, cgroup v2" env QEMU_APPEND=boxcar.cgroup=v2 "$@" test-qemu ARCH="$arch" ;;
	*) run "qemu $arch, cgroup hybrid" "$@" test-qemu ARCH="$arch" ;;
	esac
done
# What failed, again at the end: a log cut to its last lines (a CI's
# summary) still names the failures above the closing line.
if [ -s "$fails" ]; then
	echo "==== what failed"
	cat "$fails"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
