// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_reply: the reply path of mptmq_reply.c (mptmq_drain_replies() and
 * everything under it: descriptor decoding, reply frame validation, the
 * SCSI IO reply to midlayer result mapping, internal and event replies)
 * on replies the device wrote.
 *
 * Input: byte 0 picks the commands in flight (1-64), byte 1 the reply
 * frames (1-32); then the reply pool's bytes (80 per frame); the rest is
 * the reply FIFO, 32-bit little-endian descriptors.  Then the event work
 * runs on whatever events were queued, and the IOC fails what is left.
 * Checked (fuzz_env.c): no access outside the pool, sense slots, reply
 * copies (ASan); every command completed at most once, unmapped first,
 * with 0 <= resid <= bufflen; only our frames handed back; no WARN; locks
 * released; the event ring consistent.
 */
#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	unsigned int nr_io, depth;

	fuzz_in = (struct fuzz_input){ .data = data, .len = size };
	nr_io = 1 + fuzz_u8() % FUZZ_MAX_IO;
	depth = 1 + fuzz_u8() % 32;
	fuzz_ioc_setup(nr_io, depth);
	fuzz_take(fuzz_ioc.pool + fuzz_ioc.reply_offset, (size_t)depth * MPTMQ_REPLY_FRAME_SIZE);
	/* No answers to what the event work sends: the FIFO input is used up. */
	mptmq_drain_replies(&fuzz_ioc);
	fuzz_fifo_mode = FUZZ_FIFO_EMPTY;
	if (fuzz_ioc.event_work.pending)
		mptmq_event_work(&fuzz_ioc.event_work);
	mptmq_fail_all(&fuzz_ioc, DID_RESET);
	fuzz_ioc_teardown();
	return 0;
}
