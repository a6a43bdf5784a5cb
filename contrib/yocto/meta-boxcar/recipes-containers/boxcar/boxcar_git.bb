SUMMARY = "Containers for embedded Linux in one static binary"
DESCRIPTION = "boxcar pulls images, stores layers as LZ4 archives and runs \
containers in namespaces and cgroups on overlayfs, with no daemon: a \
detached container has a small monitor process of its own."
SECTION = "console/utils"
# No license file in the tree yet: set LICENSE and LIC_FILES_CHKSUM when
# it has one.
LICENSE = "CLOSED"

# Where the source comes from: set BOXCAR_GIT_URI (and SRCREV) in
# local.conf, or build a checkout in place with
#   INHERIT += "externalsrc"
#   EXTERNALSRC:pn-boxcar = "/path/to/boxcar"
BOXCAR_GIT_URI ??= "git://localhost/boxcar.git;protocol=file;branch=main"
SRC_URI = "${BOXCAR_GIT_URI}"
SRCREV ??= "${AUTOREV}"
PV = "0.1.0+git"
S = "${WORKDIR}/git"
# Out of tree: the Makefile builds in its O= (the current directory).
B = "${WORKDIR}/build"

DEPENDS = "lz4 bearssl"
PACKAGECONFIG ??= "pull gzip layer-create"
PACKAGECONFIG[pull] = ",,"
PACKAGECONFIG[gzip] = ",,zlib"
PACKAGECONFIG[zstd] = ",,zstd"
PACKAGECONFIG[layer-create] = ",,"

# boxcar links statically against musl and these libraries' .a files:
# with glibc it is not built (set TCLIBC = "musl"), and the libraries'
# static archives must be built (OE's DISABLE_STATIC drops some; see
# contrib/yocto/README.md).
python () {
    if d.getVar('TCLIBC') != 'musl':
        raise bb.parse.SkipRecipe('boxcar is a static musl binary: set TCLIBC = "musl"')
}

BOXCAR_ROOT ??= "/var/lib/boxcar"
BOXCAR_PULL = "${@bb.utils.contains('PACKAGECONFIG', 'pull', 'y', 'n', d)}"
BOXCAR_GZIP = "${@bb.utils.contains('PACKAGECONFIG', 'gzip', 'y', 'n', d)}"
BOXCAR_ZSTD = "${@bb.utils.contains('PACKAGECONFIG', 'zstd', 'y', 'n', d)}"
BOXCAR_LAYER_CREATE = "${@bb.utils.contains('PACKAGECONFIG', 'layer-create', 'y', 'n', d)}"
BOXCAR_DEP_ARCHIVES = "${STAGING_LIBDIR}/liblz4.a ${STAGING_LIBDIR}/libbearssl.a \
    ${@bb.utils.contains('PACKAGECONFIG', 'gzip', '${STAGING_LIBDIR}/libz.a', '', d)} \
    ${@bb.utils.contains('PACKAGECONFIG', 'zstd', '${STAGING_LIBDIR}/libzstd.a', '', d)}"
BOXCAR_INIT_TARGETS = "${@bb.utils.contains('DISTRO_FEATURES', 'systemd', 'install-systemd', '', d)} \
    ${@bb.utils.contains('DISTRO_FEATURES', 'sysvinit', 'install-sysv', '', d)}"

EXTRA_OEMAKE = "-f ${S}/Makefile \
    CROSS_COMPILE='${TARGET_PREFIX}' CC='${CC}' AR='${AR}' STRIP='${STRIP}' \
    CFLAGS='${CFLAGS}' LDFLAGS='${LDFLAGS}' DEP_ARCHIVES='${BOXCAR_DEP_ARCHIVES}' \
    PREFIX='${prefix}' BINDIR='${bindir}' SYSCONFDIR='${sysconfdir}' \
    SYSTEMDUNITDIR='${systemd_system_unitdir}'"

# A few .config lines; the build gives the others their Kconfig defaults
# (scripts/kconfig-defaults.sh: no kconfiglib needed).
do_configure() {
	printf '%s\n' \
		'CONFIG_CROSS_COMPILE="${TARGET_PREFIX}"' \
		'CONFIG_DEFAULT_ROOT="${BOXCAR_ROOT}"' \
		'CONFIG_RUNTIME_DIR="/run/boxcar"' \
		'CONFIG_APPLET_PULL=${BOXCAR_PULL}' \
		'CONFIG_FEATURE_TLS=${BOXCAR_PULL}' \
		'CONFIG_FEATURE_GZIP=${BOXCAR_GZIP}' \
		'CONFIG_FEATURE_ZSTD=${BOXCAR_ZSTD}' \
		'CONFIG_FEATURE_LAYER_CREATE=${BOXCAR_LAYER_CREATE}' \
		'CONFIG_APPLET_COMMIT=${BOXCAR_LAYER_CREATE}' \
		> ${B}/.config
}

do_compile() {
	oe_runmake
}

# The binary, its boxcar-NAME links, and the boot script of the init
# system: the containers whose restart policy says so come back at boot.
do_install() {
	oe_runmake DESTDIR='${D}' install ${BOXCAR_INIT_TARGETS}
}

inherit systemd update-rc.d
SYSTEMD_SERVICE:${PN} = "boxcar-restart.service"
INITSCRIPT_NAME = "boxcar"
INITSCRIPT_PARAMS = "start 95 2 3 4 5 ."

# A static binary: nothing to split out, nothing for the shlib scanner.
INSANE_SKIP:${PN} += "already-stripped"
