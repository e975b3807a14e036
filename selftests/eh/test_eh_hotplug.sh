#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_hotplug.sh - hot-unplug of the HBA during I/O, then hot-plug.
# The host runs qmp-watch.py; QEMU gets device_del for hba0 (ACPI PCI
# hotplug of the slot behind the PCIe-to-PCI bridge: the guest ejects it,
# so the driver's remove runs while the function is still there), while
# fio writes with iodepth 32 to every disk.  Checks: the unplug completes
# (DEVICE_DELETED), fio ends promptly with the I/O it still had failing,
# new I/O on a descriptor opened before fails at once, the host and the
# function are gone, the module unloads.  Then device_add puts the HBA
# back (and, as QEMU deleted the -drive disks with it, blockdev-add and
# device_add the disks again on the same files), the driver loads and
# every disk reads back exactly what its backing file holds, and takes a
# fio write+verify round.

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

unplug()
{
	local t0 deadline
	t0=$(ms_now)
	qmp_cmd '{"execute":"device_del","arguments":{"id":"hba0"}}' || return 1
	deadline=$((SECONDS + 60))
	until qmp_event_seen '"DEVICE_DELETED".*"device": "hba0"'; do
		((SECONDS < deadline)) || { echo "no DEVICE_DELETED for hba0 within 60 s"; return 1; }
		sleep 0.1
	done
	echo "hba0 deleted $(($(ms_now) - t0)) ms after device_del"
}

fio_ends()
{
	local rc
	eh_wait_fio_end "$FIO" "the unplug" || return 1
	rc=$EH_FIO_RC
	grep -E 'err=|error' /tmp/hp-fio.out | head -n 6
	echo "fio ended with status $rc, $(($(ms_now) - T_UNPLUG)) ms after device_del"
}

# old_fd_fails - I/O on a descriptor opened before the unplug returns no
# data at once: an error, or end of file (the gone disk's capacity is 0);
# opening the disk again fails.
old_fd_fails()
{
	local out rc got
	got=$(timeout 15 dd iflag=direct bs=4k count=1 status=none <&7 2>/tmp/hp-dd.err | wc -c)
	rc=${PIPESTATUS[0]}
	out=$(cat /tmp/hp-dd.err)
	echo "4 KiB read on a descriptor opened before the unplug: status $rc, $got bytes ${out//$'\n'/ }"
	((rc != 124 && got == 0)) || return 1
	if out=$(timeout 15 dd if="$BLK0" of=/dev/null iflag=direct bs=4k count=1 2>&1); then
		echo "$BLK0 still opens and reads"
		return 1
	fi
	echo "open $BLK0: ${out//$'\n'/ }"
}

gone()
{
	local rc=0
	mpt_pci_dev >/dev/null && { echo "the LSI PCI function is still there"; rc=1; }
	mpt_host >/dev/null && { echo "the SCSI host is still there"; rc=1; }
	[[ -e $BLK0 ]] && { echo "$BLK0 is still there"; rc=1; }
	return "$rc"
}

unloads()
{
	unload_driver || return 1
	! driver_loaded
}

replug()
{
	local d drv msi=off
	[[ $MPT_MSI == on ]] && msi=on
	qmp_cmd '{"execute":"device_add","arguments":{"driver":"mptsas1068","id":"hba0","bus":"br0","addr":"1.0","msi":"'$msi'"}}' || return 1
	for d in "${MPT_DISKS[@]}"; do
		drv=re-$d
		qmp_cmd '{"execute":"blockdev-add","arguments":{"driver":"raw","node-name":"'$drv'","file":{"driver":"file","filename":"'"$(disk_get "$d" FILE)"'"},"cache":{"direct":true}}}' || return 1
		qmp_cmd '{"execute":"device_add","arguments":{"driver":"scsi-hd","drive":"'$drv'","bus":"hba0.0","scsi-id":'"$(disk_get "$d" TARGET)"',"lun":'"$(disk_get "$d" LUN)"',"wwn":'"$(printf %d "$(disk_get "$d" WWN)")"',"serial":"'"$(disk_get "$d" SERIAL)"'"}}' || return 1
	done
	wait_for 30 mpt_pci_dev || { echo "the PCI function did not come back"; return 1; }
	echo "PCI function back: $(mpt_pci_dev)"
	load_driver
}

data_matches()
{
	local d b dev file rc=0
	for d in "${MPT_DISKS[@]}"; do
		b=$(disk_block "$d") || { echo "$d: no block device"; rc=1; continue; }
		dev=$(dd if="$b" iflag=direct bs=1M status=none | sha256sum | cut -d' ' -f1)
		file=$(sha256sum <"$(disk_get "$d" FILE)" | cut -d' ' -f1)
		echo "$d ($b): device $dev, backing file $file"
		[[ $dev == "$file" ]] || rc=1
	done
	return "$rc"
}

fio_after()
{
	local blks=() d
	for d in "${MPT_DISKS[@]}"; do
		blks+=("$(disk_block "$d")")
	done
	fio_round after 1 "${blks[@]}"
	local rc=$?
	grep -E 'err=|WRITE:|READ:' /tmp/fio-after.1.out
	((rc == 0))
}

mpt_load_manifest
[[ -e ${MPT_RUNDIR:-}/qmp.sock ]] || ktap_skip_all "no QMP socket in the run directory (run through selftests/eh/run.sh)"
ktap_print_header
ktap_set_plan 8
mpt_require_driver
BLKS=()
for d in "${MPT_DISKS[@]}"; do
	BLKS+=("$(disk_block "$d")")
done
BLK0=${BLKS[0]}
exec 7<"$BLK0"
args=()
for b in "${BLKS[@]}"; do
	args+=(--name="hp-${b##*/}" --filename="$b")
done
(cd /tmp && exec fio --ioengine=libaio --direct=1 --bsrange=4k-64k --iodepth=32 \
	--rw=randwrite --time_based --runtime=300 "${args[@]}") >/tmp/hp-fio.out 2>&1 &
FIO=$!
sleep 3
kill -0 "$FIO" || ktap_exit_fail_msg "fio did not start: $(cat /tmp/hp-fio.out)"
T_UNPLUG=$(ms_now)
ktap_check unplug_completes unplug
ktap_check io_fails_promptly fio_ends
ktap_check new_io_fails old_fd_fails
exec 7<&-
ktap_check host_and_disks_gone gone
ktap_check module_unloads unloads
ktap_check replug_and_reload replug
ktap_check data_reads_back data_matches
ktap_check fio_verify_after_replug fio_after
ktap_finished
