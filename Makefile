# boxcar - containers for embedded Linux in one static binary.
#
#   make defconfig && make       build ./boxcar for this machine (static, musl)
#   make aarch64_defconfig all   cross-build (see configs/)
#   make menuconfig | oldconfig | olddefconfig | savedefconfig
#   make test                    the host test suite
#   make test-qemu ARCH=aarch64  the same suite on a Debian kernel under QEMU
#   make check                   test + test-qemu on every cross target
#   make size | fuzz | install | clean | distclean | help
#   make baseline, then make bloat  what a change added, symbol by symbol
#   make size-budget             every defconfig within configs/size-budget
#   make install-systemd | install-sysv | install-procd
#                                the boot recipe for that init system
#                                (contrib/init/, docs/containers.md)
#   make packaging-check         stage the buildroot, Yocto and OpenWrt
#                                recipes' builds (contrib/, README)
#
# Honoured: CROSS_COMPILE CC AR STRIP CFLAGS LDFLAGS V=1 O=DIR WERROR=1
# DESTDIR PREFIX BINDIR SYSCONFDIR INITDIR INITSCRIPT SYSTEMDUNITDIR.
# Only make, a C compiler, sh and awk are needed to build
# from an existing .config; the menu tools use python3-kconfiglib.

SRCDIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
O ?= $(CURDIR)
override O := $(abspath $(O))
B := $(O)/build
GEN := $(B)/gen
KCONFIG_CONFIG ?= $(O)/.config
export KCONFIG_CONFIG
export srctree := $(SRCDIR)
export BOXCAR_GEN := $(GEN)

# kconfiglib lives in Debian's python3, which may not be first in PATH.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
KCONFIGLIB = cd $(SRCDIR) && $(PYTHON) -m

ifeq ($(V),1)
Q :=
else
Q := @
endif
msg = $(if $(Q),@printf '  %-8s %s\n' '$(1)' '$(patsubst $(O)/%,%,$(2))')

-include $(KCONFIG_CONFIG)
unquote = $(patsubst "%",%,$(1))

CROSS_COMPILE ?= $(call unquote,$(CONFIG_CROSS_COMPILE))
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
ifeq ($(origin AR),default)
AR := $(CROSS_COMPILE)ar
endif
STRIP ?= $(CROSS_COMPILE)strip
NM ?= $(CROSS_COMPILE)nm
HOSTCC ?= cc

# The target, named by its musl triplet. A glibc cross gcc links against
# Debian's musl-dev:ARCH through its specs file; a musl gcc needs nothing.
TRIPLET := $(shell $(CC) -dumpmachine 2>/dev/null)
ifneq ($(findstring musl,$(TRIPLET)),)
MUSL_TRIPLET := $(TRIPLET)
MUSL_FLAGS :=
else
MUSL_TRIPLET := $(subst -gnu,-musl,$(TRIPLET))
MUSL_SPECS ?= /usr/lib/$(MUSL_TRIPLET)/musl-gcc.specs
MUSL_FLAGS := -specs $(MUSL_SPECS)
endif
TARGET_CC := $(CC) $(MUSL_FLAGS)

# Dependencies, built from Debian's source packages per target.
DEPS_SRC := $(B)/deps/src
DEPS := $(B)/deps/$(MUSL_TRIPLET)
DEP_LIBS := lz4 bearssl
ifeq ($(CONFIG_FEATURE_GZIP),y)
DEP_LIBS += zlib
endif
ifeq ($(CONFIG_FEATURE_ZSTD),y)
DEP_LIBS += libzstd
endif
DEP_ARCHIVES := $(DEPS)/lib/liblz4.a $(DEPS)/lib/libbearssl.a \
	$(if $(filter zlib,$(DEP_LIBS)),$(DEPS)/lib/libz.a) \
	$(if $(filter libzstd,$(DEP_LIBS)),$(DEPS)/lib/libzstd.a)

# boxcar links static and not position-independent (-no-pie), so code
# compiled for PIE (Debian's gcc default) only costs size: GOT loads on
# mipsel and armv7, tables of pointers in writable .data.rel.ro. And
# musl's static start-up never write-protects RELRO (the page stays rw-
# in /proc/PID/maps), so PT_GNU_RELRO only costs padding, 60 KiB of it
# on aarch64. Neither drops a protection this build had.
CFLAGS ?= -Os -g
BOXCAR_CFLAGS := -std=gnu11 -Wall -Wextra -Wno-unused-parameter -fno-pie \
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -D_GNU_SOURCE -I$(GEN) -I$(SRCDIR)/core -I$(DEPS)/include \
	$(call unquote,$(CONFIG_EXTRA_CFLAGS))
ifeq ($(WERROR),1)
BOXCAR_CFLAGS += -Werror
endif
# core/vfprintf.c replaces musl's (no floating point), core/open.c musl's
# open (no fcntl after it): named undefined so the link takes them from
# libcore.a before libc's printf or opendir asks for one.
BOXCAR_LDFLAGS := -static -no-pie -Wl,--gc-sections -Wl,-z,norelro -Wl,--undefined=vfprintf \
	-Wl,--undefined=open
DEP_CFLAGS := -Os -fno-pie -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	$(call unquote,$(CONFIG_EXTRA_CFLAGS))

# Configuration goals must not try to generate what needs a .config.
CONFIG_ONLY := $(if $(MAKECMDGOALS),$(if $(filter-out %config help clean distclean install-systemd \
	install-sysv install-procd packaging-check,$(MAKECMDGOALS)),,y))
ifneq ($(CONFIG_ONLY),y)
-include $(GEN)/applets.mk
endif
CORE_SRCS := $(sort $(wildcard $(SRCDIR)/core/*.c))
CORE_OBJS := $(patsubst $(SRCDIR)/%.c,$(B)/obj/%.o,$(CORE_SRCS))
APPLET_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(APPLET_SRCS))
UNIT_SRCS := $(sort $(wildcard $(SRCDIR)/tests/unit/*.c))
UNIT_BINS := $(patsubst $(SRCDIR)/tests/unit/%.c,$(B)/tests/unit/%,$(UNIT_SRCS))
SEC_SRCS := $(sort $(wildcard $(SRCDIR)/tests/security/*.c))
SEC_BINS := $(patsubst $(SRCDIR)/tests/security/%.c,$(B)/tests/security/%,$(SEC_SRCS))

.PHONY: all help clean distclean deps test test-ash test-qemu check size fuzz \
	baseline bloat size-budget install install-systemd install-sysv install-procd \
	packaging-check menuconfig oldconfig olddefconfig savedefconfig defconfig \
	allnoconfig allyesconfig tests FORCE
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

all: $(O)/boxcar

help:
	@sed -n '2,/^$$/s/^# \{0,1\}//p' $(SRCDIR)/Makefile
	@echo "Defconfigs:"; ls $(SRCDIR)/configs | sed 's/^/  /'

# ---- configuration -------------------------------------------------------

HOSTARCH := $(shell uname -m | sed -e 's/^armv7.*/armv7/' -e 's/^arm64$$/aarch64/' \
	-e 's/^mips$$/mipsel/')

$(GEN)/Kconfig.applets: $(SRCDIR)/scripts/gen-applets.sh $(wildcard $(SRCDIR)/applets/*.c)
	$(Q)$(SRCDIR)/scripts/gen-applets.sh kconfig $(SRCDIR) $(GEN)

KCONFIG_FILES := $(SRCDIR)/Kconfig $(GEN)/Kconfig.applets

defconfig: $(HOSTARCH)_defconfig

%_defconfig: $(GEN)/Kconfig.applets
	@test -f $(SRCDIR)/configs/$@ || { echo "no configs/$@" >&2; exit 1; }
	$(Q)$(KCONFIGLIB) defconfig --kconfig Kconfig configs/$@ >/dev/null
	@echo "configured for $* ($(KCONFIG_CONFIG))"

menuconfig oldconfig olddefconfig allnoconfig allyesconfig: $(GEN)/Kconfig.applets
	$(Q)$(KCONFIGLIB) $@ Kconfig

savedefconfig: $(GEN)/Kconfig.applets
	$(Q)$(KCONFIGLIB) savedefconfig --kconfig Kconfig --out $(O)/defconfig
	@echo "wrote $(O)/defconfig"

# A .config older than the Kconfig files gets the new symbols' defaults:
# kconfiglib's olddefconfig, or without it scripts/kconfig-defaults.sh
# (sh and awk), so a package recipe may write just the lines it sets.
# The generators only rewrite files whose contents change, so a stamp
# records that they ran.
$(GEN)/config.stamp: $(KCONFIG_FILES) $(wildcard $(KCONFIG_CONFIG)) \
		$(SRCDIR)/scripts/gen-config.sh $(SRCDIR)/scripts/gen-applets.sh \
		$(SRCDIR)/scripts/kconfig-defaults.sh \
		$(wildcard $(SRCDIR)/applets/*.c)
	@test -f $(KCONFIG_CONFIG) || { echo "no $(KCONFIG_CONFIG): run 'make defconfig' (or make help)" >&2; exit 1; }
	$(Q)if $(PYTHON) -c 'import kconfiglib' 2>/dev/null; then \
		$(KCONFIGLIB) olddefconfig Kconfig >/dev/null; \
	else $(SRCDIR)/scripts/kconfig-defaults.sh $(KCONFIG_CONFIG) $(KCONFIG_FILES); fi
	$(call msg,GEN,$(GEN)/config.h applets.h)
	$(Q)$(SRCDIR)/scripts/gen-config.sh $(KCONFIG_CONFIG) $(GEN)/config.h $(KCONFIG_FILES)
	$(Q)$(SRCDIR)/scripts/gen-applets.sh table $(SRCDIR) $(KCONFIG_CONFIG) $(GEN)
	$(Q)touch $@

$(GEN)/config.h $(GEN)/applets.h $(GEN)/applets.mk $(GEN)/usage_text.h: $(GEN)/config.stamp
	@:

# The usage texts packed by a host tool (scripts/usage-pack.c) built from
# the source of the decoder the build links anyway: zlib's deflate where
# FEATURE_GZIP links inflate (a third of the text's size), else liblz4's
# HC (40%). The tool's name says which, so a config change rebuilds it.
dep_src = $(DEPS_SRC)/$(1)-$$(awk '$$1 == "$(1)" { sub(/^[0-9]+:/, "", $$2); print $$2 }' \
	$(SRCDIR)/scripts/deps.lock)
USAGE_PACK := $(B)/host/usage-pack-$(if $(filter zlib,$(DEP_LIBS)),deflate,lz4)
$(B)/host/usage-pack-lz4: $(SRCDIR)/scripts/usage-pack.c | $(DEPS)/lib/liblz4.a
	$(call msg,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)lz4=$(call dep_src,lz4)/lib && \
		$(HOSTCC) -O2 -I$$lz4 -o $@ $< $$lz4/lz4.c $$lz4/lz4hc.c
$(B)/host/usage-pack-deflate: $(SRCDIR)/scripts/usage-pack.c | $(DEPS)/lib/libz.a
	$(call msg,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)z=$(call dep_src,zlib) && $(HOSTCC) -O2 -DPACK_DEFLATE -I$$z -o $@ $< \
		$$z/deflate.c $$z/trees.c $$z/adler32.c $$z/crc32.c $$z/zutil.c

$(GEN)/usage_pack.h: $(GEN)/usage_text.h $(GEN)/config.stamp $(USAGE_PACK)
	$(call msg,GEN,$@)
	$(Q)$(USAGE_PACK) < $< > $@.tmp && mv $@.tmp $@

$(B)/obj/core/multicall.o: $(GEN)/usage_pack.h

# ---- dependencies (Debian source packages) -------------------------------

deps: $(DEP_ARCHIVES)

$(DEPS)/lib/lib%.a: $(SRCDIR)/scripts/deps.sh $(SRCDIR)/scripts/deps.lock
	$(Q)$(SRCDIR)/scripts/deps.sh --cc "$(TARGET_CC)" --ar "$(AR)" \
		--cflags "$(DEP_CFLAGS)" --src $(DEPS_SRC) --out $(DEPS) $(if $(filter z,$*),zlib,$(if $(filter zstd,$*),libzstd,$*))

# ---- compiling -----------------------------------------------------------

$(B)/obj/%.o: $(SRCDIR)/%.c $(GEN)/config.h $(GEN)/applets.h | $(DEP_ARCHIVES)
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(TARGET_CC) $(BOXCAR_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/libcore.a: $(CORE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(O)/boxcar_unstripped: $(APPLET_OBJS) $(B)/libcore.a $(DEP_ARCHIVES)
	$(call msg,LINK,$@)
	$(Q)$(TARGET_CC) $(BOXCAR_CFLAGS) $(CFLAGS) $(BOXCAR_LDFLAGS) $(LDFLAGS) \
		-Wl,-Map=$(B)/boxcar.map -o $@ $(APPLET_OBJS) $(B)/libcore.a \
		-L$(DEPS)/lib $(addprefix -l,$(patsubst lib%,%,$(patsubst zlib,z,$(DEP_LIBS))))

$(O)/boxcar: $(O)/boxcar_unstripped
	$(call msg,STRIP,$@)
	$(Q)$(STRIP) -s -R .comment -R .note -o $@ $<

-include $(CORE_OBJS:.o=.d) $(APPLET_OBJS:.o=.d)

# ---- tests ---------------------------------------------------------------

# C unit tests for core/: one program per file, linked like boxcar.
$(B)/tests/unit/%: $(SRCDIR)/tests/unit/%.c $(SRCDIR)/tests/unit/unit.h $(B)/libcore.a \
		$(DEP_ARCHIVES)
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(TARGET_CC) $(BOXCAR_CFLAGS) $(CFLAGS) $(BOXCAR_LDFLAGS) $(LDFLAGS) -o $@ $< \
		$(B)/libcore.a -L$(DEPS)/lib $(addprefix -l,$(patsubst lib%,%,$(patsubst zlib,z,$(DEP_LIBS))))

# What tests/security.test puts into a hostile container: plain static
# programs for the target, without libcore.
$(B)/tests/security/%: $(SRCDIR)/tests/security/%.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(TARGET_CC) -std=gnu11 -Wall -Wextra -Os -static $(LDFLAGS) -o $@ $<

tests: $(O)/boxcar $(UNIT_BINS) $(SEC_BINS)

TEST_ENV = BOXCAR=$(O)/boxcar BOXCAR_CONFIG=$(KCONFIG_CONFIG) UNITDIR=$(B)/tests/unit \
	SECDIR=$(B)/tests/security

# The host suite; ends with "N passed, N failed, N skipped".
test: tests
	$(Q)$(TEST_ENV) sh $(SRCDIR)/tests/run.sh $(TESTS)

# The same suite under busybox ash, as it runs on the boards.
test-ash: tests
	$(Q)$(TEST_ENV) TEST_SHELL="busybox sh" busybox sh $(SRCDIR)/tests/run.sh $(TESTS)

# Cross-build for ARCH in its own build dir, boot Debian's kernel for it
# under QEMU with an initramfs holding boxcar and the suite, run it there.
QEMU_ARCHS := aarch64 armv7 mipsel
test-qemu:
	@test -n "$(ARCH)" || { echo "usage: make test-qemu ARCH=aarch64|armv7|mipsel" >&2; exit 1; }
	$(Q)$(MAKE) -f $(SRCDIR)/Makefile O=$(B)/cross/$(ARCH) \
		KCONFIG_CONFIG=$(B)/cross/$(ARCH)/.config $(ARCH)_defconfig >/dev/null
	$(Q)$(MAKE) -f $(SRCDIR)/Makefile O=$(B)/cross/$(ARCH) \
		KCONFIG_CONFIG=$(B)/cross/$(ARCH)/.config DEPS_SRC=$(DEPS_SRC) tests
	$(Q)$(SRCDIR)/scripts/qemu-test.sh $(ARCH) $(B)/cross/$(ARCH) $(B)/qemu

# Everything: host suite and every QEMU target, one closing line.
check:
	$(Q)KCONFIG_CONFIG=$(KCONFIG_CONFIG) $(SRCDIR)/scripts/check.sh $(MAKE) -f $(SRCDIR)/Makefile O=$(O)

size: $(O)/boxcar
	$(Q)$(SRCDIR)/scripts/size.sh $(O)/boxcar $(B)/boxcar.map

# Symbol by symbol against BASE (an unstripped boxcar; by default the one
# make baseline kept): build, make baseline, change, make bloat.
BASE ?= $(B)/boxcar_unstripped.base
baseline: $(O)/boxcar_unstripped
	$(Q)cp $< $(B)/boxcar_unstripped.base
	@echo "kept $(B)/boxcar_unstripped.base for make bloat"

bloat: $(O)/boxcar_unstripped
	$(Q)$(SRCDIR)/scripts/bloat.sh $(BASE) $< $(NM)

# Each defconfig in configs/size-budget, built under build/sizes, within
# its budget; part of make check. SIZE_CONFIGS= picks some.
size-budget:
	$(Q)$(SRCDIR)/scripts/size-budget.sh $(SRCDIR)/configs/size-budget $(SIZE_CONFIGS)

# libFuzzer targets (clang, host glibc build with ASan/UBSan).
fuzz:
	$(Q)$(SRCDIR)/scripts/fuzz.sh $(SRCDIR) $(B)/fuzz $(or $(FUZZ_SECONDS),20)

# ---- install -------------------------------------------------------------

PREFIX ?= /usr
BINDIR ?= $(PREFIX)/bin
install: $(O)/boxcar
	$(Q)$(SRCDIR)/scripts/install.sh $(O)/boxcar "$(DESTDIR)$(BINDIR)" $(GEN)/applets.h \
		$(KCONFIG_CONFIG)

# The boot recipes: boxcar has no daemon, so an init script starts the
# containers whose restart policy wants them back (contrib/init/). One
# per init system, for the package recipes to pick (contrib/); none is
# part of `make install`, which cannot know the board's init.
SYSCONFDIR ?= /etc
INITDIR ?= $(SYSCONFDIR)/init.d
INITSCRIPT ?= boxcar
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# install_init SRC DEST MODE: SRC with @BINDIR@ replaced
install_init = mkdir -p "$(dir $(2))" && sed 's|@BINDIR@|$(BINDIR)|g' $(SRCDIR)/contrib/init/$(1) \
	> "$(2).tmp" && chmod $(3) "$(2).tmp" && mv "$(2).tmp" "$(2)" && echo "installed $(2)"

install-systemd:
	$(Q)$(call install_init,boxcar-restart.service,$(DESTDIR)$(SYSTEMDUNITDIR)/boxcar-restart.service,0644)

install-sysv:
	$(Q)$(call install_init,boxcar.sysv,$(DESTDIR)$(INITDIR)/$(INITSCRIPT),0755)

install-procd:
	$(Q)$(call install_init,boxcar.procd,$(DESTDIR)$(INITDIR)/boxcar,0755)
	$(Q)$(call install_init,boxcar.config,$(DESTDIR)$(SYSCONFDIR)/config/boxcar,0644)

# Each package recipe's build and install commands, run into a staging
# dir with this project's cross toolchains (scripts/packaging-check.sh).
packaging-check:
	$(Q)$(SRCDIR)/scripts/packaging-check.sh $(SRCDIR) $(B)/packaging

clean:
	rm -rf $(B)/obj $(B)/gen $(B)/host $(B)/libcore.a $(B)/boxcar.map $(B)/tests $(B)/fuzz \
		$(O)/boxcar $(O)/boxcar_unstripped $(B)/cross

# distclean also drops the dependency sources and libraries and the QEMU kit.
distclean: clean
	rm -rf $(B) $(KCONFIG_CONFIG) $(KCONFIG_CONFIG).old
