#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_dkms.sh - the module DKMS installed (selftests/dkms-setup.sh install,
# run on the host before the VM boots: the guest's root is the host's /) is
# what "modprobe mptmq" loads, and it owns the controller although the
# in-kernel reference (mptsas; mptspi on the lsi53c1030: lib.sh
# mpt_hba_fact reference) is installed too; then the controller (every
# function of it) goes to the reference (mptmq-bind reset) and every disk
# comes back under it, and back to mptmq (mptmq-bind mptmq); finally an
# alias load as udev does it, with tools/modprobe.d/mptmq.conf as the only
# configuration, loads mptmq and not the reference.
#
# Known reference failure: mptspi cannot be unloaded once it has written
# an Ultra320 Device page 1 (lib.sh mpt_ref_unload).  Then "unbound" is a
# SKIP naming it when everything else of it passed (mptmq unloaded, every
# function unbound), and so is "alias_load_blacklisted" when mptmq was
# loaded and owns the controller but the still-loaded mptspi means the
# blacklist could not be shown to keep it out.
#
# Skips unless modinfo finds mptmq for the running kernel under
# /lib/modules/<kver>/updates/dkms or /extra.  Leaves the controller with
# the driver under test, loaded the usual way (lib.sh load_driver).

set -uo pipefail
. "$(dirname "$0")/lib.sh"

# unload_all - no Fusion driver and no mptmq loaded, every function
# unbound, no driver_override.  Status 4 (KSFT_SKIP) when all that holds
# but the known mptspi leak keeps the reference module (mpt_ref_unload).
unload_all()
{
	local d rc=0
	for d in "${PCI_DEVS[@]}"; do
		echo >"$d/driver_override"
	done
	[[ -d /sys/module/mptmq ]] && { rmmod mptmq || return 1; }
	# A function still bound to the reference is let go first, so that
	# only the module's own refcount can keep it.
	for d in "${PCI_DEVS[@]}"; do
		[[ $(pci_driver "$d") == "$REF" ]] && echo "${d##*/}" >"$d/driver/unbind"
	done
	mpt_ref_unload || rc=$?
	((rc == 0 || rc == KSFT_SKIP)) || return 1
	pci_all_bound - || return 1
	for d in "${PCI_DEVS[@]}"; do
		[[ $(<"$d/driver_override") == "(null)" ]] ||
			{ echo "${d##*/}: driver_override $(<"$d/driver_override")"; return 1; }
	done
	return "$rc"
}

# bound_all DRIVER - pci_all_bound without its output.
bound_all()
{
	pci_all_bound "$1" >/dev/null
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

# owned_by DRIVER - every function of the controller is bound to DRIVER
# and every disk appears and reads under it.
owned_by()
{
	local d blk
	wait_for 30 bound_all "$1"
	pci_all_bound "$1" || return 1
	as_driver "$1" wait_for 60 mpt_disks_ready ||
		{ echo "not every disk appeared under $1 within 60 s"; return 1; }
	for d in "${MPT_DISKS[@]}"; do
		blk=$(as_driver "$1" disk_block "$d") || return 1
		dd if="$blk" of=/dev/null bs=64k count=1 iflag=direct status=none || return 1
		echo "$d: $(as_driver "$1" disk_hctl "$d") $blk"
	done
}

# to_ref - mptmq-bind reset hands the controller to the reference.
to_ref()
{
	sh "$BIND" reset "${BDFS[@]}" && owned_by "$REF"
}

# to_mptmq - mptmq-bind mptmq takes it back for the DKMS module.
to_mptmq()
{
	sh "$BIND" mptmq "${BDFS[@]}" && owned_by mptmq
}

# alias_load_blacklisted - what udev does at boot with
# tools/modprobe.d/mptmq.conf installed: "modprobe -b <modalias>" loads
# mptmq (the DKMS module) and not the reference, and mptmq owns the
# controller.
alias_load_blacklisted()
{
	local conf out rc=0 ref_before=0
	unload_all || rc=$?
	((rc == 0 || rc == KSFT_SKIP)) || return 1
	[[ -d /sys/module/$REF ]] && ref_before=1
	conf=$(mktemp -d)
	cp "$(dirname "$BIND")/modprobe.d/mptmq.conf" "$conf/" || return 1
	out=$(modprobe -v -b -C "$conf" "$(<"$PCI_DEV/modalias")" 2>&1)
	rm -rf "$conf"
	echo "modprobe -b $(<"$PCI_DEV/modalias"):"
	echo "$out"
	inserted "$out" || { echo "mptmq was not loaded"; return 1; }
	grep -q "^insmod .*/$REF\.ko" <<<"$out" &&
		{ echo "$REF was inserted despite the blacklist"; return 1; }
	((ref_before)) || [[ ! -d /sys/module/$REF ]] ||
		{ echo "$REF was loaded despite the blacklist"; return 1; }
	owned_by mptmq || return 1
	if ((ref_before)); then
		echo "known reference failure: $REF was still loaded (it cannot be unloaded), so the blacklist could not be shown to keep it out"
		return "$KSFT_SKIP"
	fi
}

# restore - the driver under test, loaded as the other tests expect (a
# reference module the known leak keeps is reported by "unbound").
restore()
{
	local rc=0
	unload_all || rc=$?
	((rc == 0 || rc == KSFT_SKIP)) || return 1
	load_driver
}

mpt_load_manifest
KVER=$(uname -r)
DKMS_KO=$(modinfo -k "$KVER" -n mptmq 2>/dev/null)
case $DKMS_KO in
/lib/modules/"$KVER"/updates/dkms/* | /lib/modules/"$KVER"/extra/*) ;;
*) ktap_skip_all "mptmq is not installed by DKMS for $KVER (modinfo: '${DKMS_KO:-none}'); run selftests/dkms-setup.sh install on the host" ;;
esac
mapfile -t PCI_DEVS < <(mpt_pci_devs)
BDFS=("${PCI_DEVS[@]##*/}")
PCI_DEV=$(mpt_pci_dev) || ktap_skip_all "no ${MPT_HBA:-mptsas1068} PCI function (1000:$(mpt_hba_fact pci_device))"
BIND=$(bind_tool) || ktap_skip_all "tools/mptmq-bind not found (set MPTMQ_BIND)"
REF=$(mpt_hba_fact reference) || ktap_skip_all "no reference driver for HBA '${MPT_HBA:-}'"
modinfo "$REF" >/dev/null 2>&1 || ktap_skip_all "no $REF module for $KVER"
# No udev in the guest: the disk and sg drivers are loaded here, as
# load_driver does (run alone, no earlier test has done it).
modprobe -a scsi_mod sd_mod sg || ktap_skip_all "cannot load sd_mod and sg"
ktap_print_header
ktap_set_plan 7
ktap_print_msg "kernel $KVER, DKMS module $DKMS_KO, in-kernel $(modinfo -n "$REF"), functions ${BDFS[*]}"

ktap_check unbound unload_all
ktap_check modprobe_mptmq modprobe_dkms
ktap_check owned_by_mptmq owned_by mptmq
ktap_check "reset_to_$REF" to_ref
ktap_check back_to_mptmq to_mptmq
ktap_check alias_load_blacklisted alias_load_blacklisted
ktap_check restore restore
ktap_finished
