#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_sas_events.py [TEST...] - SAS topology events of the test QEMU.

scsi-hd hot-plug (QMP device_add) and unplug (device_del) on the SAS
model send SAS_PHY_LINK_STATUS (link up) + SAS_DEVICE_STATUS_CHANGE ADDED,
and NOT_RESPONDING, events
(mpi_ioc.h EVENT_DATA_SAS_DEVICE_STATUS_CHANGE) through the reply FIFO
once the host enabled events; SAS IO unit control (REMOVE_DEVICE, which
Linux mptsas sends after the target reset) and EventAck are answered.
The SAS pages show the new state before the event is posted
(pages_follow_events): Linux mptsas reads them at once and looks the new
disk up by the SAS address its phy is attached to.
Run one alone: selftests/model/test_sas_events.py added_removed
"""
import struct
import sys

from mptmodel import (with_model, Model, check, run, DATA, REQ_FRAMES, SENSE,
                      F_EVENT_NOTIFY, F_SAS_IOUNIT_CONTROL)

A_BIT = 0x80000000
EVENT_SAS_DEVICE_STATUS_CHANGE = 0x0F
EVENT_SAS_PHY_LINK_STATUS = 0x12
WWN3 = 0x5000c5001e571300
F_CONFIG = 0x04
# mpi_cnfg.h: extended page types (PageType 0x0F + ExtPageType).
EXT_SAS_IO_UNIT, EXT_SAS_DEVICE, EXT_SAS_PHY = 0x10, 0x12, 0x13



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


def discovery(m):
    """Let the model's discovery time pass (virtual clock): it posts a
    device status event 500 ms after the page change and the link event."""
    m.step(600 * 1000 * 1000)


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
    words = m.replies(wait=0.2)
    check(len(words) == 1, "not just the link event at once after device_add: %r" % words)
    discovery(m)
    words += m.replies(want=1)
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
    discovery(m)
    words = m.replies()
    check(len(words) == 1, "no event after device_del: %r" % words)
    ev = sas_event(m, words[0], ctx)
    check(ev == (3, 0, 0x04, 12, 0x401, 4, 3, WWN3), "NOT_RESPONDING event data %r" % (ev,))


def config_page(m, ext_type, number, address):
    """Config READ_CURRENT (mpi_cnfg.h MSG_CONFIG) of an extended page into
    DATA; return (IOCStatus, page bytes with the 8-byte extended header)."""
    ctx = m.next_ctx()
    m.wmem(DATA, bytes(256))
    m.post(struct.pack("<BBBBHBBI8sBBBBI", 1, 0, 0, F_CONFIG, 0, ext_type, 0, ctx,
                       bytes(8), 0, 0, number, 0x0F, address) +
           struct.pack("<II", (0xD1 << 24) | 256, DATA))
    words = m.replies(want=1)
    check(len(words) == 1 and words[0] & A_BIT, "no config reply: %r" % words)
    f = m.frame_of(words[0])
    check(f[3] == F_CONFIG and struct.unpack_from("<I", f, 8)[0] == ctx,
          "not our config reply: %s" % f[:20].hex())
    return struct.unpack_from("<H", f, 0x0e)[0] & 0x7fff, m.rmem(DATA, 256)


def phy_view(m, phy):
    """What Linux mptsas_probe_hba_phys learns about PHY: SAS IO Unit page 0
    AttachedDeviceHandle, SAS Phy page 0 AttachedDevHandle, and SAS Device
    page 0 of that handle (SASAddress, PhyNum, DevHandle, TargetID,
    DeviceInfo, Flags), None when there is no attached device."""
    st, io = config_page(m, EXT_SAS_IO_UNIT, 0, 0)
    check(st == 0 and io[12] == 8, "SAS IO unit page 0: status 0x%x, %d phys" % (st, io[12]))
    io_handle = struct.unpack_from("<H", io, 16 + 16 * phy + 8)[0]
    st, pg = config_page(m, EXT_SAS_PHY, 0, phy)        # form PHY_NUMBER
    check(st == 0, "SAS phy page 0 of phy %d: status 0x%x" % (phy, st))
    handle = struct.unpack_from("<H", pg, 20)[0]
    check(handle == io_handle, "phy %d: IO unit page 0 handle 0x%x, phy page 0 0x%x"
          % (phy, io_handle, handle))
    if not handle:
        return None
    st, dev = config_page(m, EXT_SAS_DEVICE, 0, (2 << 28) | handle)   # form HANDLE
    check(st == 0, "SAS device page 0 of handle 0x%x: status 0x%x" % (handle, st))
    sas, parent, phynum = struct.unpack_from("<QHB", dev, 12)
    devh, tid, bus, info, flags = struct.unpack_from("<HBBIH", dev, 24)
    return handle, sas, phynum, devh, tid, bus, info, flags


def pages_follow_events(m):
    """The pages give the new disk's handle, SAS address and phy when ADDED
    goes out, and no device on the phy when NOT_RESPONDING goes out."""
    ctx = events_on(m)
    check(phy_view(m, 3) is None, "phy 3 shows a device before device_add")
    plug(m)
    discovery(m)
    check(len(m.replies(want=2)) == 2, "no events after device_add")
    # The model notes what the phy page says at the moment it posts ADDED.
    check(any("ADDED: target 3" in n and "phy 3 AttachedDevHandle now 0x000c" in n
              for n in m.notes("sas-event")),
          "ADDED posted before phy 3 showed the disk: %r" % m.notes("sas-event"))
    v = phy_view(m, 3)
    # END_DEVICE | SSP_TARGET; Flags DEVICE_PRESENT | DEVICE_MAPPED (| persistent):
    # what mptsas_hotplug_work and mptsas_is_end_device require.
    check(v is not None and v[:7] == (12, WWN3, 3, 12, 3, 0, 0x401) and v[7] & 3 == 3,
          "phy 3 after device_add: %r" % (v,))
    m.qmp_cmd("device_del", id="d3")
    discovery(m)
    words = m.replies()
    check(len(words) == 1 and sas_event(m, words[0], ctx)[2] == 0x04, "no NOT_RESPONDING")
    check(any("NOT_RESPONDING: target 3" in n and "phy 3 AttachedDevHandle now 0x0000" in n
              for n in m.notes("sas-event")),
          "NOT_RESPONDING posted while phy 3 still showed the disk: %r" % m.notes("sas-event"))
    check(phy_view(m, 3) is None, "phy 3 still shows a device after device_del")
    check(phy_view(m, 0) is not None, "the cold-plugged disk on phy 0 is gone")


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


def hipri_queue(m):
    """A request posted to the high priority request queue (mpi.h 48h) is
    run: Linux mptsas sends the target reset of a NOT_RESPONDING disk
    there (mpt_put_msg_frame_hi_pri); stock QEMU drops the write."""
    ctx = m.next_ctx()
    cdb = bytes(16)                             # TEST UNIT READY
    frame = struct.pack("<BBBBBBBBI8sI16sII", 0, 0, 0, 0x00, 6, 32, 0, 0, ctx,
                        bytes(8), 0, cdb, 0, SENSE) + struct.pack("<II", 0xD1 << 24, 0)
    addr = REQ_FRAMES + 7 * 512
    m.wmem(addr, frame)
    m.wr(0x48, addr)
    words = m.replies(want=1)
    check(words == [ctx], "no context reply for the request on 48h: %r" % words)


def no_event_when_off(m):
    """Events not enabled (no EventNotification Switch=1): nothing sent."""
    plug(m)
    check(m.replies(wait=0.5, want=1) == [], "an event nobody asked for")
    check(m.notes("sas-event"), "no 'not sent' note")


TESTS = {
    "added_removed": with_model(added_removed),
    "pages_follow_events": with_model(pages_follow_events),
    "remove_device_control": with_model(remove_device_control),
    "hipri_queue": with_model(hipri_queue),
    "no_event_when_off": with_model(no_event_when_off),
}

if __name__ == "__main__":
    run(TESTS, sys.argv)
