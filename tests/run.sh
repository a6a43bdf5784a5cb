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

mounts() { grep -E 'boxcar|bxtest' /proc/self/mountinfo 2>/dev/null | sort; }
# the runner's own network namespace (the machine's): its links, its
# forwarding switch and boxcar's nft tables; only tests/network.test makes
# any of these, and only in namespaces of its own
netstate() {
	ls /sys/class/net 2>/dev/null
	echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)"
	! command -v nft > /dev/null || nft list tables 2>/dev/null | grep boxcar
}
cgroups() {
	find /sys/fs/cgroup -maxdepth 4 -type d \( -name '*boxcar*' -o -name '*bxtest*' \) \
		2>/dev/null | sort
}

passed=0 failed=0 skipped=0
out=$(mktemp "${TMPDIR:-/tmp}/bxrun.XXXXXX") || exit 1
trap 'rm -f "$out" "$out.m" "$out.c" "$out.n"' EXIT

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
	mounts > "$out.m"
	cgroups > "$out.c"
	netstate > "$out.n"
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
	if [ "$(mounts)" != "$(cat "$out.m")" ]; then
		echo "FAIL: $name: left mounts behind:"
		mounts | grep -vxF -f "$out.m" | sed 's/^/  /'
		f=$((f + 1))
	fi
	if [ "$(cgroups)" != "$(cat "$out.c")" ]; then
		echo "FAIL: $name: left cgroups behind:"
		cgroups | grep -vxF -f "$out.c" | sed 's/^/  /'
		f=$((f + 1))
	fi
	if [ "$(netstate)" != "$(cat "$out.n")" ]; then
		echo "FAIL: $name: changed the machine's network namespace:"
		netstate | grep -vxF -f "$out.n" | sed 's/^/  /'
		f=$((f + 1))
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
