// SPDX-License-Identifier: GPL-2.0
/*
 * decode_test: mptmq_decode_scsi_reply() and mptmq_reply_offset() against
 * replies as QEMU's model sends them (qemu-mptsas.md appendix A), as real
 * firmware sends them, and as a hostile or broken device might.
 * Prints TAP; exits 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "mptmq_decode.h"

static int n, fails;

static void ok(int cond, const char *name)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, name);
	fails += !cond;
}

static struct mpi_scsi_io_reply reply(u16 status, u8 state, u8 sam, u32 xfer, u32 sense)
{
	struct mpi_scsi_io_reply r;

	memset(&r, 0, sizeof(r));
	r.function = MPI_FUNCTION_SCSI_IO_REQUEST;
	r.msg_length = sizeof(r) / 4;
	r.ioc_status = cpu_to_le16(status);
	r.scsi_state = state;
	r.scsi_status = sam;
	r.transfer_count = cpu_to_le32(xfer);
	r.sense_count = cpu_to_le32(sense);
	return r;
}

#define DECODE(r, bufflen, dlen, under) \
	mptmq_decode_scsi_reply(&(r), (bufflen), (dlen), (under), 96, &res)

int main(void)
{
	struct mptmq_result res;
	struct mpi_scsi_io_reply r;

	printf("TAP version 13\n");

	/* QEMU: unit attention on TEST UNIT READY (appendix A). */
	r = reply(0x45, MPI_SCSI_STATE_AUTOSENSE_VALID, SAM_STAT_CHECK_CONDITION, 0, 18);
	DECODE(r, 0, 0, 0);
	ok(res.host == DID_OK && res.sam == SAM_STAT_CHECK_CONDITION && res.sense_len == 18 &&
	   res.resid == 0, "check condition: status and 18 bytes of sense");

	/* QEMU: INQUIRY alloc 36 with DataLength 96 -> underrun, 36 moved. */
	r = reply(MPI_IOCSTATUS_SCSI_DATA_UNDERRUN, 0, SAM_STAT_GOOD, 36, 0);
	DECODE(r, 96, 96, 0);
	ok(res.host == DID_OK && res.sam == 0 && res.resid == 60 && !res.sense_len,
	   "underrun: residual = DataLength - TransferCount");

	/* QEMU 7.2 bug: TransferCount larger than DataLength. */
	r = reply(MPI_IOCSTATUS_SCSI_DATA_UNDERRUN, 0, SAM_STAT_GOOD, 3584, 0);
	DECODE(r, 2048, 2048, 0);
	ok(res.host == DID_OK && res.resid == 0, "TransferCount > DataLength clamps to no residual");

	/* Hostile: all-ones counts. */
	r = reply(MPI_IOCSTATUS_SCSI_DATA_UNDERRUN, MPI_SCSI_STATE_AUTOSENSE_VALID,
		  SAM_STAT_CHECK_CONDITION, 0xffffffff, 0xffffffff);
	DECODE(r, 4096, 4096, 0);
	ok(res.resid == 0 && res.sense_len == 96, "all-ones TransferCount and SenseCount are clamped");

	/* DataLength clamped below the buffer (SG_IO buffer larger than the CDB). */
	r = reply(MPI_IOCSTATUS_SUCCESS, 0, SAM_STAT_GOOD, 512, 0);
	DECODE(r, 1024, 512, 0);
	ok(res.host == DID_OK && res.resid == 512, "clamped DataLength leaves the rest as residual");

	/* Sense claimed without AUTOSENSE_VALID is not copied. */
	r = reply(0x45, 0, SAM_STAT_CHECK_CONDITION, 0, 18);
	DECODE(r, 0, 0, 0);
	ok(res.sense_len == 0, "no sense copied without AUTOSENSE_VALID");

	/* Less than the midlayer's underflow with GOOD status: retry. */
	r = reply(MPI_IOCSTATUS_SCSI_DATA_UNDERRUN, 0, SAM_STAT_GOOD, 512, 0);
	DECODE(r, 4096, 4096, 4096);
	ok(res.host == DID_SOFT_ERROR, "short transfer below underflow is retried");

	/* NO_SCSI_STATUS: the IOC never got a status from the target. */
	r = reply(MPI_IOCSTATUS_SCSI_DATA_UNDERRUN, MPI_SCSI_STATE_NO_SCSI_STATUS, 0, 0, 0);
	DECODE(r, 512, 512, 0);
	ok(res.host == DID_SOFT_ERROR, "underrun without SCSI status is a soft error");

	r = reply(MPI_IOCSTATUS_SCSI_TASK_TERMINATED, MPI_SCSI_STATE_NO_SCSI_STATUS, 0, 0, 0);
	DECODE(r, 512, 512, 0);
	ok(res.host == DID_RESET && res.resid == 512, "task terminated: DID_RESET, nothing moved");

	r = reply(MPI_IOCSTATUS_SCSI_IOC_TERMINATED, 0, 0, 0, 0);
	DECODE(r, 512, 512, 0);
	ok(res.host == DID_RESET, "IOC terminated: DID_RESET");

	r = reply(MPI_IOCSTATUS_SCSI_DEVICE_NOT_THERE, MPI_SCSI_STATE_NO_SCSI_STATUS, 0, 0, 0);
	DECODE(r, 36, 36, 0);
	ok(res.host == DID_NO_CONNECT, "device not there: DID_NO_CONNECT");

	r = reply(MPI_IOCSTATUS_SCSI_INVALID_TARGETID, MPI_SCSI_STATE_NO_SCSI_STATUS, 0, 0, 0);
	DECODE(r, 36, 36, 0);
	ok(res.host == DID_BAD_TARGET, "invalid target id: DID_BAD_TARGET");

	r = reply(MPI_IOCSTATUS_BUSY, 0, 0, 0, 0);
	DECODE(r, 512, 512, 0);
	ok(res.host == DID_OK && res.sam == SAM_STAT_BUSY, "IOC busy: SAM BUSY for a retry");

	/*
	 * Overrun: the target had more than DataLength; the buffer is full
	 * and the SCSI status decides (mptscsih_io_done: residual 0, then
	 * handled as success).
	 */
	r = reply(MPI_IOCSTATUS_SCSI_DATA_OVERRUN, 0, SAM_STAT_GOOD, 0, 0);
	DECODE(r, 512, 512, 512);
	ok(res.host == DID_OK && res.sam == SAM_STAT_GOOD && res.resid == 0 && !res.unexpected,
	   "overrun with GOOD status: DID_OK, no residual");
	r = reply(MPI_IOCSTATUS_SCSI_DATA_OVERRUN, MPI_SCSI_STATE_AUTOSENSE_VALID,
		  SAM_STAT_CHECK_CONDITION, 512, 18);
	DECODE(r, 1024, 512, 0);
	ok(res.host == DID_OK && res.sam == SAM_STAT_CHECK_CONDITION && res.sense_len == 18 &&
	   res.resid == 512, "overrun with CHECK CONDITION: status and sense kept");
	r = reply(MPI_IOCSTATUS_SCSI_DATA_OVERRUN, MPI_SCSI_STATE_NO_SCSI_STATUS, 0, 0, 0);
	DECODE(r, 512, 512, 0);
	ok(res.host == DID_SOFT_ERROR, "overrun without SCSI status: soft error");

	/*
	 * Residual mismatch: nothing moved is not GOOD whatever the status
	 * (mptscsih: DID_SOFT_ERROR when TransferCount is 0 or below the
	 * underflow); enough moved is.
	 */
	r = reply(MPI_IOCSTATUS_SCSI_RESIDUAL_MISMATCH, 0, SAM_STAT_GOOD, 0, 0);
	DECODE(r, 512, 512, 0);
	ok(res.host == DID_SOFT_ERROR && res.resid == 512,
	   "zero-byte residual mismatch: soft error, everything residual");
	r = reply(MPI_IOCSTATUS_SCSI_RESIDUAL_MISMATCH, 0, SAM_STAT_GOOD, 256, 0);
	DECODE(r, 512, 512, 512);
	ok(res.host == DID_SOFT_ERROR, "residual mismatch below underflow: soft error");
	r = reply(MPI_IOCSTATUS_SCSI_RESIDUAL_MISMATCH, 0, SAM_STAT_GOOD, 512, 0);
	DECODE(r, 512, 512, 512);
	ok(res.host == DID_OK && res.sam == SAM_STAT_GOOD && res.resid == 0,
	   "residual mismatch with everything moved: GOOD");

	r = reply(MPI_IOCSTATUS_INVALID_SGL, 0, 0, 0, 0);
	DECODE(r, 512, 512, 0);
	ok(res.host == DID_ERROR && res.unexpected, "invalid SGL: DID_ERROR, logged");

	r = reply(0x7fff, MPI_SCSI_STATE_AUTOSENSE_VALID, 0xff, 0, 96);
	DECODE(r, 512, 512, 0);
	ok(res.host == DID_ERROR && res.sense_len == 0 && res.sam == 0,
	   "unknown IOCStatus: DID_ERROR, no sense, no status");

	r = reply(MPI_IOCSTATUS_SUCCESS | MPI_IOCSTATUS_LOG_INFO_AVAILABLE, 0, SAM_STAT_GOOD, 512, 0);
	DECODE(r, 512, 512, 0);
	ok(res.host == DID_OK && res.resid == 0, "LogInfo-available bit is masked off");

	/* Reply frame validation: pool at 0x10000, 128 frames of 80 bytes. */
	ok(mptmq_reply_offset(0x80000000 | (0x10000 >> 1), 0x10000, 128, 80) == 0,
	   "first reply frame accepted");
	ok(mptmq_reply_offset(0x80000000 | ((0x10000 + 127 * 80) >> 1), 0x10000, 128, 80) ==
	   127 * 80, "last reply frame accepted");
	ok(mptmq_reply_offset(0x80000000 | ((0x10000 + 128 * 80) >> 1), 0x10000, 128, 80) < 0,
	   "frame past the pool rejected");
	ok(mptmq_reply_offset(0x80000000 | ((0x10000 - 80) >> 1), 0x10000, 128, 80) < 0,
	   "frame before the pool rejected");
	ok(mptmq_reply_offset(0x80000000 | ((0x10000 + 40) >> 1), 0x10000, 128, 80) < 0,
	   "frame off a frame boundary rejected");
	ok(mptmq_reply_offset(0xffffffff, 0x10000, 128, 80) < 0, "all-ones descriptor rejected");

	printf("1..%d\n", n);
	return fails ? 1 : 0;
}
