#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""gen_seeds.py CORPUS - write the seed inputs of each harness into
CORPUS/<harness>/seed-*: well-formed device answers (as QEMU's mptsas
sends them) that the fuzzers mutate from.  Layouts: include/mptmq/mpi.h;
input formats: the comment at the top of each fuzz_*.c."""
import os
import struct
import sys

POOL_DMA = 0x00010000          # FUZZ_POOL_DMA
FRAME = 128                    # fuzz_env.c request frame size
NR_INTERNAL = 6                # MPTMQ_NR_INTERNAL
REPLY = 80                     # MPTMQ_REPLY_FRAME_SIZE
CTX_INTERNAL = 0x10000000


def reply_low(nr_io):
    return POOL_DMA + (nr_io + NR_INTERNAL) * FRAME


def addr_desc(nr_io, frame):
    return 0x80000000 | ((reply_low(nr_io) + frame * REPLY) >> 1)


def scsi_reply(ctx, status=0, state=0, ioc_status=0, xfer=512, sense=0):
    r = struct.pack('<BBBBBBBBIBBHIIIIHH', 0, 0, 9, 0x00, 10, 96, 0, 0, ctx, status, state,
                    ioc_status, 0, xfer, sense, 0, 0, 0)
    return r.ljust(REPLY, b'\0')


def event_reply(event, data, ack=0, flags=0x80, ctx=CTX_INTERNAL):
    body = struct.pack('<HBBBBBBIHHIII', len(data), 7 + len(data), 0x07, 0, 0, ack, flags,
                       ctx, 0, 0, 0, event, 0x1234)
    return (body + b''.join(struct.pack('<I', d) for d in data)).ljust(REPLY, b'\0')


def config_reply(action, ext_len=0, ext_type=0, ptype=0, plen=0, ctx=CTX_INTERNAL | 4):
    return struct.pack('<BBBBHBBIHHIBBBB', action, 0, 6, 0x04, ext_len, ext_type, 0, ctx, 0, 0,
                       0, 0, plen, 0, ptype)


def seeds():
    s = {}
    nr_io, depth = 8, 4
    pool = [scsi_reply(0), scsi_reply(1, status=2, state=0x01, sense=18),
            scsi_reply(2, ioc_status=0x45, xfer=100),
            event_reply(0x0f, [0x00030000, 0, 0, 0, 0, 0, 0], ack=1)]
    fifo = [addr_desc(nr_io, 0), 3, addr_desc(nr_io, 1), addr_desc(nr_io, 2),
            addr_desc(nr_io, 3), 4]
    s['fuzz_reply'] = {'mixed': bytes([nr_io - 1, depth - 1]) + b''.join(pool) +
                       b''.join(struct.pack('<I', d) for d in fifo)}
    ev = []
    for e, d in ((0x0f, [0x00030000, 0x5000c500, 0x1e571000, 0, 0, 0, 0]),
                 (0x16, [0, 0]), (0x0a, []), (0x0f, [0x00040001] + [0] * 6)):
        r = event_reply(e, d, ack=1)[:28 + 4 * len(d)]
        ev.append(bytes([len(r)]) + r)
    # The answer to EventNotification first (event EVENT_CHANGE, as QEMU
    # answers), then the events, then an EventAck answer.
    answer = event_reply(0x0a, [], flags=0)[:28]
    s['fuzz_event'] = {'events': bytes([len(answer)]) + answer + b'\0' + b''.join(ev) +
                       bytes([20]) + config_reply(0)[:20]}
    # read_identity: header of IO Unit 2, page, header of Manufacturing 0,
    # page; then the extended SAS IO Unit page 0 header and page.
    manu = (struct.pack('<BBBB', 0, 19, 0, 0x09) + b'53C1068'.ljust(16) + b'A0'.ljust(8) +
            b'LSI SAS1068'.ljust(16) + b'ASM'.ljust(16) + b'TRACER'.ljust(16))
    io2 = struct.pack('<BBBBII', 0, 3, 2, 0x00, 0, 0x01020304)
    cfg = bytes([255])  # extended page buffer: 1028 bytes
    cfg += bytes([24]) + config_reply(0, ptype=0x00, plen=3)
    cfg += io2 + bytes([24]) + config_reply(1, ptype=0x00, plen=3)
    cfg += bytes([24]) + config_reply(0, ptype=0x09, plen=19)
    cfg += manu + bytes([24]) + config_reply(1, ptype=0x09, plen=19)
    phys = b''.join(struct.pack('<BBBBIHHI', 0, 0, 0, 9, 0x490, 1 + i, 0, 0) for i in range(2))
    sas0 = struct.pack('<BBBBHBBHHBBH', 0, 0, 0, 0x0f, 12, 0x10, 0, 0, 0, 2, 0, 0) + phys
    cfg += bytes([24]) + config_reply(0, ext_len=len(sas0) // 4, ext_type=0x10, ptype=0x0f) + b'\0'
    cfg += sas0 + bytes([24]) + config_reply(1, ext_len=len(sas0) // 4, ext_type=0x10,
                                             ptype=0x0f) + b'\0'
    s['fuzz_config'] = {'identity-sas0': cfg}
    s['fuzz_scsi_result'] = {
        'good': struct.pack('<IIIB', 4096, 4096, 4096, 96) + scsi_reply(0)[:36] +
        struct.pack('<IIB', addr_desc(8, 1), reply_low(8), 4),
        'sense': struct.pack('<IIIB', 4096, 4096, 512, 96) +
        scsi_reply(0, status=2, state=1, sense=18, xfer=0)[:36]}
    s['fuzz_sgl'] = {'chain': bytes([32, 1, 34, 40, 0, 1]) +
                     b''.join(struct.pack('<III', 1, 0x1000 * i, 4096) for i in range(40))}
    return s


def main():
    top = sys.argv[1]
    for h, files in seeds().items():
        os.makedirs(os.path.join(top, h), exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(top, h, 'seed-' + name), 'wb') as f:
                f.write(data)


main()
