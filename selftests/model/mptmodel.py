# SPDX-License-Identifier: GPL-2.0
"""mptmodel.py - drive the test QEMU's mptsas1068 directly, without a guest.

QEMU runs with the qtest accelerator: this process is the "CPU".  It pokes
the HBA's I/O BAR, writes request frames into guest RAM, reads replies back
and sets the model's x-* properties over QMP, so every strict check and
fault hook can be made to fire on purpose and its effect read back exactly.
Guest time (QEMU_CLOCK_VIRTUAL) only moves on clock_step, so the delay
hooks are checked without sleeping.

Used by test_strict.py, test_hooks.py and test_sas_events.py next to it.
Facts (register offsets, message layouts) are from the MPI 1.5 headers
(Linux drivers/message/fusion/lsi/mpi*.h) and QEMU's hw/scsi/mpi.h.
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

# Registers (mpi.h)
DOORBELL, WRSEQ, DIAG = 0x00, 0x04, 0x08
INTSTAT, INTMASK = 0x30, 0x34
REQ_POST, REPLY_FIFO = 0x40, 0x44
HIS_DOORBELL, HIS_REPLY = 0x01, 0x08
STATE_MASK = 0xF0000000
READY, OPERATIONAL, FAULT = 0x10000000, 0x20000000, 0x40000000
# Functions
F_SCSI_IO, F_TM, F_IOC_INIT, F_IOC_FACTS = 0x00, 0x01, 0x02, 0x03
F_PORT_ENABLE, F_EVENT_NOTIFY, F_SAS_IOUNIT_CONTROL = 0x06, 0x07, 0x1B
F_CONFIG, F_PORT_FACTS = 0x04, 0x05
# Config actions and page types (mpi_cnfg.h / QEMU hw/scsi/mpi.h)
CFG_HEADER, CFG_READ_CURRENT, CFG_WRITE_CURRENT = 0x00, 0x01, 0x02
CFG_WRITE_NVRAM, CFG_READ_NVRAM = 0x04, 0x06
PT_IOC, PT_SCSI_PORT, PT_SCSI_DEVICE = 0x01, 0x03, 0x04
F_MUR, F_HANDSHAKE = 0x40, 0x42

IO_BASE = 0xc000            # the I/O BAR we assign
REQ_FRAMES = 0x200000       # guest RAM layout of this harness
REPLY_FRAMES = 0x300000
SENSE = 0x400000
DATA = 0x500000
REPLY_SIZE = 128            # IOCInit ReplyFrameSize
PCI_DEV = 5                 # 00:05.0


class Fail(Exception):
    pass


def qemu_binary():
    """The test build: $MPTMQ_TEST_QEMU, else make qemu's answer."""
    b = os.environ.get("MPTMQ_TEST_QEMU")
    if b:
        return b
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run(["bash", os.path.join(here, "..", "qemu", "build.sh")],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return out.strip().splitlines()[-1]


# PCI device id of each HBA model (lsi53c1030: the test build's SPI
# personality, selftests/qemu/patches/0002-*).
DEVICE_IDS = {"mptsas1068": 0x0054, "lsi53c1030": 0x0030}


class Model:
    """One QEMU with one mptsas1068 (id hba0) and a null-co disk at target 0.

    DEVICE picks the HBA model; FUNCS=2 adds a second function (id hba1,
    00:05.1, multifunction=on) with PROPS1, DISKS1 its disks' target ids.
    Register and config accesses go to function self.fn (use_function)."""

    def __init__(self, extra_props="", disks=(0,), device="mptsas1068",
                 funcs=1, props1="", disks1=()):
        # MPTMQ_MODEL_PROPS: more -device properties for every model (the
        # mutant check: ",x-strict=off" must make test_strict.py fail).
        extra_props += os.environ.get("MPTMQ_MODEL_PROPS", "")
        self.device = device
        self.fn = 0
        self.io_base = IO_BASE
        self.dir = tempfile.mkdtemp(prefix="mptmodel.")
        qt, qmp = os.path.join(self.dir, "qtest"), os.path.join(self.dir, "qmp")
        self.log = os.path.join(self.dir, "qemu.log")
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lsock.bind(qt)
        lsock.listen(1)
        args = [qemu_binary(), "-L", "/usr/share/qemu", "-L", "/usr/share/seabios",
                "-machine", "q35,accel=qtest", "-m", "256", "-display", "none",
                "-nodefaults", "-qtest", "unix:" + qt, "-qtest-log", "/dev/null",
                "-qmp", "unix:%s,server=on,wait=off" % qmp,
                "-device", "%s,id=hba0,bus=pcie.0,addr=%d.0,msi=off%s%s"
                % (device, PCI_DEV, ",multifunction=on" if funcs > 1 else "",
                   extra_props)]
        if funcs > 1:
            args += ["-device", "%s,id=hba1,bus=pcie.0,addr=%d.1,msi=off%s"
                     % (device, PCI_DEV, props1)]
        for bus, tgts in ((0, disks), (1, disks1)):
            for t in tgts:
                n = "n%d_%d" % (bus, t)
                args += ["-blockdev", "driver=null-co,node-name=%s,size=67108864,read-zeroes=on" % n,
                         "-device", "scsi-hd,drive=%s,bus=hba%d.0,scsi-id=%d,lun=0,wwn=0x5000c5001e57%02x%02x"
                         % (n, bus, t, 16 + t, bus)]
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=self.logf, stderr=subprocess.STDOUT)
        lsock.settimeout(30)
        self.qt, _ = lsock.accept()
        lsock.close()
        self.qtbuf = b""
        for _ in range(100):
            if os.path.exists(qmp):
                break
            time.sleep(0.05)
        self.qmp = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.qmp.connect(qmp)
        self.qmpbuf = b""
        self._qmp_read()
        self.qmp_cmd("qmp_capabilities")
        self.ctx = 0x100
        for fn in range(funcs):
            self.use_function(fn)
            self.pci_setup()
        self.use_function(0)

    # ------------------------------------------------------------ plumbing
    def close(self):
        try:
            self.qmp_cmd("quit")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.logf.close()

    def qtest(self, line):
        self.qt.sendall(line.encode() + b"\n")
        while True:
            while b"\n" not in self.qtbuf:
                data = self.qt.recv(65536)
                if not data:
                    raise Fail("QEMU died (%s)" % self.stderr()[-300:])
                self.qtbuf += data
            resp, self.qtbuf = self.qtbuf.split(b"\n", 1)
            resp = resp.decode()
            if resp.startswith("IRQ"):
                continue
            if not resp.startswith("OK"):
                raise Fail("qtest %r: %s" % (line, resp))
            return resp[3:]

    def _qmp_read(self):
        while b"\n" not in self.qmpbuf:
            data = self.qmp.recv(65536)
            if not data:
                raise Fail("QMP closed")
            self.qmpbuf += data
        line, self.qmpbuf = self.qmpbuf.split(b"\n", 1)
        return json.loads(line)

    def qmp_cmd(self, cmd, **args):
        self.qmp.sendall(json.dumps({"execute": cmd, "arguments": args}).encode() + b"\n")
        while True:
            msg = self._qmp_read()
            if "event" in msg:
                continue
            if "error" in msg:
                raise Fail("QMP %s: %s" % (cmd, msg["error"]["desc"]))
            return msg.get("return")

    def set(self, prop, value):
        return self.qmp_cmd("qom-set", path="/machine/peripheral/hba%d" % self.fn,
                            property=prop, value=value)

    def get(self, prop):
        return self.qmp_cmd("qom-get", path="/machine/peripheral/hba%d" % self.fn,
                            property=prop)

    def stderr(self):
        self.logf.flush()
        with open(self.log) as f:
            return f.read()

    def lines(self, prefix):
        return [l for l in self.stderr().splitlines() if l.startswith(prefix)]

    def violations(self, rule=None):
        pre = "mptsas-strict: violation: " + (rule + ":" if rule else "")
        return self.lines(pre)

    def notes(self, prop):
        return self.lines("mptsas-hook: %s:" % prop)

    def step(self, ns=1000000):
        self.qtest("clock_step %d" % ns)

    # ------------------------------------------------------------- memory
    def wmem(self, addr, data):
        self.qtest("write 0x%x %d 0x%s" % (addr, len(data), data.hex() or "00"))

    def rmem(self, addr, n):
        return bytes.fromhex(self.qtest("read 0x%x %d" % (addr, n))[2:])

    # ---------------------------------------------------------------- PCI
    def use_function(self, fn):
        """Direct register and config accesses to function FN (I/O BAR
        0xc000 + 0x100 * FN)."""
        self.fn = fn
        self.io_base = IO_BASE + 0x100 * fn

    def cfg_addr(self, off):
        return 0x80000000 | (PCI_DEV << 11) | (self.fn << 8) | (off & ~3)

    def cfg_read(self, off, size=4):
        self.qtest("outl 0xcf8 0x%x" % self.cfg_addr(off))
        v = int(self.qtest("inl 0xcfc"), 16)
        return (v >> (8 * (off & 3))) & ((1 << (8 * size)) - 1)

    def cfg_write(self, off, val, size=4):
        self.qtest("outl 0xcf8 0x%x" % self.cfg_addr(off))
        port = 0xcfc + (off & 3)
        self.qtest({1: "outb", 2: "outw", 4: "outl"}[size] + " 0x%x 0x%x" % (port, val))

    def pci_setup(self):
        want = (DEVICE_IDS[self.device] << 16) | 0x1000
        if self.cfg_read(0, 4) != want:
            raise Fail("no %s at 00:%02x.%d: %08x" % (self.device, PCI_DEV, self.fn,
                                                     self.cfg_read(0)))
        self.cfg_write(0x10, self.io_base)      # BAR0: I/O
        self.cfg_write(0x04, 0x0005, 2)         # I/O space + bus master

    def find_cap(self, cap_id):
        p = self.cfg_read(0x34, 1)
        while p:
            if self.cfg_read(p, 1) == cap_id:
                return p
            p = self.cfg_read(p + 1, 1)
        return 0

    # ----------------------------------------------------------- registers
    def rd(self, reg):
        return int(self.qtest("inl 0x%x" % (self.io_base + reg)), 16)

    def wr(self, reg, val):
        self.qtest("outl 0x%x 0x%x" % (self.io_base + reg, val & 0xffffffff))

    def state(self):
        return self.rd(DOORBELL) & STATE_MASK

    def diag_reset(self):
        for k in (0x0, 0x4, 0xB, 0x2, 0x7, 0xD):
            self.wr(WRSEQ, k)
        self.wr(DIAG, 0x04)

    # ------------------------------------------------------------ messages
    def next_ctx(self):
        self.ctx += 1
        return self.ctx

    def handshake(self, msg, expect_reply=True):
        """Send MSG (bytes) through the doorbell; return the reply bytes."""
        assert len(msg) % 4 == 0
        self.wr(INTSTAT, 0)
        self.wr(DOORBELL, (F_HANDSHAKE << 24) | ((len(msg) // 4) << 16))
        if not self.rd(INTSTAT) & HIS_DOORBELL:
            raise Fail("handshake not acknowledged (doorbell 0x%08x)" % self.rd(DOORBELL))
        self.wr(INTSTAT, 0)
        for i in range(0, len(msg), 4):
            self.wr(DOORBELL, struct.unpack_from("<I", msg, i)[0])
        if not expect_reply:
            return None
        return self.handshake_reply()

    def handshake_reply(self):
        if not self.rd(INTSTAT) & HIS_DOORBELL:
            return None
        words = [self.rd(DOORBELL) & 0xffff, self.rd(DOORBELL) & 0xffff]
        n = (words[1] & 0xff) * 2
        while len(words) < n:
            words.append(self.rd(DOORBELL) & 0xffff)
        self.wr(INTSTAT, 0)         # ends the reply
        self.wr(INTSTAT, 0)         # clears the doorbell interrupt
        return struct.pack("<%dH" % len(words), *words)

    def ioc_init(self, sense_high=0, mfa_high=0, reply_frames=32):
        facts = self.handshake(struct.pack("<BBBBBBBBI", 0, 0, 0, F_IOC_FACTS, 0, 0, 0, 0,
                                           self.next_ctx()))
        if facts is None or facts[3] != F_IOC_FACTS:
            raise Fail("no IOCFacts reply")
        msg = struct.pack("<BBBBBBBBIHHIII", 0x04, 0, 0, F_IOC_INIT, 0, 0, 1, 0,
                          self.next_ctx(), REPLY_SIZE, 0, mfa_high, sense_high, 0)
        msg += bytes(12) + struct.pack("<HH", 0x0105, 0)
        rep = self.handshake(msg)
        if rep is None or rep[3] != F_IOC_INIT:
            raise Fail("no IOCInit reply")
        for i in range(reply_frames):
            self.wr(REPLY_FIFO, REPLY_FRAMES + self.fn * 0x40000 + i * REPLY_SIZE)
        self.wr(INTMASK, 0)
        if self.state() != OPERATIONAL:
            raise Fail("IOC not OPERATIONAL after IOCInit: 0x%08x" % self.rd(DOORBELL))

    def ioc_facts(self):
        """The IOCFacts reply (bytes)."""
        return self.handshake(struct.pack("<BBBBBBBBI", 0, 0, 0, F_IOC_FACTS, 0, 0, 0, 0,
                                          self.next_ctx()))

    def port_facts(self, port=0):
        """The PortFacts reply of PORT (bytes)."""
        return self.handshake(struct.pack("<BBBBBBBBI", 0, 0, 0, F_PORT_FACTS, 0, 0, port,
                                          0, self.next_ctx()))

    def config(self, action, ptype, number, address=0, data=None, length=0,
               version=0):
        """A Config request through the doorbell: (IOCStatus, reply header
        bytes 14h-17h, page bytes).  A read puts the page at DATA (LENGTH
        bytes, 0 = header only); a write sends DATA (bytes) from there."""
        buflen = len(data) if data is not None else length
        if data is not None:
            self.wmem(DATA, data)
            flags = 0xD1 | 0x04         # simple, last, EOB, EOL, host->IOC
        else:
            self.wmem(DATA, bytes(max(buflen, 1)))
            flags = 0xD1
        hdr_len = (buflen // 4) if data is not None else 0
        msg = struct.pack("<BBBBHBBI8sBBBBI", action, 0, 0, F_CONFIG, 0, 0, 0,
                          self.next_ctx(), bytes(8), version, hdr_len, number, ptype,
                          address)
        msg += struct.pack("<II", (flags << 24) | buflen, DATA)
        rep = self.handshake(msg)
        if rep is None or rep[3] != F_CONFIG:
            raise Fail("no Config reply (%r)" % rep)
        status = struct.unpack_from("<H", rep, 0x0E)[0]
        page = self.rmem(DATA, buflen) if buflen and data is None else b""
        return status, rep[0x14:0x18], page

    def read_page(self, ptype, number, address=0, action=CFG_READ_CURRENT):
        """Header then the page itself, as mptbase's mpt_config does."""
        st, hdr, _ = self.config(CFG_HEADER, ptype, number, address)
        if st:
            raise Fail("page %d/%d header: IOCStatus 0x%04x" % (ptype, number, st))
        st, _, page = self.config(action, ptype, number, address, length=hdr[1] * 4,
                                  version=hdr[0])
        if st:
            raise Fail("page %d/%d read: IOCStatus 0x%04x" % (ptype, number, st))
        return page

    def post(self, frame_bytes, slot=None):
        """Write a request frame into RAM and post it; return its address."""
        slot = self.ctx & 0x3f if slot is None else slot
        addr = REQ_FRAMES + self.fn * 0x40000 + slot * 512
        self.wmem(addr, frame_bytes)
        self.wr(REQ_POST, addr)
        return addr

    def scsi_io(self, cdb, datalen=0, read=True, target=0, msgflags=0,
                sense_low=SENSE, sense_len=32, ctx=None):
        ctx = ctx if ctx is not None else self.next_ctx()
        control = 0 if not datalen else (0x02000000 if read else 0x01000000)
        cdblen = len(cdb)
        cdb = bytes(cdb).ljust(16, b"\0")
        frame = struct.pack("<BBBBBBBBI8sI16sII", target, 0, 0, F_SCSI_IO, cdblen,
                            sense_len, 0, msgflags, ctx, bytes(8), control, cdb, datalen, sense_low)
        flags = 0x80 | 0x40 | 0x10 | 0x01 | (0 if read else 0x04)
        frame += struct.pack("<II", (flags << 24) | max(datalen, 0), DATA)
        self.post(frame)
        return ctx

    def tm(self, task_type, target=0, ctx=None):
        """Post a SCSI Task Management request (mpi_init.h MSG_SCSI_TASK_MGMT:
        TaskType at 05h, LUN 0, TaskMsgContext 0); return its MsgContext."""
        ctx = ctx if ctx is not None else self.next_ctx()
        self.post(struct.pack("<BBBBBBBBI8s28sI", target, 0, 0, F_TM, 0, task_type, 0, 0,
                              ctx, bytes(8), bytes(28), 0))
        return ctx

    def tur(self, **kw):
        return self.scsi_io([0, 0, 0, 0, 0, 0], **kw)

    def read10(self, lba, blocks=1, **kw):
        cdb = struct.pack(">BBIBHB", 0x28, 0, lba, 0, blocks, 0)
        return self.scsi_io(cdb, datalen=512 * blocks, **kw)

    def replies(self, wait=1.0, want=1):
        """Drain the reply FIFO; poll until WANT words came or WAIT s passed."""
        out = []
        end = time.time() + wait
        while True:
            self.step(100000)
            w = self.rd(REPLY_FIFO)
            if w != 0xffffffff:
                out.append(w)
                continue
            if len(out) >= want or time.time() > end:
                return out

    def frame_of(self, word):
        """The reply frame an address reply word points at (64 bytes)."""
        return self.rmem((word << 1) & 0xffffffff, 64)


def with_model(fn, props="", started=True):
    """A test of TESTS: FN(model) on a fresh device with PROPS; when STARTED,
    the IOC is initialised first and the disk's power-on UNIT ATTENTION
    taken (a TEST UNIT READY), so FN starts from an operational IOC."""
    def wrapped():
        m = Model(props)
        try:
            if started:
                m.ioc_init()
                m.tur()
                m.replies()
            fn(m)
        finally:
            m.close()
    wrapped.__name__ = fn.__name__
    return wrapped


def run(tests, argv):
    """Run the named tests of TESTS (dict name -> function(Model)) or all;
    print KTAP; exit 1 if any failed."""
    names = argv[1:] or list(tests)
    for n in names:
        if n not in tests:
            print("unknown test %s; known: %s" % (n, " ".join(tests)), file=sys.stderr)
            sys.exit(2)
    print("KTAP version 1")
    print("1..%d" % len(names))
    failed = 0
    for i, n in enumerate(names, 1):
        m = None
        try:
            m = tests[n]()
            status = "ok"
        except Exception as e:  # a failed check or a broken harness
            status = "not ok"
            print("# %s: %s" % (n, e))
            failed += 1
            m = getattr(e, "model", None)
        print("%s %d %s" % (status, i, n))
        sys.stdout.flush()
    sys.exit(1 if failed else 0)


def check(cond, what):
    if not cond:
        raise Fail(what)
