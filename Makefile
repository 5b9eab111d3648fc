# veer: top-level build.
#
#   make                  module for every installed kernel + userspace
#   make check            install what is needed, build, run every test
#   make demo             install what is needed, build, run the demo guest
#   make install          module (for KVER) + userspace into DESTDIR/PREFIX
#   make dkms-install     register, build and install the module with DKMS
#   make style            checkpatch, sparse and W=1 on the module
#   make clean
#
# KDIR=path builds the module against one kernel tree only; KVER picks the
# installed kernel for install.  DESTDIR and PREFIX work as usual.
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
B := $(TOP)/build

# Kernels with headers; KDIR overrides with exactly one tree.
ifeq ($(strip $(KDIR)),)
KDIRS := $(sort $(wildcard /lib/modules/*/build))
else
KDIRS := $(abspath $(KDIR))
endif
KVER ?= $(shell uname -r)

KMOD_SRC := $(wildcard $(TOP)/kmod/*.c $(TOP)/kmod/*.h) $(TOP)/uapi/linux/veer.h $(TOP)/Kbuild

all: modules userspace

# The module is built once per kernel in build/kmod/<release>/, a tree of
# symlinks to the sources, so that objects of different kernels never mix.
modules: $(KMOD_SRC)
	@set -e; for kdir in $(KDIRS); do \
		rel=$$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' \
			$$kdir/include/generated/utsrelease.h); \
		$(TOP)/scripts/build-module.sh "$$kdir" "$(B)/kmod/$$rel" $(KMOD_FLAGS); \
	done

userspace:
	$(MAKE) -C $(TOP)/userspace O=$(B)/userspace
	@if [ -f $(TOP)/userspace/veerd/Makefile ]; then \
		$(MAKE) -C $(TOP)/userspace/veerd O=$(B)/veerd; fi

deps:
	$(TOP)/scripts/install-deps.sh

check: deps
	$(TOP)/tests/run-all.sh

# The guest selftests on the debug kernel (KASAN, lockdep, kmemleak).
check-debug: deps
	VEER_KERNELS=debug VEER_SKIP_STYLE=1 $(TOP)/tests/run-all.sh

demo: deps
	$(MAKE) -C $(TOP) all
	$(TOP)/tests/vm/run.sh --kver 6.1 --timeout 900 -- $(TOP)/scripts/demo.sh

style: deps
	$(TOP)/scripts/style.sh

install: all
	install -D -m 0644 $(B)/kmod/$(KVER)/veer.ko \
		$(DESTDIR)/lib/modules/$(KVER)/extra/veer.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	$(MAKE) -C $(TOP)/userspace O=$(B)/userspace install \
		DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	@if [ -f $(TOP)/userspace/veerd/Makefile ]; then \
		$(MAKE) -C $(TOP)/userspace/veerd O=$(B)/veerd install \
			DESTDIR=$(DESTDIR) PREFIX=$(PREFIX); fi

# DKMS wants the module's sources in /usr/src/<name>-<version>/.
dkms-install:
	$(TOP)/scripts/dkms.sh install $(VERSION)

dkms-remove:
	$(TOP)/scripts/dkms.sh remove $(VERSION)

clean:
	rm -rf $(B)

.PHONY: all modules userspace deps check check-debug demo style install dkms-install \
	dkms-remove clean
