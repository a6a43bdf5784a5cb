#!/bin/sh
# packaging-check.sh SRCDIR WORKDIR - keep the package recipes of contrib/
# true without their build systems (which cannot be fetched here): run
# each recipe's own build and install commands, with this project's
# cross toolchains, into a staging dir, and check what they install.
#
#   buildroot  contrib/buildroot/package/boxcar/boxcar.mk, included by a
#              stub of buildroot's generic-package (its CONFIGURE, BUILD,
#              INSTALL_TARGET and INSTALL_INIT_* commands run by make);
#   yocto      boxcar_git.bb's do_configure, do_compile and do_install,
#              cut out of the recipe, ${VAR}s expanded as bitbake does,
#              run by sh with oe_runmake and its EXTRA_OEMAKE;
#   openwrt    contrib/openwrt/boxcar/Makefile run by make against a stub
#              of rules.mk and package.mk (Build/Prepare, Configure,
#              Compile, Package/boxcar/install).
#
# The libraries the recipes take from their build system's staging dir
# (lz4, bearssl, zlib) are this project's own builds of them, copied to
# STAGING/usr/lib and usr/include. Each install is checked: a static
# binary of the target's machine, a boxcar-NAME link per applet, the init
# script with BINDIR filled in and sh -n clean. Lints first: sh -n (and
# busybox sh -n) of the init scripts, systemd-analyze verify, the
# variables each recipe must set, the version everywhere the same.
#
# PACKAGING_ARCHS (default: aarch64 armv7 mipsel), PACKAGING_RECIPES
# (default: buildroot yocto openwrt). Ends with "N passed, N failed".
set -u
# boxcar's Makefile exports these to us; a build system's make would not
# have them, and they would point the recipes' builds at our .config
unset KCONFIG_CONFIG srctree BOXCAR_GEN
src=$1 work=$2
archs=${PACKAGING_ARCHS:-aarch64 armv7 mipsel}
recipes=${PACKAGING_RECIPES:-buildroot yocto openwrt}
MAKE=${MAKE:-make}
jobs=-j$(nproc 2>/dev/null || echo 2)
contrib=$src/contrib
passed=0 failed=0
mkdir -p "$work" || exit 1

pass() { echo "PASS: packaging: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: packaging: $1"; failed=$((failed + 1)); }
# check NAME COMMAND...: pass when COMMAND succeeds, else its output.
check() {
	name=$1
	shift
	if "$@" > "$work/.out" 2>&1; then
		pass "$name"
	else
		fail "$name"
		sed 's/^/  /' "$work/.out" | tail -n 40
	fi
}
# has FILE REGEX...: every extended REGEX matches a line of FILE.
has() {
	f=$1
	shift
	for re; do
		grep -Eq "$re" "$f" || { echo "$f: nothing matches $re"; return 1; }
	done
}

version=$(sed -n 's/^#define BOXCAR_VERSION "\(.*\)"$/\1/p' "$src/core/version.h")

# ---- lints ---------------------------------------------------------------

for s in boxcar.sysv boxcar.procd; do
	check "sh -n contrib/init/$s" sh -n "$contrib/init/$s"
	if command -v busybox > /dev/null; then
		check "busybox sh -n contrib/init/$s" busybox sh -n "$contrib/init/$s"
	fi
done
if command -v systemd-analyze > /dev/null; then
	sed "s|@BINDIR@|/usr/bin|" "$contrib/init/boxcar-restart.service" > "$work/boxcar-restart.service"
	check "systemd-analyze verify boxcar-restart.service" \
		systemd-analyze verify "$work/boxcar-restart.service"
fi
check "procd script: START=, USE_PROCD, start_service" has "$contrib/init/boxcar.procd" \
	'^#!/bin/sh /etc/rc.common$' '^START=[0-9]+$' '^USE_PROCD=1$' '^start_service\(\)'
check "buildroot: external.desc, external.mk, Config.in" sh -c "
	grep -qx 'name: BOXCAR' '$contrib/buildroot/external.desc' &&
	grep -q 'BR2_EXTERNAL_BOXCAR_PATH' '$contrib/buildroot/external.mk' &&
	grep -q 'package/boxcar/Config.in' '$contrib/buildroot/Config.in' &&
	test -f '$contrib/buildroot/package/boxcar/boxcar.hash'"
br=$contrib/buildroot/package/boxcar
check "buildroot: boxcar.mk sets what a generic-package needs (version $version)" has "$br/boxcar.mk" \
	"^BOXCAR_VERSION = $version\$" '^BOXCAR_SITE = ' '^BOXCAR_DEPENDENCIES = .*lz4.*bearssl' \
	'^define BOXCAR_BUILD_CMDS$' '^define BOXCAR_INSTALL_TARGET_CMDS$' \
	'^define BOXCAR_INSTALL_INIT_SYSV$' '^define BOXCAR_INSTALL_INIT_SYSTEMD$' \
	'^\$\(eval \$\(generic-package\)\)$'
check "buildroot: every BR2_PACKAGE_BOXCAR_* boxcar.mk reads is in Config.in" sh -c "
	for s in \$(grep -o 'BR2_PACKAGE_BOXCAR_[A-Z_]*' '$br/boxcar.mk' | sort -u); do
		grep -q \"^config \$s\$\" '$br/Config.in' || { echo \"\$s: not in Config.in\"; exit 1; }
	done"
yo=$contrib/yocto/meta-boxcar
check "yocto: layer.conf" has "$yo/conf/layer.conf" '^BBFILE_COLLECTIONS \+= "boxcar"$' \
	'^BBFILE_PATTERN_boxcar = ' '^LAYERSERIES_COMPAT_boxcar = ' '^LAYERDEPENDS_boxcar = '
check "yocto: boxcar_git.bb sets what a recipe needs (version $version)" \
	has "$yo/recipes-containers/boxcar/boxcar_git.bb" '^LICENSE = ' '^SRC_URI = ' \
	"^PV = \"$version\\+git\"\$" '^DEPENDS = "lz4 bearssl' '^EXTRA_OEMAKE = ' \
	'^do_configure\(\) \{$' '^do_compile\(\) \{$' '^do_install\(\) \{$' \
	'^SYSTEMD_SERVICE:\$\{PN\} = "boxcar-restart.service"$' '^INITSCRIPT_NAME = "boxcar"$'
check "yocto: the kernel fragment is contrib/kernel/boxcar.config" \
	cmp "$contrib/kernel/boxcar.config" "$yo/recipes-kernel/linux/files/boxcar.cfg"
check "yocto: boxcar.scc names boxcar.cfg" has "$yo/recipes-kernel/linux/files/boxcar.scc" \
	'^kconf non-hardware boxcar.cfg$'
ow=$contrib/openwrt/boxcar/Makefile
check "openwrt: Makefile sets what a package needs (version $version)" has "$ow" \
	'^include \$\(TOPDIR\)/rules.mk$' '^PKG_NAME:=boxcar$' "^PKG_VERSION:=$version\$" \
	'^PKG_RELEASE:=' '^include \$\(INCLUDE_DIR\)/package.mk$' '^define Package/boxcar$' \
	'DEPENDS:=.*\+kmod-fs-overlay' '^define Build/Compile$' '^define Package/boxcar/install$' \
	'^/etc/config/boxcar$' '^\$\(eval \$\(call BuildPackage,boxcar\)\)$'
check "openwrt: bearssl's tarball is the one deps.lock pins" sh -c "
	h=\$(sed -n 's/^PKG_HASH:=//p' '$contrib/openwrt/bearssl/Makefile')
	grep -q \"^bearssl .* \$h \" '$src/scripts/deps.lock'"

# ---- builds --------------------------------------------------------------

# stage ARCH RECIPE: a fresh dir with the libraries in staging.
stage() {
	st=$work/$2-$1
	rm -rf "$st"
	mkdir -p "$st/staging/usr/lib" "$st/staging/usr/include" "$st/target"
	cp "$depsdir"/lib/*.a "$st/staging/usr/lib/"
	cp -R "$depsdir"/include/. "$st/staging/usr/include/"
}

# A copy of the source as a build system takes it: no build output.
copy_source() {
	mkdir -p "$1"
	(cd "$src" && tar --exclude=./build --exclude=./.git --exclude=./.config \
		--exclude=./.config.old --exclude=./boxcar --exclude=./boxcar_unstripped \
		-cf - .) | tar -C "$1" -xf -
}

build_buildroot() {
	bdir=$st/build/boxcar-$version
	copy_source "$bdir"
	cat > "$st/harness.mk" <<EOF
# The least of buildroot's package infrastructure boxcar.mk needs.
BR2_EXTERNAL_BOXCAR_PATH := $contrib/buildroot
BR2_PACKAGE_BOXCAR := y
BR2_PACKAGE_BOXCAR_PULL := y
BR2_PACKAGE_BOXCAR_GZIP := y
BR2_PACKAGE_BOXCAR_LAYER_CREATE := y
BR2_PACKAGE_BOXCAR_ROOT := "/var/lib/boxcar"
BR2_PACKAGE_BOXCAR_CONFIG_FRAGMENT := "$st/fragment"
STAGING_DIR := $st/staging
TARGET_DIR := $st/target
TARGET_CROSS := $cross
TARGET_CFLAGS := -Os
TARGET_LDFLAGS :=
TARGET_MAKE_ENV := PATH="\$(PATH)"
qstrip = \$(strip \$(subst ",,\$(1)))
define generic-package
all: $bdir/.stamp_installed
$bdir/.stamp_installed:
	\$\$(BOXCAR_CONFIGURE_CMDS)
	\$\$(BOXCAR_BUILD_CMDS)
	\$\$(BOXCAR_INSTALL_TARGET_CMDS)
	\$\$(BOXCAR_INSTALL_INIT_SYSV)
	\$\$(BOXCAR_INSTALL_INIT_SYSTEMD)
	touch \$\$@
endef
include $contrib/buildroot/external.mk
EOF

	# BR2_PACKAGE_BOXCAR_CONFIG_FRAGMENT's lines come last and win
	echo '# CONFIG_APPLET_TOP is not set' > "$st/fragment"
	env -u MAKEFLAGS -u MFLAGS "$MAKE" $jobs -f "$st/harness.mk" > "$st/log" 2>&1 &&
		grep -q 'CONFIG_APPLET_TOP is not set' "$bdir/.config"
}

# Yocto: bitbake expands ${VAR} in a task's text before sh runs it, even
# inside single quotes; expand does the same from the environment, and
# fails on a variable nobody set.
expand() {
	awk '{
		while (match($0, /\$\{[A-Za-z_][A-Za-z0-9_]*\}/)) {
			name = substr($0, RSTART + 2, RLENGTH - 3)
			if (!(name in ENVIRON)) { print "unset: " name > "/dev/stderr"; exit 1 }
			$0 = substr($0, 1, RSTART - 1) ENVIRON[name] substr($0, RSTART + RLENGTH)
		}
		print
	}'
}
# task NAME < RECIPE: the body of NAME() { ... } in a recipe.
task() { awk -v fn="$1" '$0 == fn "() {" { on = 1; next } on && $0 == "}" { exit } on'; }
# var NAME < RECIPE: a VAR = "..." assignment's value, continued lines too.
var() {
	awk -v v="$1" '
		!on && index($0, v " = \"") == 1 { on = 1; $0 = substr($0, length(v) + 5) }
		on { line = $0; sub(/[ \t]*\\$/, "", line); val = val (val == "" ? "" : " ") line
		     if ($0 !~ /\\$/) { sub(/"$/, "", val); print val; exit } }'
}

build_yocto() {
	bb=$yo/recipes-containers/boxcar/boxcar_git.bb
	S=$st/git B=$st/build D=$st/target
	copy_source "$S"
	mkdir -p "$B"
	lib=$st/staging/usr/lib
	(
		# CC carries the sysroot in Yocto: here the staging dir's flags
		export S B D WORKDIR="$st" TARGET_PREFIX="$cross" \
			CC="${cross}gcc -isystem $st/staging/usr/include -L$lib" \
			AR="${cross}ar" STRIP="${cross}strip" CFLAGS="-Os" LDFLAGS="" \
			prefix=/usr bindir=/usr/bin sysconfdir=/etc \
			systemd_system_unitdir=/usr/lib/systemd/system STAGING_LIBDIR="$lib" \
			BOXCAR_ROOT=/var/lib/boxcar BOXCAR_PULL=y BOXCAR_GZIP=y BOXCAR_ZSTD=n \
			BOXCAR_LAYER_CREATE=y \
			BOXCAR_DEP_ARCHIVES="$lib/liblz4.a $lib/libbearssl.a $lib/libz.a" \
			BOXCAR_INIT_TARGETS="install-systemd install-sysv"
		oemake=$(var EXTRA_OEMAKE < "$bb" | expand) || exit 1
		for t in do_configure do_compile do_install; do
			body=$(task "$t" < "$bb" | expand) || exit 1
			[ -n "$body" ] || { echo "$bb: no $t"; exit 1; }
			echo "+ $t"
			(cd "$B" && env -u MAKEFLAGS -u MFLAGS sh -ec "
				oe_runmake() { eval \"$MAKE $jobs \$EXTRA_OEMAKE \\\"\\\$@\\\"\"; }
				EXTRA_OEMAKE=\$1; shift
				$body" sh "$oemake") || exit 1
		done
	) > "$st/log" 2>&1
}

build_openwrt() {
	top=$st/topdir
	mkdir -p "$top/include" "$st/build_dir"
	cat > "$top/rules.mk" <<EOF
# The least of OpenWrt's rules.mk the package needs.
INCLUDE_DIR := $top/include
BUILD_DIR := $st/build_dir
STAGING_DIR := $st/staging
TARGET_CROSS := $cross
TARGET_CC := ${cross}gcc
TARGET_AR := ${cross}ar
TARGET_CFLAGS := -Os
TARGET_CPPFLAGS := -I$st/staging/usr/include
TARGET_LDFLAGS := -L$st/staging/usr/lib
INSTALL_DIR := install -d -m0755
CP := cp -fpR
EOF

	cat > "$top/include/package.mk" <<EOF
# The least of OpenWrt's package.mk: the build steps in order, the
# package's files into \$(1) as they would go into its .ipk.
PKG_BUILD_DIR ?= \$(BUILD_DIR)/\$(PKG_NAME)-\$(PKG_VERSION)
define BuildPackage
all: \$\$(PKG_BUILD_DIR)/.installed
\$\$(PKG_BUILD_DIR)/.installed:
	\$\$(Build/Prepare)
	\$\$(Build/Configure)
	\$\$(Build/Compile)
	\$\$(call Package/\$(1)/install,$st/target)
	printf '%s\n' \$\$(strip \$\$(Package/\$(1)/conffiles)) > $st/conffiles
	touch \$\$@
endef
EOF

	env -u MAKEFLAGS -u MFLAGS "$MAKE" $jobs -C "$contrib/openwrt/boxcar" TOPDIR="$top" \
		> "$st/log" 2>&1
}

# verify ARCH RECIPE ROOT INIT: what the recipe installed under ROOT.
verify() {
	bin=$3/usr/bin/boxcar
	case $1 in
	aarch64) machine=AArch64 ;;
	armv7) machine=ARM ;;
	mipsel) machine=MIPS ;;
	*) machine=X86-64 ;;
	esac
	check "$2 $1: /usr/bin/boxcar, static, for $machine" sh -c "
		readelf -h '$bin' | grep -q 'Machine: *.*$machine' || { readelf -h '$bin'; exit 1; }
		! readelf -l '$bin' | grep -q INTERP || { echo 'has a program interpreter'; exit 1; }
		readelf -d '$bin' 2>&1 | grep -q 'no dynamic section' || { echo 'dynamic'; exit 1; }"
	check "$2 $1: a boxcar-NAME link to boxcar for each applet" sh -c "
		[ -n '$applets' ] || { echo 'no applet table'; exit 1; }
		for a in $applets; do
			[ \"\$(readlink '$3/usr/bin/boxcar-'\$a)\" = boxcar ] || { echo \"no boxcar-\$a\"; exit 1; }
		done
		[ \"\$(readlink '$3/usr/bin/nsenter')\" = boxcar ]"
	check "$2 $1: $4, BINDIR filled in" sh -c "
		test -f '$3$4' && ! grep -q @BINDIR@ '$3$4' && grep -q /usr/bin/boxcar '$3$4' &&
		case '$4' in *.service) ;; *) test -x '$3$4' && sh -n '$3$4' ;; esac"
}

for arch in $archs; do
	cross=$(sed -n 's/^CONFIG_CROSS_COMPILE="\(.*\)"$/\1/p' "$src/configs/${arch}_defconfig")
	# The libraries, built once per arch in the dir test-qemu uses.
	o=$src/build/cross/$arch
	mkdir -p "$o"
	[ -f "$o/.config" ] || "$MAKE" -s -f "$src/Makefile" O="$o" KCONFIG_CONFIG="$o/.config" \
		"${arch}_defconfig" > /dev/null
	if ! "$MAKE" -s -f "$src/Makefile" O="$o" KCONFIG_CONFIG="$o/.config" \
		DEPS_SRC="$src/build/deps/src" deps > "$work/deps-$arch.log" 2>&1; then
		fail "$arch: the libraries (lz4, bearssl, zlib) for staging"
		sed 's/^/  /' "$work/deps-$arch.log" | tail -n 20
		continue
	fi
	triplet=$($cross"gcc" -dumpmachine | sed 's/-gnu/-musl/')
	depsdir=$o/build/deps/$triplet
	applets=
	for recipe in $recipes; do
		stage "$arch" "$recipe"
		if "build_$recipe"; then
			pass "$recipe $arch: the recipe's build and install commands"
		else
			fail "$recipe $arch: the recipe's build and install commands"
			tail -n 30 "$st/log" | sed 's/^/  /'
			continue
		fi
		# the applets of that build, from the table it generated
		applets=$(sed -n 's/^\t{ "\([a-z]*\)",.*/\1/p' $(find "$st" -path '*/build/gen/applets.h' | head -n 1) | tr '\n' ' ')
		case $recipe in
		buildroot)
			verify "$arch" "$recipe" "$st/target" /etc/init.d/S95boxcar
			verify "$arch" "$recipe" "$st/target" /usr/lib/systemd/system/boxcar-restart.service
			check "buildroot $arch: the config fragment's line is in the build" \
				sh -c "! ls '$st/target/usr/bin/boxcar-top' 2>/dev/null"
			;;
		yocto)
			verify "$arch" "$recipe" "$st/target" /etc/init.d/boxcar
			verify "$arch" "$recipe" "$st/target" /usr/lib/systemd/system/boxcar-restart.service
			;;
		openwrt)
			verify "$arch" "$recipe" "$st/target" /etc/init.d/boxcar
			check "openwrt $arch: procd script, conffiles installed, store in /opt/boxcar" sh -c "
				head -n 1 '$st/target/etc/init.d/boxcar' | grep -qx '#!/bin/sh /etc/rc.common' &&
				for f in \$(cat '$st/conffiles'); do test -f '$st/target'\$f || exit 1; done &&
				grep -q \"option root '/opt/boxcar'\" '$st/target/etc/config/boxcar' &&
				grep -q /opt/boxcar '$st/target/usr/bin/boxcar'"
			;;
		esac
	done
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
