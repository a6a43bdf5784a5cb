#!/bin/sh
# run.sh [NAME...] - run the test suite (every tests/*.test, or the named
# ones) and close with "N passed, N failed, N skipped".
#
# Environment: BOXCAR (binary under test), BOXCAR_CONFIG (its .config, to
# skip configured-out applets), UNITDIR (C unit-test programs), SECDIR
# (the static helpers security.test puts into containers),
# TEST_SHELL (shell for each test file; default sh).
#
# After every file the runner checks that nothing leaked: no new mount
# and no new cgroup whose path names boxcar or bxtest, no new link, nft
# table or ip_forward change in the machine's network namespace.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# Containers get lo only unless a test asks: bridge networking makes
# links and nft tables, which only tests/network.test makes, in network
# namespaces of its own, never in the machine's.
BOXCAR_NETWORK=none
export TESTDIR BOXCAR BOXCAR_CONFIG UNITDIR SECDIR BOXCAR_NETWORK
: "${BOXCAR:?set BOXCAR to the binary under test}"
case $BOXCAR in /*) ;; *) BOXCAR=$(pwd)/$BOXCAR ;; esac
SHELL_CMD=${TEST_SHELL:-sh}

# This run's scratch dirs go in a dir of its own: another suite on the
# same machine (another clone's, its scratch dirs beside ours in BASE)
# mounts and makes cgroups meanwhile, which are not this run's leaks.
BASE=${TMPDIR:-/tmp}
RUNDIR=$(mktemp -d "$BASE/bxrun.XXXXXX") || exit 1
# searchable as /tmp is: a test may give another user (a user
# namespace's root) the way to its own scratch dir (oci.test)
chmod 711 "$RUNDIR"
TMPDIR=$RUNDIR
export TMPDIR
out=$RUNDIR/out
trap 'rm -f "$out" "$out.mounts" "$out.cgroups" "$out.netstate"; rmdir "$RUNDIR"' EXIT

# Mounts naming boxcar or bxtest, but none on another run's scratch dir
# (mountinfo's 5th field is the mount point).
mounts() {
	grep -E 'boxcar|bxtest' /proc/self/mountinfo 2>/dev/null \
		| awk -v base="$BASE/" -v ours="$RUNDIR/" \
			'index($5, base) != 1 || index($5, ours) == 1' | sort
}
# The runner's own network namespace (the machine's): its links, its
# forwarding switch and boxcar's nft tables; only tests/network.test makes
# any of these, and only in namespaces of its own.
netstate() {
	ls /sys/class/net 2>/dev/null
	echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)"
	! command -v nft > /dev/null || nft list tables 2>/dev/null | grep boxcar
}
# Cgroups naming boxcar or bxtest, but none of a container whose record
# (ROOT/containers/ID or RUNDIR/store-*/ID) is another run's.
cgroups() {
	find /sys/fs/cgroup -maxdepth 4 -type d \( -name '*boxcar*' -o -name '*bxtest*' \) \
		2>/dev/null | sort | while read -r cg; do
		id=${cg##*/}
		id=${id#boxcar-}
		[ ${#id} -eq 64 ] && find "$BASE" -mindepth 3 -maxdepth 6 -name "$id" \
			\( -path "$BASE/bxtest.*" -o -path "$BASE/bxrun.*" \) \
			! -path "$RUNDIR/*" 2>/dev/null | grep -q . && continue
		echo "$cg"
	done
}

passed=0 failed=0 skipped=0

if [ $# -eq 0 ]; then
	set -- "$TESTDIR"/*.test
else
	for name; do
		shift
		case $name in */*) set -- "$@" "$name" ;; *) set -- "$@" "$TESTDIR/${name%.test}.test" ;; esac
	done
fi

for file; do
	name=$(basename "$file" .test)
	mounts > "$out.mounts"
	cgroups > "$out.cgroups"
	netstate > "$out.netstate"
	TEST_NAME=$name $SHELL_CMD "$file" > "$out" 2>&1 < /dev/null
	rc=$?
	cat "$out"
	p=$(grep -c '^PASS:' "$out")
	f=$(grep -c '^FAIL:' "$out")
	s=$(grep -c '^SKIPPED:' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name: exited with status $rc"
		f=1
	fi
	for what in mounts cgroups netstate; do
		# what is new since the file began; another run's container
		# torn down meanwhile may take a moment to go
		i=0
		while left=$($what | grep -vxF -f "$out.$what") && [ $i -lt 10 ]; do
			i=$((i + 1))
			sleep 0.3
		done
		if [ -n "$left" ]; then
			case $what in
			netstate) echo "FAIL: $name: changed the machine's network namespace:" ;;
			*) echo "FAIL: $name: left $what behind:" ;;
			esac
			echo "$left" | sed 's/^/  /'
			f=$((f + 1))
		fi
	done
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
