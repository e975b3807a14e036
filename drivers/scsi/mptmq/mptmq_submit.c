// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: submit path - SCSI IO request and SGL building, queuecommand,
 * per-device configuration.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/rcupdate.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>

#include "mptmq.h"
#include "mptmq_trace.h"

/*
 * DataLength for the request.  For disk READ/WRITE the IOC must be told
 * exactly what the CDB moves: some implementations (QEMU's model among
 * them) transfer DataLength bytes whatever the CDB says, so an SG_IO
 * request with a buffer larger than its CDB would otherwise write past the
 * blocks it names.  The rest of the buffer is reported as residual.
 */
static u32 mptmq_data_length(struct scsi_cmnd *scmd)
{
	struct scsi_device *sdev = scmd->device;
	u32 len = scsi_bufflen(scmd);
	const u8 *cdb = scmd->cmnd;
	u64 blocks;

	/*
	 * Only a passthrough request (SG_IO, bsg) brings its own CDB and
	 * buffer; sd builds a file system request's CDB from the request's
	 * own sectors (sd_setup_read_write_cmnd()), so the two agree and the
	 * opcode need not be looked at on the I/O path.
	 */
	if (likely(!blk_rq_is_passthrough(scsi_cmd_to_rq(scmd))))
		return len;
	if ((sdev->type != TYPE_DISK && sdev->type != TYPE_ZBC) || !sdev->sector_size)
		return len;
	switch (cdb[0]) {
	case READ_6:
	case WRITE_6:
		if (scmd->cmd_len < 6)
			return len;
		blocks = cdb[4] ? cdb[4] : 256;
		break;
	case READ_10:
	case WRITE_10:
		if (scmd->cmd_len < 10)
			return len;
		blocks = get_unaligned_be16(&cdb[7]);
		break;
	case READ_12:
	case WRITE_12:
		if (scmd->cmd_len < 12)
			return len;
		blocks = get_unaligned_be32(&cdb[6]);
		break;
	case READ_16:
	case WRITE_16:
		if (scmd->cmd_len < 16)
			return len;
		blocks = get_unaligned_be32(&cdb[10]);
		break;
	default:
		return len;
	}
	return min_t(u64, len, blocks * sdev->sector_size);
}

static void mptmq_finish_now(struct scsi_cmnd *scmd, int host_byte)
{
	scmd->result = host_byte << 16;
	scsi_done(scmd);
}

/*
 * Write every field of the SCSI IO request header once, no memset first;
 * the SGL follows (mptmq_sgl_build()), and its chain element sets
 * ChainOffset when one is used.
 */
static void mptmq_build_scsi_io(struct mpi_scsi_io_request *req, struct scsi_cmnd *scmd,
				const struct mptmq_target *tgt, unsigned int tag, u32 control,
				u32 data_length, u32 sense_low)
{
	struct scsi_device *sdev = scmd->device;

	mptmq_fw_addr_tgt(tgt, sdev, &req->bus, &req->target_id);
	req->chain_offset = 0;
	req->function = MPI_FUNCTION_SCSI_IO_REQUEST;
	req->cdb_length = scmd->cmd_len;
	req->sense_buffer_length = MPTMQ_SENSE_SIZE;
	req->rsvd06 = 0;
	/*
	 * The sense pool may lie above 4 GiB: without the 64-bit width the
	 * IOC ignores SenseBufferHighAddr and writes sense to the low 32-bit
	 * address (mptscsih sets it for every request, too).
	 */
	req->msg_flags = MPI_SCSIIO_MSGFLGS_SENSE_WIDTH_64;
	req->msg_context = cpu_to_le32(tag);
	/*
	 * A single-level LUN below 256 is byte 1 of the 8-byte LUN, the rest
	 * zero (SAM peripheral addressing, what int_to_scsilun() writes for
	 * it), without a call per command.
	 */
	if (likely(sdev->lun < 256))
		put_unaligned_le64((u64)sdev->lun << 8, req->lun);
	else
		int_to_scsilun(sdev->lun, (struct scsi_lun *)req->lun);
	req->control = cpu_to_le32(control);
	/*
	 * All 16 bytes, a fixed-size copy: cmd_len <= 16 was checked, and the
	 * bytes of scmd->cmnd past cmd_len are zero (the midlayer clears the
	 * whole array before sd builds a CDB, and when it sets up a
	 * passthrough request: scsi_prepare_cmd(), scsi_initialize_rq()).
	 */
	BUILD_BUG_ON(sizeof(scmd->cmnd) < sizeof(req->cdb));
	memcpy(req->cdb, scmd->cmnd, sizeof(req->cdb));
	req->data_length = cpu_to_le32(data_length);
	req->sense_buffer_low = cpu_to_le32(sense_low);
}

/**
 * mptmq_queuecommand() - build a SCSI IO request and post it to the IOC
 * @shost: the host
 * @scmd: the command; its blk-mq tag is the MsgContext and the frame index
 *
 * Locks: none held, none taken.  Calling context: blk-mq dispatch, may be
 * atomic; never sleeps.  The frame belongs to the tag, so nothing is
 * allocated; one MMIO write posts the request.
 *
 * Return: 0 (the command is ours until scsi_done()), or
 * SCSI_MLQUEUE_HOST_BUSY while the IOC is being reset or mapping failed.
 */
mptmq_qc_ret_t mptmq_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *scmd)
{
	struct mptmq_ioc *ioc = shost_to_ioc(shost);
	struct mptmq_cmd *cmd = scsi_cmd_priv(scmd);
	unsigned int tag = scsi_cmd_to_rq(scmd)->tag;
	const struct mptmq_target *tgt;
	struct mpi_scsi_io_request *req;
	u32 control, dir;
	mptmq_qc_ret_t ret = 0;
	int nseg;

	if (unlikely(tag >= ioc->nr_io || scmd->cmd_len > MPI_SCSIIO_CDB_MAX)) {
		WARN_ON_ONCE(tag >= ioc->nr_io);
		mptmq_finish_now(scmd, DID_ERROR);
		return 0;
	}
	/*
	 * A device that left the SAS topology: fail at once, do not send.
	 * The target's hostdata is looked up once, for this and the header.
	 */
	tgt = scsi_target(scmd->device)->hostdata;
	if (unlikely(mptmq_target_gone(tgt))) {
		mptmq_finish_now(scmd, DID_NO_CONNECT);
		return 0;
	}

	switch (scmd->sc_data_direction) {
	case DMA_TO_DEVICE:
		control = MPI_SCSIIO_CONTROL_WRITE;
		dir = MPI_SGE_FLAGS_HOST_TO_IOC;
		break;
	case DMA_FROM_DEVICE:
		control = MPI_SCSIIO_CONTROL_READ;
		dir = 0;
		break;
	case DMA_NONE:
		control = MPI_SCSIIO_CONTROL_NODATA;
		dir = 0;
		break;
	default:
		/* MPI 1.x SCSI IO has no bidirectional transfers. */
		scmd_printk(KERN_WARNING, scmd, "bidirectional command refused\n");
		mptmq_finish_now(scmd, DID_ERROR);
		return 0;
	}
	/*
	 * A READ/WRITE of zero blocks moves nothing, whatever buffer came
	 * with it (SG_IO): tell the IOC so, or it rejects the direction.
	 */
	cmd->data_length = mptmq_data_length(scmd);
	if (!cmd->data_length)
		control = MPI_SCSIIO_CONTROL_NODATA;
	control |= scmd->device->simple_tags ? MPI_SCSIIO_CONTROL_SIMPLEQ :
					       MPI_SCSIIO_CONTROL_UNTAGGED;

	nseg = scsi_dma_map(scmd);
	if (unlikely(nseg < 0))
		return SCSI_MLQUEUE_HOST_BUSY;
	if (WARN_ON_ONCE(nseg > ioc->max_sge)) {
		scsi_dma_unmap(scmd);
		mptmq_finish_now(scmd, DID_ERROR);
		return 0;
	}

	req = mptmq_frame(ioc, tag);
	mptmq_build_scsi_io(req, scmd, tgt, tag, control, cmd->data_length,
			    mptmq_sense_low(ioc, tag));
	mptmq_sgl_build(&ioc->geom, (u8 *)req, mptmq_chain(ioc, tag), mptmq_chain_dma(ioc, tag),
			scsi_sglist(scmd), nseg, dir);

	/*
	 * The in-flight bit is set only on the posting path, so a command
	 * bounced here is never seen by mptmq_fail_all().  The IOC reset path
	 * flips the state and then waits for an RCU grace period, so a request
	 * is either posted before the reset starts (and completed by it) or
	 * bounced here.  The read-side section is a preemption-disabled one:
	 * since v5.0 synchronize_rcu() also waits for those (its kernel-doc,
	 * kernel/rcu/tree.c), and it is two inline per-CPU operations where
	 * PREEMPT_RCU's rcu_read_lock() is two calls (~13 instructions per
	 * I/O, tbprof count).
	 */
	rcu_read_lock_sched();
	switch (mptmq_state(ioc)) {
	case MPTMQ_STATE_RUNNING:
		cmd->tm_gen = READ_ONCE(ioc->tm_gen);
		set_bit(MPTMQ_CMD_INFLIGHT, &cmd->flags);
		trace_mptmq_submit(ioc, scmd, tag, nseg);
		/* writel orders the frame's coherent-memory stores before the post. */
		mptmq_writel(ioc, mptmq_frame_low(ioc, tag), MPI_REG_REQUEST_FIFO);
		/*
		 * mptmq_ioc_mark_dead() has no grace period: it sets DEAD, then
		 * fails what is in flight.  Either it saw the bit set above, or
		 * this sees DEAD (both sides order with full barriers); the bit
		 * decides who completes the command.
		 */
		smp_mb__after_atomic();
		if (unlikely(mptmq_state(ioc) == MPTMQ_STATE_DEAD) &&
		    test_and_clear_bit(MPTMQ_CMD_INFLIGHT, &cmd->flags)) {
			scsi_dma_unmap(scmd);
			mptmq_finish_now(scmd, DID_NO_CONNECT);
		}
		break;
	case MPTMQ_STATE_DEAD:
		scsi_dma_unmap(scmd);
		mptmq_finish_now(scmd, DID_NO_CONNECT);
		break;
	default:
		scsi_dma_unmap(scmd);
		ret = SCSI_MLQUEUE_HOST_BUSY;
		break;
	}
	rcu_read_unlock_sched();
	return ret;
}

/**
 * mptmq_init_cmd_priv() - clear a command's private data, once
 * @shost: the host
 * @cmd: a command of the host's tag set, just allocated
 *
 * With this callback set, scsi_queue_rq() no longer clears the private
 * data before every command (drivers/scsi/scsi_lib.c: only "if the LLD
 * does not supply a function to initialize that data"), a memset() call
 * per I/O (~20 instructions, bench tbprof count).  Nothing needs it:
 * data_length is written by every queuecommand, tm_gen on every post and
 * read only while %MPTMQ_CMD_INFLIGHT is set, and that bit is clear
 * whenever the midlayer owns the command (exactly-once rule, mptmq.h).
 *
 * Locks: none.  Calling context: process (tag set allocation).
 * Return: 0.
 */
int mptmq_init_cmd_priv(struct Scsi_Host *shost, struct scsi_cmnd *cmd)
{
	memset(scsi_cmd_priv(cmd), 0, sizeof(struct mptmq_cmd));
	return 0;
}

/**
 * mptmq_sdev_configure() - set the queue depth of a new device
 * @sdev: the device
 * @lim: its queue limits (left as the template set them); NULL before 6.14,
 *	 see compat.h
 *
 * On a parallel SCSI port this also runs domain validation
 * (mptmq_spi_sdev_configure()), as mptspi's slave_configure does.
 *
 * Locks: none.  Calling context: process (scan).
 * Return: 0.
 */
int mptmq_sdev_configure(struct scsi_device *sdev, struct queue_limits *lim)
{
	mptmq_change_queue_depth(sdev, 64);
	/* Parallel SCSI: limits from INQUIRY, then domain validation. */
	if (shost_to_ioc(sdev->host)->spi)
		mptmq_spi_sdev_configure(sdev);
	return 0;
}

/**
 * mptmq_change_queue_depth() - set a device's queue depth (scan or sysfs)
 * @sdev: the device
 * @qdepth: the depth asked for
 *
 * A device without tagged queuing gets its requests UNTAGGED, and an
 * untagged nexus holds one command at a time: its depth stays 1 whatever
 * is asked (as mptscsih_change_queue_depth()).  Others get at most the
 * host's I/O frames.
 *
 * Locks: none.  Calling context: process.
 * Return: the new depth.
 */
int mptmq_change_queue_depth(struct scsi_device *sdev, int qdepth)
{
	struct mptmq_ioc *ioc = shost_to_ioc(sdev->host);

	if (!sdev->tagged_supported)
		qdepth = 1;
	return scsi_change_queue_depth(sdev, clamp_t(int, qdepth, 1, ioc->nr_io));
}
