#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_dyingunbind.sh - the device dies while the driver unbinds
# (issue 10, defects 11 and 12).  Test QEMU only: fio (iodepth 32 on every
# disk) runs, the driver is unbound, and then
# x-surprise-removed makes every register and config read of the HBA
# return all ones, so the IOC dies while remove() flushes the disks
# (SYNCHRONIZE CACHE and the outstanding fio commands, from
# sas_remove_host()/scsi_remove_host()).  To hold the removal there for
# longer than the QMP relay takes (seconds under load), x-drop-replies
# first drops one fio command's reply: the removal waits for that command
# (it would time out only after the disk's 30 s), and the check fails if
# the unbind had ended before the device died.
#  1. unbind_completes: the unbind returns within 60 s (no hang).
#  2. io_ends: fio ends within 30 s after that.
#  3. no_command_timeout: neither driver logged an abort or a reset: the
#     death was noticed by the watchdog or the interrupt handler, which
#     must still run while the host is removed, not by a command timeout
#     and the midlayer's error handling (what happens when the watchdog
#     stops before scsi_remove_host(): see NOTES-negative.md).
#  4. module_unloads: the module unloads within 60 s.
# The kernel log must show no WARNING/BUG/hung task (run_tests.sh).
# Destructive: the only test of its VM.  Rerun alone:
# selftests/eh/run.sh --qemu test dyingunbind

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

# bounded_bg SECONDS WHAT CMD... - run CMD in the background and wait at
# most SECONDS for it (a write stuck in the kernel cannot be killed, so it
# is left behind rather than waited for); print how long it took.
bounded_bg()
{
	local limit=$1 what=$2 pid t0 rc
	shift 2
	t0=$(ms_now)
	"$@" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if (($(ms_now) - t0 > limit * 1000)); then
			echo "$what: still running after $limit s"
			return 1
		fi
		sleep 0.2
	done
	wait "$pid"
	rc=$?
	echo "$what: status $rc after $(($(ms_now) - t0)) ms"
	return "$rc"
}

unbind()
{
	echo "$PCI" >"/sys/bus/pci/drivers/$DRV/unbind"
}

unbind_completes()
{
	local t0 tdie pid rc=0 end
	model_set x-drop-replies 1 >/dev/null || { echo "qom-set x-drop-replies failed"; return 1; }
	rm -f /tmp/du-unbind-end
	t0=$(ms_now)
	(unbind; rc=$?; ms_now >/tmp/du-unbind-end; exit $rc) &
	pid=$!
	sleep 0.5
	tdie=$(ms_now)
	model_set x-surprise-removed true >/dev/null || { echo "qom-set x-surprise-removed failed"; return 1; }
	echo "asked QEMU to kill the device $((tdie - t0)) ms after the unbind started (done after $(($(ms_now) - t0)) ms)"
	while kill -0 "$pid" 2>/dev/null; do
		(($(ms_now) - t0 < 60000)) || { echo "unbind still running after 60 s"; return 1; }
		sleep 0.2
	done
	wait "$pid" || rc=$?
	end=$(</tmp/du-unbind-end)
	echo "unbind from $DRV: status $rc after $((end - t0)) ms"
	# The command without a reply holds the removal until the device dies
	# (or the command times out, which no_command_timeout rules out).
	((end > tdie)) || { echo "the unbind ended before the device was killed: not the case under test"; return 1; }
	((rc == 0)) && [[ $(pci_driver) == - ]]
}

io_ends()
{
	eh_wait_fio_end "$FIO" "the unbind" || return 1
	echo "fio ended with status $EH_FIO_RC"
}

no_command_timeout()
{
	local l
	l=$(eh_driver_resets_logged)
	dmesg_new | grep -E 'IOC is dead|non-operational|mpt_dead_ioc' | sed 's/^/log: /'
	[[ -z $l ]] && { echo "no abort or reset logged"; return 0; }
	echo "$l" | head -n 5
	return 1
}

unload()
{
	modprobe -r "$MPT_DRIVER" 2>/dev/null || rmmod "$MPT_DRIVER"
}

module_unloads()
{
	bounded_bg 60 "module unload" unload && ! driver_loaded
}

mpt_load_manifest
model_require
ktap_print_header
ktap_set_plan 4
mpt_require_driver
PCI_DEV=$(mpt_pci_dev)
PCI=$(basename "$PCI_DEV")
DRV=$(pci_driver)
args=()
for d in $(data_disks); do
	args+=(--name="du-$d" --filename="$(disk_block "$d")")
done
(cd /tmp && exec fio --ioengine=libaio --direct=1 --bs=4k --iodepth=32 --rw=randrw \
	--time_based --runtime=600 "${args[@]}") >/tmp/du-fio.out 2>&1 &
FIO=$!
sleep 3
dmesg_mark
WHY="mptbase's removal waits for SYNCHRONIZE CACHE to the dead IOC (surprise: it stalls at 'Synchronizing SCSI cache')"
check_or_known_ref unbind_completes "$WHY" unbind_completes
check_or_known_ref io_ends "$WHY" io_ends
check_or_known_ref no_command_timeout "$WHY" no_command_timeout
check_or_known_ref module_unloads "$WHY" module_unloads
ktap_finished
