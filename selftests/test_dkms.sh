#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_dkms.sh - the module DKMS installed (selftests/dkms-setup.sh install,
# run on the host before the VM boots: the guest's root is the host's /) is
# what "modprobe mptmq" loads, and it owns the controller although the
# in-kernel mptsas is installed too; then the controller goes to mptsas
# (mptmq-bind reset) and every disk comes back under it, and back to mptmq
# (mptmq-bind mptmq); finally an alias load as udev does it, with
# tools/modprobe.d/mptmq.conf as the only configuration, loads mptmq and
# not mptsas.
#
# Skips unless modinfo finds mptmq for the running kernel under
# /lib/modules/<kver>/updates/dkms or /extra.  Leaves the controller with
# the driver under test, loaded the usual way (lib.sh load_driver).

set -uo pipefail
. "$(dirname "$0")/lib.sh"

# bound_to DRIVER - the controller's driver is DRIVER.
bound_to()
{
	[[ $(pci_driver) == "$1" ]]
}

# unload_all - no Fusion driver and no mptmq loaded, the controller unbound,
# no driver_override.
unload_all()
{
	echo >"$PCI_DEV/driver_override"
	[[ -d /sys/module/mptmq ]] && { rmmod mptmq || return 1; }
	modprobe -r mptsas mptspi mptscsih mptbase || return 1
	echo "driver: $(pci_driver), driver_override: $(<"$PCI_DEV/driver_override")"
	[[ $(pci_driver) == - ]]
}

# inserted OUTPUT - "modprobe -v" OUTPUT inserted the DKMS module.
inserted()
{
	awk -v ko="$DKMS_KO" '$1 == "insmod" && $2 == ko { f = 1 } END { exit !f }' <<<"$1"
}

# modprobe_dkms - "modprobe -v mptmq" inserts the DKMS module, by name,
# with nothing else pointing at it.
modprobe_dkms()
{
	local out
	out=$(modprobe -v mptmq 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	inserted "$out" ||
		{ echo "modprobe did not insert $DKMS_KO"; return 1; }
	echo "loaded: version $(</sys/module/mptmq/version), srcversion $(</sys/module/mptmq/srcversion)"
	[[ $(</sys/module/mptmq/srcversion) == "$(modinfo -F srcversion "$DKMS_KO")" ]]
}

# owned_by DRIVER - the controller is bound to DRIVER and every disk appears
# and reads under it.
owned_by()
{
	local d blk
	wait_for 30 bound_to "$1"
	echo "${PCI_DEV##*/}: driver $(pci_driver), expected $1"
	[[ $(pci_driver) == "$1" ]] || return 1
	as_driver "$1" wait_for 60 mpt_disks_ready ||
		{ echo "not every disk appeared under $1 within 60 s"; return 1; }
	for d in "${MPT_DISKS[@]}"; do
		blk=$(as_driver "$1" disk_block "$d") || return 1
		dd if="$blk" of=/dev/null bs=64k count=1 iflag=direct status=none || return 1
		echo "$d: $(as_driver "$1" disk_hctl "$d") $blk"
	done
}

# to_mptsas - mptmq-bind reset hands the controller to mptsas.
to_mptsas()
{
	sh "$BIND" reset "${PCI_DEV##*/}" && owned_by mptsas
}

# to_mptmq - mptmq-bind mptmq takes it back for the DKMS module.
to_mptmq()
{
	sh "$BIND" mptmq "${PCI_DEV##*/}" && owned_by mptmq
}

# alias_load_blacklisted - what udev does at boot with
# tools/modprobe.d/mptmq.conf installed: "modprobe -b <modalias>" loads
# mptmq (the DKMS module) and not mptsas, and mptmq owns the controller.
alias_load_blacklisted()
{
	local conf out
	unload_all || return 1
	conf=$(mktemp -d)
	cp "$(dirname "$BIND")/modprobe.d/mptmq.conf" "$conf/" || return 1
	out=$(modprobe -v -b -C "$conf" "$(<"$PCI_DEV/modalias")" 2>&1)
	rm -rf "$conf"
	echo "modprobe -b $(<"$PCI_DEV/modalias"):"
	echo "$out"
	inserted "$out" || { echo "mptmq was not loaded"; return 1; }
	[[ ! -d /sys/module/mptsas ]] || { echo "mptsas was loaded despite the blacklist"; return 1; }
	owned_by mptmq
}

# restore - the driver under test, loaded as the other tests expect.
restore()
{
	unload_all || return 1
	load_driver
}

mpt_load_manifest
KVER=$(uname -r)
DKMS_KO=$(modinfo -k "$KVER" -n mptmq 2>/dev/null)
case $DKMS_KO in
/lib/modules/"$KVER"/updates/dkms/* | /lib/modules/"$KVER"/extra/*) ;;
*) ktap_skip_all "mptmq is not installed by DKMS for $KVER (modinfo: '${DKMS_KO:-none}'); run selftests/dkms-setup.sh install on the host" ;;
esac
PCI_DEV=$(mpt_pci_dev) || ktap_skip_all "no LSI SAS1068 PCI function (1000:0054)"
BIND=$(bind_tool) || ktap_skip_all "tools/mptmq-bind not found (set MPTMQ_BIND)"
modinfo mptsas >/dev/null 2>&1 || ktap_skip_all "no mptsas module for $KVER"
# No udev in the guest: the disk and sg drivers are loaded here, as
# load_driver does (run alone, no earlier test has done it).
modprobe -a scsi_mod sd_mod sg || ktap_skip_all "cannot load sd_mod and sg"
ktap_print_header
ktap_set_plan 7
ktap_print_msg "kernel $KVER, DKMS module $DKMS_KO, in-kernel $(modinfo -n mptsas)"

ktap_check unbound unload_all
ktap_check modprobe_mptmq modprobe_dkms
ktap_check owned_by_mptmq owned_by mptmq
ktap_check reset_to_mptsas to_mptsas
ktap_check back_to_mptmq to_mptmq
ktap_check alias_load_blacklisted alias_load_blacklisted
ktap_check restore restore
ktap_finished
