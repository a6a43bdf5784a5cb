################################################################################
#
# boxcar
#
################################################################################

# Built from the tree this BR2_EXTERNAL lives in (contrib/buildroot). For
# another checkout, BOXCAR_OVERRIDE_SRCDIR in local.mk.
BOXCAR_VERSION = 0.1.0
BOXCAR_SITE = $(BR2_EXTERNAL_BOXCAR_PATH)/../..
BOXCAR_SITE_METHOD = local
BOXCAR_DEPENDENCIES = lz4 bearssl

# Buildroot's libraries from staging, not the ones boxcar's own build
# would make from Debian's source packages.
BOXCAR_DEP_ARCHIVES = $(STAGING_DIR)/usr/lib/liblz4.a $(STAGING_DIR)/usr/lib/libbearssl.a

BOXCAR_KCONFIG = \
	CONFIG_CROSS_COMPILE="$(TARGET_CROSS)" \
	CONFIG_DEFAULT_ROOT="$(call qstrip,$(BR2_PACKAGE_BOXCAR_ROOT))" \
	CONFIG_RUNTIME_DIR="/run/boxcar" \
	CONFIG_APPLET_PULL=$(if $(BR2_PACKAGE_BOXCAR_PULL),y,n) \
	CONFIG_FEATURE_TLS=$(if $(BR2_PACKAGE_BOXCAR_PULL),y,n) \
	CONFIG_FEATURE_LAYER_CREATE=$(if $(BR2_PACKAGE_BOXCAR_LAYER_CREATE),y,n) \
	CONFIG_APPLET_COMMIT=$(if $(BR2_PACKAGE_BOXCAR_LAYER_CREATE),y,n) \
	CONFIG_FEATURE_GZIP=$(if $(BR2_PACKAGE_BOXCAR_GZIP),y,n) \
	CONFIG_FEATURE_ZSTD=$(if $(BR2_PACKAGE_BOXCAR_ZSTD),y,n)

ifeq ($(BR2_PACKAGE_BOXCAR_GZIP),y)
BOXCAR_DEPENDENCIES += zlib
BOXCAR_DEP_ARCHIVES += $(STAGING_DIR)/usr/lib/libz.a
endif
ifeq ($(BR2_PACKAGE_BOXCAR_ZSTD),y)
BOXCAR_DEPENDENCIES += zstd
BOXCAR_DEP_ARCHIVES += $(STAGING_DIR)/usr/lib/libzstd.a
endif

BOXCAR_MAKE_OPTS = \
	CROSS_COMPILE="$(TARGET_CROSS)" \
	CFLAGS="$(TARGET_CFLAGS) -I$(STAGING_DIR)/usr/include" \
	LDFLAGS="$(TARGET_LDFLAGS) -L$(STAGING_DIR)/usr/lib" \
	DEP_ARCHIVES="$(BOXCAR_DEP_ARCHIVES)" \
	DESTDIR="$(TARGET_DIR)" PREFIX=/usr

BOXCAR_CONFIG_FRAGMENT = $(call qstrip,$(BR2_PACKAGE_BOXCAR_CONFIG_FRAGMENT))

# A few .config lines; the build gives the others their Kconfig defaults
# (scripts/kconfig-defaults.sh: no kconfiglib needed).
define BOXCAR_CONFIGURE_CMDS
	printf '%s\n' $(foreach l,$(BOXCAR_KCONFIG),'$(l)') > $(@D)/.config
	$(if $(BOXCAR_CONFIG_FRAGMENT),cat $(BOXCAR_CONFIG_FRAGMENT) >> $(@D)/.config)
endef

define BOXCAR_BUILD_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(BOXCAR_MAKE_OPTS)
endef

# The binary and its boxcar-NAME links in /usr/bin.
define BOXCAR_INSTALL_TARGET_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(BOXCAR_MAKE_OPTS) install
endef

define BOXCAR_INSTALL_INIT_SYSV
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(BOXCAR_MAKE_OPTS) INITSCRIPT=S95boxcar install-sysv
endef

define BOXCAR_INSTALL_INIT_SYSTEMD
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(BOXCAR_MAKE_OPTS) install-systemd
endef

$(eval $(generic-package))
