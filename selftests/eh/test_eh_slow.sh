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

mpt_load_manifest
SD=${EH_SLOW_DISK:-}
[[ -n $SD ]] || ktap_skip_all "no throttled disk (EH_SLOW_DISK) in the manifest"
mapfile -t OTHERS < <(data_disks | grep -vx "$SD")
ktap_print_header
ktap_set_plan 5
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
ktap_finished
