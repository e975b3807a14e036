#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - "make demo": install what is needed, build mptmq for the newest
# Debian 6.1 kernel, boot it in QEMU with an LSI SAS1068 behind a
# PCIe-to-PCI bridge and a strict IOMMU and two disks, load the driver,
# list the host and disks, INQUIRY one disk, write and read back a pattern.
#
# Environment: MPT_DRIVER=mptsas demos the in-kernel reference driver
# instead of mptmq; MPT_MSI=on uses MSI; MPTMQ_DEMO_KERNEL=6.12 another kernel.

set -euo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/vmlib.sh"

bash "$DIR/../deps.sh"
VM_DRIVER=${MPT_DRIVER:-mptmq}
VM_MSI=${MPT_MSI:-off}
VM_BRIDGE=on
VM_IOMMU=on
VM_TIMEOUT=600
VM_KVER=$(vm_pick_kernel "${MPTMQ_DEMO_KERNEL:-6.1}")

if [[ $VM_DRIVER == mptmq ]]; then
	echo "demo: building mptmq for $VM_KVER"
	mkdir -p "$VM_OUT"
	if ! vm_build_module "$VM_KVER" >"$VM_OUT/demo-build.log" 2>&1; then
		tail -n 20 "$VM_OUT/demo-build.log"
		echo "demo: FAILED: mptmq does not build (log: $VM_OUT/demo-build.log)"
		echo "demo: MPT_DRIVER=mptsas make demo shows the in-kernel reference driver"
		exit 1
	fi
	VM_GUEST_ENV+=("MPTMQ_KO=$(vm_module_path "$VM_KVER")")
fi

vm_rundir_new "$VM_OUT/vm/demo"
vm_add_disk d0 raw 0 0 64M
vm_add_disk d1 raw 1 0 64M
echo "demo: booting $VM_KVER (TCG) with $VM_DRIVER, msi=$VM_MSI; this takes about a minute"
rc=0
vm_run bash "$DIR/demo-guest.sh" || rc=$?
cat "$VM_RUNDIR/guest.log" 2>/dev/null || true
echo
if ((rc == 0)); then
	echo "demo: PASSED: $VM_DRIVER drove the emulated LSI SAS1068 on $VM_KVER (VM ${VM_ELAPSED}s)"
else
	echo "demo: FAILED (status $rc); serial console: $VM_RUNDIR/serial.log"
	vm_serial_tail 20
	exit 1
fi
