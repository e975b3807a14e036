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
# A kernel with DMA-API debugging (the debug kernel): unbind the HBA
# drivers, then keep what DMA-API debugging still holds for their devices
# (leaked mappings and allocations: with dma_debug_driver= set the kernel
# does not report them itself, the device has no driver any more).
if [[ -r /sys/kernel/debug/dma-api/dump ]]; then
	for d in /sys/bus/pci/drivers/{mptmq,mptsas,mptspi}/0000:*; do
		[[ -e $d ]] && basename "$d"
	done >"$rundir/hba-devices"
	# The HBA modules' symbols, before they go: kmemleak prints its
	# backtraces when read, after the unload, as bare addresses; the
	# host names them with this (debug/lib.sh) to tell ours from the
	# kernel's and the reference driver's.
	grep -E '\[(mptmq|mptsas|mptspi|mptscsih|mptbase)\]$' /proc/kallsyms >"$rundir/module-syms.txt"
	for m in mptmq mptsas mptspi; do
		grep -q "^$m " /proc/modules && timeout 120 rmmod "$m"
	done
	{
		echo "# error_count $(cat /sys/kernel/debug/dma-api/error_count)"
		grep -F -f "$rundir/hba-devices" /sys/kernel/debug/dma-api/dump
	} >"$rundir/dma-api-leaks.txt"
	echo "guest: DMA-API: $(($(wc -l <"$rundir/dma-api-leaks.txt") - 1)) entries left for $(tr '\n' ' ' <"$rundir/hba-devices")"
fi
# A kernel with kmemleak (the debug kernel): scan after the command (and
# the unbind above) and keep the report.  kmemleak (mm/kmemleak.c, 6.1)
# reports an object only when it is at least MSECS_MIN_AGE (5 s) old at
# the start of a scan and its checksum did not change since the scan
# before: an object first seen unreferenced is only noted.  So three
# scans 6 s apart (each write returns when its scan is done): an object
# the unbind just dropped is reported by the second or the third.
# Bounded: three scans and 12 s of waiting.
if [[ -w /sys/kernel/debug/kmemleak ]]; then
	for scan in 1 2 3; do
		((scan > 1)) && sleep 6
		echo "guest: kmemleak scan $scan"
		echo scan >/sys/kernel/debug/kmemleak
	done
	cat /sys/kernel/debug/kmemleak >"$rundir/kmemleak.txt"
	echo "guest: kmemleak: $(grep -c '^unreferenced object' "$rundir/kmemleak.txt") unreferenced objects"
fi
echo "$rc" >"$rundir/exit-code"
dmesg >"$rundir/dmesg.txt"
echo "guest: command exit code $rc, powering off"
sync
# Power-off shuts the 9p transport down under us, and PID 1 must not exit
# (that panics): wait with a builtin on a FIFO in tmpfs instead of sleep(1).
mkfifo /run/poweroff-wait
echo o >/proc/sysrq-trigger
read -r -t 60 <>/run/poweroff-wait
