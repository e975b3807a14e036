#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_resets.sh - SCSI resets under load.  While rounds of fio
# write+verify (crc32c, libaio, direct, iodepth 32) run on every data disk,
# issue EH_RESETS (default 3) resets of each kind through SG_SCSI_RESET
# (sg_reset --no-esc, so each kind is measured alone, never escalated):
# device (LUN), target, bus, host.  Checks: every reset succeeds, I/O
# completes during and after every phase, every fio round verifies, and
# (mptmq) no IOC reset happens for anything below a host reset.  Each
# reset's duration is printed (median/max ms) as a diagnostic, not asserted:
# the wall time of the sg_reset call and the driver's own "... done in N ms"
# from the kernel log.
# The reference mptsas has no target or bus reset handler: its refusals are
# reported in the subtest name and do not fail.

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

N=${EH_RESETS:-3}
KINDS=(device target bus host)
declare -A FLAG=([device]=-d [target]=-t [bus]=-b [host]=-H)
# What mptmq logs as "<what> done in N ms" when the reset finishes.
declare -A DRVMSG=([device]="LUN reset" [target]="target reset" [bus]="bus reset"
		   [host]="IOC reset")

# reset_phase KIND - N resets of KIND, rotating over the data disks; one
# wall duration (ms) per line in /tmp/reset-KIND.ms, the driver's own
# "done in" figures in .drv, failures in .fail.
reset_phase()
{
	local kind=$1 i d sg t0 t1 rc out before after mark
	mark=$(klog_mark)
	: >"/tmp/reset-$kind.ms"
	: >"/tmp/reset-$kind.fail"
	before=$(io_done "${BLKS[@]}")
	for ((i = 0; i < N; i++)); do
		d=${DISKS[i % ${#DISKS[@]}]}
		sg=$(disk_sg "$d")
		t0=$(ms_now)
		out=$(timeout 120 sg_reset --no-esc "${FLAG[$kind]}" "$sg" 2>&1)
		rc=$?
		t1=$(ms_now)
		echo $((t1 - t0)) >>"/tmp/reset-$kind.ms"
		((rc == 0)) || echo "$kind reset $((i + 1)) via $sg ($d): status $rc ${out//$'\n'/ }" >>"/tmp/reset-$kind.fail"
		# Let I/O flow between resets.
		sleep "${EH_RESET_GAP:-0.3}"
	done
	# I/O must still complete after the phase.
	sleep 2
	after=$(io_done "${BLKS[@]}")
	echo "$((after - before))" >"/tmp/reset-$kind.io"
	driver_done_ms "$mark" "${DRVMSG[$kind]}" >"/tmp/reset-$kind.drv"
}

# check_phase KIND - the phase's result as a subtest.
check_phase()
{
	local kind=$1 nfail io refuses=0
	nfail=$(wc -l <"/tmp/reset-$kind.fail")
	io=$(cat "/tmp/reset-$kind.io")
	echo "$kind reset x$N: $(timing_pair "/tmp/reset-$kind.ms" "/tmp/reset-$kind.drv" "${DRVMSG[$kind]}"), $nfail refused/failed, $io I/Os completed during the phase"
	cat "/tmp/reset-$kind.fail"
	if [[ $MPT_DRIVER == mptsas && ($kind == target || $kind == bus) ]]; then
		refuses=1
	fi
	if ((refuses)); then
		echo "reference mptsas has no eh_${kind}_reset_handler: refusal is expected, not a failure"
	elif ((nfail)); then
		return 1
	fi
	((io > 0)) || { echo "no I/O completed during the $kind reset phase"; return 1; }
}

mpt_load_manifest
mapfile -t DISKS < <(data_disks)
ktap_print_header
ktap_set_plan $((${#KINDS[@]} + 2))
mpt_require_driver

BLKS=()
for d in "${DISKS[@]}"; do
	BLKS+=("$(disk_block "$d")") || ktap_exit_fail_msg "$d has no block device"
done
ktap_print_msg "driver $MPT_DRIVER, $N resets per kind, fio on ${BLKS[*]}"
eh_counters >/tmp/resets.counters0
fio_loop_start resets "${BLKS[@]}"
sleep 3
for k in "${KINDS[@]}"; do
	reset_phase "$k"
done
rounds_during=$(fio_loop_rounds resets)
for k in "${KINDS[@]}"; do
	desc="reset_$k"
	if [[ $MPT_DRIVER == mptsas && ($k == target || $k == bus) ]]; then
		desc="reset_${k}_reference_refuses_expected"
	fi
	ktap_check "$desc" check_phase "$k"
done
ktap_check fio_verify fio_loop_stop resets 300
ktap_print_msg "fio rounds finished while resetting: $rounds_during"

# no_ioc_reset_below_host: only the N host resets reset the IOC (mptmq).
no_ioc_reset_below_host()
{
	local delta hr
	delta=$(eh_counters_delta /tmp/resets.counters0)
	echo "error_counters delta:"; echo "${delta:-none}"
	hr=$(awk '$1 == "reset_host" { print $2 + 0 }' <<<"$delta")
	[[ ${hr:-0} == "$N" ]] || { echo "reset_host moved by ${hr:-0}, expected +$N"; return 1; }
	! grep -qE '^(reset_fault|tm_failed|faults|bad_replies) ' <<<"$delta"
}
if eh_has_counters; then
	ktap_check no_ioc_reset_below_host no_ioc_reset_below_host
else
	ktap_test_skip no_ioc_reset_below_host "$MPT_DRIVER has no error_counters"
fi
for k in "${KINDS[@]}"; do
	ktap_print_msg "timing: $k reset $(timing_pair "/tmp/reset-$k.ms" "/tmp/reset-$k.drv" "${DRVMSG[$k]}")"
done
ktap_finished
