#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_sas_names.sh - the names a mptsas user relies on stay the same.
#
# For the driver under test, from the manifest (what the in-kernel mptsas
# gives on QEMU's model): each disk's H:C:T:L is 0:<rank of its scsi-id>:LUN,
# udev's ID_PATH ends in -sas-phy<scsi-id>-lun-<LUN> (udevadm test-builtin
# path_id), lsscsi -t shows sas:<the target's SAS address> (QEMU's SAS
# Device page gives a target the wwn of its lowest LUN), the host has one sas_end_device per
# target, and a disk without a wwn (SAS address 0) is not attached.
# Then, when the driver under test is mptmq and the in-kernel mptsas is
# installed: the differential check.  Both drivers are loaded in turn on the
# same VM and a snapshot of every name is taken under each (every scsi
# device's C:T:L and ID_PATH, lsscsi -t, lsscsi -H -t, and every readable
# attribute of every object in the sas_* classes, the host number written
# as H), the host attributes mptscsih gives mptsas (version_fw ...
# device_delay, HOST_ATTRS below) and each disk's write_zeroes_max_bytes
# (0 under both: no WRITE SAME on a SAS host, mptsas's no_write_same); the
# two snapshots must be identical.  Both snapshots are kept in the run
# directory (sas-names.mptsas.txt, sas-names.mptmq.txt).
#
# Documented difference, left out of the comparison: enclosure_identifier.
# QEMU's model has no SAS Enclosure page; mptsas returns the positive
# IOCStatus (0x21) from get_enclosure_identifier, which sysfs takes as a
# length (33 NUL bytes are read); mptmq returns -ENODEV (a read error).
#
# Documented difference, not in HOST_ATTRS: debug_level.  It is mptbase's
# logging bitmask (CONFIG_FUSION_LOGGING); mptmq logs through dynamic debug
# and has no such file (Documentation/mptmq.rst).
#
# Rerun alone: selftests/vm/run.sh --driver mptmq --fixture sas sas_names

set -uo pipefail
. "$(dirname "$0")/lib.sh"

# mptscsih's host attributes (mptscsih_host_attrs) but debug_level.
HOST_ATTRS="version_fw version_bios version_mpi version_product version_nvdata_persistent
version_nvdata_default board_name board_assembly board_tracer io_delay device_delay"

# names_snapshot - every name of the current driver's host, host number as H
# (and, in lsscsi -H -t, the driver's name as DRIVER: it differs by design).
names_snapshot()
{
	local h c o a dev blk v
	h=$(mpt_host) || return 1
	for a in $HOST_ATTRS; do
		{ v=$(<"/sys/class/scsi_host/host$h/$a"); } 2>/dev/null || v="(missing)"
		echo "host $a=$v"
	done
	for dev in /sys/class/scsi_device/"$h":*; do
		[[ -e $dev ]] || continue
		blk=$(ls "$dev/device/block" 2>/dev/null)
		v=$(udevadm test-builtin path_id "/sys/block/$blk" 2>/dev/null |
		    sed -n 's/^ID_PATH=//p')
		echo "sdev ${dev##*/"$h":} id_path=$v" \
		     "write_zeroes_max_bytes=$(cat "/sys/block/$blk/queue/write_zeroes_max_bytes" 2>/dev/null)"
	done
	lsscsi -t "$h" | sed -E "s/^\\[$h:/[H:/; s,/dev/[a-z0-9]+ *$,/dev/X,"
	lsscsi -H -t | awk -v h="[$h]" '$1 == h { $1 = "[H]"; $2 = "DRIVER"; print }'
	for c in sas_host sas_phy sas_port sas_device sas_end_device sas_expander; do
		for o in /sys/class/"$c"/*; do
			[[ -e $o ]] || continue
			[[ ${o##*/} == *-$h:* || ${o##*/} == host$h ]] || continue
			echo "$c ${o##*/}" | sed -E "s/-$h:/-H:/; s/host$h\$/hostH/"
			for a in "$o"/*; do
				[[ -f $a && -r $a && ${a##*/} != uevent ]] || continue
				{ v=$(tr -d '\0' <"$a"); } 2>/dev/null || v="(read error)"
				echo "  ${a##*/}=$v"
			done
		done
	done
}

# disk_named NAME - H:C:T:L, ID_PATH and lsscsi -t of disk NAME are mptsas's.
disk_named()
{
	local hctl blk idp want_path line wwn
	hctl=$(disk_hctl "$1") || return 1
	blk=$(disk_block "$1") || { echo "$1: no block device at $hctl"; return 1; }
	idp=$(udevadm test-builtin path_id "/sys/block/${blk##*/}" 2>/dev/null | sed -n 's/^ID_PATH=//p')
	want_path="-sas-phy$(disk_get "$1" TARGET)-lun-$(disk_get "$1" LUN)"
	wwn=$(target_address "$1")
	line=$(lsscsi -t | grep -F "[$hctl]")
	echo "$1: $hctl $blk ID_PATH=$idp; lsscsi -t: $line"
	[[ $idp == pci-*"$want_path" ]] || { echo "ID_PATH should end in $want_path"; return 1; }
	[[ $line == *" sas:$wwn "* ]] || { echo "lsscsi -t should show sas:$wwn"; return 1; }
}

# target_address NAME - the SAS address of disk NAME's target: the wwn of
# the disk with the lowest LUN at the same scsi-id.
target_address()
{
	local d t lun=999 wwn=""
	t=$(disk_get "$1" TARGET)
	for d in "${MPT_DISKS[@]}"; do
		[[ $(disk_get "$d" TARGET) == "$t" ]] || continue
		if (($(disk_get "$d" LUN) < lun)); then
			lun=$(disk_get "$d" LUN)
			wwn=$(disk_get "$d" WWN)
		fi
	done
	echo "$wwn"
}

# unnamed_absent - disks without a SAS address are not attached: the host
# has exactly the manifest's named disks.
unnamed_absent()
{
	local h n
	h=$(mpt_host) || return 1
	n=$(find /sys/class/scsi_device -maxdepth 1 -name "$h:*" | wc -l)
	echo "$n SCSI devices on host $h; ${#MPT_DISKS[@]} disks with a wwn," \
	     "${#MPT_UNNAMED_DISKS[@]} without"
	((n == ${#MPT_DISKS[@]}))
}

# end_devices - one sas_end_device per target of the manifest.
end_devices()
{
	local h n want
	h=$(mpt_host) || return 1
	want=$(for d in "${MPT_DISKS[@]}"; do disk_get "$d" TARGET; done | sort -u | wc -l)
	n=$(find /sys/class/sas_end_device -maxdepth 1 -name "end_device-$h:*" 2>/dev/null | wc -l)
	echo "$n sas_end_device objects on host $h, $want targets"
	((n == want))
}

# same_as_mptsas - the differential check (see the top of the file).
same_as_mptsas()
{
	local dir=${MPT_RUNDIR:-/tmp} rc=0 ours=$MPT_DRIVER
	names_snapshot >"$dir/sas-names.mptmq.txt" || return 1
	unload_driver || return 1
	MPT_DRIVER=mptsas
	load_driver || rc=1
	((rc)) || names_snapshot >"$dir/sas-names.mptsas.txt" || rc=1
	unload_driver || rc=1
	MPT_DRIVER=$ours
	load_driver || return 1
	((rc == 0)) || return 1
	echo "mptsas: $(grep -c . "$dir/sas-names.mptsas.txt") lines, mptmq: $(grep -c . "$dir/sas-names.mptmq.txt") lines"
	diff -u <(grep -v '^  enclosure_identifier=' "$dir/sas-names.mptsas.txt") \
		<(grep -v '^  enclosure_identifier=' "$dir/sas-names.mptmq.txt")
}

mpt_load_manifest
ktap_print_header
ktap_set_plan $((${#MPT_DISKS[@]} + 3))
mpt_require_driver
for d in "${MPT_DISKS[@]}"; do
	ktap_check "${d}_names" disk_named "$d"
done
ktap_check unnamed_disks_absent unnamed_absent
ktap_check sas_end_devices end_devices
if [[ $MPT_DRIVER == mptsas ]]; then
	names_snapshot >"${MPT_RUNDIR:-/tmp}/sas-names.mptsas.txt"
	ktap_test_skip same_as_mptsas "the driver under test is the reference"
elif ! modinfo mptsas >/dev/null 2>&1; then
	ktap_test_skip same_as_mptsas "the in-kernel mptsas is not installed"
else
	ktap_check same_as_mptsas same_as_mptsas
fi
ktap_finished
