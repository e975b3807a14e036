# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - what selftests/debug/check.sh and mutants.sh share: finding the
# debugging tools' reports in a VM run directory.

# KASAN's shadow (1/8 of RAM), kmemleak's and lockdep's tables: more room.
export VM_MEM=${VM_MEM:-2048}

# What a report of one of the tools starts with, in the kernel log.
REPORTS='BUG: |WARNING: |UBSAN: |ODEBUG: |DMA-API: [a-z0-9_]+ [0-9a-f]{4}:|possible circular locking|possible recursive locking|inconsistent lock state|lock held when returning|suspicious RCU usage|Kernel panic'

# The boot lines that show each tool active (UBSAN has none: its config line).
TOOL_LINES='KernelAddressSanitizer initialized|Lock dependency validator|DMA-API: (preallocated|debugging enabled|enable driver filter)|kmemleak: Kernel memory leak detector|ODEBUG: '

result()
{
	printf '%-4s %s%s\n' "$1" "$2" "${3:+  ($3)}"
	[[ $1 == PASS ]] || FAILED=$((FAILED + 1))
}

# reports RUNDIR - print the tools' reports in one VM's logs (with the
# lines after each, for the stack), and the leaked objects; status 1 if any.
reports()
{
	local dir=$1 log none=1

	for log in "$dir/serial.log" "$dir/serial.boot-failed.log"; do
		[[ -r $log ]] || continue
		if grep -qE "$REPORTS" "$log"; then
			grep -E -A 12 "$REPORTS" "$log" | head -n 80 | sed 's/^/    /'
			none=0
		fi
	done
	if [[ -s $dir/dma-api-leaks.txt ]] && grep -qv '^#' "$dir/dma-api-leaks.txt"; then
		echo "    DMA-API entries left after the driver was unbound (leaked):"
		head -n 20 "$dir/dma-api-leaks.txt" | sed 's/^/    /'
		none=0
	fi
	if [[ -s $dir/kmemleak.txt ]]; then
		head -n 60 "$dir/kmemleak.txt" | sed 's/^/    /'
		none=0
	fi
	return $none
}

