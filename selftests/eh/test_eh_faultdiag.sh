#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_faultdiag.sh - an IOC FAULT that a message unit reset does not
# clear (issue 10, defect 5).  Test QEMU only: x-fault puts the IOC in
# FAULT with code 0x1234 until a diagnostic (hard) reset, during fio
# write+verify.  The driver must notice, reset the IOC and have I/O moving
# again within 45 s - less than the 60 s a message unit reset waits for
# READY, so a recovery that tries the message unit reset first fails -
# and every fio round must verify.  mptmq also: faults and reset_fault +1,
# "IOC in FAULT, code 0x1234: diagnostic reset" logged, no "message unit
# reset failed".  The reference mptsas runs it too (mptbase's fault
# watchdog goes to a hard reset).

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

CODE=0x1234

# recovered - after the fault, I/O completes again on every disk.
recovered()
{
	local t0=$T_FAULT deadline=$((SECONDS + 45)) b io
	for b in "${BLKS[@]}"; do
		io=$(io_done "$b")
		until (($(io_done "$b") > io + 8)); do
			((SECONDS < deadline)) || { echo "no I/O on $b within 45 s of the fault; ioc_state '$(eh_ioc_state)'"; return 1; }
			sleep 0.2
		done
	done
	echo "I/O moving again on every disk $(($(ms_now) - t0)) ms after the fault"
}

# driver_log - mptmq: the fault was counted and went straight to a
# diagnostic reset.
driver_log()
{
	local log delta
	log=$(dmesg_new | grep -E 'FAULT|IOC reset|message unit reset|diagnostic')
	echo "$log"
	delta=$(eh_counters_delta /tmp/fd.counters0)
	echo "error_counters delta: ${delta//$'\n'/, }"
	grep -q "IOC in FAULT, code ${CODE}: diagnostic reset" <<<"$log" || { echo "no direct diagnostic reset logged"; return 1; }
	! grep -q 'message unit reset failed' <<<"$log" || { echo "a message unit reset was tried first"; return 1; }
	grep -q '^faults +1$' <<<"$delta" && grep -q '^reset_fault +1$' <<<"$delta"
}

mpt_load_manifest
model_require
ktap_print_header
ktap_set_plan 3
mpt_require_driver
mapfile -t BLKS < <(data_blocks)
eh_counters >/tmp/fd.counters0
fio_loop_start fd "${BLKS[@]}"
sleep 3
dmesg_mark
T_FAULT=$(ms_now)
model_set x-fault $((CODE)) >/dev/null || ktap_exit_fail_msg "qom-set x-fault failed"
ktap_check recovered_from_fault recovered
ktap_check fio_verify fio_loop_stop fd 300
if [[ $MPT_DRIVER == mptmq ]]; then
	ktap_check straight_to_diag_reset driver_log
else
	ktap_test_skip straight_to_diag_reset "$MPT_DRIVER has no error_counters"
fi
ktap_finished
