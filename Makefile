# SPDX-License-Identifier: GPL-2.0
#
# mptmq: out-of-tree build and developer entry points.
#
#   make                    build mptmq.ko for the running kernel (or KDIR)
#   make install            modules_install into updates/ and depmod
#   make uninstall          remove the installed module and depmod
#   make dkms-install       put this tree under DKMS (/usr/src/mptmq-<version>) and
#                           build and install it for every installed kernel >= 6.1
#   make dkms-remove        remove it from DKMS again (every kernel, and the source)
#   make install-blacklist  install tools/modprobe.d/mptmq.conf: mptsas and mptspi are
#                           no longer autoloaded, so mptmq binds at boot (not by default!)
#   make uninstall-blacklist  remove it again
#   make install-tools      install tools/mptmq-bind into $(SBINDIR)
#   make demo               boot a QEMU VM with an emulated LSI SAS1068 behind a
#                           PCIe-to-PCI bridge and a strict IOMMU, load mptmq, use the disks
#   make check              every test: builds (W=1, sparse) per Debian kernel + the VM suite
#   make check-debug        the VM and EH suites on the debug kernel (KASAN, lockdep,
#                           DMA-API debugging, kmemleak, UBSAN; selftests/debug/,
#                           the kernel built once into ${MPTMQ_CACHE:-/var/cache/mptmq})
#   make fuzz               fuzz every harness of selftests/fuzz for FUZZ_SECONDS
#                           (default 60) each, niced; new corpus inputs and any
#                           crash land in selftests/fuzz/corpus/<harness>/
#   make bench              mptmq vs in-kernel mptsas vs virtio-scsi, one VM per kernel
#   make qemu               build (or find) the test QEMU (selftests/qemu/build.sh) in
#                           ${MPTMQ_CACHE:-/var/cache/mptmq}; prints its path last
#
# KERNELRELEASE and KDIR may be overridden, e.g.
#   make KERNELRELEASE=6.12.117+deb12-amd64
#   make KDIR=/usr/src/linux-headers-6.1.0-56-amd64
# DESTDIR, MODPROBE_D (/etc/modprobe.d) and SBINDIR (/usr/local/sbin) apply to
# the *-blacklist and *-tools targets.

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
MODDIR := drivers/scsi/mptmq
# Extra kbuild arguments, e.g. KBUILD_ARGS="W=1 C=2"
KBUILD_ARGS ?=
MODPROBE_D ?= /etc/modprobe.d
SBINDIR ?= /usr/local/sbin

.PHONY: all modules clean install uninstall check demo bench sparse help qemu fuzz check-debug
.PHONY: dkms-install dkms-remove install-blacklist uninstall-blacklist install-tools uninstall-tools

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_ARGS) modules

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 C=2 modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KERNELRELEASE)

uninstall:
	rm -f /lib/modules/$(KERNELRELEASE)/updates/$(MODDIR)/mptmq.ko* \
	      /lib/modules/$(KERNELRELEASE)/updates/mptmq.ko*
	depmod -a $(KERNELRELEASE)

dkms-install:
	bash selftests/dkms-setup.sh install

dkms-remove:
	bash selftests/dkms-setup.sh remove

install-blacklist:
	install -D -m 0644 tools/modprobe.d/mptmq.conf $(DESTDIR)$(MODPROBE_D)/mptmq.conf
	@echo "mptsas and mptspi are no longer loaded by alias; if your initramfs holds them,"
	@echo "run update-initramfs -u (see $(MODPROBE_D)/mptmq.conf)"

uninstall-blacklist:
	rm -f $(DESTDIR)$(MODPROBE_D)/mptmq.conf
	@echo "if you ran update-initramfs -u after install-blacklist, run it again"

install-tools:
	install -D -m 0755 tools/mptmq-bind $(DESTDIR)$(SBINDIR)/mptmq-bind

uninstall-tools:
	rm -f $(DESTDIR)$(SBINDIR)/mptmq-bind

check:
	bash selftests/check.sh

demo:
	bash selftests/vm/demo.sh

bench:
	bash selftests/bench/bench.sh

qemu:
	@bash selftests/qemu/build.sh

check-debug:
	bash selftests/debug/check.sh

FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C selftests/fuzz -k fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

help:
	@sed -n '3,/^$$/p' Makefile
