#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_media_error.sh - a backend read error reaches the caller as an error
# for exactly the bad sector: QEMU's blkdebug fails reads of the manifest's
# bad LBAs (errno 5 -> CHECK CONDITION ABORTED COMMAND, retried by the
# midlayer; errno 61 -> MEDIUM ERROR / unrecovered read error).  The read
# must fail with EIO or ENODATA, the kernel must log the error for that
# sector, the neighbouring sectors must still read correctly, the disk must
# stay usable, and nothing may hang (each read is bounded by a timeout).

set -uo pipefail
. "$(dirname "$0")/lib.sh"

# read_lba BLK LBA - read one sector with O_DIRECT, at most 120 s.
read_lba()
{
	timeout 120 dd if="$1" iflag=direct bs=512 skip="$2" count=1 status=none
}

# bad_read BLK LBA - the read fails with an I/O error (EIO or ENODATA).
bad_read()
{
	local err rc=0
	err=$(read_lba "$1" "$2" 2>&1 >/dev/null) || rc=$?
	echo "dd status $rc: ${err:-no error}"
	((rc != 0 && rc != 124)) &&
		grep -qE 'Input/output error|No data available' <<<"$err"
}

# bad_logged LBA - the kernel logged the error for that sector.
bad_logged()
{
	local out
	out=$(dmesg_new | grep -E "Sense Key|I/O error|medium error|Medium Error|sector $1")
	echo "$out"
	grep -qE "(I/O error|medium error).*sector $1( |\$)" <<<"$out"
}

# neighbours BLK FILE LBA - the sectors before and after read back like
# the backing file.
neighbours()
{
	local lba dev file rc=0
	for lba in $(($3 - 1)) $(($3 + 1)); do
		dev=$(read_lba "$1" "$lba" | sha256sum | cut -d' ' -f1) || dev=read-error
		file=$(dd if="$2" bs=512 skip="$lba" count=1 status=none |
			sha256sum | cut -d' ' -f1)
		echo "LBA $lba: device $dev, backing $file"
		[[ $dev == "$file" ]] || rc=1
	done
	return "$rc"
}

mpt_load_manifest
mapfile -t BAD_DISKS < <(disks_of_kind blkdebug)
((${#BAD_DISKS[@]} > 0)) || ktap_skip_all "no blkdebug disk in the manifest"
n=0
for d in "${BAD_DISKS[@]}"; do
	read -ra bad <<<"$(disk_get "$d" BAD)"
	n=$((n + 3 * ${#bad[@]} + 1))
done
ktap_print_header
ktap_set_plan "$n"
mpt_require_driver

for d in "${BAD_DISKS[@]}"; do
	blk=$(disk_block "$d") || blk=/dev/null/missing-$d
	file=$(disk_get "$d" FILE)
	for b in $(disk_get "$d" BAD); do
		lba=${b%%:*}
		ktap_print_msg "$d ($blk): LBA $lba fails with errno ${b#*:} in QEMU"
		dmesg_mark
		ktap_check "${d}_read_lba${lba}_fails" bad_read "$blk" "$lba"
		ktap_check "${d}_lba${lba}_logged" bad_logged "$lba"
		ktap_check "${d}_lba${lba}_neighbours" neighbours "$blk" "$file" "$lba"
	done
	ktap_check "${d}_still_ready" sg_turs_retry "$(disk_sg "$d")"
done
ktap_finished
