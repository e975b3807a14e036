#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_strict.py [TEST...] - every strict check of the test QEMU fires.

Each test breaks one rule real Fusion-MPT firmware enforces, on purpose,
from a qtest "CPU" (no guest), and checks the model logged exactly that
violation ("mptsas-strict: violation: <rule>: ...") and did what real
firmware does; the last test shows x-strict=off turns the checks off.
Run one alone: selftests/model/test_strict.py sense_width
"""
import struct
import sys

from mptmodel import (with_model, Model, check, run, FAULT, READY, OPERATIONAL,
                      SENSE, REPLY_FRAMES, F_MUR, DOORBELL, REQ_POST)



def bad_read(m, **kw):
    """READ(10) past the end of the 64 MiB disk: CHECK CONDITION + sense."""
    return m.read10(0x7fffff00, **kw)


def sense_width(m):
    """MsgFlags 32-bit sense with a non-zero SenseBufferHighAddr."""
    m.ioc_init(sense_high=0x1)
    m.wmem(SENSE, bytes(32))
    ctx = bad_read(m, msgflags=0x00)
    words = m.replies()
    check(words and words[0] & 0x80000000, "no address reply for the failed READ: %r" % words)
    check(m.violations("sense-width"), "no sense-width violation")
    # Real firmware writes the 32-bit address: the sense lands low.
    sense = m.rmem(SENSE, 18)
    check(sense[0] in (0x70, 0x72), "sense not at the 32-bit address: %s" % sense.hex())
    # The same request with the 64-bit flag is fine.
    bad_read(m, msgflags=0x01)
    m.replies()
    check(len(m.violations("sense-width")) == 1, "64-bit MsgFlags flagged too")
    check(m.get("x-strict-violations") == 1, "x-strict-violations != 1")


def sense_window(m):
    """A 32-byte sense buffer at 0xfffffff0 crosses the 4 GiB window."""
    m.ioc_init()
    bad_read(m, sense_low=0xfffffff0, sense_len=32)
    m.replies()
    check(m.violations("sense-window"), "no sense-window violation")


def not_operational(m):
    """A request posted before IOCInit is refused (stock QEMU faults)."""
    m.tur()
    check(m.violations("not-operational"), "no not-operational violation")
    check(m.state() == READY, "IOC left READY: 0x%08x" % m.rd(DOORBELL))


def request_window(m):
    """A request frame at 0xffffff00 (+512 bytes) leaves the window."""
    m.ioc_init()
    m.wr(REQ_POST, 0xffffff00)
    check(m.violations("request-window"), "no request-window violation")
    check(m.state() == OPERATIONAL, "IOC state changed: 0x%08x" % m.rd(DOORBELL))


def reply_window(m):
    """A reply frame at 0xffffffc0 (+128 bytes) leaves the window."""
    m.ioc_init(reply_frames=0)
    m.wr(0x44, 0xffffffc0)
    bad_read(m)                     # a failed command: an address reply
    m.replies()
    check(m.violations("reply-window"), "no reply-window violation")


def fault_halted(m):
    """In FAULT a message unit reset is ignored; a diagnostic reset is not."""
    m.ioc_init()
    m.set("x-fault", 0x1234)
    # Before the driver has read FAULT, a request is lost but no error of
    # the driver's (it cannot know yet): refused, no violation.
    m.wr(REQ_POST, 0x200000)
    check(not m.violations("not-operational"), "post before FAULT was read counted")
    check(m.rd(DOORBELL) & 0xf000ffff == FAULT | 0x1234,
          "doorbell 0x%08x, expected FAULT 0x1234" % m.rd(DOORBELL))
    m.wr(DOORBELL, F_MUR << 24)
    check(m.violations("fault-halted"), "no fault-halted violation")
    check(m.state() == FAULT, "a message unit reset left FAULT")
    # No replies from a halted IOC either.  Within 1 s of reading FAULT
    # the driver may still be stopping its queues: refused, no violation;
    # after that a post is the driver's error.
    m.wr(REQ_POST, 0x200000)
    check(not m.violations("not-operational"), "post within the grace counted")
    m.step(1100 * 1000 * 1000)
    m.wr(REQ_POST, 0x200000)
    check(m.violations("not-operational"), "request in FAULT accepted")
    m.diag_reset()
    check(m.state() == READY, "diagnostic reset did not leave FAULT: 0x%08x" % m.rd(DOORBELL))


def strict_off(m):
    """x-strict=off: the sense-width case is stock QEMU again (no line)."""
    check(m.get("x-strict") is False, "x-strict not off")
    m.ioc_init(sense_high=0x1)
    bad_read(m, msgflags=0x00)
    m.replies()
    check(not m.violations(), "violations with x-strict=off: %r" % m.violations())
    m.tur()  # stays quiet in OPERATIONAL too
    m.replies()
    m.set("x-strict", True)
    bad_read(m, msgflags=0x00)
    m.replies()
    check(m.violations("sense-width"), "x-strict=on at run time did not check")


TESTS = {
    "sense_width": with_model(sense_width, started=False),
    "sense_window": with_model(sense_window, started=False),
    "not_operational": with_model(not_operational, started=False),
    "request_window": with_model(request_window, started=False),
    "reply_window": with_model(reply_window, started=False),
    "fault_halted": with_model(fault_halted, started=False),
    "strict_off": with_model(strict_off, ",x-strict=off", started=False),
}

if __name__ == "__main__":
    run(TESTS, sys.argv)
