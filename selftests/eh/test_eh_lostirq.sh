#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_lostirq.sh - a lost interrupt costs about a second, not a command
# timeout (issue 10, defect 7).  Test QEMU only: its HBA drops the next
# interrupt (x-lose-irqs 1), then one 4 KiB direct read goes to an idle
# disk.  The read must succeed without the block layer's timeout firing
# (error_counters timeouts unchanged, nothing aborted) and the lost
# interrupt must be counted (lost_interrupts +1): the watchdog found the
# reply waiting in the FIFO.  Repeated EH_LOSTIRQ times (default 3).
# mptmq only: mptbase's watchdog reads the doorbell but never the reply
# FIFO, so the reference waits for the 30 s timeout and its abort.

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

K=${EH_LOSTIRQ:-3}

# lost_one I - drop one interrupt, read a block, check how it completed.
lost_one()
{
	local i=$1 t0 ms l0 to0 ab0 rc
	l0=$(eh_counter lost_interrupts)
	to0=$(eh_counter timeouts)
	ab0=$(eh_counter tm_abort)
	model_set x-lose-irqs 1 >/dev/null || { echo "qom-set x-lose-irqs failed"; return 1; }
	t0=$(ms_now)
	dd if="$BLK" of=/dev/null bs=4k count=1 skip=$((i * 17)) iflag=direct status=none
	rc=$?
	ms=$(($(ms_now) - t0))
	echo "read $i: status $rc after $ms ms; lost_interrupts $l0 -> $(eh_counter lost_interrupts), timeouts $to0 -> $(eh_counter timeouts), tm_abort $ab0 -> $(eh_counter tm_abort)"
	((rc == 0)) || return 1
	(($(eh_counter timeouts) == to0 && $(eh_counter tm_abort) == ab0)) ||
		{ echo "the command timed out: the lost interrupt was not noticed"; return 1; }
	(($(eh_counter lost_interrupts) == l0 + 1)) ||
		{ echo "lost_interrupts did not count the lost interrupt"; return 1; }
}

mpt_load_manifest
[[ $MPT_DRIVER == mptmq ]] ||
	ktap_skip_all "the reference $MPT_DRIVER does not poll the reply FIFO (mptbase's watchdog reads only the doorbell): it waits for the command timeout"
model_require
ktap_print_header
ktap_set_plan "$K"
mpt_require_driver
# The SAS topology poll sends a Config request every sas_poll_ms: its reply's
# interrupt drains the FIFO too (a recovery as good as the watchdog's), which
# would hide whether the watchdog does.  Off for the test, restored after.
POLL=/sys/module/mptmq/parameters/sas_poll_ms
if [[ -w $POLL ]]; then
	POLL_MS=$(<"$POLL")
	trap 'echo "$POLL_MS" >"$POLL"' EXIT
	echo 0 >"$POLL"
	sleep 2
fi
mapfile -t DISKS < <(data_disks)
BLK=$(disk_block "${DISKS[0]}")
ktap_print_msg "disk ${DISKS[0]} ($BLK), timeout $(<"/sys/block/${BLK##*/}/device/timeout") s"
for ((i = 1; i <= K; i++)); do
	ktap_check "lost_irq_$i" lost_one "$i"
done
ktap_finished
