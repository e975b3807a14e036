/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_env: the IOC, the SCSI midlayer and the parts of the driver not
 * compiled into the fuzzers (mptmq_ioc.c, mptmq_sas.c), as the harnesses
 * drive them.  Every byte the "device" hands the driver (reply FIFO
 * descriptors, reply frames, handshake replies, configuration pages) is
 * taken from the fuzzer's input through fuzz_take().
 */
#ifndef _FUZZ_ENV_H
#define _FUZZ_ENV_H

#include "mptmq.h"
#include "mptmq_decode.h"

#define FUZZ_POOL_DMA	0x00010000u	/* bus address of the pool: reply_low stays small */
#define FUZZ_MAX_IO	64

/* The input the device's answers are read from. */
struct fuzz_input {
	const u8	*data;
	size_t		len;
	size_t		pos;
};
extern struct fuzz_input fuzz_in;

/* Up to @n bytes of input into @dst (zeros past its end); returns bytes taken. */
size_t fuzz_take(void *dst, size_t n);
u8 fuzz_u8(void);
u32 fuzz_u32(void);

/* The IOC under test, its commands and what the midlayer saw. */
extern struct mptmq_ioc fuzz_ioc;
extern struct scsi_cmnd fuzz_cmds[FUZZ_MAX_IO];

/*
 * fuzz_ioc_setup() - a RUNNING IOC with @nr_io commands in flight, a reply
 * pool of @depth frames, the reply FIFO fed from the input.
 */
void fuzz_ioc_setup(unsigned int nr_io, unsigned int depth);
/* Free what fuzz_ioc_setup() allocated, after checking the invariants. */
void fuzz_ioc_teardown(void);
/* Abort (a fuzzer crash) with @why: an invariant the driver must keep. */
void fuzz_fail(const char *why, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* What the device answers on the request FIFO for an internal slot. */
enum fuzz_fifo_mode { FUZZ_FIFO_FROM_INPUT, FUZZ_FIFO_EMPTY };
extern enum fuzz_fifo_mode fuzz_fifo_mode;
/* The IOC answered an EventNotification (a reply reached its slot). */
extern bool fuzz_event_answered;

/*
 * A test's own model of the IOC's registers (selftests/unit/
 * drain_race_test.c): when set, register reads and writes go to it
 * instead of the input-fed reply FIFO above; a reply frame handed back is
 * still checked to be one of ours first.
 */
extern u32 (*fuzz_reg_read)(unsigned int reg);
extern void (*fuzz_reg_write)(u32 v, unsigned int reg);

#endif
