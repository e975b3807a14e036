#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_spi.py [TEST...] - the test QEMU's lsi53c1030 (53C1030 SPI) personality.

From a qtest "CPU" (no guest): the PCI ids, IOCFacts/PortFacts of an SPI
port, SCSI Port pages 0/1/2, a Device page 1 write and the Device page 0
it negotiates (the minimum of the request, the port and the target's own
x-spi-target<N> capabilities), the INQUIRY data a target reports about
itself, a transfer failing above a target's speed, a bus reset returning
every target to async narrow, the dual-channel reset
(multifunction) and the strict checks on this personality.
Run one alone: selftests/model/test_spi.py negotiation
Facts: Linux drivers/message/fusion/lsi/mpi_cnfg.h, mpi_ioc.h, mptbase.c,
mptspi.c; the values are in selftests/qemu/patches/0002-*.patch.
"""
import struct
import sys

from mptmodel import (Model, check, run, READY, OPERATIONAL, STATE_MASK,
                      DOORBELL, INTMASK, SENSE, DATA, F_MUR, PT_IOC, PT_SCSI_PORT,
                      PT_SCSI_DEVICE, CFG_READ_NVRAM, CFG_WRITE_CURRENT,
                      CFG_HEADER, F_TM)

# mpi_cnfg.h Device page 0/1 parameter bits
IU, DT, QAS, WIDE = 0x1, 0x2, 0x4, 0x20000000
U320 = IU | DT | QAS | WIDE | 0x08 << 8 | 127 << 16   # mptspi's U320 request
# What the targets of spi_model() can do (x-spi-target<N>).
TARGETS = {0: "", 1: "narrow", 2: "period=0x0c:nodt", 3: "async",
           4: "fail-below-period=0x0a", 5: "noiu:noqas:offset=32"}


def spi_model(fn, **kw):
    """FN(model) on an lsi53c1030 with a disk for each of TARGETS (or,
    with keyword arguments, Model(device="lsi53c1030", **KW))."""
    def wrapped():
        if kw:
            m = Model(device="lsi53c1030", **kw)
        else:
            props = "".join(",x-spi-target%d=%s" % (t, c) for t, c in TARGETS.items() if c)
            m = Model(props, disks=tuple(TARGETS), device="lsi53c1030")
        try:
            fn(m)
        finally:
            m.close()
    wrapped.__name__ = fn.__name__
    return wrapped


def started(m):
    m.ioc_init()
    m.tur()
    m.replies()


def write_page1(m, target, req):
    page = struct.pack("<BBBBIII", 0x05, 4, 1, PT_SCSI_DEVICE, req, 0, 0)
    st, _, _ = m.config(CFG_WRITE_CURRENT, PT_SCSI_DEVICE, 1, target, data=page,
                        version=0x05)
    check(st == 0, "device page 1 write for target %d: IOCStatus 0x%04x" % (target, st))


def page0(m, target):
    page = m.read_page(PT_SCSI_DEVICE, 0, target)
    check(len(page) == 12 and page[3] == PT_SCSI_DEVICE,
          "device page 0 of target %d: %s" % (target, page.hex()))
    return struct.unpack_from("<II", page, 4)


def pci_ids(m):
    """PCI 1000:0030 rev 08h (C0), class 0100h, subsystem 1000:8000."""
    check(m.cfg_read(0) == 0x00301000, "vendor/device %08x" % m.cfg_read(0))
    check(m.cfg_read(8) >> 8 == 0x010000, "class %06x" % (m.cfg_read(8) >> 8))
    check(m.cfg_read(8, 1) == 0x08, "revision %02x" % m.cfg_read(8, 1))
    check(m.cfg_read(0x2c) == 0x80001000, "subsystem %08x" % m.cfg_read(0x2c))


def facts(m):
    """IOCFacts: ProductID 0104h, 1 port, 16 devices; PortFacts: SCSI, 16
    ids, initiator id 7, Initiator; port 1 inactive."""
    f = m.ioc_facts()
    pid, = struct.unpack_from("<H", f, 0x1E)
    check(pid == 0x0104, "ProductID %04x" % pid)
    check(f[0x26] == 1, "NumberOfPorts %d" % f[0x26])
    check(f[0x2E] == 16, "IOCFacts MaxDevices %d" % f[0x2E])
    p = m.port_facts(0)
    ptype, maxdev, scsiid, proto = p[0x15], *struct.unpack_from("<HHH", p, 0x16)
    check(ptype == 0x01, "PortType %02x" % ptype)
    check(maxdev == 16, "PortFacts MaxDevices %d" % maxdev)
    check(scsiid == 7, "PortSCSIID %d" % scsiid)
    check(proto == 0x08, "ProtocolFlags %04x" % proto)
    check(m.port_facts(1)[0x15] == 0x00, "port 1 not INACTIVE")


def port_pages(m):
    """Port page 0: U320 caps (IU DT QAS wide, 08h, offset 127), LVD;
    page 1: id 7 + its response bit; page 2 (NVRAM): host id 7, per-id
    settings SyncFactor 08h; a page 1 write is kept."""
    started(m)
    p0 = m.read_page(PT_SCSI_PORT, 0)
    caps, phys = struct.unpack_from("<II", p0, 4)
    check(p0[0] == 0x02 and p0[1] == 3, "port page 0 header %s" % p0[:4].hex())
    check(caps & 0x7 == 0x7 and caps & WIDE, "capabilities %08x: no IU/DT/QAS/wide" % caps)
    check((caps >> 8) & 0xff == 0x08 and (caps >> 16) & 0xff == 127,
          "capabilities %08x: period/offset" % caps)
    check(phys & 3 == 3, "PhysicalInterface %08x not LVD" % phys)
    p1 = m.read_page(PT_SCSI_PORT, 1)
    cfg, = struct.unpack_from("<I", p1, 4)
    check(cfg == 7 | (1 << 23), "port page 1 Configuration %08x" % cfg)
    p2 = m.read_page(PT_SCSI_PORT, 2, action=CFG_READ_NVRAM)
    check(len(p2) == 12 + 64, "port page 2 length %d" % len(p2))
    flags, settings = struct.unpack_from("<II", p2, 4)
    check(settings & 0xf == 7, "PortSettings %08x: host id" % settings)
    for t in range(16):
        timeout, factor, dflags = struct.unpack_from("<BBH", p2, 12 + 4 * t)
        check(factor == 0x08 and not dflags & 0x10,
              "port page 2 id %d: factor %02x flags %04x" % (t, factor, dflags))
    newp1 = bytes(p1[:4]) + struct.pack("<IIBBH", cfg, 1234, 0, 0, 0)
    st, _, _ = m.config(CFG_WRITE_CURRENT, PT_SCSI_PORT, 1, 0, data=newp1, version=p1[0])
    check(st == 0, "port page 1 write: %04x" % st)
    check(struct.unpack_from("<I", m.read_page(PT_SCSI_PORT, 1), 8)[0] == 1234,
          "port page 1 write not kept")
    st, _, _ = m.config(CFG_HEADER, PT_SCSI_PORT, 0, 1)
    check(st == 0x22, "port 1 page 0: IOCStatus %04x, not INVALID_PAGE" % st)
    check(m.read_page(PT_IOC, 4)[5] == 4, "IOC page 4 MaxSEP")


def negotiation(m):
    """Device page 1 writes are kept; page 0 is min(request, port, target):
    full U320 disk; narrow -> no wide, no DT, >= 0Ah; period=0x0c; async;
    noiu:noqas:offset=32; a slower request wins; offset 0 = async."""
    started(m)
    expect = {0: U320, 1: 0x0a << 8 | 127 << 16, 2: WIDE | 0x0c << 8 | 127 << 16,
              3: WIDE, 4: U320, 5: WIDE | DT | 0x09 << 8 | 32 << 16}
    for t, want in expect.items():
        np, info = page0(m, t)
        check(np == 0 and info == 0, "target %d negotiated %08x before page 1" % (t, np))
        write_page1(m, t, U320)
        req = m.read_page(PT_SCSI_DEVICE, 1, t)
        check(struct.unpack_from("<I", req, 4)[0] == U320, "target %d page 1 not kept" % t)
        np, info = page0(m, t)
        check(np == want, "target %d (%s): negotiated %08x, want %08x"
              % (t, TARGETS[t] or "full", np, want))
        check(info & 1, "target %d: Information %08x without PARAMS_NEGOTIATED" % (t, info))
    write_page1(m, 0, WIDE | 0x19 << 8 | 8 << 16)           # slower than the target
    check(page0(m, 0)[0] == WIDE | 0x19 << 8 | 8 << 16, "slow request not kept")
    write_page1(m, 0, WIDE | 0x08 << 8)                     # offset 0
    check(page0(m, 0)[0] == WIDE, "offset 0 is not async: %08x" % page0(m, 0)[0])
    np, info = page0(m, 9)
    check(np == 0 and info == 0, "no disk at 9 but %08x/%08x" % (np, info))


def inquiry(m):
    """Standard INQUIRY: WBUS16/SYNC (byte 7) and CLOCKING/QAS/IUS (byte
    56) as each target can do; ADDITIONAL LENGTH >= 52 so the host asks
    for byte 56."""
    started(m)
    want = {0: (0x30, 0x0f), 1: (0x10, 0x00), 2: (0x30, 0x00), 3: (0x20, 0x00),
            5: (0x30, 0x0c)}
    for t, (b7, b56) in want.items():
        m.wmem(DATA, bytes(96))
        m.scsi_io([0x12, 0, 0, 0, 96, 0], datalen=96, target=t)
        m.replies()
        d = m.rmem(DATA, 96)
        check(d[4] >= 52, "target %d: additional length %d" % (t, d[4]))
        check(d[7] & 0x30 == b7, "target %d: byte 7 %02x, want %02x" % (t, d[7] & 0x30, b7))
        check(d[56] == b56, "target %d: byte 56 %02x, want %02x" % (t, d[56], b56))
    m.wmem(DATA, bytes(96))
    m.scsi_io([0x12, 0, 0, 0, 36, 0], datalen=36, target=0)
    m.replies()
    check(m.rmem(DATA, 5)[4] >= 52, "36-byte INQUIRY: additional length not raised")


def fail_below(m):
    """fail-below-period=0x0a: a READ at period 08h/09h ends in CHECK
    CONDITION ABORTED COMMAND 47h/01h; at 0Ah it passes; no data, no
    failure."""
    started(m)
    m.tur(target=4)                     # the disk's power-on UNIT ATTENTION
    m.replies()
    for period, fails in ((0x08, True), (0x09, True), (0x0a, False)):
        req = (U320 if period == 8 else WIDE | DT | QAS | 127 << 16) & ~0xff00 | period << 8
        write_page1(m, 4, req)
        m.wmem(SENSE, bytes(32))
        m.read10(0, target=4)
        w = m.replies()
        check(w, "no reply at period %02x" % period)
        if not fails:
            check(not w[0] & 0x80000000, "period %02x: failed (%08x)" % (period, w[0]))
            continue
        check(w[0] & 0x80000000, "period %02x: no address reply" % period)
        f = m.frame_of(w[0])
        check(f[0x0C] == 0x02 and f[0x0D] & 1, "period %02x: status %02x state %02x"
              % (period, f[0x0C], f[0x0D]))
        s = m.rmem(SENSE, 18)
        check(s[2] & 0xf == 0x0b and s[12] == 0x47 and s[13] == 1,
              "period %02x: sense %s" % (period, s.hex()))
        m.wr(0x44, (w[0] << 1) & 0xffffffff)          # frame back to the free FIFO
    write_page1(m, 4, U320)
    m.tur(target=4)
    w = m.replies()
    check(w and not w[0] & 0x80000000, "TEST UNIT READY (no data) failed: %r" % w)
    check(m.get("x-spi-transfer-failures") == 2, "x-spi-transfer-failures %r"
          % m.get("x-spi-transfer-failures"))
    check(len(m.lines("mptsas-hook: x-spi-target4:")) == 2, "hook lines")
    m.set("x-spi-target4", "")
    m.read10(0, target=4)
    w = m.replies()
    check(w and not w[0] & 0x80000000, "still failing after qom-set ''")


def bus_reset(m):
    """A SCSI bus reset (task management RESET_BUS) returns every target to
    asynchronous narrow: Device page 0 reads 0 (async narrow, nothing
    negotiated) until the host writes Device page 1 again, and the same
    page 1 then negotiates what it did before.  A message unit reset (an
    IOC reset) forgets the agreements too."""
    started(m)
    targets = (0, 1, 5)
    for t in targets:
        write_page1(m, t, U320)
    before = {t: page0(m, t)[0] for t in targets}
    check(before[0] == U320 and all(before.values()), "agreements before: %r" % before)
    ctx = m.tm(0x04)                                 # mpi_init.h TASKTYPE_RESET_BUS
    w = m.replies()
    check(len(w) == 1 and w[0] & 0x80000000, "no RESET_BUS reply: %r" % w)
    f = m.frame_of(w[0])
    check(f[3] == F_TM and struct.unpack_from("<I", f, 8)[0] == ctx, "wrong TM reply")
    st, = struct.unpack_from("<H", f, 0x0E)
    check(st == 0, "RESET_BUS IOCStatus %04x" % st)
    m.wr(0x44, (w[0] << 1) & 0xffffffff)             # frame back to the free FIFO
    for t in targets:
        np, info = page0(m, t)
        check(np == 0 and info == 0, "target %d after the bus reset: negotiated %08x "
              "information %08x, want async narrow (0)" % (t, np, info))
    check(m.lines("mptsas-spi: hba0: bus reset: every target async narrow"),
          "no bus reset line")
    for t in targets:
        write_page1(m, t, U320)
        check(page0(m, t)[0] == before[t], "target %d: page 1 again negotiated %08x, "
              "not %08x" % (t, page0(m, t)[0], before[t]))
    m.wr(DOORBELL, F_MUR << 24)
    check(m.state() == READY, "not READY after a message unit reset")
    m.ioc_init()
    check(page0(m, 0) == (0, 0), "target 0 after a message unit reset: %08x/%08x"
          % page0(m, 0))


def multifunction(m):
    """Two functions of one slot: a diagnostic reset of function 0 resets
    function 1 (READY, interrupts masked, its outstanding replies gone);
    a message unit reset of function 0 does not."""
    m.use_function(1)
    m.ioc_init()
    m.use_function(0)
    m.ioc_init()
    m.wr(0x00, F_MUR << 24)
    check(m.state() == READY, "fn0 not READY after MUR")
    m.use_function(1)
    check(m.state() == OPERATIONAL, "MUR of fn0 reset fn1: %08x" % m.rd(DOORBELL))
    m.tur(target=0)                                  # work for fn1 ...
    m.use_function(0)
    m.diag_reset()                                   # ... gone with the reset
    check(m.state() == READY, "fn0 not READY after its diagnostic reset")
    m.use_function(1)
    check(m.state() == READY, "fn1 not reset with fn0: doorbell %08x" % m.rd(DOORBELL))
    check(m.rd(INTMASK) & 0x9 == 0x9, "fn1 interrupts not masked: %08x" % m.rd(INTMASK))
    m.step(10000000)
    check(m.rd(0x44) == 0xffffffff, "fn1 still has a reply after the reset")
    check(m.lines("mptsas-hook: multifunction: hba0: diagnostic reset of function 0 "
                  "resets function 1"), "no multifunction line")
    m.ioc_init()                                     # fn1 comes back
    m.tur(target=0)
    check(m.replies(), "fn1 does not work after the reset")


def strict(m):
    """The strict checks apply to this personality: a request before
    IOCInit is refused and logged; a target at id 7 (the initiator) is
    refused by QEMU; in FAULT a message unit reset is ignored but, as
    mptbase KickStart sends it first on SPI, noted, not a violation."""
    m.tur()
    check(m.violations("not-operational"), "no not-operational violation")
    check(m.state() == READY, "IOC left READY")
    m.set("x-fault", 0x1234)
    m.wr(DOORBELL, F_MUR << 24)
    check(m.rd(DOORBELL) == 0x40001234, "MUR in FAULT not ignored: %08x" % m.rd(DOORBELL))
    check(not m.violations("fault-halted"), "MUR in FAULT counted as a violation on SPI")
    check(m.lines("mptsas-hook: fault: hba0: message unit reset in FAULT"), "no note")
    m.diag_reset()
    check(m.state() == READY, "diagnostic reset did not leave FAULT")
    try:
        m.qmp_cmd("blockdev-add", driver="null-co", **{"node-name": "x7"})
        m.qmp_cmd("device_add", driver="scsi-hd", drive="x7", bus="hba0.0",
                  **{"scsi-id": 7})
    except Exception as e:  # noqa: the refusal is the point
        check("initiator" in str(e), "device_add at id 7: %s" % e)
    else:
        check(False, "a disk at scsi-id 7 was accepted")


TESTS = {
    "pci_ids": spi_model(pci_ids),
    "facts": spi_model(facts),
    "port_pages": spi_model(port_pages),
    "negotiation": spi_model(negotiation),
    "inquiry": spi_model(inquiry),
    "fail_below": spi_model(fail_below),
    "bus_reset": spi_model(bus_reset),
    "multifunction": spi_model(multifunction, disks=(0,), funcs=2, disks1=(0,)),
    "strict": spi_model(strict),
}

if __name__ == "__main__":
    run(TESTS, sys.argv)
