#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - the debug-kernel lane ("make check-debug"): the VM suite and the
# error-handling suite on the debug kernel of kernel.sh (KASAN, lockdep,
# DEBUG_ATOMIC_SLEEP, DMA-API debugging for the driver under test, kmemleak,
# UBSAN, debugobjects), with mptmq and with the in-kernel mptsas (so a report
# the kernel's own SCSI/IOMMU code gives for both is told from ours).
#
# Usage: selftests/debug/check.sh [--tests "T..."] [--ref-tests "T..."]
#                                   [--eh "T..."] [--no-ref]
#   --tests "T..."  VM suite tests with mptmq (default DEBUG_TESTS below;
#                   "all": every TEST_PROGS entry, as vm/run.sh)
#   --ref-tests "T..."  VM suite tests with mptsas (default "probe data")
#   --eh "T..."     EH suite tests (default "resets recovery medium fault":
#                   the "main" VM of eh/run.sh; "" for none)
#   --no-ref        no mptsas VM
#
# The default set: the tests whose driver paths the tools watch (probe and
# teardown, I/O, error completions, SG_IO passthrough, unload/reload
# cycles, queue depth changes).  Left out: sysfs and trace (attribute and
# tracepoint reads), bind (the same probe/remove paths as lifecycle), leak
# (its slub_debug leak count is what the lane's kmemleak and DMA-API leak
# checks do) and dkms (packaging; the debug kernel has no headers
# package).  On the debug kernel a test takes about four times its time
# on Debian's kernel; the whole suite does not fit a 40-min lane.
#
# Each VM's serial console, and what guest-init.sh keeps after the suite
# (it unbinds the HBA drivers, then: the DMA-API entries still held for the
# HBA, i.e. leaked mappings, and a kmemleak scan) are searched for the
# tools' reports: any "BUG:" (KASAN's among them), "WARNING:", lockdep's,
# DMA-API's, UBSAN's, ODEBUG's, leaked DMA entries and unreferenced objects
# (kmemleak, after three scans).  In the mptsas VM, the reports that are the
# reference driver's own (debug/lib.sh REF_KNOWN, objects allocated through
# drivers/message/fusion) are known reference findings, printed, not failed.
# Prints the boot lines that show each tool active,
# one PASS/FAIL line per VM (the suite's own result and the reports) and
# "time:" lines; exit status 1 when anything failed.
#
# Environment: MPTMQ_DEBUG_TIMEOUT (hard limit per VM, default 3600 s),
# VM_MEM (guest MiB, default 2048), MPTMQ_OUT, MPTMQ_CACHE.

set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SELFTESTS=$(cd "$HERE/.." && pwd)
. "$SELFTESTS/vm/vmlib.sh"
. "$HERE/lib.sh"
TIMEOUT=${MPTMQ_DEBUG_TIMEOUT:-3600}
DEBUG_TESTS="probe identity data media_error sgio lifecycle qdepth"
FAILED=0

# tool_lines RUNDIR - the boot lines showing the tools on, once.
TOOLS_SHOWN=0
tool_lines()
{
	((TOOLS_SHOWN)) && return 0
	[[ -r $1/serial.log ]] || return 0
	echo "debug: the tools, from the guest's boot log ($1/serial.log):"
	grep -E "$TOOL_LINES" "$1/serial.log" | sort -u -k2 | head -n 12 | sed 's/^/    /'
	grep -E '^CONFIG_(UBSAN_BOUNDS|UBSAN_SHIFT|DEBUG_ATOMIC_SLEEP|DEBUG_OBJECTS|PROVE_LOCKING)=' \
		"$(dirname "$KROOT")/build/.config" | sed 's/^/    built with /'
	grep -qE 'kmemleak: Kernel memory leak detector initialized' "$1/serial.log" &&
		grep -qE 'KernelAddressSanitizer initialized' "$1/serial.log" &&
		grep -qE 'Lock dependency validator' "$1/serial.log" &&
		grep -qE 'DMA-API: ' "$1/serial.log" || {
		result FAIL "debug/tools" "a tool's boot line is missing in $1/serial.log"
		return 0
	}
	TOOLS_SHOWN=1
}

# check_vm NAME RUNDIR STATUS [REF] - one VM: its suite status and its
# reports.  REF=1, the reference driver's VM: its own reports (lib.sh
# REF_KNOWN, objects leaked through its modules) are printed as known
# reference findings and do not fail the lane.
check_vm()
{
	local name=$1 dir=$2 rc=$3 ref=${4:-0} known objects

	tool_lines "$dir"
	known=$( ((ref)) && known_ref_findings "$dir" | grep -c '^    known reference finding')
	if reports "$dir" "$ref"; then
		result FAIL "debug/$name" "reports above; $dir/serial.log"
	elif ((rc != 0)); then
		result FAIL "debug/$name" "the suite failed: $dir"
	else
		objects=$(grep -c '^unreferenced object' "$dir/kmemleak.txt" 2>/dev/null)
		result PASS "debug/$name" "no reports${known:+, $known known reference findings}; ${objects:-no} kmemleak objects"
	fi
}

main()
{
	local tests=$DEBUG_TESTS reftests="probe data" eh="resets recovery medium fault"
	local ref=1 t0 start=$SECONDS rc kver
	local -a tv

	while (($#)); do
		case $1 in
		--tests) tests=$2; shift ;;
		--ref-tests) reftests=$2; shift ;;
		--eh) eh=$2; shift ;;
		--no-ref) ref=0 ;;
		*) sed -n '4,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
		esac
		shift
	done
	t0=$SECONDS
	if ! bash "$HERE/kernel.sh" >/dev/null 2>"$VM_OUT/debug-kernel.log"; then
		tail -n 20 "$VM_OUT/debug-kernel.log" | sed 's/^/    /'
		result FAIL "debug/kernel" "$VM_OUT/debug-kernel.log"
		echo "0 passed, $FAILED failed"
		exit 1
	fi
	kver=$(vm_pick_kernel debug)
	KROOT=$(vm_kernel_root "$kver")
	echo "debug: kernel $kver ready in $((SECONDS - t0)) s ($(cat "$(dirname "$KROOT")/build-time"))"
	echo "time: debug-kernel $((SECONDS - t0)) s"

	[[ $tests == all ]] && tests=""
	[[ $reftests == all ]] && reftests=""
	for drv in mptmq mptsas; do
		[[ $drv == mptsas ]] && ((!ref)) && continue
		if [[ $drv == mptsas ]]; then
			read -ra tv <<<"$reftests"
		else
			read -ra tv <<<"$tests"
		fi
		t0=$SECONDS
		rc=0
		bash "$SELFTESTS/vm/run.sh" --kernel debug --driver "$drv" --timeout "$TIMEOUT" \
			--name "debug-$drv" "${tv[@]}" >"$VM_OUT/debug-$drv.log" 2>&1 || rc=$?
		grep -E '^(PASS|FAIL|SKIP) ' "$VM_OUT/debug-$drv.log" | sed 's/^/    /'
		check_vm "vm-$drv" "$VM_OUT/vm/debug-$drv" "$rc" "$([[ $drv == mptsas ]] && echo 1)"
		echo "time: debug vm-$drv $((SECONDS - t0)) s"
	done
	if [[ -n $eh ]]; then
		read -ra tv <<<"$eh"
		t0=$SECONDS
		rc=0
		rm -rf "$VM_OUT"/eh/debug-*
		bash "$SELFTESTS/eh/run.sh" --kernel debug --driver mptmq --quick --timeout "$TIMEOUT" \
			--name debug "${tv[@]}" >"$VM_OUT/debug-eh.log" 2>&1 || rc=$?
		grep -E '^(not )?ok ' "$VM_OUT/debug-eh.log" | sed 's/^/    /'
		for dir in "$VM_OUT"/eh/debug-*/; do
			[[ -d $dir ]] && check_vm "eh-mptmq-$(basename "$dir")" "${dir%/}" "$rc"
		done
		echo "time: debug eh-mptmq $((SECONDS - t0)) s"
	fi
	echo "debug: $((SECONDS - start)) s"
	((FAILED == 0))
}

main "$@"
