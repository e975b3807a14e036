// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_event: event notification replies (mptmq_config.c's event ring:
 * mptmq_event_reply(), mptmq_event_work() with its EventAcks and re-arm),
 * as the reply path hands them over, and the SAS event data parsing of
 * mptmq_sas_pages.h.
 *
 * Input: first the answer to the EventNotification of bring-up
 * (fuzz_env.c: a reply length byte, the reply, a context byte), then a
 * sequence of records [len byte][that many bytes of reply frame],
 * each queued as one event reply of length len % 81 (more than the ring
 * holds when the input is long: overflow is part of the game); the event
 * work runs every 16 records and at the end.  The answers to EventAck and
 * EventNotification come from the rest of the input (fuzz_env.c).
 * Checked besides fuzz_env.c's invariants: the ring is empty after the
 * work; events are on exactly when the IOC answered EventNotification.
 */
#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 frame[MPTMQ_REPLY_FRAME_SIZE];
	unsigned int n = 0;

	fuzz_in = (struct fuzz_input){ .data = data, .len = size };
	fuzz_ioc_setup(4, 4);
	/* Bring-up: EventNotification goes out, the answer is input. */
	mutex_lock(&fuzz_ioc.ioc_mutex);
	mptmq_events_enable(&fuzz_ioc);
	mutex_unlock(&fuzz_ioc.ioc_mutex);
	if (fuzz_event_answered != fuzz_ioc.events_on)
		fuzz_fail("the IOC %s EventNotification, the driver runs %s events",
			  fuzz_event_answered ? "answered" : "did not answer",
			  fuzz_ioc.events_on ? "with" : "without");
	while (fuzz_in.pos < fuzz_in.len) {
		unsigned int len = fuzz_u8() % (MPTMQ_REPLY_FRAME_SIZE + 1);
		u8 *copy;

		fuzz_take(frame, len);
		/* Exactly @len bytes: ASan sees a read past what is valid. */
		copy = malloc(len ? len : 1);
		memcpy(copy, frame, len);
		mptmq_event_reply(&fuzz_ioc, (const void *)copy, len);
		free(copy);
		if (++n % 16 == 0 && fuzz_ioc.event_work.pending) {
			fuzz_ioc.event_work.pending = 0;
			mptmq_event_work(&fuzz_ioc.event_work);
		}
	}
	if (fuzz_ioc.event_work.pending)
		mptmq_event_work(&fuzz_ioc.event_work);
	if (fuzz_ioc.event_count)
		fuzz_fail("%u events left in the ring after the event work", fuzz_ioc.event_count);
	fuzz_ioc_teardown();
	return 0;
}
