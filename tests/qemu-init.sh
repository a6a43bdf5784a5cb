#!/bin/sh
# qemu-init.sh - /init of the initramfs that scripts/qemu-test.sh boots:
# set the guest up like a small board (proc, sys, dev, tmpfs, cgroups,
# modules, lo), run the suite, print the result line, power off.
# busybox ash only; everything else in the guest is busybox too.
#
# Kernel command line:
#   boxcar.cgroup=hybrid|v2|v1  cgroup layout (default hybrid, like the host)
#   boxcar.tests=a,b            run only these tests/*.test
#
# The host reads two lines: "BOXCAR-QEMU-BEGIN" before the suite and
# "BOXCAR-QEMU-RESULT: N passed, N failed, N skipped" after it.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

say() { echo "qemu-init: $*"; }

# Stage 1, on the initramfs. The kernel's rootfs has no parent mount, so
# pivot_root(2) fails there with EINVAL, and containers need it. Copy
# everything onto a tmpfs and switch_root to it, as a board's real root.
if [ "$$" -eq 1 ] && [ "${1:-}" != stage2 ]; then
	/bin/busybox mkdir -p /proc /dev
	/bin/busybox mount -t devtmpfs devtmpfs /dev
	exec < /dev/console > /dev/console 2>&1
	for applet in $(/bin/busybox --list); do
		[ -e "/bin/$applet" ] || /bin/busybox ln -s busybox "/bin/$applet"
	done
	mkdir /newroot
	mount -t tmpfs -o mode=755 tmpfs /newroot
	for entry in /*; do
		case $entry in /newroot|/dev|/proc|/sys) continue ;; esac
		cp -a "$entry" /newroot/
	done
	mkdir -p /newroot/dev /newroot/proc /newroot/sys
	mount --move /dev /newroot/dev
	# switch_root must be pid 1; if it fails, init dies and the kernel
	# panics, which ends qemu (panic=-1, -no-reboot) and fails the run.
	exec switch_root /newroot /init stage2
fi

mount -t proc proc /proc
mount -t sysfs sysfs /sys
grep -q '^[^ ]* /dev ' /proc/mounts || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr

cgroup=hybrid tests=
read -r cmdline < /proc/cmdline
for arg in $cmdline; do
	case $arg in
	boxcar.cgroup=*) cgroup=${arg#*=} ;;
	boxcar.tests=*) tests=$(echo "${arg#*=}" | tr , ' ') ;;
	esac
done

# hybrid is what the host (and systemd's hybrid mode) has: one v1
# hierarchy per controller, name=systemd, and an empty cgroup2 at
# /sys/fs/cgroup/unified. v2 is a board with systemd's unified default.
cgroup_v1() {
	mount -t tmpfs -o mode=755,nosuid,nodev,noexec cgroup /sys/fs/cgroup
	for ctl in cpu cpuacct cpuset memory devices freezer blkio pids; do
		awk -v c="$ctl" '$1 == c && $4 == 1 { ok = 1 } END { exit !ok }' \
			/proc/cgroups || continue
		mkdir "/sys/fs/cgroup/$ctl"
		mount -t cgroup -o "$ctl" cgroup "/sys/fs/cgroup/$ctl" ||
			say "cannot mount cgroup v1 $ctl"
	done
	mkdir /sys/fs/cgroup/systemd
	mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
}
case $cgroup in
v2)
	mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
	# systemd hands every controller down from the root; so do we.
	read -r ctls < /sys/fs/cgroup/cgroup.controllers
	for ctl in $ctls; do
		echo "+$ctl" > /sys/fs/cgroup/cgroup.subtree_control ||
			say "cannot enable cgroup2 controller $ctl"
	done
	;;
v1)
	cgroup_v1
	;;
*)
	cgroup=hybrid
	cgroup_v1
	mkdir /sys/fs/cgroup/unified
	mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup/unified
	;;
esac

hostname boxcar-qemu
while read -r mod; do
	insmod "/lib/modules/$mod" || say "insmod $mod failed"
done < /lib/modules/load
ip link set lo up

say "$(uname -r) $(uname -m), $(grep -c ^processor /proc/cpuinfo) cpu," \
	"$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MiB, cgroup $cgroup"

echo "BOXCAR-QEMU-BEGIN"
cd /tmp || exit 1
# shellcheck disable=SC2086
BOXCAR=/bin/boxcar BOXCAR_CONFIG=/boxcar.config UNITDIR=/unit SECDIR=/security TMPDIR=/tmp \
	sh /tests/run.sh $tests 2>&1 | tee /run/suite.log
result=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' /run/suite.log | tail -n 1)
[ -n "$result" ] || say "run.sh printed no closing line"
echo "BOXCAR-QEMU-RESULT: ${result:-0 passed, 1 failed, 0 skipped}"

sync
poweroff -f
# Should poweroff not stop the machine, qemu's -no-reboot turns this into
# an exit.
sleep 2
reboot -f
