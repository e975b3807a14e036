#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_sas_functions.sh - PHY resets and SMP pass-through are sent only to
# an IOC that has shown the function, and work where it has.
#
# Writing 1 to a host phy's link_reset or hard_reset (scsi_transport_sas)
# makes the driver send SAS IO Unit Control PHY_LINK_RESET/PHY_HARD_RESET;
# an SMP request on the host's bsg node (/dev/bsg/sas_hostH) makes it send
# SMP_PASSTHROUGH.  QEMU's stock mptsas1068 faults the IOC on both
# functions; our test build (--qemu test, selftests/qemu/NOTES.md) answers
# SAS IO Unit Control with SUCCESS and faults on SMP_PASSTHROUGH.
#
#  not_sent_link, not_sent_hard (mptmq, any QEMU): with sas_functions
#     automatic, QEMU's model (Manufacturing page 0 ChipName "QEMU MPT
#     Fusion") has not shown the function: the write fails with EOPNOTSUPP,
#     and the IOC is untouched (ioc_state running, no reset counted, the
#     disks answer).  The reference mptsas sends the function to any IOC:
#     skipped for it (on stock QEMU that faults the IOC).
#  smp_not_sent (mptmq, any QEMU): an SMP REPORT GENERAL through bsg (SG_IO
#     v4, inline Python) fails with EOPNOTSUPP, the IOC untouched.  Skipped
#     for the reference: it sends SMP_PASSTHROUGH, which both QEMUs fault on.
#  sent_link, sent_hard (test QEMU only; skipped on stock): with the function
#     allowed (mptmq: sas_functions=1; mptsas: always), the write succeeds
#     and the IOC stays up, the disks answer.
#
# Rerun alone: selftests/vm/run.sh --driver mptmq --fixture sas --qemu test sas_functions

set -uo pipefail
. "$(dirname "$0")/lib.sh"

PARAM=/sys/module/mptmq/parameters/sas_functions

# ioc_ok - the IOC still runs: (mptmq) ioc_state running and no IOC reset
# counted since RESETS0; every disk of the fixture answers TEST UNIT READY.
ioc_ok()
{
	local d sg h state resets
	if [[ $MPT_DRIVER == mptmq ]]; then
		h=$(mpt_host) || return 1
		state=$(<"/sys/class/scsi_host/host$h/ioc_state")
		resets=$(counted_resets "$h")
		[[ $state == running ]] || { echo "ioc_state $state"; return 1; }
		[[ $resets == "$RESETS0" ]] || { echo "IOC resets: $RESETS0 before, $resets after"; return 1; }
	fi
	for d in s0 s3; do
		sg=$(disk_sg "$d") || { echo "disk $d is gone"; return 1; }
		sg_turs_retry "$sg" >/dev/null || { echo "$sg does not answer"; return 1; }
	done
	if dmesg_new | grep -Eiq 'FAULT|non-operational'; then
		echo "the kernel log reports an IOC fault:"
		dmesg_new | grep -Ei 'FAULT|non-operational'
		return 1
	fi
	echo "IOC up, disks s0 s3 answer"
}

# counted_resets HOST - the sum of mptmq's IOC reset counters.
counted_resets()
{
	local f n=0
	for f in /sys/class/scsi_host/host"$1"/error_counters/reset_*; do
		n=$((n + $(<"$f")))
	done
	echo "$n"
}

# phy_write KIND - write 1 to phy 0's KIND (link_reset, hard_reset); print
# the error, return the write's status.
phy_write()
{
	local h out rc
	h=$(mpt_host) || return 1
	out=$( { echo 1 >"/sys/class/sas_phy/phy-$h:0/$1"; } 2>&1 )
	rc=$?
	echo "echo 1 > phy-$h:0/$1: status $rc ${out:+($out)}"
	return "$rc"
}

# not_sent KIND - the write fails with EOPNOTSUPP and the IOC is untouched.
not_sent()
{
	local out
	dmesg_mark
	out=$(phy_write "$1")
	echo "$out"
	grep -q 'Operation not supported' <<<"$out" || { echo "expected EOPNOTSUPP"; return 1; }
	ioc_ok
}

# sent KIND - the write succeeds and the IOC is untouched.
sent()
{
	dmesg_mark
	phy_write "$1" || return 1
	sleep 1
	ioc_ok
}

# smp_report_general DEV - SMP REPORT GENERAL through bsg node DEV; prints
# the outcome; status 0 answered, 2 EOPNOTSUPP, 1 any other error.
smp_report_general()
{
	python3 - "$1" <<'PY'
import ctypes, errno, fcntl, os, struct, sys
# struct sg_io_v4 (include/uapi/linux/bsg.h), 160 bytes
FMT = '<iIIIQQIIIIQIIIIQQIIQIIIIIIIIiiQII'
fd = os.open(sys.argv[1], os.O_RDWR)
req = ctypes.create_string_buffer(bytes([0x40, 0, 0, 0, 0, 0, 0, 0]), 8)  # + CRC room
rsp = ctypes.create_string_buffer(32)
cdb = ctypes.create_string_buffer(16)
sense = ctypes.create_string_buffer(96)
a = ctypes.addressof
# guard 'Q', protocol SCSI, subprotocol SCSI_TRANSPORT; dout: the request, din: the response
hdr = bytearray(struct.pack(FMT, ord('Q'), 0, 2, 16, a(cdb), 0, 0, 0, 0, 96, a(sense),
                            0, 8, 0, 32, a(req), a(rsp), 10000, 0, 0, *([0] * 13)))
try:
    fcntl.ioctl(fd, 0x2285, hdr)    # SG_IO
except OSError as e:
    print("SG_IO: %s" % errno.errorcode.get(e.errno, e.errno))
    sys.exit(2 if e.errno == errno.EOPNOTSUPP else 1)
f = struct.unpack(FMT, bytes(hdr))
print("SG_IO answered: transport_status %d device_status %d din_resid %d" % (f[22], f[23], f[28]))
PY
}

# smp_not_sent - the SMP request fails with EOPNOTSUPP, the IOC untouched.
smp_not_sent()
{
	local h rc
	h=$(mpt_host) || return 1
	[[ -c /dev/bsg/sas_host$h ]] || { echo "no /dev/bsg/sas_host$h"; return 1; }
	dmesg_mark
	smp_report_general "/dev/bsg/sas_host$h"
	rc=$?
	((rc == 2)) || { echo "expected EOPNOTSUPP"; return 1; }
	ioc_ok
}

mpt_load_manifest
[[ -n $(disk_get s3 TARGET) ]] || ktap_skip_all "not the SAS fixture (no disk s3)"
ktap_print_header
ktap_set_plan 5
# After test_sas_hotplug the manifest's disk s5 is gone for good: only load
# the driver when it is not loaded (mpt_require_driver waits for every disk).
driver_loaded || mpt_require_driver
h=$(mpt_host) || ktap_exit_fail_msg "no host"
[[ -e /sys/class/sas_phy/phy-$h:0/link_reset ]] || ktap_exit_fail_msg "no sas_phy phy-$h:0"
RESETS0=$( [[ $MPT_DRIVER == mptmq ]] && counted_resets "$h")

if [[ $MPT_DRIVER == mptmq ]]; then
	old=$(<"$PARAM")
	echo -1 >"$PARAM"
	ktap_check not_sent_link not_sent link_reset
	ktap_check not_sent_hard not_sent hard_reset
	ktap_check smp_not_sent smp_not_sent
else
	ktap_test_skip not_sent_link "reference mptsas: sends SAS IO Unit Control to any IOC (stock QEMU faults)"
	ktap_test_skip not_sent_hard "reference mptsas: sends SAS IO Unit Control to any IOC (stock QEMU faults)"
	ktap_test_skip smp_not_sent "reference mptsas: sends SMP_PASSTHROUGH to any IOC (both QEMUs fault)"
fi
if [[ ${MPT_QEMU:-stock} == test ]]; then
	[[ $MPT_DRIVER == mptmq ]] && echo 1 >"$PARAM"
	ktap_check sent_link sent link_reset
	ktap_check sent_hard sent hard_reset
else
	ktap_test_skip sent_link "stock QEMU faults the IOC on SAS IO Unit Control (run with --qemu test)"
	ktap_test_skip sent_hard "stock QEMU faults the IOC on SAS IO Unit Control (run with --qemu test)"
fi
[[ $MPT_DRIVER == mptmq ]] && echo "$old" >"$PARAM"
ktap_finished
