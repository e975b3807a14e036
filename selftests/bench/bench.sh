#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - `make bench`: mptmq vs the in-kernel mptsas vs virtio-scsi, all
# three in ONE VM per kernel so machine noise hits them alike.  See README.md.
#
# Per kernel:
#   1. build mptmq.ko into out/bench/build/<kver>
#   2. timed VM (TCG, 2 vCPUs): fio time-based runs, drivers alternating
#      test by test for MPTMQ_BENCH_ROUNDS rounds
#   3. count VM (TCG icount, 1 vCPU, QEMU mptsas_* trace on): short
#      time-based runs, MPTMQ_BENCH_COUNT_ROUNDS rounds; busy guest time
#      sampled inside each run's steady state is guest instructions, so busy
#      ns per I/O is a stable CPU-cost figure, and the trace gives MMIO
#      accesses per I/O per HBA
#      The count pass also measures a scsi_debug disk (delay=0 fake_rw=1),
#      the floor, and runs once per MPTMQ_BENCH_IOMMU value ("on off" by
#      default), so the strict IOMMU's mapping cost and each driver's own
#      share above the floor (IOMMU off) are lines of their own; with
#      tbprof.so loaded (MPTMQ_BENCH_TBPROF=1, default) the figure is the
#      idle-free count: instructions per I/O without the idle path and the
#      scheduler's sleep/wakeup (tbcount.py), busy time beside it as 'raw'
#   3b. profile pass (MPTMQ_BENCH_PROFILE=1, profile.sh): the count pass's
#      VM and runs with the QEMU plugin tbprof.so (built here from
#      tbprof.c) counting guest instructions per translation block; the
#      guest snapshots the counts at each sample window's edges, and
#      profile.py maps them to symbols and sorts them into components
#   4. report.py after each pass: table to stdout and
#      out/bench/bench-<kver>.txt, raw data to out/bench/bench-<kver>.json
#
# Knobs (environment):
#   MPTMQ_BENCH_KERNELS  kernel series or releases (default "6.1 6.12 sid";
#                        sid: the newest-kernel lane, the Debian-unstable
#                        root of vm/sidroot.sh, skipped by the default when
#                        the machine has none; named here, it must exist)
#   MPTMQ_BENCH_ROUNDS   rounds of the timed pass (default 5)
#   MPTMQ_BENCH_RUNTIME  seconds measured per fio run (default 3)
#   MPTMQ_BENCH_RAMP     fio ramp_time seconds (default 1)
#   MPTMQ_BENCH_MAX_SECTORS_KB  every disk's max_sectors_kb (default 1024: a
#                        1M read is one command everywhere; 0: kernel default)
#   MPTMQ_BENCH_ICOUNT   1: count pass under icount (default); 0: plain TCG
#                        (the MMIO/IRQ counts stay valid, its IOPS do not)
#   MPTMQ_BENCH_COUNT    1: run the count pass (default); 0: skip it
#   MPTMQ_BENCH_TIMED    1: run the timed pass (default); 0: skip it
#   MPTMQ_BENCH_COUNT_ROUNDS  rounds of the count pass (default 3; the
#                        report shows the spread between rounds)
#   MPTMQ_BENCH_COUNT_WINDOW  guest seconds of the count pass's busy-time
#                        sample window (default 1)
#   MPTMQ_BENCH_MSI      1: MSI for both LSI HBAs and drivers (default); 0: INTx
#   MPTMQ_BENCH_IOMMU    on|off or both: strict intel-iommu (default "on off":
#                        the timed and profile passes use the first value,
#                        the count pass runs once per value; with "on"
#                        virtio-scsi also goes through the IOMMU)
#   MPTMQ_BENCH_TESTS    tests to run (default all: rand4k-qd1 rand4k-qd32
#                        seq64k-qd8 seq1m-qd8)
#   MPTMQ_BENCH_PROFILE  1: run the profile pass (default 0; profile.sh)
#   MPTMQ_BENCH_QEMU_SRC a QEMU source tree for qemu-plugin.h (default: the
#                        newest /var/cache/mptmq/qemu-src-*, vm/qemu's cache)
#   MPTMQ_BENCH_SWAP     1: mptmq on the second LSI HBA, mptsas on the first
#   MPTMQ_BENCH_TBPROF   1: the count pass loads tbprof.so and reports the
#                        idle-free count (default); 0: busy time only
#
# A benchmark reports; it never fails on a timing.  The exit status is
# non-zero only when a pass could not run (build failure, a driver did not
# bind, the VM did not finish).

set -u
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/vmlib.sh
. "$BENCH_DIR/../vm/vmlib.sh"

KERNELS=${MPTMQ_BENCH_KERNELS:-6.1 6.12 sid}
ROUNDS=${MPTMQ_BENCH_ROUNDS:-5}
RUNTIME=${MPTMQ_BENCH_RUNTIME:-3}
RAMP=${MPTMQ_BENCH_RAMP:-1}
MAX_SECTORS_KB=${MPTMQ_BENCH_MAX_SECTORS_KB:-1024}
ICOUNT=${MPTMQ_BENCH_ICOUNT:-1}
COUNT=${MPTMQ_BENCH_COUNT:-1}
TIMED=${MPTMQ_BENCH_TIMED:-1}
COUNT_ROUNDS=${MPTMQ_BENCH_COUNT_ROUNDS:-3}
COUNT_WINDOW=${MPTMQ_BENCH_COUNT_WINDOW:-1}
MSI=${MPTMQ_BENCH_MSI:-1}
IOMMUS=${MPTMQ_BENCH_IOMMU:-on off}
IOMMU=${IOMMUS%% *}
TESTS=${MPTMQ_BENCH_TESTS:-}
PROFILE=${MPTMQ_BENCH_PROFILE:-0}
SWAP=${MPTMQ_BENCH_SWAP:-0}
TBPROF=${MPTMQ_BENCH_TBPROF:-1}
OUTB=$VM_OUT/bench
DISK_SIZE=4G
NTESTS=4
NDRIVERS=3

msg()
{
	printf 'bench: %s\n' "$*" >&2
}

# build_module KVER - private copy of the driver sources, built for KVER
# (vm_make_module: against the headers and with the compiler of the root
# KVER is installed in; for the unstable kernel inside its root)
build_module()
{
	local kver=$1 d=$OUTB/build/$1
	rm -rf "$d"
	mkdir -p "$d"
	# the tree the module is built from: HEAD, "+dirty" if the driver
	# sources differ from it (other work goes on in the same checkout)
	{
		git -C "$VM_TREE" rev-parse --short HEAD 2>/dev/null || echo '?'
		git -C "$VM_TREE" diff --quiet HEAD -- Kbuild drivers include 2>/dev/null ||
			echo '+dirty'
	} | paste -sd '' - >"$d.tree"
	cp -r "$VM_TREE/Kbuild" "$VM_TREE/drivers" "$VM_TREE/include" "$d/" &&
		vm_make_module "$kver" "$d" >"$OUTB/build-$kver.log" 2>&1 &&
		[[ -f $d/drivers/scsi/mptmq/mptmq.ko ]]
}

# guest_busybox KVER - the busybox guest.sh runs `devmem` with (the count
# pass's phase markers): the one of the root KVER boots with, else a copy
# of the host's static busybox (busybox-static, which vmlib's initramfs
# takes too) in out/bench, a path the guest sees.  The Debian-unstable
# root has no busybox; it is not added to that root's packages, because
# its cache is keyed by its kernel alone: roots built before would lack it.
guest_busybox()
{
	local root
	root=$(vm_kernel_root "$1") || return 1
	vm_kernel_only "$root" && root=/
	if [[ -x $(vm_root_path "$root" /bin/busybox) ]]; then
		echo busybox
		return 0
	fi
	if ! { mkdir -p "$OUTB/bin" && cp /bin/busybox "$OUTB/bin/busybox"; }; then
		msg "no /bin/busybox to give the guest (busybox-static, selftests/deps.sh)"
		return 1
	fi
	echo "$OUTB/bin/busybox"
}

# build_plugin - out/bench/tbprof.so, the profile pass's QEMU plugin, from
# tbprof.c and the qemu-plugin.h of a QEMU source tree (plugin API 1: the
# stock QEMU 7.2 loads it)
build_plugin()
{
	local src=${MPTMQ_BENCH_QEMU_SRC:-} h
	if [[ -z $src ]]; then
		src=$(ls -d "${MPTMQ_CACHE:-/var/cache/mptmq}"/qemu-src-*/ 2>/dev/null | sort -V | tail -n1)
	fi
	h=${src%/}/include/qemu/qemu-plugin.h
	if [[ ! -f $h ]]; then
		msg "no qemu-plugin.h under '$src' (set MPTMQ_BENCH_QEMU_SRC or run make qemu)"
		return 1
	fi
	cc -O2 -Wall -shared -fPIC -pthread -I"${h%/*}" "$BENCH_DIR/tbprof.c" \
		-o "$OUTB/tbprof.so" >"$OUTB/tbprof-build.log" 2>&1 ||
		{ cat "$OUTB/tbprof-build.log" >&2; return 1; }
}

# count_dir KVER IOMMU - the count pass's run directory
count_dir()
{
	if [[ $2 == on ]]; then
		echo "$OUTB/vm-$1-count"
	else
		echo "$OUTB/vm-$1-count-iommu-$2"
	fi
}

# vm_setup KVER MODE RUNDIR [IOMMU] - VM_* settings and devices for one pass:
# hba0 (vmlib: root port rp0 + PCIe-to-PCI bridge br0), hba1 the same
# behind rp1 + br1, virtio-scsi vs0 on pcie.0; one null-co disk each.
vm_setup()
{
	local kver=$1 mode=$2 rundir=$3 iommu=${4:-$IOMMU} msi=off vio=""

	((MSI)) && msi=on
	VM_KVER=$kver
	VM_DRIVER=none
	VM_MSI=$msi
	VM_BRIDGE=on
	VM_IOMMU=$iommu
	VM_MEM=1024
	VM_CONSOLE=file
	# iomem=relaxed: the count pass marks its phases by reading the HBAs'
	# diag BAR through /dev/mem while the drivers own the regions.
	VM_APPEND_EXTRA="iomem=relaxed"
	VM_QEMU_EXTRA=()
	vm_rundir_new "$rundir"
	vm_add_disk dn null 0 0 "$DISK_SIZE"
	[[ $iommu == on ]] && vio=",disable-legacy=on,iommu_platform=on"
	VM_QEMU_EXTRA+=(
		-device "pcie-root-port,id=rp1,bus=pcie.0,chassis=2,slot=2"
		-device "pcie-pci-bridge,id=br1,bus=rp1"
		-device "mptsas1068,id=hba1,bus=br1,addr=1.0,msi=$msi"
		-drive "if=none,id=drv-b1,driver=null-co,size=$DISK_SIZE,read-zeroes=on"
		-device "scsi-hd,drive=drv-b1,bus=hba1.0,scsi-id=0,lun=0,wwn=0x5000c5001e57f100,serial=bench-hba1"
		-device "virtio-scsi-pci,id=vs0,bus=pcie.0$vio"
		-drive "if=none,id=drv-vs,driver=null-co,size=$DISK_SIZE,read-zeroes=on"
		-device "scsi-hd,drive=drv-vs,bus=vs0.0,channel=0,scsi-id=0,lun=0,wwn=0x5000c5001e57f200,serial=bench-vs0"
	)
	VM_GUEST_ENV=(BENCH_MODE="$mode" BENCH_OUT="$VM_RUNDIR" BENCH_ROUNDS="$ROUNDS"
		      BENCH_RUNTIME="$RUNTIME" BENCH_RAMP="$RAMP" BENCH_MSI="$MSI"
		      BENCH_SWAP="$SWAP" BENCH_COUNT_ROUNDS="$COUNT_ROUNDS"
		      BENCH_COUNT_WINDOW="$COUNT_WINDOW" BENCH_TESTS="$TESTS"
		      BENCH_BUSYBOX="$busybox" BENCH_MAX_SECTORS_KB="$MAX_SECTORS_KB"
		      BENCH_TBPROF="$([[ $mode != timed ]] && ((TBPROF)) && echo 1 || echo 0)"
		      MPTMQ_KO="$OUTB/build/$kver/drivers/scsi/mptmq/mptmq.ko")
	if [[ $mode == timed ]]; then
		VM_ACCEL=tcg
		VM_SMP=2
		VM_TIMEOUT=$((600 + ROUNDS * NTESTS * NDRIVERS * (RUNTIME + RAMP + 12)))
	else
		VM_SMP=1
		if ((ICOUNT)); then
			VM_ACCEL="tcg,thread=single"
			# sleep=on: an idle vCPU waits in real time.  With
			# sleep=off every idle wait for QEMU's I/O thread warps
			# the clock to the next timer, and the timers that then
			# fire add host-load-dependent work to the busy time.
			VM_QEMU_EXTRA+=(-icount shift=0,sleep=on,align=off)
		else
			VM_ACCEL=tcg
		fi
		# a 2.5 s (guest) run takes 10-60 s of host time under icount
		VM_TIMEOUT=$((900 + COUNT_ROUNDS * NTESTS * NDRIVERS * (90 + 30 * ${COUNT_WINDOW%.*})))
		# the count pass's idle-free count and the profile: tbprof.so
		((TBPROF)) && VM_QEMU_EXTRA+=(-plugin "file=$OUTB/tbprof.so,dir=$VM_RUNDIR")
		[[ $mode == profile ]] && return 0
		# One -trace takes one enable=; an events file takes a list.
		printf '%s\n' mptsas_mmio_read mptsas_mmio_write mptsas_diag_read \
			mptsas_irq_msi mptsas_irq_intx >"$VM_RUNDIR/trace-events"
		VM_QEMU_EXTRA+=(-trace "events=$VM_RUNDIR/trace-events,file=$VM_RUNDIR/trace.log")
	fi
}

# pass KVER MODE [DIR IOMMU] - run one VM pass; 0 if the guest script
# succeeded.
pass()
{
	local kver=$1 mode=$2 rc=0 dir=${3:-$OUTB/vm-$1-$2} iommu=${4:-$IOMMU}
	vm_setup "$kver" "$mode" "$dir" "$iommu"
	msg "$kver: $mode pass (IOMMU $iommu, accel $VM_ACCEL, ${VM_SMP} vCPU, timeout ${VM_TIMEOUT}s) in $dir"
	vm_run bash "$BENCH_DIR/guest.sh" || rc=$?
	msg "$kver: $mode pass ended rc=$rc after ${VM_ELAPSED:-?} s"
	if ((rc)); then
		msg "$kver: $mode pass failed; last guest output:"
		tail -n 30 "$dir/guest.log" >&2 2>/dev/null || vm_serial_tail 30 >&2
	fi
	return $rc
}

# report [--quiet] - tables for $kver from the passes done so far (run after
# each pass, so a later failure or interruption keeps what was measured)
report()
{
	local args=(--kver "$kver" --out "$OUTB" --rounds "$ROUNDS" --runtime "$RUNTIME"
		    --ramp "$RAMP" --msi "$MSI" --iommu "$IOMMU" --icount "$ICOUNT"
		    --count-window "$COUNT_WINDOW" --commit "$(cat "$OUTB/build/$kver.tree")")
	((timed_ok)) && args+=(--timed "$OUTB/vm-$kver-timed")
	for io in "${counted[@]}"; do
		args+=(--count "$(count_dir "$kver" "$io")" --count-iommu "$io")
	done
	((timed_ok || ${#counted[@]})) || return 0
	python3 "$BENCH_DIR/report.py" "${args[@]}" --elapsed $((SECONDS - t0)) "$@" ||
		status=1
}

mkdir -p "$OUTB"
status=0
((PROFILE)) && TBPROF=1
if ((TBPROF && (PROFILE || COUNT))) && ! build_plugin; then
	if ((PROFILE)); then
		msg "profile pass impossible without the plugin"
		exit 1
	fi
	msg "no tbprof.so: the count pass reports busy time only (no idle-free count)"
	TBPROF=0
fi
t_all=$SECONDS
for series in $KERNELS; do
	t0=$SECONDS
	if ! kver=$(vm_pick_kernel "$series"); then
		if [[ $series == sid && -z ${MPTMQ_BENCH_KERNELS:-} ]]; then
			msg "sid: skipped: no Debian-unstable root on this machine" \
			    "(selftests/vm/sidroot.sh setup builds it; make check does)"
		else
			status=1
		fi
		continue
	fi
	busybox=$(guest_busybox "$kver") || { status=1; continue; }
	msg "$kver: building mptmq.ko"
	if ! build_module "$kver"; then
		msg "$kver: build failed, see $OUTB/build-$kver.log"
		tail -n 20 "$OUTB/build-$kver.log" >&2
		status=1
		continue
	fi
	timed_ok=0
	counted=()
	if ((TIMED)); then
		pass "$kver" timed && timed_ok=1
		((COUNT)) && report --quiet
		((timed_ok)) || status=1
	fi
	if ((COUNT)); then
		for io in $IOMMUS; do
			d=$(count_dir "$kver" "$io")
			if pass "$kver" count "$d" "$io"; then
				counted+=("$io")
			else
				status=1
			fi
			# ~25 MB per run; report.py also reads it gzip'd
			[[ -f $d/trace.log ]] && gzip -f -1 "$d/trace.log"
		done
	fi
	report
	if ((PROFILE)); then
		d=$OUTB/vm-$kver-profile
		if pass "$kver" profile "$d" "$IOMMU"; then
			python3 "$BENCH_DIR/profile.py" --kver "$kver" --iommu "$IOMMU" \
				--commit "$(cat "$OUTB/build/$kver.tree")" --out "$OUTB" "$d" ||
				status=1
		else
			status=1
		fi
	fi
done
msg "total $((SECONDS - t_all)) s, exit $status"
exit $status
