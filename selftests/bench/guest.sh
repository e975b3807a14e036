#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh - the guest half of `make bench` (bench.sh is the host half).
#
# Binds one emulated LSI SAS1068 to mptmq and the other to the in-kernel
# mptsas through driver_override, loads virtio_scsi, maps each driver's
# null-co disk, then runs fio on them and writes one JSON record per fio run
# to $BENCH_OUT/records.jsonl (fio's own JSON beside it in $BENCH_OUT/fio/).
#
# Environment (set by bench.sh through VM_GUEST_ENV):
#   BENCH_MODE     timed: BENCH_ROUNDS rounds of time-based runs, drivers
#                  alternating test by test (start driver rotated per round);
#                  count: BENCH_COUNT_ROUNDS rounds of one short time-based
#                  run per test and driver (drivers alternating), each LSI
#                  run bracketed by reads of the HBA's diag BAR (BAR2) so the
#                  host can cut QEMU's mptsas_mmio_* trace into phases; busy
#                  guest time sampled inside each run's steady state.
#                  The count pass also runs a scsi_debug disk (delay=0
#                  fake_rw=1: sd + SCSI midlayer + blk-mq + fio with no
#                  device and no DMA mapping), the floor under every SCSI
#                  driver's figure.  With BENCH_TBPROF=1 each sample
#                  window also holds two tbprof.so snapshots (tb-*), the
#                  idle-free count (report.py, tbcount.py).
#                  profile: the count pass's set-up and runs, each sample
#                  window bracketed by snapshots of the QEMU plugin
#                  tbprof.so (guest instructions per translation block) in
#                  $BENCH_OUT/tb-*; /proc/kallsyms to $BENCH_OUT/kallsyms
#                  (profile.py maps and sorts them into components).
#   BENCH_ROUNDS, BENCH_RUNTIME, BENCH_RAMP   (timed mode)
#   BENCH_COUNT_ROUNDS, BENCH_COUNT_RAMP, BENCH_COUNT_WINDOW   (count mode:
#                  rounds, seconds from the first completion to the sample
#                  window, window length; guest seconds)
#   BENCH_TBPROF   1: tbprof.so is loaded (count mode: snapshots around each
#                  sample window, the idle-free count; /proc/kallsyms to
#                  $BENCH_OUT/kallsyms)
#   BENCH_MSI      1|0: MSI for both LSI drivers (mptmq msi=, mptbase
#                  mpt_msi_enable_sas=)
#   BENCH_SWAP     1: bind mptmq to the second LSI function instead of the first
#   BENCH_TESTS    names of the tests to run (default: all four)
#   BENCH_MAX_SECTORS_KB  every disk's max_sectors_kb (default 1024: a
#                  1M read is one command for every driver and the floor,
#                  with the IOMMU on or off; 0: the kernel's default, which
#                  on 6.1 behind a translating IOMMU is 128 KiB for every
#                  SCSI host: sd caps it to shost->opt_sectors, the DMA
#                  layer's optimal mapping size)
#   BENCH_BUSYBOX  the busybox to run `devmem` with (default: busybox in
#                  PATH; the unstable root has none, bench.sh passes a copy)
#   MPTMQ_KO       mptmq.ko built for this kernel
#   BENCH_OUT      where to write (the VM run directory)
#
# Exits non-zero only if the setup fails (a driver does not bind, a disk
# does not appear, fio cannot run); never because of a measured value.

set -u
export LC_ALL=C

out=${BENCH_OUT:?}
mode=${BENCH_MODE:-timed}
rounds=${BENCH_ROUNDS:-5}
runtime=${BENCH_RUNTIME:-3}
ramp=${BENCH_RAMP:-1}
count_rounds=${BENCH_COUNT_ROUNDS:-3}
count_ramp=${BENCH_COUNT_RAMP:-0.5}
count_window=${BENCH_COUNT_WINDOW:-1}
msi=${BENCH_MSI:-1}
tbprof=${BENCH_TBPROF:-0}
msk=${BENCH_MAX_SECTORS_KB:-1024}
busybox=${BENCH_BUSYBOX:-busybox}

DRIVERS=(mptmq mptsas virtio_scsi)
# the floor: no device, no DMA, completion in the submitting context
[[ $mode == timed ]] || DRIVERS+=(scsi_debug)
# name rw bs iodepth
ALL_TESTS=(
	"rand4k-qd1 randread 4k 1"
	"rand4k-qd32 randread 4k 32"
	"seq64k-qd8 read 64k 8"
	"seq1m-qd8 read 1m 8"
)
TESTS=()
for t in "${ALL_TESTS[@]}"; do
	[[ -z ${BENCH_TESTS:-} || " $BENCH_TESTS " == *" ${t%% *} "* ]] && TESTS+=("$t")
done

die()
{
	echo "bench-guest: FATAL: $*"
	echo "--- dmesg tail"
	dmesg | tail -n 40
	exit 1
}

log()
{
	echo "bench-guest: $*"
}

# sleep without fork (bash has no builtin sleep)
snooze()
{
	read -r -t "$1" <>"$snooze_fifo" || :
}

# in tmpfs: a FIFO on the 9p run directory does not block reliably
snooze_fifo=$(mktemp -u /dev/shm/bench-snooze.XXXXXX)
mkfifo "$snooze_fifo" || die "mkfifo $snooze_fifo"
mkdir -p "$out/fio"
: >"$out/records.jsonl"

# ------------------------------------------------------------------ setup

lsi=()
for d in /sys/bus/pci/devices/*; do
	[[ $(<"$d/vendor") == 0x1000 && $(<"$d/device") == 0x0054 ]] && lsi+=("${d##*/}")
done
((${#lsi[@]} == 2)) || die "expected 2 LSI SAS1068 functions, found ${#lsi[@]}: ${lsi[*]}"
if [[ ${BENCH_SWAP:-0} == 1 ]]; then
	PCI_mptmq=${lsi[1]} PCI_mptsas=${lsi[0]}
else
	PCI_mptmq=${lsi[0]} PCI_mptsas=${lsi[1]}
fi
echo mptmq >"/sys/bus/pci/devices/$PCI_mptmq/driver_override" || die "driver_override $PCI_mptmq"
echo mptsas >"/sys/bus/pci/devices/$PCI_mptsas/driver_override" || die "driver_override $PCI_mptsas"
log "mptmq -> $PCI_mptmq, mptsas -> $PCI_mptsas, msi=$msi"

# the count pass's phase markers (marker) read the diag BAR with it
if [[ $mode == count ]] && ! "$busybox" --list 2>/dev/null | grep -qx devmem; then
	die "no 'devmem' in '$busybox' (BENCH_BUSYBOX): the count pass's phase markers need it"
fi
modprobe -a scsi_mod sd_mod || die "modprobe sd_mod"
modprobe mptbase mpt_msi_enable_sas="$msi" || die "modprobe mptbase"
modprobe mptsas || die "modprobe mptsas"
[[ -r ${MPTMQ_KO:-} ]] || die "MPTMQ_KO='${MPTMQ_KO:-}' not readable"
IFS=, read -ra deps <<<"$(modinfo -F depends "$MPTMQ_KO")"
((${#deps[@]} == 0)) || modprobe -a "${deps[@]}" || die "modprobe ${deps[*]}"
insmod "$MPTMQ_KO" msi="$msi" || die "insmod $MPTMQ_KO"
modprobe virtio_scsi || die "modprobe virtio_scsi"
# 2 MiB hugepages for the large-block tests' buffers (MEM below): a 1m
# QD8 job needs 8 MiB and alignment
echo 16 >/proc/sys/vm/nr_hugepages 2>/dev/null
HUGE=1
if (($(awk '/^HugePages_Total:/ { print $2 }' /proc/meminfo) < 8)); then
	HUGE=0
	log "no hugepages for fio's large-block buffers: they are malloc'd (segments per I/O will vary)"
fi
# fio's --iomem per block size (looked up without a fork while measuring).
# The large-block tests read into hugepage-backed buffers (SysV shm,
# SHM_HUGETLB: physically contiguous), so every run maps the same segments
# per I/O; with malloc'd buffers that number followed how fio's pages lay
# in memory, and the 64k and 1M counts spread by 5-80 % between rounds.
# A 4k read is one page, one segment, either way.
declare -A MEM
for t in "${TESTS[@]}"; do
	read -r _ _ bs _ <<<"$t"
	MEM[$bs]=malloc
	[[ $bs != 4k ]] && ((HUGE)) && MEM[$bs]=shmhuge
done
log "fio buffers: $(for bs in "${!MEM[@]}"; do printf '%s %s, ' "$bs" "${MEM[$bs]}"; done)"
if [[ " ${DRIVERS[*]} " == *" scsi_debug "* ]]; then
	# 4 GiB like the other disks (virtual_gb; fake_rw: no data copied, so
	# the 8 MiB store is never touched); max_queue = the LSI drivers'
	# queue depth, so QD32 never queues in the block layer for lack of tags
	# clustering=1: segments merge as on the LSI hosts (without it
	# scsi_debug sets a page-sized DMA boundary, one segment per page,
	# and building a 1M request's scatterlist alone cost it more than a
	# whole LSI driver's 1M I/O)
	modprobe scsi_debug delay=0 fake_rw=1 virtual_gb=4 dev_size_mb=8 \
		max_queue=64 num_tgts=1 max_luns=1 clustering=1 ||
		die "modprobe scsi_debug"
fi

for drv in mptmq mptsas; do
	pci=PCI_$drv
	bound=$(basename "$(readlink "/sys/bus/pci/devices/${!pci}/driver" 2>/dev/null)")
	[[ $bound == "$drv" ]] || die "${!pci} is bound to '${bound}', not $drv"
done

# disk_of DRIVER - the sdX whose SCSI host has proc_name DRIVER
disk_of()
{
	local b path h
	for b in /sys/block/sd*; do
		[[ -e $b ]] || continue
		path=$(readlink -f "$b/device")
		h=$(grep -o '/host[0-9]*/' <<<"$path" | head -n1 | tr -d /)
		[[ -n $h && $(<"/sys/class/scsi_host/$h/proc_name") == "$1" ]] && {
			echo "${b##*/}"
			return 0
		}
	done
	return 1
}

# pci_of DRIVER - the PCI function under the driver's SCSI host
pci_of()
{
	local b path
	b=/sys/block/$(disk_of "$1")
	path=$(readlink -f "$b/device")
	grep -oE '[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]' <<<"$path" | tail -n1
}

for ((i = 0; i < 600; i++)); do
	ok=1
	for drv in "${DRIVERS[@]}"; do
		disk_of "$drv" >/dev/null || ok=0
	done
	((ok)) && break
	snooze 0.1
done
for drv in "${DRIVERS[@]}"; do
	disk_of "$drv" >/dev/null || die "no disk for $drv after 60 s"
done

declare -A DEV PCI IRQS
for drv in "${DRIVERS[@]}"; do
	DEV[$drv]=$(disk_of "$drv")
	PCI[$drv]=$(pci_of "$drv")
	q=/sys/block/${DEV[$drv]}/queue
	echo none >"$q/scheduler" 2>/dev/null
	echo 0 >"$q/add_random" 2>/dev/null
	# the same largest request for every disk, within what its host allows
	if ((msk > 0)); then
		hw=$(<"$q/max_hw_sectors_kb")
		echo $((msk < hw ? msk : hw)) >"$q/max_sectors_kb" ||
			log "could not set max_sectors_kb of ${DEV[$drv]} ($drv)"
	fi
	if [[ $drv == scsi_debug ]]; then
		IRQS[$drv]="" irqmode=none
	elif [[ -d /sys/bus/pci/devices/${PCI[$drv]}/msi_irqs ]] &&
	   [[ -n $(ls "/sys/bus/pci/devices/${PCI[$drv]}/msi_irqs") ]]; then
		IRQS[$drv]=$(ls "/sys/bus/pci/devices/${PCI[$drv]}/msi_irqs" | sort -n | tr '\n' ' ')
		irqmode=msi
	else
		IRQS[$drv]=$(<"/sys/bus/pci/devices/${PCI[$drv]}/irq")
		irqmode=intx
	fi
	sd=$(readlink -f "/sys/block/${DEV[$drv]}/device")
	printf -v info '{"driver":"%s","disk":"%s","pci":"%s","irqs":"%s","irq_mode":"%s","scheduler":"%s","queue_depth":"%s","max_sectors_kb":"%s","nr_hw_queues":%s,"can_queue":"%s"}' \
		"$drv" "${DEV[$drv]}" "${PCI[$drv]}" "${IRQS[$drv]% }" "$irqmode" \
		"$(grep -o '\[.*\]' "$q/scheduler" | tr -d '[]')" \
		"$(<"$sd/queue_depth")" "$(<"$q/max_sectors_kb")" \
		"$(ls -d "/sys/block/${DEV[$drv]}/mq/"* | wc -l)" \
		"$(cat /sys/class/scsi_host/"$(grep -o '/host[0-9]*/' <<<"$sd" | head -n1 | tr -d /)"/can_queue)"
	echo "$info" >>"$out/setup.jsonl"
	log "$info"
done
grep -E "^ *($(echo "${IRQS[*]}" | tr -s ' ' '\n' | grep . | paste -sd'|')):" /proc/interrupts
log "tests: ${TESTS[*]%% *}"

# ------------------------------------------------------------- sampling
#
# Everything sampled while fio runs uses bash builtins only (no fork, no
# exec), so the sampler adds almost nothing to the CPU time it measures.

# irq_sum DRIVER - IRQ_SUM = interrupts of the driver's vectors, all CPUs
irq_sum()
{
	local -a F
	local k n
	IRQ_SUM=0
	while read -r -a F; do
		k=${F[0]%:}
		[[ " ${IRQS[$1]} " == *" $k "* ]] || continue
		for ((n = 1; n < ${#F[@]}; n++)); do
			[[ ${F[n]} =~ ^[0-9]+$ ]] || break
			IRQ_SUM=$((IRQ_SUM + F[n]))
		done
	done </proc/interrupts
}

# busy_ns - BUSY_NS = guest clock minus idle (+iowait) sleep time summed
# over CPUs, in ns, from /proc/timer_list (exact, unlike /proc/stat's 10 ms
# ticks); CLOCK_NS = the clock.  Only exact with one vCPU (the reading CPU
# is the only one, so no idle period is open): the count pass.  Under
# icount that is the number of guest instructions executed.
busy_ns()
{
	local line now=0 idle=0 ncpu=0
	local -a F
	while read -r line; do
		case $line in
		"now at "*)
			read -r -a F <<<"$line"
			now=${F[2]}
			;;
		"cpu: "*)
			ncpu=$((ncpu + 1))
			;;
		.idle_sleeptime* | .iowait_sleeptime*)
			# ".idle_sleeptime : N nsecs", ".iowait_sleeptime: N nsecs"
			read -r -a F <<<"$line"
			idle=$((idle + F[${#F[@]} - 2]))
			;;
		esac
	done </proc/timer_list
	CLOCK_NS=$now
	BUSY_NS=$((now * ncpu - idle))
}

# snap DRIVER - SNAP=(busy_jiffies irqs sectors_read clock_us): busy from
# /proc/stat (all CPUs, USER_HZ ticks); sectors, not requests: the block
# layer splits large I/Os by max_sectors_kb, which differs between the
# drivers, so report.py counts fio-sized I/Os as sectors * 512 / bs.
snap()
{
	local cpu u n s idle iow irq sirq steal rest r m t
	read -r cpu u n s idle iow irq sirq steal rest </proc/stat
	read -r _ m r rest <"/sys/block/${DEV[$1]}/stat"
	irq_sum "$1"
	t=${EPOCHREALTIME/./}
	SNAP=($((u + n + s + irq + sirq + steal)) "$IRQ_SUM" "$r" "$t")
}

# wait_io_start DEV PID - return once DEV completed a read (fio's I/O has
# started) or PID ended
wait_io_start()
{
	local r0 r i
	read -r r0 _ <"/sys/block/$1/stat"
	for ((i = 0; i < 1200; i++)); do
		read -r r _ <"/sys/block/$1/stat"
		[[ $r != "$r0" ]] && return 0
		kill -0 "$2" 2>/dev/null || return 0
		snooze 0.02
	done
}

# marker DRIVER CODE - one 32-bit read of the HBA's diag BAR at CODE; QEMU
# traces it as mptsas_diag_read with the device's pointer and the offset.
marker()
{
	local drv=$1 code=$2 start
	[[ $drv == virtio_scsi || $drv == scsi_debug ]] && return 0
	read -r start _ < <(sed -n 3p "/sys/bus/pci/devices/${PCI[$drv]}/resource")
	"$busybox" devmem "$((start + code))" 32 >/dev/null ||
		log "devmem marker failed for $drv (is iomem=relaxed on the command line?)"
}

# record KEY=VALUE... - append one JSON object (values numeric or strings)
record()
{
	local kv s="" v
	for kv in "$@"; do
		v=${kv#*=}
		if [[ $v =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then
			s+=",\"${kv%%=*}\":$v"
		else
			s+=",\"${kv%%=*}\":\"$v\""
		fi
	done
	echo "{${s#,}}" >>"$out/records.jsonl"
}

# run_timed ROUND TEST RW BS QD DRIVER
# CPU, interrupts and completions are sampled inside fio's steady state: from
# the first completion + ramp for steady_s (RUNTIME - 1 s).  The sample is
# valid only if fio was still running when it ended (steady=1); report.py
# ignores the CPU/IRQ figures of the others (a whole-process sample would
# include fio's start-up, which under TCG costs more than the I/O).
run_timed()
{
	local round=$1 test=$2 rw=$3 bs=$4 qd=$5 drv=$6 dev f pid steady=0
	local -a A B
	dev=${DEV[$drv]}
	f=$out/fio/r$round-$test-$drv.json
	fio --name="$test" --filename="/dev/$dev" --direct=1 --ioengine=libaio \
	    --rw="$rw" --bs="$bs" --iodepth="$qd" --iomem="${MEM[$bs]}" --time_based \
	    --runtime="$runtime" --ramp_time="$ramp" --norandommap \
	    --randrepeat=0 --output-format=json --output="$f" &
	pid=$!
	wait_io_start "$dev" "$pid"
	snooze "$ramp"
	snap "$drv"
	A=("${SNAP[@]}")
	snooze "$steady_s"
	snap "$drv"
	B=("${SNAP[@]}")
	kill -0 "$pid" 2>/dev/null && steady=1
	wait "$pid" || die "fio failed: $drv $test round $round"
	record mode=timed round="$round" test="$test" driver="$drv" fio="${f#"$out"/}" \
	       bs="$(numfmt --from=iec "${bs^^}")" steady="$steady" \
	       jiffies=$((B[0] - A[0])) irqs=$((B[1] - A[1])) sectors=$((B[2] - A[2])) \
	       window_us=$((B[3] - A[3]))
}

# sample_window DRIVER [TBNAME] - the steady-state sample of the count and
# profile passes: busy guest time, completions and interrupts over
# count_window guest seconds.  Sets W_BUSY, W_CLOCK (ns), W_SECTORS, W_IRQS.
# With TBNAME, tbprof.so snapshots TBNAME.start and TBNAME.end are taken
# inside, after the first and before the last reads of /proc: the plugin's
# stretch holds fio, the snapshot waits and the sleep, none of the
# sampler's /proc/timer_list printing (which alone was ~100 instructions
# per I/O, more per I/O the fewer I/Os the window had).  W_TB is 1 if both
# snapshots were written.
sample_window()
{
	local b0 c0
	local -a A
	busy_ns
	b0=$BUSY_NS c0=$CLOCK_NS
	snap "$1"
	A=("${SNAP[@]}")
	W_TB=0
	if [[ -n ${2:-} ]] && tb_snap "$2.start"; then
		snooze "$count_window"
		tb_snap "$2.end" && W_TB=1
	else
		snooze "$count_window"
	fi
	snap "$1"
	busy_ns
	W_BUSY=$((BUSY_NS - b0)) W_CLOCK=$((CLOCK_NS - c0))
	W_SECTORS=$((SNAP[2] - A[2])) W_IRQS=$((SNAP[1] - A[1]))
}

# run_count ROUND TEST RW BS QD DRIVER PHASE
# One time-based fio run of count_runtime guest seconds, bracketed by reads
# of the HBA's diag BAR (phase markers for the QEMU trace): MMIO and
# interrupt counts cover the whole run, divided by the I/Os of the whole run
# (no other I/O reaches that disk).  Busy guest time is sampled inside the
# steady state (first completion + count_ramp, for count_window seconds),
# so fio's start-up and teardown drop out: busy ns per I/O there is the
# per-I/O CPU cost (under icount: guest instructions per I/O).
run_count()
{
	local round=$1 test=$2 rw=$3 bs=$4 qd=$5 drv=$6 phase=$7 dev f pid bsb steady=0 snapname
	local -a W0 W1
	dev=${DEV[$drv]}
	f=$out/fio/count$round-$test-$drv.json
	bsb=$(numfmt --from=iec "${bs^^}")
	snap "$drv"
	W0=("${SNAP[@]}")
	marker "$drv" $((0x1000 + phase * 16))
	fio --name="$test" --filename="/dev/$dev" --direct=1 --ioengine=libaio \
	    --rw="$rw" --bs="$bs" --iodepth="$qd" --iomem="${MEM[$bs]}" --time_based \
	    --runtime="$count_runtime" --norandommap --randrepeat=0 \
	    --output-format=json --output="$f" &
	pid=$!
	wait_io_start "$dev" "$pid"
	snooze "$count_ramp"
	# the idle-free count: tbprof.so's per-block counts inside the window
	snapname=""
	if ((tbprof)); then
		sample_window "$drv" "tb-$round-$test-$drv"
		((W_TB)) && snapname=tb-$round-$test-$drv
	else
		sample_window "$drv"
	fi
	kill -0 "$pid" 2>/dev/null && steady=1
	wait "$pid" || die "fio failed: $drv $test (count round $round)"
	marker "$drv" $((0x1000 + phase * 16 + 4))
	snap "$drv"
	W1=("${SNAP[@]}")
	record mode=count round="$round" phase="$phase" test="$test" driver="$drv" \
	       fio="${f#"$out"/}" pci="${PCI[$drv]}" bs="$bsb" steady="$steady" \
	       irqs=$((W1[1] - W0[1])) sectors=$((W1[2] - W0[2])) phase_us=$((W1[3] - W0[3])) \
	       busy_ns="$W_BUSY" window_ns="$W_CLOCK" wsectors="$W_SECTORS" wirqs="$W_IRQS" \
	       snap="$snapname"
}

# tb_snap NAME - ask bench/tbprof.so (the QEMU plugin counting guest
# instructions per translation block) for a snapshot of its counters in
# $out/NAME, and wait until it is there
tb_snap()
{
	local i
	# no mv (a fork and exec inside the measured stretch): the plugin
	# takes the request only once its line is complete
	echo "$1" >"$out/tbprof-req"
	for ((i = 0; i < 6000; i++)); do
		[[ -e $out/$1 ]] && return 0
		snooze 0.01
	done
	log "no tbprof snapshot $1 after 60 s (is the plugin loaded?)"
	return 1
}

# run_profile ROUND TEST RW BS QD DRIVER - like run_count, with the sample
# window bracketed by two snapshots of the plugin's per-block instruction
# counts (profile.py subtracts them and maps the addresses to symbols with
# the guest's /proc/kallsyms).  Exact instruction counts, interrupts off or
# not, which in-guest perf cannot give in a TCG guest (no PMU: its
# cpu-clock samples land where interrupts come back on).
run_profile()
{
	local round=$1 test=$2 rw=$3 bs=$4 qd=$5 drv=$6 dev pid steady=0 name
	dev=${DEV[$drv]}
	name=tb-r$round-$test-$drv
	fio --name="$test" --filename="/dev/$dev" --direct=1 --ioengine=libaio \
	    --rw="$rw" --bs="$bs" --iodepth="$qd" --iomem="${MEM[$bs]}" --time_based \
	    --runtime="$count_runtime" --norandommap --randrepeat=0 --output=/dev/null &
	pid=$!
	wait_io_start "$dev" "$pid"
	snooze "$count_ramp"
	sample_window "$drv" "$name"
	((W_TB)) || return 0
	kill -0 "$pid" 2>/dev/null && steady=1
	wait "$pid" || die "fio failed: $drv $test (profile round $round)"
	record mode=profile round="$round" test="$test" driver="$drv" \
	       bs="$(numfmt --from=iec "${bs^^}")" steady="$steady" snap="$name" \
	       wsectors="$W_SECTORS" wirqs="$W_IRQS" busy_ns="$W_BUSY" window_ns="$W_CLOCK"
}

# idle_baseline ROUND - busy time of an idle window of the same length
# (sampler, timers, kernel threads): the floor under every busy_ns figure
idle_baseline()
{
	local b0 c0
	busy_ns
	b0=$BUSY_NS c0=$CLOCK_NS
	snooze "$count_window"
	busy_ns
	record mode=idle round="$1" busy_ns=$((BUSY_NS - b0)) window_ns=$((CLOCK_NS - c0))
}

# ----------------------------------------------------------------- runs

# timed: the steady-state sample ends 1 s before fio would (margin for the
# sampler being late on a loaded host)
steady_s=$(awk -v r="$runtime" 'BEGIN { print (r > 2 ? r - 1 : r * 0.5) }')
# count: fio runs ramp + window + 1 s (guest time)
count_runtime=$(awk -v a="$count_ramp" -v w="$count_window" 'BEGIN { print a + w + 1 }')
start=$SECONDS
case $mode in
timed)
	for ((round = 1; round <= rounds; round++)); do
		for ((ti = 0; ti < ${#TESTS[@]}; ti++)); do
			read -r name rw bs qd <<<"${TESTS[ti]}"
			for ((k = 0; k < ${#DRIVERS[@]}; k++)); do
				# rotate the start driver each round and each test
				drv=${DRIVERS[(k + round + ti) % ${#DRIVERS[@]}]}
				run_timed "$round" "$name" "$rw" "$bs" "$qd" "$drv"
			done
		done
		log "round $round done after $((SECONDS - start)) s"
	done
	;;
count)
	if ((tbprof)); then
		# the plugin's addresses -> symbols, for the idle-free count
		echo 0 >/proc/sys/kernel/kptr_restrict
		cat /proc/kallsyms >"$out/kallsyms" || die "cannot read /proc/kallsyms"
	fi
	# warm up: fio's first start loads it over 9p, page faults, ...
	for drv in "${DRIVERS[@]}"; do
		fio --name=warmup --filename="/dev/${DEV[$drv]}" --direct=1 --ioengine=libaio \
		    --rw=randread --bs=4k --iodepth=8 --io_size=1m --output=/dev/null ||
			die "fio warm-up failed on $drv"
	done
	phase=0
	for ((round = 1; round <= count_rounds; round++)); do
		idle_baseline "$round"
		for ((ti = 0; ti < ${#TESTS[@]}; ti++)); do
			read -r name rw bs qd <<<"${TESTS[ti]}"
			for ((k = 0; k < ${#DRIVERS[@]}; k++)); do
				drv=${DRIVERS[(k + round + ti) % ${#DRIVERS[@]}]}
				phase=$((phase + 1))
				run_count "$round" "$name" "$rw" "$bs" "$qd" "$drv" "$phase"
			done
			log "count round $round: $name done after $((SECONDS - start)) s"
		done
	done
	;;
profile)
	# the plugin's addresses -> symbols (module symbols included)
	echo 0 >/proc/sys/kernel/kptr_restrict
	cat /proc/kallsyms >"$out/kallsyms" || die "cannot read /proc/kallsyms"
	for drv in "${DRIVERS[@]}"; do
		fio --name=warmup --filename="/dev/${DEV[$drv]}" --direct=1 --ioengine=libaio \
		    --rw=randread --bs=4k --iodepth=8 --io_size=1m --output=/dev/null ||
			die "fio warm-up failed on $drv"
	done
	for ((round = 1; round <= count_rounds; round++)); do
		for ((ti = 0; ti < ${#TESTS[@]}; ti++)); do
			read -r name rw bs qd <<<"${TESTS[ti]}"
			for drv in "${DRIVERS[@]}"; do
				run_profile "$round" "$name" "$rw" "$bs" "$qd" "$drv"
			done
			log "profile round $round: $name done after $((SECONDS - start)) s"
		done
	done
	;;
*)
	die "unknown BENCH_MODE $mode"
	;;
esac
rm -f "$snooze_fifo"
log "done"
exit 0
