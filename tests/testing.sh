# testing.sh - the helpers every *.test file sources. POSIX sh; also runs
# under busybox ash, because the same suite runs on the boards in QEMU.
#
#   testing "name" "command" "expected stdout" "input file" "stdin"
#
# runs command with eval (a file named "input" holds the 4th argument, the
# 5th is its stdin) and compares its stdout with the expected text. Put
# "; echo \$?" in the command to check an exit status. Prints PASS:, FAIL:
# (with a diff) or SKIPPED: once per case, as busybox's and toybox's do.

: "${BOXCAR:?set BOXCAR to the binary under test}"
# A test file run on its own (not through run.sh) must not make a bridge
# and an nft table in the machine's own network namespace either: no
# network unless the file asks (network.test does, inside its own netns).
BOXCAR_NETWORK=${BOXCAR_NETWORK:-none}
export BOXCAR_NETWORK
TEST_NAME=${TEST_NAME:-$(basename "$0" .test)}

# Every test file gets a scratch dir; names carry "bxtest" so a leak is
# easy to spot (and the runner looks for them).
BXTMP=$(mktemp -d "${TMPDIR:-/tmp}/bxtest.XXXXXX") || exit 1
trap 'cleanup_test 2>/dev/null; rm -rf "$BXTMP"' EXIT
cleanup_test() { :; } # a test file may redefine it
cd "$BXTMP" || exit 1

SKIP=

# optional SYMBOL...: skip the next cases unless every CONFIG_SYMBOL is y.
# "optional" alone ends the block.
optional() {
	SKIP=
	for sym in "$@"; do
		grep -q "^CONFIG_$sym=y\$" "${BOXCAR_CONFIG:-/dev/null}" 2>/dev/null || SKIP=$sym
	done
}

# requires "why" COMMAND...: skip the next cases unless COMMAND succeeds.
requires() {
	why=$1
	shift
	"$@" >/dev/null 2>&1 || SKIP=$why
}

pass() { echo "PASS: $TEST_NAME: $1"; }
fail() { echo "FAIL: $TEST_NAME: $1"; }
skip() { echo "SKIPPED: $TEST_NAME: $1${2:+ ($2)}"; }

# Wait (up to 10 s) until the shell command "$*" succeeds: tests wait for
# what they need, never for a fixed time, which a loaded machine outruns.
# 500 tries 20 ms apart, and at most 60 s of the clock however long a try
# takes: 500 tries of a fetch that times out after 3 s would be 25
# minutes, past a QEMU guest's 900 s, a hang where a case should fail.
wait_until() {
	i=0
	until eval "$*" > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 500 ] || return 1
		case $i in
		1) wu_end=$(($(date +%s) + 60)) ;;
		*0) [ "$(date +%s)" -lt "$wu_end" ] || return 1 ;;
		esac
		sleep 0.02
	done
}

testing() {
	if [ $# -ne 5 ]; then
		fail "$1: testing needs 5 arguments, got $#"
		return 1
	fi
	if [ -n "$SKIP" ]; then
		skip "$1" "$SKIP"
		return 0
	fi
	printf '%b' "$3" > "$BXTMP/.expected"
	printf '%b' "$4" > "$BXTMP/input"
	printf '%b' "$5" | eval "$2" > "$BXTMP/.actual" 2> "$BXTMP/.stderr"
	if cmp -s "$BXTMP/.expected" "$BXTMP/.actual"; then
		pass "$1"
		return 0
	fi
	fail "$1"
	echo "  command: $2"
	diff -u "$BXTMP/.expected" "$BXTMP/.actual" | sed 's/^/  /'
	[ -s "$BXTMP/.stderr" ] && sed 's/^/  stderr: /' "$BXTMP/.stderr"
	return 1
}

# check "name" COMMAND...: pass when COMMAND succeeds (for conditions that
# are not a stdout comparison).
check() {
	name=$1
	shift
	if [ -n "$SKIP" ]; then
		skip "$name" "$SKIP"
	elif "$@" > "$BXTMP/.actual" 2>&1; then
		pass "$name"
	else
		fail "$name"
		sed 's/^/  /' "$BXTMP/.actual"
	fi
}

# cdir ID: container ID's record dir in the store $R (the container
# tests set R and BOXCAR_RUNTIME_DIR): ROOT/containers/ID, or for a
# transient (--rm) one RUNDIR/store-DEV-INO/ID (docs/containers.md).
cdir() {
	if [ -d "$R/containers/$1" ]; then
		echo "$R/containers/$1"
	else
		for d in "$BOXCAR_RUNTIME_DIR"/store-*/"$1"; do
			echo "$d"
			return
		done
	fi
}

# cid NAME: the ID of the container named NAME in the store $R, from its
# name link: ROOT/containers/names or, transient, RUNDIR/store-*/names.
cid() {
	for l in "$R/containers/names/$1" "$BOXCAR_RUNTIME_DIR"/store-*/names/"$1"; do
		[ -L "$l" ] && readlink "$l" | cut -c4- && return
	done
}
