#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_sysfs.sh - mptmq only: every SCSI host attribute of mptmq
# (Documentation/ABI/testing/sysfs-class-scsi_host-mptmq) holds one value
# (one line; limits and counters one file each under queue_limits/ and
# error_counters/) and reads back what QEMU's mptsas1068 reports (IOCFacts,
# Manufacturing page 0; the values of the research notes on QEMU 7.2,
# qemu-mptsas.md sections 4 and 7.2), or the test QEMU's lsi53c1030 where
# it differs (version_product and product_id: lib.sh mpt_hba_fact), the limits agree with the SCSI
# midlayer's own attributes, the multi-value dumps are in debugfs, and
# modinfo shows the description, version, one alias per supported PCI ID
# and the msi parameter with its default.  The mptscsih names (version_*,
# board_*, io_delay, device_delay) must read in mptscsih's formats;
# test_sas_names.sh compares their values with the in-kernel mptsas's.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

# What QEMU's model reports (hw/scsi/mptsas.c, mptconfig.c).
QEMU_FW=01.50.146.00		# FWVersion 0x01329200
QEMU_BIOS=00.00.01.00		# IO Unit page 2 BiosVersion 0x00000100, "%02x" each byte
QEMU_MPI=105			# MsgVersion 0x0105, mptscsih's "%03x"
QEMU_NVDATA=00h			# SAS IO Unit page 0 NvdataVersion*: 0, "%02xh"
QEMU_DELAY=00			# SAS IO Unit page 1 missing delays: 0, "%02d"
QEMU_BOARD="QEMU MPT Fusion"
QEMU_CHIP="QEMU MPT Fusion"	# ChipName
QEMU_CHIP_REV=2.5		# ChipRevision
QEMU_ASSEMBLY=QEMU
QEMU_TRACER=0000111122223333
QEMU_CREDITS=128
QEMU_REPLY_DEPTH=128
QEMU_FRAME_WORDS=128		# RequestFrameSize in dwords (512 bytes)
QEMU_CHAIN_DEPTH=34
# can_queue = min(GlobalCredits, ReplyQueueDepth) - MPTMQ_CREDIT_RESERVE,
# the reserve being the 6 internal frames + 2 (drivers/scsi/mptmq/mptmq.h).
CREDIT_RESERVE=8
# mptmq's pci_device_id table (drivers/scsi/mptmq/mptmq_main.c).
PCI_IDS="0030 0031 0040 0041 0050 0054 0056 0058 005A 005C 005E"
ERROR_COUNTERS="reset_host reset_fault reset_recovery reset_partner tm_abort tm_lun_reset tm_target_reset
tm_bus_reset tm_failed timeouts faults lost_interrupts bad_replies tm_abort_failed
tm_lun_reset_failed tm_target_reset_failed tm_bus_reset_failed tm_no_reply pci_errors"
LIMIT_NAMES="global_credits reply_queue_depth can_queue frame_size max_chain_depth chain_segments
max_sge sge_bits msi"
# The single-value attributes (the ABI file), besides the two directories.
ATTRS=(version_fw version_bios version_mpi version_product version_nvdata_persistent
       version_nvdata_default board_name board_assembly board_tracer io_delay device_delay
       chip_name chip_revision product_id ioc_state)

# attr_is NAME VALUE - host attribute NAME reads exactly VALUE.
attr_is()
{
	local v
	v=$(<"$SHOST/$1") || return 1
	echo "$1: '$v', expected '$2'"
	[[ $v == "$2" ]]
}

# one_value - every attribute mptmq adds (the ABI file's names; files of
# queue_limits/ and error_counters/) is a single line.
one_value()
{
	local f n rc=0
	for f in "${ATTRS[@]/#/$SHOST/}" "$SHOST"/queue_limits/* "$SHOST"/error_counters/*; do
		[[ -f $f ]] || { echo "${f#"$SHOST"/}: not a file"; rc=1; continue; }
		n=$(wc -l <"$f")
		((n == 1)) || { echo "${f#"$SHOST"/}: $n lines"; rc=1; }
	done
	((rc)) || echo "${#ATTRS[@]} attributes, the limits and the counters: one line each"
	return "$rc"
}

# ioc_state - the driver's state of the IOC, nothing else.
ioc_state()
{
	attr_is ioc_state running
}

# dir_is DIR NAMES... - DIR holds exactly NAMES, each a number.
dir_is()
{
	local dir=$SHOST/$1 f have
	shift
	have=$(find "$dir" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort | xargs)
	echo "$(basename "$dir")/: $have"
	[[ $have == "$(printf '%s\n' "$@" | sort | xargs)" ]] || { echo "expected: $*"; return 1; }
	for f in "$@"; do
		[[ $(<"$dir/$f") =~ ^[0-9]+$ ]] || { echo "$f is not a number: '$(<"$dir/$f")'"; return 1; }
	done
}

# limit NAME - the value of queue_limits/NAME.
limit()
{
	cat "$SHOST/queue_limits/$1" 2>/dev/null
}

# limits_reported - queue_limits/ holds exactly its nine limits, numbers.
limits_reported()
{
	# shellcheck disable=SC2086
	dir_is queue_limits $LIMIT_NAMES
}

# limit_is NAME VALUE
limit_is()
{
	local v
	v=$(limit "$1")
	echo "queue_limits $1 = ${v:-<missing>}, expected $2"
	[[ $v == "$2" ]]
}

# can_queue - credits minus the reserve, and the midlayer agrees.
can_queue()
{
	local want host
	want=$(( (QEMU_CREDITS < QEMU_REPLY_DEPTH ? QEMU_CREDITS : QEMU_REPLY_DEPTH) - CREDIT_RESERVE ))
	host=$(<"$SHOST/can_queue")
	echo "queue_limits can_queue $(limit can_queue), expected $want; scsi_host can_queue $host"
	[[ $(limit can_queue) == "$want" && $host == "$want" ]]
}

# sg_limits - max_sge is the midlayer's sg_tablesize, at most 256, and the
# SGL geometry is 64-bit.
sg_limits()
{
	local sge tbl
	sge=$(limit max_sge)
	tbl=$(<"$SHOST/sg_tablesize")
	echo "max_sge $sge, sg_tablesize $tbl, sge_bits $(limit sge_bits), chain_segments $(limit chain_segments)"
	[[ $sge == "$tbl" ]] && ((sge > 0 && sge <= 256)) && [[ $(limit sge_bits) == 64 ]] &&
		(($(limit chain_segments) <= QEMU_CHAIN_DEPTH))
}

# msi_limit - queue_limits msi is 1 exactly when the VM and the module
# parameter ask for MSI.
msi_limit()
{
	limit_is msi "$([[ $MPT_MSI == on ]] && echo 1 || echo 0)"
}

# error_counters - error_counters/ holds all seventeen counters, numbers.
error_counters()
{
	# shellcheck disable=SC2086
	dir_is error_counters $ERROR_COUNTERS
}

# debugfs_dumps - the multi-value dumps: debugfs error_counters and
# queue_limits list every name of the sysfs directories in their order with
# the same values (counters may move: names only there), doorbell is
# "running OPERATIONAL 0x2xxxxxxx" (driver state, the doorbell's IOC state,
# the raw doorbell).
debugfs_dumps()
{
	local dbg v
	dbg=/sys/kernel/debug/mptmq/$(basename "$(mpt_pci_dev)")
	[[ -d $dbg ]] || { echo "no $dbg"; return 1; }
	v=$(awk '{ print $1 }' "$dbg/error_counters" | xargs)
	echo "debugfs error_counters: $v"
	[[ $v == "$(xargs <<<"$ERROR_COUNTERS")" ]] || return 1
	v=$(<"$dbg/queue_limits")
	echo "debugfs queue_limits: ${v//$'\n'/, }"
	[[ $(awk '{ print $1 }' <<<"$v" | xargs) == "$(xargs <<<"$LIMIT_NAMES")" ]] || return 1
	awk -v d="$SHOST/queue_limits" '{ f = d "/" $1; getline s < f; if (s != $2) exit 1 }' <<<"$v" ||
		{ echo "debugfs queue_limits differ from sysfs"; return 1; }
	v=$(<"$dbg/doorbell")
	echo "debugfs doorbell: '$v'"
	[[ $v =~ ^running\ OPERATIONAL\ 0x2[0-9a-f]{7}$ ]]
}

# host_identity - the midlayer's own attributes name the driver.
host_identity()
{
	echo "proc_name $(<"$SHOST/proc_name"), unique_id $(<"$SHOST/unique_id")"
	[[ $(<"$SHOST/proc_name") == mptmq ]]
}

# modinfo_fields - description, version (= the loaded module's), license.
modinfo_fields()
{
	local desc ver lic
	desc=$(modinfo -F description "$KO") && ver=$(modinfo -F version "$KO") &&
		lic=$(modinfo -F license "$KO") || return 1
	echo "module: $KO"
	echo "description: $desc"
	echo "version: $ver (loaded: $(</sys/module/mptmq/version)), license: $lic"
	[[ -n $desc && $ver =~ ^[0-9]+\.[0-9]+\.[0-9]+ && $ver == "$(</sys/module/mptmq/version)" &&
	   $lic == GPL ]]
}

# modinfo_aliases - exactly one pci alias per ID of the table, vendor 0x1000.
modinfo_aliases()
{
	local aliases id n rc=0
	aliases=$(modinfo -F alias "$KO") || return 1
	for id in $PCI_IDS; do
		n=$(grep -c "^pci:v00001000d0000${id}sv\*sd\*bc\*sc\*i\*\$" <<<"$aliases")
		((n == 1)) || { echo "device $id: $n aliases"; rc=1; }
	done
	n=$(grep -c . <<<"$aliases")
	echo "$n aliases for $(wc -w <<<"$PCI_IDS") IDs"
	((n == $(wc -w <<<"$PCI_IDS"))) || rc=1
	return "$rc"
}

# modinfo_msi_param - the msi parameter is documented with its default and
# its current value follows the load.
modinfo_msi_param()
{
	local parm cur
	parm=$(modinfo -F parm "$KO" | grep '^msi:') || { echo "no msi parameter"; return 1; }
	cur=$(</sys/module/mptmq/parameters/msi)
	echo "parm $parm; current value $cur, MPT_MSI=$MPT_MSI"
	[[ $parm == *"(default: true)"*"(bool)" ]] || return 1
	[[ $cur == "$([[ $MPT_MSI == on ]] && echo Y || echo N)" ]]
}

mpt_load_manifest
[[ $MPT_DRIVER == mptmq ]] ||
	ktap_skip_all "mptmq only: $MPT_DRIVER has none of these attributes"
ktap_print_header
ktap_set_plan 30
mpt_require_driver
HOST=$(mpt_host) || ktap_exit_fail_msg "no SCSI host of mptmq"
SHOST=/sys/class/scsi_host/host$HOST
KO=${MPTMQ_KO:-mptmq}
# The two facts that differ between the HBA models.
QEMU_PRODUCT_NAME=$(mpt_hba_fact product) && QEMU_PRODUCT=$(mpt_hba_fact product_id) ||
	ktap_exit_fail_msg "unknown HBA model '${MPT_HBA:-}'"
ktap_print_msg "host$HOST, module $KO, HBA ${MPT_HBA:-mptsas1068}"

ktap_check version_fw attr_is version_fw "$QEMU_FW"
ktap_check version_bios attr_is version_bios "$QEMU_BIOS"
ktap_check version_mpi attr_is version_mpi "$QEMU_MPI"
ktap_check version_product attr_is version_product "$QEMU_PRODUCT_NAME"
ktap_check version_nvdata_persistent attr_is version_nvdata_persistent "$QEMU_NVDATA"
ktap_check version_nvdata_default attr_is version_nvdata_default "$QEMU_NVDATA"
ktap_check io_delay attr_is io_delay "$QEMU_DELAY"
ktap_check device_delay attr_is device_delay "$QEMU_DELAY"
ktap_check board_name attr_is board_name "$QEMU_BOARD"
ktap_check board_assembly attr_is board_assembly "$QEMU_ASSEMBLY"
ktap_check board_tracer attr_is board_tracer "$QEMU_TRACER"
ktap_check chip_name attr_is chip_name "$QEMU_CHIP"
ktap_check chip_revision attr_is chip_revision "$QEMU_CHIP_REV"
ktap_check product_id attr_is product_id "$QEMU_PRODUCT"
ktap_check ioc_state ioc_state
ktap_check one_value one_value
ktap_check queue_limits limits_reported
ktap_check global_credits limit_is global_credits "$QEMU_CREDITS"
ktap_check reply_queue_depth limit_is reply_queue_depth "$QEMU_REPLY_DEPTH"
ktap_check can_queue can_queue
ktap_check frame_size limit_is frame_size $((QEMU_FRAME_WORDS * 4))
ktap_check max_chain_depth limit_is max_chain_depth "$QEMU_CHAIN_DEPTH"
ktap_check sg_limits sg_limits
ktap_check msi msi_limit
ktap_check error_counters error_counters
ktap_check debugfs_dumps debugfs_dumps
ktap_check host_identity host_identity
ktap_check modinfo_fields modinfo_fields
ktap_check modinfo_aliases modinfo_aliases
ktap_check modinfo_msi modinfo_msi_param
ktap_finished
