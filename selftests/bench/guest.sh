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
#                  count: one fixed-size run per test and driver, each LSI
#                  run bracketed by reads of the HBA's diag BAR (BAR2) so the
#                  host can cut QEMU's mptsas_mmio_* trace into phases.
#   BENCH_ROUNDS, BENCH_RUNTIME, BENCH_RAMP   (timed mode)
#   BENCH_COUNT_SCALE   multiplies the fixed I/O counts of the count mode
#   BENCH_MSI      1|0: MSI for both LSI drivers (mptmq msi=, mptbase
#                  mpt_msi_enable_sas=)
#   BENCH_SWAP     1: bind mptmq to the second LSI function instead of the first
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
scale=${BENCH_COUNT_SCALE:-1}
msi=${BENCH_MSI:-1}

DRIVERS=(mptmq mptsas virtio_scsi)
# name rw bs iodepth count-mode-I/Os
TESTS=(
	"rand4k-qd1 randread 4k 1 2000"
	"rand4k-qd32 randread 4k 32 20000"
	"seq64k-qd8 read 64k 8 4000"
	"seq1m-qd8 read 1m 8 500"
)

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

modprobe -a scsi_mod sd_mod || die "modprobe sd_mod"
modprobe mptbase mpt_msi_enable_sas="$msi" || die "modprobe mptbase"
modprobe mptsas || die "modprobe mptsas"
[[ -r ${MPTMQ_KO:-} ]] || die "MPTMQ_KO='${MPTMQ_KO:-}' not readable"
IFS=, read -ra deps <<<"$(modinfo -F depends "$MPTMQ_KO")"
((${#deps[@]} == 0)) || modprobe -a "${deps[@]}" || die "modprobe ${deps[*]}"
insmod "$MPTMQ_KO" msi="$msi" || die "insmod $MPTMQ_KO"
modprobe virtio_scsi || die "modprobe virtio_scsi"

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
	if [[ -d /sys/bus/pci/devices/${PCI[$drv]}/msi_irqs ]] &&
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

# ------------------------------------------------------------- sampling

# snap DRIVER - print "busy_jiffies irq_count sectors_read"; sectors, not
# requests: the block layer splits large I/Os by max_sectors_kb, which
# differs between the drivers, so report.py counts fio-sized I/Os as
# sectors * 512 / bs.
snap()
{
	local drv=$1 cpu u n s idle iow irq sirq steal rest r m
	read -r cpu u n s idle iow irq sirq steal rest </proc/stat
	read -r _ m r rest <"/sys/block/${DEV[$drv]}/stat"
	echo "$((u + n + s + irq + sirq + steal)) $(awk -v L=" ${IRQS[$drv]} " '
		{ k = $1; sub(":", "", k) }
		index(L, " " k " ") {
			for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) t += $i
		}
		END { print t + 0 }' /proc/interrupts) $r"
}


# busy_ns - guest clock minus idle (+iowait) sleep time summed over CPUs, in
# ns, from /proc/timer_list (exact, unlike /proc/stat's 10 ms ticks).  For
# the 1-vCPU count pass: under icount that is guest instructions executed.
busy_ns()
{
	awk '
		/^now at / { now = $3 }
		/^cpu: / { ncpu++ }
		/\.idle_sleeptime|\.iowait_sleeptime/ { idle += $(NF - 1) }
		END { printf "%.0f\n", now * ncpu - idle }' /proc/timer_list
}

# marker DRIVER CODE - one 32-bit read of the HBA's diag BAR at CODE; QEMU
# traces it as mptsas_diag_read with the device's pointer and the offset.
marker()
{
	local drv=$1 code=$2 start
	[[ $drv == virtio_scsi ]] && return 0
	read -r start _ < <(sed -n 3p "/sys/bus/pci/devices/${PCI[$drv]}/resource")
	busybox devmem "$((start + code))" 32 >/dev/null ||
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
# CPU, interrupts and completions are sampled twice: around the whole fio
# process (w*), and inside its steady state (from I/O start + ramp for
# RUNTIME - 0.5 s; s*).  The steady-state sample counts only if fio was
# still running when it ended (steady=1); report.py falls back to w*.
run_timed()
{
	local round=$1 test=$2 rw=$3 bs=$4 qd=$5 drv=$6 dev f pid r0 r i w0 w1 a b t0 t1 steady=0
	dev=${DEV[$drv]}
	f=$out/fio/r$round-$test-$drv.json
	read -r r0 _ <"/sys/block/$dev/stat"
	w0=$(snap "$drv")
	fio --name="$test" --filename="/dev/$dev" --direct=1 --ioengine=libaio \
	    --rw="$rw" --bs="$bs" --iodepth="$qd" --time_based \
	    --runtime="$runtime" --ramp_time="$ramp" --norandommap \
	    --randrepeat=0 --output-format=json --output="$f" &
	pid=$!
	for ((i = 0; i < 1200; i++)); do
		read -r r _ <"/sys/block/$dev/stat"
		[[ $r != "$r0" ]] && break
		kill -0 "$pid" 2>/dev/null || break
		snooze 0.05
	done
	snooze "$ramp"
	t0=$EPOCHREALTIME
	a=$(snap "$drv")
	snooze "$steady_s"
	b=$(snap "$drv")
	t1=$EPOCHREALTIME
	kill -0 "$pid" 2>/dev/null && steady=1
	wait "$pid" || die "fio failed: $drv $test round $round"
	w1=$(snap "$drv")
	set -- $a $b $w0 $w1
	record mode=timed round="$round" test="$test" driver="$drv" fio="${f#"$out"/}" \
	       bs="$(numfmt --from=iec "${bs^^}")" \
	       steady="$steady" jiffies=$(($4 - $1)) irqs=$(($5 - $2)) sectors=$(($6 - $3)) \
	       window_s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
	       wjiffies=$(($10 - $7)) wirqs=$(($11 - $8)) wsectors=$(($12 - $9))
}

# run_count TEST RW BS QD IOS DRIVER PHASE
# A short run of IOS/10 I/Os first (fixed costs: fio start-up, queue fill,
# teardown), then the measured run of IOS I/Os; report.py takes the
# difference of their busy time over the difference of their I/Os.
run_count()
{
	local test=$1 rw=$2 bs=$3 qd=$4 ios=$5 drv=$6 phase=$7 dev f a b bsb n0 p0 p1 q0 q1
	dev=${DEV[$drv]}
	f=$out/fio/count-$test-$drv.json
	bsb=$(numfmt --from=iec "${bs^^}")
	n0=$((ios / 10))
	p0=$(busy_ns)
	fio --name="$test-base" --filename="/dev/$dev" --direct=1 --ioengine=libaio \
	    --rw="$rw" --bs="$bs" --iodepth="$qd" --io_size=$((n0 * bsb)) \
	    --norandommap --randrepeat=0 --output-format=json \
	    --output="${f%.json}-base.json" || die "fio failed: $drv $test (count base)"
	p1=$(busy_ns)
	a=$(snap "$drv")
	marker "$drv" $((0x1000 + phase * 16))
	q0=$(busy_ns)
	fio --name="$test" --filename="/dev/$dev" --direct=1 --ioengine=libaio \
	    --rw="$rw" --bs="$bs" --iodepth="$qd" --io_size=$((ios * bsb)) \
	    --norandommap --randrepeat=0 --output-format=json --output="$f" ||
		die "fio failed: $drv $test (count)"
	q1=$(busy_ns)
	marker "$drv" $((0x1000 + phase * 16 + 4))
	b=$(snap "$drv")
	set -- $a $b
	record mode=count phase="$phase" test="$test" driver="$drv" fio="${f#"$out"/}" \
	       pci="${PCI[$drv]}" bs="$bsb" jiffies=$(($4 - $1)) irqs=$(($5 - $2)) sectors=$(($6 - $3)) \
	       base_ios="$n0" base_busy_ns=$((p1 - p0)) busy_ns=$((q1 - q0))
}

# ----------------------------------------------------------------- runs

steady_s=$(awk -v r="$runtime" 'BEGIN { print (r > 2 ? r - 0.5 : r * 0.75) }')
start=$SECONDS
case $mode in
timed)
	for ((round = 1; round <= rounds; round++)); do
		for ((ti = 0; ti < ${#TESTS[@]}; ti++)); do
			read -r name rw bs qd _ <<<"${TESTS[ti]}"
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
	# warm up: fio's first start loads it over 9p, page faults, ...
	for drv in "${DRIVERS[@]}"; do
		fio --name=warmup --filename="/dev/${DEV[$drv]}" --direct=1 --ioengine=libaio \
		    --rw=randread --bs=4k --iodepth=8 --io_size=1m --output=/dev/null ||
			die "fio warm-up failed on $drv"
	done
	phase=0
	for t in "${TESTS[@]}"; do
		read -r name rw bs qd ios <<<"$t"
		ios=$(awk -v n="$ios" -v s="$scale" 'BEGIN { printf "%d", n * s }')
		for drv in "${DRIVERS[@]}"; do
			phase=$((phase + 1))
			run_count "$name" "$rw" "$bs" "$qd" "$ios" "$drv" "$phase"
		done
		log "$name done after $((SECONDS - start)) s"
	done
	;;
*)
	die "unknown BENCH_MODE $mode"
	;;
esac
rm -f "$snooze_fifo"
log "done"
exit 0
