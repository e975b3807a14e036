# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# eh_lib.sh - guest-side helpers for the error-handling tests (source after
# lib.sh).
#
#   qmp_cmd/qmp_ok JSON    a QMP command through the host's qmp-watch.py
#                          (request/response files in the run directory)
#   model_require, model_set PROP VALUE, model_get PROP,
#   model_no_violation [RULE]
#                          the test QEMU's fault hooks (skip without it)
#                          and its strict-check log
#   eh_counters, eh_counter NAME, eh_counters_delta FILE
#                          the driver's error counters (mptmq host attribute
#                          directory error_counters/; the reference has none:
#                          empty/0)
#   ms_now                 wall clock in milliseconds (EPOCHREALTIME)
#   fio_loop_start NAME BLK...  rounds of fio write+verify (crc32c, libaio,
#                          direct, iodepth $EH_FIO_QD, $EH_FIO_SIZE per disk)
#                          in the background until fio_loop_stop
#   fio_loop_stop NAME     stop after the current round; succeed when every
#                          round passed (no I/O or verify error)
#   io_done BLK...         reads+writes completed on these disks so far
#   stats_ms FILE          "n N median X ms max Y ms" of a list of numbers
#   data_disks             the raw/zero disks of the manifest (fio targets)
#   data_blocks            their block devices

: "${EH_FIO_QD:=32}"
: "${EH_FIO_SIZE:=8M}"
: "${EH_FIO_BS:=4k-64k}"

ms_now()
{
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

# qmp_cmd JSON [TIMEOUT] - hand JSON to the host watcher; print the reply;
# fail on an error reply or no reply within TIMEOUT (default 60) seconds.
qmp_cmd()
{
	local json=$1 limit=${2:-60} dir=${MPT_RUNDIR:?} deadline out
	rm -f "$dir/qmp-response"
	printf '%s\n' "$json" >"$dir/qmp-request.tmp"
	mv "$dir/qmp-request.tmp" "$dir/qmp-request"
	deadline=$((SECONDS + limit))
	until [[ -e $dir/qmp-response ]]; do
		((SECONDS < deadline)) || { echo "no QMP reply in ${limit}s to $json"; return 1; }
		sleep 0.1
	done
	out=$(cat "$dir/qmp-response")
	rm -f "$dir/qmp-response"
	echo "$out"
	grep -q '"return"' <<<"$out"
}

# model_require - skip the whole test unless the VM runs the test build of
# QEMU (VM_QEMU=test: strict checks and fault hooks on the HBA, hba0).
model_require()
{
	[[ ${MPT_QEMU:-stock} == test ]] ||
		ktap_skip_all "needs the test QEMU with the fault hooks (eh/run.sh --qemu test)"
}

# model_set PROPERTY VALUE - set a fault hook of the test QEMU's HBA
# (qom-set on /machine/peripheral/hba0; VALUE is JSON: 1, true, "duplicate").
model_set()
{
	qmp_cmd '{"execute":"qom-set","arguments":{"path":"/machine/peripheral/hba0","property":"'"$1"'","value":'"$2"'}}'
}

# model_get PROPERTY - print a property of the test QEMU's HBA (qom-get on
# /machine/peripheral/hba0); fail when QMP gives no value.
model_get()
{
	local out v
	out=$(qmp_cmd '{"execute":"qom-get","arguments":{"path":"/machine/peripheral/hba0","property":"'"$1"'"}}') ||
		{ echo "$out" >&2; return 1; }
	v=$(sed -nE 's/.*"return": *"?([^",}]*)"?.*/\1/p' <<<"$out")
	[[ -n $v ]] || return 1
	echo "$v"
}

# model_no_violation [RULE] - the test QEMU logged no strict-check
# violation (of RULE, or of any rule) so far: its stderr is qemu.log in the
# run directory, which the guest shares.
model_no_violation()
{
	local v
	v=$(grep "mptsas-strict: violation: ${1:-}" "${MPT_RUNDIR:?}/qemu.log" 2>/dev/null)
	[[ -z $v ]] && { echo "no strict-check violation${1:+ of $1} logged"; return 0; }
	echo "$(wc -l <<<"$v") strict-check violations; first: $(head -n 1 <<<"$v")"
	return 1
}

# qmp_event_seen PATTERN - a QMP event matching PATTERN has been logged.
qmp_event_seen()
{
	grep -qE "$1" "${MPT_RUNDIR:?}/qmp-events.log" 2>/dev/null
}

eh_has_counters()
{
	local h
	h=$(mpt_host 2>/dev/null) && [[ -d /sys/class/scsi_host/host$h/error_counters ]]
}

# eh_host_attr NAME - a host attribute of the driver under test (empty
# when there is no such host or attribute, e.g. mptsas).
eh_host_attr()
{
	local h
	h=$(mpt_host 2>/dev/null) || return 0
	cat "/sys/class/scsi_host/host$h/$1" 2>/dev/null
	return 0
}

# eh_counters - "name value" per line, one per file of error_counters/.
eh_counters()
{
	local h f
	h=$(mpt_host 2>/dev/null) || return 0
	for f in "/sys/class/scsi_host/host$h/error_counters"/*; do
		[[ -f $f ]] && echo "${f##*/} $(<"$f")"
	done
	return 0
}

eh_counter()
{
	local v
	v=$(eh_counters | awk -v n="$1" '$1 == n { print $2 }')
	echo "${v:-0}"
}

# eh_counters_delta BEFORE_FILE - "name +N" for every counter that moved.
eh_counters_delta()
{
	eh_counters | awk 'NR == FNR { b[$1] = $2; next }
			   $2 != b[$1] { printf "%s +%d\n", $1, $2 - b[$1] }' "$1" -
}

# eh_ioc_state - the mptmq host attribute ioc_state (empty for mptsas).
eh_ioc_state()
{
	eh_host_attr ioc_state
}

data_disks()
{
	disks_of_kind raw zero
}

# data_blocks - the block devices of data_disks, one per line.
data_blocks()
{
	local d
	for d in $(data_disks); do
		disk_block "$d"
	done
}

# io_done BLK... - reads + writes completed so far on these block devices.
io_done()
{
	local b n=0 s
	for b in "$@"; do
		read -ra s <"/sys/block/${b##*/}/stat" || continue
		n=$((n + s[0] + s[4]))
	done
	echo "$n"
}

# fio_round NAME ROUND BLK... - one fio write+verify round over BLK...
fio_round()
{
	local name=$1 round=$2 blk args=()
	shift 2
	for blk in "$@"; do
		args+=(--name="$name-${blk##*/}" --filename="$blk")
	done
	(cd /tmp && fio --ioengine=libaio --direct=1 --bsrange="$EH_FIO_BS" \
		--iodepth="$EH_FIO_QD" --rw=randwrite --size="$EH_FIO_SIZE" \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
		--randrepeat=0 --group_reporting "${args[@]}") \
		>"/tmp/fio-$name.$round.out" 2>&1
}

fio_loop_start()
{
	local name=$1
	shift
	rm -f "/tmp/fio-$name".*
	(
		r=0
		until [[ -e /tmp/fio-$name.stop ]]; do
			r=$((r + 1))
			fio_round "$name" "$r" "$@"
			echo "round $r status $? at $(ms_now)" >>"/tmp/fio-$name.rounds"
		done
	) &
	echo $! >"/tmp/fio-$name.pid"
}

# fio_loop_rounds NAME - rounds finished so far.
fio_loop_rounds()
{
	local n
	n=$(wc -l <"/tmp/fio-$1.rounds" 2>/dev/null)
	echo "${n:-0}"
}

# fio_loop_stop NAME [TIMEOUT] - stop the loop after its current round and
# wait (TIMEOUT seconds, default 300); print a summary; succeed when every
# round passed and at least one ran.
fio_loop_stop()
{
	local name=$1 limit=${2:-300} pid deadline r bad=0 f
	touch "/tmp/fio-$name.stop"
	pid=$(cat "/tmp/fio-$name.pid")
	deadline=$((SECONDS + limit))
	while kill -0 "$pid" 2>/dev/null; do
		if ((SECONDS >= deadline)); then
			echo "fio $name: still running ${limit}s after the stop request (I/O hung?)"
			pkill -P "$pid" fio
			kill "$pid" 2>/dev/null
			return 1
		fi
		sleep 0.5
	done
	wait "$pid" 2>/dev/null
	r=$(fio_loop_rounds "$name")
	for f in /tmp/fio-"$name".[0-9]*.out; do
		[[ -e $f ]] || continue
		if grep -qE 'err= *[1-9]|verify|bad magic|Input/output|fio: (pid|io_u)' "$f"; then
			echo "--- ${f#/tmp/}:"
			grep -E 'err=|verify|bad magic|Input/output|fio:' "$f" | head -n 10
			bad=$((bad + 1))
		fi
	done
	grep -v ' status 0 ' "/tmp/fio-$name.rounds" 2>/dev/null && bad=$((bad + 1))
	echo "fio $name: $r rounds of write+verify (crc32c, qd $EH_FIO_QD, $EH_FIO_SIZE per disk), $bad with errors"
	((r > 0 && bad == 0))
}

stats_ms()
{
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "n 0"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "n %d median %d ms max %d ms\n", NR, m, v[NR] }'
}

# eh_driver_resets_logged - kernel log lines since dmesg_mark that show an
# abort, a reset or an IOC reset by either driver.
eh_driver_resets_logged()
{
	dmesg_new | grep -E 'aborting tag|LUN reset|target reset|bus reset|IOC reset|attempting (task abort|lun reset|target reset|bus reset|host reset)|Host reset|host reset|mpt_Soft_Hard_ResetHandler|HardResetHandler|SoftResetHandler|task abort'
}

# klog_mark - the number of kernel log lines so far, a mark for
# driver_done_ms (independent of lib.sh's dmesg_mark).
klog_mark()
{
	dmesg | wc -l
}

# driver_done_ms MARK WHAT - the N of every "WHAT done in N ms" the driver
# logged after MARK (mptmq: "LUN reset", "target reset", "bus reset",
# "IOC reset"), one a line.  The reference mptsas logs no such line.
driver_done_ms()
{
	dmesg | tail -n +"$(($1 + 1))" | sed -n "s/.*$2 done in \([0-9][0-9]*\) ms.*/\1/p"
}

# timing_pair WALL_FILE DRV_FILE WHAT - "wall <stats>; driver "WHAT done in"
# <stats>" (driver: "none logged" when DRV_FILE is empty).
timing_pair()
{
	local drv="none logged"
	[[ -s $2 ]] && drv=$(stats_ms "$2")
	echo "wall $(stats_ms "$1"); driver-side '$3 done in' $drv"
}

# event_trace_start EVENT [FILTER] - record trace event EVENT
# (e.g. scsi/scsi_eh_wakeup), only the records matching FILTER if given.
# event_trace_stop EVENT FILE - stop and save EVENT's records to FILE.
event_trace_start()
{
	local t
	t=$(tracefs_dir) || return 1
	echo 0 >"$t/tracing_on"
	: >"$t/trace"
	echo "${2:-0}" >"$t/events/$1/filter" || return 1
	echo 1 >"$t/events/$1/enable" || return 1
	echo 1 >"$t/tracing_on"
}

event_trace_stop()
{
	local t
	t=$(tracefs_dir) || { rm -f "$2"; return 1; }
	echo 0 >"$t/tracing_on"
	echo 0 >"$t/events/$1/enable"
	echo 0 >"$t/events/$1/filter"
	grep "${1#*/}:" "$t/trace" >"$2"
	: >"$t/trace"
	return 0
}

# done_trace_start - record every SCSI command completion with a non-zero
# result (scsi:scsi_dispatch_cmd_done shows the host byte the LLD set);
# done_trace_stop FILE.
done_trace_start()
{
	event_trace_start scsi/scsi_dispatch_cmd_done 'result != 0'
}

done_trace_stop()
{
	event_trace_stop scsi/scsi_dispatch_cmd_done "$1"
}

# inflight BLK... - requests the block layer has in flight on these disks.
inflight()
{
	local b r w n=0
	for b in "$@"; do
		read -r r w <"/sys/block/${b##*/}/inflight" || continue
		n=$((n + r + w))
	done
	echo "$n"
}

# eh_wait_fio_end PID WHAT - wait at most 30 s for the fio job PID to end
# after WHAT happened ("the removal", "the unplug"); its exit status is left
# in EH_FIO_RC.  Fails (with a message) when it is still running then.
eh_wait_fio_end()
{
	local deadline=$((SECONDS + 30))

	EH_FIO_RC=0
	while kill -0 "$1" 2>/dev/null; do
		((SECONDS < deadline)) || { echo "fio still running 30 s after $2"; return 1; }
		sleep 0.2
	done
	wait "$1" || EH_FIO_RC=$?
}
