#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - everything "make check" runs:
#   1. per kernel: build mptmq.ko with W=1 (any compiler or modpost warning
#      fails), then run sparse over it (C=2; any report fails);
#   2. the VM selftest suite for each entry of the matrix, up to
#      MPTMQ_CHECK_JOBS VMs at a time.
# Prints one line per result and, as its last line, "N passed, N failed" (plus
# ", N skipped" when something skipped).  Exit status 1 if anything failed.
#
# Environment:
#   MPTMQ_CHECK_KERNELS  kernel series to build for (default "6.1 6.12";
#                        empty: no builds)
#   MPTMQ_CHECK_MATRIX   VM runs, "KERNEL:DRIVER[:OPT=VAL,...]" separated by
#                        spaces; OPT is msi or bridge (default on/off as in
#                        run.sh).  Default "6.1:mptsas:msi=off 6.12:mptsas:msi=on";
#                        empty: no VMs
#   MPTMQ_CHECK_TESTS    test subset, e.g. "probe data" (default: all)
#   MPTMQ_CHECK_JOBS     VMs run in parallel (default 2)
#   MPTMQ_CHECK_BUILD    0 to skip step 1
#   MPTMQ_OUT            output directory (default <tree>/out)
#   MPTMQ_TREE           tree to build (default the one holding this script)

set -uo pipefail
SELFTESTS=$(cd "$(dirname "$0")" && pwd)
. "$SELFTESTS/vm/vmlib.sh"

# Set but empty means none (no builds / no VMs).
KERNELS=${MPTMQ_CHECK_KERNELS-6.1 6.12}
MATRIX=${MPTMQ_CHECK_MATRIX-6.1:mptsas:msi=off 6.12:mptsas:msi=on}
TESTS=${MPTMQ_CHECK_TESTS:-}
JOBS=${MPTMQ_CHECK_JOBS:-2}
CHECK_OUT=$VM_OUT/check
PASSED=0
FAILED=0
SKIPPED=0

# result STATUS NAME [DETAIL] - count and print one result.
result()
{
	case $1 in
	PASS) PASSED=$((PASSED + 1)) ;;
	SKIP) SKIPPED=$((SKIPPED + 1)) ;;
	*) FAILED=$((FAILED + 1)) ;;
	esac
	printf '%-4s %s%s\n' "$1" "$2" "${3:+  ($3)}"
}

# clean_log LOG PATTERN - PASS if LOG has no line matching PATTERN, else
# print those lines and FAIL.
clean_log()
{
	local hits
	hits=$(grep -E "$2" "$1")
	[[ -z $hits ]] && return 0
	printf '%s\n' "$hits" | head -n 40 | sed 's/^/    /'
	return 1
}

# build_kernel SERIES - the W=1 build and the sparse run for one kernel.
build_kernel()
{
	local kver log rc

	if ! kver=$(vm_pick_kernel "$1" 2>/dev/null); then
		result FAIL "build/$1" "no installed kernel"
		result FAIL "sparse/$1" "no installed kernel"
		return
	fi
	log=$CHECK_OUT/build-$kver.log
	# Build from scratch so every file is compiled (warnings show only then).
	rm -rf "$VM_OUT/build/$kver"
	rc=0
	vm_build_module "$kver" W=1 >"$log" 2>&1 || rc=$?
	if ((rc != 0)); then
		tail -n 15 "$log" | sed 's/^/    /'
		result FAIL "build/$kver" "make failed, $log"
	elif clean_log "$log" 'warning:|error:|^WARNING:'; then
		result PASS "build/$kver"
	else
		result FAIL "build/$kver" "warnings, $log"
	fi

	# The objects are up to date now: C=2 runs sparse on every file only.
	log=$CHECK_OUT/sparse-$kver.log
	if ((rc != 0)); then
		result FAIL "sparse/$kver" "the module does not build"
		return
	fi
	rc=0
	vm_build_module "$kver" W=1 C=2 >"$log" 2>&1 || rc=$?
	if ((rc == 0)) && clean_log "$log" '^[^ ]+:[0-9]+(:[0-9]+)?: |warning:|error:'; then
		result PASS "sparse/$kver"
	else
		result FAIL "sparse/$kver" "sparse reports, $log"
	fi
}

# vm_entry_args ENTRY - print run.sh options for a matrix entry
# KERNEL:DRIVER[:OPT=VAL,...].
vm_entry_args()
{
	local kernel driver opts o
	IFS=: read -r kernel driver opts <<<"$1"
	echo "--kernel $kernel --driver ${driver:-mptsas}"
	IFS=, read -ra opts <<<"${opts:-}"
	for o in "${opts[@]}"; do
		case $o in
		msi=*|bridge=*) echo "--${o%%=*} ${o#*=}" ;;
		*) echo "unknown matrix option '$o' in '$1'" >&2; return 1 ;;
		esac
	done
}

# vm_entry_name ENTRY - a directory-friendly name for a matrix entry.
vm_entry_name()
{
	echo "check-${1//[:,=]/-}"
}

# run_matrix - run.sh for every matrix entry, JOBS at a time; then report
# each test of each entry from the run's summary.
run_matrix()
{
	local entry name args running=0 line status test
	local -a tests
	read -ra tests <<<"$TESTS"

	for entry in $MATRIX; do
		name=$(vm_entry_name "$entry")
		if ! args=$(vm_entry_args "$entry"); then
			result FAIL "$entry" "bad matrix entry"
			continue
		fi
		if ((running >= JOBS)); then
			wait -n
			running=$((running - 1))
		fi
		echo "vm: $entry: starting (log $CHECK_OUT/$name.log)"
		# shellcheck disable=SC2086 # args are words
		bash "$SELFTESTS/vm/run.sh" $args --name "$name" "${tests[@]}" \
			>"$CHECK_OUT/$name.log" 2>&1 &
		running=$((running + 1))
	done
	wait

	for entry in $MATRIX; do
		name=$(vm_entry_name "$entry")
		if [[ ! -s $VM_OUT/vm/$name/summary ]]; then
			tail -n 15 "$CHECK_OUT/$name.log" | sed 's/^/    /'
			result FAIL "$entry" "no results, $CHECK_OUT/$name.log"
			continue
		fi
		while read -r status test line; do
			[[ $status == PASS ]] && line=
			result "$status" "$entry/$test" "$line"
		done <"$VM_OUT/vm/$name/summary"
		grep -q '^FAIL' "$VM_OUT/vm/$name/summary" &&
			echo "    logs: $VM_OUT/vm/$name/ (results.ktap, results/, serial.log)"
	done
}

main()
{
	local k start=$SECONDS

	mkdir -p "$CHECK_OUT"
	if [[ ${MPTMQ_CHECK_BUILD:-1} != 0 ]]; then
		for k in $KERNELS; do
			build_kernel "$k"
		done
	fi
	run_matrix
	echo "check: $((SECONDS - start)) s"
	if ((SKIPPED)); then
		echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	else
		echo "$PASSED passed, $FAILED failed"
	fi
	((FAILED == 0))
}

main "$@"
