#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ref_hooks.sh [--driver NAME] [--kernel VER] [SCENARIO...] - each fault hook
# of the test QEMU (and SAS hot-plug events) exercised once against a
# driver, the in-kernel reference mptsas by default, in VMs on the test
# build (selftests/qemu/guest_ref_hooks.sh does the work in the guest).
# What the driver did is printed as "# ref <scenario>: ..." lines and kept
# in out/qemu/ref-hooks-<kver>-<driver>-<group>/guest.log; a hang is bounded
# by timeouts and shows as such.
#
# Scenarios: port_enable_delay lose_irqs drop_replies tm_delay msglength
# sensecount transfercount fault sas_hotplug duplicate unknown_context
# frame_outside bad_context stale_doorbell surprise_removed.  Without
# arguments all run; those that may end the guest get a VM each.  Given
# scenarios run in one VM, in that order.  A scenario the VM ended in
# passes when its hook acted (the driver's fate is the finding); those
# after it fail as not run.
#
# Prints "PASS|FAIL|SKIP ref-hooks/<driver>/<scenario>" per scenario; exit
# status 1 if any failed.  Strict-check violations the model logged are
# reported per VM ("# strict: ..."), not failed on: hooks provoke some.

set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../vm/vmlib.sh"

MAIN_GROUP="port_enable_delay lose_irqs drop_replies tm_delay msglength sensecount
	transfercount fault sas_hotplug"
# A VM each: a driver that trusts a hostile context may crash the guest;
# after a pm_test suspend/resume, or mptbase removing a dead IOC, the guest
# was seen to stop making progress (bounded by the VM timeout).
OWN_VM="duplicate unknown_context frame_outside bad_context stale_doorbell surprise_removed"
FAILED=0

# run_vm GROUPNAME SCENARIO... - one VM on the test QEMU running them.
run_vm()
{
	local group=$1 rc=0 s line
	shift
	vm_rundir_new "$VM_OUT/qemu/ref-hooks-$VM_KVER-$VM_DRIVER-$group"
	vm_add_disk d0 raw 0 0 16M
	vm_add_disk d1 raw 1 0 64M
	mkdir "$VM_RUNDIR/selftests"
	cp "$VM_SELFTESTS/lib.sh" "$VM_SELFTESTS/eh/eh_lib.sh" "$HERE/guest_ref_hooks.sh" \
	   "$VM_RUNDIR/selftests/"
	VM_QEMU_EXTRA=()
	vm_qmp_watch_start
	echo "# ref-hooks: VM $group ($VM_KVER, $VM_DRIVER, QEMU test): $*"
	vm_run bash "$VM_RUNDIR/selftests/guest_ref_hooks.sh" "$@" || rc=$?
	vm_qmp_watch_stop
	grep '^# ref ' "$VM_RUNDIR/guest.log" 2>/dev/null
	grep -h 'mptsas-strict: violation' "$VM_RUNDIR/qemu.log" 2>/dev/null |
		sed -E 's/(: violation: [a-z-]+): .*/\1/' | sort | uniq -c | sed 's/^ */# strict: /'
	if ((rc == VM_RC_TIMEOUT || rc == VM_RC_NORESULT)); then
		echo "# ref-hooks: VM $group ended without finishing (status $rc): the guest crashed or hung"
		vm_serial_tail 25 | sed 's/^/# serial: /'
	fi
	local ended=""
	for s in "$@"; do
		line=$(grep -E "^(not )?ok [0-9]+ $s( |\$)" "$VM_RUNDIR/guest.log" 2>/dev/null)
		case $line in
		"not ok "*) echo "FAIL ref-hooks/$VM_DRIVER/$s"; FAILED=1 ;;
		*"# SKIP"*) echo "SKIP ref-hooks/$VM_DRIVER/$s" ;;
		"ok "*) echo "PASS ref-hooks/$VM_DRIVER/$s" ;;
		*)
			if [[ -n $ended ]]; then
				echo "# ref $s: not run: the VM ended in $ended"
				echo "FAIL ref-hooks/$VM_DRIVER/$s"
				FAILED=1
			elif grep -q "^mptsas-hook: $(scen_prop "$s"):" "$VM_RUNDIR/qemu.log"; then
				# The guest died or hung in this scenario after
				# the hook acted: a finding about the driver,
				# recorded above.
				echo "# ref $s: the guest did not finish it (see above)"
				echo "PASS ref-hooks/$VM_DRIVER/$s"
			else
				echo "FAIL ref-hooks/$VM_DRIVER/$s"
				FAILED=1
			fi
			ended=${ended:-$s}
			;;
		esac
	done
}

# scen_prop SCENARIO - the model's log tag of the hook the scenario uses.
scen_prop()
{
	case $1 in
	port_enable_delay) echo x-port-enable-delay-ms ;;
	tm_delay) echo x-tm-delay-ms ;;
	msglength|sensecount|transfercount|duplicate|unknown_context|frame_outside|bad_context)
		echo x-hostile-reply ;;
	stale_doorbell) echo x-stale-doorbell-after-resume ;;
	sas_hotplug) echo sas-event ;;
	*) echo "x-${1//_/-}" ;;
	esac
}

main()
{
	local series=6.1 s
	local -a scen=()

	VM_DRIVER=mptsas VM_QEMU=test VM_TIMEOUT=900 VM_MSI=off
	[[ -n ${REF_MPT_DEBUG:-} ]] && VM_GUEST_ENV+=("REF_MPT_DEBUG=$REF_MPT_DEBUG")
	[[ -n ${REF_FTRACE:-} ]] && VM_GUEST_ENV+=("REF_FTRACE=$REF_FTRACE")
	while (($#)); do
		case $1 in
		--driver) VM_DRIVER=$2; shift ;;
		--kernel) series=$2; shift ;;
		-h|--help) sed -n '4,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
		*) scen+=("$1") ;;
		esac
		shift
	done
	vm_defaults
	VM_KVER=$(vm_pick_kernel "$series") || exit 1
	if [[ $VM_DRIVER == mptmq ]]; then
		vm_build_module "$VM_KVER" >"$VM_OUT/build-$VM_KVER.log" 2>&1 || { echo "build failed"; exit 1; }
		VM_GUEST_ENV+=("MPTMQ_KO=$(vm_module_path "$VM_KVER")")
	fi
	if ((${#scen[@]})); then
		run_vm "$(IFS=-; echo "${scen[*]}" | cut -c1-60)" "${scen[@]}"
	else
		# shellcheck disable=SC2086 # word lists
		run_vm main $MAIN_GROUP
		for s in $OWN_VM; do
			VM_TIMEOUT=240 run_vm "$s" "$s"
		done
	fi
	exit $FAILED
}

main "$@"
