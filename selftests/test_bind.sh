#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_bind.sh - tools/mptmq-bind moves the controller between the in-kernel
# mptsas and mptmq, both ways, twice, and every manifest disk appears (and
# reads) under whichever driver owns it; "status" tells the truth after each
# move; a non-LSI function is refused and left alone.  Needs both modules:
# mptsas from the kernel, mptmq from MPTMQ_KO or installed (DKMS).  The
# driver under test owns the controller again at the end.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

# disks_read - every manifest disk has its nodes and its first 64 KiB read.
disks_read()
{
	local d blk
	wait_for 60 mpt_disks_ready || { echo "not every disk appeared within 60 s"; return 1; }
	for d in "${MPT_DISKS[@]}"; do
		blk=$(disk_block "$d") || return 1
		dd if="$blk" of=/dev/null bs=64k count=1 iflag=direct status=none ||
			{ echo "$d: cannot read $blk"; return 1; }
		echo "$d: $(disk_hctl "$d") $blk"
	done
}

# move CMD DRIVER - "mptmq-bind CMD <bdf>" succeeds, the function is bound
# to DRIVER, status says so, and every disk appears under DRIVER.
move()
{
	local out rc=0
	out=$(sh "$BIND" "$1" "$BDF" 2>&1) || rc=$?
	echo "mptmq-bind $1 $BDF: status $rc"
	echo "$out"
	((rc == 0)) || return 1
	[[ $(pci_driver) == "$2" ]] || { echo "bound to $(pci_driver), expected $2"; return 1; }
	sh "$BIND" status "$BDF" | tee /dev/stderr | grep -qE "^$BDF +0x[0-9a-f]{4} +[^ ]+ +$2 " ||
		{ echo "status does not show $2"; return 1; }
	as_driver "$2" disks_read
}

# refuse_other - a non-LSI function (the host bridge) is refused with exit
# status 2 and keeps its driver.
refuse_other()
{
	local other before rc=0
	other=$(find /sys/bus/pci/devices -mindepth 1 -maxdepth 1 | sort | head -n 1)
	other=${other##*/}
	before=$(readlink "/sys/bus/pci/devices/$other/driver")
	sh "$BIND" mptmq "$other" || rc=$?
	echo "mptmq-bind mptmq $other: status $rc (expected 2)"
	((rc == 2)) && [[ $(readlink "/sys/bus/pci/devices/$other/driver") == "$before" ]] &&
		[[ $(<"/sys/bus/pci/devices/$other/driver_override") == "(null)" ]]
}

# restore - the driver under test owns the controller again, no override
# is left behind, the other driver is unloaded.
restore()
{
	if [[ $MPT_DRIVER == mptsas ]]; then
		sh "$BIND" reset "$BDF" || return 1
		[[ -d /sys/module/mptmq ]] && { rmmod mptmq || return 1; }
	else
		sh "$BIND" mptmq "$BDF" || return 1
		echo >"$PCI_DEV/driver_override"
		modprobe -r mptsas mptscsih mptbase || return 1
	fi
	[[ $(pci_driver) == "$MPT_DRIVER" ]] && wait_for 60 mpt_disks_ready
}

mpt_load_manifest
PCI_DEV=$(mpt_pci_dev) || ktap_skip_all "no LSI SAS1068 PCI function (1000:0054)"
BDF=${PCI_DEV##*/}
BIND=$(bind_tool) || ktap_skip_all "tools/mptmq-bind not found (set MPTMQ_BIND)"
modinfo mptsas >/dev/null 2>&1 || ktap_skip_all "no mptsas module for $(uname -r)"
[[ $MPT_DRIVER == mptmq ]] || modinfo mptmq >/dev/null 2>&1 ||
	ktap_skip_all "mptmq is neither the driver under test nor installed"
ktap_print_header
ktap_set_plan 7
ktap_print_msg "controller $BDF, tool $BIND, driver under test $MPT_DRIVER"

# Start from the suite's state: the driver under test owns the controller.
ktap_check load_driver mpt_require_driver
ktap_check to_mptsas move reset mptsas
ktap_check to_mptmq move mptmq mptmq
ktap_check back_to_mptsas move reset mptsas
ktap_check back_to_mptmq move mptmq mptmq
ktap_check refuse_non_lsi refuse_other
ktap_check restore restore
ktap_finished
