#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# eh_suspend_post.sh DRIVER HOST STALE SIZE BLK... - the part of
# test_eh_suspend.sh that runs in its tmpfs root (POSIX sh, chroot): see
# there for the checks.  Prints the test's KTAP to the console with
# "pmtest: " in front of each line, the test's result as the runner would
# ("ok 1 test_eh_suspend"), then ends the VM (a reboot, which QEMU's
# -no-reboot turns into an exit).

DRV=$1 H=$2 STALE=$3 SIZE=$4
shift 4
BLKS="$*"
SYSH=/sys/class/scsi_host/host$H
N=0 FAIL=0

say() { echo "pmtest: $*"; }
msg() { echo "$*" | sed 's/^/pmtest:     # /'; }
result()	# result 0|1 NAME
{
	N=$((N + 1))
	if [ "$1" = 0 ]; then say "    ok $N $2"; else say "    not ok $N $2"; FAIL=1; fi
}
counter() { cat "$SYSH/error_counters/$1" 2>/dev/null || echo 0; }

# fio_run NAME SEED EXTRA... - one fio job per disk; bounded, output shown
# only on failure.
fio_run()
{
	name=$1 seed=$2 args=""
	shift 2
	for b in $BLKS; do
		args="$args --name=$name-${b##*/} --filename=$b"
	done
	# shellcheck disable=SC2086 # one word per option
	timeout 240 fio --ioengine=libaio --direct=1 --bsrange=4k-64k --iodepth=32 \
		--rw=randwrite --size="$SIZE" --verify=crc32c --verify_fatal=1 \
		--verify_state_save=0 --randseed="$seed" --group_reporting "$@" $args \
		>/tmp/fio-$name.out 2>&1
	rc=$?
	msg "fio $name: status $rc"
	[ $rc = 0 ] || msg "$(grep -E 'err=|verify|fio:' "/tmp/fio-$name.out" | head -n 5)"
	return $rc
}

# Warnings and worse only on the console: the KTAP lines stay whole.
dmesg -n 4
say "KTAP version 1"
say "1..5"
msg "driver $DRV, host $H, disks $BLKS, stale doorbell hook $STALE"
fio_run before 4321 --do_verify=1; result $? io_before

f0=$(counter faults) r0=$(counter reset_fault) t0=$(counter timeouts)
mark=$(dmesg | wc -l)
start=$(date +%s)
rc=0
echo mem >/sys/power/state || rc=1
new=$(dmesg | tail -n +$((mark + 1)))
msg "echo mem: status $rc after $(($(date +%s) - start)) s"
ok=1
[ $rc = 0 ] && echo "$new" | grep -q 'Waking up from system sleep state S3' && ok=0
bad=$(echo "$new" | grep -E 'WARNING:|BUG:|Oops|blocked for more than|Call Trace:')
[ -n "$bad" ] && { msg "$bad"; ok=1; }
result $ok suspend_resume
msg "$(echo "$new" | grep -E "$DRV|mptbase|mptscsih|pci-resume|pci-suspend" | sed 's/^\[[ 0-9.]*\] //' | head -n 12)"

ok=0
if [ "$DRV" = mptmq ]; then
	echo "$new" | grep -q 'resumed in [0-9]* ms' || { msg "no \"resumed in\" logged"; ok=1; }
	if [ "$STALE" = 1 ]; then
		echo "$new" | grep -q 'resume: diagnostic reset' ||
			{ msg "no diagnostic reset on resume with the stale doorbell"; ok=1; }
	fi
	st=$(cat "$SYSH/ioc_state")
	msg "ioc_state $st; faults $f0 -> $(counter faults), reset_fault $r0 -> $(counter reset_fault), timeouts $t0 -> $(counter timeouts)"
	[ "$st" = running ] || ok=1
	[ "$(counter faults)" = "$f0" ] && [ "$(counter reset_fault)" = "$r0" ] || ok=1
else
	echo "$new" | grep -q 'pci-resume: success' || { msg "mptbase logged no pci-resume: success"; ok=1; }
fi
result $ok driver_resumed

fio_run before 4321 --verify_only; result $? data_kept
fio_run after 8765 --do_verify=1; result $? io_after
[ "$DRV" = mptmq ] && msg "after the I/O: faults $(counter faults), reset_fault $(counter reset_fault), timeouts $(counter timeouts), ioc_state $(cat "$SYSH/ioc_state")"
if [ $FAIL = 0 ]; then say "ok 1 test_eh_suspend"; else say "not ok 1 test_eh_suspend"; fi
say "# pmtest: end"
sync
# ACPI power-off did not end QEMU after an S3 cycle (seen on 6.12): reboot,
# which QEMU's -no-reboot turns into an exit.
echo b >/proc/sysrq-trigger
sleep 60
