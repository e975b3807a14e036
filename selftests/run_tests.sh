#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_tests.sh [TEST...] - the in-guest test runner (kselftest style).
#
# Runs each test_<TEST>.sh (default: TEST_PROGS of ./Makefile, in order) under
# the per-test timeout of ./settings, checks the kernel log after each one
# (a new WARNING/BUG/DMAR fault/... fails that test), and prints one KTAP
# document: first the IOMMU check, then one result per test with the test's
# own KTAP output nested (indented) above it.  Per-test logs and kernel log
# slices go to $MPT_RUNDIR/results/ (or /tmp/mptmq-results/results/), the
# KTAP to $MPT_RUNDIR/results.ktap.
# Exit status: 0 if nothing failed, 1 otherwise.

set -uo pipefail
cd "$(dirname "$0")" || exit 1
. ./lib.sh


# iommu_strict - the VM must translate DMA through a strict IOMMU, else the
# suite would not catch a driver that DMAs to unmapped or freed memory.
iommu_strict()
{
	local dev grp log rc=0

	log=$(dmesg)
	grep -q 'DMA domain TLB invalidation policy: strict mode' <<<"$log" || {
		echo "the kernel does not report the strict IOMMU policy"
		rc=1
	}
	grep -q 'DMAR: IOMMU enabled' <<<"$log" || {
		echo "DMAR is not enabled"
		rc=1
	}
	# The HBA model (mpt_pci_dev looks for its device id).
	local MPT_HBA
	MPT_HBA=$(manifest_get MPT_HBA)
	if dev=$(mpt_pci_dev); then
		grp=$(cat "$dev/iommu_group/type" 2>/dev/null)
		echo "HBA ${dev##*/} iommu group type: ${grp:-none}"
		[[ $grp == DMA ]] || rc=1
	else
		echo "no ${MPT_HBA:-mptsas1068} PCI function found"
		rc=1
	fi
	return "$rc"
}

# manifest_get NAME - NAME's value in the manifest.  The runner does not
# source the manifest itself: assigning an exported variable (say MPT_MSI
# given in the environment to override the manifest) would change what the
# tests inherit.
manifest_get()
{
	[[ -r ${MPT_MANIFEST:-} ]] || return 0
	# shellcheck source=/dev/null
	(. "$MPT_MANIFEST" && printf '%s\n' "${!1:-}")
}

# default_tests - the names in TEST_PROGS of the Makefile (test_NAME.sh).
default_tests()
{
	sed -n 's/^TEST_PROGS *:= *//p' Makefile | sed -E 's/test_([a-z_]+)\.sh/\1/g'
}

main()
{
	local tests=("$@") timeout=300 t n=1 rc out resdir failed=0 start tmo

	((${#tests[@]})) || read -ra tests <<<"$(default_tests)"
	for t in "${tests[@]}"; do
		[[ -x test_$t.sh ]] || { echo "no such test: $t" >&2; exit 1; }
	done
	[[ -r settings ]] && timeout=$(sed -n 's/^timeout=//p' settings)
	resdir=$RESULTS/results
	mkdir -p "$resdir"

	ktap_print_header
	ktap_set_plan $((${#tests[@]} + 1))
	if [[ $(manifest_get MPT_IOMMU) != off ]]; then
		ktap_check iommu_strict iommu_strict || failed=1
	else
		ktap_test_skip iommu_strict "VM without an IOMMU"
	fi
	for t in "${tests[@]}"; do
		n=$((n + 1))
		# "timeout_NAME=S" in settings overrides the default for one test.
		tmo=$timeout
		[[ -r settings ]] && tmo=$(sed -n "s/^timeout_$t=//p" settings)
		tmo=${tmo:-$timeout}
		# A slower kernel (vmlib.sh: the debug kernel) scales them all.
		tmo=$((tmo * ${MPTMQ_TIMEOUT_SCALE:-1}))
		echo "# test_$t.sh: start (timeout ${tmo}s)"
		dmesg_mark
		start=$SECONDS
		rc=0
		timeout --kill-after=10 "$tmo" bash "./test_$t.sh" \
			>"$resdir/test_$t.log" 2>&1 || rc=$?
		sed 's/^/    /' "$resdir/test_$t.log"
		if [[ $rc == 124 || $rc == 137 ]]; then
			echo "# test_$t.sh: timed out after ${tmo}s"
		else
			echo "# test_$t.sh: $((SECONDS - start)) s"
		fi
		dmesg_new >"$resdir/test_$t.dmesg"
		if out=$(dmesg_problems); then
			:
		else
			ktap_print_msg "kernel log problems during test_$t.sh:" "$out"
			rc=1
		fi
		ktap_test_result "test_$t" "$rc"
		[[ $rc == 0 || $rc == "$KSFT_SKIP" ]] || failed=1
	done
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL xfail:0 xpass:0 skip:$KTAP_CNT_SKIP error:0"
	return "$failed"
}

RESULTS=$(manifest_get MPT_RUNDIR)
RESULTS=${RESULTS:-/tmp/mptmq-results}
mkdir -p "$RESULTS"
main "$@" 2>&1 | tee "$RESULTS/results.ktap"
exit "${PIPESTATUS[0]}"
