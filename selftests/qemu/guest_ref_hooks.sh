#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest_ref_hooks.sh SCENARIO... - runs inside the VM ref_hooks.sh boots on
# the test QEMU: loads the driver under test (MPT_DRIVER, the in-kernel
# mptsas by default), switches one fault hook or strict-check case on at a
# time through QMP (the host's qmp-watch.py) and records what the driver
# did.  KTAP: a scenario fails when the hook did not act (no
# "mptsas-hook:" line in the model's log) or its I/O outcome could not be
# observed; what the driver did, hang included (bounded by timeouts), is
# printed as "# ref <scenario>: ..." lines, whatever it is.

# shellcheck source=../lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=../eh/eh_lib.sh
. "$(dirname "$0")/eh_lib.sh"

IO_TIMEOUT=${REF_IO_TIMEOUT:-120}

say()
{
	echo "# ref $SCEN: $*"
}

# qom NAME VALUE - qom-set on the HBA.
qom()
{
	qmp_cmd '{"execute":"qom-set","arguments":{"path":"/machine/peripheral/hba0","property":"'"$1"'","value":'"$2"'}}' >/dev/null
}

# acted PROPERTY - the model logged that the hook acted, since the mark.
acted()
{
	tail -n +"$((QMARK + 1))" "$QLOG" | grep -q "^mptsas-hook: $1:"
}

mark()
{
	dmesg_mark
	QMARK=$(wc -l <"$QLOG")
}

# kernel_said - the driver's kernel log lines since the mark (12 at most).
kernel_said()
{
	dmesg_new | grep -E 'mpt|sd |scsi|ioc|I/O error|BUG|WARN|Oops' |
		sed -E 's/^\[ *[0-9.]+\] //' | head -n 12 | sed "s/^/# ref $SCEN: kernel: /"
}

# read_probe DISK - a 4 KiB direct read, bounded; prints "rc N after S s".
read_probe()
{
	local t0=$SECONDS rc=0
	timeout "$IO_TIMEOUT" dd if="$1" of=/dev/null bs=4k count=1 iflag=direct status=none || rc=$?
	echo "rc $rc after $((SECONDS - t0)) s"
}

# back DISK - the disk reads again within 120 s (how long it took).
back()
{
	local t0=$SECONDS
	if wait_for 120 dd if="$1" of=/dev/null bs=4k count=1 iflag=direct status=none; then
		say "disk readable again after $((SECONDS - t0)) s"
	else
		say "disk NOT readable again within 120 s"
	fi
}

scenario_result()
{
	if [[ $1 == 0 ]]; then
		echo "ok $NUM $SCEN"
	else
		echo "not ok $NUM $SCEN # $2"
	fi
}

# ------------------------------------------------------------- scenarios

s_port_enable_delay()
{
	# Before the driver loads: its PortEnable waits 8 s (the reply comes
	# through the doorbell handshake; mptbase waits up to 300 s for SAS).
	qom x-port-enable-delay-ms 8000 || return 1
	local t0=$SECONDS
	load_driver || { say "driver did not load"; return 1; }
	say "driver loaded in $((SECONDS - t0)) s with an 8 s PortEnable delay"
	qom x-port-enable-delay-ms 0
	wait_for 60 mpt_disks_ready || say "disks not all there"
	acted x-port-enable-delay-ms
}

s_lose_irqs()
{
	qom x-lose-irqs 1 || return 1
	say "read: $(read_probe "$DISK")"
	acted x-lose-irqs
}

s_drop_replies()
{
	qom x-drop-replies 1 || return 1
	say "read: $(read_probe "$DISK")"
	acted x-drop-replies
}

s_tm_delay()
{
	# A dropped reply makes the midlayer abort; the abort's TM reply
	# comes 15 s late.
	qom x-tm-delay-ms 15000 && qom x-drop-replies 1 || return 1
	say "read: $(read_probe "$DISK")"
	qom x-tm-delay-ms 0
	acted x-tm-delay-ms
}

hostile()
{
	qom x-hostile-reply "\"$1\"" || return 1
	say "read: $(read_probe "$DISK")"
	# A second read, so a stray reply meets a command in flight.
	say "second read: $(read_probe "$DISK")"
	acted x-hostile-reply
}
s_msglength() { hostile msglength; }
s_sensecount() { hostile sensecount; }
s_transfercount() { hostile transfercount; }
s_duplicate() { hostile duplicate; }
s_unknown_context() { hostile unknown-context; }
s_frame_outside() { hostile frame-outside; }
s_bad_context() { hostile bad-context; }

s_fault()
{
	qom x-fault 4660 || return 1          # 0x1234
	say "read: $(read_probe "$DISK")"
	qom x-fault 0
	grep -q "mptsas-hook: x-fault:" <(tail -n +"$((QMARK + 1))" "$QLOG")
}

s_stale_doorbell()
{
	qom x-stale-doorbell-after-resume true || return 1
	if [[ ! -w /sys/power/pm_test ]]; then
		say "no /sys/power/pm_test (CONFIG_PM_DEBUG): cannot suspend"
		return 2
	fi
	echo devices >/sys/power/pm_test
	local t0=$SECONDS
	echo freeze >/sys/power/state 2>&1 || say "suspend failed"
	say "suspend+resume (pm_test devices) took $((SECONDS - t0)) s"
	echo none >/sys/power/pm_test
	qom x-stale-doorbell-after-resume false
	say "read: $(read_probe "$DISK")"
	acted pm
}

s_surprise_removed()
{
	qom x-surprise-removed true || return 1
	say "read: $(read_probe "$DISK")"
	sleep 5                                 # mpt_fault_reset_work polls each 1 s
	say "lsscsi: $(lsscsi 2>&1 | tr '\n' ';')"
	say "PCI device present: $([[ -e $PCI/vendor ]] && echo yes || echo no)"
	qom x-surprise-removed false
	acted x-surprise-removed
}

# ftrace_dump WHAT - with REF_FTRACE=1: which traced functions ran (caller
# and callee, counted) since the last dump, then clear the buffer.
ftrace_dump()
{
	local tr=/sys/kernel/tracing
	[[ -n ${REF_FTRACE:-} && -r $tr/trace ]] || return 0
	grep -v '^#' $tr/trace | awk '{print $NF, $(NF-1)}' | sort | uniq -c | sort -rn | head -n 40 |
		sed "s/^/# ref $SCEN: ftrace ($1): /"
	echo >$tr/trace
}

s_sas_hotplug()
{
	# The model's events must make the driver add and remove the disk
	# (what Linux mptsas does on real firmware's ADDED / NOT_RESPONDING).
	local wwn=0x5000c5001e571700 t0 added=0 removed=0
	# mptbase's debug output says where a hot-plug stops (REF_MPT_DEBUG).
	[[ -n ${REF_MPT_DEBUG:-} && -w /sys/module/mptbase/parameters/mpt_debug_level ]] &&
		echo "$REF_MPT_DEBUG" >/sys/module/mptbase/parameters/mpt_debug_level
	local tr=/sys/kernel/tracing
	[[ -d $tr/events ]] || mount -t tracefs tracefs $tr 2>/dev/null
	if [[ -n ${REF_FTRACE:-} && -w $tr/set_ftrace_filter ]]; then
		# Which mptsas/mptbase functions run on the events (REF_FTRACE=1).
		echo 'mptsas_*' >$tr/set_ftrace_filter
		echo 'mpt_*' >>$tr/set_ftrace_filter
		echo function >$tr/current_tracer
	fi
	qmp_cmd '{"execute":"blockdev-add","arguments":{"driver":"null-co","node-name":"hp7","size":67108864}}' >/dev/null &&
	qmp_cmd '{"execute":"device_add","arguments":{"driver":"scsi-hd","id":"hp7","drive":"hp7","bus":"hba0.0","scsi-id":7,"lun":0,"wwn":'"$((wwn))"'}}' >/dev/null ||
		return 1
	t0=$SECONDS
	if wait_for 60 bash -c "lsscsi -t | grep -q 'sas:$wwn'"; then
		added=1
		say "disk sas:$wwn added after $((SECONDS - t0)) s: $(lsscsi -t | grep "sas:$wwn" | tr -s ' ')"
	else
		say "disk sas:$wwn NOT added within 60 s"
	fi
	ftrace_dump added
	qmp_cmd '{"execute":"device_del","arguments":{"id":"hp7"}}' >/dev/null || return 1
	t0=$SECONDS
	if ((added)) && wait_for 60 bash -c "! lsscsi -t | grep -q 'sas:$wwn'"; then
		removed=1
		say "disk removed after $((SECONDS - t0)) s"
	else
		say "disk sas:$wwn NOT removed within 60 s"
	fi
	ftrace_dump removed
	[[ -n ${REF_FTRACE:-} && -w $tr/current_tracer ]] && echo nop >$tr/current_tracer
	say "sas_end_devices now $(find /sys/class/sas_end_device -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
	acted sas-event && ((added && removed))
}

# ------------------------------------------------------------------- main

mpt_load_manifest
QLOG=${MPT_RUNDIR:?}/qemu.log
echo "KTAP version 1"
echo "1..$#"
NUM=0
for SCEN in "$@"; do
	NUM=$((NUM + 1))
	mark
	if [[ $SCEN != port_enable_delay ]] && ! driver_loaded; then
		load_driver && wait_for 60 mpt_disks_ready
	fi
	if [[ $SCEN != port_enable_delay ]]; then
		DISK=$(disk_block d1)
		PCI=$(mpt_pci_dev)
		for q in /sys/block/sd*/device/timeout; do echo 10 >"$q"; done 2>/dev/null
	fi
	rc=0
	"s_$SCEN" || rc=$?
	kernel_said
	[[ $SCEN == surprise_removed || $SCEN == port_enable_delay || $SCEN == sas_hotplug ]] ||
		back "$DISK"
	case $rc in
	0) scenario_result 0 ;;
	2) echo "ok $NUM $SCEN # SKIP see above" ;;
	*) scenario_result 1 "the hook did not act or QMP failed" ;;
	esac
done
