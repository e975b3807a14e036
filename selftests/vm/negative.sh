#!/bin/bash
# shellcheck disable=SC2034,SC2016 # VM_* are read by vmlib.sh; PRE runs in the guest
# SPDX-License-Identifier: GPL-2.0
#
# negative.sh [SCENARIO...] - show that each test fails, and for the right
# reason, when what it checks is broken.  Each scenario boots the suite's VM
# (reference mptsas, newest 6.1 unless --kernel) with deliberate faults,
# runs the affected tests, and compares the KTAP with the expected results:
# the listed subtests must fail, the listed controls must pass, and each
# affected test must fail as a whole.  See selftests/NOTES-negative.md.
#
# Scenarios: identity missing_disk data scratch_null media dmesg lifecycle
# (default: all; two VMs at a time).  Results: out/vm/neg-<scenario>/.

set -uo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/vmlib.sh"

SERIES=6.1
ALL=(identity missing_disk data scratch_null media dmesg lifecycle)

# ktap_flatten FILE - "STATUS test_x" and "STATUS test_x/subtest" for every
# result in the runner's nested KTAP (subtests precede their parent).
ktap_flatten()
{
	awk '
	function status(line) { return line ~ /^ *not ok/ ? "FAIL" : (line ~ /# SKIP/ ? "SKIP" : "PASS") }
	/^    (not )?ok [0-9]+ / { n = ($1 == "not") ? 4 : 3; sub_[++ns] = status($0) " " $(n); next }
	/^(not )?ok [0-9]+ / {
		n = ($1 == "not") ? 4 : 3; t = $(n)
		for (i = 1; i <= ns; i++) { split(sub_[i], a, " "); print a[1], t "/" a[2] }
		ns = 0; print status($0), t
	}' "$1"
}

# expect RESULTS STATUS NAME... - every NAME has STATUS; print mismatches.
expect()
{
	local results=$1 status=$2 name got rc=0
	shift 2
	for name in "$@"; do
		got=$(awk -v n="$name" '$2 == n { print $1 }' <<<"$results" | tail -n 1)
		if [[ $got != "$status" ]]; then
			echo "    expected $status $name, got ${got:-no result}"
			rc=1
		fi
	done
	return "$rc"
}

# Each scenario_X sets: TESTS (run), FAIL (must fail), PASS (controls), PRE
# (guest shell run before the tests, after lib.sh and the manifest are
# loaded), OVERRIDES (shell lines appended to the manifest after the
# fixture: a later assignment wins), and may set VM_DISK_OPTS_* and VM_*.

scenario_identity()
{
	TESTS=(probe identity)
	OVERRIDES=("DISK_d0_SIZE=$((64 * 1024 * 1024 + 512))" DISK_d2_WWN=0x5000c5001e57ffff
		   DISK_dn_SERIAL=mptmq-bogus)
	# The driver is told to use MSI, QEMU's HBA has msi=off.
	VM_GUEST_ENV+=(MPT_MSI=on)
	# Lazy IOMMU invalidation: the later iommu.strict wins.
	VM_APPEND_EXTRA="iommu.strict=0"
	FAIL=(iommu_strict test_probe test_probe/irq_mode test_probe/lsscsi_d2
	      test_identity test_identity/d0_readcap test_identity/d2_vpd83
	      test_identity/dn_inquiry)
	PASS=(test_probe/pci_bound test_probe/lsscsi_d0 test_probe/no_extra_devices
	      test_identity/d0_inquiry test_identity/d2_readcap test_identity/dn_vpd83)
}

scenario_missing_disk()
{
	TESTS=(probe)
	# dx is in the manifest but QEMU has no such disk.
	OVERRIDES=("MPT_DISKS+=(dx)" DISK_dx_KIND=raw DISK_dx_TARGET=5 DISK_dx_LUN=0
		   DISK_dx_SIZE=1048576 "DISK_dx_WWN=$(vm_disk_wwn 5 0)")
	FAIL=(test_probe test_probe/load_driver test_probe/lsscsi_dx test_probe/no_extra_devices)
	PASS=(test_probe/pci_bound test_probe/lsscsi_d0 test_probe/lsscsi_db)
}

scenario_data()
{
	TESTS=(data)
	# d1's writes go to a throw-away overlay, never to its file.
	VM_DISK_OPTS_d1="drive=snapshot=on"
	OVERRIDES=(DISK_d1_PATTERN_SHA256=0000000000000000000000000000000000000000000000000000000000000000)
	# Corrupt one byte of d0's image after the host recorded its sha256.
	PRE='printf X | dd of="$DISK_d0_FILE" bs=1 seek=4097 conv=notrunc status=none'
	FAIL=(test_data test_data/read_d0 test_data/host_pattern test_data/guest_pattern)
	PASS=(test_data/read_d1 test_data/read_d2 test_data/read_dn test_data/fio_bs4k_qd16)
}

scenario_scratch_null()
{
	TESTS=(data)
	# null-co drops writes and reads zeros: fio must see bad data.
	OVERRIDES=(MPT_SCRATCH_DISK=dn)
	FAIL=(test_data test_data/fio_bs512_qd1 test_data/fio_bs4k_qd16 test_data/fio_bs1m_qd64
	      test_data/guest_pattern test_data/host_pattern)
	PASS=(test_data/read_d0 test_data/read_dn)
}

scenario_media()
{
	TESTS=(media_error)
	# QEMU fails only LBA 8192; the manifest also claims LBA 9000.
	VM_DISK_OPTS_db="bad=8192:5"
	OVERRIDES=("DISK_db_BAD='8192:5 9000:61'")
	FAIL=(test_media_error test_media_error/db_read_lba9000_fails test_media_error/db_lba9000_logged)
	PASS=(test_media_error/db_read_lba8192_fails test_media_error/db_lba8192_logged
	      test_media_error/db_lba9000_neighbours test_media_error/db_still_ready)
}

scenario_dmesg()
{
	local i line
	local -a lines=(
		"DMAR: [DMA Read NO_PASID] Request device [02:01.0] fault addr 0x1000 [fault reason 0x06] PTE Read access is not set"
		"WARNING: CPU: 0 PID: 1 at drivers/scsi/mptmq/mptmq_reply.c:1 negative_test+0x0/0x10"
		"BUG: kernel NULL pointer dereference, address: 0000000000000000"
		"Oops: 0000 [#1] PREEMPT SMP NOPTI"
		"WARNING: possible circular locking dependency detected"
		"INFO: task kworker/0:1:42 blocked for more than 30 seconds."
		"BUG: KASAN: use-after-free in negative_test+0x0/0x10"
		"UBSAN: shift-out-of-bounds in drivers/scsi/mptmq/mptmq_ioc.c:1:1"
		"sd 0:0:4:0: [sde] tag#1 Sense Key : Medium Error [current]"
	)
	TESTS=()
	FAIL=()
	# One fake test per line: it only logs the line and passes by itself;
	# the runner's kernel log check must fail all but the benign last one.
	for i in "${!lines[@]}"; do
		line=${lines[i]}
		printf '#!/bin/bash\necho "KTAP version 1"; echo "1..1"\necho %q >/dev/kmsg\necho "ok 1 logged"\n' \
			"<4>$line" >"$VM_RUNDIR/selftests/test_neg_dmesg_$i.sh"
		chmod +x "$VM_RUNDIR/selftests/test_neg_dmesg_$i.sh"
		TESTS+=("neg_dmesg_$i")
		((i < ${#lines[@]} - 1)) && FAIL+=("test_neg_dmesg_$i")
	done
	PASS=("test_neg_dmesg_$((${#lines[@]} - 1))" test_neg_dmesg_0/logged)
}

scenario_lifecycle()
{
	TESTS=(lifecycle)
	# Keep d0 open: the module is busy and cannot be unloaded.
	PRE='load_driver && exec 3<"$(disk_block d0)"'
	VM_GUEST_ENV+=(MPT_LIFECYCLE_CYCLES=3)
	FAIL=(test_lifecycle test_lifecycle/cycle_1 test_lifecycle/cycle_2 test_lifecycle/cycle_3)
	PASS=()
}

# run_scenario NAME - boot, run, compare; prints a verdict line.
run_scenario()
{
	local name=$1 results rc=0 pre
	local -a TESTS FAIL PASS OVERRIDES=()
	PRE=:

	vm_rundir_new "$VM_OUT/vm/neg-$name"
	VM_DRIVER=mptsas VM_MSI=off VM_BRIDGE=on VM_IOMMU=on VM_APPEND_EXTRA=""
	VM_GUEST_ENV=()
	VM_KVER=$(vm_pick_kernel "$SERIES")
	vm_suite_snapshot
	"scenario_$name"
	vm_suite_disks
	printf '%s\n' "${OVERRIDES[@]}" >>"$VM_RUNDIR/manifest.sh"
	pre=". $VM_RUNDIR/selftests/lib.sh && mpt_load_manifest && { $PRE; }"
	vm_run bash -c "$pre; bash $VM_RUNDIR/selftests/run_tests.sh ${TESTS[*]}" >/dev/null 2>&1
	results=$(ktap_flatten "$VM_RUNDIR/results.ktap")
	echo "$results" >"$VM_RUNDIR/flat"
	expect "$results" FAIL "${FAIL[@]}" || rc=1
	((${#PASS[@]} == 0)) || expect "$results" PASS "${PASS[@]}" || rc=1
	if ((rc == 0)); then
		echo "NEGATIVE OK   $name: ${FAIL[*]} failed as expected"
	else
		echo "NEGATIVE BAD  $name: see $VM_RUNDIR/results.ktap"
	fi
	return "$rc"
}

main()
{
	local -a scenarios=()
	local s failed=0 running=0

	while (($#)); do
		case $1 in
		--kernel) SERIES=$2; shift ;;
		*) scenarios+=("$1") ;;
		esac
		shift
	done
	((${#scenarios[@]})) || scenarios=("${ALL[@]}")
	VM_TIMEOUT=600
	for s in "${scenarios[@]}"; do
		declare -F "scenario_$s" >/dev/null || { echo "no scenario $s" >&2; exit 2; }
		if ((running >= 2)); then
			wait -n || failed=1
			running=$((running - 1))
		fi
		run_scenario "$s" &
		running=$((running + 1))
	done
	for ((; running > 0; running--)); do
		wait -n || failed=1
	done
	return "$failed"
}

main "$@"
