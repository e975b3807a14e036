# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - shared helpers for the mptmq selftests (run as root in the guest).
#
#   KTAP output      ktap_print_header, ktap_set_plan, ktap_test_pass/fail/skip,
#                    ktap_check, ktap_print_msg, ktap_skip_all, ktap_finished,
#                    check_or_known_ref (a known reference failure is a SKIP)
#   driver           load_driver, unload_driver, driver_loaded, mpt_require_driver
#   topology         mpt_pci_dev, mpt_host, disk_ctl, disk_hctl, disk_block, disk_sg
#   kernel log       dmesg_mark, dmesg_new, dmesg_problems
#
# The manifest ($MPT_MANIFEST, written by vm/vmlib.sh on the host) says what
# the VM was given: MPT_DRIVER, MPT_MSI, MPT_DISKS=(names) and for each disk
# DISK_<name>_{KIND,TARGET,LUN,SIZE,WWN,FILE,SERIAL,SHA256,...}.
# Environment: MPT_DRIVER (mptsas|mptmq; the manifest's value otherwise),
# MPTMQ_KO (path of mptmq.ko for insmod), MPT_MSI (on|off),
# MPT_TARGET_MAP (id|rank: how a disk's scsi-id becomes its SCSI target
# number; default rank: mptsas and mptmq on a SAS port number targets in
# discovery order through the SAS transport class; see disk_ctl).

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

# ---------------------------------------------------------------- KTAP

KTAP_TESTNUM=0
KTAP_PLAN=
KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_SKIP=0

ktap_print_header()
{
	echo "KTAP version 1"
}

# ktap_set_plan N - announce N results.
ktap_set_plan()
{
	KTAP_PLAN=$1
	echo "1..$1"
}

# ktap_print_msg MSG... - a diagnostic line (each line prefixed by "# ").
ktap_print_msg()
{
	printf '%s\n' "$@" | sed 's/^/# /'
}

ktap_test_pass()
{
	KTAP_TESTNUM=$((KTAP_TESTNUM + 1))
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
	echo "ok $KTAP_TESTNUM $1"
}

ktap_test_fail()
{
	KTAP_TESTNUM=$((KTAP_TESTNUM + 1))
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
	echo "not ok $KTAP_TESTNUM $1"
}

# ktap_test_skip DESC [REASON]
ktap_test_skip()
{
	KTAP_TESTNUM=$((KTAP_TESTNUM + 1))
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
	echo "ok $KTAP_TESTNUM $1 # SKIP${2:+ $2}"
}

# ktap_test_result DESC STATUS - pass if STATUS is 0, skip if 4, else fail.
ktap_test_result()
{
	case $2 in
	"$KSFT_PASS") ktap_test_pass "$1" ;;
	"$KSFT_SKIP") ktap_test_skip "$1" ;;
	"$KSFT_FAIL" | *) ktap_test_fail "$1" ;;
	esac
}

# ktap_check DESC CMD [ARG...] - run CMD; its output becomes "# " lines and
# its exit status the result of subtest DESC.  Returns that status.
ktap_check()
{
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	[[ -n $out ]] && ktap_print_msg "$out"
	[[ $rc != 0 && $rc != "$KSFT_SKIP" ]] &&
		ktap_print_msg "$desc: '$*' failed with status $rc"
	ktap_test_result "$desc" "$rc"
	return "$rc"
}

# check_or_known_ref NAME WHY CMD... - ktap_check, except that with the
# reference mptsas a failure is reported as a SKIP that names what the
# reference is known not to do.
check_or_known_ref()
{
	local name=$1 why=$2 out
	shift 2
	# mptspi is the same mptscsih on the SPI personality.
	if [[ $MPT_DRIVER != mptsas && $MPT_DRIVER != mptspi ]]; then
		ktap_check "$name" "$@"
		return
	fi
	if out=$("$@" 2>&1); then
		ktap_print_msg "$out"
		ktap_test_pass "$name"
	else
		ktap_print_msg "$out"
		ktap_test_skip "$name" "reference $MPT_DRIVER known to fail: $why"
	fi
}

# ktap_skip_all REASON - the whole test does not apply here; exit 4.
ktap_skip_all()
{
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

# ktap_exit_fail_msg MSG - the test cannot go on: report and exit 1.
ktap_exit_fail_msg()
{
	ktap_print_msg "$*"
	ktap_finished_status 1
}

# ktap_finished - print totals, exit 1 if anything failed or the plan was
# not met, 4 if everything was skipped, else 0.
ktap_finished()
{
	ktap_finished_status 0
}

ktap_finished_status()
{
	local rc=$1

	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL xfail:0 xpass:0 skip:$KTAP_CNT_SKIP error:0"
	if [[ -n $KTAP_PLAN && $KTAP_PLAN != "$KTAP_TESTNUM" ]]; then
		echo "# Planned $KTAP_PLAN tests but ran $KTAP_TESTNUM"
		rc=1
	fi
	((KTAP_CNT_FAIL == 0)) || rc=1
	if ((rc == 0 && KTAP_CNT_PASS == 0 && KTAP_CNT_SKIP > 0)); then
		rc=$KSFT_SKIP
	fi
	exit "$rc"
}

# ---------------------------------------------------------------- manifest

# mpt_load_manifest - source $MPT_MANIFEST; skip the test when there is none
# (the disks it describes are what every test checks against).
mpt_load_manifest()
{
	local driver_env=${MPT_DRIVER:-} msi_env=${MPT_MSI:-}

	[[ -r ${MPT_MANIFEST:-} ]] || ktap_skip_all "no manifest (MPT_MANIFEST); run through selftests/vm/run.sh"
	# shellcheck source=/dev/null
	. "$MPT_MANIFEST"
	# The environment wins over the manifest for what to load.
	MPT_DRIVER=${driver_env:-${MPT_DRIVER:-mptsas}}
	MPT_MSI=${msi_env:-${MPT_MSI:-off}}
	# On the SPI personality (lsi53c1030) a target is its scsi-id; on SAS
	# both drivers number targets in discovery order (the SAS transport
	# class).
	[[ ${MPT_HBA:-} == lsi53c1030 ]] && : "${MPT_TARGET_MAP:=id}"
	: "${MPT_TARGET_MAP:=rank}"
}

# disk_get NAME FIELD - print DISK_<NAME>_<FIELD> from the manifest.
disk_get()
{
	local var="DISK_${1}_$2"
	printf '%s\n' "${!var:-}"
}

# mpt_spi_disks - the names of the disks with an SPI expectation
# (DISK_<name>_SPI: the SPI fixture's, vm/vmlib.sh vm_spi_disks), the ones
# test_spi and test_spi_resets check.
mpt_spi_disks()
{
	local d
	for d in "${MPT_DISKS[@]}"; do
		[[ -n $(disk_get "$d" SPI) ]] && echo "$d"
	done
	return 0
}

# disks_of_kind KIND... - print the names of the disks of these kinds.
disks_of_kind()
{
	local d k
	for d in "${MPT_DISKS[@]}"; do
		for k in "$@"; do
			[[ $(disk_get "$d" KIND) == "$k" ]] && echo "$d"
		done
	done
	return 0
}

# ---------------------------------------------------------------- the HBA
# What each controller model the VMs use reports, in this one place.  The
# model is $MPT_HBA (the manifest's; vm/run.sh --hba), mptsas1068 when
# unset.

# mpt_hba_fact FACT - print FACT of the HBA in use:
#   pci_device  its PCI device id
#   product     version_product: mptbase's mpt_get_product_name() for that
#               device id and PCI revision (mptmq_main.c keeps the table)
#   product_id  IOCFacts ProductID
#   reference   the in-kernel driver for it (mptsas or mptspi)
mpt_hba_fact()
{
	case ${MPT_HBA:-mptsas1068}:$1 in
	# QEMU hw/scsi/mptsas.c (research/qemu-mptsas.md): mptsas1068_class_init
	# device PCI_DEVICE_ID_LSI_SAS1068 0x0054, revision 0 -> "LSISAS1068
	# A0"; IOCFacts ProductID MPTSAS1068_PRODUCT_ID 0x2102 (SAS | initiator
	# | 1068 family).
	mptsas1068:pci_device) echo 0x0054 ;;
	mptsas1068:product) echo "LSISAS1068 A0" ;;
	mptsas1068:product_id) echo 0x2102 ;;
	mptsas1068:reference) echo mptsas ;;
	# The test QEMU's lsi53c1030 (selftests/qemu/patches/0002-*.patch,
	# hw/scsi/mptmq-spi.c): lsi53c1030_class_init device 0x0030, revision
	# 08h -> "LSI53C1030 C0"; mptmq_spi_ioc_facts ProductID 0x0104 (SCSI |
	# initiator | 1030 C0 family).
	lsi53c1030:pci_device) echo 0x0030 ;;
	lsi53c1030:product) echo "LSI53C1030 C0" ;;
	lsi53c1030:product_id) echo 0x0104 ;;
	lsi53c1030:reference) echo mptspi ;;
	*)
		echo "mpt_hba_fact: no $1 for HBA '${MPT_HBA:-}'" >&2
		return 1
		;;
	esac
}

# The reference mptspi on an Ultra320 target cannot be unloaded: its
# mptspi_write_spi_device_pg1 takes a device (and module) reference with
# scsi_device_lookup_by_target() whenever the requested period is 8 and
# never puts it (selftests/qemu/NOTES.md).  test_lifecycle and test_leak
# skip mptspi with this reason; mpt_ref_unload reports it.
MPT_SPI_LEAK_WHY="mptspi_write_spi_device_pg1 leaks a device (module) reference per Ultra320 Device page 1 write, so mptspi cannot be unloaded"

# mpt_ref_loaded_unbound - the reference driver's module is loaded but
# drives no controller and no SCSI host: what mptspi leaves behind once it
# has written an Ultra320 Device page 1.  mptspi_write_spi_device_pg1()
# takes a device reference with scsi_device_lookup_by_target() for
# period 8 (IDP on U320) and never puts it, so the module's refcount never
# drops back (closing notes of issue 9; test_lifecycle skips mptspi for
# it).  Prints the refcount.
mpt_ref_loaded_unbound()
{
	local ref h
	ref=$(mpt_hba_fact reference) || return 1
	[[ -d /sys/module/$ref ]] || return 1
	compgen -G "/sys/bus/pci/drivers/$ref/0000:*" >/dev/null && return 1
	for h in /sys/class/scsi_host/host*/proc_name; do
		[[ -e $h && $(<"$h") == "$ref" ]] && return 1
	done
	echo "$ref: refcnt $(</sys/module/"$ref"/refcnt), no controller, no host"
}

# mpt_ref_unload - unload the reference driver and the Fusion modules under
# it.  Status 0 when they are gone, 4 (KSFT_SKIP) with the reason when only
# the known mptspi leak (mpt_ref_loaded_unbound) keeps its module, 1
# otherwise.
mpt_ref_unload()
{
	local ref out
	ref=$(mpt_hba_fact reference) || return 1
	out=$(modprobe -r "$ref" mptscsih mptbase 2>&1) && return 0
	echo "$out"
	if [[ $ref == mptspi ]] && out=$(mpt_ref_loaded_unbound); then
		echo "known reference failure: $out; $MPT_SPI_LEAK_WHY"
		return "$KSFT_SKIP"
	fi
	return 1
}

# ---------------------------------------------------------------- binding
# (test_bind.sh, test_dkms.sh; pci_driver reads $PCI_DEV)

# bind_tool - tools/mptmq-bind: $MPTMQ_BIND, else the first tools/mptmq-bind
# above this script (the tree, or the tree above out/vm/<run>/selftests when
# vm/run.sh runs a snapshot), else above MPTMQ_KO (out/build/<kver>/).
bind_tool()
{
	local d start
	[[ -n ${MPTMQ_BIND:-} ]] && { echo "$MPTMQ_BIND"; return 0; }
	for start in "$(cd "$(dirname "$0")" && pwd)" "$(dirname "${MPTMQ_KO:-/}")"; do
		d=$start
		while [[ $d != / && $d != . ]]; do
			[[ -r $d/tools/mptmq-bind ]] && { echo "$d/tools/mptmq-bind"; return 0; }
			d=$(dirname "$d")
		done
	done
	return 1
}

# as_driver DRIVER CMD [ARG...] - run CMD with lib.sh's topology helpers
# looking at DRIVER's host and target numbering (on SAS mptsas and mptmq
# number targets in discovery order, on the lsi53c1030 mptspi and mptmq
# by scsi-id: mpt_load_manifest).
as_driver()
{
	local MPT_DRIVER=$1 MPT_TARGET_MAP=rank
	[[ ${MPT_HBA:-} == lsi53c1030 ]] && MPT_TARGET_MAP=id
	shift
	"$@"
}

# pci_driver [DEV] - the current driver of DEV (default $PCI_DEV), or "-".
pci_driver()
{
	local l
	l=$(readlink "${1:-$PCI_DEV}/driver") || { echo -; return; }
	echo "${l##*/}"
}

# pci_all_bound DRIVER - every function of the HBA ($PCI_DEVS, the array
# mpt_pci_devs filled; a two-function 53C1030 is one chip and moves as
# one) is bound to DRIVER ("-": to none); prints each one's driver.
pci_all_bound()
{
	local d rc=0
	for d in "${PCI_DEVS[@]}"; do
		echo "${d##*/}: driver $(pci_driver "$d"), expected $1"
		[[ $(pci_driver "$d") == "$1" ]] || rc=1
	done
	return "$rc"
}

# tracefs_dir - the writable tracefs directory (mounting tracefs when
# needed); fails when there is none.
tracefs_dir()
{
	local d
	for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		[[ -w $d/trace ]] && { echo "$d"; return 0; }
	done
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null &&
		[[ -w /sys/kernel/tracing/trace ]] && { echo /sys/kernel/tracing; return 0; }
	return 1
}

# ---------------------------------------------------------------- topology

# mpt_pci_dev - print the sysfs path of the (first) function of the HBA in
# use (mpt_hba_fact pci_device).
mpt_pci_dev()
{
	local d id
	id=$(mpt_hba_fact pci_device) || return 1
	for d in /sys/bus/pci/devices/*; do
		if [[ $(<"$d/vendor") == 0x1000 && $(<"$d/device") == "$id" ]]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# mpt_pci_devs - print the sysfs path of every function of the HBA in use,
# in PCI order (two on the SPI fixture's 53C1030).
mpt_pci_devs()
{
	local d id n=0
	id=$(mpt_hba_fact pci_device) || return 1
	for d in /sys/bus/pci/devices/*; do
		if [[ $(<"$d/vendor") == 0x1000 && $(<"$d/device") == "$id" ]]; then
			echo "$d"
			n=$((n + 1))
		fi
	done
	((n > 0))
}

# mpt_host [INDEX] - print the SCSI host number of the driver under test
# (INDEX 1: its second host, the second function hba1 of a two-function
# HBA; hosts are numbered in probe = PCI function order).
mpt_host()
{
	local h n=0
	for h in $(printf '%s\n' /sys/class/scsi_host/host* | sort -V); do
		[[ -e $h/proc_name ]] || continue
		if [[ $(<"$h/proc_name") == "$MPT_DRIVER" ]]; then
			((n++ == ${1:-0})) || continue
			echo "${h##*/host}"
			return 0
		fi
	done
	return 1
}

# disk_ctl NAME - the expected C:T:L of disk NAME.  The channel is 0.  The
# target is the scsi-id (MPT_TARGET_MAP=id) or, for drivers that number
# targets in discovery order through the SAS transport class like mptsas,
# the rank of the scsi-id among the targets present (MPT_TARGET_MAP=rank).
disk_ctl()
{
	local t d rank=0 seen=" "
	t=$(disk_get "$1" TARGET)
	if [[ $MPT_TARGET_MAP == rank ]]; then
		for d in "${MPT_DISKS[@]}"; do
			local dt
			dt=$(disk_get "$d" TARGET)
			if ((dt < t)) && [[ $seen != *" $dt "* ]]; then
				rank=$((rank + 1))
				seen+="$dt "
			fi
		done
		t=$rank
	fi
	echo "0:$t:$(disk_get "$1" LUN)"
}

# disk_hctl NAME - H:C:T:L of disk NAME on the host of the driver under test.
disk_hctl()
{
	local h idx=0
	[[ $(disk_get "$1" BUS) == hba1 ]] && idx=1
	h=$(mpt_host "$idx") || return 1
	echo "$h:$(disk_ctl "$1")"
}

# disk_sysfs_node NAME SUBDIR - /dev path of the one entry under
# /sys/class/scsi_device/<hctl>/device/SUBDIR (block or scsi_generic).
disk_sysfs_node()
{
	local hctl n
	hctl=$(disk_hctl "$1") || return 1
	for n in /sys/class/scsi_device/"$hctl"/device/"$2"/*; do
		[[ -e $n ]] || return 1
		echo "/dev/${n##*/}"
		return 0
	done
	return 1
}

# disk_block NAME - /dev/sdX of disk NAME.
disk_block()
{
	disk_sysfs_node "$1" block
}

# disk_sg NAME - /dev/sgN of disk NAME.
disk_sg()
{
	disk_sysfs_node "$1" scsi_generic
}

# wait_for SECONDS CMD [ARG...] - retry CMD every 0.2 s until it succeeds.
wait_for()
{
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}

# mpt_disks_ready - every manifest disk has its block and sg device node.
mpt_disks_ready()
{
	local d b s
	for d in "${MPT_DISKS[@]}"; do
		b=$(disk_block "$d") && s=$(disk_sg "$d") || return 1
		[[ -b $b && -c $s ]] || return 1
	done
}

# ---------------------------------------------------------------- driver

# driver_loaded - the driver's module is loaded.
driver_loaded()
{
	[[ -d /sys/module/$MPT_DRIVER ]]
}

# load_driver - load the driver under test and wait (60 s at most) until
# every manifest disk has its /dev/sdX and /dev/sgN.  There is no udev in
# the guest: sd_mod and sg are loaded here.
load_driver()
{
	local msi=0

	[[ $MPT_MSI == on ]] && msi=1
	modprobe -a scsi_mod sd_mod sg || return 1
	case $MPT_DRIVER in
	mptsas)
		# mptbase uses INTx unless told otherwise.
		modprobe mptbase mpt_msi_enable_sas="$msi" &&
			modprobe mptsas || return 1
		;;
	mptspi)
		modprobe mptbase mpt_msi_enable_spi="$msi" &&
			modprobe mptspi || return 1
		# mptspi kept loaded by its known leak (mpt_ref_unload) is
		# not probed again by modprobe: probe what is unbound.
		mpt_probe_unbound
		;;
	mptmq)
		[[ -r ${MPTMQ_KO:-} ]] || {
			echo "MPTMQ_KO='${MPTMQ_KO:-}' is not a readable module"
			return 1
		}
		# insmod does not resolve dependencies: load them first.
		local deps
		IFS=, read -ra deps <<<"$(modinfo -F depends "$MPTMQ_KO")"
		((${#deps[@]} == 0)) || modprobe -a "${deps[@]}" || return 1
		insmod "$MPTMQ_KO" msi="$msi" || return 1
		;;
	*)
		echo "unknown MPT_DRIVER '$MPT_DRIVER'"
		return 1
		;;
	esac
	wait_for 60 mpt_disks_ready || {
		echo "not every disk of the manifest appeared within 60 s"
		return 1
	}
}

# mpt_probe_unbound - ask the PCI core to probe every function of the HBA
# that has no driver (drivers_probe).
mpt_probe_unbound()
{
	local d
	for d in $(mpt_pci_devs); do
		[[ -e $d/driver ]] || echo "${d##*/}" >/sys/bus/pci/drivers_probe 2>/dev/null
	done
	return 0
}

# unload_driver - remove the driver under test (and, for mptsas, the
# Fusion modules under it).
unload_driver()
{
	case $MPT_DRIVER in
	mptsas) modprobe -r mptsas mptscsih mptbase ;;
	mptspi) modprobe -r mptspi mptscsih mptbase ;;
	*) rmmod "$MPT_DRIVER" ;;
	esac
}

# mpt_require_driver - load the driver unless it is loaded; exit the test
# with a failure when that does not work.
mpt_require_driver()
{
	local out
	driver_loaded && wait_for 60 mpt_disks_ready && return 0
	out=$(load_driver 2>&1) || ktap_exit_fail_msg "cannot load $MPT_DRIVER: $out"
}

# sg_turs_retry DEV [TRIES] - TEST UNIT READY, retried to swallow the Unit
# Attention a reset leaves behind.
# Sent with sg_raw: sg_turs 1.48 (Debian unstable) sends no command at all
# ("No SCSI command (cdb) given", "bad pass-through setup") and exits 0.
sg_turs_retry()
{
	local i out
	for ((i = 0; i < ${2:-3}; i++)); do
		out=$(sg_raw "$1" 00 00 00 00 00 00 2>&1) && return 0
		sleep 0.5
	done
	echo "$out"
	return 1
}

# ---------------------------------------------------------------- kernel log

# Lines that fail any test when they appear in the kernel log during it.
DMESG_PROBLEMS='DMAR: \[DMA|DMAR:.*[Ff]ault|dmar_fault|WARNING:|BUG:|Oops|'
DMESG_PROBLEMS+='general protection fault|Call Trace:|possible circular locking|'
DMESG_PROBLEMS+='inconsistent lock state|lockdep|blocked for more than|KASAN|UBSAN'

# dmesg_mark - remember where the kernel log ends now (log_buf_len is large
# enough on the guest's command line that it does not wrap during a run).
dmesg_mark()
{
	DMESG_MARK=$(dmesg | wc -l)
}

# dmesg_new - the kernel log lines since dmesg_mark.
dmesg_new()
{
	dmesg | tail -n +"$((${DMESG_MARK:-0} + 1))"
}

# Known reports from code that is not ours, each with its reason; such a
# report (its first line through "---[ end trace", at most 80 lines) is not
# a problem.  It stays in results/test_*.dmesg.
#  - UBSAN in the in-kernel mptsas.c: mptsas_probe() reads ioc->pfacts[]
#    (2 entries) for each of the IOC's NumberOfPorts, and QEMU's mptsas1068
#    reports 8 ports (research/qemu-mptsas.md).  Kernels built with
#    CONFIG_UBSAN_BOUNDS (Debian unstable's 7.2) report the out-of-bounds
#    read on the reference driver's probe; 6.1 and 6.12 are built without.
DMESG_KNOWN='UBSAN: array-index-out-of-bounds in .*drivers/message/fusion/mptsas[.]c:'

# dmesg_unknown - the kernel log lines since dmesg_mark without the known
# reports.
dmesg_unknown()
{
	dmesg_new | KNOWN=$DMESG_KNOWN awk '
		!skip && $0 ~ ENVIRON["KNOWN"] { skip = 80 }
		!skip { print; next }
		/---\[ end trace/ || --skip == 0 { skip = 0 }'
}

# dmesg_problems - print the problem lines since dmesg_mark (known reports
# left out); succeed if there are none.
dmesg_problems()
{
	! dmesg_unknown | grep -E "$DMESG_PROBLEMS"
}
