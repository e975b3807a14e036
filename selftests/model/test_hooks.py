#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_hooks.py [TEST...] - every fault hook of the test QEMU acts.

Each test switches one x-* hook on over QMP (qom-set), drives the HBA from
a qtest "CPU" (no guest) and reads back exactly what a driver would see.
Run one alone: selftests/model/test_hooks.py hostile_duplicate
"""
import struct
import sys

from mptmodel import (with_model, Model, Fail, check, run, DOORBELL, INTSTAT,
                      HIS_REPLY, READY, OPERATIONAL, FAULT, REPLY_FRAMES,
                      REPLY_SIZE, F_PORT_ENABLE, F_TM, SENSE)

A_BIT = 0x80000000



def surprise_removed(m):
    m.set("x-surprise-removed", True)
    check(m.rd(DOORBELL) == 0xffffffff, "doorbell not all-ones")
    check(m.rd(INTSTAT) == 0xffffffff, "IntStatus not all-ones")
    check(m.cfg_read(0, 4) == 0xffffffff, "config space not all-ones")
    m.tur()                                     # dropped: nothing happens
    m.set("x-surprise-removed", False)
    check(m.state() == OPERATIONAL, "not back OPERATIONAL: 0x%08x" % m.rd(DOORBELL))
    check(m.cfg_read(0, 4) == 0x00541000, "config space not back")
    check(m.replies(wait=0.3) == [], "the request written while removed was executed")
    ctx = m.tur()
    check(m.replies() == [ctx], "no reply after the device came back")


def fault(m):
    m.set("x-fault", 0x2345)
    check(m.rd(DOORBELL) & 0xf000ffff == FAULT | 0x2345,
          "doorbell 0x%08x" % m.rd(DOORBELL))
    check(m.notes("x-fault"), "no x-fault note")


def lose_irqs(m):
    m.set("x-lose-irqs", 1)
    ctx = m.tur()
    m.step(1000000)
    check(m.notes("x-lose-irqs"), "no interrupt was lost")
    # The reply is still there for whoever looks.
    check(m.rd(INTSTAT) & HIS_REPLY, "reply interrupt status not set")
    check(m.replies() == [ctx], "the reply is not in the FIFO")
    check(m.get("x-lose-irqs") == 0, "x-lose-irqs did not count down")


def drop_replies(m):
    m.set("x-drop-replies", 1)
    c1 = m.tur()
    check(m.replies(wait=0.5, want=1) == [], "the dropped reply arrived")
    c2 = m.tur()
    check(m.replies() == [c2], "the next reply did not arrive")
    check(m.notes("x-drop-replies"), "no x-drop-replies note")


def hostile_context(kind):
    def t(m):
        m.set("x-hostile-reply", kind)
        ctx = m.tur()
        words = m.replies(want=2)
        check(len(words) == 2 and words[0] == ctx, "replies %r for 0x%x" % (words, ctx))
        other = words[1]
        if kind == "duplicate":
            check(other == ctx, "second reply 0x%08x is not a duplicate" % other)
        elif kind == "bad-context":
            check(other & 0xffff == 0xffff and other != ctx,
                  "0x%08x is not out of range" % other)
        else:
            check(other != ctx and other & 0xffff < 128, "0x%08x is not a stray context" % other)
        check(m.get("x-hostile-reply") == "", "one shot did not disarm")
        c2 = m.tur()
        check(m.replies() == [c2], "the next reply is not plain")
    t.__name__ = "hostile_" + kind
    return t


def frame_reply(m, word):
    check(word & A_BIT, "not an address reply: 0x%08x" % word)
    return m.frame_of(word)


def hostile_frame_outside(m):
    m.set("x-hostile-reply", "frame-outside")
    m.tur()
    words = m.replies()
    check(len(words) == 1 and words[0] & A_BIT, "replies %r" % words)
    addr = (words[0] << 1) & 0xffffffff
    pool = range(REPLY_FRAMES, REPLY_FRAMES + 32 * REPLY_SIZE)
    check(addr not in pool, "0x%08x is inside the reply pool" % addr)


def hostile_field(kind):
    def t(m):
        m.set("x-hostile-reply", kind)
        ctx = m.read10(0) if kind == "transfercount" else m.tur(sense_len=32)
        words = m.replies()
        check(len(words) == 1, "replies %r" % words)
        f = frame_reply(m, words[0])
        msglen, function = f[2], f[3]
        check(function == 0 and struct.unpack_from("<I", f, 8)[0] == ctx, "wrong frame %s" % f.hex())
        if kind == "msglength":
            check(msglen * 4 > REPLY_SIZE, "MsgLength %d fits the frame" % msglen)
        elif kind == "sensecount":
            check(struct.unpack_from("<I", f, 0x18)[0] > 32 and f[0x0d] & 1,
                  "SenseCount %d" % struct.unpack_from("<I", f, 0x18)[0])
        else:
            check(struct.unpack_from("<I", f, 0x14)[0] > 512,
                  "TransferCount %d" % struct.unpack_from("<I", f, 0x14)[0])
    t.__name__ = "hostile_" + kind
    return t


def port_enable_delay(m):
    m.set("x-port-enable-delay-ms", 500)
    m.handshake(struct.pack("<BBBBBBBBI", 0, 0, 0, F_PORT_ENABLE, 0, 0, 0, 0, m.next_ctx()),
                expect_reply=False)
    m.step(400 * 1000000)
    check(m.handshake_reply() is None, "PortEnable reply before 500 ms")
    check(m.rd(DOORBELL) & 0x08000000, "doorbell not busy while PortEnable waits")
    m.step(200 * 1000000)
    rep = m.handshake_reply()
    check(rep is not None and rep[3] == F_PORT_ENABLE, "no PortEnable reply after 600 ms")


def tm_delay(m):
    m.set("x-tm-delay-ms", 300)
    ctx = m.tm(0x03)                            # TARGET_RESET of target 0
    m.step(200 * 1000000)
    check(m.replies(wait=0.2, want=0) == [], "TM reply before 300 ms")
    m.step(200 * 1000000)
    words = m.replies()
    check(len(words) == 1 and words[0] & A_BIT, "no TM reply after 400 ms: %r" % words)
    f = m.frame_of(words[0])
    check(f[3] == F_TM and struct.unpack_from("<I", f, 8)[0] == ctx, "wrong TM reply")


def stale_doorbell_after_resume(m):
    pm = m.find_cap(0x01)
    check(pm, "no PCI power management capability")
    # Without the hook: D3hot -> D0 resets the IOC, the doorbell says READY.
    m.cfg_write(pm + 4, 3, 2)
    m.cfg_write(pm + 4, 0, 2)
    check(m.state() == READY, "D3hot->D0 did not reset the IOC: 0x%08x" % m.rd(DOORBELL))
    m.ioc_init()
    m.set("x-stale-doorbell-after-resume", True)
    m.cfg_write(pm + 4, 3, 2)
    m.cfg_write(pm + 4, 0, 2)
    check(m.state() == OPERATIONAL, "doorbell not stale OPERATIONAL: 0x%08x" % m.rd(DOORBELL))
    # The firmware is not running: a message unit reset changes nothing.
    m.wr(DOORBELL, 0x40 << 24)
    check(m.state() == OPERATIONAL, "stale doorbell changed by a MUR")
    m.diag_reset()                              # mpt_resume's workaround
    check(m.state() == READY, "diagnostic reset did not clear it: 0x%08x" % m.rd(DOORBELL))
    m.ioc_init()


TESTS = {
    "surprise_removed": with_model(surprise_removed),
    "fault": with_model(fault),
    "lose_irqs": with_model(lose_irqs),
    "drop_replies": with_model(drop_replies),
    "hostile_unknown_context": with_model(hostile_context("unknown-context")),
    "hostile_bad_context": with_model(hostile_context("bad-context")),
    "hostile_duplicate": with_model(hostile_context("duplicate")),
    "hostile_frame_outside": with_model(hostile_frame_outside),
    "hostile_msglength": with_model(hostile_field("msglength")),
    "hostile_sensecount": with_model(hostile_field("sensecount")),
    "hostile_transfercount": with_model(hostile_field("transfercount")),
    "port_enable_delay": with_model(port_enable_delay),
    "tm_delay": with_model(tm_delay),
    "stale_doorbell_after_resume": with_model(stale_doorbell_after_resume),
}

if __name__ == "__main__":
    run(TESTS, sys.argv)
