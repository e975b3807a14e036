#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_sysfs.sh - mptmq only: every SCSI host attribute of mptmq
# (Documentation/ABI/testing/sysfs-class-scsi_host-mptmq) reads back what
# QEMU's mptsas1068 reports (IOCFacts, Manufacturing page 0; the values of
# the research notes on QEMU 7.2, qemu-mptsas.md sections 4 and 7.2), the
# limits agree with the SCSI midlayer's own attributes, and modinfo shows
# the description, version, one alias per supported PCI ID and the msi
# parameter with its default.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

# What QEMU's model reports (hw/scsi/mptsas.c, mptconfig.c).
QEMU_FW=01.50.146.00		# FWVersion 0x01329200
QEMU_MPI=1.5			# MsgVersion 0x0105
QEMU_BOARD="QEMU MPT Fusion"
QEMU_CHIP="QEMU MPT Fusion 2.5"	# ChipName, ChipRevision
QEMU_ASSEMBLY=QEMU
QEMU_TRACER=0000111122223333
QEMU_PRODUCT=0x2102		# SAS | initiator | 1068 family
QEMU_CREDITS=128
QEMU_REPLY_DEPTH=128
QEMU_FRAME_WORDS=128		# RequestFrameSize in dwords (512 bytes)
QEMU_CHAIN_DEPTH=34
# can_queue = min(GlobalCredits, ReplyQueueDepth) - MPTMQ_CREDIT_RESERVE,
# the reserve being the 6 internal frames + 2 (drivers/scsi/mptmq/mptmq.h).
CREDIT_RESERVE=8
# mptmq's pci_device_id table (drivers/scsi/mptmq/mptmq_main.c).
PCI_IDS="0030 0031 0040 0041 0050 0054 0056 0058 005A 005C 005E"
ERROR_COUNTERS="reset_host reset_fault reset_recovery tm_abort tm_lun_reset tm_target_reset
tm_bus_reset tm_failed timeouts faults lost_interrupts bad_replies tm_abort_failed
tm_lun_reset_failed tm_target_reset_failed tm_bus_reset_failed tm_no_reply"

# attr_is NAME VALUE - host attribute NAME reads exactly VALUE.
attr_is()
{
	local v
	v=$(<"$SHOST/$1") || return 1
	echo "$1: '$v', expected '$2'"
	[[ $v == "$2" ]]
}

# ioc_state - "running OPERATIONAL 0x2xxxxxxx": driver state, the doorbell's
# IOC state and the raw doorbell.
ioc_state()
{
	local v
	v=$(<"$SHOST/ioc_state") || return 1
	echo "ioc_state: '$v'"
	[[ $v =~ ^running\ OPERATIONAL\ 0x2[0-9a-f]{7}$ ]]
}

# limit NAME - the value of NAME in queue_limits.
limit()
{
	awk -v k="$1" '$1 == k { print $2; f = 1 } END { exit !f }' <<<"$LIMITS"
}

# limits_reported - queue_limits has exactly its nine keys, each a number.
limits_reported()
{
	local k keys
	echo "$LIMITS"
	keys=$(awk '{ print $1 }' <<<"$LIMITS" | tr '\n' ' ')
	[[ $keys == "global_credits reply_queue_depth can_queue frame_size max_chain_depth chain_segments max_sge sge_bits msi " ]] ||
		{ echo "keys: $keys"; return 1; }
	for k in $keys; do
		[[ $(limit "$k") =~ ^[0-9]+$ ]] || { echo "$k is not a number"; return 1; }
	done
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

# error_counters - all seventeen counters, each a number, nothing else.
error_counters()
{
	local v keys
	v=$(<"$SHOST/error_counters") || return 1
	echo "$v"
	keys=$(awk '{ print $1 }' <<<"$v" | xargs)
	[[ $keys == "$(xargs <<<"$ERROR_COUNTERS")" ]] || { echo "keys: $keys"; return 1; }
	! awk '$2 !~ /^[0-9]+$/ { bad = 1 } END { exit !bad }' <<<"$v"
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
ktap_set_plan 21
mpt_require_driver
HOST=$(mpt_host) || ktap_exit_fail_msg "no SCSI host of mptmq"
SHOST=/sys/class/scsi_host/host$HOST
KO=${MPTMQ_KO:-mptmq}
ktap_print_msg "host$HOST, module $KO"

ktap_check version_fw attr_is version_fw "$QEMU_FW"
ktap_check version_mpi attr_is version_mpi "$QEMU_MPI"
ktap_check board_name attr_is board_name "$QEMU_BOARD"
ktap_check board_assembly attr_is board_assembly "$QEMU_ASSEMBLY"
ktap_check board_tracer attr_is board_tracer "$QEMU_TRACER"
ktap_check chip_name attr_is chip_name "$QEMU_CHIP"
ktap_check product_id attr_is product_id "$QEMU_PRODUCT"
ktap_check ioc_state ioc_state
LIMITS=$(<"$SHOST/queue_limits")
ktap_check queue_limits limits_reported
ktap_check global_credits limit_is global_credits "$QEMU_CREDITS"
ktap_check reply_queue_depth limit_is reply_queue_depth "$QEMU_REPLY_DEPTH"
ktap_check can_queue can_queue
ktap_check frame_size limit_is frame_size $((QEMU_FRAME_WORDS * 4))
ktap_check max_chain_depth limit_is max_chain_depth "$QEMU_CHAIN_DEPTH"
ktap_check sg_limits sg_limits
ktap_check msi msi_limit
ktap_check error_counters error_counters
ktap_check host_identity host_identity
ktap_check modinfo_fields modinfo_fields
ktap_check modinfo_aliases modinfo_aliases
ktap_check modinfo_msi modinfo_msi_param
ktap_finished
