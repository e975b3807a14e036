#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dry.sh - `make bench` without a VM: the check.sh entry "bench-dry".
#
# Checks that the bench's scripts parse (bash -n), that the profile
# plugin compiles (when a QEMU source tree with qemu-plugin.h is cached),
# and that report.py and profile.py compute the right figures from small
# synthetic run directories written here: the floor table's IOMMU cost and
# own share, and the profile's per-component instructions per I/O; that
# tbcount.py sorts the newest kernel's idle and sleep/wakeup functions
# into those paths; that bench.sh asked for the sid lane without an
# unstable root fails clearly.  No timing is measured or asserted.  Host only; no QEMU run.
#
#   bash selftests/bench/dry.sh        (prints "ok N" / "not ok N", exit 0
#                                       only if every check passed)

set -u
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-dry.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0

check()
{
	local what=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out.$n" 2>&1; then
		echo "ok $n $what"
	else
		echo "not ok $n $what"
		sed 's/^/    /' "$tmp/out.$n" | tail -n 20
		fail=1
	fi
}

# has FILE REGEX - FILE has a line matching REGEX (shown when not)
has()
{
	grep -Eq -- "$2" "$1" || { echo "no line matching '$2' in:"; cat "$1"; return 1; }
}

for f in bench.sh guest.sh profile.sh dry.sh; do
	check "bash -n $f" bash -n "$BENCH_DIR/$f"
done
for f in report.py profile.py tbcount.py; do
	# compile() only: py_compile would leave __pycache__ in the tree
	check "python3 parses $f" python3 -c \
		'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")' "$BENCH_DIR/$f"
done

h=$(ls -d "${MPTMQ_CACHE:-/var/cache/mptmq}"/qemu-src-*/include/qemu/qemu-plugin.h 2>/dev/null |
	sort -V | tail -n1)
if [[ -n $h ]]; then
	check "tbprof.c compiles against ${h%/include/*}" \
		cc -O2 -Wall -Werror -shared -fPIC -pthread -I"${h%/*}" \
		"$BENCH_DIR/tbprof.c" -o "$tmp/tbprof.so"
else
	echo "ok $((++n)) # SKIP tbprof.c: no cached QEMU source (make qemu)"
fi

# tb_snaps DIR NAME K ROUND - tbprof.so snapshots of one window with 1000
# I/Os (1000 runs of the block at aio_complete_rw, 4 instructions) costing
# K idle-free instructions each (blk_mq_end_request: 1000 per I/O, the rest
# user space); in round 2 the vCPU also idled: do_idle 20 and __schedule 40
# instructions per I/O, which the idle-free count must leave out
tb_snaps()
{
	local d=$1 name=$2 k=$3 r=$4 idle=0 sw=0
	((r == 2)) && idle=2000 sw=400
	printf '%s\n' 'ffffffff81200000 4 7' 'ffffffff81100000 1000 7' 'user 100' \
		>"$d/$name.start"
	printf '%s\n' 'ffffffff81200000 4 1007' 'ffffffff81100000 1000 1007' \
		"ffffffff81100810 10 $idle" "ffffffff81300010 100 $sw" \
		"user $((100 + (k - 1004) * 1000))" >"$d/$name.end"
}

# count_dir DIR IOMMU [tb] - a count pass with 2 rounds, 4k QD32: per 4096
# I/Os in the window the floor costs 10000 instructions per I/O, mptmq 12000
# (+3000 with the IOMMU), mptsas 13000 (+3000), virtio-scsi 14000 (+4000).
# With "tb", tbprof.so snapshots too (tb_snaps): round 2's busy time is
# then 1 % higher, its idle-free count is not.
count_dir()
{
	local d=$1 io=$2 tb=${3:-} r drv k add snap
	mkdir -p "$d/fio"
	: >"$d/records.jsonl"
	[[ -n $tb ]] && cat >"$d/kallsyms" <<'EOF2'
ffffffff81000000 T _stext
ffffffff81100000 T blk_mq_end_request
ffffffff81100800 t do_idle
ffffffff81200000 t aio_complete_rw
ffffffff81300000 T __schedule
EOF2
	for r in 1 2; do
		echo "{\"mode\":\"idle\",\"round\":$r,\"busy_ns\":1000,\"window_ns\":1000000000}" \
			>>"$d/records.jsonl"
		for drv in mptmq mptsas virtio_scsi scsi_debug; do
			case $drv in
			mptmq) k=12000 add=3000 ;;
			mptsas) k=13000 add=3000 ;;
			virtio_scsi) k=14000 add=4000 ;;
			scsi_debug) k=10000 add=0 ;;
			esac
			[[ $io == on ]] && k=$((k + add))
			snap=""
			if [[ -n $tb ]]; then
				snap=tb-$r-$drv
				tb_snaps "$d" "$snap" "$k" "$r"
			fi
			# round 2 is 1 % more expensive: min = round 1
			((r == 2)) && k=$((k * 101 / 100))
			echo "{\"mode\":\"count\",\"round\":$r,\"phase\":1,\"test\":\"rand4k-qd32\",\"driver\":\"$drv\",\"fio\":\"fio/none.json\",\"pci\":\"x\",\"bs\":4096,\"steady\":1,\"irqs\":4000,\"sectors\":65536,\"phase_us\":2000000,\"busy_ns\":$((k * 4096)),\"window_ns\":$((k * 4096 + 1000)),\"wsectors\":32768,\"wirqs\":2000,\"snap\":\"$snap\"}" \
				>>"$d/records.jsonl"
		done
	done
}

# count_report NAME [tb] - synthetic count passes NAME-on and NAME-off
# (count_dir), report.py on both; txt = its table
count_report()
{
	count_dir "$tmp/$1-on" on "${2:-}"
	count_dir "$tmp/$1-off" off "${2:-}"
	check "report.py runs on a synthetic count pass (IOMMU on and off${2:+, tbprof snapshots})" \
		python3 "$BENCH_DIR/report.py" --kver "$1" --out "$tmp/rep" \
		--count "$tmp/$1-on" --count-iommu on --count "$tmp/$1-off" --count-iommu off \
		--commit dry
	txt=$tmp/rep/bench-$1.txt
}

count_report dry
# mptmq: on 15.00, off 12.00, IOMMU cost +3.00, own 2.00 = 67 % of mptsas's 3.00
check "report: mptmq IOMMU cost +3.00, own 2.00, 67% of mptsas" \
	has "$txt" '^  rand4k-qd32  mptmq +15\.00 \[1\.0%\] +12\.00 \[1\.0%\] +\+3\.00 +2\.00 +67%'
check "report: mptsas own 3.00 = 100%" \
	has "$txt" '^ +mptsas +16\.00 \[1\.0%\] +13\.00 \[1\.0%\] +\+3\.00 +3\.00 +100%'
check "report: the floor has no own share" \
	has "$txt" '^ +scsi_debug +10\.00 \[1\.0%\] +10\.00 \[1\.0%\] +\+0\.00 +- +-'

# the same with tbprof.so snapshots: the idle-free count is the figure,
# round 2's idle path (60 instructions per I/O) is left out, busy time is
# the 'raw' column
count_report drytb tb
# count table (IOMMU off): mptmq idle-free 12.00 both rounds (spread 0.0 %),
# raw 12.00 (min), idle+switch median (0 + 60) / 2 = 0.03 kinstr/IO,
# vs mptsas 13/12 = 1.083
check "report: idle-free kinstr/IO 12.00 [0.0%], raw 12.00, idle 0.03, vs mptsas 1.083" \
	has "$txt" '^  rand4k-qd32  mptmq +12\.00 +12\.00 +0\.0% +12\.00 +0\.03 +1\.083 '
check "report: floor table from the idle-free count (mptmq own 2.00 = 67%)" \
	has "$txt" '^  rand4k-qd32  mptmq +15\.00 \[0\.0%\] +12\.00 \[0\.0%\] +\+3\.00 +2\.00 +67%'
check "report: the floor stays the floor (10.00 [0.0%])" \
	has "$txt" '^ +scsi_debug +10\.00 \[0\.0%\] +10\.00 \[0\.0%\] +\+0\.00 +- +-'

# a profile pass: 1000 I/Os in the window; mptmq_isr (module mptmq) ran
# 2000 blocks of 100 instructions in it, blk_mq_end_request 1000 of 300,
# intel_iommu_map_pages 500 of 20, user space 5,000,000 instructions
p=$tmp/prof
mkdir -p "$p"
cat >"$p/kallsyms" <<'EOF'
ffffffff81000000 T _stext
ffffffff81100000 T blk_mq_end_request
ffffffff81100400 T intel_iommu_map_pages
ffffffff81100800 t default_idle
ffffffffc0001000 t mptmq_isr	[mptmq]
ffffffffc0001400 t mptmq_queuecommand	[mptmq]
EOF
printf '%s\n' 'ffffffffc0001010 10 100' 'ffffffffc0001050 90 1000' 'ffffffff81100000 300 500' \
	'ffffffff81100410 20 250' 'user 1000000' >"$p/tb-r1-rand4k-qd32-mptmq.start"
printf '%s\n' 'ffffffffc0001010 10 100' 'ffffffffc0001050 90 3000' 'ffffffff81100000 300 1500' \
	'ffffffff81100410 20 750' 'ffffffff81100810 4 0' 'user 6000000' \
	>"$p/tb-r1-rand4k-qd32-mptmq.end"
echo '{"mode":"profile","round":1,"test":"rand4k-qd32","driver":"mptmq","bs":4096,"steady":1,"snap":"tb-r1-rand4k-qd32-mptmq","wsectors":8000,"wirqs":700,"busy_ns":5600000,"window_ns":6000000}' \
	>"$p/records.jsonl"
check "profile.py runs on a synthetic profile pass" \
	python3 "$BENCH_DIR/profile.py" --kver dry --out "$tmp/rep" "$p"
txt=$tmp/rep/profile-dry.txt
# per I/O: driver 180 (2000 x 90 / 1000), completion 300, DMA 10, user 5000
check "profile: driver symbols 0.18 kinstr/IO" has "$txt" '^  driver symbols +0\.18 '
check "profile: blk-mq completion 0.30 kinstr/IO" has "$txt" '^  softirq, blk-mq completion +0\.30 '
check "profile: DMA/IOMMU 0.01 kinstr/IO" has "$txt" '^  DMA/IOMMU +0\.01 '
check "profile: fio/user 5.00 kinstr/IO" has "$txt" '^  fio, syscalls, aio +5\.00 '
check "profile: total 5.49 kinstr/IO" has "$txt" '^  total +5\.49'

# tbcount.py's idle and sleep/wakeup lists on the names the newest kernel
# (Debian unstable, 7.2) uses where 6.1/6.12 had others, and on names that
# must stay the I/O's own
check "tbcount: 7.2's idle and sleep/wakeup functions classified" python3 - "$BENCH_DIR" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import tbcount as t
want = {"kcpustat_dyntick_start": t.IDLE_PATH, "kcpustat_idle_stop.part.0": t.IDLE_PATH,
        "dl_server_update_idle": t.IDLE_PATH, "update_rq_avg_idle": t.IDLE_PATH,
        "ct_kernel_enter.isra.0": t.IDLE_PATH, "do_idle": t.IDLE_PATH,
        "__resched_curr": t.SWITCH_PATH, "hrtimer_setup_sleeper_on_stack": t.SWITCH_PATH,
        "__hrtimer_start_range_ns": t.SWITCH_PATH, "wakeup_preempt_fair": t.SWITCH_PATH,
        "update_cfs_rq_load_avg": t.SWITCH_PATH, "__schedule": t.SWITCH_PATH, "aio_complete_rw": t.BUSY_PATH,
        "blk_mq_end_request": t.BUSY_PATH, "dl_server_update": t.BUSY_PATH}
bad = [(s, t.path_of(s), p) for s, p in want.items() if t.path_of(s) != p]
for b in bad:
    print("%s: %s, want %s" % b)
sys.exit(1 if bad else 0)
EOF

# profile.py's components on the 7.2 names of the IOMMU page-table code and
# the scatterlist iterator (6.1/6.12 have none of them)
check "profile: 7.2's IOMMU page-table functions are DMA/IOMMU" python3 - "$BENCH_DIR" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import profile as p
want = {"__map_range": "DMA/IOMMU", "__unmap_range": "DMA/IOMMU",
        "__map_range_leaf": "DMA/IOMMU", "vtdss_map_range": "DMA/IOMMU",
        "make_range_ul": "DMA/IOMMU", "blk_map_iter_next": "DMA/IOMMU",
        "blk_mq_submit_bio": "block layer (submission)"}
bad = [(s, p.classify("[kernel]", s, "mptmq"), c) for s, c in want.items()
       if p.classify("[kernel]", s, "mptmq") != c]
for b in bad:
    print("%s: %s, want %s" % b)
sys.exit(1 if bad else 0)
EOF

# sid_without_root - bench.sh asked for the newest-kernel lane on a machine
# without an unstable root (an empty cache): it fails with a clear message,
# before any build or VM
sid_without_root()
{
	local rc=0
	MPTMQ_CACHE=$tmp/nocache MPTMQ_OUT=$tmp/out MPTMQ_BENCH_TBPROF=0 \
		MPTMQ_BENCH_KERNELS=sid bash "$BENCH_DIR/bench.sh" >"$tmp/sid.log" 2>&1 || rc=$?
	cat "$tmp/sid.log"
	((rc != 0)) && grep -q 'no Debian-unstable root' "$tmp/sid.log"
}
check "bench.sh: MPTMQ_BENCH_KERNELS=sid without an unstable root fails clearly" sid_without_root

echo "bench-dry: $n checks, $([[ $fail == 0 ]] && echo passed || echo FAILED)"
exit $fail
