#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_lifecycle.sh - unload and reload the driver CYCLES times (default 10)
# with the disks attached.  After each unload the module, the SCSI host and
# the disks are gone; after each reload every disk is back at its H:C:T:L
# and answers TEST UNIT READY (retried: a reset leaves a Unit Attention).
# The runner's kernel log check catches WARN/BUG/DMAR faults on the way.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

CYCLES=${MPT_LIFECYCLE_CYCLES:-10}

# unload_clean - the driver unloads and takes its host and disks along.
unload_clean()
{
	unload_driver || return 1
	if driver_loaded; then
		echo "$MPT_DRIVER still loaded"
		return 1
	fi
	if mpt_host >/dev/null; then
		echo "SCSI host of $MPT_DRIVER still present"
		return 1
	fi
	[[ -z $(readlink "$(mpt_pci_dev)/driver") ]] || {
		echo "the PCI function is still bound"
		return 1
	}
}

# reload_ready - the driver loads, every disk reappears and is ready.
reload_ready()
{
	local d sg
	load_driver || return 1
	for d in "${MPT_DISKS[@]}"; do
		sg=$(disk_sg "$d") || { echo "$d: no sg node"; return 1; }
		sg_turs_retry "$sg" || { echo "$d ($sg): not ready"; return 1; }
	done
}

# cycle N - one unload + reload.
cycle()
{
	local start=$SECONDS
	unload_clean && reload_ready || return 1
	echo "cycle $1: $((SECONDS - start)) s, host $(mpt_host)"
}

mpt_load_manifest
# The reference mptspi cannot be unloaded (lib.sh MPT_SPI_LEAK_WHY).
[[ $MPT_DRIVER == mptspi ]] && ktap_skip_all "reference mptspi known to fail: $MPT_SPI_LEAK_WHY"
ktap_print_header
ktap_set_plan "$CYCLES"
mpt_require_driver

for ((i = 1; i <= CYCLES; i++)); do
	ktap_check "cycle_$i" cycle "$i" || break
done
# After a failed cycle the rest cannot run: count them as failed.
for ((i++; i <= CYCLES; i++)); do
	ktap_test_fail "cycle_$i"
done
ktap_finished
