#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dry.sh - `make bench` without a VM: the check.sh entry "bench-dry".
#
# Checks that the bench's scripts parse (bash -n), that the profile
# plugin compiles (when a QEMU source tree with qemu-plugin.h is cached),
# and that report.py and profile.py compute the right figures from small
# synthetic run directories written here: the floor table's IOMMU cost and
# own share, and the profile's per-component instructions per I/O.  No
# timing is measured or asserted.  Host only; no QEMU run.
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
for f in report.py profile.py; do
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

# count_dir DIR IOMMU - a count pass with 2 rounds, 4k QD32: per 4096 I/Os
# in the window the floor costs 10000 instructions per I/O, mptmq 12000
# (+3000 with the IOMMU), mptsas 13000 (+3000), virtio-scsi 14000 (+4000)
count_dir()
{
	local d=$1 io=$2 r drv k add
	mkdir -p "$d/fio"
	: >"$d/records.jsonl"
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
			# round 2 is 1 % more expensive: min = round 1
			((r == 2)) && k=$((k * 101 / 100))
			echo "{\"mode\":\"count\",\"round\":$r,\"phase\":1,\"test\":\"rand4k-qd32\",\"driver\":\"$drv\",\"fio\":\"fio/none.json\",\"pci\":\"x\",\"bs\":4096,\"steady\":1,\"irqs\":4000,\"sectors\":65536,\"phase_us\":2000000,\"busy_ns\":$((k * 4096)),\"window_ns\":$((k * 4096 + 1000)),\"wsectors\":32768,\"wirqs\":2000}" \
				>>"$d/records.jsonl"
		done
	done
}

count_dir "$tmp/con" on
count_dir "$tmp/coff" off
check "report.py runs on a synthetic count pass (IOMMU on and off)" \
	python3 "$BENCH_DIR/report.py" --kver dry --out "$tmp/rep" --count "$tmp/con" \
	--count-iommu on --count "$tmp/coff" --count-iommu off --commit dry
txt=$tmp/rep/bench-dry.txt
# mptmq: on 15.00, off 12.00, IOMMU cost +3.00, own 2.00 = 67 % of mptsas's 3.00
check "report: mptmq IOMMU cost +3.00, own 2.00, 67% of mptsas" \
	has "$txt" '^  rand4k-qd32  mptmq +15\.00 \[1\.0%\] +12\.00 \[1\.0%\] +\+3\.00 +2\.00 +67%'
check "report: mptsas own 3.00 = 100%" \
	has "$txt" '^ +mptsas +16\.00 \[1\.0%\] +13\.00 \[1\.0%\] +\+3\.00 +3\.00 +100%'
check "report: the floor has no own share" \
	has "$txt" '^ +scsi_debug +10\.00 \[1\.0%\] +10\.00 \[1\.0%\] +\+0\.00 +- +-'

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

echo "bench-dry: $n checks, $([[ $fail == 0 ]] && echo passed || echo FAILED)"
exit $fail
