#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_sense64.sh - sense data above 4 GiB (issue 10, defect 1).  Test
# QEMU only, in a 5 GiB guest without an IOMMU (eh/run.sh group "bigmem"),
# so that the driver's sense pool can be allocated above 4 GiB; the test
# QEMU, like a real IOC, writes sense through the 32-bit SenseBufferLowAddr
# alone unless the request's MsgFlags ask for 64-bit sense addresses.  The
# blkdebug disk fails every read of LBA 12288 with MEDIUM ERROR; it is read
# EH_SENSE_READS times (default 20) through SG_IO (sg_raw READ(10)), and
# each time the sense data must arrive intact: sense key MEDIUM ERROR, ASC
# 0x11 (unrecovered read error), and the test QEMU must have logged no
# "sense-width" violation (a 32-bit sense address with a non-zero
# SenseBufferHighAddr: the sense went to the low 4 GiB - memory corruption;
# the midlayer may still get the sense with its own REQUEST SENSE, so the
# sense check alone cannot tell).  mptmq: the sense pool must lie above
# 4 GiB (debugfs pools), else the check proves nothing and is skipped.

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

N=${EH_SENSE_READS:-20}

# sense_above_4g - where the driver put its sense pool.
sense_above_4g()
{
	local f addr
	f=/sys/kernel/debug/mptmq/$(basename "$(mpt_pci_dev)")/pools
	[[ -r $f ]] || { echo "no $f"; return 1; }
	addr=$(awk '$1 == "sense" { print $2 }' "$f")
	echo "sense pool at $addr ($(awk '$1 == "sense" { print $3 }' "$f") bytes)"
	((addr >= 0x100000000)) || return "$KSFT_SKIP"
}

# sense_intact - every failing read returns MEDIUM ERROR sense.
sense_intact()
{
	local i out bad=0
	for ((i = 1; i <= N; i++)); do
		out=$(timeout 60 sg_raw -r 512 "$SG" 28 00 00 00 30 00 00 00 01 00 2>&1)
		if ! grep -q 'Medium Error' <<<"$out" || ! grep -qi 'unrecovered read error' <<<"$out"; then
			bad=$((bad + 1))
			((bad <= 3)) && echo "read $i: ${out//$'\n'/ | }"
		fi
	done
	echo "$N reads of LBA 12288: $((N - bad)) with MEDIUM ERROR / unrecovered read error sense, $bad without"
	((bad == 0))
}

mpt_load_manifest
model_require
ktap_print_header
ktap_set_plan 3
mpt_require_driver
BD=$(disks_of_kind blkdebug | head -n 1)
[[ -n $BD ]] || ktap_exit_fail_msg "no blkdebug disk in the manifest"
SG=$(disk_sg "$BD")
ktap_print_msg "$(grep MemTotal /proc/meminfo), disk $BD ($SG)"
if [[ $MPT_DRIVER == mptmq ]]; then
	ktap_check sense_pool_above_4g sense_above_4g
else
	ktap_test_skip sense_pool_above_4g "$MPT_DRIVER does not show where its sense pool is"
fi
ktap_check sense_intact sense_intact
ktap_check no_sense_width_violation model_no_violation sense-width
ktap_finished
