# SPDX-License-Identifier: GPL-2.0
#
# mptmq: out-of-tree build and developer entry points.
#
#   make                    build mptmq.ko for the running kernel (or KDIR)
#   make install            modules_install into updates/ and depmod
#   make uninstall          remove the installed module and depmod
#   make demo               boot a QEMU VM with an emulated LSI SAS1068 behind a
#                           PCIe-to-PCI bridge and a strict IOMMU, load mptmq, use the disks
#   make check              every test: builds (W=1, sparse) per Debian kernel + the VM suite
#   make bench              mptmq vs in-kernel mptsas vs virtio-scsi, one VM per kernel
#
# KERNELRELEASE and KDIR may be overridden, e.g.
#   make KERNELRELEASE=6.12.117+deb12-amd64
#   make KDIR=/usr/src/linux-headers-6.1.0-56-amd64

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
MODDIR := drivers/scsi/mptmq
# Extra kbuild arguments, e.g. KBUILD_ARGS="W=1 C=2"
KBUILD_ARGS ?=

.PHONY: all modules clean install uninstall check demo bench sparse help

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

check:
	bash selftests/check.sh

demo:
	bash selftests/vm/demo.sh

bench:
	bash selftests/bench/bench.sh

help:
	@sed -n '3,17p' Makefile
