#!/bin/sh
# setup-host.sh - install what building and testing boxcar needs on a
# Debian 12 machine (run as root): the musl toolchain for the host and
# the cross targets, QEMU, kconfiglib, and the peers the tests compare
# with. Everything else (dependency sources, Debian kernels, busybox-static
# and nftables with its libraries for the QEMU targets) is fetched by the
# build into build/.
#
#   sh scripts/setup-host.sh           what `make check` needs
#   sh scripts/setup-host.sh --bench   that, and the benchmarks' peers
#                                      (bench/README.md): hyperfine, time,
#                                      crun, runc, and netavark, the
#                                      network backend podman is measured
#                                      with (without it, Debian's podman
#                                      falls back to CNI)
set -eu
bench=
case ${1:-} in
--bench) bench="hyperfine time crun runc netavark aardvark-dns" ;;
"") ;;
*) echo "usage: setup-host.sh [--bench]" >&2; exit 1 ;;
esac

[ "$(id -u)" -eq 0 ] || { echo "setup-host.sh: run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

# The cross targets' musl-dev, kernels, busybox and nft come from these.
for arch in arm64 armhf mipsel; do
	dpkg --print-foreign-architectures | grep -qx "$arch" || dpkg --add-architecture "$arch"
done

# A mirror in the middle of a sync can fail one index now and then; retry,
# then go on with what we have: apt-get install below fails clearly if a
# package we need is really missing.
i=0
until apt-get update -q >/tmp/boxcar-apt-update.log 2>&1; do
	i=$((i + 1))
	if [ $i -ge 3 ]; then
		echo "setup-host.sh: apt-get update incomplete, going on:" >&2
		grep -E '^(E|W):' /tmp/boxcar-apt-update.log | head -n 5 >&2
		break
	fi
	sleep 5
done

# QEMU's option ROMs (ipxe-qemu, seabios: Recommends, so not installed
# here) are not needed: scripts/qemu-test.sh boots its guests with
# -nodefaults, without the NICs and VGA cards that load them.
packages="
	make gcc libc6-dev musl-tools musl-dev
	gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-mipsel-linux-gnu
	musl-dev:arm64 musl-dev:armhf musl-dev:mipsel
	binutils-aarch64-linux-gnu binutils-arm-linux-gnueabihf binutils-mipsel-linux-gnu
	python3-kconfiglib dpkg-dev
	qemu-system-arm qemu-system-mips cpio gzip xz-utils binutils
	busybox-static util-linux tar lz4 zstd attr libcap2-bin iproute2 nftables file kmod
	clang libclang-rt-14-dev
	docker-registry skopeo umoci jq apache2-utils openssl python3 ca-certificates
	containerd podman golang-go
	$bench
"
# shellcheck disable=SC2086 # word splitting wanted
apt-get install -y -q --no-install-recommends $packages >/tmp/boxcar-apt-install.log 2>&1 || {
	tail -n 20 /tmp/boxcar-apt-install.log >&2
	echo "setup-host.sh: apt-get install failed" >&2
	exit 1
}
echo "setup-host.sh: build and test tools installed"
