// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_event: event notification replies (mptmq_config.c's event ring:
 * mptmq_event_reply(), mptmq_event_work() with its EventAcks and re-arm),
 * as the reply path hands them over, and the SAS event data parsing of
 * mptmq_sas_pages.h.
 *
 * Input: a sequence of records [len byte][that many bytes of reply frame],
 * each queued as one event reply of length len % 81 (more than the ring
 * holds when the input is long: overflow is part of the game); the event
 * work runs every 16 records and at the end.  The answers to EventAck and
 * EventNotification come from the rest of the input (fuzz_env.c).
 */
#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 frame[MPTMQ_REPLY_FRAME_SIZE];
	unsigned int n = 0;

	fuzz_in = (struct fuzz_input){ .data = data, .len = size };
	fuzz_ioc_setup(4, 4);
	fuzz_ioc.events_on = true;
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
