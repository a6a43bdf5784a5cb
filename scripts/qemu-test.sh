#!/bin/sh
# qemu-test.sh ARCH BUILDDIR KITDIR - run boxcar's test suite on Debian's
# kernel for ARCH under qemu-system (TCG), the nearest thing to a board.
#
#   ARCH      aarch64 | armv7 | mipsel
#   BUILDDIR  an O= build dir holding boxcar, .config, build/tests/unit/*
#             and build/tests/security/*
#   KITDIR    cache for the Debian packages and what is unpacked from them
#
# Environment:
#   QEMU_TIMEOUT  seconds before qemu is killed (default 900)
#   QEMU_MODULES  kernel modules to load, with their dependencies (default
#                 "overlay veth bridge loop squashfs" and the nf_tables
#                 ones boxcar's NAT table needs: nf_tables nft_chain_nat
#                 nft_nat nft_masq nft_ct nft_fib_ipv4 nft_fib_ipv6)
#   QEMU_APPEND   extra kernel command line, e.g. boxcar.cgroup=v2
#   QEMU_TESTS    test names for run.sh (default: all of them)
#
# Streams the guest's test lines and ends with one closing line
# "ARCH: N passed, N failed, N skipped"; exits 0 only if the guest printed
# its closing line and nothing failed.
#
# The kernel, busybox-static and nftables (nft, with the shared libraries
# it needs and glibc's loader: the guests' one dynamic program) come from
# Debian's archive through apt, and are never installed: `apt-get
# download` + `dpkg-deb -x`. The host needs
#   dpkg --add-architecture arm64 armhf mipsel (one arch per call)
#   apt-get update
#   apt-get install qemu-system-arm qemu-system-mips cpio kmod binutils
set -eu

usage() {
	echo "usage: $0 aarch64|armv7|mipsel BUILDDIR KITDIR" >&2
	exit 100
}
[ $# -eq 3 ] || usage
ARCH=$1 BUILDDIR=$2 KITDIR=$3
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
PATH=$PATH:/usr/sbin:/sbin # depmod and modprobe, for a user's PATH too
TIMEOUT=${QEMU_TIMEOUT:-900}
# Every Debian 6.1 flavour has nf_tables and its expressions as modules.
# Their libcrc32c's soft dependency brings the CPU's crc32 modules too;
# where the emulated CPU lacks the instructions (crc32-arm-ce on the
# Cortex-A15) that insmod fails, and the generic one serves.
NFTMODULES="nf_tables nft_chain_nat nft_nat nft_masq nft_ct nft_fib_ipv4 nft_fib_ipv6"
MODULES=${QEMU_MODULES:-overlay veth bridge loop squashfs $NFTMODULES}

# The Debian flavour that boots on each QEMU machine. armv7 takes the LPAE
# kernel: "virt" is a Cortex-A15 board, which has LPAE, and that kernel
# is the armhf flavour meant for virtual machines. Debian's 4kc-malta
# kernel has no highmem, so 256 MiB is all Malta can use; and one CPU:
# "-cpu 34Kf -smp 2" boots, but QEMU's MT emulation stalls RCU for 20 s.
case $ARCH in
aarch64)
	debarch=arm64 kernelpkg=linux-image-arm64 qemu=qemu-system-aarch64
	triplet=aarch64-linux-gnu
	machine="-M virt -cpu cortex-a57 -smp 2 -m 1024" console=ttyAMA0 ;;
armv7)
	debarch=armhf kernelpkg=linux-image-armmp-lpae qemu=qemu-system-arm
	triplet=arm-linux-gnueabihf
	machine="-M virt -cpu cortex-a15 -smp 2 -m 1024" console=ttyAMA0 ;;
mipsel)
	debarch=mipsel kernelpkg=linux-image-4kc-malta qemu=qemu-system-mipsel
	triplet=mipsel-linux-gnu
	machine="-M malta -m 256" console=ttyS0 ;;
*)
	usage ;;
esac

[ -x "$BUILDDIR/boxcar" ] || { echo "$0: no $BUILDDIR/boxcar" >&2; exit 100; }
command -v "$qemu" >/dev/null || { echo "$0: $qemu not installed" >&2; exit 111; }
mkdir -p "$KITDIR/debs"
KITDIR=$(cd "$KITDIR" && pwd)

step() { echo "qemu-test: $ARCH: $*"; }

# fetch PKG: print the path of PKG:$debarch's .deb, downloading it once.
fetch() {
	for deb in "$KITDIR/debs/$1"_*_"$debarch.deb"; do
		[ -f "$deb" ] && { echo "$deb"; return 0; }
	done
	step "downloading $1:$debarch" >&2
	# As root, apt hands the download to user _apt, who cannot write into
	# a private cache dir; the file is ours anyway.
	sandbox=
	[ "$(id -u)" -ne 0 ] || sandbox="-o APT::Sandbox::User=root"
	# The mirror sometimes serves a file mid-sync; a second try usually works.
	for try in 1 2 3; do
		# shellcheck disable=SC2086
		if (cd "$KITDIR/debs" && apt-get -q=2 $sandbox download "$1:$debarch") >&2; then
			break
		fi
		[ $try -lt 3 ] || { echo "$0: cannot download $1:$debarch" >&2; exit 111; }
		sleep 5
	done
	for deb in "$KITDIR/debs/$1"_*_"$debarch.deb"; do
		[ -f "$deb" ] && { echo "$deb"; return 0; }
	done
	echo "$0: apt-get download $1:$debarch left no .deb" >&2
	exit 111
}

# unpack DEB DIR: dpkg-deb -x once; a stamp marks a complete unpack.
unpack() {
	[ -f "$2/.unpacked" ] && return 0
	rm -rf "$2"
	mkdir -p "$2"
	dpkg-deb -x "$1" "$2"
	touch "$2/.unpacked"
}

# The metapackage depends on the versioned image of the current ABI, e.g.
# linux-image-arm64 -> linux-image-6.1.0-50-arm64.
if ! info=$(apt-cache show --no-all-versions "$kernelpkg:$debarch" 2>/dev/null); then
	echo "$0: apt knows no $kernelpkg:$debarch; run" >&2
	echo "  dpkg --add-architecture $debarch && apt-get update" >&2
	exit 111
fi
image=$(echo "$info" | sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*\).*/\1/p' | head -n 1)
[ -n "$image" ] || { echo "$0: cannot resolve $kernelpkg" >&2; exit 111; }

kdir=$KITDIR/$image
deb=$(fetch "$image")
unpack "$deb" "$kdir"
deb=$(fetch busybox-static)
bbdir=$KITDIR/$(basename "$deb" .deb)
unpack "$deb" "$bbdir"
kver=$(ls "$kdir/lib/modules")
kernel=$kdir/boot/vmlinuz-$kver

# nftables:ARCH and what it depends on, recursively (libnftables1,
# libnftnl11, libmnl0, libjansson4, libgmp10, libedit2, libxtables12,
# libbsd0, libmd0, libtinfo6, libc6, ... as apt resolves them today),
# each unpacked into a dir of its own.
nftdirs=
for pkg in $(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances "nftables:$debarch" |
	sed -n "s/^\([a-z0-9][a-z0-9.+-]*\):$debarch\$/\1/p" | sort -u); do
	deb=$(fetch "$pkg")
	unpack "$deb" "$KITDIR/$(basename "$deb" .deb)"
	nftdirs="$nftdirs $KITDIR/$(basename "$deb" .deb)"
done
# pkgpath PATH: the unpacked file that is PATH on an installed system,
# its symbolic links (relative or absolute) followed within the packages.
pkgpath() {
	p=$1 hops=0
	while [ $hops -lt 8 ]; do
		f=
		for d in $nftdirs; do
			if [ -L "$d$p" ] || [ -f "$d$p" ]; then
				f=$d$p
				break
			fi
		done
		[ -n "$f" ] || return 1
		[ -L "$f" ] || { echo "$f"; return 0; }
		t=$(readlink "$f")
		case $t in /*) p=$t ;; *) p=$(dirname "$p")/$t ;; esac
		hops=$((hops + 1))
	done
	return 1
}

# Debian builds modules.dep in postinst, so the package has none: make it
# here (depmod reads modules of any arch) and let modprobe order them.
[ -f "$kdir/lib/modules/$kver/modules.dep" ] || depmod -b "$kdir" "$kver"

work=$(mktemp -d "${TMPDIR:-/tmp}/qemu-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
root=$work/root

step "packing initramfs ($image)"
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/dev" \
	"$root/proc" "$root/sys" "$root/tmp" "$root/run" "$root/etc" "$root/unit" \
	"$root/lib/modules" "$root/mnt" "$root/root" "$root/var/tmp" "$root/security"
cp "$bbdir/bin/busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh" # for /init's #!; init links the other applets
cp "$SRCDIR/tests/qemu-init.sh" "$root/init"
chmod 755 "$root/init"
cp "$BUILDDIR/boxcar" "$root/bin/boxcar"
cp "$BUILDDIR/.config" "$root/boxcar.config" 2>/dev/null || : > "$root/boxcar.config"
cp -R "$SRCDIR/tests" "$root/tests"
rm -f "$root/tests/qemu-init.sh"
mkdir -p "$root/contrib" # the init scripts boot.test runs under busybox sh
cp -R "$SRCDIR/contrib/init" "$root/contrib/init"
for prog in "$BUILDDIR"/build/tests/unit/*; do
	[ -f "$prog" ] && [ -x "$prog" ] && cp "$prog" "$root/unit/"
done
for prog in "$BUILDDIR"/build/tests/security/*; do
	[ -f "$prog" ] && [ -x "$prog" ] && cp "$prog" "$root/security/"
done
# nft, its interpreter (glibc's loader, at the path nft names) and the
# libraries of its NEEDED entries, recursively, at their paths in the
# packages (/lib/TRIPLET, /usr/lib/TRIPLET: the loader's own search
# path, no ld.so.cache needed). readelf reads any arch's ELF.
guestput() { mkdir -p "$root$(dirname "$1")" && cp "$2" "$root$1" && echo "$root$1" >> "$work/nftfiles"; }
src=$(pkgpath /usr/sbin/nft) || { echo "$0: no /usr/sbin/nft in nftables:$debarch" >&2; exit 111; }
guestput /usr/sbin/nft "$src"
interp=$(readelf -l "$src" | sed -n 's/.*program interpreter: \([^]]*\)\]/\1/p')
lsrc=$(pkgpath "$interp") || { echo "$0: no $interp in libc6:$debarch" >&2; exit 111; }
guestput "$interp" "$lsrc"
todo=$src seen=
while [ -n "$todo" ]; do
	elf=${todo%% *}
	todo=${todo#"$elf"}
	todo=${todo# }
	for lib in $(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		case " $seen " in *" $lib "*) continue ;; esac
		seen="$seen $lib"
		found=
		for dir in /lib/$triplet /usr/lib/$triplet /lib /usr/lib; do
			lsrc=$(pkgpath "$dir/$lib") && found=$dir/$lib && break
		done
		[ -n "$found" ] || { echo "$0: nft needs $lib, in no package of nftables:$debarch's" >&2; exit 111; }
		guestput "$found" "$lsrc"
		todo=${todo:+$todo }$lsrc
	done
done
step "nft and $(($(wc -l < "$work/nftfiles") - 2)) libraries, $(xargs du -ck < "$work/nftfiles" | tail -n 1 | cut -f1) KiB"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

# Modules go flat into /lib/modules, listed in load order (dependencies
# first) in /lib/modules/load; busybox insmod reads only plain .ko.
for mod in $MODULES; do
	modprobe -d "$kdir" -S "$kver" --show-depends "$mod" |
		sed -n 's/^insmod \([^ ]*\).*/\1/p'
done > "$work/modpaths"
: > "$root/lib/modules/load"
while read -r path; do
	name=$(basename "$path")
	case $name in
	*.xz) xz -dc "$path" > "$root/lib/modules/${name%.xz}"; name=${name%.xz} ;;
	*.zst) zstd -qdc "$path" > "$root/lib/modules/${name%.zst}"; name=${name%.zst} ;;
	*.gz) gzip -dc "$path" > "$root/lib/modules/${name%.gz}"; name=${name%.gz} ;;
	*) cp "$path" "$root/lib/modules/$name" ;;
	esac
	grep -qxF "$name" "$root/lib/modules/load" || echo "$name" >> "$root/lib/modules/load"
done < "$work/modpaths"

# -R 0:0: the guest runs as root and the files should be root's, whoever
# builds; gzip because every Debian kernel reads it.
(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$work/initrd.gz"

# The guest's init reads boxcar.* from /proc/cmdline.
tests=$(echo "${QEMU_TESTS:-}" | tr ' ' ,)
append="console=$console panic=-1 quiet ${tests:+boxcar.tests=$tests} ${QEMU_APPEND:-}"

# Stream the console: lines from init's begin marker up to its result line,
# and init's own "qemu-init:" notes; everything goes to the log. The sh
# read loop is slow but unbuffered, so lines show as the guest prints them.
log=$KITDIR/console-$ARCH.log # kept for a look after a failure
cr=$(printf '\r')
step "booting $qemu (timeout ${TIMEOUT}s)"
start=$(date +%s)
# -nodefaults: no default NIC, VGA, monitor, CD-ROM or parallel port. The
# guests need none of them (their tests use loopback and namespaces), and
# the default NICs and VGA cards load option ROMs (efi-virtio.rom,
# efi-pcnet.rom, vgabios-cirrus.bin) that only Recommends of QEMU's
# packages install (ipxe-qemu, seabios); without them QEMU will not start.
# The one device we need, the serial console, is asked for by name.
# shellcheck disable=SC2086
{ timeout -k 10 "$TIMEOUT" "$qemu" $machine -nodefaults -display none \
	-serial stdio -no-reboot \
	-kernel "$kernel" -initrd "$work/initrd.gz" -append "$append" \
	< /dev/null 2>&1 || :; } |
{
	show=0
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%"$cr"}
		printf '%s\n' "$line" >&3
		case $line in
		"BOXCAR-QEMU-BEGIN"*) show=1 ;;
		"BOXCAR-QEMU-RESULT"*) show=0 ;;
		"qemu-init: "*) printf '%s\n' "$line" ;;
		*" passed, "*" failed, "*" skipped") ;; # run.sh's; ours closes
		*) [ $show -eq 0 ] || printf '%s\n' "$line" ;;
		esac
	done
} 3> "$log"
step "guest ran $(($(date +%s) - start))s"

result=$(sed -n 's/^BOXCAR-QEMU-RESULT: \([0-9]* passed, [0-9]* failed, [0-9]* skipped\)$/\1/p' \
	"$log" | tail -n 1)
if [ -z "$result" ]; then
	echo "qemu-test: $ARCH: no closing line from the guest; end of $log:"
	tail -n 40 "$log" | sed 's/^/  /'
	echo "$ARCH: 0 passed, 1 failed, 0 skipped"
	exit 1
fi
echo "$ARCH: $result"
case $result in
*" 0 failed,"*) exit 0 ;;
*) exit 1 ;;
esac
