#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py - turn one kernel's bench passes into a table and a JSON file.

Inputs (written by guest.sh in each VM run directory):
  setup.jsonl    one object per driver: disk, PCI function, IRQs, queue limits
  records.jsonl  one object per fio run: CPU jiffies, interrupts, completions
  fio/*.json     fio's own output
  trace.log      (count pass) QEMU's mptsas_* trace, log backend

Writes OUT/bench-KVER.txt (the table, also printed) and OUT/bench-KVER.json.
Never fails because of a measured value; only on unreadable input.
"""

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbcount  # noqa: E402  (the bench's own module, beside this file)

DRIVERS = ["mptmq", "mptsas", "virtio_scsi", "scsi_debug"]
TESTS = ["rand4k-qd1", "rand4k-qd32", "seq64k-qd8", "seq1m-qd8"]
REF = "mptsas"
# scsi_debug delay=0 fake_rw=1: sd, SCSI midlayer, blk-mq and fio with no
# device, no DMA mapping, no interrupt; what every SCSI driver costs at least
FLOOR = "scsi_debug"
USER_HZ = os.sysconf("SC_CLK_TCK")


def load_jsonl(path):
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def fio_stats(rundir, rel):
    """IOPS, MB/s, mean and p99 completion latency (us) of a fio JSON."""
    try:
        with open(os.path.join(rundir, rel)) as f:
            text = f.read()
        # fio may print notes before the JSON object
        j = json.loads(text[text.index("{"):])
        rd = j["jobs"][0]["read"]
    except (OSError, ValueError, KeyError, IndexError):
        return None
    clat = rd.get("clat_ns", {})
    pct = clat.get("percentile", {})
    p99 = pct.get("99.000000")
    return {
        "iops": rd["iops"],
        "mbps": rd["bw_bytes"] / 1e6,
        "lat_mean_us": clat.get("mean", 0) / 1e3,
        "lat_p99_us": p99 / 1e3 if p99 is not None else None,
        "io_n": rd.get("total_ios", 0),
        "runtime_ms": rd.get("runtime", 0),
    }


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def per_io(num, ios):
    return num / ios if ios else None


def cpu_us(jiffies):
    return jiffies * 1e6 / USER_HZ


# ------------------------------------------------------------ timed pass

def timed_pass(rundir):
    recs = [r for r in load_jsonl(os.path.join(rundir, "records.jsonl"))
            if r.get("mode") == "timed"]
    runs = {}
    for r in recs:
        st = fio_stats(rundir, r["fio"])
        if st is None:
            continue
        # CPU and interrupts only from a valid steady-state sample: the
        # whole fio process would include its start-up (exec over 9p, page
        # faults), which under TCG costs more than the I/O itself
        ok = r.get("steady") == 1 and r.get("sectors", 0) > 0
        ios = r["sectors"] * 512 / r["bs"] if ok else None
        st.update({
            "cpu_us_per_io": per_io(cpu_us(r["jiffies"]), ios) if ok else None,
            "irq_per_io": per_io(r["irqs"], ios) if ok else None,
            "steady": ok,
            "sampled_ios": ios,
            "window_s": r.get("window_us", 0) / 1e6,
        })
        runs[(r["round"], r["test"], r["driver"])] = st
    rounds = sorted({k[0] for k in runs})
    res = {}
    for t in TESTS:
        for d in DRIVERS:
            rs = [runs[(n, t, d)] for n in rounds if (n, t, d) in runs]
            if not rs:
                continue
            ratios = []
            for n in rounds:
                a, b = runs.get((n, t, d)), runs.get((n, t, REF))
                if a and b and b["iops"] > 0:
                    ratios.append(a["iops"] / b["iops"])
            res[(t, d)] = {
                "rounds": len(rs),
                "iops": med([x["iops"] for x in rs]),
                "mbps": med([x["mbps"] for x in rs]),
                "lat_mean_us": med([x["lat_mean_us"] for x in rs]),
                "lat_p99_us": med([x["lat_p99_us"] for x in rs]),
                "cpu_us_per_io": med([x["cpu_us_per_io"] for x in rs]),
                "irq_per_io": med([x["irq_per_io"] for x in rs]),
                "ratio_med": med(ratios),
                "ratio_min": min(ratios) if ratios else None,
                "ratio_max": max(ratios) if ratios else None,
                "bad_samples": sum(1 for x in rs if not x["steady"]),
            }
    raw = [dict(round=k[0], test=k[1], driver=k[2], **v) for k, v in sorted(runs.items())]
    return res, raw, len(rounds)


# ------------------------------------------------------------ count pass

TRACE_RE = re.compile(r"(mptsas_\w+) dev (0x[0-9a-f]+|\(nil\))(?: addr (0x[0-9a-f]+))?")



def parse_trace(path):
    """Per phase: events of the marked device between its start and end
    diag-BAR markers (offset 0x1000 + 16 * phase, + 4 for the end)."""
    phases = {}
    cur = None
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    if not os.path.exists(path):
        return phases
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", errors="replace") as f:
        for line in f:
            m = TRACE_RE.search(line)
            if not m:
                continue
            ev, dev, addr = m.group(1), m.group(2), m.group(3)
            if ev == "mptsas_diag_read" and addr:
                a = int(addr, 16)
                if 0x1000 <= a < 0x2000 and (a - 0x1000) % 16 in (0, 4):
                    ph, kind = divmod(a - 0x1000, 16)
                    if kind == 0:
                        cur = ph
                        phases[ph] = {"dev": dev, "mmio_read": 0, "mmio_write": 0,
                                      "msi": 0, "intx": 0, "other_dev": 0, "db_read": 0,
                                      "closed": False}
                    elif cur == ph:
                        phases[ph]["closed"] = True
                        cur = None
                continue
            if cur is None:
                continue
            p = phases[cur]
            if dev != p["dev"]:
                if ev in ("mptsas_mmio_read", "mptsas_mmio_write"):
                    p["other_dev"] += 1
                continue
            if ev == "mptsas_mmio_read":
                if addr is not None and int(addr, 16) == 0:
                    # Doorbell/IOC state: the drivers' periodic watchdog
                    # polls it on a timer, not per I/O
                    p["db_read"] += 1
                    continue
                p["mmio_read"] += 1
            elif ev == "mptsas_mmio_write":
                p["mmio_write"] += 1
            elif ev == "mptsas_irq_msi":
                p["msi"] += 1
            elif ev == "mptsas_irq_intx" and line.rstrip().endswith("level 1"):
                # traced on every interrupt update, MSI or not
                p["intx"] += 1
    return phases


def spread(xs):
    """(max - min) / median, or None"""
    xs = [x for x in xs if x is not None]
    m = med(xs)
    return (max(xs) - min(xs)) / m if xs and m else None


def count_pass(rundir):
    recs = load_jsonl(os.path.join(rundir, "records.jsonl"))
    phases = parse_trace(os.path.join(rundir, "trace.log"))
    idle = [r for r in recs if r.get("mode") == "idle"]
    ks = os.path.join(rundir, "kallsyms")
    kallsyms = tbcount.load_kallsyms(ks) if os.path.exists(ks) else None
    runs = {}
    devs = {}
    for r in recs:
        if r.get("mode") != "count":
            continue
        st = fio_stats(rundir, r["fio"]) or {}
        ios = r["sectors"] * 512 / r["bs"]
        wios = r["wsectors"] * 512 / r["bs"]
        row = {
            "round": r["round"],
            "ios": ios,
            "window_ios": wios,
            "steady": r.get("steady") == 1,
            "iops": st.get("iops"),
            "lat_mean_us": st.get("lat_mean_us"),
            "irqs": r["irqs"],
            "phase_s": r["phase_us"] / 1e6,
            "busy_ns": r["busy_ns"],
            "window_ns": r["window_ns"],
        }
        # busy time outside 0..window is impossible: a glitch of the
        # idle-time accounting read from /proc/timer_list (seen twice in 36
        # samples, idle jumping by ~15 s); such a sample is rejected
        row["busy_valid"] = 0 < r["busy_ns"] <= r["window_ns"] * 1.001
        if row["steady"] and wios > 0 and row["busy_valid"]:
            row["busy_ns_per_io"] = r["busy_ns"] / wios
        # the idle-free count: tbprof.so's snapshots around the window
        s0 = os.path.join(rundir, (r.get("snap") or "-") + ".start")
        s1 = os.path.join(rundir, (r.get("snap") or "-") + ".end")
        if kallsyms and row["steady"] and os.path.exists(s0) and os.path.exists(s1):
            w = tbcount.window(s0, s1, kallsyms)
            if w["ios"]:
                row.update({
                    "tb_ios": w["ios"],
                    "tb_total_per_io": w["total"] / w["ios"],
                    "tb_idle_per_io": w[tbcount.IDLE_PATH] / w["ios"],
                    "tb_switch_per_io": w[tbcount.SWITCH_PATH] / w["ios"],
                    "free_per_io": w[tbcount.BUSY_PATH] / w["ios"],
                    # the ten largest idle-path and sleep/wakeup symbols
                    "tb_excluded_top": [
                        (sym, round(n / w["ios"], 1)) for (sym, _), n in
                        sorted(w["syms"].items(), key=lambda kv: -kv[1])
                        if tbcount.path_of(sym) != tbcount.BUSY_PATH][:10],
                })
        ph = phases.get(r["phase"])
        if r["driver"] not in ("virtio_scsi", FLOOR):
            if ph and ph["closed"]:
                row.update({k: ph[k] for k in ("mmio_read", "mmio_write", "msi", "intx",
                                                "other_dev", "db_read")})
                row["qemu_dev"] = ph["dev"]
                devs.setdefault(r["driver"], set()).add(ph["dev"])
            else:
                row["mmio_note"] = "no complete marker pair in trace"
        runs[(r["round"], r["test"], r["driver"])] = row
    rounds = sorted({k[0] for k in runs})
    res = {}
    for t in TESTS:
        for d in DRIVERS:
            rs = [runs[(n, t, d)] for n in rounds if (n, t, d) in runs]
            if not rs:
                continue
            ios = sum(x["ios"] for x in rs)
            bpi = [x.get("busy_ns_per_io") for x in rs]
            valid = [x for x in bpi if x is not None]
            ref = [runs[(n, t, REF)].get("busy_ns_per_io") for n in rounds
                   if (n, t, REF) in runs]
            ref = [x for x in ref if x is not None]
            ratios = []
            for n in rounds:
                a, b = runs.get((n, t, d)), runs.get((n, t, REF))
                if a and b and a.get("busy_ns_per_io") and b.get("busy_ns_per_io"):
                    ratios.append(b["busy_ns_per_io"] / a["busy_ns_per_io"])
            fpi = [x.get("free_per_io") for x in rs]
            free = [x for x in fpi if x is not None]
            fref = [runs[(n, t, REF)].get("free_per_io") for n in rounds
                    if (n, t, REF) in runs]
            fref = [x for x in fref if x is not None]
            row = {
                "rounds": len(rs),
                "ios": ios,
                # idle-free instructions per I/O (tbprof.so): the count
                # pass's figure when the plugin ran; minimum over rounds as
                # for busy time, median and spread beside it
                "free_per_io": min(free) if free else None,
                "free_per_io_median": med(fpi),
                "free_per_io_rounds": fpi,
                "free_spread": spread(fpi),
                "free_ratio": min(fref) / min(free) if fref and free else None,
                "tb_total_per_io": med([x.get("tb_total_per_io") for x in rs]),
                "tb_idle_per_io": med([x.get("tb_idle_per_io") for x in rs]),
                "tb_switch_per_io": med([x.get("tb_switch_per_io") for x in rs]),
                "window_ios": med([x["window_ios"] for x in rs]),
                # disturbances (host stalls: more idle exits; background
                # work) only add instructions, so the least disturbed round,
                # the minimum, is the estimate; median and spread beside it
                "busy_ns_per_io": min(valid) if valid else None,
                "busy_ns_per_io_median": med(bpi),
                "busy_ns_per_io_rounds": bpi,
                "busy_spread": spread(bpi),
                # as an IOPS ratio: reference cost / this driver's cost
                "ratio": min(ref) / min(valid) if ref and valid else None,
                "ratio_rounds": ratios,
                "ratio_min": min(ratios) if ratios else None,
                "ratio_max": max(ratios) if ratios else None,
                "fio_iops": med([x["iops"] for x in rs]),
                "irq_per_io": per_io(sum(x["irqs"] for x in rs), ios),
                "phase_s": sum(x["phase_s"] for x in rs),
                "bad_samples": sum(1 for x in rs if not x["steady"]),
                "glitch_samples": sum(1 for x in rs if not x["busy_valid"]),
                "busy_frac": med([x["busy_ns"] / x["window_ns"] for x in rs
                                  if x.get("window_ns") and x["busy_valid"]]),
            }
            lsi = [x for x in rs if "mmio_read" in x]
            if d not in ("virtio_scsi", FLOOR) and len(lsi) == len(rs):
                rd = sum(x["mmio_read"] for x in lsi)
                wr = sum(x["mmio_write"] for x in lsi)
                msi = sum(x["msi"] for x in lsi)
                intx = sum(x["intx"] for x in lsi)
                row.update({
                    "mmio_read_per_io": per_io(rd, ios),
                    "mmio_write_per_io": per_io(wr, ios),
                    "mmio_per_io": per_io(rd + wr, ios),
                    "dev_irq_per_io": per_io(msi if msi else intx, ios),
                    "doorbell_reads": sum(x["db_read"] for x in lsi),
                    "mmio_other_dev": sum(x["other_dev"] for x in lsi),
                })
            res[(t, d)] = row
    idle_busy = [r["busy_ns"] / r["window_ns"] for r in idle if r.get("window_ns")]
    # every LSI driver must map to exactly one QEMU device, and not the same
    ok = all(len(v) == 1 for v in devs.values()) and \
        len({next(iter(v)) for v in devs.values()}) == len(devs)
    raw = [dict(test=k[1], driver=k[2], **v) for k, v in sorted(runs.items())]
    return res, ok, {k: sorted(v) for k, v in devs.items()}, raw, idle_busy, len(rounds)


# ------------------------------------------------------------ the floor

def floor_table(L, data, counts):
    """Per test: each driver's kinstr/IO with the IOMMU on and off, the
    strict-IOMMU mapping cost (on - off), and its own share above the
    scsi_debug floor (IOMMU off - floor), also as a fraction of mptsas's."""
    by = {io: c for io, c, *_ in counts}
    if not any(FLOOR in (d for _, d in c) for c in by.values()):
        return
    on, off = by.get("on"), by.get("off")
    base = off if off is not None else on

    def k(c, t, d):
        r = c.get((t, d)) if c else None
        x = fig(r) if r else None
        return x / 1e3 if x else None

    def sp(c, t, d):
        r = c.get((t, d)) if c else None
        x = (r.get("free_spread") if r.get("free_per_io") else r.get("busy_spread")) \
            if r else None
        return x * 100 if x is not None else None

    L.append("")
    L.append(f"Above the floor: {FLOOR} (delay=0 fake_rw=1: sd + SCSI midlayer + blk-mq + fio, "
             "no device, no DMA mapping,")
    L.append("  no interrupt) is the least any SCSI driver can cost.  kinstr/IO = the count "
             "pass's figure (idle-free when")
    L.append("  tbprof.so ran, else busy time), minimum over rounds (spread in brackets);")
    L.append("  'IOMMU cost' = IOMMU on - off (strict map + unmap of every data buffer, imposed "
             "by the DMA API, no driver")
    L.append("  can remove it); 'own' = IOMMU-off figure - floor (IOMMU off): the driver's code, "
             "interrupt and completion")
    L.append("  path; 'own/mptsas' = own share as a fraction of mptsas's."
             + ("" if off is not None else "  (No IOMMU-off pass: 'own' is above the floor "
                                                "with the IOMMU on.)"))
    hdr = (f"  {'test':<12} {'driver':<12} {'IOMMU on':>15} {'IOMMU off':>15} "
           f"{'IOMMU cost':>10} {'own':>7} {'own/mptsas':>10} {'IRQ/IO':>7} {'MMIO/IO':>8}")
    L.append(hdr)
    L.append("  " + "-" * (len(hdr) - 2))
    rows = {}
    for t in TESTS:
        fl = k(base, t, FLOOR)
        if fl is None:
            continue
        ref_own = None
        for d in [REF] + [x for x in DRIVERS if x != REF]:
            x = k(base, t, d)
            if d == REF and x is not None:
                ref_own = x - fl
        for d in DRIVERS:
            kon, koff = k(on, t, d), k(off, t, d)
            x = k(base, t, d)
            if x is None and kon is None:
                continue
            own = x - fl if x is not None and d != FLOOR else None
            cost = kon - koff if kon is not None and koff is not None else None
            rel = own / ref_own if own is not None and ref_own else None
            r = (base or {}).get((t, d), {})
            rows[f"{t}/{d}"] = {"iommu_on": kon, "iommu_off": koff, "iommu_cost": cost,
                                "own": own, "own_vs_mptsas": rel, "floor": fl}

            def ks(c, dd):
                v, s_ = k(c, t, dd), sp(c, t, dd)
                return "-" if v is None else f"{v:.2f}" + (f" [{s_:.1f}%]" if s_ is not None
                                                           else "")
            L.append(f"  {t if d == DRIVERS[0] else '':<12} {d:<12} {ks(on, d):>15} "
                     f"{ks(off, d):>15} {f(cost, '{:+.2f}'):>10} {f(own, '{:.2f}'):>7} "
                     f"{f(rel * 100 if rel is not None else None, '{:.0f}%'):>10} "
                     f"{f(r.get('irq_per_io'), '{:.2f}'):>7} {f(r.get('mmio_per_io'), '{:.2f}'):>8}")
    data["floor"] = rows


# ------------------------------------------------------------ formatting

def fig(r):
    """the count pass's figure of a result row: idle-free instructions per
    I/O when the plugin counted them, else busy guest ns per I/O"""
    return r.get("free_per_io") or r.get("busy_ns_per_io")


def f(x, fmt="{:.0f}", na="-"):
    return na if x is None else fmt.format(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kver", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timed")
    ap.add_argument("--count", action="append", default=[],
                    help="a count pass's run directory (repeatable, one per IOMMU setting)")
    ap.add_argument("--count-iommu", action="append", default=[],
                    help="the IOMMU setting (on|off) of each --count, in order")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--runtime")
    ap.add_argument("--ramp")
    ap.add_argument("--msi", type=int, default=1)
    ap.add_argument("--iommu", default="on")
    ap.add_argument("--icount", type=int, default=1)
    ap.add_argument("--elapsed", type=int)
    ap.add_argument("--count-window", default="1")
    ap.add_argument("--commit", help="tree the module was built from")
    ap.add_argument("--quiet", action="store_true", help="write the files only")
    a = ap.parse_args()

    setup = {}
    for d in [a.timed] + a.count:
        if d:
            for s in load_jsonl(os.path.join(d, "setup.jsonl")):
                setup.setdefault(s["driver"], s)
    commit = a.commit
    if not commit:
        try:
            commit = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)),
                                     "rev-parse", "--short", "HEAD"], capture_output=True,
                                    text=True).stdout.strip() + " (at report time)"
        except OSError:
            commit = "?"

    L = []
    mode = "MSI" if a.msi else "INTx"
    L.append(f"mptmq bench - kernel {a.kver} - {time.strftime('%Y-%m-%d %H:%M:%S')} - tree {commit}")
    L.append("NOTE: absolute figures on this shared 2-core TCG machine swing by tens of percent "
             "between runs;")
    L.append("      only same-run ratios and counts mean anything.  A bench reports, it never fails "
             "on a timing.")
    L.append(f"Interrupt mode: {mode} for both LSI HBAs (mptmq msi={a.msi}, mptbase "
             f"mpt_msi_enable_sas={a.msi}); virtio-scsi uses MSI-X.  Strict IOMMU: {a.iommu}"
             + (" (virtio-scsi too: iommu_platform=on)." if a.iommu == "on" else "."))
    L.append("Disks: one null-co scsi-hd (read-zeroes) per controller; fio libaio direct=1, "
             "scheduler none.")
    for d in DRIVERS:
        s = setup.get(d)
        if s:
            L.append(f"  {d:<12} /dev/{s['disk']:<4} pci {s['pci']}  irq {s['irq_mode']} "
                     f"[{s['irqs']}]  can_queue {s['can_queue']}  queue_depth {s['queue_depth']}  "
                     f"max_sectors_kb {s['max_sectors_kb']}  hw queues {s['nr_hw_queues']}")
    data = {"kver": a.kver, "commit": commit, "msi": a.msi, "iommu": a.iommu,
            "rounds": a.rounds, "runtime": a.runtime, "ramp": a.ramp, "icount": a.icount,
            "setup": setup}

    cnt = None
    counts = []
    iommus = a.count_iommu + [a.iommu] * (len(a.count) - len(a.count_iommu))
    for cdir, io in zip(a.count, iommus):
        c, c_ok, c_devs, c_raw, c_idle, c_rounds = count_pass(cdir)
        counts.append((io, c, c_ok, c_devs, c_raw, c_idle, c_rounds))
        key = "count" if not data.get("count") else f"count_iommu_{io}"
        data[key] = {f"{t}/{d}": v for (t, d), v in c.items()}
        data[key + "_iommu"] = io
        data[key + "_raw"] = c_raw
        data[key + "_idle_busy_fraction"] = c_idle
        data[key + "_devices"] = c_devs
    if counts:
        cnt = counts[0][1]

    if a.timed:
        tim, raw, nr = timed_pass(a.timed)
        data["timed"] = {f"{t}/{d}": v for (t, d), v in tim.items()}
        data["timed_raw"] = raw
        L.append("")
        L.append(f"Timed pass: TCG, 2 vCPUs, {nr} rounds x {a.runtime} s (+{a.ramp} s ramp) per "
                 "fio run, drivers alternating test by test.")
        L.append("  Medians over rounds; 'vs mptsas' = median of per-round IOPS ratios "
                 "[min..max]; lat = fio completion")
        L.append("  latency (mean, p99); CPU = guest user+sys+irq+softirq (/proc/stat, both "
                 "vCPUs) per I/O and IRQ = interrupts")
        L.append("  of the driver's vectors per I/O, both sampled inside fio's steady state; "
                 "MMIO = register accesses per I/O")
        L.append("  from the count pass's QEMU trace.")
        hdr = (f"  {'test':<12} {'driver':<12} {'IOPS':>7} {'MB/s':>7} {'lat µs':>8} "
               f"{'p99 µs':>8}  {'vs mptsas':<19} {'CPU µs/IO':>9} {'IRQ/IO':>7} {'MMIO/IO':>8}")
        L.append(hdr)
        L.append("  " + "-" * (len(hdr) - 2))
        bad = 0
        for t in TESTS:
            for d in DRIVERS:
                r = tim.get((t, d))
                if not r:
                    continue
                bad += r["bad_samples"]
                if r["ratio_med"] is not None:
                    ratio = f"{r['ratio_med']:.2f} [{r['ratio_min']:.2f}..{r['ratio_max']:.2f}]"
                else:
                    ratio = "-"
                mmio = cnt.get((t, d), {}).get("mmio_per_io") if cnt else None
                L.append(f"  {t if d == DRIVERS[0] else '':<12} {d:<12} {f(r['iops']):>7} "
                         f"{f(r['mbps'], '{:.1f}'):>7} {f(r['lat_mean_us']):>8} "
                         f"{f(r['lat_p99_us']):>8}  {ratio:<19} {f(r['cpu_us_per_io']):>9} "
                         f"{f(r['irq_per_io'], '{:.2f}'):>7} {f(mmio, '{:.2f}'):>8}")
        L.append("  I/Os are fio-sized (sectors read * 512 / bs), so a 1M read that mptsas "
                 "splits into 8 requests is one I/O.")
        if bad:
            total = sum(r["rounds"] for r in tim.values())
            L.append(f"  ({bad} of {total} runs ended "
                     "before their steady-state sample did; CPU/IRQ medians are over the rest)")

    for io, cnt, cnt_ok, cnt_devs, cnt_raw, idle_busy, cnt_rounds in counts:
        how = ("TCG icount (-icount shift=0,sleep=on,align=off), 1 vCPU, thread=single: 1 ns of "
               "busy guest time = 1 guest instruction."
               if a.icount else "plain TCG, 1 vCPU (icount off: busy time is wall-clock noise).")
        L.append("")
        L.append(f"Count pass, strict IOMMU {io}: {how}")
        L.append(f"  {cnt_rounds} rounds of one time-based fio run per test and driver (drivers "
                 f"alternating).  Inside each run's steady")
        L.append(f"  state a {a.count_window} s (guest) window samples busy time (guest clock "
                 "minus idle, /proc/timer_list) and")
        L.append("  completed I/Os, so fio's start-up and teardown drop out.  'raw' = busy guest "
                 "ns per I/O = guest")
        L.append("  instructions per I/O, whole system (fio, block layer, driver, interrupts); "
                 "it grows when the host delays")
        L.append("  QEMU's I/O thread: the vCPU idles more ('busy' = median busy share of the "
                 "window) and every idle episode")
        L.append("  (fio's sleep, idle entry, halt, wakeup, idle exit, switch back) is counted.  "
                 "'kinstr/IO' = the same")
        L.append("  instructions counted by tbprof.so around the window, without the idle path "
                 "and the scheduler's")
        L.append("  sleep/wakeup code ('idle' = those per I/O, median), per I/O completed "
                 "(aio_complete_rw) in the same")
        L.append("  stretch: the idle-free count (tbcount.py).  Minimum over rounds, 'median' and "
                 "'spread' = (max-min)/median")
        L.append("  beside it; 'vs mptsas' = mptsas / driver kinstr (minima).  (Without the "
                 "plugin kinstr/IO is 'raw'.)")
        L.append("  MMIO = register accesses per I/O from QEMU's mptsas_mmio_read/_write trace "
                 "over the whole fio run, per device")
        L.append("  (the events carry the device pointer; phases cut by diag-BAR reads), without "
                 "Doorbell reads ('DB rd',")
        L.append("  the drivers' once-a-second IOC-state watchdogs; 'phase s' = guest seconds "
                 "the phases lasted).")
        hdr = (f"  {'test':<12} {'driver':<12} {'kinstr/IO':>9} {'median':>7} {'spread':>7} "
               f"{'raw':>6} {'idle':>5} {'vs mptsas':>9} {'busy':>5} {'IRQ/IO':>7} "
               f"{'devIRQ/IO':>9} {'MMIO rd/IO':>10} {'wr/IO':>6} {'MMIO/IO':>8} {'DB rd':>6} "
               f"{'phase s':>7}")
        L.append(hdr)
        L.append("  " + "-" * (len(hdr) - 2))
        bad = glitch = 0
        for t in TESTS:
            for d in DRIVERS:
                r = cnt.get((t, d))
                if not r:
                    continue
                bad += r["bad_samples"]
                glitch += r["glitch_samples"]
                bn = r.get("busy_ns_per_io")
                if r.get("free_per_io"):
                    kn, km, sp = r["free_per_io"], r["free_per_io_median"], r["free_spread"]
                    ratio = r.get("free_ratio")
                    excl = (r.get("tb_idle_per_io") or 0) + (r.get("tb_switch_per_io") or 0)
                else:
                    kn, km, sp = bn, r.get("busy_ns_per_io_median"), r.get("busy_spread")
                    ratio, excl = r.get("ratio"), None
                L.append(f"  {t if d == DRIVERS[0] else '':<12} {d:<12} "
                         f"{f(kn / 1e3 if kn else None, '{:.2f}'):>9} "
                         f"{f(km / 1e3 if km else None, '{:.2f}'):>7} "
                         f"{f(sp * 100 if sp is not None else None, '{:.1f}%'):>7} "
                         f"{f(bn / 1e3 if bn else None, '{:.2f}'):>6} "
                         f"{f(excl / 1e3 if excl is not None else None, '{:.2f}'):>5} "
                         f"{f(ratio, '{:.3f}'):>9} "
                         f"{f(r['busy_frac'] * 100 if r.get('busy_frac') else None, '{:.0f}%'):>5} "
                         f"{f(r.get('irq_per_io'), '{:.2f}'):>7} "
                         f"{f(r.get('dev_irq_per_io'), '{:.2f}'):>9} "
                         f"{f(r.get('mmio_read_per_io'), '{:.2f}'):>10} "
                         f"{f(r.get('mmio_write_per_io'), '{:.2f}'):>6} "
                         f"{f(r.get('mmio_per_io'), '{:.2f}'):>8} "
                         f"{f(r.get('doorbell_reads')):>6} {r['phase_s']:>7.1f}")
        L.append("  I/Os are fio-sized (sectors read * 512 / bs).  devIRQ/IO = MSI messages "
                 "(INTx: level-1 updates) the QEMU")
        L.append("  device raised per I/O (trace); IRQ/IO = interrupts the guest counted.")
        if idle_busy:
            L.append("  Idle floor: with no I/O the same window is "
                     + ", ".join(f"{x * 100:.3f}%" for x in idle_busy)
                     + " busy (sampler, timers), included above.")
        if bad:
            L.append(f"  ({bad} runs ended before their sample window did; medians are over "
                     "the rest)")
        if glitch:
            where = ", ".join(f"{x['test']}/{x['driver']} round {x['round']}"
                              for x in cnt_raw if not x["busy_valid"])
            L.append(f"  ({glitch} samples had busy time outside 0..window, an idle-time "
                     f"accounting glitch: {where};")
            L.append("   rejected; minimum and median are over the other rounds)")
        other = sum(r.get("mmio_other_dev", 0) for r in cnt.values())
        L.append(f"  Device mapping from trace: {cnt_devs} "
                 f"({'consistent' if cnt_ok else 'INCONSISTENT'}); MMIO to the other HBA "
                 f"during phases: {other}")
    floor_table(L, data, counts)
    if a.elapsed is not None:
        L.append("")
        L.append(f"Wall time for this kernel (build + VMs): {a.elapsed} s")
    data["elapsed_s"] = a.elapsed

    text = "\n".join(L) + "\n"
    if not a.quiet:
        sys.stdout.write("\n" + text)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, f"bench-{a.kver}.txt"), "w") as fh:
        fh.write(text)
    with open(os.path.join(a.out, f"bench-{a.kver}.json"), "w") as fh:
        json.dump(data, fh, indent=1, sort_keys=True, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
