#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_sas_hotplug.sh - disks that come and go by themselves.
#
# Needs the SAS fixture and QMP (selftests/vm/run.sh --fixture sas).  While
# fio writes and verifies the other disks and a reader runs on disk s5:
#   1. device_del of s5's scsi-hd: within 5 s of DEVICE_DELETED its sdX and
#      sg nodes are gone, and the reader has ended (its I/O failed);
#   2. a new scsi-hd with a new wwn at the same scsi-id: within 5 s a SCSI
#      device with that SAS address appears, under a new target (never
#      s5's old H:C:T:L), and reads;
#   3. a new scsi-hd at an unused scsi-id (7): it appears within 5 s;
#   4. with topology polling off (sas_poll_ms=0), a device_del is noticed
#      through a SAS_DEVICE_STATUS_CHANGE event alone: on our test build of
#      QEMU (MPT_QEMU=test) only the IOC's own event counts (nothing is
#      injected); elsewhere, when none comes within 1 s (QEMU's stock model
#      sends none), one is injected through the driver's debugfs
#      inject_event as the IOC would send it;
#   5. fio's write+verify on the other disks passed throughout.
# Stock QEMU sends no event on hot-plug, so steps 1-3 need the driver to
# notice by itself (mptmq: the topology poll).  The reference mptsas is
# known not to (it waits for events): under it on stock QEMU, steps 1-4 run
# and what happened is recorded as a skip.  On our test build (--qemu test),
# which sends the events as firmware does, the reference must pass them all
# (selftests/qemu/NOTES.md: it adds and removes disks on the model's events).
#
# Rerun alone: selftests/vm/run.sh --driver mptmq --fixture sas sas_hotplug
#              selftests/vm/run.sh --driver mptsas --fixture sas --qemu test sas_hotplug

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
# vm/run.sh copies eh/eh_lib.sh next to the tests.
# shellcheck source=eh/eh_lib.sh
. "$DIR/eh_lib.sh"

: "${EH_FIO_SIZE:=4M}"
NEW_WWN=0x5000c5001e5715aa
NEW7_WWN=0x5000c5001e5717aa

# hp_check NAME FUNC [ARG...] - a check; under the reference mptsas on a
# QEMU without SAS events (stock), which it is known not to notice, the
# outcome is recorded and the check skipped.
hp_check()
{
	local name=$1 out rc=0
	shift
	if [[ $MPT_DRIVER != mptsas || ${MPT_QEMU:-} == test ]]; then
		ktap_check "$name" "$@"
		return
	fi
	out=$("$@" 2>&1) || rc=$?
	[[ -n $out ]] && ktap_print_msg "$out"
	ktap_test_skip "$name" "reference mptsas: known not to see changes without events (status $rc)"
}

# scsi_with_address WWN - H:C:T:L of the SCSI device lsscsi -t shows with
# SAS address WWN (fails when there is none).
scsi_with_address()
{
	lsscsi -t | awk -v a="sas:$1" '$3 == a { gsub(/[][]/, "", $1); print $1; f = 1 } END { exit !f }'
}

qmp_delete()
{
	local deadline
	qmp_cmd '{"execute":"device_del","arguments":{"id":"'"$1"'"}}' >/dev/null || return 1
	deadline=$((SECONDS + 30))
	until qmp_event_seen '"DEVICE_DELETED".*"device": "'"$1"'"'; do
		((SECONDS < deadline)) || { echo "no DEVICE_DELETED for $1"; return 1; }
		sleep 0.1
	done
}

# qmp_add_disk ID SCSI_ID WWN - a 64 MiB null-co scsi-hd on hba0.
qmp_add_disk()
{
	qmp_cmd '{"execute":"blockdev-add","arguments":{"driver":"null-co","node-name":"n-'"$1"'","size":67108864,"read-zeroes":true}}' >/dev/null &&
		qmp_cmd '{"execute":"device_add","arguments":{"driver":"scsi-hd","id":"'"$1"'","drive":"n-'"$1"'","bus":"hba0.0","scsi-id":'"$2"',"lun":0,"wwn":'"$(printf %d "$3")"',"serial":"mptmq-'"$1"'"}}' >/dev/null
}

# removed NAME BLK SG - device_del disk NAME; its nodes go within 5 s.
removed()
{
	local t0
	qmp_delete "dev-$1" || return 1
	t0=$(ms_now)
	if ! wait_for 5 bash -c "[[ ! -e /sys/block/${2##*/} && ! -e /sys/class/scsi_generic/${3##*/} ]]"; then
		echo "$2 / $3 still there 5 s after DEVICE_DELETED"
		return 1
	fi
	echo "$2 and $3 gone $(($(ms_now) - t0)) ms after DEVICE_DELETED"
}

# reader_ended - the reader of the removed disk ended with an error.
reader_ended()
{
	local rc=0
	wait_for 10 bash -c "! kill -0 $READER 2>/dev/null" ||
		{ echo "the reader of the removed disk still runs 10 s later"; return 1; }
	wait "$READER" || rc=$?
	grep -E 'err=|error' /tmp/hp-reader.out | head -n 3
	echo "reader status $rc"
	((rc != 0))
}

# appears WWN [NOT_HCTL] - a SCSI device with SAS address WWN within 5 s,
# not at NOT_HCTL; it reads.
appears()
{
	local t0 hctl blk
	t0=$(ms_now)
	wait_for 5 scsi_with_address "$1" || { echo "no device with sas:$1 within 5 s"; lsscsi -t; return 1; }
	hctl=$(scsi_with_address "$1")
	echo "sas:$1 at $hctl after $(($(ms_now) - t0)) ms"
	[[ -z ${2:-} || $hctl != "$2" ]] || { echo "the new disk got the old $2"; return 1; }
	blk=$(wait_for 5 ls "/sys/class/scsi_device/$hctl/device/block" &&
	      ls "/sys/class/scsi_device/$hctl/device/block")
	[[ -n $blk ]] || { echo "$hctl has no block device"; return 1; }
	dd if="/dev/$blk" of=/dev/null iflag=direct bs=64k count=16 status=none ||
		{ echo "/dev/$blk does not read"; return 1; }
	echo "/dev/$blk reads"
}

# events_only - with polling off, a device_del is noticed through a
# SAS_DEVICE_STATUS_CHANGE event: the IOC's own (QEMU builds that send
# them), else one injected through debugfs (inject_event: NOT_RESPONDING
# for firmware id 0:7) as the IOC would send it.
events_only()
{
	local p=/sys/module/mptmq/parameters/sas_poll_ms
	local inj ctl=/sys/kernel/debug/dynamic_debug/control hctl blk old how rc
	hctl=$(scsi_with_address "$NEW7_WWN") || { echo "no disk at scsi-id 7 to remove"; return 1; }
	blk=$(ls "/sys/class/scsi_device/$hctl/device/block")
	inj=$(echo /sys/kernel/debug/mptmq/*/inject_event)
	if [[ $MPT_DRIVER == mptmq ]]; then
		old=$(cat "$p")
		echo 0 >"$p" || return 1
		echo 'module mptmq func mptmq_event_reply +p' >"$ctl" 2>/dev/null
		sleep 1.5	# a poll already under way ends
	fi
	dmesg_mark
	qmp_delete dev-s7 || return 1
	how="the IOC's event"
	# The test QEMU sends SAS events: there it must be the IOC's own.
	if [[ ${MPT_QEMU:-} != test ]] &&
	   ! wait_for 1 bash -c "[[ ! -e /sys/block/$blk ]]" && ! dmesg_new | grep -q 'event 0x0f'; then
		how="an event injected through debugfs (this QEMU sends none)"
		[[ -w $inj ]] && echo "0x0f 0x04 0 7" >"$inj"
	fi
	wait_for 5 bash -c "[[ ! -e /sys/block/$blk ]]"
	rc=$?
	[[ $MPT_DRIVER == mptmq ]] && echo "$old" >"$p"
	if ((rc == 0)); then
		echo "/dev/$blk gone with polling off, through $how"
		return 0
	fi
	echo "/dev/$blk still there 5 s after DEVICE_DELETED and $how"
	return 1
}

mpt_load_manifest
[[ -e ${MPT_RUNDIR:-}/qmp.sock ]] || ktap_skip_all "no QMP socket (run through selftests/vm/run.sh --fixture sas)"
[[ -n $(disk_get s5 TARGET) ]] || ktap_skip_all "not the SAS fixture (no disk s5)"
ktap_print_header
ktap_set_plan 7
mpt_require_driver

OTHERS=()
for d in s0 s3; do
	OTHERS+=("$(disk_block "$d")")
done
if ! { BLK5=$(disk_block s5) && SG5=$(disk_sg s5) && HCTL5=$(disk_hctl s5); }; then
	ktap_exit_fail_msg "disk s5 is not there"
fi
ktap_print_msg "s5: $HCTL5 $BLK5 $SG5; fio on ${OTHERS[*]}"
fio_loop_start hp "${OTHERS[@]}"
(cd /tmp && exec fio --name=reader --filename="$BLK5" --ioengine=libaio --direct=1 --rw=randread \
	--bs=4k --iodepth=8 --time_based --runtime=120) >/tmp/hp-reader.out 2>&1 &
READER=$!
sleep 2

hp_check removed_within_5s removed s5 "$BLK5" "$SG5"
hp_check outstanding_io_fails reader_ended
kill "$READER" 2>/dev/null
hp_check same_slot_new_device qmp_add_disk dev-s5b 5 "$NEW_WWN"
hp_check new_disk_appears appears "$NEW_WWN" "$HCTL5"
qmp_add_disk dev-s7 7 "$NEW7_WWN" >/dev/null
hp_check new_slot_appears appears "$NEW7_WWN"
hp_check removal_by_events_only events_only
ktap_check other_disks_verify fio_loop_stop hp
ktap_finished
