#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""profile.py - the profile pass's perf reports, sorted into components.

Input: a profile-pass run directory (guest.sh BENCH_MODE=profile):
records.jsonl (mode=profile: I/Os in the perf window, sample period) and
perf/rROUND-TEST-DRIVER.txt (`perf report --sort comm,dso,sym -n -t '|'`).
Under icount one cpu-clock sample stands for PERIOD guest instructions, so
samples * PERIOD / I/Os in the window is instructions per I/O; the samples
are sorted by symbol into the components below (first match wins) and
printed per driver as kinstr/IO and as a share of the busy samples.

Writes OUT/profile-KVER.txt (also printed) and OUT/profile-KVER.json.
Usage: profile.py [--kver K] [--out DIR] [--top N] RUNDIR
"""

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict

DRIVERS = ["mptmq", "mptsas", "virtio_scsi", "scsi_debug"]
# modules that are the driver under test (perf names a module's dso [name])
DRIVER_DSOS = {
    "mptmq": {"[mptmq]"},
    "mptsas": {"[mptsas]", "[mptscsih]", "[mptbase]"},
    "virtio_scsi": {"[virtio_scsi]", "[virtio_ring]", "[virtio_pci]", "[virtio]",
                    "[virtio_pci_modern_dev]", "[virtio_pci_legacy_dev]"},
    "scsi_debug": {"[scsi_debug]"},
}
IDLE = re.compile(r"^(default_idle|default_idle_call|arch_cpu_idle|do_idle|cpu_idle_poll|"
                  r"native_safe_halt|pv_native_safe_halt|cpuidle_.*|mwait_idle.*|poll_idle|"
                  r"intel_idle.*|acpi_idle.*|cpu_startup_entry|tick_nohz_idle_.*|"
                  r"__cpuidle_text_start|acpi_safe_halt|safe_halt)$")
# (component, regex on the symbol); first match wins, after the driver dsos
COMPONENTS = [
    ("DMA/IOMMU", re.compile(
        r"iommu|^intel_|dmar|^qi_|iova|^dma_|^__dma|_dma_map|_dma_unmap|swiotlb|^domain_|"
        r"^__domain|^pfn_to_dma|^first_pte|^pte_|^clflush|^iotlb|^flush_iotlb|^__iotlb|"
        r"^scsi_dma_|^__sg_|^sg_next$|^sg_init|^__blk_rq_map_sg|^blk_rq_map_sg|"
        r"^__blk_bios_map_sg|^__blk_bvec_map_sg|^blk_next_sg|^blk_dma")),
    ("interrupt entry/exit, APIC", re.compile(
        r"^asm_|^common_interrupt|^__common_interrupt|^irq_|^__irq|^handle_edge_irq|"
        r"^handle_irq|^__handle_irq|^handle_fasteoi|^handle_level|apic|^sysvec_|^__sysvec|"
        r"^x2apic|msi|^ack_|^note_interrupt|^add_interrupt_randomness|^irqentry_|"
        r"^error_entry|^error_return|^restore_regs|^native_irq_return|^lapic|"
        r"^native_write_msr|^native_read_msr|^__x2apic|^vector_|^do_IRQ|^handle_bad_irq|"
        r"^irqd_|^irq_chip|^kvm_guest_apic|^native_restore_fl|^native_save_fl|"
        r"^__sysvec_apic_timer_interrupt")),
    ("softirq, blk-mq completion", re.compile(
        r"softirq|^blk_mq_complete|^blk_mq_end_request|^__blk_mq_end_request|^blk_complete|"
        r"^blk_done|^blk_update_request|^blk_mq_free_request|^__blk_mq_free_request|"
        r"^blk_account_io_done|^__blk_account_io_done|^blk_mq_put_tag|^sbitmap_queue_clear|"
        r"^__sbitmap_queue_wake|^sbitmap_queue_wake|^bio_endio|^blkdev_bio_end_io|"
        r"^aio_complete|^aio_complete_rw|^aio_.*_complete|^blk_stat_|^blk_mq_sched_restart|"
        r"^__wake_up|^wake_up|^try_to_wake_up|^ttwu|^__rq_qos_done|^blk_mq_put_driver_tag|"
        r"^blk_mq_dec_active|^refill_reqs|^blk_mq_req_done|^__bio_release_pages|"
        r"^bio_release_pages|^bio_put|^bio_free|^put_page|^unpin_user|^folio_put|"
        r"^blkdev_bio_end_io_async|^blk_mq_complete_request_remote")),
    ("SCSI midlayer (scsi_mod, sd)", re.compile(r"^scsi_|^__scsi|^sd_|^sd_mod|^scsi")),
    ("block layer (submission)", re.compile(
        r"^blk|^__blk|^bio|^__bio|^submit_bio|^__submit_bio|^bdev|^blkdev|^__blkdev|"
        r"^disk_|^part_|^sbitmap|^__sbitmap|^elv|^dd_|^kyber|^bvec|^bio_iov|^__bio_iov|"
        r"^iov_iter|^__iov_iter|^get_user_pages|^pin_user_pages|^__get_user_pages|"
        r"^gup_|^internal_get_user|^lockless_pages|^try_grab|^__gup|^follow_page|"
        r"^should_fail_bio|^update_io_ticks|^ktime_get$|^queue_")),
    ("fio, syscalls, aio", re.compile(
        r"^entry_SYSCALL|^do_syscall|syscall|^__x64_sys|^__x86_sys|^__ia32|^io_submit|"
        r"^aio|^io_getevents|^do_io_getevents|^read_events|^fget|^fput|^__fget|^__fput|"
        r"^ksys_|^lookup_ioctx|^kiocb|^rw_verify|^security_|^fsnotify|^__fsnotify|"
        r"^exit_to_user|^syscall_exit|^_copy_|^copy_user|^__get_user|^__put_user|"
        r"^clear_user|^rep_movs|^__check_object_size|^check_stack_object|^__virt_addr_valid|"
        r"^__x86_indirect_thunk|^__x86_return_thunk|^file_|^io_|^ioctx|^__do_sys|"
        r"^user_|^__rcu_read|^rcu_read|^timespec64|^get_timespec|^put_timespec")),
]
USER = "fio, syscalls, aio"
OTHER = "other kernel (sched, timers, slab)"
ORDER = ["driver symbols"] + [c for c, _ in COMPONENTS] + [OTHER]


def classify(comm, dso, sym, drv):
    """component of one perf row, or None for idle and the profiler"""
    if comm.startswith("perf"):
        return None
    if sym.startswith("[.] ") or not dso.startswith("[") or dso == "[vdso]":
        return USER
    s = sym[4:] if sym.startswith("[k] ") else sym
    if IDLE.match(s):
        return None
    if dso in DRIVER_DSOS.get(drv, ()):
        return "driver symbols"
    for name, rx in COMPONENTS:
        if rx.search(s):
            return name
    return OTHER


def parse_report(path):
    """[(samples, comm, dso, sym)] of a `perf report -n -t '|'`"""
    rows = []
    with open(path, errors="replace") as fh:
        for line in fh:
            if line.startswith("#") or "|" not in line:
                continue
            p = [x.strip() for x in line.rstrip("\n").split("|")]
            if len(p) < 5 or not p[1].isdigit():
                continue
            rows.append((int(p[1]), p[2], p[3], "|".join(p[4:])))
    return rows


def analyse(rundir):
    recs = [json.loads(x) for x in open(os.path.join(rundir, "records.jsonl")) if x.strip()]
    recs = [r for r in recs if r.get("mode") == "profile"]
    out = {}
    for r in recs:
        path = os.path.join(rundir, r["report"])
        # fio must have outlived the window, or idle time is in the samples
        if not os.path.exists(path) or r.get("steady") != 1:
            continue
        ios = r["wsectors"] * 512 / r["bs"]
        comp = defaultdict(int)
        syms = defaultdict(int)
        total = idle = prof = 0
        for n, comm, dso, sym in parse_report(path):
            total += n
            c = classify(comm, dso, sym, r["driver"])
            if c is None:
                if comm.startswith("perf"):
                    prof += n
                else:
                    idle += n
                continue
            comp[c] += n
            syms[(c, dso, sym)] += n
        key = (r["test"], r["driver"])
        out.setdefault(key, []).append({
            "round": r["round"], "ios": ios, "period": r["period"], "comp": dict(comp),
            "syms": syms, "samples": total, "idle": idle, "profiler": prof,
            "busy_ns": r["busy_ns"], "irqs": r.get("wirqs", 0)})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rundir")
    ap.add_argument("--kver", default="?")
    ap.add_argument("--iommu", default="?")
    ap.add_argument("--commit", default="?")
    ap.add_argument("--out")
    ap.add_argument("--top", type=int, default=12)
    a = ap.parse_args()
    res = analyse(a.rundir)
    L = [f"mptmq bench profile - kernel {a.kver} - {time.strftime('%Y-%m-%d %H:%M:%S')} - "
         f"tree {a.commit} - strict IOMMU {a.iommu}",
         "In-guest `perf record -a -e cpu-clock` under icount (1 sample = PERIOD guest "
         "instructions), enabled only for",
         "the sample window; kinstr/IO = samples * PERIOD / I/Os in the window, summed over "
         "rounds; % = share of the",
         "busy samples (idle and the perf process left out; the sampling interrupt itself is "
         "not sampled, so 'busy'",
         "is a little below the count pass).  Components by symbol (profile.py: driver "
         "modules, then first regex match)."]
    data = {}
    tests = sorted({t for t, _ in res})
    for t in tests:
        drvs = [d for d in DRIVERS if (t, d) in res]
        L.append("")
        L.append(f"  {t}: kinstr/IO (share)")
        hdr = f"  {'component':<30}" + "".join(f"{d:>20}" for d in drvs)
        L.append(hdr)
        L.append("  " + "-" * (len(hdr) - 2))
        tot = {}
        per = {}
        for d in drvs:
            rs = res[(t, d)]
            ios = sum(x["ios"] for x in rs)
            comp = defaultdict(int)
            for x in rs:
                for c, n in x["comp"].items():
                    comp[c] += n * x["period"]
            busy = sum(comp.values())
            per[d] = {c: (comp[c] / ios / 1e3 if ios else None,
                          comp[c] / busy if busy else None) for c in ORDER}
            tot[d] = (busy / ios / 1e3 if ios else None, sum(x["samples"] for x in rs),
                      sum(x["irqs"] for x in rs) / ios if ios else None)
            data[f"{t}/{d}"] = {"components": per[d], "kinstr_per_io": tot[d][0],
                                "samples": tot[d][1], "irq_per_io": tot[d][2],
                                "ios": ios, "rounds": len(rs)}
        for c in ORDER:
            cells = []
            for d in drvs:
                k, s = per[d][c]
                cells.append("-" if k is None else f"{k:6.2f} ({s * 100:4.1f}%)")
            L.append(f"  {c:<30}" + "".join(f"{x:>20}" for x in cells))
        L.append("  " + "-" * (len(hdr) - 2))
        L.append(f"  {'total busy':<30}" + "".join(
            f"{(f'{tot[d][0]:6.2f}' if tot[d][0] else '-'):>20}" for d in drvs))
        L.append(f"  {'samples (all)':<30}" + "".join(f"{tot[d][1]:>20}" for d in drvs))
        L.append(f"  {'IRQ/IO':<30}" + "".join(
            f"{(f'{tot[d][2]:.2f}' if tot[d][2] is not None else '-'):>20}" for d in drvs))
        for d in drvs:
            syms = defaultdict(int)
            ios = sum(x["ios"] for x in res[(t, d)])
            for x in res[(t, d)]:
                for k, n in x["syms"].items():
                    syms[k] += n * x["period"]
            L.append("")
            L.append(f"  {t} {d}: top symbols, instructions/IO (component)")
            for (c, dso, sym), n in sorted(syms.items(), key=lambda kv: -kv[1])[:a.top]:
                L.append(f"    {n / ios:8.0f}  {sym:<48} {dso:<18} {c}")
            data[f"{t}/{d}"]["top"] = [
                {"sym": s_, "dso": o, "component": c, "instr_per_io": n / ios}
                for (c, o, s_), n in sorted(syms.items(), key=lambda kv: -kv[1])[:60]]
    text = "\n".join(L) + "\n"
    sys.stdout.write(text)
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, f"profile-{a.kver}.txt"), "w") as fh:
            fh.write(text)
        with open(os.path.join(a.out, f"profile-{a.kver}.json"), "w") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
