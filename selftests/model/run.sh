#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [SCRIPT[:TEST]...] - the model tests: the test QEMU's mptsas1068
# driven from a qtest "CPU" (no guest, a second or two each).  Every strict
# check, fault hook and SAS event is made to fire on purpose and its effect
# read back (test_strict.py, test_hooks.py, test_event_ack.py,
# test_sas_events.py; the
# lsi53c1030 SPI personality: test_spi.py).
#
#   selftests/model/run.sh                        all of them
#   selftests/model/run.sh test_hooks             one script
#   selftests/model/run.sh test_hooks:lose_irqs   one test (same as
#                                                 selftests/model/test_hooks.py lose_irqs)
#
# Uses $MPTMQ_TEST_QEMU, else builds or finds the test QEMU (make qemu).
# Prints each script's KTAP, then "PASS|FAIL model/<script>/<test>" lines;
# exit status 1 if anything failed.

set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
rc=0

if [[ -z ${MPTMQ_TEST_QEMU:-} ]]; then
	MPTMQ_TEST_QEMU=$(bash "$HERE/../qemu/build.sh" | tail -n 1) || exit 1
	export MPTMQ_TEST_QEMU
fi
(($#)) || set -- test_strict test_hooks test_event_ack test_sas_events test_spi
summary=()
for arg in "$@"; do
	script=${arg%%:*}
	tests=()
	[[ $arg == *:* ]] && tests=("${arg#*:}")
	out=$(cd "$HERE" && timeout 300 python3 "./$script.py" "${tests[@]}" 2>&1) || rc=1
	printf '%s\n' "$out"
	while read -r line; do
		if [[ $line =~ ^(not\ )?ok\ [0-9]+\ ([^ ]+) ]]; then
			[[ -n ${BASH_REMATCH[1]} ]] && status=FAIL || status=PASS
			summary+=("$status model/$script/${BASH_REMATCH[2]}")
		fi
	done <<<"$out"
	grep -q '^ok \|^not ok ' <<<"$out" || { summary+=("FAIL model/$script"); rc=1; }
done
printf '%s\n' "${summary[@]}"
exit $rc
