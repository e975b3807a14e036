#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_spi.sh - a driver on the test QEMU's lsi53c1030 (LSI 53C1030, Ultra320
# SPI, two functions = two channels): binding, domain validation, the
# negotiated transfer agreement in /sys/class/spi_transport, the fallback
# when a target fails above a speed, a host reset of one channel, and fio
# write+verify.  For the in-kernel mptspi (the reference) and for mptmq.
#
# The fixture (vm/vmlib.sh vm_spi_disks, selftests/vm/run.sh --fixture spi)
# gives each disk what the target can do (the controller's x-spi-target<N>
# property) and what the model then negotiates (min of the driver's request,
# the port's U320 capabilities and the target's own) as
# DISK_<name>_SPI="width period offset dt iu qas" (period in ns as the SPI
# transport class shows it; "-" = the attribute is not shown or 0):
#   f0  id 0, hba0: an Ultra320 disk        1 6.25 127 1 1 1
#   f1  id 1: narrow                         - 25   127 0 - -
#   f2  id 2: period=0x0c:nodt (Fast-20)     1 50   127 0 - -
#   f3  id 3: async                          1 -    -   0 - -
#   f4  id 4: fail-below-period=0x0a: DV sees failures at 6.25 and 12.5 ns
#       and falls back (IU off, QAS off, slower) to 25 ns DT   1 25 127 1 0 0
#   f9  id 9: an Ultra320 disk at a wide-bus id (8-15): it must be found
#       (f9_agreement fails when it is missing; mptmq once sent IOCInit
#       MaxDevices 8, and the model then failed every request to ids >= 8)
#   g0  id 0, hba1 (function 1): an Ultra320 disk
#
# Subtests: bound (one host per function, both functions bound), dv (domain
# validation ran on every target), <disk>_agreement (the spi_transport
# attributes), fallback (f4 fell back, with the driver saying so), fio
# (write+verify on f0, f4 and g0), host_reset (sg_reset -H on function 0;
# both functions keep working; what the driver logged is printed),
# chip_reset (function 0 put into FAULT through QMP, x-fault: the driver's
# recovery is a diagnostic reset, which on the two-channel chip resets
# function 1 too, the model says so in qemu.log; both functions must read
# again within 90 s), dmesg (no kernel problem).
#
# Rerun alone: selftests/vm/run.sh --driver mptspi --fixture spi spi
# (--fixture spisuite: the same lsi53c1030 with the suite's disks beside;
# only the disks with DISK_<name>_SPI are checked)

set -uo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/lib.sh"
# vm/run.sh copies eh/eh_lib.sh next to the tests (qmp_cmd, model_set).
# shellcheck source=eh/eh_lib.sh
. "$DIR/eh_lib.sh"

# spi_target_dir NAME - /sys/class/spi_transport/target<H>:0:<T> of disk NAME.
spi_target_dir()
{
	local hctl
	hctl=$(disk_hctl "$1") || return 1
	echo "/sys/class/spi_transport/target${hctl%:*}"
}

bound()
{
	local h0 h1 d
	h0=$(mpt_host 0) || { echo "no $MPT_DRIVER host"; return 1; }
	h1=$(mpt_host 1) || { echo "no second $MPT_DRIVER host (function 1)"; return 1; }
	echo "function 0: host$h0, function 1: host$h1"
	for d in /sys/bus/pci/devices/*; do
		[[ $(<"$d/vendor") == 0x1000 && $(<"$d/device") == 0x0030 ]] || continue
		echo "${d##*/}: driver $(basename "$(readlink "$d/driver")")"
		[[ $(basename "$(readlink "$d/driver")") == "$MPT_DRIVER" ]] || return 1
	done
}

dv()
{
	local d t rc=0 log
	# One read of the log: "dmesg | grep -q" fails under pipefail when
	# grep quits before dmesg has written everything (SIGPIPE).
	log=$(dmesg)
	for d in "${SPI_DISKS[@]}"; do
		t=$(spi_target_dir "$d") || return 1
		t=${t##*/}
		if grep -q "$t: Ending Domain Validation" <<<"$log"; then
			echo "$d ($t): domain validation ran"
		else
			echo "$d ($t): no 'Ending Domain Validation' in the kernel log"
			rc=1
		fi
	done
	return "$rc"
}

# agreement NAME - the spi_transport attributes of NAME are DISK_<NAME>_SPI.
agreement()
{
	local dir a v w rc=0 i=0
	local -a attrs=(width period offset dt iu qas) exp
	dir=$(spi_target_dir "$1") || return 1
	read -ra exp <<<"$(disk_get "$1" SPI)"
	for a in "${attrs[@]}"; do
		w=${exp[i++]}
		v=$(tr -d '\0' <"$dir/$a" 2>/dev/null) || v=-
		[[ $v == 0 && $w == - ]] && v=-
		printf '%s %s=%s (want %s)\n' "${dir##*/}" "$a" "$v" "$w"
		[[ $v == "$w" ]] || rc=1
	done
	return "$rc"
}

fallback()
{
	local t log
	t=$(spi_target_dir f4) || return 1
	t=${t##*/}
	log=$(dmesg | grep "$t: ")
	grep -i 'domain validation\|dropping\|disabling\|FAST\|asynch' <<<"$log"
	grep -qi 'dropping back\|disabling' <<<"$log" || {
		echo "$t: the driver did not report a domain validation fallback"
		return 1
	}
	[[ $(cat "/sys/class/spi_transport/$t/period") != 6.25 ]]
}

fio_verify()
{
	local d devs=()
	for d in f0 f4 g0; do
		devs+=("$(disk_block "$d")") || return 1
	done
	local args=(--direct=1 --ioengine=libaio --iodepth=16 --rw=randwrite --bs=4k
		    --size=8M --verify=crc32c --do_verify=1 --verify_fatal=1)
	for d in "${devs[@]}"; do
		fio --name="spi-${d##*/}" --filename="$d" "${args[@]}" --output-format=terse \
			>/dev/null || { echo "fio write+verify on $d failed"; return 1; }
		echo "fio write+verify on $d: ok"
	done
}

host_reset()
{
	local sg0 b0 b1 mark
	sg0=$(disk_sg f0) && b0=$(disk_block f0) && b1=$(disk_block g0) || return 1
	mark=$(dmesg | wc -l)
	echo "sg_reset -H $sg0 (host reset of function 0)"
	timeout 120 sg_reset -H "$sg0" || echo "sg_reset: status $?"
	sleep 2
	dmesg | tail -n +"$((mark + 1))" | grep -i 'ioc\|reset\|mpt' | head -n 30
	sg_turs_retry "$b0" 5 >/dev/null; sg_turs_retry "$b1" 5 >/dev/null
	timeout 60 dd if="$b0" of=/dev/null bs=64k count=16 iflag=direct status=none ||
		{ echo "function 0 disk unreadable after the reset"; return 1; }
	timeout 60 dd if="$b1" of=/dev/null bs=64k count=16 iflag=direct status=none ||
		{ echo "function 1 disk unreadable after the reset"; return 1; }
	echo "both functions read after the reset"
}

# chip_reset - FAULT on function 0; both channels back after the driver's
# diagnostic reset.
chip_reset()
{
	local before after b0 b1 mark i
	b0=$(disk_block f0) && b1=$(disk_block g0) || return 1
	before=$(grep -c 'mptsas-hook: multifunction: hba0: diagnostic reset' "$MPT_RUNDIR/qemu.log")
	mark=$(dmesg | wc -l)
	model_set x-fault 4660 >/dev/null || { echo "qom-set x-fault failed"; return 1; }
	echo "hba0 (function 0) put into FAULT 0x1234"
	for ((i = 0; i < 90; i++)); do
		after=$(grep -c 'mptsas-hook: multifunction: hba0: diagnostic reset' "$MPT_RUNDIR/qemu.log")
		((after > before)) && break
		sleep 1
	done
	dmesg | tail -n +"$((mark + 1))" | grep -i 'ioc\|fault\|reset\|mpt' | head -n 30
	((after > before)) || { echo "no diagnostic reset of function 0 within 90 s"; return 1; }
	grep 'mptsas-hook: multifunction: hba0' "$MPT_RUNDIR/qemu.log" | tail -n 1
	for ((i = 0; i < 90; i++)); do
		timeout 30 dd if="$b0" of=/dev/null bs=64k count=16 iflag=direct status=none 2>/dev/null &&
			timeout 30 dd if="$b1" of=/dev/null bs=64k count=16 iflag=direct status=none 2>/dev/null &&
			{ echo "both functions read $i s after the reset"; return 0; }
		sleep 1
	done
	echo "function 0 or 1 unreadable 90 s after the chip reset"
	return 1
}

mpt_load_manifest
[[ ${MPT_HBA:-} == lsi53c1030 ]] || ktap_skip_all "needs --fixture spi (the lsi53c1030 of the test QEMU)"
ktap_print_header
[[ -e ${MPT_RUNDIR:-}/qmp.sock ]] || ktap_skip_all "no QMP socket (run through selftests/vm/run.sh --fixture spi)"
# The disks with an SPI expectation (with --fixture spisuite the suite's
# disks are there too; they are not checked here).
mapfile -t SPI_DISKS < <(mpt_spi_disks)
ktap_set_plan $((${#SPI_DISKS[@]} + 7))
dmesg_mark
mpt_require_driver
ktap_check bound bound
ktap_check dv dv
for d in "${SPI_DISKS[@]}"; do
	ktap_check "${d}_agreement" agreement "$d"
done
ktap_check fallback fallback
ktap_check fio fio_verify
ktap_check host_reset host_reset
ktap_check chip_reset chip_reset
ktap_check dmesg dmesg_problems
ktap_finished
