#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_sas_events.py [TEST...] - SAS topology events of the test QEMU.

scsi-hd hot-plug (QMP device_add) and unplug (device_del) on the SAS
model send SAS_PHY_LINK_STATUS (link up) + SAS_DEVICE_STATUS_CHANGE ADDED,
and NOT_RESPONDING, events
(mpi_ioc.h EVENT_DATA_SAS_DEVICE_STATUS_CHANGE) through the reply FIFO
once the host enabled events; SAS IO unit control (REMOVE_DEVICE, which
Linux mptsas sends after the target reset) and EventAck are answered.
Run one alone: selftests/model/test_sas_events.py added_removed
"""
import struct
import sys

from mptmodel import (Model, check, run, F_EVENT_NOTIFY, F_SAS_IOUNIT_CONTROL)

A_BIT = 0x80000000
EVENT_SAS_DEVICE_STATUS_CHANGE = 0x0F
EVENT_SAS_PHY_LINK_STATUS = 0x12
WWN3 = 0x5000c5001e571300


def with_model(fn):
    def wrapped():
        m = Model()
        try:
            m.ioc_init()
            m.tur()
            m.replies()
            fn(m)
        finally:
            m.close()
    wrapped.__name__ = fn.__name__
    return wrapped


def events_on(m, on=True):
    ctx = m.next_ctx()
    m.post(struct.pack("<BBBBBBBBI", 1 if on else 0, 0, 0, F_EVENT_NOTIFY, 0, 0, 0, 0, ctx))
    words = m.replies()
    check(len(words) == 1 and words[0] & A_BIT, "no EventNotification reply: %r" % words)
    return ctx


def plug(m):
    m.qmp_cmd("blockdev-add", driver="null-co", **{"node-name": "n3"}, size=1 << 26)
    m.qmp_cmd("device_add", driver="scsi-hd", id="d3", drive="n3", bus="hba0.0",
              **{"scsi-id": 3}, lun=0, wwn=WWN3)


def sas_event(m, word, ctx):
    f = m.frame_of(word)
    check(f[3] == F_EVENT_NOTIFY, "not an event reply: %s" % f.hex())
    check(struct.unpack_from("<I", f, 8)[0] == ctx, "event MsgContext is not the request's")
    check(f[7] & 0x80, "event without MsgFlags CONTINUATION_REPLY")
    check(f[6] == 0, "AckRequired set")
    check(struct.unpack_from("<I", f, 0x14)[0] == EVENT_SAS_DEVICE_STATUS_CHANGE,
          "event 0x%x" % struct.unpack_from("<I", f, 0x14)[0])
    d = f[0x1c:0x1c + 36]
    target, bus, reason = d[0], d[1], d[2]
    handle, info, parent, phy = struct.unpack_from("<HIHB", d, 6)
    sas = struct.unpack_from("<Q", d, 0x10)[0]
    return target, bus, reason, handle, info, parent, phy, sas


def added_removed(m):
    ctx = events_on(m)
    plug(m)
    words = m.replies(want=2)
    check(len(words) == 2, "not two events after device_add: %r" % words)
    # First the phy's link comes up (SAS_PHY_LINK_STATUS, 3.0 Gbps now).
    f = m.frame_of(words[0])
    check(struct.unpack_from("<I", f, 0x14)[0] == EVENT_SAS_PHY_LINK_STATUS and
          f[0x1c] == 3 and f[0x1d] >> 4 == 0x9,
          "no link-up event for phy 3: %s" % f[:0x28].hex())
    ev = sas_event(m, words[1], ctx)
    # Handles as the model's SAS pages number them (mptconfig.c): phy 3
    # has handle 4, the device on it 3 + 1 + 8.
    check(ev == (3, 0, 0x03, 12, 0x401, 4, 3, WWN3), "ADDED event data %r" % (ev,))
    ctx2 = m.tur(target=3)                      # the new disk answers
    check(m.replies(want=1), "no reply from the added disk")
    m.qmp_cmd("device_del", id="d3")
    words = m.replies()
    check(len(words) == 1, "no event after device_del: %r" % words)
    ev = sas_event(m, words[0], ctx)
    check(ev == (3, 0, 0x04, 12, 0x401, 4, 3, WWN3), "NOT_RESPONDING event data %r" % (ev,))


def remove_device_control(m):
    """SAS IO unit control REMOVE_DEVICE (mpi_sas.h) gets a good reply."""
    ctx = m.next_ctx()
    m.post(struct.pack("<BBBBHBBI", 0x0D, 0, 0, F_SAS_IOUNIT_CONTROL, 12, 0, 0, ctx) + bytes(32))
    words = m.replies()
    check(len(words) == 1 and words[0] & A_BIT, "no reply: %r" % words)
    f = m.frame_of(words[0])
    check(f[0] == 0x0D and f[3] == F_SAS_IOUNIT_CONTROL and
          struct.unpack_from("<H", f, 4)[0] == 12 and
          struct.unpack_from("<I", f, 8)[0] == ctx and
          struct.unpack_from("<H", f, 0x0e)[0] == 0, "reply %s" % f[:20].hex())
    check(m.state() == 0x20000000, "IOC left OPERATIONAL")


def no_event_when_off(m):
    """Events not enabled (no EventNotification Switch=1): nothing sent."""
    plug(m)
    check(m.replies(wait=0.5, want=1) == [], "an event nobody asked for")
    check(m.notes("sas-event"), "no 'not sent' note")


TESTS = {
    "added_removed": with_model(added_removed),
    "remove_device_control": with_model(remove_device_control),
    "no_event_when_off": with_model(no_event_when_off),
}

if __name__ == "__main__":
    run(TESTS, sys.argv)
