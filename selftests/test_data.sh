#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_data.sh - data integrity through the driver:
#  - each disk read whole with O_DIRECT hashes like its backing (the sha256
#    the host recorded at boot; zeros for null-co);
#  - a pattern the host wrote into the scratch disk's image reads back;
#  - a pattern written in the guest (O_DIRECT|O_SYNC) reads back through the
#    driver and is found in the backing file (over 9p);
#  - fio write+verify (crc32c, libaio, direct) over block sizes 512 B..1 MiB
#    and queue depths 1..64, size-limited so TCG stays quick.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

# FIO_JOBS: "name bs iodepth rw size" per job on the scratch disk.
FIO_JOBS=(
	"bs512_qd1 512 1 randwrite 1M"
	"bs4k_qd16 4k 16 randwrite 8M"
	"bs64k_qd32 64k 32 randwrite 16M"
	"bs1m_qd64 1M 64 write 64M"
	"bsmix_qd8 512-1M 8 randwrite 16M"
)

# read_whole NAME - sha256 of the whole disk read through the driver.
read_whole()
{
	local blk want got
	blk=$(disk_block "$1") || return 1
	want=$(disk_get "$1" SHA256)
	got=$(dd if="$blk" iflag=direct bs=1M status=none | sha256sum | cut -d' ' -f1)
	echo "$blk sha256 $got, backing $want"
	[[ -n $want && $got == "$want" ]]
}

# host_pattern - the host-written block reads back in the guest.
host_pattern()
{
	local lba want got
	lba=$(disk_get "$SCRATCH" PATTERN_LBA)
	want=$(disk_get "$SCRATCH" PATTERN_SHA256)
	got=$(dd if="$SCRATCH_BLK" iflag=direct bs=512 skip="$lba" count=8 status=none |
		sha256sum | cut -d' ' -f1)
	echo "LBA $lba: read $got, host wrote $want"
	[[ -n $want && $got == "$want" ]]
}

# guest_pattern - 64 KiB of fresh random data written with O_DIRECT|O_SYNC
# reads back through the driver and appears in the backing file.
guest_pattern()
{
	local lba=$((($(disk_get "$SCRATCH" SIZE) / 512) - 256)) tmp want dev file
	tmp=$(mktemp)
	head -c 65536 /dev/urandom >"$tmp"
	want=$(sha256sum <"$tmp" | cut -d' ' -f1)
	dd if="$tmp" of="$SCRATCH_BLK" oflag=direct,sync bs=64k seek=$((lba / 128)) \
		status=none || return 1
	rm -f "$tmp"
	dev=$(dd if="$SCRATCH_BLK" iflag=direct bs=512 skip="$lba" count=128 status=none |
		sha256sum | cut -d' ' -f1)
	file=$(dd if="$(disk_get "$SCRATCH" FILE)" bs=512 skip="$lba" count=128 status=none |
		sha256sum | cut -d' ' -f1)
	echo "LBA $lba: wrote $want, device $dev, backing file $file"
	[[ $dev == "$want" && $file == "$want" ]]
}

# fio_verify NAME BS IODEPTH RW SIZE - fio writes, then reads and verifies.
fio_verify()
{
	local bsopt=--bs=$2
	[[ $2 == *-* ]] && bsopt=--bsrange=$2
	fio --name="$1" --filename="$SCRATCH_BLK" --ioengine=libaio --direct=1 \
	    "$bsopt" --iodepth="$3" --rw="$4" --size="$5" --verify=crc32c \
	    --do_verify=1 --verify_fatal=1 --randrepeat=0 --group_reporting \
	    --output-format=terse --terse-version=3 >/tmp/fio-"$1".out 2>&1
	local rc=$?
	# terse v3 fields: 5 error, 6 read KiB, 47 write KiB
	awk -F';' '{ printf "read %s KiB write %s KiB error %s\n", $6, $47, $5 }' \
		/tmp/fio-"$1".out | tail -n 1
	((rc == 0)) || cat /tmp/fio-"$1".out
	return "$rc"
}

mpt_load_manifest
SCRATCH=${MPT_SCRATCH_DISK:-}
mapfile -t READ_DISKS < <(disks_of_kind raw zero null)
ktap_print_header
ktap_set_plan $((${#READ_DISKS[@]} + 2 + ${#FIO_JOBS[@]}))
mpt_require_driver

for d in "${READ_DISKS[@]}"; do
	ktap_check "read_$d" read_whole "$d"
done
if [[ -z $SCRATCH ]] || ! SCRATCH_BLK=$(disk_block "$SCRATCH"); then
	ktap_print_msg "no scratch disk (MPT_SCRATCH_DISK) in the manifest"
	ktap_test_skip host_pattern "no scratch disk"
	ktap_test_skip guest_pattern "no scratch disk"
	for j in "${FIO_JOBS[@]}"; do
		ktap_test_skip "fio_${j%% *}" "no scratch disk"
	done
	ktap_finished
fi
ktap_check host_pattern host_pattern
ktap_check guest_pattern guest_pattern
for j in "${FIO_JOBS[@]}"; do
	# shellcheck disable=SC2086 # a job is a list of words
	ktap_check "fio_${j%% *}" fio_verify $j
done
ktap_finished
