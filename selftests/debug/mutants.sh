#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mutants.sh - show each tool of the debug kernel catching a bug planted in
# mptmq: build throwaway copies of the driver (under ${TMPDIR:-/tmp},
# never in the tree) with one bug each, run a short VM suite on the debug
# kernel with it (vm/run.sh --kernel debug --ko), and look for the tool's
# report in the guest's logs (lib.sh: the same search check.sh does).
#
# Usage: selftests/debug/mutants.sh [MUTANT...]   (default: all)
# Prints the report lines and one line per mutant:
#   CAUGHT <mutant>: <tool>      the expected report is there
#   MISSED <mutant>              it is not
#   ERROR <mutant>               no verdict (patch, build)
# Exit status 1 when a mutant was missed.

set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TREE=$(cd "$HERE/../.." && pwd)
. "$TREE/selftests/vm/vmlib.sh"
. "$HERE/lib.sh"
. "$TREE/selftests/mutant_lib.sh"
KVER=$(vm_pick_kernel debug) || exit 1

# name|file|perl substitution|tests|report that must appear (regex)|tool: what it breaks
MUTANTS=(
"uaf_completion|mptmq_reply.c|s/(\tcmd = scsi_cmd_priv\(scmd\);\n)/\$1\t{ u32 *p = kmalloc(sizeof(*p), GFP_ATOMIC); kfree(p); if (p) cmd->data_length += READ_ONCE(*p) \& 0; }\n/|probe|BUG: KASAN: (slab-)?use-after-free|KASAN: every SCSI completion reads a word it freed just before"
"lock_inversion|mptmq_config.c|s/(\tfor \(;;\) \{\n\t\tspin_lock_irq\(&ioc->event_lock\);\n)/\$1\t\tspin_lock(\&ioc->reply_lock);\n\t\tspin_unlock(\&ioc->reply_lock);\n/|probe|possible circular locking dependency|lockdep: the event work takes reply_lock inside event_lock, the reply path event_lock inside reply_lock"
"unmap_wrong_size|mptmq_mem.c|s/(\tif \(ioc->pool\)\n\t\tdma_free_coherent\(dev, ioc->pool_size)/\$1 \/ 2/|probe|DMA-API: mptmq [0-9a-f:.]+: device driver frees DMA memory with different size|DMA-API: the request/reply pool is freed with half its size"
"leaked_target|mptmq_sas.c|s/(\tstarget->hostdata = NULL;\n\tspin_unlock_irq\(&ioc->sas->dev_lock\);\n)\tkfree\(tgt\);\n/\$1/|probe|unreferenced object 0x[0-9a-f]+ \(size [0-9]+\)|kmemleak: the per-target data of every SAS target (mptmq_target_alloc) is never freed"
"leaked_mapping|mptmq_reply.c|s/(\ttrace_mptmq_complete\(ioc, scmd, tag, rep \? le16_to_cpu\(rep->ioc_status\) : 0\);\n)\tscsi_dma_unmap\(scmd\);\n/\$1/|probe|DMA-API entries left after the driver was unbound|DMA-API: a completed command's scatterlist stays mapped"
)

want=("$@")
missed=0
for m in "${MUTANTS[@]}"; do
	IFS='|' read -r name file subst tests expect what <<<"$m"
	((${#want[@]})) && [[ " ${want[*]} " != *" $name "* ]] && continue
	d=${TMPDIR:-/tmp}/mptmq-debug-mutant-$name
	rm -rf "$d"
	mkdir -p "$d"
	cp -r "$TREE"/{Kbuild,drivers,include} "$d/"
	f=$d/drivers/scsi/mptmq/$file
	if ! mutant_apply "$f" "$subst"; then
		echo "ERROR $name: the substitution did not apply to $file"
		missed=1
		continue
	fi
	echo "# mutant $name: $what"
	diff -u "$f.orig" "$f" | sed 's/^/#   /'
	vm_make_module "$KVER" "$d" >"$d/build.log" 2>&1 || {
		echo "ERROR $name: build failed ($d/build.log)"
		missed=1
		continue
	}
	# The guest has its own /tmp: the module goes where it can read it.
	mkdir -p "$VM_OUT/debug-mutants"
	ko=$VM_OUT/debug-mutants/$name.ko
	cp "$d/drivers/scsi/mptmq/mptmq.ko" "$ko"
	# shellcheck disable=SC2086 # tests is a list of words
	bash "$TREE/selftests/vm/run.sh" --kernel debug --driver mptmq --ko "$ko" \
		--timeout "${MPTMQ_DEBUG_TIMEOUT:-3600}" --name "debug-mutant-$name" $tests \
		>"$VM_OUT/debug-mutants/$name.log" 2>&1
	dir=$VM_OUT/vm/debug-mutant-$name
	out=$(reports "$dir")
	if grep -qE "$expect" <<<"$out"; then
		grep -E -A 8 "$expect" <<<"$out" | head -n 14
		echo "CAUGHT $name: ${what%%:*}"
	else
		printf '%s\n' "$out" | head -n 20
		echo "MISSED $name (logs $dir, $VM_OUT/debug-mutants/$name.log)"
		missed=1
	fi
done
exit "$missed"
