# bench/rootfs.sh - sourced by bench/run.sh and bench/ab.sh.
# busybox_rootfs DIR: the benchmarks' image, a busybox root file system
# (busybox-static and a link per applet, root in passwd and group).
busybox_rootfs() {
	mkdir -p "$1/bin" "$1/etc" "$1/tmp" "$1/root" "$1/proc" "$1/dev" "$1/sys"
	cp "$(command -v busybox)" "$1/bin/busybox"
	for a in $("$1/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$1/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$1/etc/passwd"
	echo 'root:x:0:' >"$1/etc/group"
}
