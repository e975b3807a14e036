#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_eventack.sh - every event that asks for an EventAck is acked
# exactly once, under I/O (issue 10, defect 9).  Test QEMU only: with
# x-event-ack-required its HBA sends events with AckRequired and each its
# own EventContext, and x-event-storm sends EH_EVENTACK_EVENTS (default
# 256) LOG_DATA events in bursts of up to 32 waiting for their ack (a
# burst is in the reply FIFO before the host looks; every fourth event is
# malformed: its EventDataLength runs past the reply frame) while fio
# writes and verifies both disks.  Checks:
#   storm_sent      the model sent them all within EH_EVENTACK_LIMIT s
#                   (default 120; it sends a burst only when the previous
#                   one was acked, so lost acks stall it)
#   acked_once      the model received one EventAck per event, each naming
#                   an event waiting for it (x-event-acks ==
#                   x-events-ack-required, x-event-acks-unmatched 0)
#   driver_agrees   mptmq's debugfs events file: ack_required and acks
#                   both grew by the number sent, nothing dropped
#   ioc_up          no IOC reset or fault, the IOC still RUNNING
#   io_continues    fio write+verify clean during and after the storm
#   no_problems     no strict-check violation, no kernel warning
# Then a second storm of EH_EVENTACK_BURST_EVENTS (default 256) with
# x-event-storm-burst EH_EVENTACK_BURST (default 100) events waiting for
# their ack at once: more than mptmq's 64-entry event ring, so events are
# dropped there, but never their acks (they wait in the ack backlog):
#   burst_storm_sent, burst_acked_once   as above, for the second storm
#   burst_ring_overflow_acks_kept  mptmq's debugfs events file: events were
#                   dropped (else the phase proved nothing), acks grew by
#                   the number sent, acks_lost 0, nothing still owed
# The reference mptsas runs it too (mptbase acks in its interrupt handler,
# SendEventAck); it has no event counters, so driver_agrees and
# burst_ring_overflow_acks_kept are SKIPs there.  Known reference failure:
# burst_acked_once (a SKIP naming it when it fails): SendEventAck takes a
# request frame from the pool the I/O uses and drops the ack when none is
# free, and a burst of 100 under fio finds none (140 of 256 acked, 6.12).

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

N=${EH_EVENTACK_EVENTS:-256}
LIMIT=${EH_EVENTACK_LIMIT:-120}
BURST_N=${EH_EVENTACK_BURST_EVENTS:-256}
BURST=${EH_EVENTACK_BURST:-100}

# mptmq's debugfs events counter NAME (0 when there is none).
ev_counter()
{
	local v=""
	[[ -r $DBG/events ]] && v=$(awk -v n="$1" '$1 == n { print $2 }' "$DBG/events")
	echo "${v:-0}"
}

model_counters()
{
	echo "model: sent with AckRequired $(model_get x-events-ack-required)," \
	     "EventAcks $(model_get x-event-acks), unmatched $(model_get x-event-acks-unmatched)," \
	     "storm left $(model_get x-event-storm)"
}

storm_sent()
{
	local deadline=$((SECONDS + LIMIT)) left t0
	t0=$(ms_now)
	model_set x-event-storm "$N" >/dev/null || { echo "qom-set x-event-storm failed"; return 1; }
	while left=$(model_get x-event-storm) && ((left > 0)); do
		if ((SECONDS >= deadline)); then
			echo "$left of $N events still unsent after ${LIMIT}s (acks missing?)"
			model_counters
			return 1
		fi
		sleep 0.5
	done
	echo "$N events sent in $(($(ms_now) - t0)) ms"
}

acked_once()
{
	local need acks bad deadline=$((SECONDS + 30))
	# The last burst's acks may still be on their way.
	while :; do
		need=$(model_get x-events-ack-required) acks=$(model_get x-event-acks)
		bad=$(model_get x-event-acks-unmatched)
		((acks - A0 >= need - R0 || SECONDS >= deadline)) && break
		sleep 0.5
	done
	sleep 1
	need=$(model_get x-events-ack-required) acks=$(model_get x-event-acks)
	bad=$(model_get x-event-acks-unmatched)
	echo "model: $((need - R0)) events asked for an ack, $((acks - A0)) EventAcks, $((bad - U0)) unmatched"
	((need - R0 == N && acks - A0 == need - R0 && bad == U0))
}

driver_agrees()
{
	local req acks drop
	req=$(($(ev_counter ack_required) - D_REQ0))
	acks=$(($(ev_counter acks) - D_ACK0))
	drop=$(($(ev_counter dropped) - D_DROP0))
	echo "driver: ack_required +$req, acks +$acks, dropped +$drop"
	((req == N && acks == N && drop == 0))
}

# baseline - the model's and the driver's counters before a storm.
baseline()
{
	R0=$(model_get x-events-ack-required) A0=$(model_get x-event-acks)
	U0=$(model_get x-event-acks-unmatched)
	D_REQ0=$(ev_counter ack_required) D_ACK0=$(ev_counter acks) D_DROP0=$(ev_counter dropped)
	D_LOST0=$(ev_counter acks_lost)
}

burst_ring_overflow_acks_kept()
{
	local acks drop lost owed
	acks=$(($(ev_counter acks) - D_ACK0))
	drop=$(($(ev_counter dropped) - D_DROP0))
	lost=$(($(ev_counter acks_lost) - D_LOST0))
	owed=$(ev_counter acks_owed)
	echo "driver: acks +$acks of $N, dropped +$drop, acks_lost +$lost, acks_owed $owed"
	((drop > 0)) || { echo "the event ring never overflowed: nothing shown"; return 1; }
	((acks == N && lost == 0 && owed == 0))
}

# storm_checks PREFIX DRIVER_CHECK [REF_WHY] - one storm's results: the
# model sent it all, each ack came once (REF_WHY: the reference is known to
# lose acks here, and why), and (mptmq only: the reference has no event
# counters) DRIVER_CHECK.
storm_checks()
{
	ktap_check "$1storm_sent" storm_sent
	if [[ -n ${3:-} ]]; then
		check_or_known_ref "$1acked_once" "$3" acked_once
	else
		ktap_check "$1acked_once" acked_once
	fi
	if [[ $MPT_DRIVER == mptmq ]]; then
		ktap_check "$2" "$2"
	else
		ktap_test_skip "$2" "the reference $MPT_DRIVER has no event counters"
	fi
}

ioc_up()
{
	local delta st
	delta=$(eh_counters_delta /tmp/eventack.counters | grep -E '^(reset_|faults)')
	st=$(eh_ioc_state)
	echo "ioc_state ${st:-?}; counters moved: $(eh_counters_delta /tmp/eventack.counters | tr '\n' ' ')"
	[[ -z $delta ]] || return 1
	[[ $MPT_DRIVER != mptmq || $st == *RUNNING* || $st == *running* ]]
}

no_problems()
{
	local p rc=0
	model_no_violation "" || rc=1
	if p=$(dmesg_problems); then
		echo "no kernel warnings"
	else
		echo "kernel log: $(head -n 5 <<<"$p")"
		rc=1
	fi
	return "$rc"
}

mpt_load_manifest
model_require
ktap_print_header
ktap_set_plan 9
mpt_require_driver
mapfile -t BLKS < <(data_blocks)
DBG=/sys/kernel/debug/mptmq/$(basename "$(mpt_pci_dev)")
if [[ $MPT_DRIVER == mptmq && ! -r $DBG/events ]]; then
	ktap_exit_fail_msg "no $DBG/events (debugfs not mounted?)"
fi
dmesg_mark
eh_counters >/tmp/eventack.counters
model_set x-event-ack-required true >/dev/null || ktap_exit_fail_msg "qom-set x-event-ack-required failed"
baseline
ktap_print_msg "$N events, disks ${BLKS[*]}; $(model_counters)"
fio_loop_start eventack "${BLKS[@]}"
sleep 2
storm_checks "" driver_agrees
# The second storm: bursts larger than the driver's event ring.
N=$BURST_N
model_set x-event-storm-burst "$BURST" >/dev/null || ktap_exit_fail_msg "qom-set x-event-storm-burst failed"
baseline
ktap_print_msg "$N events in bursts of $BURST; $(model_counters)"
storm_checks burst_ burst_ring_overflow_acks_kept \
	"mptbase sends each EventAck from its interrupt handler in a request frame of the pool the I/O uses, and SendEventAck drops the ack when none is free (mptbase.c, a debug print only): 100 events at once under fio at queue depth 32 run it dry (seen: 140 of 256 acked)"
model_set x-event-storm-burst 0 >/dev/null
sleep 2
ktap_check ioc_up ioc_up
ktap_check io_continues fio_loop_stop eventack 300
model_set x-event-ack-required false >/dev/null
ktap_check no_problems no_problems
ktap_finished
