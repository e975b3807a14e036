#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_leak.sh - load and unload the driver 2 x CYCLES times (default 2 x 10)
# with the disks attached, and look for memory that is never given back.
#
# Debian's kernels have no kmemleak, and /proc/slabinfo moves in whole slabs
# (16 to 64 objects), too coarse to see one object lost per cycle.  So the
# guest boots with slub_debug=U on the kmalloc caches and iommu_iova (the
# runner adds it), which makes <debugfs>/slab/<cache>/alloc_traces count
# the live objects of every allocation call site exactly.  Processes and
# first-use caches come and go while the test runs; a leak grows at the
# same rate for ever.  So the counts are compared over two consecutive
# windows of CYCLES cycles, and a call site fails the test only when its
# live objects grew by CYCLES or more in both.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

CYCLES=${MPT_LEAK_CYCLES:-10}
WARMUP=2

# live_objects FILE - "cache:function live-objects" for every tracked
# allocation call site, after dropping caches and letting RCU free.
live_objects()
{
	local f c

	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 2
	for f in /sys/kernel/debug/slab/*/alloc_traces; do
		c=${f%/alloc_traces}
		# Call-site lines start with the object count; stack lines don't.
		awk -v c="${c##*/}" '$1 ~ /^[0-9]+$/ && NF >= 2 {
			fn = $2; sub(/\+0x.*/, "", fn); n[fn] += $1 }
			END { for (k in n) print c ":" k, n[k] }' "$f" 2>/dev/null
	done | sort >"$1"
}

cycles()
{
	local i
	for ((i = 0; i < $1; i++)); do
		unload_driver || { echo "unload failed in cycle $i"; return 1; }
		load_driver >/dev/null || { echo "reload failed in cycle $i"; return 1; }
	done
}

# growth S0 S1 S2 - call sites that grew by CYCLES or more in both windows.
growth()
{
	join -a 2 -e 0 -o 0,1.2,2.2 "$1" "$2" | join -a 2 -e 0 -o 0,1.2,1.3,2.2 - "$3" |
		awk -v min="$CYCLES" '$3 - $2 >= min && $4 - $3 >= min {
			print $1, $2, "->", $3, "->", $4 }'
}

mpt_load_manifest
# Unload/reload cycles: the reference mptspi cannot be unloaded (lib.sh
# MPT_SPI_LEAK_WHY; seen: "modprobe: FATAL: Module mptspi is in use.").
[[ $MPT_DRIVER == mptspi ]] && ktap_skip_all "reference mptspi known to fail: $MPT_SPI_LEAK_WHY"
ktap_print_header
ktap_set_plan 2
mpt_require_driver
[[ -n $(head -c 1 /sys/kernel/debug/slab/kmalloc-256/alloc_traces 2>/dev/null) ]] ||
	ktap_skip_all "allocation tracking is off (boot with slub_debug=U,kmalloc-*)"

s0=$(mktemp) s1=$(mktemp) s2=$(mktemp)
cycles "$WARMUP" || ktap_exit_fail_msg "warm-up cycles failed"
live_objects "$s0"
ktap_check "load_unload_x$((2 * CYCLES))" eval \
	'cycles "$CYCLES" && live_objects "$s1" && cycles "$CYCLES"'
live_objects "$s2"
grown=$(growth "$s0" "$s1" "$s2")
ktap_print_msg "allocation call sites compared: $(wc -l <"$s2");" \
	"grown by >= $CYCLES live objects in both windows of $CYCLES cycles:" "${grown:-none}"
if [[ -z $grown ]]; then
	ktap_test_pass "no_leak"
else
	ktap_test_fail "no_leak"
fi
rm -f "$s0" "$s1" "$s2"
ktap_finished
