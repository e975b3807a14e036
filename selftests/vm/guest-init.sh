#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the selftest VM after switch_root (the root is the host's /, read
# only).  Runs the command vmlib.sh wrote to $rundir/guest-cmd.sh, keeps its
# output and exit code and the kernel log in $rundir, then powers off.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8

rundir=
for arg in $(</proc/cmdline); do
	[[ $arg == vm_rundir=* ]] && rundir=${arg#*=}
done

mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
# Report hung tasks well inside the per-test timeouts (settings: 300 s),
# not so early that a host under load makes slow I/O look hung.
echo 60 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null

echo "guest: running $rundir/guest-cmd.sh"
bash "$rundir/guest-cmd.sh" </dev/null 2>&1 | tee "$rundir/guest.log"
rc=${PIPESTATUS[0]}
echo "$rc" >"$rundir/exit-code"
dmesg >"$rundir/dmesg.txt"
echo "guest: command exit code $rc, powering off"
sync
# Power-off shuts the 9p transport down under us, and PID 1 must not exit
# (that panics): wait with a builtin on a FIFO in tmpfs instead of sleep(1).
mkfifo /run/poweroff-wait
echo o >/proc/sysrq-trigger
read -r -t 60 <>/run/poweroff-wait
