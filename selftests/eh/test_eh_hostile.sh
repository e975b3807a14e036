#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_hostile.sh - hostile replies (issue 10, defect 10).  Test QEMU
# only: x-hostile-reply makes the model corrupt its next reply in one way
# (unknown-context, bad-context, duplicate, frame-outside, msglength,
# sensecount, transfercount).  For each, under fio write+verify: the driver
# keeps running (ioc_state "running", I/O moving), the kernel logs no
# warning, oops or double completion (the runner checks the log), and for
# the replies that name no command of ours or cannot be trusted
# (unknown-context, bad-context, duplicate, frame-outside, msglength) the
# reply is dropped and counted (bad_replies +1).  sensecount and
# transfercount are bounded, not dropped: the command completes with its
# counts clamped.  At the end every fio round verifies.  mptmq only: the
# reference has no bad-reply counter.

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

HOOKS=(unknown-context bad-context duplicate frame-outside msglength sensecount transfercount)

# one_hook HOOK - corrupt one reply, then check the driver got over it.
one_hook()
{
	local hook=$1 bad0 io0 deadline b
	bad0=$(eh_counter bad_replies)
	model_set x-hostile-reply "\"$hook\"" >/dev/null || { echo "qom-set x-hostile-reply $hook failed"; return 1; }
	# The hook fires on the next reply; give fio a moment to produce it.
	sleep 2
	case $hook in
	sensecount|transfercount) ;;
	*)
		deadline=$((SECONDS + 40))
		until (($(eh_counter bad_replies) > bad0)); do
			((SECONDS < deadline)) || { echo "$hook: bad_replies still $bad0 after 40 s"; return 1; }
			sleep 0.2
		done
		;;
	esac
	[[ $(eh_ioc_state) == running ]] || { echo "$hook: ioc_state '$(eh_ioc_state)'"; return 1; }
	for b in "${BLKS[@]}"; do
		io0=$(io_done "$b")
		deadline=$((SECONDS + 60))
		until (($(io_done "$b") > io0)); do
			((SECONDS < deadline)) || { echo "$hook: no I/O on $b for 60 s"; return 1; }
			sleep 0.2
		done
	done
	echo "$hook: bad_replies $bad0 -> $(eh_counter bad_replies), ioc_state running, I/O moving"
}

mpt_load_manifest
[[ $MPT_DRIVER == mptmq ]] || ktap_skip_all "the reference $MPT_DRIVER has no bad-reply counter to check"
model_require
ktap_print_header
ktap_set_plan $((${#HOOKS[@]} + 1))
mpt_require_driver
mapfile -t BLKS < <(data_blocks)
fio_loop_start hostile "${BLKS[@]}"
sleep 2
for h in "${HOOKS[@]}"; do
	ktap_check "hostile_$h" one_hook "$h"
done
ktap_check fio_verify fio_loop_stop hostile 300
ktap_finished
