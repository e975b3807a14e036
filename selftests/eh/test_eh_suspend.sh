#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_eh_suspend.sh - system suspend to RAM and back (issue 10, defect 8).
# Stock or test QEMU: q35 with S3 on (-global ICH9-LPC.disable_s3=0); the
# host's qmp-watch.py sends system_wakeup 5 s after QEMU reports SUSPEND
# (RUNDIR/qmp-autowake).  QEMU resets every device on wakeup, so the IOC
# comes back READY and the driver must bring it up again itself.
# On the test QEMU x-stale-doorbell-after-resume is on as well: after
# D3hot -> D0 the doorbell shows a stale OPERATIONAL state and the
# firmware runs only after a diagnostic reset (mptbase.c mpt_resume()'s
# SAS1064E/1068E erratum).
#  1. io_before: fio write+verify on every disk (fixed seed).
#  2. suspend_resume: echo mem > /sys/power/state returns 0, and the
#     kernel logged the S3 entry and wakeup, with no WARNING/BUG/hung task.
#  3. driver_resumed: mptmq logged "resumed in N ms" (with the hook: after
#     "resume: diagnostic reset"), ioc_state is running, and no fault,
#     fault reset or command timeout was counted: the resume, not the fault
#     watchdog, brought the IOC back.  mptsas: mptbase logged
#     "pci-resume: success".
#  4. data_kept: what step 1 wrote still verifies (fio --verify_only).
#  5. io_after: a new fio write+verify round on every disk.
#
# QEMU's wakeup resets the virtio 9p devices too, and 9pnet_virtio has no
# PM restore, so after the resume nothing may touch the 9p root or run
# directory: the test copies the few programs it needs (sh, fio, grep,
# sed, dmesg...) and their libraries into a tmpfs, runs all of the above
# there (chroot), prints its KTAP to the
# serial console ("pmtest: " lines, which eh/run.sh turns into the
# results) and ends the VM itself.  Destructive: the only test of
# its VM.  Rerun alone: selftests/eh/run.sh [--qemu test] suspend.

set -uo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/eh_lib.sh"

PM=/tmp/pm

# stage_copy FILE... - copy FILE (symlinks followed) to the same path under $PM.
stage_copy()
{
	local f
	for f in "$@"; do
		mkdir -p "$PM$(dirname "$f")"
		cp -L "$f" "$PM$f" || return 1
	done
}

# The programs eh_suspend_post.sh runs (sh is the root's /bin/sh).
TOOLS="sh cat grep sed dmesg date timeout sync sleep wc tail head fio"

# stage - a tmpfs root with $TOOLS, their libraries, /proc /sys /dev.
stage()
{
	local t p paths=() d
	for t in $TOOLS; do
		p=$(command -v "$t") || { echo "no $t in the guest root"; return 1; }
		paths+=("$p")
	done
	mkdir -p "$PM" && mount -t tmpfs tmpfs "$PM" || return 1
	stage_copy "${paths[@]}" || return 1
	# ldd names each library (and the ELF interpreter) by its absolute path.
	# shellcheck disable=SC2046 # one path per word
	stage_copy $(ldd "${paths[@]}" 2>/dev/null | grep -o '/[^ :]*\.so[^ :]*' | sort -u) || return 1
	mkdir -p "$PM/tmp"
	for d in proc sys dev; do
		mkdir -p "$PM/$d" && mount --bind "/$d" "$PM/$d" || return 1
	done
	cp "$DIR/eh_suspend_post.sh" "$PM/post.sh"
}

mpt_load_manifest
mpt_require_driver
H=$(mpt_host) || ktap_exit_fail_msg "no SCSI host of $MPT_DRIVER"
mapfile -t BLKS < <(data_blocks)
STALE=0
if [[ ${MPT_QEMU:-stock} == test ]]; then
	model_set x-stale-doorbell-after-resume true >/dev/null ||
		ktap_exit_fail_msg "qom-set x-stale-doorbell-after-resume failed"
	STALE=1
fi
stage || ktap_exit_fail_msg "cannot stage the tmpfs root in $PM"
sync
echo "pmtest: # suspend test: staged in $PM; from here on the KTAP is on the console" >/dev/console
# Never returns: post.sh ends the VM.
exec chroot "$PM" "$(command -v sh)" /post.sh "$MPT_DRIVER" "$H" "$STALE" "${EH_FIO_SIZE:-8M}" \
	"${BLKS[@]}" </dev/null >/dev/console 2>&1
