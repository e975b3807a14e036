#!/bin/bash
# shellcheck disable=SC2034 # the VM_* settings set here are read by vmlib.sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - boot one VM with the selftest disk fixture and run the selftests
# (selftests/run_tests.sh) against the chosen driver inside it.
#
# Usage: selftests/vm/run.sh [options] [TEST...]
#   --kernel VER     Debian kernel series or release (default 6.1 = newest
#                    installed 6.1.0-*-amd64; 6.12 = newest 6.12.*+deb12-amd64)
#   --driver NAME    mptsas (in-kernel reference, default) or mptmq
#   --msi on|off     MSI on the HBA and in the driver (default off)
#   --bridge on|off  HBA behind a PCIe-to-PCI bridge (default on)
#   --ko PATH        mptmq.ko to insmod (default out/build/<kver>/drivers/
#                    scsi/mptmq/mptmq.ko, built first when missing)
#   --smp N --mem MiB --timeout SECONDS   VM size and hard time limit
#   --name NAME      run directory out/vm/NAME (default <kver>-<driver>-msi<on|off>-bridge<on|off>)
#   --console        also copy the serial console to stdout
#   TEST...          probe identity data media_error lifecycle (default: all,
#                    i.e. TEST_PROGS of selftests/Makefile)
#
# Prints the guest's KTAP, then one summary line per test ("PASS name",
# "FAIL name", "SKIP name"; also in <rundir>/summary).  Exit status 0 when
# every test passed or skipped, 1 otherwise.

set -euo pipefail
. "$(dirname "$0")/vmlib.sh"

usage()
{
	sed -n '4,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

# suite_disks - the fixture every test reads from the manifest.
suite_disks()
{
	vm_add_disk d0 raw 0 0 64M		# read-only content checks
	vm_add_disk d1 raw 1 0 64M		# scratch: patterns and fio
	vm_disk_pattern d1 2048
	vm_manifest MPT_SCRATCH_DISK=d1
	vm_add_disk d2 raw 2 1 16M		# a LUN-1-only target
	vm_add_disk dn null 3 0 256M		# null-co, no backing file
	vm_add_disk db blkdebug 4 0 16M		# read errors at fixed sectors
}

# suite_summary TEST... - normalise the guest's KTAP into <rundir>/summary;
# a test without a result (VM crash, timeout) counts as failed.
suite_summary()
{
	local t line status
	: >"$VM_RUNDIR/summary"
	for t in iommu_strict "$@"; do
		[[ $t == iommu_strict ]] || t=test_$t
		line=$(grep -E "^(not )?ok [0-9]+ $t( |\$)" "$VM_RUNDIR/results.ktap" 2>/dev/null | tail -n 1)
		case $line in
		"not ok "*) status=FAIL ;;
		*"# SKIP"*) status=SKIP ;;
		"ok "*) status=PASS ;;
		*) status=FAIL line="(no result)" ;;
		esac
		echo "$status $t${line:+  $line}" >>"$VM_RUNDIR/summary"
	done
	sed 's/  .*//' "$VM_RUNDIR/summary"
	! grep -q '^FAIL' "$VM_RUNDIR/summary"
}

main()
{
	local series=6.1 name="" ko="" tests=() rc=0

	while (($#)); do
		case $1 in
		--kernel) series=$2; shift ;;
		--driver) VM_DRIVER=$2; shift ;;
		--msi) VM_MSI=$2; shift ;;
		--bridge) VM_BRIDGE=$2; shift ;;
		--ko) ko=$2; shift ;;
		--smp) VM_SMP=$2; shift ;;
		--mem) VM_MEM=$2; shift ;;
		--timeout) VM_TIMEOUT=$2; shift ;;
		--name) name=$2; shift ;;
		--console) VM_CONSOLE=stdio ;;
		-h|--help) usage ;;
		-*) echo "unknown option $1" >&2; usage ;;
		*) tests+=("$1") ;;
		esac
		shift
	done
	((${#tests[@]})) || read -ra tests <<<"$(sed -n 's/^TEST_PROGS *:= *//p' \
		"$VM_TREE/selftests/Makefile" | sed -E 's/test_([a-z_]+)\.sh/\1/g')"
	vm_defaults
	VM_KVER=$(vm_pick_kernel "$series")
	case $VM_DRIVER in
	mptsas) ;;
	mptmq)
		if [[ -z $ko ]]; then
			ko=$(vm_module_path "$VM_KVER")
			[[ -e $ko ]] || vm_build_module "$VM_KVER"
		fi
		[[ -e $ko ]] || { vm_log "no $ko"; exit 1; }
		VM_GUEST_ENV+=("MPTMQ_KO=$(realpath "$ko")")
		;;
	*) echo "unknown driver $VM_DRIVER" >&2; usage ;;
	esac

	: "${name:=$VM_KVER-$VM_DRIVER-msi$VM_MSI-bridge$VM_BRIDGE}"
	vm_rundir_new "$VM_OUT/vm/$name"
	suite_disks
	# Run a snapshot of the tests: the tree may change during the run.
	mkdir "$VM_RUNDIR/selftests"
	cp "$VM_TREE"/selftests/{*.sh,settings,Makefile} "$VM_RUNDIR/selftests/"
	vm_log "$name: booting, results in $VM_RUNDIR"
	vm_run bash "$VM_RUNDIR/selftests/run_tests.sh" "${tests[@]}" || rc=$?
	vm_log "$name: VM finished in ${VM_ELAPSED}s, status $rc"
	[[ $VM_CONSOLE == stdio ]] || cat "$VM_RUNDIR/guest.log" 2>/dev/null || true
	if ! suite_summary "${tests[@]}" || ((rc != 0)); then
		vm_log "$name: FAILED; serial console: $VM_RUNDIR/serial.log"
		vm_serial_tail 20 >&2
		exit 1
	fi
}

main "$@"
