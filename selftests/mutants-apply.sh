#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mutants-apply.sh - every planted bug of selftests/eh/mutants.sh and
# selftests/debug/mutants.sh still applies to the driver as it is now.
# Each mutant is a perl substitution on one source file; when the code it
# patches is rewritten, the substitution silently matches nothing, and the
# mutant run reports ERROR only when someone runs it (a VM each, so not in
# make check).  This applies each one to a copy of its file, no VM, no
# build: seconds.
#
# Usage: selftests/mutants-apply.sh
# Prints "ok <list>: <mutant>" or "not ok ... did not apply"; exit status 1
# when one did not apply.

set -uo pipefail
TREE=$(cd "$(dirname "$0")/.." && pwd)
DRV=$TREE/drivers/scsi/mptmq
. "$TREE/selftests/mutant_lib.sh"
tmp=$(mktemp "${TMPDIR:-/tmp}/mptmq-mutant.XXXXXX")
trap 'rm -f "$tmp" "$tmp.orig"' EXIT
rc=0

for list in eh/mutants.sh debug/mutants.sh; do
	# The MUTANTS=( ... ) array of the list, without running the script.
	eval "$(sed -n '/^MUTANTS=(/,/^)/p' "$TREE/selftests/$list")"
	for m in "${MUTANTS[@]}"; do
		IFS='|' read -r name file subst _ <<<"$m"
		cp "$DRV/$file" "$tmp"
		if mutant_apply "$tmp" "$subst"; then
			echo "ok $list: $name"
		else
			echo "not ok $list: $name did not apply to $file"
			rc=1
		fi
	done
done
exit "$rc"
