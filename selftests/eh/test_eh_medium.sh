#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_medium.sh - a medium-error storm.  The blkdebug disk fails every
# read of LBA 12288 with errno 61, which QEMU reports as CHECK CONDITION
# MEDIUM ERROR (and LBA 8192 with errno 5: ABORTED COMMAND, retried by the
# midlayer).  While fio write+verify runs on the data disks, the bad sector
# is read EH_MEDIUM_READS times (default 10) and fio reads a 1 MiB range
# around it 4 times.  Checks: every read of the bad sector fails with EIO
# within 30 s, the sense data is logged, fio sees exactly one error per
# pass and the rest of the range reads, the neighbours read back like the
# backing file, the disk stays ready, fio on the other disks verifies,
# no abort or reset happens (mptmq error_counters; kernel log for both) and
# the midlayer's EH never runs (trace event scsi:scsi_eh_wakeup).

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

R=${EH_MEDIUM_READS:-10}
PASSES=4

bad_reads()
{
	local i err rc bad=0 t0 t1
	: >/tmp/medium.ms
	for ((i = 0; i < R; i++)); do
		t0=$(ms_now)
		err=$(timeout 30 dd if="$BLK" of=/dev/null iflag=direct bs=512 skip="$LBA" count=1 2>&1)
		rc=$?
		t1=$(ms_now)
		echo $((t1 - t0)) >>/tmp/medium.ms
		if ((rc == 124)); then
			echo "read $i: no answer in 30 s"
			bad=$((bad + 1))
		elif ((rc == 0)) || ! grep -qE 'Input/output error|No data available' <<<"$err"; then
			echo "read $i: status $rc: ${err//$'\n'/ }"
			bad=$((bad + 1))
		fi
	done
	echo "$R reads of LBA $LBA: $bad did not fail with EIO/ENODATA; $(stats_ms /tmp/medium.ms)"
	((bad == 0))
}

sense_logged()
{
	local n c
	n=$(dmesg_new | grep -cE 'Sense Key *: Medium Error')
	c=$(dmesg_new | grep -cE "(critical medium error|I/O error).*sector $LBA")
	dmesg_new | grep -E 'Medium Error|Unrecovered read error|sector '"$LBA" | head -n 4
	echo "$n 'Medium Error' sense lines, $c error lines for sector $LBA (both ratelimited)"
	((n > 0 && c > 0))
}

# fio_range - fio reads 1 MiB around the bad sector PASSES times in 4 KiB
# blocks: one failed block per pass, every other block read.
# ignore_error's lists are READ,WRITE,VERIFY with ':' between the errors of
# one list: EIO:61 ignores EIO and ENODATA (fio has no name for it) on reads.
# The disk's queue does not merge requests meanwhile (nomerges=2): an error
# fails a whole request, and Linux 7.2 merges fio's 4 KiB direct reads
# (on 7.2.13 both mptmq and the reference mptsas saw 2-5 failed blocks per
# pass with merging allowed; on 6.1 and 6.12 it was exactly one).  fio's JSON
# goes to a file of its own (its stderr would corrupt it); when it has no
# job result, fio's status and stderr are printed.
fio_range()
{
	local off=$(((LBA * 512 / 4096) * 4096 - 512 * 1024)) rc=0 res nerr first kib
	local json=/tmp/medium-fio.json err=/tmp/medium-fio.err
	local nomerges=/sys/block/${BLK##*/}/queue/nomerges merges
	rm -f "$json" "$err"
	merges=$(<"$nomerges") && echo 2 >"$nomerges" || return 1
	(cd /tmp && timeout 120 fio --name=range --filename="$BLK" --ioengine=libaio \
		--direct=1 --rw=read --bs=4k --iodepth=8 --offset="$off" --size=1M \
		--loops="$PASSES" --continue_on_error=read --ignore_error=EIO:61 \
		--output-format=json --output="$json") 2>"$err" || rc=$?
	echo "$merges" >"$nomerges"
	res=$(python3 - "$json" 2>&1 <<'PY'
import json, sys
try:
    with open(sys.argv[1]) as f:
        text = f.read()
    # fio may print notes before the JSON object
    job = json.loads(text[text.index('{'):])["jobs"][0]
except Exception as e:
    print("no fio JSON result: %s" % e)
    sys.exit(1)
print("%s %s %s" % (job.get("total_err", -1), job.get("first_error", -1),
      job["read"]["io_kbytes"]))
PY
)
	if ! read -r nerr first kib <<<"$res" || [[ ! $nerr =~ ^-?[0-9]+$ ]]; then
		echo "fio over [$off, +1M) x$PASSES: status $rc, $res; fio stderr:"
		tail -n 15 "$err"
		return 1
	fi
	echo "fio over [$off, +1M) x$PASSES: status $rc, total_err $nerr (expected $PASSES), first_error $first (61 or 5), $kib KiB read (expected >= $((PASSES * 1020)))"
	((nerr == PASSES && (first == 61 || first == 5) && kib >= PASSES * 1020)) && return 0
	grep -v '^$' "$err" | tail -n 5
	return 1
}

neighbours()
{
	local lba dev file rc=0
	for lba in $((LBA - 1)) $((LBA + 1)); do
		dev=$(dd if="$BLK" iflag=direct bs=512 skip="$lba" count=1 status=none | sha256sum)
		file=$(dd if="$(disk_get "$BD" FILE)" bs=512 skip="$lba" count=1 status=none | sha256sum)
		[[ $dev == "$file" ]] || { echo "LBA $lba differs from the backing file"; rc=1; }
	done
	return "$rc"
}

aborted_command()
{
	local err rc
	err=$(timeout 60 dd if="$BLK" of=/dev/null iflag=direct bs=512 skip="$LBA5" count=1 2>&1)
	rc=$?
	echo "LBA $LBA5 (ABORTED COMMAND, midlayer retries): status $rc ${err//$'\n'/ }"
	((rc != 0 && rc != 124))
}

no_reset()
{
	local delta logged
	delta=$(eh_counters_delta /tmp/medium.counters0)
	echo "error_counters delta: ${delta:-none}"
	logged=$(eh_driver_resets_logged)
	[[ -n $logged ]] && echo "$logged"
	[[ -z $logged ]] && ! grep -qE '^(reset_|tm_)' <<<"$delta"
}

# eh_never_ran - the midlayer's error handler was never woken: a CHECK
# CONDITION with its sense data completes without it.  Without the sense
# data the midlayer hands the command to its EH, which fetches the sense
# with REQUEST SENSE (QEMU keeps it), so the sense still gets logged and
# only the EH wakeups (trace event scsi:scsi_eh_wakeup) show the loss.
eh_never_ran()
{
	local n
	((TRACING)) || { echo "no tracefs"; return "$KSFT_SKIP"; }
	event_trace_stop scsi/scsi_eh_wakeup /tmp/medium.ehtrace
	n=$(wc -l </tmp/medium.ehtrace)
	echo "SCSI EH wakeups during the medium-error storm: $n"
	head -n 3 /tmp/medium.ehtrace
	((n == 0))
}

mpt_load_manifest
mapfile -t DISKS < <(data_disks)
BD=$(disks_of_kind blkdebug | head -n 1)
[[ -n $BD ]] || ktap_skip_all "no blkdebug disk in the manifest"
LBA="" LBA5=""
for b in $(disk_get "$BD" BAD); do
	[[ ${b#*:} == 61 ]] && LBA=${b%%:*}
	[[ ${b#*:} == 5 ]] && LBA5=${b%%:*}
done
[[ -n $LBA ]] || ktap_skip_all "$BD has no errno-61 (MEDIUM ERROR) sector"
ktap_print_header
ktap_set_plan 9
mpt_require_driver
BLK=$(disk_block "$BD")
BLKS=()
for d in "${DISKS[@]}"; do
	BLKS+=("$(disk_block "$d")")
done
eh_counters >/tmp/medium.counters0
dmesg_mark
TRACING=1
event_trace_start scsi/scsi_eh_wakeup || { TRACING=0; ktap_print_msg "no tracefs: EH wakeups not checked"; }
fio_loop_start medium "${BLKS[@]}"
sleep 2
ktap_check bad_sector_reads_fail_eio bad_reads
ktap_check sense_logged sense_logged
ktap_check fio_range_one_error_per_pass fio_range
ktap_check neighbours_read neighbours
if [[ -n $LBA5 ]]; then
	ktap_check aborted_command_fails aborted_command
else
	ktap_test_skip aborted_command_fails "no errno-5 sector"
fi
ktap_check disk_still_ready sg_turs_retry "$(disk_sg "$BD")"
ktap_check other_disks_fio_verify fio_loop_stop medium 300
ktap_check no_abort_or_reset no_reset
ktap_check midlayer_eh_never_ran eh_never_ran
ktap_finished
