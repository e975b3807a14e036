# SPDX-License-Identifier: GPL-2.0
"""tbcount.py - the tbprof.so snapshots, read and split (report.py, profile.py).

tbprof.so (a QEMU TCG plugin) counts every executed translation block; the
guest asks for a snapshot at each edge of a sample window.  Here: the
snapshots are read, the window's instructions (end - start) are charged to
the guest kernel symbol each block starts in (/proc/kallsyms of the guest),
and split into

  * the idle path: the idle loop (do_idle, cpuidle, halt), the nohz tick
    stop/restart, RCU's idle transitions, the idle scheduling class, and
    the work irq_enter does only because the CPU was idle;
  * sleep and wakeup: the scheduler's switch and wakeup code (schedule,
    context switch, try_to_wake_up, the fair class's enqueue/dequeue/pick,
    PSI).  With one vCPU and fio the only busy task, a task switch is
    fio going to sleep in io_getevents because the vCPU ran out of work
    (or waking from it): a cost of idling, not of an I/O;
  * the rest: what an I/O costs when the vCPU does not idle.

The count pass's figure is "the rest" per I/O (idle-free): under icount the
vCPU idles more when the host delays QEMU's I/O thread, and each idle
episode (sleep, idle entry, halt, wakeup interrupt, idle exit, switch back)
is a few thousand instructions that have nothing to do with the driver.

I/Os are counted in the same snapshots: the executions of the block at
aio_complete_rw, called once per completed fio (libaio) I/O whatever the
block layer split it into, so instructions and I/Os cover exactly the same
stretch of guest execution whenever the plugin took the snapshots.
"""

import bisect
import re
from collections import defaultdict

# one completed libaio I/O (fs/aio.c: iocb->ki_complete of a read/write)
IO_SYMBOL = "aio_complete_rw"

IDLE = re.compile(
    r"^(do_idle|cpu_startup_entry|default_idle|default_idle_call|arch_cpu_idle|"
    r"arch_cpu_idle_(enter|exit|prepare)|cpu_idle_poll|cpu_idle_poll_ctrl|"
    r"native_safe_halt|pv_native_safe_halt|acpi_safe_halt|safe_halt|"
    r"__cpuidle_text_start|cpuidle_.*|call_cpuidle|mwait_idle.*|intel_idle.*|"
    r"acpi_idle.*|poll_idle|haltpoll_.*|menu_.*|teo_.*|ladder_.*|"
    r"tick_nohz_(idle_.*|stop_.*|restart.*|next_event|get_.*|irq_.*|start_idle|"
    r"stop_idle|account_idle.*|update_jiffies|retain_tick|"
    r"idle_got_tick)|tick_irq_enter|tick_do_update_jiffies64|"
    r"get_next_timer_interrupt|__get_next_timer_interrupt|fetch_next_timer_interrupt.*|"
    r"timer_clear_idle|timer_base_try_to_set_idle|timer_(lock_)?remote_.*|tmigr_.*|"
    r"hrtimer_get_next_event|hrtimer_next_event_without|"
    r"ct_idle_(enter|exit)|rcu_idle_(enter|exit)|rcu_eqs_.*|rcu_dynticks_.*|"
    r"ct_kernel_(enter|exit).*|rcu_needs_cpu|rcu_irq_enter_check_tick|"
    r"quiet_vmstat|nohz_balance_.*|nohz_run_idle_balance|sched_idle_set_state|"
    r"schedule_idle|.*_task_idle|balance_idle|update_curr_idle|"
    r"(check|wakeup)_preempt_curr_idle|wakeup_preempt_idle|"
    r"newidle_balance|sched_balance_newidle|idle_balance|"
    r"flush_smp_call_function_queue|__flush_smp_call_function_queue|"
    r"sched_ttwu_pending|play_idle.*|cpuidle_idle_call|"
    # 7.2 (Debian unstable): the nohz idle time accounting moved from
    # tick_nohz_{start,stop}_idle/tick_nohz_account_idle_time to kcpustat;
    # the idle class's deadline-server update and rq->avg_idle on wakeup
    # are functions of their own
    r"kcpustat_dyntick_(start|stop)|kcpustat_idle_stop.*|"
    r"dl_server_update_idle|update_rq_avg_idle)$")

SWITCH = re.compile(
    r"^(schedule|__schedule|schedule_hrtimeout.*|schedule_timeout|io_schedule.*|"
    r"preempt_schedule.*|context_switch|__switch_to|__switch_to_asm|"
    r"__switch_to_xtra|switch_fpu_return|restore_fpregs_from_fpstate|"
    r"finish_task_switch.*|prepare_task_switch|pick_next_task.*|__pick_next_task.*|"
    r"put_prev_task.*|set_next_task.*|set_next_entity|put_prev_entity|"
    r"pick_next_entity|pick_eevdf|__pick_eevdf|__pick_first_entity|"
    r"enqueue_task.*|dequeue_task.*|enqueue_entity|dequeue_entity.*|"
    r"__enqueue_entity|__dequeue_entity|activate_task|deactivate_task|"
    r"try_to_wake_up|ttwu_.*|select_task_rq.*|select_idle_.*|"
    r"check_preempt_.*|wakeup_preempt.*|resched_curr.*|place_entity|"
    r"update_min_vruntime|update_load_avg|__update_load_avg_.*|"
    r"update_cfs_group|reweight_entity|attach_entity_load_avg|"
    r"account_entity_(en|de)queue|psi_.*|record_times|"
    r"prepare_to_wait.*|finish_wait|autoremove_wake_function|"
    r"default_wake_function|__wake_up_common.*|"
    r"sched_clock_cpu|update_rq_clock.*|raw_spin_rq_(un)?lock.*|"
    r"_raw_spin_rq_lock.*|hrtick_.*|set_next_buddy|__calc_delta.*|"
    r"update_entity_lag|__update_idle_core|update_idle_core|"
    r"mm_cid_.*|switch_mm_irqs_off|switch_mm|load_new_mm_cr3|"
    r"membarrier_.*|rseq_.*|__rseq_.*|"
    r"perf_event_task_sched_.*|__perf_event_task_sched_.*|"
    r"fire_sched_(in|out)_preempt_notifiers|kthread_is_per_cpu|"
    r"hrtimer_(start_range_ns|cancel|try_to_cancel)|hrtimer_sleeper_start_expires|"
    r"__hrtimer_init_sleeper|hrtimer_init_sleeper.*|hrtimer_wakeup|"
    # 7.2: resched_curr's body, the sleeper's set-up (was *_init_sleeper),
    # hrtimer_start_range_ns's body and update_load_avg's cfs_rq part are
    # functions of their own
    r"__resched_curr|hrtimer_setup_sleeper.*|__hrtimer_start_range_ns.*|"
    r"update_cfs_rq_load_avg)$")

IDLE_PATH = "idle path"
SWITCH_PATH = "sleep/wakeup"
BUSY_PATH = "busy"


def load_kallsyms(path):
    """(sorted addresses, [(symbol, dso)]) of the guest's text symbols"""
    syms = []
    with open(path, errors="replace") as fh:
        for line in fh:
            p = line.split()
            if len(p) < 3 or p[1] not in "tTwW":
                continue
            dso = p[3] if len(p) > 3 else "[kernel]"
            syms.append((int(p[0], 16), p[2], dso))
    syms.sort()
    return [a for a, _, _ in syms], [(n, d) for _, n, d in syms]


def load_snap(path):
    """({vaddr: instructions}, {vaddr: executions}, user-space instructions)
    of a tbprof snapshot"""
    insns = defaultdict(int)
    execs = defaultdict(int)
    user = 0
    with open(path) as fh:
        for line in fh:
            p = line.split()
            if p[0] == "user":
                user = int(p[1])
            elif len(p) == 3:
                va = int(p[0], 16)
                insns[va] += int(p[1]) * int(p[2])
                execs[va] += int(p[2])
    return insns, execs, user


def symbol_of(addrs, names, va):
    """(symbol, dso) a kernel address is in"""
    i = bisect.bisect_right(addrs, va) - 1
    return names[i] if i >= 0 else ("?", "?")


def path_of(sym):
    """IDLE_PATH, SWITCH_PATH or BUSY_PATH for a kernel symbol"""
    if IDLE.match(sym):
        return IDLE_PATH
    if SWITCH.match(sym):
        return SWITCH_PATH
    return BUSY_PATH


def window(start, end, kallsyms):
    """One sample window from two snapshots (file names) and kallsyms:
    a dict with the window's instructions (total, user, per path), the I/Os
    (executions of IO_SYMBOL's first block; None if the kernel has no such
    symbol) and per-symbol instructions of the idle and sleep/wakeup paths.
    kallsyms is load_kallsyms()'s result."""
    addrs, names = kallsyms
    i0, e0, u0 = load_snap(start)
    i1, e1, u1 = load_snap(end)
    io_va = [a for a, (n, _) in zip(addrs, names) if n == IO_SYMBOL]
    ios = sum(e1.get(a, 0) - e0.get(a, 0) for a in io_va) if io_va else None
    out = {"user": u1 - u0, IDLE_PATH: 0, SWITCH_PATH: 0, BUSY_PATH: u1 - u0,
           "ios": ios, "syms": defaultdict(int)}
    for va, n in i1.items():
        d = n - i0.get(va, 0)
        if d <= 0:
            continue
        sym, dso = symbol_of(addrs, names, va)
        p = path_of(sym)
        out[p] += d
        out["syms"][(sym, dso)] += d
    out["total"] = out[BUSY_PATH] + out[IDLE_PATH] + out[SWITCH_PATH]
    return out
