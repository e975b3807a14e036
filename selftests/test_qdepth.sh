#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_qdepth.sh - an untagged device keeps queue depth 1, even when a user
# asks for more through sysfs (issue 10, defect 10): its requests go out
# UNTAGGED, and an untagged nexus holds one command.  QEMU's disks all
# support tagged queuing, so disk d0 is made untagged the way the midlayer
# does it for such devices: BLIST_NOTQ (0x20) in scsi_mod's
# default_dev_flags (the flags of every device the built-in list does not
# name) while d0 is deleted and scanned again; the old value is put back
# at once.  Checks: d0 now has queue_type "none" (the fixture), writing 16
# to its queue_depth leaves 1, and a tagged disk still takes 16 (the
# attribute works).  The reference mptsas passes it too.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

BLIST_NOTQ=0x20
FLAGS=/sys/module/scsi_mod/parameters/default_dev_flags

sdev_dir()
{
	echo "/sys/class/scsi_device/$(disk_hctl "$1")/device"
}

# make_untagged NAME - rescan disk NAME with BLIST_NOTQ as the default flags.
make_untagged()
{
	local dir old ctl hctl rc=0
	[[ -w $FLAGS ]] || { echo "no writable $FLAGS"; return 1; }
	old=$(<"$FLAGS")
	dir=$(sdev_dir "$1")
	echo $((old | BLIST_NOTQ)) >"$FLAGS" || return 1
	echo 1 >"$dir/delete" || rc=1
	ctl=$(disk_ctl "$1")
	hctl=$(disk_hctl "$1") || rc=1
	echo "${ctl//:/ }" >"/sys/class/scsi_host/host${hctl%%:*}/scan" || rc=1
	echo "$old" >"$FLAGS"
	((rc == 0)) || return 1
	wait_for 30 test -e "$(sdev_dir "$1")/queue_type" || { echo "$1 did not come back"; return 1; }
	dir=$(sdev_dir "$1")
	echo "$1 rescanned with BLIST_NOTQ: queue_type $(<"$dir/queue_type"), queue_depth $(<"$dir/queue_depth")"
	[[ $(<"$dir/queue_type") == none ]]
}

# depth_after NAME ASK EXPECT - write ASK to NAME's queue_depth, expect EXPECT.
depth_after()
{
	local dir got
	dir=$(sdev_dir "$1")
	echo "$2" >"$dir/queue_depth" 2>/dev/null
	got=$(<"$dir/queue_depth")
	echo "$1 (queue_type $(<"$dir/queue_type")): asked for $2, queue_depth $got, expected $3"
	[[ $got == "$3" ]]
}

mpt_load_manifest
ktap_print_header
ktap_set_plan 3
mpt_require_driver
mapfile -t TAGGED < <(disks_of_kind raw | grep -vx d0)
ktap_check untagged_fixture make_untagged d0
ktap_check untagged_stays_at_1 depth_after d0 16 1
ktap_check tagged_takes_16 depth_after "${TAGGED[0]}" 16 16
ktap_finished
