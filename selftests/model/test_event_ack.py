#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_event_ack.py [TEST...] - the test QEMU's EventAck hooks.

x-event-ack-required makes the events the model sends carry AckRequired
(mpi_ioc.h MSG_EVENT_NOTIFY_REPLY byte 06h) and each its own EventContext
(18h); an EventAck (MSG_EVENT_ACK, function 08h) must name an event's
Event (0Ch) and EventContext (10h), as Linux mptbase's SendEventAck
copies them.  x-event-storm N sends N LOG_DATA events, at most 32 waiting
for their ack at once, every fourth malformed (EventDataLength past the
frame).  The read-only counters x-events-ack-required, x-event-acks and
x-event-acks-unmatched count what was sent and received.
Run one alone: selftests/model/test_event_ack.py storm_paced_by_acks
"""
import struct
import sys

from mptmodel import (with_model, check, run, REPLY_FIFO, REPLY_FRAMES, REPLY_SIZE,
                      F_EVENT_NOTIFY)

A_BIT = 0x80000000
F_EVENT_ACK = 0x08
EVENT_LOG_DATA = 0x01
BURST = 32


def events_on(m):
    """Post 64 more reply frames (the storm keeps 16 free for other
    replies), then EventNotification on."""
    for i in range(32, 96):
        m.wr(REPLY_FIFO, REPLY_FRAMES + i * REPLY_SIZE)
    m.held = []
    ctx = m.next_ctx()
    m.post(struct.pack("<BBBBBBBBI", 1, 0, 0, F_EVENT_NOTIFY, 0, 0, 0, 0, ctx))
    words = m.replies()
    check(len(words) == 1 and words[0] & A_BIT, "no EventNotification reply: %r" % words)
    give_back(m, words)


def give_back(m, words):
    """Return address-reply frames to the reply free FIFO, as a host does."""
    for w in words:
        if w & A_BIT:
            m.wr(REPLY_FIFO, (w << 1) & 0xffffffff)


def take_events(m, want, wait=1.0):
    """Drain the FIFO: [(event, context, datalen)] of the event replies."""
    out = []
    words = m.held + m.replies(wait=wait, want=max(want - len(m.held), 0))
    m.held = []
    for w in words:
        check(w & A_BIT, "a context reply 0x%08x among the events" % w)
        f = m.frame_of(w)
        check(f[3] == F_EVENT_NOTIFY, "not an event reply: %s" % f.hex())
        check(f[6] == 1, "AckRequired is %d" % f[6])
        out.append((struct.unpack_from("<I", f, 0x14)[0],
                    struct.unpack_from("<I", f, 0x18)[0],
                    struct.unpack_from("<H", f, 0)[0]))
    give_back(m, words)
    return out


def ack(m, event, context):
    m.post(struct.pack("<BBBBBBBBIII", 0, 0, 0, F_EVENT_ACK, 0, 0, 0, 0,
                       m.next_ctx(), event, context))
    words = m.replies()
    acks = [w for w in words if w & A_BIT and m.frame_of(w)[3] == F_EVENT_ACK]
    check(len(acks) == 1, "no EventAck reply: %r" % words)
    give_back(m, acks)
    # Events the ack let the model send: kept for take_events.
    m.held += [w for w in words if w not in acks]


def storm_paced_by_acks(m):
    m.set("x-event-ack-required", True)
    events_on(m)
    m.set("x-event-storm", BURST + 8)
    evs = take_events(m, BURST + 8, wait=1.0)
    check(len(evs) == BURST, "%d events before any ack, not %d" % (len(evs), BURST))
    check(all(e == EVENT_LOG_DATA for e, _, _ in evs), "not LOG_DATA: %r" % evs)
    check(len({c for _, c, _ in evs}) == len(evs), "EventContexts repeat: %r" % evs)
    check([n for _, _, n in evs].count(0x40) == BURST // 4,
          "not every fourth malformed: %r" % [n for _, _, n in evs])
    check(m.get("x-event-storm") == 8, "storm left %r" % m.get("x-event-storm"))
    check(m.get("x-events-ack-required") == BURST, "x-events-ack-required")
    for e, c, _ in evs:
        ack(m, e, c)
    rest = take_events(m, 8)
    check(len(rest) == 8, "%d events after the acks, not 8" % len(rest))
    for e, c, _ in rest:
        ack(m, e, c)
    check(m.get("x-event-storm") == 0, "storm not finished")
    check(m.get("x-events-ack-required") == BURST + 8, "x-events-ack-required %r"
          % m.get("x-events-ack-required"))
    check(m.get("x-event-acks") == BURST + 8, "x-event-acks %r" % m.get("x-event-acks"))
    check(m.get("x-event-acks-unmatched") == 0, "unmatched acks")
    check(m.notes("x-event-storm"), "no x-event-storm note")


def ack_unmatched(m):
    m.set("x-event-ack-required", True)
    events_on(m)
    m.set("x-event-storm", 2)
    evs = take_events(m, 2)
    check(len(evs) == 2, "events %r" % evs)
    (e0, c0, _), (e1, c1, _) = evs
    ack(m, e0, c0)
    ack(m, e0, c0)                      # twice
    check(m.get("x-event-acks-unmatched") == 1, "a second ack was not unmatched")
    ack(m, e1 + 1, c1)                  # the wrong event for that context
    check(m.get("x-event-acks-unmatched") == 2, "a wrong Event was matched")
    ack(m, e1, c1)
    check(m.get("x-event-acks") == 4, "x-event-acks %r" % m.get("x-event-acks"))
    check(m.get("x-event-acks-unmatched") == 2, "the right ack was unmatched")
    check(m.notes("x-event-ack-required"), "no note for the unmatched acks")


def no_ack_required(m):
    events_on(m)
    m.set("x-event-storm", 4)
    words = m.replies(want=4)
    check(len(words) == 4, "%d events" % len(words))
    for w in words:
        check(m.frame_of(w)[6] == 0, "AckRequired without x-event-ack-required")
    check(m.get("x-events-ack-required") == 0, "counted as needing acks")


TESTS = {f.__name__: with_model(f) for f in
         (storm_paced_by_acks, ack_unmatched, no_ack_required)}

if __name__ == "__main__":
    run(TESTS, sys.argv)
