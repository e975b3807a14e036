#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_trace.sh - mptmq only: the mptmq_submit and mptmq_complete
# tracepoints show every command completing exactly once.  A fio job of a
# known number of 4 KiB direct reads (merging off, so one read is one SCSI
# command) runs on the scratch disk with both events on, filtered to our
# host; then:
#   - fio issued exactly that many reads, and the trace holds exactly that
#     many READ submissions and completions of 4 KiB for the disk;
#   - submissions and completions are equal in number overall;
#   - per tag, events alternate submit, complete, submit, ... and end with
#     a completion (no tag completed twice, none lost, none reused early);
#   - every read completed with IOCStatus 0 and result 0;
#   - the trace ring buffer lost nothing.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

NR_IOS=1024			# fio: 4 MiB of 4 KiB random reads, each block once
TRACE=

# trace_events - tracefs has both events of the loaded module.
trace_events()
{
	local e
	echo "tracefs: $TRACE"
	for e in mptmq_submit mptmq_complete; do
		[[ -e $TRACE/events/mptmq/$e/enable ]] || { echo "no events/mptmq/$e"; return 1; }
		echo "$e: $(grep -c . "$TRACE/events/mptmq/$e/format") format lines"
	done
}

# trace_start - empty the buffer, global clock (events from several CPUs
# must sort in real time), our host only, both events on.
trace_start()
{
	local e
	echo 0 >"$TRACE/tracing_on"
	echo global >"$TRACE/trace_clock"
	echo 8192 >"$TRACE/buffer_size_kb"
	: >"$TRACE/trace"
	for e in mptmq_submit mptmq_complete; do
		echo "host_no == $HOST" >"$TRACE/events/mptmq/$e/filter" || return 1
		echo 1 >"$TRACE/events/mptmq/$e/enable" || return 1
	done
	echo 1 >"$TRACE/tracing_on"
}

# trace_stop - stop, save the buffer to $LOG, switch the events off again.
trace_stop()
{
	local e
	echo 0 >"$TRACE/tracing_on"
	cat "$TRACE/trace" >"$LOG"
	for e in mptmq_submit mptmq_complete; do
		echo 0 >"$TRACE/events/mptmq/$e/enable"
		echo 0 >"$TRACE/events/mptmq/$e/filter"
	done
}

# run_fio - NR_IOS 4 KiB O_DIRECT random reads at queue depth 16.
run_fio()
{
	local out issued
	out=$(fio --name=trace --filename="$BLK" --direct=1 --ioengine=libaio --rw=randread \
		--bs=4k --size=$((NR_IOS * 4))k --iodepth=16 --randrepeat=1 --norandommap=0 2>&1)
	echo "$out" | grep -E 'issued rwts|err=|IOPS'
	issued=$(sed -n 's/.*issued rwts: total=\([0-9]*\),.*/\1/p' <<<"$out")
	echo "fio issued $issued reads, expected $NR_IOS"
	[[ $issued == "$NR_IOS" ]]
}

# events EVENT - the lines of EVENT for our disk's reads of 4 KiB (READ(10)
# or READ(16)).
events()
{
	grep -E " $1: host$HOST tag=[0-9]+ target=$TARGET lun=$LUN opcode=0x(28|88) " "$LOG" |
		if [[ $1 == mptmq_submit ]]; then grep ' len=4096 '; else cat; fi
}

# read_counts - NR_IOS read submissions and completions for the disk.
read_counts()
{
	local s c
	s=$(events mptmq_submit | grep -c .)
	c=$(events mptmq_complete | grep -c .)
	echo "reads of 4 KiB submitted: $s, completed: $c, fio: $NR_IOS"
	((s == NR_IOS && c == NR_IOS))
}

# all_counts - as many completions as submissions on the host, all commands.
all_counts()
{
	local s c
	s=$(grep -c ' mptmq_submit: ' "$LOG")
	c=$(grep -c ' mptmq_complete: ' "$LOG")
	echo "all commands on host$HOST: $s submitted, $c completed"
	((s > 0 && s == c))
}

# exactly_once - per tag: submit, complete, submit, complete, ... and every
# submitted tag completes.
exactly_once()
{
	awk '
	/ mptmq_(submit|complete): / {
		ev = ($0 ~ / mptmq_submit: /) ? "s" : "c"
		if (!match($0, /tag=[0-9]+/))
			next
		tag = substr($0, RSTART + 4, RLENGTH - 4)
		n[ev]++
		if (ev == "s") {
			if (busy[tag]) { printf "tag %s submitted twice without a completion: %s\n", tag, $0; bad++ }
			busy[tag] = 1
		} else {
			if (!busy[tag]) { printf "tag %s completed without a submission: %s\n", tag, $0; bad++ }
			busy[tag] = 0
		}
		seen[tag] = 1
	}
	END {
		for (t in busy)
			if (busy[t]) { printf "tag %s never completed\n", t; bad++ }
		ntags = 0
		for (t in seen)
			ntags++
		printf "%d submissions, %d completions, %d distinct tags, %d problems\n",
		       n["s"], n["c"], ntags, bad
		exit bad > 0 || n["s"] == 0
	}' "$LOG"
}

# read_status - every read of the disk completed with IOCStatus 0, result 0.
read_status()
{
	local bad
	bad=$(events mptmq_complete | grep -v 'ioc_status=0x0000 result=0x00000000 resid=0')
	[[ -z $bad ]] && { echo "all reads completed with status 0"; return 0; }
	head -n 10 <<<"$bad"
	return 1
}

# no_overrun - the ring buffer dropped no event.
no_overrun()
{
	local f n total=0
	for f in "$TRACE"/per_cpu/cpu*/stats; do
		n=$(sed -n 's/^overrun: //p' "$f")
		total=$((total + ${n:-0}))
	done
	echo "overrun events: $total; trace lines: $(grep -c . "$LOG")"
	((total == 0))
}

mpt_load_manifest
[[ $MPT_DRIVER == mptmq ]] || ktap_skip_all "mptmq only: the tracepoints are mptmq's"
ktap_print_header
ktap_set_plan 7
mpt_require_driver
DISK=${MPT_SCRATCH_DISK:-${MPT_DISKS[0]}}
# The host of that disk (on a two-function HBA it may be the second).
HOST=$(disk_hctl "$DISK") || ktap_exit_fail_msg "no SCSI host of mptmq for disk $DISK"
HOST=${HOST%%:*}
BLK=$(disk_block "$DISK") || ktap_exit_fail_msg "no block device for disk $DISK"
TARGET=$(disk_get "$DISK" TARGET)
LUN=$(disk_get "$DISK" LUN)
TRACE=$(tracefs_dir) || ktap_exit_fail_msg "no tracefs (CONFIG_TRACING?)"
LOG=${RESULTS:-${MPT_RUNDIR:-/tmp}}/test_trace.trace
[[ -d ${LOG%/*} && -w ${LOG%/*} ]] || LOG=$(mktemp)
ktap_print_msg "disk $DISK = $BLK (host$HOST target $TARGET lun $LUN), trace saved in $LOG"

ktap_check trace_events trace_events
# One read, one SCSI command: no merging in the block layer while we count.
QUEUE=/sys/block/${BLK##*/}/queue
NOMERGES=$(<"$QUEUE/nomerges")
echo 2 >"$QUEUE/nomerges"
if trace_start; then
	ktap_check fio_reads run_fio
else
	ktap_test_fail fio_reads
	ktap_print_msg "cannot set up the trace events"
fi
trace_stop
echo "$NOMERGES" >"$QUEUE/nomerges"
ktap_check read_counts read_counts
ktap_check submit_equals_complete all_counts
ktap_check exactly_once exactly_once
ktap_check read_status read_status
ktap_check no_overrun no_overrun
ktap_finished
