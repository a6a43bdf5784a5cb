# containers.sh - sourced by the container tests after testing.sh: a store
# with a busybox image, containers to test ps/inspect/stop/kill/rm/logs/
# exec/top/commit against, and a cleanup that leaves no process, mount or
# cgroup behind.
#
#   start_container NAME SCRIPT   a running container of image $IMAGE (bb)
#                                 whose init runs /bin/sh -c SCRIPT; sets
#                                 CID and CPID
#
# When `boxcar run` works, containers are made with `run -d`. Until then
# (FAKE=1) they are made the way run makes them, from the shell: the
# record under ROOT/containers/ID, the overlay mount on merged/, and the
# init in new PID, UTS, IPC and mount namespaces (busybox unshare:
# util-linux 2.38's cannot pass on a death by signal), chrooted into merged/, with a shell "monitor" that records
# its exit in state.json. So the applets under test see real processes,
# namespaces and mounts either way.

# Field 22 of /proc/PID/stat (its start time), counted after the ")".
start_time() {
	t=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20)
	echo "${t:-0}"
}

new_id() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

now_ns() {
	n=$(date +%s%N 2>/dev/null)
	case $n in *[!0-9]* | "") n="$(date +%s)000000000" ;; esac
	echo "$n"
}

fake_state() { # DIR STATUS PID MONITOR EXIT STARTED FINISHED [STOPPED_BY_USER]
	printf '{"status":"%s","pid":%s,"pid_start":%s,"monitor_pid":%s,"monitor_start":%s,"exit_code":%s,"exit_signal":0,"oom_killed":false,"restart_count":0,"stopped_by_user":%s,"started_at":%s,"finished_at":%s,"error":""}\n' \
		"$2" "$3" "$(start_time "$3")" "$4" "$(start_time "$4")" "$5" "${8:-false}" "$6" \
		"$7" > "$1/state.json.tmp" && mv "$1/state.json.tmp" "$1/state.json"
}

# The monitor sources this file for the functions above, and only them.
[ -n "${CONTAINERS_FNS_ONLY:-}" ] && return 0

R=$BXTMP/root
export BOXCAR_ROOT="$R" BOXCAR_RUNTIME_DIR="$BXTMP/run"

BB=
for p in /bin/busybox /usr/bin/busybox $(which busybox 2>/dev/null); do
	[ -x "$p" ] && BB=$p && break
done

if "$BOXCAR" run --help 2>&1 | grep -q 'Not implemented yet'; then
	FAKE=1
else
	FAKE=
fi

# The image: busybox and its links, a file to delete in commit tests.
make_image() {
	mkdir -p rootfs/bin rootfs/etc rootfs/tmp rootfs/proc rootfs/dev rootfs/sys
	cp "$BB" rootfs/bin/busybox
	for a in sh ls cat echo sleep ps hostname id pwd env rm touch kill trap true false \
		mkdir wc head tr grep readlink; do
		ln -sf busybox rootfs/bin/$a
	done
	echo "root:x:0:0:root:/root:/bin/sh" > rootfs/etc/passwd
	echo "nobody:x:65534:65534:nobody:/:/bin/sh" >> rootfs/etc/passwd
	echo "root:x:0:" > rootfs/etc/group
	echo "welcome" > rootfs/etc/motd
	"$BOXCAR" import --env PATH=/bin --cmd /bin/sh rootfs bb > /dev/null
}

# The monitor, run as its own sh so that $$ is its pid: starts the init,
# records it running, waits, records the exit code.
FAKE_MONITOR='
d=$1 host=$2 script=$3 BB=$4
"$BB" unshare -f -p -u -i -m sh -c "mount -t proc proc \"$d/merged/proc\" && hostname \"$host\" &&
	while [ ! -e \"$d/go\" ]; do sleep 0.01; done && rm \"$d/go\" &&
	exec chroot \"$d/merged\" /bin/sh -c \"\$0\"" "$script" \
	>> "$d/stdout" 2>&1 < /dev/null &
u=$!
i=0
while :; do
	init=$(cat /proc/$u/task/$u/children 2>/dev/null | tr -d " ")
	[ -n "$init" ] && [ "$(readlink /proc/$init/ns/pid)" != "$(readlink /proc/$$/ns/pid)" ] && break
	i=$((i + 1)); [ $i -lt 200 ] || exit 1
	sleep 0.02
done
started=$(now_ns)
fake_state "$d" running "$init" $$ 0 "$started" 0
touch "$d/go" # the init waits for this: even "exit 0" is seen running first
wait $u
rc=$?
# keep what stop recorded, as the real monitor does
sbu=false
grep -q "\"stopped_by_user\": *true" "$d/state.json" && sbu=true
fake_state "$d" exited 0 0 "$rc" "$started" "$(now_ns)" $sbu
'

# Creation times: busybox date has no %N; a counter then keeps the order
# of containers made within one second.
SEQ=0
created_ns() { # run in $(): the caller counts SEQ up
	n=$(now_ns)
	case $n in *000000000) n=$(( ${n%000000000} * 1000000000 + SEQ )) ;; esac
	echo "$n"
}

fake_container() { # NAME SCRIPT
	SEQ=$((SEQ + 1))
	CID=$(new_id)
	d=$R/containers/$CID
	lower=$("$BOXCAR" image inspect "${IMAGE:-bb}" | sed -n 's/.*"LowerDir": "\(.*\)".*/\1/p')
	layers=
	for l in $(echo "$lower" | tr ':' ' '); do # topmost first: prepend
		layers="\"sha256:$(basename "$(dirname "$l")")\"${layers:+,$layers}"
	done
	mkdir -p "$d/diff" "$d/work" "$d/merged" "$R/containers/names"
	mount -t overlay overlay -o "lowerdir=$lower,upperdir=$d/diff,workdir=$d/work" \
		"$d/merged" || return 1
	echo "$layers" | tr -d '"' | tr ',' '\n' > "$d/layers"
	printf '{"id":"%s","name":"%s","image":"%s","image_id":"","manifest":"","layers":[%s],"argv":["/bin/sh","-c","%s"],"argv_entrypoint":0,"env":["PATH=/bin","FROM_SPEC=yes"],"workdir":null,"user":null,"hostname":"%s","tty":false,"interactive":false,"detach":true,"auto_remove":false,"read_only":false,"privileged":false,"init":false,"net":"private","mounts":[],"ulimits":[],"cap_add":0,"cap_drop":0,"memory":0,"memory_swap":0,"cpu_millis":0,"cpu_shares":0,"pids_limit":0,"stop_signal":0,"restart":"no","restart_max":0,"created":%s}\n' \
		"$CID" "$1" "${IMAGE:-bb}" "$layers" "$(printf '%s' "$2" | sed 's/["\\]/\\&/g')" "$(echo "$CID" | cut -c1-12)" "$(created_ns)" \
		> "$d/config.json"
	ln -s "../$CID" "$R/containers/names/$1"
	CONTAINERS_FNS_ONLY=1 ${TEST_SHELL:-sh} -c ". \"\$TESTDIR/containers.sh\"
$FAKE_MONITOR" monitor "$d" "$1" "$2" "$BB" > /dev/null 2>&1 &
	i=0
	until grep -q '"running"' "$d/state.json" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 250 ] || return 1
		sleep 0.02
	done
}

# The cgroup run would make, boxcar/ID, in one hierarchy (the cgroup2
# tree if there is one, else v1 pids), with the init moved in: enough for
# exec to join it and rm to destroy it through core/cgroup.c.
CGMNT=$(awk '$(NF - 2) == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[ -n "$CGMNT" ] || CGMNT=$(awk '$(NF - 2) == "cgroup" && $NF ~ /(^|,)pids(,|$)/ { print $5; exit }' \
	/proc/self/mountinfo)
fake_cgroup() { # ID PID
	[ -n "$CGMNT" ] || return 0
	mkdir -p "$CGMNT/boxcar/$1" || return 1
	# an init that is done already ("exit 0") cannot be moved: fine
	{ echo "$2" > "$CGMNT/boxcar/$1/cgroup.procs"; } 2>/dev/null
	return 0
}

# start_container NAME SCRIPT: CID is its ID, CPID the host PID of its init.
start_container() {
	CID= CPID=
	if [ -n "$FAKE" ]; then
		fake_container "$1" "$2" || return 1
		CPID=$(grep -o '"pid": *[0-9]*' "$R/containers/$CID/state.json" | sed 's/.*: *//')
		fake_cgroup "$CID" "$CPID" || return 1
	else
		CID=$("$BOXCAR" run -d -e FROM_SPEC=yes --name "$1" "${IMAGE:-bb}" /bin/sh -c "$2") ||
			return 1
	fi
	CPID=$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$R/containers/$CID/state.json" | head -n 1)
	[ -n "$CPID" ]
}

# Wait (up to 10 s) until container $1's state.json says it exited.
wait_exited() {
	i=0
	until grep -q '"exited"' "$R/containers/$1/state.json" 2>/dev/null; do
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
	until [ -e "$R/containers/$1/merged$2" ]; do
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
	for d in "$R"/containers/*/; do
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
		[ -z "$CGMNT" ] || rmdir "$CGMNT/boxcar/$id" 2>/dev/null
	done
	[ -z "$CGMNT" ] || rmdir "$CGMNT/boxcar" 2>/dev/null
	wait 2>/dev/null
}
cleanup_test() { cleanup_containers; }
