#!/bin/bash
# shellcheck disable=SC2034 # the VM_* settings set here are read by vmlib.sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the error-handling (EH) VM suite: boots QEMU VMs with an emulated
# LSI SAS1068 and runs the selftests/eh/test_eh_*.sh tests against mptmq or
# the in-kernel reference mptsas.
#
# Usage: selftests/eh/run.sh [options] [TEST...]
#   --kernel VER     Debian kernel series or release (default 6.1; sid: the
#                    newest Debian-unstable root's; debug: the debug kernel;
#                    see vm/run.sh)
#   --driver NAME    mptmq (default) or mptsas
#   --msi on|off     MSI on the HBA and in the driver (default off)
#   --ko PATH        mptmq.ko to load (default: built from this tree into
#                    out/eh/build/<kver>/)
#   --resets N       resets of each kind in the resets test (EH_RESETS,
#                    default 3)
#   --qemu stock|test  Debian's QEMU (default) or the test build with the
#                    fault hooks (VM_QEMU); the "model" and "bigmem" tests
#                    need the test build and are skipped without it
#   --timeout SEC    hard limit per VM (default 600)
#   --quick          every test, fewer repetitions and smaller sizes (for
#                    make check; also EH_QUICK=1): EH_RESETS=2,
#                    EH_RECOVERY_RESETS=1, EH_MEDIUM_READS=4, EH_FAULTS=1,
#                    EH_FIO_SIZE=4M; a variable set in the environment wins
#   --name NAME      run directories out/eh/NAME-<vm> (default
#                    <kver>-<driver>-msi<on|off>)
#   TEST...          resets recovery medium fault slow hotplug lostirq
#                    portenable faultdiag hostile eventack surprise sense64
#                    suspend dyingunbind aer (default all; on the stock QEMU all but
#                    the model, bigmem, dying, pm and aer groups)
#
# The tests are grouped into VMs: "main" (resets recovery medium fault),
# "slow" (a throttled disk), "hotplug" (QMP device_del/device_add of the
# HBA through qmp-watch.py), and on the test QEMU only "model" (its fault
# hooks set over QMP: lostirq portenable faultdiag hostile eventack
# surprise) and
# "bigmem" (sense64: 5 GiB guest, no IOMMU, so the sense pool can lie above
# 4 GiB), "pm" (suspend: S3 on, the watcher wakes the guest; on either
# QEMU, the stale-doorbell hook on the test build) and on the test QEMU
# "dying" (dyingunbind: the device dies during the unbind); "aer" (either
# QEMU: a non-fatal AER error injected at the bridge above the HBA, then a
# fatal one whose recovery fails).
# Prints KTAP (each VM's guest KTAP nested),
# then as its last line "N passed, N failed[, N skipped]".  Exit status 1
# when a test failed.
#
# Environment: EH_FIO_SIZE, EH_FIO_QD (fio size per disk per round, queue
# depth), EH_RECOVERY_RESETS, EH_MEDIUM_READS, EH_FAULTS, EH_SLOW_BPS,
# EH_SLOW_TIMEOUT, EH_SLOW_SIZE, EH_REF_HANGS (1: boot the reference's
# VMs that are known to hang), MPTMQ_OUT.

set -uo pipefail
EH_DIR=$(cd "$(dirname "$0")" && pwd)
. "$EH_DIR/../vm/vmlib.sh"

ALL_TESTS=(resets recovery medium fault slow hotplug lostirq portenable faultdiag hostile
	   eventack surprise sense64 suspend dyingunbind aer)
declare -A GROUP=([resets]=main [recovery]=main [medium]=main [fault]=main
		  [slow]=slow [hotplug]=hotplug [lostirq]=model [portenable]=model
		  [faultdiag]=model [hostile]=model [surprise]=model [eventack]=model [sense64]=bigmem [suspend]=pm [dyingunbind]=dying [aer]=aer)
GROUPS_ORDER=(main slow hotplug model bigmem pm dying aer)
PASSED=0 FAILED=0 SKIPPED=0 TESTNUM=0

usage()
{
	sed -n '5,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

# eh_build_module KVER - build mptmq.ko from a private copy of the tree.
eh_build_module()
{
	local kver=$1 d=$VM_OUT/eh/build/$1
	rm -rf "$d"
	mkdir -p "$d"
	cp -r "$VM_TREE"/{Kbuild,drivers,include} "$d/"
	vm_make_module "$kver" "$d" >"$VM_OUT/eh/build-$kver.log" 2>&1 || {
		tail -n 20 "$VM_OUT/eh/build-$kver.log" >&2
		return 1
	}
	echo "$d/drivers/scsi/mptmq/mptmq.ko"
}

# group_disks GROUP - the disk fixture of a VM group.
group_disks()
{
	case $1 in
	main)
		vm_add_disk d0 raw 0 0 64M	# fio + resets
		vm_add_disk d1 raw 1 0 64M	# target 1 has two LUNs:
		vm_add_disk d2 raw 1 1 64M	#  a target reset covers both
		vm_add_disk db blkdebug 3 0 16M	# MEDIUM ERROR at LBA 12288
		;;
	slow)
		vm_add_disk d0 raw 0 0 64M	# unthrottled: must be unaffected
		vm_add_disk ds raw 2 0 64M \
			drive="throttling.bps-total=${EH_SLOW_BPS:-262144}"
		vm_manifest EH_SLOW_DISK=ds
		;;
	hotplug|model|pm|dying|aer)
		vm_add_disk d0 raw 0 0 64M
		vm_add_disk d1 raw 1 0 64M
		;;
	bigmem)
		vm_add_disk d0 raw 0 0 64M
		vm_add_disk db blkdebug 3 0 16M	# MEDIUM ERROR at LBA 12288
		;;
	esac
}

# result STATUS NAME [DETAIL] - one top-level KTAP result.
result()
{
	TESTNUM=$((TESTNUM + 1))
	case $1 in
	PASS) PASSED=$((PASSED + 1)); echo "ok $TESTNUM eh_$2" ;;
	SKIP) SKIPPED=$((SKIPPED + 1)); echo "ok $TESTNUM eh_$2 # SKIP${3:+ $3}" ;;
	*) FAILED=$((FAILED + 1)); echo "not ok $TESTNUM eh_$2${3:+ # $3}" ;;
	esac
}

# run_group GROUP TEST... - boot one VM and run TEST... in it.
run_group()
{
	local group=$1 rc=0 t line mem=$VM_MEM iommu=$VM_IOMMU
	shift
	if [[ $group =~ ^(model|bigmem|dying)$ ]] && [[ ${VM_QEMU:-stock} != test ]]; then
		for t in "$@"; do
			result SKIP "$t" "needs the test QEMU (--qemu test)"
		done
		return 0
	fi
	# Known reference failure that takes the whole guest down: under
	# mptsas the device dying during the unbind hangs mptbase's own
	# removal (mpt_remove_dead_ioc_func waits for the unbind's device
	# lock, the unbind for SYNCHRONIZE CACHE to the dead IOC) and the
	# guest makes no progress until the VM's timeout (6.12, 2026-12-01).
	# EH_REF_HANGS=1 boots it anyway.
	if [[ $group == dying && $VM_DRIVER == mptsas && ${EH_REF_HANGS:-0} != 1 ]]; then
		for t in "$@"; do
			result SKIP "$t" "reference mptsas known to hang the guest here (mptbase's dead-IOC removal and the unbind deadlock; EH_REF_HANGS=1 runs it)"
		done
		return 0
	fi
	# The sense pool can only be placed above 4 GiB in a big guest without
	# an IOMMU (with one, DMA addresses are IOVAs below 4 GiB).
	[[ $group == bigmem ]] && VM_MEM=5120 VM_IOMMU=off
	vm_rundir_new "$VM_OUT/eh/$NAME-$group"
	group_disks "$group"
	mkdir "$VM_RUNDIR/selftests"
	cp "$VM_TREE"/selftests/{lib.sh,run_tests.sh} "$EH_DIR"/eh_{lib,suspend_post}.sh \
	   "$EH_DIR"/test_eh_*.sh "$VM_RUNDIR/selftests/"
	echo "timeout=${EH_TEST_TIMEOUT:-480}" >"$VM_RUNDIR/selftests/settings"
	VM_QEMU_EXTRA=()
	if [[ $group == pm ]]; then
		# S3 (off by default on q35); the watcher wakes the guest 5 s
		# after it suspended.
		VM_QEMU_EXTRA+=(-global ICH9-LPC.disable_s3=0)
		echo 5 >"$VM_RUNDIR/qmp-autowake"
	fi
	vm_qmp_watch_start
	echo "# eh: VM $group ($VM_KVER, $VM_DRIVER, msi $VM_MSI): $*; results in $VM_RUNDIR"
	vm_run bash "$VM_RUNDIR/selftests/run_tests.sh" "${@/#/eh_}" || rc=$?
	vm_qmp_watch_stop
	# The suspend test cannot write to the run directory after the resume
	# (9p does not survive S3): its KTAP is on the serial console.
	[[ $group == pm ]] && ! grep -q 'test_eh_suspend$' "$VM_RUNDIR/results.ktap" 2>/dev/null &&
		sed -n 's/\r$//; s/^.*pmtest: //p' "$VM_RUNDIR/serial.log" >>"$VM_RUNDIR/results.ktap"
	echo "# eh: VM $group finished in ${VM_ELAPSED}s, status $rc"
	sed 's/^/    /' "$VM_RUNDIR/results.ktap" 2>/dev/null
	for t in "$@"; do
		line=$(grep -E "^(not )?ok [0-9]+ test_eh_$t( |\$)" "$VM_RUNDIR/results.ktap" 2>/dev/null | tail -n 1)
		case $line in
		"not ok "*) result FAIL "$t" ;;
		*"# SKIP"*) result SKIP "$t" "$(sed -n 's/.*# SKIP *//p' \
				"$VM_RUNDIR/results/test_eh_$t.log" 2>/dev/null | head -n 1)" ;;
		"ok "*) result PASS "$t" ;;
		*) result FAIL "$t" "no result (VM status $rc; $VM_RUNDIR/serial.log)" ;;
		esac
	done
	if ((rc == VM_RC_TIMEOUT || rc == VM_RC_NORESULT)); then
		vm_serial_tail 30 | sed 's/^/# serial: /'
	fi
	VM_MEM=$mem VM_IOMMU=$iommu
}

main()
{
	local series=6.1 ko="" tests=() t g sel start=$SECONDS

	VM_DRIVER=mptmq VM_MSI=off VM_TIMEOUT=600 NAME=""
	while (($#)); do
		case $1 in
		--kernel) series=$2; shift ;;
		--driver) VM_DRIVER=$2; shift ;;
		--msi) VM_MSI=$2; shift ;;
		--ko) ko=$2; shift ;;
		--resets) export EH_RESETS=$2; shift ;;
		--timeout) VM_TIMEOUT=$2; shift ;;
		--qemu) export VM_QEMU=$2; shift ;;
		--quick) EH_QUICK=1 ;;
		--name) NAME=$2; shift ;;
		-h|--help) usage ;;
		-*) echo "unknown option $1" >&2; usage ;;
		*) tests+=("$1") ;;
		esac
		shift
	done
	# Default: every test the chosen QEMU can run (the model, bigmem and
	# dying groups need the test build's hooks).  On the stock QEMU the
	# suspend and aer tests run only when named: make check runs them once,
	# in its test-QEMU entry (suspend with the stale-doorbell hook), and
	# its stock entries stay shorter.
	if ((${#tests[@]} == 0)); then
		for t in "${ALL_TESTS[@]}"; do
			[[ ${VM_QEMU:-stock} != test && ${GROUP[$t]} =~ ^(model|bigmem|dying|pm|aer)$ ]] ||
				tests+=("$t")
		done
	fi
	if [[ ${EH_QUICK:-0} == 1 ]]; then
		: "${EH_RESETS:=2}" "${EH_RECOVERY_RESETS:=1}" "${EH_MEDIUM_READS:=4}"
		: "${EH_FAULTS:=1}" "${EH_FIO_SIZE:=4M}"
	fi
	for t in "${tests[@]}"; do
		[[ -n ${GROUP[$t]:-} ]] || { echo "unknown test $t" >&2; usage; }
	done
	VM_KVER=$(vm_pick_kernel "$series") || exit 1
	VM_BRIDGE=on VM_IOMMU=on
	vm_defaults
	mkdir -p "$VM_OUT/eh"
	case $VM_DRIVER in
	mptsas) ;;
	mptmq)
		if [[ -z $ko ]]; then
			ko=$(eh_build_module "$VM_KVER") || { echo "mptmq build failed" >&2; exit 1; }
		fi
		[[ -r $ko ]] || { echo "no module $ko" >&2; exit 1; }
		;;
	*) echo "unknown driver $VM_DRIVER" >&2; usage ;;
	esac
	# The model tests skip themselves unless the guest knows it runs on the
	# test build (the manifest says so too once vmlib.sh records MPT_QEMU).
	VM_GUEST_ENV+=("MPT_QEMU=${VM_QEMU:-stock}")
	: "${NAME:=$VM_KVER-$VM_DRIVER-msi$VM_MSI}"
	# Every VM of this run loads its own copy of the module: a build of the
	# same tree for another run (make check runs two at a time) may rewrite
	# the original while a VM is up.
	if [[ -n $ko ]]; then
		cp "$ko" "$VM_OUT/eh/$NAME.mptmq.ko" || exit 1
		VM_GUEST_ENV+=("MPTMQ_KO=$(realpath "$VM_OUT/eh/$NAME.mptmq.ko")")
		echo "# eh: module $ko (sha256 $(sha256sum <"$ko" | cut -c1-12)), copied for this run" >&2
	fi
	local kv
	for kv in EH_RESETS EH_FIO_SIZE EH_FIO_QD EH_RECOVERY_RESETS EH_MEDIUM_READS \
		  EH_FAULTS EH_SLOW_TIMEOUT EH_SLOW_SIZE EH_RESET_GAP EH_TEST_TIMEOUT; do
		[[ -n ${!kv:-} ]] && VM_GUEST_ENV+=("$kv=${!kv}")
	done

	echo "KTAP version 1"
	echo "1..${#tests[@]}"
	[[ ${EH_QUICK:-0} == 1 ]] &&
		echo "# eh: quick: EH_RESETS=$EH_RESETS EH_RECOVERY_RESETS=$EH_RECOVERY_RESETS EH_MEDIUM_READS=$EH_MEDIUM_READS EH_FAULTS=$EH_FAULTS EH_FIO_SIZE=$EH_FIO_SIZE"
	for g in "${GROUPS_ORDER[@]}"; do
		sel=()
		for t in "${ALL_TESTS[@]}"; do
			[[ ${GROUP[$t]} == "$g" && " ${tests[*]} " == *" $t "* ]] && sel+=("$t")
		done
		((${#sel[@]})) && run_group "$g" "${sel[@]}"
	done
	echo "# eh: $VM_KVER $VM_DRIVER msi $VM_MSI: $((SECONDS - start)) s"
	if ((SKIPPED)); then
		echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	else
		echo "$PASSED passed, $FAILED failed"
	fi
	((FAILED == 0))
}

main "$@"
