#!/bin/bash
# shellcheck disable=SC2034 # the VM_* settings set here are read by vmlib.sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - boot one VM with the selftest disk fixture and run the selftests
# (selftests/run_tests.sh) against the chosen driver inside it.
#
# Usage: selftests/vm/run.sh [options] [TEST...]
#   --kernel VER     Debian kernel series or release (default 6.1 = newest
#                    installed 6.1.0-*-amd64; 6.12 = newest 6.12.*+deb12-amd64;
#                    sid = the kernel of the newest Debian-unstable root, which
#                    then is the guest's root: vm/sidroot.sh setup builds it;
#                    debug = the debug kernel, KASAN, lockdep, DMA-API
#                    debugging, kmemleak: selftests/debug/kernel.sh builds
#                    it when missing, once per machine)
#   --driver NAME    mptsas (in-kernel reference, default), mptspi (the
#                    in-kernel SPI reference, default with --fixture spi) or mptmq
#   --msi on|off     MSI on the HBA and in the driver (default off)
#   --bridge on|off  HBA behind a PCIe-to-PCI bridge (default on)
#   --hba MODEL      mptsas1068 (default) or lsi53c1030 (the test QEMU's
#                    53C1030 SPI personality; implies --qemu test; with the
#                    suite fixture use --driver mptspi or mptmq)
#   --qemu stock|test  Debian's QEMU (default) or the test build with the
#                    strict checks and fault hooks (make qemu; built when
#                    missing); a run on the test build fails when the model
#                    logged a strict-check violation
#   --ko PATH        mptmq.ko to insmod (default out/build/<kver>/drivers/
#                    scsi/mptmq/mptmq.ko, brought up to date with the tree
#                    first)
#   --smp N --mem MiB --timeout SECONDS   VM size and hard time limit
#   --fixture NAME   suite (default: scsi-ids 0-4, vm/vmlib.sh vm_suite_disks)
#                    or sas (ids 0,3,5, a LUN 1, a disk without wwn:
#                    vm_sas_disks; QEMU's QMP socket is relayed to the guest
#                    by eh/qmp-watch.py for the hot-plug tests)
#                    or spi (the test QEMU's lsi53c1030 with two functions
#                    and targets of different abilities: vm_spi_disks;
#                    implies --qemu test)
#                    or spisuite (both on one lsi53c1030: the spi fixture,
#                    and the suite's disks at scsi-ids 1-5 of function 1,
#                    vm_spisuite_disks; one boot runs the whole suite, then
#                    spi and spi_resets; implies --qemu test)
#   --name NAME      run directory out/vm/NAME (default <kver>-<driver>-msi<on|off>-bridge<on|off>,
#                    plus "sas" for --fixture sas and -qemutest on the test build)
#   --console        also copy the serial console to stdout
#   TEST...          probe identity data media_error lifecycle (default: all,
#                    i.e. TEST_PROGS of selftests/Makefile; with --fixture
#                    sas: sas_names sas_hotplug sas_functions; with --fixture spi:
#                    spi spi_resets; with --fixture spisuite: all, then
#                    spi spi_resets)
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

main()
{
	local series=6.1 name="" ko="" tests=() rc=0 fixture=suite

	while (($#)); do
		case $1 in
		--kernel) series=$2; shift ;;
		--driver) VM_DRIVER=$2; shift ;;
		--msi) VM_MSI=$2; shift ;;
		--bridge) VM_BRIDGE=$2; shift ;;
		--hba) VM_HBA=$2; shift ;;
		--qemu) VM_QEMU=$2; shift ;;
		--ko) ko=$2; shift ;;
		--smp) VM_SMP=$2; shift ;;
		--mem) VM_MEM=$2; shift ;;
		--timeout) VM_TIMEOUT=$2; shift ;;
		--name) name=$2; shift ;;
		--fixture) fixture=$2; shift ;;
		--console) VM_CONSOLE=stdio ;;
		-h|--help) usage ;;
		-*) echo "unknown option $1" >&2; usage ;;
		*) tests+=("$1") ;;
		esac
		shift
	done
	if ((${#tests[@]} == 0)); then
		if [[ $fixture == sas ]]; then
			tests=(sas_names sas_hotplug sas_functions)
		elif [[ $fixture == spi ]]; then
			tests=(spi spi_resets)
		elif [[ $fixture == spisuite ]]; then
			read -ra tests <<<"$(vm_suite_tests) spi spi_resets"
		else
			read -ra tests <<<"$(vm_suite_tests)"
		fi
	fi
	# test_leak counts live objects per allocation call site, which needs
	# SLUB's user tracking on the caches a driver allocates from.
	if [[ " ${tests[*]} " == *" leak "* && ${VM_APPEND_EXTRA:-} != *slub_debug* ]]; then
		VM_APPEND_EXTRA="${VM_APPEND_EXTRA:-}${VM_APPEND_EXTRA:+ }slub_debug=U,kmalloc-*,iommu_iova"
	fi
	# The SPI fixture is the test build's lsi53c1030 (set before the run
	# name is made); its reference is mptspi.
	if [[ $fixture == spi || $fixture == spisuite ]]; then
		VM_QEMU="test"
		: "${VM_DRIVER:=mptspi}"
	fi
	[[ ${VM_HBA:-} != lsi53c1030 ]] || VM_QEMU="test"
	vm_defaults
	VM_KVER=$(vm_pick_kernel "$series")
	case $VM_DRIVER in
	mptsas|mptspi) ;;
	mptmq)
		if [[ -z $ko ]]; then
			# Incremental: only what changed in the tree is rebuilt.
			ko=$(vm_module_path "$VM_KVER")
			mkdir -p "$VM_OUT"
			vm_build_module "$VM_KVER" >"$VM_OUT/build-$VM_KVER.log" 2>&1 ||
				{ tail -n 20 "$VM_OUT/build-$VM_KVER.log" >&2; vm_log "build failed"; exit 1; }
		fi
		[[ -e $ko ]] || { vm_log "no $ko"; exit 1; }
		VM_GUEST_ENV+=("MPTMQ_KO=$(realpath "$ko")")
		;;
	*) echo "unknown driver $VM_DRIVER" >&2; usage ;;
	esac

	local qtag=""
	[[ $VM_QEMU == test ]] && qtag=-qemutest
	local htag=""
	[[ $VM_HBA == lsi53c1030 && $fixture == suite ]] && htag=-spi
	: "${name:=$VM_KVER-$VM_DRIVER-msi$VM_MSI-bridge$VM_BRIDGE${fixture/#suite/}$htag$qtag}"
	vm_rundir_new "$VM_OUT/vm/$name"
	case $fixture in
	suite) vm_suite_disks ;;
	sas)
		vm_sas_disks
		vm_qmp_watch_start
		;;
	spi)
		vm_spi_disks
		vm_qmp_watch_start
		;;
	spisuite)
		vm_spisuite_disks
		vm_qmp_watch_start
		;;
	*) echo "unknown fixture $fixture" >&2; usage ;;
	esac
	vm_suite_snapshot
	vm_log "$name: booting, results in $VM_RUNDIR"
	vm_run bash "$VM_RUNDIR/selftests/run_tests.sh" "${tests[@]}" || rc=$?
	vm_qmp_watch_stop
	vm_log "$name: VM finished in ${VM_ELAPSED}s, status $rc (QEMU: $VM_QEMU)"
	# The test build says when a driver broke a rule real firmware enforces.
	if [[ $VM_QEMU == test ]] && grep -q 'mptsas-strict: violation' "$VM_RUNDIR/qemu.log"; then
		grep 'mptsas-strict: violation' "$VM_RUNDIR/qemu.log" | head -n 20 >&2
		vm_log "$name: the test QEMU logged strict-check violations ($VM_RUNDIR/qemu.log)"
		rc=1
	fi
	[[ $VM_CONSOLE == stdio ]] || cat "$VM_RUNDIR/guest.log" 2>/dev/null || true
	if ! vm_suite_summary "${tests[@]}" || ((rc != 0)); then
		vm_log "$name: FAILED; serial console: $VM_RUNDIR/serial.log"
		vm_serial_tail 20 >&2
		exit 1
	fi
}

main "$@"
