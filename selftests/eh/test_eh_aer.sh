#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_aer.sh - PCI error recovery (issue 10, defect 4).  QEMU injects
# AER errors at the PCIe root port above the HBA (QMP human-monitor-command
# pcie_aer_inject_error rp0 ...) while fio write+verify runs:
#  1. an uncorrectable non-fatal error (CTO, completion timeout);
#  2. a fatal one (DLP, data link protocol error): the kernel's AER driver
#     resets the link below the root port, the driver's error handlers
#     (error_detected frozen, slot_reset, resume) must bring the IOC back.
# After each: the kernel logs the recovery as successful, I/O moves again
# on every disk within 60 s, (mptmq) ioc_state is "running"; after the
# fatal one (mptmq) reset_recovery +1 and the driver logged "PCI error
# recovery done".  At the end every fio round verifies.

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

# inject KIND - one AER error of KIND at rp0; wait for the kernel's verdict
# and for I/O on every disk.
inject()
{
	local kind=$1 t0 deadline log b io
	dmesg_mark
	t0=$(ms_now)
	qmp_cmd '{"execute":"human-monitor-command","arguments":{"command-line":"pcie_aer_inject_error rp0 '"$kind"'"}}' >/dev/null ||
		{ echo "pcie_aer_inject_error rp0 $kind failed"; return 1; }
	deadline=$((SECONDS + 90))
	until dmesg_new | grep -qE 'AER: device recovery (successful|failed)'; do
		((SECONDS < deadline)) || { echo "$kind: no AER recovery verdict within 90 s"; dmesg_new | grep -iE 'aer|mptmq|pcieport' | tail -n 8; return 1; }
		sleep 0.2
	done
	log=$(dmesg_new | grep -iE 'AER|mptmq|error recovery|IOC' | head -n 20)
	echo "$log"
	grep -q 'AER: device recovery successful' <<<"$log" || { echo "$kind: recovery failed"; return 1; }
	for b in "${BLKS[@]}"; do
		io=$(io_done "$b")
		deadline=$((SECONDS + 60))
		until (($(io_done "$b") > io)); do
			((SECONDS < deadline)) || { echo "$kind: no I/O on $b within 60 s; ioc_state '$(eh_ioc_state)'"; return 1; }
			sleep 0.2
		done
	done
	echo "$kind: recovered, I/O on every disk $(($(ms_now) - t0)) ms after the injection"
	[[ $MPT_DRIVER != mptmq || $(eh_ioc_state) == running ]] || { echo "ioc_state '$(eh_ioc_state)'"; return 1; }
}

fatal()
{
	local r0
	r0=$(eh_counter reset_recovery)
	inject DLP || return 1
	[[ $MPT_DRIVER == mptmq ]] || return 0
	echo "reset_recovery $r0 -> $(eh_counter reset_recovery)"
	(($(eh_counter reset_recovery) == r0 + 1)) && dmesg_new | grep -q 'PCI error recovery done'
}

mpt_load_manifest
ktap_print_header
ktap_set_plan 3
mpt_require_driver
mapfile -t DISKS < <(data_disks)
BLKS=()
for d in "${DISKS[@]}"; do
	BLKS+=("$(disk_block "$d")")
done
fio_loop_start aer "${BLKS[@]}"
sleep 3
ktap_check nonfatal_cto inject CTO
sleep 2
ktap_check fatal_dlp fatal
ktap_check fio_verify fio_loop_stop aer 300
ktap_finished
