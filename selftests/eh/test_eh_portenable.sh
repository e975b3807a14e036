#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_portenable.sh - a slow PortEnable (issue 10, defect 2).  Test
# QEMU only: x-port-enable-delay-ms makes every PortEnable answer after
# 12 s, more than the generic 10 s handshake wait (real SAS firmware takes
# that long to discover a big topology; mptbase allows 300 s for SAS, 30 s
# for SPI).  The model has 8 ports, each enabled in turn, so the reset
# takes about 100 s.  A host reset (sg_reset -H) then
# re-initialises the IOC: it must succeed, the disks must read again, and
# (mptmq) ioc_state must be "running" with no "timed out" handshake logged.
# With the generic 10 s handshake wait the reset fails and the IOC dies.

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

DELAY_MS=${EH_PORT_ENABLE_DELAY_MS:-12000}

slow_port_enable_reset()
{
	local t0 rc log
	model_set x-port-enable-delay-ms "$DELAY_MS" >/dev/null || { echo "qom-set failed"; return 1; }
	dmesg_mark
	t0=$(ms_now)
	timeout 400 sg_reset -H "$SG"
	rc=$?
	echo "sg_reset -H: status $rc after $(($(ms_now) - t0)) ms (PortEnable delayed $DELAY_MS ms)"
	model_set x-port-enable-delay-ms 0 >/dev/null
	log=$(dmesg_new | grep -iE 'timed out|reset|dead|PortEnable')
	echo "$log"
	((rc == 0)) || return 1
	! grep -q 'handshake for function 0x06 timed out' <<<"$log" || return 1
	[[ $MPT_DRIVER != mptmq || $(eh_ioc_state) == running ]] ||
		{ echo "ioc_state '$(eh_ioc_state)'"; return 1; }
}

disks_read()
{
	local b
	for b in "${BLKS[@]}"; do
		timeout 60 dd if="$b" of=/dev/null bs=64k count=16 iflag=direct status=none ||
			{ echo "$b does not read after the reset"; return 1; }
	done
	echo "every disk reads after the reset"
}

mpt_load_manifest
model_require
ktap_print_header
ktap_set_plan 2
mpt_require_driver
mapfile -t BLKS < <(data_blocks)
SG=$(disk_sg "$(data_disks | head -n 1)")
ktap_check reset_with_slow_port_enable slow_port_enable_reset
ktap_check disks_read disks_read
ktap_finished
