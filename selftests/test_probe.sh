#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_probe.sh - the controller binds to the driver under test, its SCSI
# host appears, lsscsi lists every manifest disk at its expected C:T:L, and
# every disk has the queue depth the driver's configure callback sets.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

# pci_bound - the HBA's PCI driver symlink names the driver under test.
pci_bound()
{
	local drv
	drv=$(readlink "$PCI_DEV/driver") || { echo "${PCI_DEV##*/}: no driver bound"; return 1; }
	echo "${PCI_DEV##*/} bound to ${drv##*/}"
	[[ ${drv##*/} == "$MPT_DRIVER" ]]
}

# pci_topology - behind the PCIe-to-PCI bridge (or not), as configured.
pci_topology()
{
	local parent
	parent=$(basename "$(dirname "$(readlink -f "$PCI_DEV")")")
	echo "${PCI_DEV##*/} parent: $parent"
	if [[ ${MPT_BRIDGE:-on} == on ]]; then
		[[ -e /sys/bus/pci/devices/$parent/subordinate_bus_number ]] ||
			[[ -d /sys/bus/pci/devices/$parent/pci_bus ]]
	else
		[[ $parent == pci0000:* ]]
	fi
}

# irq_mode - MSI in use exactly when MPT_MSI=on.
irq_mode()
{
	local n=0
	[[ -d $PCI_DEV/msi_irqs ]] && n=$(find "$PCI_DEV/msi_irqs" -mindepth 1 -maxdepth 1 | wc -l)
	echo "MSI vectors: $n, irq $(<"$PCI_DEV/irq"), expected msi=$MPT_MSI"
	grep -E "^ *$(<"$PCI_DEV/irq"):" /proc/interrupts
	if [[ $MPT_MSI == on ]]; then ((n > 0)); else ((n == 0)); fi
}

# scsi_host_listed - lsscsi -H -t shows our host with the driver's name.
scsi_host_listed()
{
	local out host
	out=$(lsscsi -H -t)
	echo "$out"
	host=$(mpt_host) || { echo "no SCSI host with proc_name $MPT_DRIVER"; return 1; }
	grep -qE "^\[$host\] +$MPT_DRIVER( |\$)" <<<"$out"
}

# disk_listed NAME - lsscsi and lsscsi -t list disk NAME at its H:C:T:L.
disk_listed()
{
	local hctl wwn line tline
	hctl=$(disk_hctl "$1") || return 1
	wwn=$(disk_get "$1" WWN)
	line=$(lsscsi | grep -F "[$hctl]")
	tline=$(lsscsi -t | grep -F "[$hctl]")
	echo "expected [$hctl] wwn $wwn"
	echo "lsscsi:    ${line:-<missing>}"
	echo "lsscsi -t: ${tline:-<missing>}"
	[[ $line == *" disk "* ]] || return 1
	# A SAS transport reports the SAS address, which QEMU takes from wwn.
	if [[ $tline == *sas:0x* ]]; then
		[[ $tline == *"sas:$wwn"* ]] || return 1
	fi
}

# no_extra_devices - the driver's hosts (one per HBA function) have
# exactly the manifest's disks.
no_extra_devices()
{
	local n=0 host i=0
	host=$(mpt_host) || return 1
	while host=$(mpt_host "$i"); do
		n=$((n + $(find /sys/class/scsi_device -maxdepth 1 -name "$host:*" | wc -l)))
		i=$((i + 1))
	done
	echo "$n SCSI devices on $i host(s) of $MPT_DRIVER, ${#MPT_DISKS[@]} expected"
	((n == ${#MPT_DISKS[@]}))
}

# queue_depth - every disk is queued with simple tags at depth 64: what the
# reference mptsas gives a SAS disk (mptscsih: MPT_SCSI_CMD_PER_DEV_HIGH;
# seen on 7.2) and mptmq's configure callback sets on QEMU's IOC (64, its
# 121 commands being more).  Where that callback never runs (a compat.h
# shim naming the wrong template member) the host's cmd_per_lun, 7, stays.
queue_depth()
{
	local d dev qd qt rc=0
	for d in "${MPT_DISKS[@]}"; do
		dev=/sys/class/scsi_device/$(disk_hctl "$d")/device
		qd=$(<"$dev/queue_depth") && qt=$(<"$dev/queue_type") || return 1
		echo "$d: queue_depth $qd, queue_type $qt"
		[[ $qd == 64 && $qt == simple ]] || rc=1
	done
	return "$rc"
}

mpt_load_manifest
ktap_print_header
ktap_set_plan $((7 + ${#MPT_DISKS[@]}))

PCI_DEV=$(mpt_pci_dev) || ktap_exit_fail_msg "no LSI SAS1068 PCI function (1000:0054)"
if driver_loaded; then
	ktap_check load_driver wait_for 60 mpt_disks_ready
else
	ktap_check load_driver load_driver
fi
ktap_check pci_bound pci_bound
ktap_check pci_topology pci_topology
ktap_check irq_mode irq_mode
ktap_check scsi_host scsi_host_listed
for d in "${MPT_DISKS[@]}"; do
	ktap_check "lsscsi_$d" disk_listed "$d"
done
ktap_check no_extra_devices no_extra_devices
# mptscsih_change_queue_depth() gives a parallel SCSI target slower than
# Ultra160 (the narrow Fast-40 and the async disk of the SPI fixture)
# MPT_SCSI_CMD_PER_DEV_LOW, 32 (seen with mptspi on the lsi53c1030).
check_or_known_ref queue_depth "mptscsih gives SPI targets slower than Ultra160 a queue depth of 32 (MPT_SCSI_CMD_PER_DEV_LOW)" queue_depth
ktap_finished
