#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_slow.sh - a slow backend.  The slow disk (EH_SLOW_DISK of the
# manifest) is throttled by QEMU (-drive throttling.bps-total, default
# 256 KiB/s) and its sd timeout set to EH_SLOW_TIMEOUT (default 5) seconds,
# so that fio write+verify (64 KiB blocks, iodepth 32) makes commands time
# out while an unthrottled disk runs fio too.  Checks: commands did time
# out (mptmq: error_counters timeouts; mptsas: its abort messages), the
# abort/reset path recovered with every fio round on both disks verified
# (the slow disk's fio bounded to 300 s), the slow disk still answers, and
# (mptmq) the IOC was never reset - the IOC is healthy, only slow.  The
# number of IOC resets and the EH actions are reported for both drivers.
# Last (mptmq), an IOC reset while the throttle holds a read: the held
# command must come back for a retry, not as a success.

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

TMO=${EH_SLOW_TIMEOUT:-5}

slow_fio()
{
	local out rc
	out=$(cd /tmp && timeout 300 fio --name=slow --filename="$SBLK" --ioengine=libaio \
		--direct=1 --bs=64k --iodepth=32 --rw=randwrite --size="${EH_SLOW_SIZE:-2M}" \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
		--randrepeat=0 2>&1)
	rc=$?
	grep -E 'err=|WRITE:|READ:|verify|error' <<<"$out" | head -n 12
	echo "fio on the slow disk: status $rc"
	((rc == 0)) && ! grep -qE 'err= *[1-9]|verify failed|bad magic' <<<"$out"
}

timeouts_seen()
{
	local n
	if eh_has_counters; then
		n=$(eh_counter timeouts)
		echo "$(eh_counters_delta /tmp/slow.counters0 | tr '\n' ' ')"
	else
		n=$(eh_driver_resets_logged | grep -c 'attempting task abort')
		echo "reference: $n 'attempting task abort' messages"
	fi
	((n > 0)) || { echo "no command timed out: the throttle is too lax for this test"; return 1; }
}

no_ioc_reset()
{
	local delta hr hf
	delta=$(eh_counters_delta /tmp/slow.counters0)
	hr=$(awk '$1 == "reset_host" { print $2 + 0 }' <<<"$delta")
	hf=$(awk '$1 == "reset_fault" { print $2 + 0 }' <<<"$delta")
	echo "IOC resets: host ${hr:-0}, fault ${hf:-0}"
	((${hr:-0} + ${hf:-0} == 0))
}

# ioc_reset_requeues - reads queue behind the throttle (QEMU holds each
# for about a second), and the IOC is reset (mptmq debugfs) while one is
# held: the held command must come back for a retry (a retryable host
# byte such as DID_RESET in trace event scsi:scsi_dispatch_cmd_done), not
# as a success, and the reads must then succeed.
ioc_reset_requeues()
{
	local dbg pid rc n hist deadline
	dbg=/sys/kernel/debug/mptmq/$(basename "$(mpt_pci_dev)")/ioc_reset
	[[ -w $dbg ]] || { echo "no $dbg"; return "$KSFT_SKIP"; }
	done_trace_start || { echo "no tracefs"; return "$KSFT_SKIP"; }
	timeout 60 dd if="$SBLK" of=/dev/null iflag=direct bs=256k count=8 2>/tmp/slow-dd.err &
	pid=$!
	# The first read passes the throttle at once; the next ones wait.
	sleep 1.5
	deadline=$((SECONDS + 10))
	while (($(inflight "$SBLK") == 0 && SECONDS < deadline)); do
		sleep 0.02
	done
	echo "IOC reset with $(inflight "$SBLK") request(s) in flight on $SBLK"
	echo 1 >"$dbg" || echo "cannot write $dbg"
	wait "$pid"
	rc=$?
	done_trace_stop /tmp/slow.trace
	hist=$(grep -oE 'host=DID_[A-Z_]+' /tmp/slow.trace | sort | uniq -c | tr -s ' \n' ' ')
	n=$(grep -cE 'host=DID_(RESET|REQUEUE|IMM_RETRY|SOFT_ERROR|TRANSPORT_DISRUPTED)' /tmp/slow.trace)
	echo "2 MiB read: status $rc $(tr '\n' ' ' </tmp/slow-dd.err); completions with a non-zero result: ${hist:-none}; $n to be retried"
	((rc == 0 && n > 0))
}

mpt_load_manifest
SD=${EH_SLOW_DISK:-}
[[ -n $SD ]] || ktap_skip_all "no throttled disk (EH_SLOW_DISK) in the manifest"
mapfile -t OTHERS < <(data_disks | grep -vx "$SD")
ktap_print_header
ktap_set_plan 6
mpt_require_driver
SBLK=$(disk_block "$SD")
echo "$TMO" >"/sys/block/${SBLK##*/}/device/timeout"
OBLKS=()
for d in "${OTHERS[@]}"; do
	OBLKS+=("$(disk_block "$d")")
done
ktap_print_msg "slow disk $SD ($SBLK), timeout $(cat "/sys/block/${SBLK##*/}/device/timeout") s; others ${OBLKS[*]}"
eh_counters >/tmp/slow.counters0
dmesg_mark
t0=$(ms_now)
fio_loop_start other "${OBLKS[@]}"
ktap_check slow_disk_fio_verify slow_fio
ktap_print_msg "slow fio took $((($(ms_now) - t0) / 1000)) s"
ktap_check other_disks_fio_verify fio_loop_stop other 300
ktap_check commands_timed_out timeouts_seen
ktap_check slow_disk_still_ready sg_turs_retry "$(disk_sg "$SD")" 10
ktap_print_msg "EH actions logged: $(eh_driver_resets_logged | sed -E 's/.*(aborting tag|attempting [a-z ]+|LUN reset|target reset|bus reset|IOC reset|host reset).*/\1/' | sort | uniq -c | tr -s ' \n' ' ')"
if eh_has_counters; then
	ktap_print_msg "error_counters delta: $(eh_counters_delta /tmp/slow.counters0 | tr '\n' ' ')"
	ktap_check no_ioc_reset no_ioc_reset
else
	ktap_test_skip no_ioc_reset "reference $MPT_DRIVER has no error_counters; IOC resets logged: $(dmesg_new | grep -ciE 'host reset|HardReset|ioc reset')"
fi
# Last: it resets the IOC on purpose.
if [[ -d /sys/kernel/debug/mptmq ]]; then
	ktap_check ioc_reset_requeues_held_command ioc_reset_requeues
else
	ktap_test_skip ioc_reset_requeues_held_command "$MPT_DRIVER has no debugfs ioc_reset"
fi
ktap_finished
