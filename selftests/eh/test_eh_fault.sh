#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_fault.sh - IOC fault during fio write+verify (mptmq only: the
# fault is injected through debugfs inject_fault, which posts an invalid
# function; QEMU then faults the IOC with code 0x0001).  EH_FAULTS times
# (default 2): the watchdog must notice (error_counters faults and
# reset_fault +1, "IOC left OPERATIONAL" and "IOC reset" in the kernel log),
# the IOC must be OPERATIONAL again and I/O resume on every disk; at the
# end every fio round must have verified.  Detection and recovery times
# are reported.

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

K=${EH_FAULTS:-2}

# one_fault I - inject, wait for the reset, check I/O moves again.
one_fault()
{
	local i=$1 t0 t1 f0 r0 io0 deadline log state
	f0=$(eh_counter faults)
	r0=$(eh_counter reset_fault)
	dmesg_mark
	t0=$(ms_now)
	echo 1 >"$DBG/inject_fault" || { echo "cannot write inject_fault"; return 1; }
	deadline=$((SECONDS + 30))
	until (($(eh_counter reset_fault) > r0)) && [[ $(eh_ioc_state) == running ]]; do
		((SECONDS < deadline)) || { echo "no recovery within 30 s: ioc_state '$(eh_ioc_state)'"; eh_counters; return 1; }
		sleep 0.1
	done
	t1=$(ms_now)
	echo $((t1 - t0)) >>/tmp/fault.ms
	log=$(dmesg_new | grep -E 'IOC left OPERATIONAL|IOC reset|debugfs')
	echo "$log"
	echo "fault $i: recovered $((t1 - t0)) ms after the injection; faults $f0 -> $(eh_counter faults), reset_fault $r0 -> $(eh_counter reset_fault)"
	grep -q 'IOC left OPERATIONAL: FAULT, code 0x0001' <<<"$log" || { echo "no 'IOC left OPERATIONAL: FAULT, code 0x0001' logged"; return 1; }
	grep -q 'IOC reset done' <<<"$log" || { echo "no 'IOC reset done' logged"; return 1; }
	(($(eh_counter faults) > f0)) || { echo "faults counter did not move"; return 1; }
	io0=$(io_done "${BLKS[@]}")
	sleep 3
	(($(io_done "${BLKS[@]}") > io0)) || { echo "no I/O completed in the 3 s after recovery"; return 1; }
}

mpt_load_manifest
[[ $MPT_DRIVER == mptmq ]] || ktap_skip_all "the reference $MPT_DRIVER has no fault-injection hook (mptmq debugfs inject_fault)"
mapfile -t DISKS < <(data_disks)
ktap_print_header
ktap_set_plan $((K + 2))
mpt_require_driver
DBG=/sys/kernel/debug/mptmq/$(basename "$(mpt_pci_dev)")
[[ -w $DBG/inject_fault ]] || ktap_exit_fail_msg "no $DBG/inject_fault (debugfs not mounted?)"
BLKS=()
for d in "${DISKS[@]}"; do
	BLKS+=("$(disk_block "$d")")
done
eh_counters >/tmp/fault.counters0
: >/tmp/fault.ms
fio_loop_start fault "${BLKS[@]}"
sleep 3
for ((i = 1; i <= K; i++)); do
	ktap_check "fault_${i}_detected_and_recovered" one_fault "$i"
	sleep 2
done
ktap_check fio_verify fio_loop_stop fault 300
counters()
{
	local delta
	delta=$(eh_counters_delta /tmp/fault.counters0)
	echo "error_counters delta: ${delta//$'\n'/, }"
	grep -q "^faults +$K\$" <<<"$delta" && grep -q "^reset_fault +$K\$" <<<"$delta" &&
		! grep -qE '^(reset_host|tm_failed|bad_replies) ' <<<"$delta"
}
ktap_check counters_faults_and_resets counters
ktap_print_msg "timing: fault injection to IOC running again $(stats_ms /tmp/fault.ms)"
ktap_finished
