# containers.sh - sourced by the container tests after testing.sh: a store
# with a busybox image, containers to test ps/inspect/stop/kill/rm/logs/
# exec/top/commit against, and a cleanup that leaves no process, mount or
# cgroup behind.
#
#   start_container NAME SCRIPT   a running container (`run -d`) of image
#                                 $IMAGE (bb) whose init runs /bin/sh -c
#                                 SCRIPT; sets CID and CPID

R=$BXTMP/root
export BOXCAR_ROOT="$R" BOXCAR_RUNTIME_DIR="$BXTMP/run"

BB=
for p in /bin/busybox /usr/bin/busybox $(which busybox 2>/dev/null); do
	[ -x "$p" ] && BB=$p && break
done

# The image: busybox and its links, a file to delete in commit tests.
make_image() {
	mkdir -p rootfs/bin rootfs/etc rootfs/tmp rootfs/proc rootfs/dev rootfs/sys
	cp "$BB" rootfs/bin/busybox
	for a in sh ls cat echo sleep ps hostname id pwd env rm touch kill trap true false \
		mkdir wc head tr grep readlink tty; do
		ln -sf busybox rootfs/bin/$a
	done
	echo "root:x:0:0:root:/root:/bin/sh" > rootfs/etc/passwd
	echo "nobody:x:65534:65534:nobody:/:/bin/sh" >> rootfs/etc/passwd
	echo "root:x:0:" > rootfs/etc/group
	echo "welcome" > rootfs/etc/motd
	"$BOXCAR" import --env PATH=/bin --cmd /bin/sh rootfs bb > /dev/null
}

# The hierarchy exec.test looks into for the container's cgroup: the
# cgroup2 tree if there is one, else v1 pids.
CGMNT=$(awk '$(NF - 2) == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[ -n "$CGMNT" ] || CGMNT=$(awk '$(NF - 2) == "cgroup" && $NF ~ /(^|,)pids(,|$)/ { print $5; exit }' \
	/proc/self/mountinfo)

# start_container NAME SCRIPT: CID is its ID, CPID the host PID of its init.
start_container() {
	CID= CPID=
	CID=$("$BOXCAR" run -d -e FROM_SPEC=yes --name "$1" "${IMAGE:-bb}" /bin/sh -c "$2") ||
		return 1
	CPID=$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$R/containers/$CID/state.json" | head -n 1)
	[ -n "$CPID" ]
}

# Wait (up to 10 s) until container $1's state.json says it exited.
wait_exited() {
	i=0
	until grep -q '"exited"' "$(cdir "$1")/state.json" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 500 ] || return 1
		sleep 0.02
	done
}

# Wait (up to 5 s) until container $1 has made file $2 (its script says
# so once its traps are set: a signal before that would find PID 1
# without a handler, and be ignored).
wait_file() {
	i=0
	until [ -e "$(cdir "$1")/merged$2" ]; do
		i=$((i + 1))
		[ $i -lt 250 ] || return 1
		sleep 0.02
	done
}

# Is PID a live process (not gone, not a zombie nobody reaped)?
alive() {
	test -d "/proc/$1" && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# Whatever a test left: kill every init and monitor, unmount, remove.
cleanup_containers() {
	for d in "$R"/containers/*/ "$BOXCAR_RUNTIME_DIR"/store-*/*/; do
		[ -f "$d/config.json" ] || continue
		id=$(basename "$d")
		"$BOXCAR" rm -f "$id" > /dev/null 2>&1
		[ -d "$d" ] || continue
		for p in $(grep -o '"\(monitor_\)\{0,1\}pid": *[0-9]*' "$d/state.json" 2>/dev/null |
			sed 's/.*: *//'); do
			[ "$p" -gt 0 ] && kill -9 "$p" 2>/dev/null
		done
		sleep 0.1
		umount "$d/merged" 2>/dev/null || umount -l "$d/merged" 2>/dev/null
		[ -z "$CGMNT" ] || rmdir "$CGMNT/boxcar-$id" 2>/dev/null
	done
	[ -z "$CGMNT" ] || rmdir "$CGMNT/boxcar" 2>/dev/null
	wait 2>/dev/null
}
cleanup_test() { cleanup_containers; }
