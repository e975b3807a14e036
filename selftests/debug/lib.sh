# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - what selftests/debug/check.sh and mutants.sh share: finding the
# debugging tools' reports in a VM run directory.

# KASAN's shadow (1/8 of RAM), kmemleak's and lockdep's tables: more room.
export VM_MEM=${VM_MEM:-2048}

# What a report of one of the tools starts with, in the kernel log.
REPORTS='BUG: |WARNING: |UBSAN: |ODEBUG: |DMA-API: [a-z0-9_]+ [0-9a-f]{4}:|possible circular locking|possible recursive locking|inconsistent lock state|lock held when returning|suspicious RCU usage|Kernel panic'

# The boot lines that show each tool active (UBSAN has none: its config line).
TOOL_LINES='KernelAddressSanitizer initialized|Lock dependency validator|DMA-API: (preallocated|debugging enabled|enable driver filter)|kmemleak: Kernel memory leak detector|ODEBUG: '

result()
{
	printf '%-4s %s%s\n' "$1" "$2" "${3:+  ($3)}"
	[[ $1 == PASS ]] || FAILED=$((FAILED + 1))
}

# The reference drivers' modules (drivers/message/fusion): a report in
# their code is the kernel's, not mptmq's.
REF_MODULES='mptsas|mptspi|mptscsih|mptbase'

# Known reports of the reference drivers on the debug kernel, each with
# its reason (a regex on the report's first line).  In a reference VM
# they are listed as known reference findings, not failures; mptmq's
# lane never runs that code.
#  - UBSAN in mptsas.c: mptsas_probe() reads ioc->pfacts[] (2 entries)
#    for each of the IOC's NumberOfPorts, and QEMU's mptsas1068 reports
#    8 ports (selftests/lib.sh DMESG_KNOWN, research/qemu-mptsas.md).
REF_KNOWN='UBSAN: array-index-out-of-bounds in .*drivers/message/fusion/mpt[a-z]+[.]c:'

# kmemleak_named RUNDIR - the guest's kmemleak report with the HBA
# modules' frames named from module-syms.txt (guest-init.sh keeps their
# /proc/kallsyms lines before the unload; kmemleak prints the frames of
# an unloaded module as bare addresses).
kmemleak_named()
{
	python3 - "$1/kmemleak.txt" "$1/module-syms.txt" <<'PY'
import re, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
syms = []
try:
    for line in open(sys.argv[2]):
        f = line.split()
        if len(f) >= 4 and f[1] in "tT":
            syms.append((int(f[0], 16), f[2], f[3]))
except OSError:
    pass
syms.sort()
def name(m):
    a = int(m.group(1), 16)
    best = None
    for s in syms:
        if s[0] > a:
            break
        best = s
    if best is None or a - best[0] > 0x10000:
        return m.group(0)
    return "%s+0x%x %s" % (best[1], a - best[0], best[2])
for line in open(sys.argv[1]):
    sys.stdout.write(re.sub(r"\b0x(ffffffff[0-9a-f]{8})\b", name, line))
PY
}

# kmemleak_split RUNDIR - the named kmemleak report, each object prefixed
# "ref: " when a frame of its backtrace is in a reference driver's
# module, "ours: " otherwise.
kmemleak_split()
{
	kmemleak_named "$1" | REF="\\[($REF_MODULES)\\]" awk '
		function flush() { if (n) { for (i = 1; i <= n; i++) print who ": " obj[i]; n = 0 } }
		/^unreferenced object/ { flush(); who = "ours" }
		{ obj[++n] = $0; if ($0 ~ ENVIRON["REF"]) who = "ref" }
		END { flush() }'
}

# serial_reports LOG REF - the tools' reports in a serial log (with the
# lines after each, for the stack).  REF=1 (a reference driver's VM):
# the reports matching REF_KNOWN (through the closing "=====" or
# "end trace" line, at most 60 lines) are left out.
serial_reports()
{
	KNOWN=$REF_KNOWN SKIPKNOWN=$2 awk '
		!skip && ENVIRON["SKIPKNOWN"] == 1 && $0 ~ ENVIRON["KNOWN"] { skip = 60; next }
		!skip { print; next }
		/---\[ end trace|\] =+$/ || --skip == 0 { skip = 0 }' "$1" |
		grep -E -A 12 "$REPORTS" | head -n 80
}

# reports RUNDIR [REF] - print the tools' reports in one VM's logs, the
# leaked DMA-API entries and the leaked objects; status 1 if any.  REF=1
# (a reference driver's VM): print the reports that are the reference
# driver's (REF_KNOWN; leaked objects allocated through its modules)
# as "known reference findings" after the rest; they do not count.
reports()
{
	local dir=$1 ref=${2:-0} log none=1 out

	for log in "$dir/serial.log" "$dir/serial.boot-failed.log"; do
		[[ -r $log ]] || continue
		out=$(serial_reports "$log" "$ref")
		if [[ -n $out ]]; then
			printf '%s\n' "$out" | sed 's/^/    /'
			none=0
		fi
	done
	if [[ -s $dir/dma-api-leaks.txt ]] && grep -qv '^#' "$dir/dma-api-leaks.txt"; then
		echo "    DMA-API entries left after the driver was unbound (leaked):"
		head -n 20 "$dir/dma-api-leaks.txt" | sed 's/^/    /'
		none=0
	fi
	if [[ -s $dir/kmemleak.txt ]]; then
		out=$(kmemleak_split "$dir")
		if ((ref)); then
			out=$(grep '^ours: ' <<<"$out")
		fi
		if [[ -n $out ]]; then
			echo "    kmemleak, $(grep -c ': unreferenced object' <<<"$out") objects:"
			sed 's/^ours: //; s/^ref: //' <<<"$out" | head -n 60 | sed 's/^/    /'
			none=0
		fi
	fi
	((ref)) && known_ref_findings "$dir"
	return $none
}

# known_ref_findings RUNDIR - a reference VM's reports that are the
# reference driver's own (REF_KNOWN, kmemleak objects allocated through
# its modules), one summary line each kind; they are not failures.
known_ref_findings()
{
	local dir=$1 log n

	for log in "$dir/serial.log" "$dir/serial.boot-failed.log"; do
		[[ -r $log ]] || continue
		grep -E "$REF_KNOWN" "$log" | sed -E 's/^\[ *[0-9.]+\] //' | sort | uniq -c |
			sed 's/^ */    known reference finding: /'
	done
	[[ -s $dir/kmemleak.txt ]] || return 0
	n=$(kmemleak_split "$dir" | grep -c '^ref: unreferenced object')
	((n)) || return 0
	echo "    known reference finding: kmemleak, $n objects allocated through $REF_MODULES:"
	kmemleak_split "$dir" | grep '^ref: ' | sed 's/^ref: //' | head -n 40 | sed 's/^/      /'
}

