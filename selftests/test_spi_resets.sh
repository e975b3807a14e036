#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_spi_resets.sh - what a parallel SCSI driver must redo after resets,
# on the test QEMU's lsi53c1030 (--fixture spi, vm/vmlib.sh vm_spi_disks:
# f0..f4 on function 0, g0 on function 1; the model forgets every SCSI
# Device page 1 at an IOC reset and answers Device page 0 with "async
# narrow" until the driver writes page 1 again, and so does a SCSI bus
# reset (RESET_BUS): every target of that bus is async narrow after it, as
# on a real bus; a diagnostic reset of one function resets both).  With
# --fixture spisuite the suite's disks are on function 0 too; only the
# disks with an SPI expectation (lib.sh mpt_spi_disks) are compared.
# Subtests:
#   period_write  writing 12.5 to f0's period renegotiates (Device page 1
#                 written: page 0, which the attribute shows, says 12.5 ns)
#                 and the disk still reads; 6.25 again afterwards
#   host_reset, ioc_reset, bus_reset
#                 under fio write+verify on f0 and g0, one after the other:
#                 a host reset (sg_reset -H) of function 0, mptmq only an
#                 IOC reset through debugfs ioc_reset, then a bus reset
#                 (sg_reset -b) of function 0's bus; after each, every
#                 target's agreement on both functions (width period offset
#                 dt iu qas) is what it was before.  The bus reset is last:
#                 the reference mptspi does not renegotiate after one
#                 (below), and reading the attributes then leaves its
#                 cached values at async, which its next renegotiation
#                 would write
#   resets_fio    fio verified every round through those three resets
#   chip_reset    fio write+verify on f0 and g0 while function 0's IOC is
#                 put into FAULT (QMP x-fault, as test_spi's chip_reset): the
#                 driver's diagnostic reset resets the whole chip; every fio
#                 round on both functions verifies and every agreement comes
#                 back.  mptmq also: function 1 was quiesced and started
#                 again by mptmq (error_counters/reset_partner +1, no timeout
#                 and no fault reset of its own)
#   dmesg         no kernel problem
# QEMU: the test build only.  The reference mptspi runs period_write,
# host_reset, bus_reset and resets_fio (the IOC reset through debugfs is
# mptmq's only).  Known reference failures, skipped with the reason:
# bus_reset, as mptscsih_bus_reset writes no Device page 1 after the reset
# (mptspi_dv_renegotiate runs after IOC resets and resume only), so its
# targets stay async narrow; chip_reset: the subtest passes, but under fio
# mptscsih's recovery sends a message unit reset to the FAULTed IOC, which
# the test QEMU's strict check (fault-halted) reports, failing the run.
#
# Rerun alone: selftests/vm/run.sh --driver mptmq --fixture spi spi_resets

set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/eh_lib.sh"

: "${SPI_RESET_WAIT:=120}"

# spi_dir NAME - /sys/class/spi_transport/target<H>:0:<T> of disk NAME.
spi_dir()
{
	local hctl
	hctl=$(disk_hctl "$1") || return 1
	echo "/sys/class/spi_transport/target${hctl%:*}"
}

# attr DIR NAME - one spi_transport attribute ("-" when not shown); the
# transport class ends some values with a NUL byte, dropped here.
attr()
{
	tr -d '\0' 2>/dev/null <"$1/$2" || echo -
}

# agreements - "disk width period offset dt iu qas" for every disk.
agreements()
{
	local d dir a line
	for d in $(mpt_spi_disks); do
		dir=$(spi_dir "$d") || return 1
		line=$d
		for a in width period offset dt iu qas; do
			line+=" $(attr "$dir" "$a")"
		done
		echo "$line"
	done
}

# same_as BEFORE WHAT - the agreements now equal BEFORE.
same_as()
{
	local now
	now=$(agreements)
	if [[ $now != "$1" ]]; then
		echo "after $2, agreements changed:"
		diff <(echo "$1") <(echo "$now") | sed 's/^/  /'
		return 1
	fi
	echo "after $2: every agreement as before"
}

period_write()
{
	local dir b rc=0
	dir=$(spi_dir f0) && b=$(disk_block f0) || return 1
	echo "f0 (${dir##*/}) period $(attr "$dir" period)"
	echo 12.5 >"$dir/period" || return 1
	echo "wrote 12.5: period $(attr "$dir" period) dt $(attr "$dir" dt) iu $(attr "$dir" iu)"
	[[ $(attr "$dir" period) == 12.5 ]] || rc=1
	timeout 60 dd if="$b" of=/dev/null bs=64k count=64 iflag=direct status=none ||
		{ echo "f0 unreadable at 12.5 ns"; rc=1; }
	echo 6.25 >"$dir/period" || return 1
	echo "wrote 6.25: period $(attr "$dir" period)"
	[[ $(attr "$dir" period) == 6.25 ]] || rc=1
	return "$rc"
}

# reset_and_wait CMD... - run one reset; give the driver time to recover.
reset_and_wait()
{
	local b0 b1
	echo "+ $*"
	timeout "$SPI_RESET_WAIT" "$@" || echo "status $?"
	b0=$(disk_block f0) && b1=$(disk_block g0) || return 1
	sg_turs_retry "$b0" 10 >/dev/null
	sg_turs_retry "$b1" 10 >/dev/null
	sleep 2
}

# reset_same WHAT CMD... - one reset (reset_and_wait CMD); then every
# agreement is $BEFORE.
reset_same()
{
	local what=$1
	shift
	reset_and_wait "$@" || return 1
	same_as "$BEFORE" "$what"
}

# resets_fio - stop the fio loop the resets ran under: every round
# verified, and the driver could read Device page 0 throughout.
resets_fio()
{
	local rc=0
	fio_loop_stop spi || rc=1
	if dmesg | grep -q 'cannot read SCSI Device page 0'; then
		echo "mptmq could not read Device page 0: the values compared may be stale"
		rc=1
	fi
	return "$rc"
}

# fn1 NAME - error counter NAME of function 1's host.
fn1()
{
	cat "/sys/class/scsi_host/host$(mpt_host 1)/error_counters/$1" 2>/dev/null || echo 0
}

chip_reset()
{
	local before p1 t1 f1 deadline rc=0
	before=$(agreements)
	p1=$(fn1 reset_partner) t1=$(fn1 timeouts) f1=$(fn1 reset_fault)
	fio_loop_start chip "$(disk_block f0)" "$(disk_block g0)"
	sleep 3
	echo "function 0 (hba0) put into FAULT 0x1234 under fio"
	model_set x-fault 4660 >/dev/null || { echo "qom-set x-fault failed"; rc=1; }
	if [[ $MPT_DRIVER == mptmq ]]; then
		deadline=$((SECONDS + SPI_RESET_WAIT))
		until [[ $(fn1 reset_partner) != "$p1" ]] || ((SECONDS >= deadline)); do
			sleep 1
		done
	else
		sleep 20
	fi
	reset_and_wait true
	fio_loop_stop chip || rc=1
	if [[ $MPT_DRIVER == mptmq ]]; then
		echo "function 1: reset_partner $p1 -> $(fn1 reset_partner), timeouts $t1 -> $(fn1 timeouts), reset_fault $f1 -> $(fn1 reset_fault)"
		[[ $(fn1 reset_partner) == $((p1 + 1)) ]] ||
			{ echo "function 1 was not quiesced and restarted once"; rc=1; }
		[[ $(fn1 timeouts) == "$t1" && $(fn1 reset_fault) == "$f1" ]] ||
			{ echo "function 1 timed out or faulted: it was not quiesced"; rc=1; }
	fi
	same_as "$before" "the chip reset" || rc=1
	return "$rc"
}

mpt_load_manifest
[[ ${MPT_HBA:-} == lsi53c1030 ]] || ktap_skip_all "needs --fixture spi (the lsi53c1030 of the test QEMU)"
ktap_print_header
ktap_set_plan 7
dmesg_mark
mpt_require_driver
ktap_check period_write period_write
SG0=$(disk_sg f0) || ktap_exit_fail_msg "no sg node of f0"
BEFORE=$(agreements)
ktap_print_msg "agreements before the resets:" "$BEFORE"
fio_loop_start spi "$(disk_block f0)" "$(disk_block g0)"
sleep 3
ktap_check host_reset reset_same "a host reset" sg_reset -H "$SG0"
if [[ $MPT_DRIVER == mptmq ]]; then
	ktap_check ioc_reset reset_same "an IOC reset (debugfs ioc_reset)" \
		sh -c "echo 1 >/sys/kernel/debug/mptmq/$(basename "$(mpt_pci_dev)")/ioc_reset"
else
	ktap_test_skip ioc_reset "debugfs ioc_reset is mptmq's"
fi
check_or_known_ref bus_reset "mptscsih_bus_reset writes no Device page 1 after RESET_BUS (mptspi_dv_renegotiate runs after IOC resets and resume only): its targets stay async narrow" \
	reset_same "a bus reset" sg_reset -b "$SG0"
ktap_check resets_fio resets_fio
if [[ $MPT_DRIVER != mptmq ]]; then
	# Seen in out/vm/spidrv-612-mptspi-spi: the subtest passes, but with
	# fio running the FAULT times commands out and mptscsih's reset sends
	# a message unit reset to the FAULTed IOC, which the test QEMU's strict
	# check fault-halted logs, failing the whole run.
	ktap_test_skip chip_reset "known reference failure: mptscsih sends a message unit reset to the FAULTed IOC (strict check fault-halted)"
elif [[ -e ${MPT_RUNDIR:-}/qmp.sock ]]; then
	ktap_check chip_reset chip_reset
else
	ktap_test_skip chip_reset "no QMP socket (run through selftests/vm/run.sh --fixture spi)"
fi
ktap_check dmesg dmesg_problems
ktap_finished
