#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_aer.sh - PCI error recovery from a non-fatal uncorrectable error
# (issue 10, defect 4).  Stock or test QEMU.  Under fio write+verify, QEMU's
# HMP pcie_aer_inject_error reports an Uncorrectable Internal Error from the
# PCIe-to-PCI bridge above the HBA (br0).  Its AER severity bit is cleared
# first (the guest writes the bridge's Uncorrectable Error Severity
# register), so the error is Non-Fatal: the kernel's AER driver calls the
# HBA's error_detected(io_normal), then mmio_enabled() and resume().
#  1. aer_reported: the kernel logged the Non-Fatal uncorrected error.
#  2. driver_recovered: mptmq logged the error and "PCI error recovery
#     done", pci_errors counted it, ioc_state is running.
#  3. io_intact: every fio write+verify round passed, I/O still moves.
# Then a fatal error that cannot recover: the same Internal Error with its
# severity set back to Fatal, again under fio.  The kernel freezes the
# channel (error_detected(frozen)) and resets the root port's link, which
# QEMU 7.2's root port never brings back ("Data Link Layer Link Active not
# set in 1000 msec"): recovery fails ("device recovery failed").  6.1 and
# 6.12 then call no driver (only the FAILED_RECOVERY uevent; later kernels
# call error_detected(perm_failure)) and leave the channel frozen, so
# mptmq bounds the wait itself: its pci_recovery_timeout parameter, set to
# EH_AER_RECOVERY_S (default 10) here instead of 75 s.
#  4. fatal_reported: the kernel logged the Fatal error and the failed
#     recovery.
#  5. fatal_io_ends: fio ends within EH_AER_FATAL_LIMIT s (default 60) of
#     the error, with I/O errors: nothing waits for a device that is gone.
#  6. disks_offline: every data disk's SCSI device is offline.
#  7. driver_gave_up: the driver logged that recovery failed and the disks
#     went offline, pci_errors counted the error, ioc_state is dead.
#  8. fatal_no_hang: no hung task, oops or warning in the kernel log.
#  9. unbind_after: the device unbinds from the driver within 60 s.
# The reference mptsas fails 5-7 and hangs 9 (known failures, reported as
# SKIPs with the reason; 9 is not attempted under it).
# Rerun alone: selftests/eh/run.sh aer

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

# aer_cap BDF - offset of the AER extended capability in BDF's config space.
aer_cap()
{
	local cfg=/sys/bus/pci/devices/$1/config off=256 hdr n=0
	while ((off >= 256 && n++ < 64)); do
		hdr=$(od -An -tx4 -j "$off" -N4 "$cfg" | tr -d ' ')
		[[ -n $hdr && $hdr != 00000000 && $hdr != ffffffff ]] || return 1
		((16#${hdr:4:4} == 1)) && { echo "$off"; return 0; }
		off=$((16#${hdr:0:3}))
	done
	return 1
}

# internal_severity BDF fatal|nonfatal - set or clear Uncorrectable Internal
# Error (bit 22) in BDF's AER Uncorrectable Error Severity register (AER +
# 0x0c).
internal_severity()
{
	local cfg=/sys/bus/pci/devices/$1/config cap v
	cap=$(aer_cap "$1") || { echo "$1 has no AER capability"; return 1; }
	v=$((16#$(od -An -tx4 -j $((cap + 12)) -N4 "$cfg" | tr -d ' ')))
	if [[ $2 == fatal ]]; then
		v=$((v | 1 << 22))
	else
		v=$((v & ~(1 << 22)))
	fi
	# shellcheck disable=SC2059 # the format is the four bytes, as escapes
	printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((v & 255)) $((v >> 8 & 255)) \
		$((v >> 16 & 255)) $((v >> 24 & 255)))" |
		dd of="$cfg" bs=1 seek=$((cap + 12)) count=4 conv=notrunc status=none
	echo "$1: AER at 0x$(printf %x "$cap"), severity now $(od -An -tx4 -j $((cap + 12)) -N4 "$cfg")"
}

aer_reported()
{
	dmesg_new | grep -E 'AER:' | head -n 6
	dmesg_new | grep -q 'Uncorrect.*Non-Fatal'
}

# driver_report PCI_ERRORS_BEFORE - print the driver's log lines since the
# mark, pci_errors and ioc_state; set ST to the state.
driver_report()
{
	dmesg_new | grep -E "$MPT_DRIVER|mptbase" | head -n 8
	ST=$(eh_ioc_state)
	echo "pci_errors $1 -> $(eh_counter pci_errors), ioc_state $ST"
}

driver_recovered()
{
	driver_report "$E0"
	dmesg_new | grep -q 'PCI error detected, channel state 1' &&
		dmesg_new | grep -q 'PCI error recovery done' &&
		(($(eh_counter pci_errors) == E0 + 1)) && [[ $ST == running ]]
}

io_intact()
{
	local before
	before=$(io_done "${BLKS[@]}")
	sleep 3
	echo "I/O since the error: $(($(io_done "${BLKS[@]}") - before)) in 3 s"
	fio_loop_stop aer
}

# inject - Uncorrectable Internal Error at the bridge.  0x400000: AER
# status bit 22; QEMU 7.2's HMP knows no name for it; it answers "OK id:
# ..." or an error, both in the "return" string.
inject()
{
	local out
	out=$(qmp_cmd '{"execute":"human-monitor-command","arguments":{"command-line":"pcie_aer_inject_error br0 0x400000"}}')
	[[ $out == *'"return": "OK id'* ]] || { echo "pcie_aer_inject_error failed: $out"; return 1; }
}

fatal_reported()
{
	dmesg_new | grep -E 'AER:|recovery|Link Active|link has been reset' | head -n 8
	dmesg_new | grep -q 'Uncorrect.*Fatal' &&
		dmesg_new | grep -q 'device recovery failed'
}

# fatal_io_ends - the fio loop ended within FATAL_LIMIT s of the error
# (its rounds may, and here must, have failed).
fatal_io_ends()
{
	local out ms
	out=$(fio_loop_stop aerfatal "$FATAL_LIMIT")
	ms=$(($(ms_now) - T_FATAL))
	echo "$out" | tail -n 4
	echo "fio ended $ms ms after the error"
	[[ $out != *"still running"* ]] || return 1
	grep -qE 'err= *[1-9]|Input/output' /tmp/fio-aerfatal.*.out ||
		{ echo "fio saw no I/O error: were the disks still working?"; return 1; }
}

disks_offline()
{
	local b st rc=0
	for b in "${BLKS[@]}"; do
		st=$(cat "/sys/block/${b##*/}/device/state" 2>/dev/null || echo gone)
		echo "${b##*/}: $st"
		[[ $st == offline || $st == gone ]] || rc=1
	done
	return "$rc"
}

driver_gave_up()
{
	driver_report "$E1"
	dmesg_new | grep -q 'PCI error detected, channel state 2' &&
		dmesg_new | grep -qE 'IOC is dead \((PCI error recovery failed|permanent PCI failure)\)' &&
		dmesg_new | grep -q 'disks set offline' &&
		(($(eh_counter pci_errors) > E1)) && [[ $ST == dead ]]
}

fatal_no_hang()
{
	local p
	if p=$(dmesg_problems); then
		echo "no hung task, oops or warning"
		return 0
	fi
	head -n 8 <<<"$p"
	return 1
}

# unbind_after - unbind the HBA from its driver; a hung unbind is
# noticed after 60 s (it cannot be killed: the VM's timeout ends it).
unbind_after()
{
	local drv dev pid t0
	drv=$(pci_driver) dev=$(basename "$PCI_DEV")
	[[ $drv != - ]] || { echo "no driver bound"; return 0; }
	t0=$(ms_now)
	(echo "$dev" >"/sys/bus/pci/drivers/$drv/unbind") &
	pid=$!
	wait_for 60 bash -c "! kill -0 $pid" ||
		{ echo "unbind from $drv still running after 60 s"; return 1; }
	wait "$pid"
	echo "unbound from $drv in $(($(ms_now) - t0)) ms, driver now $(pci_driver)"
	[[ $(pci_driver) == - ]]
}

mpt_load_manifest
ktap_print_header
ktap_set_plan 9
mpt_require_driver
PCI_DEV=$(mpt_pci_dev)
BR=$(basename "$(dirname "$(readlink -f "$PCI_DEV")")")
ktap_print_msg "HBA $(basename "$PCI_DEV") behind $BR"
ktap_print_msg "$(internal_severity "$BR" nonfatal)" || ktap_exit_fail_msg "cannot make the internal error non-fatal"
mapfile -t BLKS < <(data_blocks)
E0=$(eh_counter pci_errors)
fio_loop_start aer "${BLKS[@]}"
sleep 5
dmesg_mark
out=$(inject) || ktap_exit_fail_msg "$out"
wait_for 30 bash -c "dmesg | tail -n 50 | grep -qE 'recovery done|AER: device recovery|recovery (successful|failed)'"
sleep 2
ktap_check aer_reported aer_reported
check_or_known_ref driver_recovered "mptsas has no pci_error_handlers: the AER core logs 'can't recover (no error_detected callback)'" driver_recovered
ktap_check io_intact io_intact

FATAL_LIMIT=${EH_AER_FATAL_LIMIT:-60}
PARAM=/sys/module/mptmq/parameters/pci_recovery_timeout
[[ $MPT_DRIVER == mptmq && -w $PARAM ]] && echo "${EH_AER_RECOVERY_S:-10}" >"$PARAM"
ktap_print_msg "$(internal_severity "$BR" fatal)" || ktap_exit_fail_msg "cannot make the internal error fatal"
E1=$(eh_counter pci_errors)
fio_loop_start aerfatal "${BLKS[@]}"
sleep 3
dmesg_mark
T_FATAL=$(ms_now)
out=$(inject) || ktap_exit_fail_msg "$out"
wait_for 60 bash -c "dmesg | tail -n 80 | grep -qE 'device recovery (failed|successful)'"
ktap_check fatal_reported fatal_reported
# The reference (6.1, 2026-12-01): no pci_error_handlers, so nothing ends
# the wait; mptbase's error handling retries hard resets of the unreachable
# IOC ("Enable Diagnostic mode FAILED", "Cannot recover ioc0") for as long
# as I/O waits, and an unbind blocks (hung task in unbind_store) until the
# VM's timeout: not attempted under it.
REF_WHY="mptsas has no pci_error_handlers: after the failed recovery mptbase's EH keeps retrying hard resets of the unreachable IOC and the I/O waits"
check_or_known_ref fatal_io_ends "$REF_WHY" fatal_io_ends
check_or_known_ref disks_offline "$REF_WHY" disks_offline
check_or_known_ref driver_gave_up "$REF_WHY" driver_gave_up
ktap_check fatal_no_hang fatal_no_hang
if [[ $MPT_DRIVER == mptsas || $MPT_DRIVER == mptspi ]]; then
	ktap_test_skip unbind_after "reference $MPT_DRIVER known to hang the unbind here (blocked in unbind_store while mptbase's EH loops); not attempted"
else
	ktap_check unbind_after unbind_after
fi
ktap_finished
