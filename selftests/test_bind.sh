#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_bind.sh - tools/mptmq-bind moves the controller between the in-kernel
# reference driver (mptsas on the mptsas1068, mptspi on the lsi53c1030:
# lib.sh mpt_hba_fact reference) and mptmq, both ways, twice, and every
# manifest disk appears (and reads) under whichever driver owns it; "status"
# tells the truth after each move; a non-LSI function is refused and left
# alone.  Needs both modules: the reference from the kernel, mptmq from
# MPTMQ_KO or installed (DKMS).  The driver under test owns the controller
# again at the end, the other one unloaded; mptspi, once it has written an
# Ultra320 Device page 1, cannot be unloaded (lib.sh mpt_ref_unload): a
# known reference failure, the restore subtest's SKIP when all else of it
# passed.
#
# Rerun alone: selftests/vm/run.sh --driver mptmq [--hba lsi53c1030] bind

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

# move CMD DRIVER - "mptmq-bind CMD <bdf>..." succeeds for every function
# of the HBA (both of a two-function 53C1030: one chip), each is bound to
# DRIVER, status says so, and every disk appears under DRIVER.
move()
{
	local out rc=0 b st
	out=$(sh "$BIND" "$1" "${BDFS[@]}" 2>&1) || rc=$?
	echo "mptmq-bind $1 ${BDFS[*]}: status $rc"
	echo "$out"
	((rc == 0)) || return 1
	pci_all_bound "$2" || return 1
	st=$(sh "$BIND" status "${BDFS[@]}")
	echo "$st"
	for b in "${BDFS[@]}"; do
		grep -qE "^$b +0x[0-9a-f]{4} +[^ ]+ +$2 " <<<"$st" ||
			{ echo "status does not show $2 for $b"; return 1; }
	done
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
	local rc=0 d
	if [[ $MPT_DRIVER == "$REF" ]]; then
		sh "$BIND" reset "${BDFS[@]}" || return 1
		[[ -d /sys/module/mptmq ]] && { rmmod mptmq || return 1; }
	else
		sh "$BIND" mptmq "${BDFS[@]}" || return 1
		for d in "${PCI_DEVS[@]}"; do
			echo >"$d/driver_override"
		done
		mpt_ref_unload || rc=$?
		((rc == 0 || rc == KSFT_SKIP)) || return 1
	fi
	for d in "${PCI_DEVS[@]}"; do
		[[ $(<"$d/driver_override") == "(null)" ]] ||
			{ echo "${d##*/}: driver_override $(<"$d/driver_override") left"; return 1; }
	done
	pci_all_bound "$MPT_DRIVER" && wait_for 60 mpt_disks_ready || return 1
	return "$rc"
}

mpt_load_manifest
mapfile -t PCI_DEVS < <(mpt_pci_devs)
BDFS=("${PCI_DEVS[@]##*/}")
PCI_DEV=$(mpt_pci_dev) || ktap_skip_all "no ${MPT_HBA:-mptsas1068} PCI function (1000:$(mpt_hba_fact pci_device))"
BIND=$(bind_tool) || ktap_skip_all "tools/mptmq-bind not found (set MPTMQ_BIND)"
REF=$(mpt_hba_fact reference) || ktap_skip_all "no reference driver for HBA '${MPT_HBA:-}'"
modinfo "$REF" >/dev/null 2>&1 || ktap_skip_all "no $REF module for $(uname -r)"
[[ $MPT_DRIVER == mptmq ]] || modinfo mptmq >/dev/null 2>&1 ||
	ktap_skip_all "mptmq is neither the driver under test nor installed"
ktap_print_header
ktap_set_plan 7
ktap_print_msg "controller ${BDFS[*]}, tool $BIND, driver under test $MPT_DRIVER, reference $REF"

# Start from the suite's state: the driver under test owns the controller.
ktap_check load_driver mpt_require_driver
# mptmq-bind reset hands the function to its in-kernel driver, $REF.
ktap_check "to_$REF" move reset "$REF"
ktap_check to_mptmq move mptmq mptmq
ktap_check "back_to_$REF" move reset "$REF"
ktap_check back_to_mptmq move mptmq mptmq
ktap_check refuse_non_lsi refuse_other
ktap_check restore restore
ktap_finished
