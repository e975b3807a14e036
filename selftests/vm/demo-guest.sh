#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh - the guest half of "make demo" (see demo.sh): load the
# driver, show the SCSI host and disks, INQUIRY the first disk, write a
# pattern to the second and read it back.  Exit status 0 if all went well.

set -uo pipefail
. "$(dirname "$0")/../lib.sh"

STEP=0
FAILED=0

# step TITLE CMD [ARG...] - run and show one demo step.
step()
{
	local title=$1 rc=0
	shift
	STEP=$((STEP + 1))
	printf '\n=== %d. %s\n' "$STEP" "$title"
	"$@" || rc=$?
	if ((rc == 0)); then
		echo "--- ok"
	else
		echo "--- FAILED (status $rc)"
		FAILED=1
	fi
	return "$rc"
}

# pattern_roundtrip - 1 MiB of random data to disk d1 at 1 MiB (O_DIRECT,
# O_SYNC), read back with O_DIRECT, compared by sha256.
pattern_roundtrip()
{
	local blk want got
	blk=$(disk_block d1) || return 1
	head -c 1M /dev/urandom >/tmp/pattern
	want=$(sha256sum </tmp/pattern | cut -d' ' -f1)
	dd if=/tmp/pattern of="$blk" bs=1M seek=1 oflag=direct,sync status=none || return 1
	got=$(dd if="$blk" bs=1M skip=1 count=1 iflag=direct status=none | sha256sum | cut -d' ' -f1)
	echo "wrote    $want to $blk"
	echo "read back $got"
	[[ $got == "$want" ]]
}

mpt_load_manifest
dmesg_mark
step "load $MPT_DRIVER (msi=$MPT_MSI)" load_driver || exit 1
dmesg_new | grep -iE 'mpt|ioc0|scsi host' | tail -n 15
step "lsscsi -H -t" lsscsi -H -t
step "lsscsi" lsscsi
step "sg_inq $(disk_sg d0)" sg_inq "$(disk_sg d0)"
step "write a pattern to d1 and read it back" pattern_roundtrip
step "unload $MPT_DRIVER" unload_driver
step "kernel log has no warnings, oopses or DMAR faults" dmesg_problems
exit "$FAILED"
