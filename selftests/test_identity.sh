#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_identity.sh - what each disk reports through the driver (INQUIRY,
# READ CAPACITY(16), TEST UNIT READY, REPORT LUNS, the Device Identification
# VPD page) agrees with how the VM was configured.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

# inquiry NAME - standard INQUIRY: a disk, vendor QEMU, our unit serial.
inquiry()
{
	local out
	# The serial from its VPD page: sg_inq 1.48 (Debian unstable) no
	# longer adds it to the standard INQUIRY's output, 1.46 did; sg_vpd
	# 1.48 calls it "Product serial number", 1.46 "Unit serial number".
	out=$(sg_inq "$SG" && sg_vpd -p sn "$SG") || return 1
	echo "$out" | grep -E 'Peripheral device type|Vendor|Product id|serial'
	grep -q 'Peripheral device type: disk' <<<"$out" &&
		grep -qE 'Vendor identification: QEMU' <<<"$out" &&
		grep -qE "(Unit|Product) serial number: $(disk_get "$1" SERIAL)\$" <<<"$out"
}

# capacity NAME - READ CAPACITY(16): blocks x block length = manifest size.
capacity()
{
	local out blocks len want
	out=$(sg_readcap -l "$SG") || return 1
	blocks=$(sed -n 's/.*Number of logical blocks=\([0-9]*\).*/\1/p' <<<"$out")
	len=$(sed -n 's/.*Logical block length=\([0-9]*\) bytes.*/\1/p' <<<"$out")
	want=$(disk_get "$1" SIZE)
	echo "blocks=$blocks block_length=$len -> $((blocks * len)) bytes, expected $want"
	[[ -n $blocks && $len == 512 && $((blocks * len)) == "$want" ]]
}

# report_luns NAME - REPORT LUNS lists the disk's LUN (QEMU always adds 0).
# QEMU 7.2 answers REPORT LUNS addressed to a non-zero LUN with ILLEGAL
# REQUEST / INVALID FIELD IN CDB (the emulation, not the driver: the same
# happens behind virtio-scsi); that case is a skip, not a failure.
report_luns()
{
	local out want rc=0
	out=$(sg_luns "$SG" 2>&1) || rc=$?
	echo "$out"
	if ((rc != 0)); then
		[[ $(disk_get "$1" LUN) != 0 && $out == *"Illegal request"* ]] &&
			return "$KSFT_SKIP"
		return 1
	fi
	want=$(printf '00%02x000000000000' "$(disk_get "$1" LUN)")
	grep -qE "^ +$want\$" <<<"$out"
}

# vpd_naa NAME - VPD page 0x83 carries the configured wwn as NAA designator.
vpd_naa()
{
	local out wwn
	out=$(sg_vpd -p 0x83 "$SG") || return 1
	wwn=$(disk_get "$1" WWN)
	echo "$out"
	grep -qiE "^ +$wwn\$" <<<"$out"
}

mpt_load_manifest
ktap_print_header
ktap_set_plan $((5 * ${#MPT_DISKS[@]}))
mpt_require_driver

for d in "${MPT_DISKS[@]}"; do
	SG=$(disk_sg "$d") || SG=/dev/null/missing-$d
	ktap_print_msg "$d: $(disk_hctl "$d") $SG"
	ktap_check "${d}_inquiry" inquiry "$d"
	ktap_check "${d}_readcap" capacity "$d"
	ktap_check "${d}_turs" sg_turs_retry "$SG"
	ktap_check "${d}_luns" report_luns "$d"
	ktap_check "${d}_vpd83" vpd_naa "$d"
done
ktap_finished
