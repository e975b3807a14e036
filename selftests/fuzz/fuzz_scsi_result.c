// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_scsi_result: mptmq_decode_scsi_reply() (mptmq_decode.h), the one
 * mapping of a SCSI IO reply to a midlayer result, and
 * mptmq_reply_offset(), on any reply and any command geometry.
 *
 * Input: bufflen, data_length, underflow (32-bit LE each), a sense slot
 * size byte, then the reply frame (sizeof(struct mpi_scsi_io_reply)),
 * then descriptor, reply_low, depth.
 * Checked: 0 <= resid <= bufflen; sense_len <= the slot and 0 when the
 * host byte is neither OK nor SOFT_ERROR; a known host byte; a frame
 * offset only on a frame boundary inside the pool.
 */
#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct mpi_scsi_io_reply *rep = malloc(sizeof(*rep));
	struct mptmq_result res;
	u32 bufflen, dl, underflow, sense_max, desc, low, depth;
	long off;

	fuzz_in = (struct fuzz_input){ .data = data, .len = size };
	bufflen = fuzz_u32();
	dl = fuzz_u32();
	underflow = fuzz_u32();
	sense_max = fuzz_u8();
	fuzz_take(rep, sizeof(*rep));
	/* What the submit path guarantees: DataLength <= bufflen. */
	if (dl > bufflen)
		dl = bufflen;
	mptmq_decode_scsi_reply(rep, bufflen, dl, underflow, sense_max, &res);
	if (res.resid > bufflen)
		fuzz_fail("resid %u > bufflen %u", res.resid, bufflen);
	if (res.sense_len > sense_max)
		fuzz_fail("sense %u > slot %u", res.sense_len, sense_max);
	if (res.host != DID_OK && res.host != DID_SOFT_ERROR && res.sense_len)
		fuzz_fail("sense copied for host byte %d", res.host);
	if (res.host < DID_OK || res.host > DID_SOFT_ERROR)
		fuzz_fail("host byte %d", res.host);
	free(rep);

	desc = fuzz_u32();
	low = fuzz_u32();
	depth = fuzz_u8();
	off = mptmq_reply_offset(desc, low, depth, MPTMQ_REPLY_FRAME_SIZE);
	if (off >= 0 && (off % MPTMQ_REPLY_FRAME_SIZE ||
			 off >= (long)depth * MPTMQ_REPLY_FRAME_SIZE))
		fuzz_fail("frame offset %ld with %u frames", off, depth);
	return 0;
}
