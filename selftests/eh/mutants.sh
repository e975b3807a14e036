#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mutants.sh - show that the EH tests fail when the handling they check is
# broken: build throwaway copies of mptmq (under ${TMPDIR:-/tmp}, never in
# the tree) with one piece of error handling stubbed out, and run the EH
# tests that must catch it through selftests/eh/run.sh --ko.
#
# Usage: selftests/eh/mutants.sh [--kernel 6.1] [MUTANT...]   (default: all)
# Prints each run's KTAP summary and one line per mutant:
#   CAUGHT <mutant>: <failed subtests>   the tests failed, as they must
#                                        (including the expected subtest)
#   MISSED <mutant>                      they passed, or failed elsewhere
#   ERROR <mutant>                       no verdict (patch, build, load)
# Exit status 1 when a mutant was missed.

set -uo pipefail
EH_DIR=$(cd "$(dirname "$0")" && pwd)
TREE=$(cd "$EH_DIR/../.." && pwd)
series=6.1
[[ ${1:-} == --kernel ]] && { series=$2; shift 2; }
. "$TREE/selftests/vm/vmlib.sh"
. "$TREE/selftests/mutant_lib.sh"
KVER=$(vm_pick_kernel "$series") || exit 1

# name|file|perl substitution|tests|subtests that must fail (regex)|what it breaks
MUTANTS=(
"tm_fail|mptmq_eh.c|s/(\tint slot, ret;\n)/\$1\n\tif (type) return -EIO;\n/|resets slow|reset_device|every task management request fails at once (abort, LUN/target/bus reset handlers return FAILED)"
"reset_did_ok|mptmq_ioc.c|s/(lockdep_assert_held\(&ioc->ioc_mutex\);\n\tmptmq_fail_all\(ioc, )DID_RESET/\$1DID_OK/|slow|ioc_reset_requeues_held_command|an IOC reset completes the commands the IOC forgot as successful (DID_OK instead of DID_RESET)"
"no_fault_watch|mptmq_eh.c|s/if \(mptmq_state\(ioc\) == MPTMQ_STATE_RUNNING &&/if (0 \&\& mptmq_state(ioc) == MPTMQ_STATE_RUNNING \&\&/|fault|fault_1_detected_and_recovered|the watchdog ignores a FAULTed IOC"
"no_sense|mptmq_reply.c|s/if \(res.sense_len\)/if (0 \&\& res.sense_len)/|medium|midlayer_eh_never_ran|CHECK CONDITION completes without the sense data"
"event_one_slot|mptmq_config.c|s/if \(ioc->event_count < MPTMQ_EVENT_RING\) \{/if (ioc->event_count < 1) {/; s/\} else \{\n\t\tioc->event_overflow = true;\n/} else {\n\t\tioc->event_ring[ioc->event_head] = *rec;\n\t\tqueued = true;\n\t} if (0) {\n/|--qemu test eventack|acked_once|one pending event slot, overwritten by the next event from the interrupt handler (the 0.3.0 event path): acks are lost"
"event_ack_skip_malformed|mptmq_config.c|s/\t\tif \(rec\.ack\)\n\t\t\tmptmq_event_ack/\t\tif (rec.ack \&\& !rec.malformed)\n\t\t\tmptmq_event_ack/|--qemu test eventack|acked_once|a malformed event is not acknowledged"
"event_overflow_drops_ack|mptmq_config.c|s/if \(rec->ack && ioc->event_acks_owed_count </if (0 \&\& rec->ack \&\& ioc->event_acks_owed_count </|--qemu test eventack|burst_acked_once|an event the full ring drops loses its EventAck too (the stop 10 event path)"
"no_pci_recovery_deadline|mptmq_eh.c|s/\t\tschedule_delayed_work\(&ioc->pci_recovery,/\t\tif (0)\n\t\t\tschedule_delayed_work(\&ioc->pci_recovery,/|aer|fatal_io_ends|a frozen channel whose recovery fails (6.1/6.12 call no driver then) is waited for forever"
"remove_keeps_watchdog|mptmq_main.c|s/\tmptmq_watchdog_stop\(ioc\);\n(\tcancel_work_sync\(&ioc->event_work\);\n\tmptmq_ioc_stop)/\$1/|hotplug|eh_hotplug|remove() leaves the doorbell watchdog running after the IOC is freed"
)

want=("$@")
missed=0
for m in "${MUTANTS[@]}"; do
	IFS='|' read -r name file subst tests expect what <<<"$m"
	((${#want[@]})) && [[ " ${want[*]} " != *" $name "* ]] && continue
	d=${TMPDIR:-/tmp}/mptmq-mutant-$name-$KVER
	rm -rf "$d"
	mkdir -p "$d"
	cp -r "$TREE"/{Kbuild,drivers,include} "$d/"
	f=$d/drivers/scsi/mptmq/$file
	if ! mutant_apply "$f" "$subst"; then
		echo "ERROR $name: the substitution did not apply to $file"
		missed=1
		continue
	fi
	echo "# mutant $name: $what"
	diff -u "$f.orig" "$f" | sed 's/^/#   /'
	make -C "/lib/modules/$KVER/build" M="$d" modules >"$d/build.log" 2>&1 || {
		echo "ERROR $name: build failed ($d/build.log)"
		missed=1
		continue
	}
	# The guest sees the host's / but has its own /tmp: the module goes
	# where the guest can read it.
	mkdir -p "$VM_OUT/eh/mutants"
	ko=$VM_OUT/eh/mutants/$name-$KVER.ko
	cp "$d/drivers/scsi/mptmq/mptmq.ko" "$ko"
	# shellcheck disable=SC2086 # tests is a list of words
	out=$(EH_RESETS=${EH_RESETS:-2} EH_FAULTS=${EH_FAULTS:-1} EH_RECOVERY_RESETS=${EH_RECOVERY_RESETS:-2} \
	      "$EH_DIR/run.sh" --kernel "$KVER" --driver mptmq --ko "$ko" \
	      --name "mutant-$name" $tests 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/#   /' >"$VM_OUT/eh/mutant-$name.log"
	fails=$(grep -E '^ *not ok' <<<"$out" | sed -E 's/^ *not ok [0-9]+ //' | sort -u | tr '\n' ' ')
	if grep -q 'cannot load' <<<"$out"; then
		echo "ERROR $name: the mutant module did not load (log $VM_OUT/eh/mutant-$name.log)"
		missed=1
	elif ((rc != 0)) && grep -qE "$expect" <<<"$fails"; then
		echo "CAUGHT $name: $fails"
	else
		echo "MISSED $name (log $VM_OUT/eh/mutant-$name.log)"
		missed=1
	fi
done
exit "$missed"
