#!/bin/sh
# bench/ab.sh - is one boxcar binary slower to start a container than
# another? Two builds side by side in the same run, as ratios.
#
#   sh bench/ab.sh [-r RUNS] [-w WARMUP] [-k ROUNDS] A B
#
# As root. Needs hyperfine, jq, busybox (busybox-static), unshare.
# A and B: two boxcar binaries (say this tree's and origin/main's, built
# in a worktree). Each round is one hyperfine run of
#      A run --rm -m 64m bench /bin/true
#      B run --rm -m 64m bench /bin/true
# (RUNS (30) timed runs each after WARMUP (3)), A first in odd rounds and
# B first in even ones, so that neither always runs on the warmer or the
# busier machine. Both use one store (bench:latest, a busybox root file
# system as bench/run.sh makes it) on /tmp and a runtime dir on a tmpfs,
# in a private mount namespace, with --network none (BOXCAR_NETWORK).
# Printed per round: the medians of wall time and the means of user+system
# CPU time (hyperfine's, the command and its children: the container's
# /bin/true too), and the ratios A/B (below 1: A is faster); then the
# median of the rounds' ratios.
set -eu

RUNS=30
WARMUP=3
ROUNDS=5
while getopts r:w:k: opt; do
	case $opt in
	r) RUNS=$OPTARG ;;
	w) WARMUP=$OPTARG ;;
	k) ROUNDS=$OPTARG ;;
	*) sed -n '2,/^set -eu/s/^# \{0,1\}//p' "$0" | sed '$d' >&2; exit 100 ;;
	esac
done
shift $((OPTIND - 1))
die() { echo "ab.sh: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: ab.sh [-r RUNS] [-w WARMUP] [-k ROUNDS] A B"
A=$(realpath "$1")
B=$(realpath "$2")
[ "$(id -u)" = 0 ] || die "run as root"
for t in hyperfine jq unshare busybox; do
	command -v "$t" >/dev/null || die "needs $t"
done
[ -x "$A" ] && [ -x "$B" ] || die "A and B must be binaries"

if [ "${BXBENCH_INNER:-}" != 1 ]; then
	BXBENCH_INNER=1 exec unshare -m sh "$0" -r "$RUNS" -w "$WARMUP" -k "$ROUNDS" "$A" "$B"
fi
mount --make-rprivate /

WORK=$(mktemp -d /tmp/bxbench.XXXXXX)
export BOXCAR_ROOT="$WORK/root" BOXCAR_RUNTIME_DIR="$WORK/run" BOXCAR_NETWORK=none
mkdir -p "$WORK/run"
cleanup() {
	set +e
	for id in $("$A" ps -aq --no-trunc 2>/dev/null); do
		"$A" rm -f "$id" >/dev/null 2>&1
	done
	grep -F " $WORK/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m"; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mount -t tmpfs -o mode=700 bxbench "$WORK/run"

R=$WORK/rootfs
. "$(dirname "$0")/rootfs.sh"
busybox_rootfs "$R"
"$A" import "$R" bench:latest --cmd sh --env PATH=/bin >/dev/null
for x in "$A" "$B"; do
	"$x" run --rm -m 64m bench /bin/true || die "$x: trial run failed"
done

echo "# bench/ab.sh $(date -u +%Y-%m-%dT%H:%MZ), kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "A: $A ($("$A" --version | head -1))"
echo "B: $B ($("$B" --version | head -1))"
echo
echo "| round | A median ms | B median ms | wall A/B | A cpu ms | B cpu ms | cpu A/B |"
echo "|------:|------------:|------------:|---------:|---------:|---------:|--------:|"
k=1
: >"$WORK/ratios"
while [ $k -le "$ROUNDS" ]; do
	if [ $((k % 2)) = 1 ]; then
		set -- -n A "$A run --rm -m 64m bench /bin/true" -n B "$B run --rm -m 64m bench /bin/true"
	else
		set -- -n B "$B run --rm -m 64m bench /bin/true" -n A "$A run --rm -m 64m bench /bin/true"
	fi
	hyperfine -N -w "$WARMUP" -r "$RUNS" --export-json "$WORK/r$k.json" "$@" >/dev/null
	jq -r '[(.results[] | select(.command == "A") | .median, .user + .system),
		(.results[] | select(.command == "B") | .median, .user + .system)] | @tsv' \
		"$WORK/r$k.json" | while IFS="$(printf '\t')" read -r am ac bm bc; do
		awk -v k="$k" -v am="$am" -v ac="$ac" -v bm="$bm" -v bc="$bc" 'BEGIN {
			printf "| %d | %.2f | %.2f | %.3f | %.2f | %.2f | %.3f |\n",
				k, am * 1000, bm * 1000, am / bm, ac * 1000, bc * 1000, ac / bc
			printf "%f %f\n", am / bm, ac / bc > "/dev/stderr" }' 2>>"$WORK/ratios"
	done
	k=$((k + 1))
done
med() { sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "median of the rounds: wall A/B $(cut -d' ' -f1 "$WORK/ratios" | med), cpu A/B $(cut -d' ' -f2 "$WORK/ratios" | med)"
