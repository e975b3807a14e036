#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - everything "make check" runs:
#   0. the Debian-unstable root of the newest-kernel lane ("sid"), when an
#      entry names it: vm/sidroot.sh setup (cached; its set-up time is
#      printed on a line of its own);
#   1. per kernel: build mptmq.ko with W=1 (any compiler or modpost warning
#      fails), then run sparse over it (C=2; any report fails); the sid
#      kernel's build runs inside the unstable root with its compiler;
#   2. the host-side unit tests (selftests/unit, ASan + UBSan), and every
#      fuzzer over its corpus (selftests/fuzz: seeds, what fuzzing kept,
#      every crash found, as regression inputs; seconds), and
#      mutants-apply.sh (each planted bug of the mutant lists still applies);
#   2b. the test-QEMU block (test_qemu_checks: make qemu, the model tests,
#      the reference driver on the fault hooks);
#   3. dkms-setup.sh install (so test_dkms has a DKMS-installed module to
#      find; removed again when check.sh exits), on the host and inside the
#      unstable root;
#   4. the VM selftest suite for each entry of the matrix and the
#      error-handling suite (selftests/eh/run.sh) for each entry of the EH
#      matrix, up to MPTMQ_CHECK_JOBS VMs at a time;
#   5. the debug-kernel lane (selftests/debug/check.sh: the debug kernel,
#      built once per machine, then two mptmq VMs on it, by default the
#      probe and data tests and the EH resets test, failing on any KASAN/lockdep/DMA-API/UBSAN/kmemleak
#      report; make check-debug runs seven VM tests, mptsas's probe and
#      data, and the EH main VM).
# Prints one line per result, "N skipped" when something skipped, and as its
# last line "N passed, N failed".  Exit status 1 if anything failed.
#
# Environment:
#   MPTMQ_CHECK_KERNELS  kernel series to build for (default "6.1 6.12 sid";
#                        sid: the newest Debian-unstable kernel, see
#                        vm/sidroot.sh; empty: no builds)
#   MPTMQ_CHECK_MATRIX   VM runs, "KERNEL:DRIVER[:OPT=VAL,...]" separated by
#                        spaces; OPT is msi, bridge (default on/off as in
#                        run.sh), qemu (stock, or test: our test build, see
#                        vm/run.sh --qemu), tests (T1+T2: a subset) or
#                        fixture (suite, or sas: the SAS naming and
#                        hot-plug tests on their own disks, or spi: test_spi
#                        and test_spi_resets on the test QEMU's two-function
#                        lsi53c1030, or spisuite: the whole suite and then
#                        those two on that lsi53c1030 with the suite's disks
#                        beside, one boot).  Default
#                        "6.1:mptmq:msi=off 6.12:mptmq:msi=on
#                        6.12:mptsas:msi=on 6.1:mptmq:fixture=sas
#                        6.12:mptsas:fixture=sas
#                        6.12:mptmq:fixture=sas,qemu=test (SAS events,
#                        phy resets answered)
#                        6.12:mptspi:msi=off,qemu=test,fixture=spi (test_spi
#                        and test_spi_resets on the lsi53c1030)
#                        6.12:mptmq:msi=off,qemu=test,fixture=spisuite (the
#                        parallel-bus suite and the SPI tests in one VM,
#                        about 20 min, so it starts first)
#                        6.1:mptmq:msi=off,qemu=test,fixture=spi (the SPI
#                        tests; the 6.1 spisuite, 15/15, is left to
#                        `run.sh --kernel 6.1 --fixture spisuite` to keep
#                        CI well inside 90 min)
#                        sid:mptmq:msi=on sid:mptsas:msi=on,tests=probe+
#                        identity+data+media_error+sgio+qdepth (the
#                        reference on the newest kernel where it is the
#                        peer; the whole suite runs with it on 6.12, and
#                        the rest is mptmq's own features, its module's
#                        life cycle and DKMS: 5 min off CI)"; the longest
#                        VMs (the spisuite, the test-QEMU EH entry) come
#                        first in the defaults, so that two at a time end
#                        close together (the reference keeps the tests
#                        honest: every test must pass with it too, or skip
#                        where it checks mptmq-only features); empty: no VMs
#   MPTMQ_CHECK_EH       EH suite runs, "KERNEL:DRIVER[:OPT=VAL,...]", OPT
#                        msi=on|off, qemu=stock|test, tests=T1+T2 (default
#                        all that the QEMU can run).  Default
#                        "6.1:mptmq:msi=off 6.12:mptmq:msi=on sid:mptmq:msi=on
#                        6.12:mptmq:msi=on,qemu=test,tests=lostirq+portenable+
#                        faultdiag+hostile+eventack+surprise+sense64+suspend+
#                        dyingunbind+aer" (the last: the tests only the
#                        test QEMU's hooks can drive, S3 with its
#                        stale-doorbell hook, and AER recovery);
#                        empty: none)
#   MPTMQ_CHECK_UNIT     0 to skip the unit tests
#   MPTMQ_CHECK_BENCH_DRY  0 to skip bench/dry.sh (the bench's scripts, its
#                        QEMU plugin and its report arithmetic on synthetic
#                        runs; no VM, no timing)
#   MPTMQ_CHECK_FUZZ     0 to skip the fuzz corpus replay
#   MPTMQ_CHECK_DEBUG    the debug-kernel lane (step 5): "auto" (default)
#                        runs it when the debug kernel is already built and
#                        reports a SKIP otherwise (its cold build, 42 min
#                        on 2 busy cores, does not fit CI's 90 min beside
#                        the rest; `make check-debug` builds it once per
#                        machine); 1 builds it when missing and runs; 0 skips
#   MPTMQ_CHECK_DEBUG_ARGS  selftests/debug/check.sh options (default
#                        '--no-ref --tests "probe data" --eh resets': two
#                        mptmq VMs, about 11 min on the debug kernel, so
#                        that the cold kernel build fits CI's budget too;
#                        make check-debug runs seven VM tests, mptsas's
#                        probe and data, and the EH main VM)
#   MPTMQ_CHECK_DKMS     0 to skip the DKMS install (test_dkms then skips)
#   MPTMQ_CHECK_TESTS    test subset, e.g. "probe data" (default: all)
#   MPTMQ_CHECK_JOBS     VMs run in parallel (default 2)
#   MPTMQ_CHECK_VM_TIMEOUT  hard limit per suite VM in s (default 2700)
#   MPTMQ_CHECK_EH_ARGS  extra eh/run.sh options (default "--resets 20": each
#                        sg_reset kind 20 times under fio, as issue 4 asks)
#   MPTMQ_CHECK_BUILD    0 to skip step 1
#   MPTMQ_CHECK_MUTANTS  0 to skip mutants-apply.sh (every planted bug of
#                        the EH and debug mutant lists still applies)
#   MPTMQ_CHECK_TEST_QEMU  0 to skip the test-QEMU block (make qemu, the
#                        model tests, the reference driver on its hooks)
#   MPTMQ_CHECK_REF_HOOKS  1 to add the reference-driver VMs of that block
#                        (selftests/qemu/ref_hooks.sh, 15-20 min; off by
#                        default: they record what mptsas does on each hook,
#                        two scenarios hang it until their timeout, and its
#                        SAS hot-plug on the model's events is still open)
#   MPTMQ_OUT            output directory (default <tree>/out)
#   MPTMQ_TREE           tree to build (default the one holding this script)

set -uo pipefail
SELFTESTS=$(cd "$(dirname "$0")" && pwd)
. "$SELFTESTS/vm/vmlib.sh"

# Set but empty means none (no builds / no VMs).
KERNELS=${MPTMQ_CHECK_KERNELS-6.1 6.12 sid}
MATRIX=${MPTMQ_CHECK_MATRIX-6.12:mptmq:msi=off,qemu=test,fixture=spisuite 6.1:mptmq:msi=off 6.12:mptmq:msi=on 6.12:mptsas:msi=on 6.1:mptmq:fixture=sas 6.12:mptsas:fixture=sas 6.12:mptmq:fixture=sas,qemu=test 6.12:mptspi:msi=off,qemu=test,fixture=spi 6.1:mptmq:msi=off,qemu=test,fixture=spi sid:mptmq:msi=on sid:mptsas:msi=on,tests=probe+identity+data+media_error+sgio+qdepth}
EH_MATRIX=${MPTMQ_CHECK_EH-6.12:mptmq:msi=on,qemu=test,tests=lostirq+portenable+faultdiag+hostile+eventack+surprise+sense64+suspend+dyingunbind+aer 6.1:mptmq:msi=off 6.12:mptmq:msi=on sid:mptmq:msi=on}
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
	*) FAILED=$((FAILED + 1))
	   printf '%s %s%s\n' "$1" "$2" "${3:+  ($3)}" >>"$CHECK_OUT/failures" ;;
	esac
	printf '%-4s %s%s\n' "$1" "$2" "${3:+  ($3)}"
}

# evidence - append stdin (a failure's first telling lines, at most 12) to
# the digest that main prints again just before the closing line: CI shows
# only the end of the output, and a bare "FAIL name (log)" there says
# nothing about why.
evidence()
{
	head -n 12 | sed 's/^/      /' >>"$CHECK_OUT/failures"
}

# ktap_evidence LOG SCRIPT - the telling lines of one guest test (SCRIPT:
# test_data, test_eh_resets, ...) in a run_tests.sh KTAP log: its failed
# subtests, timeouts, kernel-log problems (with the lines after them) and,
# when its VM gave no result, the serial console's tail.
ktap_evidence()
{
	awk -v t="$2" '
		index($0, "# " t ".sh: start") { on = 1 }
		on { print }
		on && $0 ~ ("ok [0-9]+ " t "$") { on = 0 }' "$1" |
		grep -E -A3 'not ok|problems|timed out|no result' | grep -v '^--$'
	grep '^# serial: ' "$1" | tail -n 6
}

# part_time NAME START - print how long part NAME took since START
# ($SECONDS at its start): make check prints each part's time.
part_time()
{
	echo "time: $1 $((SECONDS - $2)) s"
}

# vm_log_time LOG - the VM seconds a run.sh or eh/run.sh log reports (the
# sum of its "finished in Ns" lines).
vm_log_time()
{
	sed -n 's/.*finished in \([0-9]*\)s.*/\1/p' "$1" 2>/dev/null | awk '{ t += $1 } END { print t + 0 }'
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
		msi=*|bridge=*|fixture=*|qemu=*) echo "--${o%%=*} ${o#*=}" ;;
		tests=*) echo "${o#*=}" | tr + ' ' ;;
		*) echo "unknown matrix option '$o' in '$1'" >&2; return 1 ;;
		esac
	done
}

# vm_entry_name ENTRY - a directory-friendly name for a matrix entry.
vm_entry_name()
{
	local e=$1 sum

	# A test list would make the name (and the QMP socket path under it,
	# at most 107 bytes) too long: a checksum of it stands in.
	if [[ $e =~ (^|[:,])tests=([^,]*) ]]; then
		sum=$(cksum <<<"${BASH_REMATCH[2]}" | cut -c1-6)
		e=${e/tests=${BASH_REMATCH[2]}/t$sum}
	fi
	e=${e/qemu=test/qt}
	echo "check-${e//[:,=]/-}"
}

# eh_entry_args ENTRY - eh/run.sh options for an EH entry KERNEL:DRIVER[:msi=X].
eh_entry_args()
{
	local kernel driver opts o kver ko
	IFS=: read -r kernel driver opts <<<"$1"
	echo "--kernel $kernel --driver ${driver:-mptmq}"
	IFS=, read -ra opts <<<"${opts:-}"
	for o in "${opts[@]}"; do
		case $o in
		msi=*|qemu=*) echo "--${o%%=*} ${o#*=}" ;;
		tests=*) echo "${o#*=}" | tr + ' ' ;;
		*) echo "unknown EH option '$o' in '$1'" >&2; return 1 ;;
		esac
	done
	# The module step 1 built and checked, when there is one.
	if [[ ${driver:-mptmq} == mptmq ]] && kver=$(vm_pick_kernel "$kernel" 2>/dev/null); then
		ko=$(vm_module_path "$kver")
		[[ -e $ko ]] && echo "--ko $ko"
	fi
	return 0
}

# start_job LOG CMD... - run CMD in the background, at most JOBS at a time.
RUNNING=0
start_job()
{
	local log=$1
	shift
	if ((RUNNING >= JOBS)); then
		wait -n
		RUNNING=$((RUNNING - 1))
	fi
	"$@" >"$log" 2>&1 &
	RUNNING=$((RUNNING + 1))
}

# report_suite ENTRY NAME - one result per test from a suite run's summary.
report_suite()
{
	local entry=$1 name=$2 status test line

	if [[ ! -s $VM_OUT/vm/$name/summary ]]; then
		tail -n 15 "$CHECK_OUT/$name.log" | sed 's/^/    /'
		result FAIL "$entry" "no results, $CHECK_OUT/$name.log"
		tail -n 8 "$CHECK_OUT/$name.log" | evidence
		return
	fi
	while read -r status test line; do
		[[ $status == PASS ]] && line=
		result "$status" "$entry/$test" "$line"
		[[ $status == FAIL ]] &&
			ktap_evidence "$VM_OUT/vm/$name/results.ktap" "$test" | evidence
	done <"$VM_OUT/vm/$name/summary"
	# On the test QEMU a run is also judged by the model: any strict-check
	# violation (a rule real firmware enforces, broken) fails the entry.
	if grep -q '(QEMU: test)' "$CHECK_OUT/$name.log"; then
		if grep -q 'logged strict-check violations' "$CHECK_OUT/$name.log"; then
			grep -m 3 'mptsas-strict: violation' "$CHECK_OUT/$name.log" | sed 's/^/    /'
			result FAIL "$entry/strict" "$VM_OUT/vm/$name/qemu.log"
		else
			result PASS "$entry/strict"
		fi
	fi
	grep -q '^FAIL' "$VM_OUT/vm/$name/summary" &&
		echo "    logs: $VM_OUT/vm/$name/ (results.ktap, results/, serial.log)"
}

# report_eh ENTRY LOG - one result per test from eh/run.sh's top-level KTAP.
# shellcheck disable=SC2094 # result and evidence write the digest, not LOG
report_eh()
{
	local entry=$1 log=$2 line n=0 test

	while IFS= read -r line; do
		if [[ $line =~ ^(not\ )?ok\ [0-9]+\ ([^ ]+)(\ \#\ SKIP)? ]]; then
			test=${BASH_REMATCH[2]}
			n=$((n + 1))
			if [[ -n ${BASH_REMATCH[3]} ]]; then
				result SKIP "eh-$entry/$test"
			elif [[ -n ${BASH_REMATCH[1]} ]]; then
				result FAIL "eh-$entry/$test" "$log"
				ktap_evidence "$log" "test_$test" | evidence
			else
				result PASS "eh-$entry/$test"
			fi
		fi
	done <"$log"
	if ((n == 0)); then
		tail -n 15 "$log" | sed 's/^/    /'
		result FAIL "eh-$entry" "no results, $log"
		tail -n 8 "$log" | evidence
	fi
}

# run_matrix - the suite for every matrix entry and the EH suite for every
# EH entry, JOBS VMs at a time; then report each test of each entry.
run_matrix()
{
	local entry name args
	local -a tests eh_extra
	read -ra tests <<<"$TESTS"
	read -ra eh_extra <<<"${MPTMQ_CHECK_EH_ARGS---resets 20}"

	for entry in $MATRIX; do
		name=$(vm_entry_name "$entry")
		if ! args=$(vm_entry_args "$entry"); then
			result FAIL "$entry" "bad matrix entry"
			continue
		fi
		echo "vm: $entry: queued (log $CHECK_OUT/$name.log)"
		# shellcheck disable=SC2086 # args are words
		start_job "$CHECK_OUT/$name.log" bash "$SELFTESTS/vm/run.sh" $args \
			--timeout "${MPTMQ_CHECK_VM_TIMEOUT:-2700}" --name "$name" "${tests[@]}"
	done
	for entry in $EH_MATRIX; do
		name=eh-$(vm_entry_name "$entry")
		if ! args=$(eh_entry_args "$entry"); then
			result FAIL "eh-$entry" "bad EH entry"
			continue
		fi
		echo "vm: eh $entry: queued (log $CHECK_OUT/$name.log)"
		# shellcheck disable=SC2086 # args are words
		start_job "$CHECK_OUT/$name.log" bash "$SELFTESTS/eh/run.sh" $args \
			--name "$name" "${eh_extra[@]}"
	done
	wait

	for entry in $MATRIX; do
		name=$(vm_entry_name "$entry")
		report_suite "$entry" "$name"
		echo "time: vm $entry $(vm_log_time "$CHECK_OUT/$name.log") s"
	done
	for entry in $EH_MATRIX; do
		name=eh-$(vm_entry_name "$entry")
		report_eh "$entry" "$CHECK_OUT/$name.log"
		echo "time: eh $entry $(vm_log_time "$CHECK_OUT/$name.log") s"
	done
}

# unit_tests - the host-side unit tests of the driver's pure logic.
unit_tests()
{
	local log=$CHECK_OUT/unit.log

	if make -C "$SELFTESTS/unit" clean run >"$log" 2>&1; then
		result PASS "unit" "$(grep -c '^ok ' "$log") cases"
	else
		grep -E '^not ok|error|ERROR' "$log" | head -n 20 | sed 's/^/    /'
		result FAIL "unit" "$log"
	fi
}

# bench_dry - `make bench` without a VM (selftests/bench/dry.sh)
bench_dry()
{
	local log=$CHECK_OUT/bench-dry.log

	if bash "$SELFTESTS/bench/dry.sh" >"$log" 2>&1; then
		result PASS "bench-dry" "$(grep -c '^ok ' "$log") checks"
	else
		grep -A5 '^not ok' "$log" | head -n 20 | sed 's/^/    /'
		result FAIL "bench-dry" "$log"
	fi
}

# mutants_apply - every planted bug of the EH and debug mutant lists still
# applies to the driver (selftests/mutants-apply.sh; no VM).
mutants_apply()
{
	local log=$CHECK_OUT/mutants-apply.log

	if bash "$SELFTESTS/mutants-apply.sh" >"$log" 2>&1; then
		result PASS "mutants-apply" "$(grep -c '^ok ' "$log") mutants"
	else
		grep '^not ok' "$log" | sed 's/^/    /'
		result FAIL "mutants-apply" "$log"
		grep '^not ok' "$log" | evidence
	fi
}

# fuzz_corpus - each fuzzer over its corpus, once (no fuzzing: make fuzz).
fuzz_corpus()
{
	local log=$CHECK_OUT/fuzz-corpus.log line name

	make -C "$SELFTESTS/fuzz" check >"$log" 2>&1
	while read -r line; do
		name=${line#*- }
		name=${name%%:*}
		case $line in
		"ok - "*) result PASS "fuzz-corpus/$name" "${line#*: }" ;;
		*) result FAIL "fuzz-corpus/$name" "$log" ;;
		esac
	done < <(grep -E '^(ok|not ok) - ' "$log")
	grep -qE '^(ok|not ok) - ' "$log" || {
		tail -n 15 "$log" | sed 's/^/    /'
		result FAIL "fuzz-corpus" "the harnesses did not build: $log"
	}
}

# debug_lane - selftests/debug/check.sh; its results and time lines.
debug_lane()
{
	local log=$CHECK_OUT/debug.log status name detail
	local -a args

	if [[ -n ${MPTMQ_CHECK_DEBUG_ARGS+set} ]]; then
		eval "args=($MPTMQ_CHECK_DEBUG_ARGS)"
	else
		args=(--no-ref --tests "probe data" --eh resets)
	fi
	bash "$SELFTESTS/debug/check.sh" "${args[@]}" >"$log" 2>&1
	grep -E '^(debug: |time: |    )' "$log" | grep -vE '^    (PASS|FAIL|SKIP|ok|not ok) ' | head -n 60
	while read -r status name detail; do
		result "$status" "$name" "$([[ $status == PASS ]] || echo "$log")"
	done < <(grep -E '^(PASS|FAIL) debug/' "$log")
	grep -qE '^(PASS|FAIL) debug/' "$log" || result FAIL "debug" "no results: $log"
}

# ---------------------------------------------------------------- test QEMU
# The test build of QEMU (selftests/qemu/, Documentation/testing.rst "The
# test QEMU"): built when missing (its time printed), then the model tests
# (selftests/model/run.sh: every strict check, hook and SAS event fires)
# and the reference driver on the hooks (selftests/qemu/ref_hooks.sh).

# test_qemu_checks - the block above; one result per test.
test_qemu_checks()
{
	local log=$CHECK_OUT/test-qemu-build.log t0=$SECONDS bin status name

	if ! bin=$(bash "$SELFTESTS/qemu/build.sh" 2>"$log" | tail -n 1) || [[ ! -x $bin ]]; then
		tail -n 15 "$log" | sed 's/^/    /'
		result FAIL "test-qemu/build" "$log"
		return
	fi
	echo "test-qemu: $bin ready in $((SECONDS - t0)) s ($(grep -h . "$(dirname "$(dirname "$bin")")/build-time" 2>/dev/null))"
	result PASS "test-qemu/build"
	export MPTMQ_TEST_QEMU=$bin
	bash "$SELFTESTS/model/run.sh" >"$CHECK_OUT/model.log" 2>&1
	while read -r status name; do
		result "$status" "$name" "$([[ $status == PASS ]] || echo "$CHECK_OUT/model.log")"
	done < <(grep -E '^(PASS|FAIL) model/' "$CHECK_OUT/model.log")
	grep -qE '^(PASS|FAIL) model/' "$CHECK_OUT/model.log" ||
		result FAIL "model" "no results, $CHECK_OUT/model.log"
	if [[ ${MPTMQ_CHECK_REF_HOOKS:-0} != 0 ]]; then
		bash "$SELFTESTS/qemu/ref_hooks.sh" >"$CHECK_OUT/ref-hooks.log" 2>&1
		while read -r status name; do
			result "$status" "$name" "$([[ $status == PASS ]] || echo "$CHECK_OUT/ref-hooks.log")"
		done < <(grep -E '^(PASS|FAIL|SKIP) ref-hooks/' "$CHECK_OUT/ref-hooks.log")
		grep -qE '^(PASS|FAIL|SKIP) ref-hooks/' "$CHECK_OUT/ref-hooks.log" ||
			result FAIL "ref-hooks" "no results, $CHECK_OUT/ref-hooks.log"
	fi
	unset MPTMQ_TEST_QEMU
	echo "test-qemu: block took $((SECONDS - t0)) s"
}
# ------------------------------------------------------------ end test QEMU

# dkms_setup - install the tree with DKMS for test_dkms (removed at exit):
# on the host (its kernels) and, when the sid lane is set up, inside the
# unstable root (its kernel; the guest boots that root).
DKMS_INSTALLED=0
dkms_setup()
{
	local log=$CHECK_OUT/dkms-setup.log rc=0

	bash "$SELFTESTS/dkms-setup.sh" install >"$log" 2>&1 || rc=$?
	case $rc in
	0) DKMS_INSTALLED=1; result PASS "dkms-install" ;;
	4) result SKIP "dkms-install" "DKMS is not installed" ;;
	*) tail -n 15 "$log" | sed 's/^/    /'; result FAIL "dkms-install" "$log" ;;
	esac
	sid_dkms_setup
}

dkms_cleanup()
{
	sid_dkms_cleanup
	((DKMS_INSTALLED)) || return 0
	DKMS_INSTALLED=0
	bash "$SELFTESTS/dkms-setup.sh" remove >>"$CHECK_OUT/dkms-setup.log" 2>&1 ||
		echo "check: dkms-setup.sh remove failed, see $CHECK_OUT/dkms-setup.log"
}

# ------------------------------------------- the newest-kernel (sid) lane
# The Debian-unstable root (vm/sidroot.sh) holds the newest kernel, its
# headers and compiler; matrix entries and kernels named "sid" use it.

SID_ROOT=""
SID_DKMS_INSTALLED=0

# sid_wanted - some kernel or matrix entry names the sid lane.
sid_wanted()
{
	[[ " $KERNELS $MATRIX $EH_MATRIX " =~ [[:space:]]sid[[:space:]:] ]]
}

# sid_setup - build or reuse the unstable root; one result, and its set-up
# time on a line of its own.
sid_setup()
{
	local log=$CHECK_OUT/sid-root.log start=$SECONDS

	sid_wanted || return 0
	if SID_ROOT=$(bash "$SELFTESTS/vm/sidroot.sh" setup 2>"$log"); then
		echo "sid-root: set-up $((SECONDS - start)) s ($(sed -n 's/^sidroot: set-up [0-9]* s (\(.*\))$/\1/p' "$log"))"
		result PASS "sid-root" "${SID_ROOT##*/sid-root-}"
	else
		SID_ROOT=""
		tail -n 15 "$log" | sed 's/^/    /'
		result FAIL "sid-root" "$log"
	fi
}

# sid_dkms MODE - dkms-setup.sh MODE inside the unstable root.
sid_dkms()
{
	MPTMQ_SIDROOT=$SID_ROOT MPTMQ_TREE=$VM_TREE MPTMQ_OUT=$VM_OUT \
		bash "$SELFTESTS/vm/sidroot.sh" run bash "$SELFTESTS/dkms-setup.sh" "$1"
}

sid_dkms_setup()
{
	local log=$CHECK_OUT/dkms-setup-sid.log rc=0

	[[ -n $SID_ROOT ]] || return 0
	sid_dkms install >"$log" 2>&1 || rc=$?
	case $rc in
	0) SID_DKMS_INSTALLED=1; result PASS "dkms-install/sid" ;;
	*) tail -n 15 "$log" | sed 's/^/    /'; result FAIL "dkms-install/sid" "$log" ;;
	esac
}

sid_dkms_cleanup()
{
	((SID_DKMS_INSTALLED)) || return 0
	SID_DKMS_INSTALLED=0
	sid_dkms remove >>"$CHECK_OUT/dkms-setup-sid.log" 2>&1 ||
		echo "check: dkms-setup.sh remove in the unstable root failed, see $CHECK_OUT/dkms-setup-sid.log"
}
# ----------------------------------------------------- end of the sid lane

main()
{
	local k start=$SECONDS t

	mkdir -p "$CHECK_OUT"
	rm -f "$CHECK_OUT/failures"
	t=$SECONDS; sid_setup; part_time sid-root "$t"
	if [[ ${MPTMQ_CHECK_BUILD:-1} != 0 ]]; then
		t=$SECONDS
		for k in $KERNELS; do
			build_kernel "$k"
		done
		part_time builds "$t"
	fi
	if [[ ${MPTMQ_CHECK_UNIT:-1} != 0 ]]; then
		t=$SECONDS; unit_tests; part_time unit "$t"
	fi
	if [[ ${MPTMQ_CHECK_BENCH_DRY:-1} != 0 ]]; then
		t=$SECONDS; bench_dry; part_time bench-dry "$t"
	fi
	if [[ ${MPTMQ_CHECK_MUTANTS:-1} != 0 ]]; then
		t=$SECONDS; mutants_apply; part_time mutants-apply "$t"
	fi
	if [[ ${MPTMQ_CHECK_FUZZ:-1} != 0 ]]; then
		t=$SECONDS; fuzz_corpus; part_time fuzz-corpus "$t"
	fi
	if [[ ${MPTMQ_CHECK_TEST_QEMU:-1} != 0 ]]; then
		t=$SECONDS; test_qemu_checks; part_time test-qemu "$t"
	fi
	if [[ ${MPTMQ_CHECK_DKMS:-1} != 0 && -n $MATRIX ]]; then
		trap dkms_cleanup EXIT
		t=$SECONDS; dkms_setup; part_time dkms-install "$t"
	fi
	t=$SECONDS; run_matrix; part_time "VMs (wall, $JOBS at a time)" "$t"
	case ${MPTMQ_CHECK_DEBUG:-auto} in
	0) ;;
	auto)
		if bash "$SELFTESTS/debug/kernel.sh" --print-key >/dev/null 2>&1 &&
		   [[ -e $(bash "$SELFTESTS/debug/kernel.sh" --print-key)/stamp ]]; then
			t=$SECONDS; debug_lane; part_time debug-lane "$t"
		else
			result SKIP "debug-lane" "the debug kernel is not built: make check-debug or MPTMQ_CHECK_DEBUG=1 builds it"
		fi
		;;
	*) t=$SECONDS; debug_lane; part_time debug-lane "$t" ;;
	esac
	dkms_cleanup
	echo "check: $((SECONDS - start)) s"
	if [[ -s $CHECK_OUT/failures ]]; then
		echo "failures, with their first telling lines (whole logs above):"
		head -n 80 "$CHECK_OUT/failures"
	fi
	((SKIPPED)) && echo "$SKIPPED skipped (counted in neither figure below)"
	# The closing line, plain; also kept in a file for callers (.ci/run)
	# that print it again last.
	echo "$PASSED passed, $FAILED failed" | tee "$CHECK_OUT/summary"
	((FAILED == 0))
}

main "$@"
