#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# profile.sh - where the instructions of one I/O go: `make bench`'s profile
# pass alone.  Per kernel, one icount VM (as the count pass: 1 vCPU,
# -icount shift=0) runs fio 4k random read QD32 on mptmq, mptsas,
# virtio-scsi and the scsi_debug floor, with the QEMU plugin tbprof.so
# counting guest instructions per translation block between two snapshots
# inside each sample window; profile.py charges them to kallsyms symbols
# and sorts them into components (driver symbols, DMA/IOMMU, interrupt entry/exit
# and APIC, softirq and blk-mq completion, SCSI midlayer, block layer,
# fio/syscalls) and prints kinstr/IO and share per driver, plus the top
# symbols, to out/bench/profile-<kver>.txt.  See README.md.
#
# Knobs: those of bench.sh; here MPTMQ_BENCH_KERNELS (default "6.1 6.12 sid"),
# MPTMQ_BENCH_IOMMU (default on: the DMA/IOMMU line shows the strict
# mapping), MPTMQ_BENCH_TESTS (default rand4k-qd32), MPTMQ_BENCH_COUNT_ROUNDS
# (default 2).  Reports only; the exit status says whether the passes ran.

export MPTMQ_BENCH_TIMED=0 MPTMQ_BENCH_COUNT=0 MPTMQ_BENCH_PROFILE=1
export MPTMQ_BENCH_IOMMU=${MPTMQ_BENCH_IOMMU:-on}
export MPTMQ_BENCH_TESTS=${MPTMQ_BENCH_TESTS:-rand4k-qd32}
export MPTMQ_BENCH_COUNT_ROUNDS=${MPTMQ_BENCH_COUNT_ROUNDS:-2}
exec bash "$(dirname "${BASH_SOURCE[0]}")/bench.sh" "$@"
