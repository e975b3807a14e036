#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""profile.py - the profile pass's instruction counts, sorted into components.

Input: a profile-pass run directory (guest.sh BENCH_MODE=profile):
records.jsonl (mode=profile: the window's I/Os and busy time, the snapshot
name), kallsyms (the guest's /proc/kallsyms) and the snapshots
tb-ROUND-TEST-DRIVER.{start,end} written by the QEMU plugin tbprof.so:
"vaddr insns count" per translation block ever run in the kernel, and one
"user NNN" line (all user-space instructions).  end - start is the
window's guest instructions per block, exact (interrupts off or not); each
block is charged to the kernel symbol it starts in and the symbols are
sorted into the components below (driver modules first, then the first
matching regex), printed per driver as instructions per I/O (window I/Os
counted by the guest) and as a share.

Writes OUT/profile-KVER.txt (also printed) and OUT/profile-KVER.json.
Usage: profile.py [--kver K] [--out DIR] [--top N] RUNDIR
"""

import argparse
import bisect
import json
import os
import re
import sys
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tbcount import BUSY_PATH, IO_SYMBOL, load_kallsyms, load_snap, path_of  # noqa: E402

DRIVERS = ["mptmq", "mptsas", "virtio_scsi", "scsi_debug"]
FLOOR = "scsi_debug"
# modules that are the driver under test (perf names a module's dso [name])
DRIVER_DSOS = {
    "mptmq": {"[mptmq]"},
    "mptsas": {"[mptsas]", "[mptscsih]", "[mptbase]"},
    "virtio_scsi": {"[virtio_scsi]", "[virtio_ring]", "[virtio_pci]", "[virtio]",
                    "[virtio_pci_modern_dev]", "[virtio_pci_legacy_dev]"},
    "scsi_debug": {"[scsi_debug]"},
}
# (component, regex on the symbol); first match wins, after the driver dsos
COMPONENTS = [
    ("DMA/IOMMU", re.compile(
        r"iommu|^intel_|dmar|^qi_|iova|^dma_|^__dma|_dma_map|_dma_unmap|swiotlb|^domain_|"
        r"^__domain|^pfn_to_dma|^first_pte|^pte_|^clflush|^iotlb|^flush_iotlb|^__iotlb|"
        r"^scsi_dma_|^__sg_|^sg_next$|^sg_init|^__blk_rq_map_sg|^blk_rq_map_sg|"
        r"^__blk_bios_map_sg|^__blk_bvec_map_sg|^blk_next_sg|^blk_dma|"
        # 7.2: the IOMMU's generic page table (drivers/iommu/generic_pt:
        # VT-d second stage "vtdss", AMD v1, x86-64 formats) and the
        # scatterlist iterator __blk_rq_map_sg calls out of line
        r"^__map_range|^__unmap_range|^vtdss_|^amdv1_|^x86_64_pt_|^pt_iommu_|"
        r"^make_range_ul|^pt_compute_best_pgsize|^blk_map_iter_next")),
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
IDLE_C = "idle path, sleep/wakeup"
OTHER = "other kernel (sched, timers, slab)"
ORDER = ["driver symbols"] + [c for c, _ in COMPONENTS] + [IDLE_C, OTHER]


def classify(dso, sym, drv):
    """component of one kernel symbol (user space is USER already)"""
    if path_of(sym) != BUSY_PATH:
        return IDLE_C
    if dso in DRIVER_DSOS.get(drv, ()):
        return "driver symbols"
    if dso in ("[scsi_mod]", "[sd_mod]", "[scsi_common]"):
        return "SCSI midlayer (scsi_mod, sd)"
    for name, rx in COMPONENTS:
        if rx.search(sym):
            return name
    return OTHER


def analyse(rundir):
    recs = [json.loads(x) for x in open(os.path.join(rundir, "records.jsonl")) if x.strip()]
    # a count pass's records carry the same snapshots (since the idle-free
    # count): profile.py runs on either run directory
    recs = [r for r in recs if r.get("mode") in ("profile", "count") and r.get("snap")]
    addrs, names = load_kallsyms(os.path.join(rundir, "kallsyms"))
    io_va = [a_ for a_, (n, _) in zip(addrs, names) if n == IO_SYMBOL]
    out = {}
    for r in recs:
        s0 = os.path.join(rundir, r["snap"] + ".start")
        s1 = os.path.join(rundir, r["snap"] + ".end")
        # fio must have outlived the window, or its teardown is in it
        if not (os.path.exists(s0) and os.path.exists(s1)) or r.get("steady") != 1:
            continue
        b0, e0, u0 = load_snap(s0)
        b1, e1, u1 = load_snap(s1)
        # I/Os completed between the two snapshots (the plugin's own
        # count: the window the guest counted sectors in is a little
        # shorter than the snapshots' stretch), else the guest's count
        ios = sum(e1.get(a_, 0) - e0.get(a_, 0) for a_ in io_va) or \
            r["wsectors"] * 512 / r["bs"]
        comp = defaultdict(int)
        syms = defaultdict(int)
        comp[USER] = u1 - u0
        syms[(USER, "[user]", "(user space: fio, bash)")] = u1 - u0
        for va, n in b1.items():
            d = n - b0.get(va, 0)
            if d <= 0:
                continue
            i = bisect.bisect_right(addrs, va) - 1
            sym, dso = names[i] if i >= 0 else ("?", "?")
            c = classify(dso, sym, r["driver"])
            comp[c] += d
            syms[(c, dso, sym)] += d
        key = (r["test"], r["driver"])
        out.setdefault(key, []).append({
            "round": r["round"], "ios": ios, "period": 1, "comp": dict(comp),
            "syms": syms, "samples": sum(comp.values()),
            "busy_ns": r["busy_ns"], "irqs": r.get("wirqs", 0)})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rundir")
    ap.add_argument("--kver", default="?")
    ap.add_argument("--iommu", default="?")
    ap.add_argument("--commit", default="?")
    ap.add_argument("--out")
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args()
    res = analyse(a.rundir)
    L = [f"mptmq bench profile - kernel {a.kver} - {time.strftime('%Y-%m-%d %H:%M:%S')} - "
         f"tree {a.commit} - strict IOMMU {a.iommu}",
         "Guest instructions counted per translation block by the QEMU plugin tbprof.so "
         "under icount (1 vCPU), between",
         "two snapshots the guest takes around each run's sample window; each block is "
         "charged to the kernel symbol it",
         "starts in (guest /proc/kallsyms).  Exact, interrupts off or not.  kinstr/IO = "
         "instructions / I/Os the guest",
         "counted in the window (summed over rounds); components by symbol: the driver's "
         "modules, then profile.py's",
         "regexes, first match.  'total' is a little above the count pass's kinstr/IO: "
         "the window also holds the",
         "guest's waits for the snapshots."]
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
        L.append(f"  {'total':<30}" + "".join(
            f"{(f'{tot[d][0]:6.2f}' if tot[d][0] else '-'):>20}" for d in drvs))
        L.append(f"  {'busy (guest clock)':<30}" + "".join(
            f"{sum(x['busy_ns'] for x in res[(t, d)]) / 1e3 / max(1, data[f'{t}/{d}']['ios']):>20.2f}"
            for d in drvs))
        if FLOOR in drvs and "mptsas" in drvs:
            # above the floor, the strict IOMMU's share left out: the
            # driver's own (its code, interrupts, completion)
            def own(d):
                t_ = tot[d][0]
                dma = per[d]["DMA/IOMMU"][0] or 0
                return t_ - dma - (tot[FLOOR][0] - (per[FLOOR]["DMA/IOMMU"][0] or 0))
            ref = own("mptsas")
            L.append(f"  {'above floor, w/o DMA/IOMMU':<30}" + "".join(
                f"{own(d):>12.2f} ({own(d) / ref * 100:3.0f}%)" if d != FLOOR else f"{'-':>20}"
                for d in drvs))
            for d in drvs:
                data[f"{t}/{d}"]["own_wo_dma"] = own(d) if d != FLOOR else None
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
