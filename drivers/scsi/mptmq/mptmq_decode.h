/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mptmq: reply decoding - reply-frame validation and the one mapping of an
 * MPI SCSI IO reply to a midlayer result.
 *
 * Pure functions, shared by the reply path and the host-side unit test
 * (tests/host/), which feeds them hostile and buggy replies.
 */
#ifndef _MPTMQ_DECODE_H
#define _MPTMQ_DECODE_H

#include <mptmq/mpi.h>

/**
 * mptmq_reply_offset() - where an address reply's frame is in the reply pool
 * @desc: reply descriptor (bit 31 set, frame address >> 1 below it)
 * @reply_low: low 32 bits of the first reply frame's bus address
 * @depth: reply frames in the pool
 * @frame_size: reply frame size
 *
 * Return: the frame's byte offset in the pool, or -1 if the descriptor does
 * not name one of our frames (outside the pool or not on a frame boundary).
 */
static inline long mptmq_reply_offset(u32 desc, u32 reply_low, unsigned int depth,
				      unsigned int frame_size)
{
	u32 off = (desc << 1) - reply_low;

	if (off >= depth * frame_size || off % frame_size)
		return -1;
	return off;
}

/**
 * struct mptmq_result - a decoded SCSI IO reply
 * @host: host byte (DID_*)
 * @sam: SAM status byte
 * @resid: residual, at most the buffer length
 * @sense_len: sense bytes to copy from the command's sense slot
 * @unexpected: the IOCStatus says the request itself was bad: worth a log line
 */
struct mptmq_result {
	int	host;
	u8	sam;
	u32	resid;
	u32	sense_len;
	bool	unexpected;
};

/**
 * mptmq_decode_scsi_reply() - map IOCStatus, SCSIState and SCSIStatus
 * @rep: the reply frame (device-written, not trusted)
 * @bufflen: the command's buffer length
 * @data_length: the DataLength sent (<= @bufflen)
 * @underflow: the least the midlayer accepts, bytes (0 for no check)
 * @sense_max: size of the sense slot
 * @res: the result
 *
 * The transfer count is clamped to what was asked and the sense length to
 * what the slot holds, whatever the reply says.
 */
static inline void mptmq_decode_scsi_reply(const struct mpi_scsi_io_reply *rep, u32 bufflen,
					   u32 data_length, u32 underflow, u32 sense_max,
					   struct mptmq_result *res)
{
	u16 status = le16_to_cpu(rep->ioc_status) & MPI_IOCSTATUS_MASK;
	u32 xfer = le32_to_cpu(rep->transfer_count);
	u32 sense = le32_to_cpu(rep->sense_count);
	u8 state = rep->scsi_state;

	if (xfer > data_length)
		xfer = data_length;
	res->resid = bufflen - xfer;
	res->sense_len = 0;
	if (state & MPI_SCSI_STATE_AUTOSENSE_VALID)
		res->sense_len = sense < sense_max ? sense : sense_max;
	res->host = DID_OK;
	res->sam = 0;
	res->unexpected = false;

	switch (status) {
	case MPI_IOCSTATUS_SCSI_DATA_OVERRUN:
		/*
		 * The target offered more than DataLength: the buffer is full
		 * and the SCSI status decides (mptscsih: residual 0, then as
		 * success).
		 */
		xfer = data_length;
		res->resid = bufflen - xfer;
		fallthrough;
	case MPI_IOCSTATUS_SUCCESS:
	case MPI_IOCSTATUS_SCSI_RECOVERED_ERROR:
	case MPI_IOCSTATUS_SCSI_DATA_UNDERRUN:
	case MPI_IOCSTATUS_SCSI_RESIDUAL_MISMATCH:
		if (state & (MPI_SCSI_STATE_NO_SCSI_STATUS | MPI_SCSI_STATE_TERMINATED)) {
			res->host = DID_SOFT_ERROR;
			res->sense_len = 0;
		} else if (status == MPI_IOCSTATUS_SCSI_RESIDUAL_MISMATCH && !xfer) {
			/*
			 * The IOC's count and the target's disagree and nothing
			 * arrived: not a GOOD completion (mptscsih retries it).
			 */
			res->host = DID_SOFT_ERROR;
			res->sense_len = 0;
		} else {
			res->sam = rep->scsi_status;
			/* Less data than the midlayer can accept: retry it. */
			if (res->sam == SAM_STAT_GOOD && xfer < underflow)
				res->host = DID_SOFT_ERROR;
		}
		break;
	case MPI_IOCSTATUS_SCSI_TASK_TERMINATED:
	case MPI_IOCSTATUS_SCSI_IOC_TERMINATED:
	case MPI_IOCSTATUS_SCSI_EXT_TERMINATED:
		res->host = DID_RESET;
		break;
	case MPI_IOCSTATUS_SCSI_INVALID_BUS:
	case MPI_IOCSTATUS_SCSI_INVALID_TARGETID:
		res->host = DID_BAD_TARGET;
		break;
	case MPI_IOCSTATUS_SCSI_DEVICE_NOT_THERE:
		res->host = DID_NO_CONNECT;
		break;
	case MPI_IOCSTATUS_BUSY:
	case MPI_IOCSTATUS_INSUFFICIENT_RESOURCES:
		res->sam = SAM_STAT_BUSY;
		break;
	case MPI_IOCSTATUS_SCSI_IO_DATA_ERROR:
	case MPI_IOCSTATUS_SCSI_PROTOCOL_ERROR:
		res->host = DID_SOFT_ERROR;
		break;
	default:
		/* Bad SGL, bad field: the request was wrong. */
		res->host = DID_ERROR;
		res->unexpected = true;
		break;
	}
	if (res->host != DID_OK && res->host != DID_SOFT_ERROR)
		res->sense_len = 0;
}

#endif /* _MPTMQ_DECODE_H */
