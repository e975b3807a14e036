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

#define MPTMQ_SGE_LAST_FLAGS	(MPI_SGE_FLAGS_LAST_ELEMENT | \
				 MPI_SGE_FLAGS_END_OF_BUFFER | \
				 MPI_SGE_FLAGS_END_OF_LIST)

/* Write one simple element at @pos; return the position after it. */
static u8 *mptmq_put_simple(struct mptmq_ioc *ioc, u8 *pos, u32 flags_length, dma_addr_t addr)
{
	if (ioc->sge64) {
		struct mpi_sge_simple64 *s = (void *)pos;

		s->flags_length = cpu_to_le32(flags_length | MPI_SGE_FLAGS_64BIT_ADDRESS);
		s->address_low = cpu_to_le32(lower_32_bits(addr));
		s->address_high = cpu_to_le32(upper_32_bits(addr));
	} else {
		struct mpi_sge_simple32 *s = (void *)pos;

		s->flags_length = cpu_to_le32(flags_length);
		s->address = cpu_to_le32(lower_32_bits(addr));
	}
	return pos + ioc->sge_size;
}

/* Write a chain element at @pos pointing at a @len byte segment at @addr. */
static void mptmq_put_chain(struct mptmq_ioc *ioc, u8 *pos, unsigned int len,
			    unsigned int next_offset, dma_addr_t addr)
{
	if (ioc->sge64) {
		struct mpi_sge_chain64 *c = (void *)pos;

		c->length = cpu_to_le16(len);
		c->next_chain_offset = next_offset;
		c->flags = MPI_SGE_CHAIN_FLAGS | MPI_SGE_CHAIN_FLAGS_64BIT;
		c->address_low = cpu_to_le32(lower_32_bits(addr));
		c->address_high = cpu_to_le32(upper_32_bits(addr));
	} else {
		struct mpi_sge_chain32 *c = (void *)pos;

		c->length = cpu_to_le16(len);
		c->next_chain_offset = next_offset;
		c->flags = MPI_SGE_CHAIN_FLAGS;
		c->address = cpu_to_le32(lower_32_bits(addr));
	}
}

/*
 * Build the SGL of @req (frame of @tag) from @nseg mapped segments.  The
 * elements fill the frame, then the tag's chain segments; the last slot of
 * every full segment is a chain element to the next one, and the simple
 * element before it carries LAST_ELEMENT as MPI requires.  The limits set
 * at probe guarantee that @nseg elements fit.
 */
static void mptmq_build_sgl(struct mptmq_ioc *ioc, struct mpi_scsi_io_request *req,
			    unsigned int tag, struct scsi_cmnd *scmd, int nseg, u32 dir)
{
	u8 *frame = (u8 *)req, *pos = frame + MPI_SCSIIO_SGL_OFFSET, *prev = NULL;
	unsigned int room = (ioc->frame_size - MPI_SCSIIO_SGL_OFFSET) / ioc->sge_size;
	unsigned int per_seg = ioc->frame_size / ioc->sge_size;
	u8 *seg = mptmq_chain(ioc, tag);
	dma_addr_t seg_dma = mptmq_chain_dma(ioc, tag);
	struct scatterlist *sg;
	int i;

	if (!nseg) {
		/* The IOC wants one valid element even without data. */
		mptmq_put_simple(ioc, pos, MPI_SGE_FLAGS_SIMPLE | MPTMQ_SGE_LAST_FLAGS | dir, 0);
		return;
	}

	scsi_for_each_sg(scmd, sg, nseg, i) {
		unsigned int left = nseg - i;
		u32 flags = MPI_SGE_FLAGS_SIMPLE | dir;

		if (room == 1 && left > 1) {
			unsigned int n = min(left, per_seg);
			unsigned int next = left > per_seg ? (per_seg - 1) * ioc->sge_size / 4 : 0;

			if (prev)
				((__le32 *)prev)[0] |= cpu_to_le32(MPI_SGE_FLAGS_LAST_ELEMENT);
			if (pos >= frame && pos < frame + ioc->frame_size)
				req->chain_offset = (pos - frame) / 4;
			mptmq_put_chain(ioc, pos, n * ioc->sge_size, next, seg_dma);
			pos = seg;
			seg += ioc->frame_size;
			seg_dma += ioc->frame_size;
			room = per_seg;
			prev = NULL;
		}
		if (left == 1)
			flags |= MPTMQ_SGE_LAST_FLAGS;
		prev = pos;
		pos = mptmq_put_simple(ioc, pos, flags | sg_dma_len(sg), sg_dma_address(sg));
		room--;
	}
}

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

	if (sdev->type != TYPE_DISK || !sdev->sector_size)
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
int mptmq_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *scmd)
{
	struct mptmq_ioc *ioc = shost_to_ioc(shost);
	struct mptmq_cmd *cmd = scsi_cmd_priv(scmd);
	unsigned int tag = scsi_cmd_to_rq(scmd)->tag;
	struct mpi_scsi_io_request *req;
	u32 control, dir;
	int nseg, ret = 0;

	if (unlikely(tag >= ioc->nr_io || scmd->cmd_len > MPI_SCSIIO_CDB_MAX)) {
		WARN_ON_ONCE(tag >= ioc->nr_io);
		mptmq_finish_now(scmd, DID_ERROR);
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
	memset(req, 0, sizeof(*req));
	req->target_id = scmd->device->id;
	req->bus = scmd->device->channel;
	req->function = MPI_FUNCTION_SCSI_IO_REQUEST;
	req->cdb_length = scmd->cmd_len;
	req->sense_buffer_length = MPTMQ_SENSE_SIZE;
	req->msg_context = cpu_to_le32(tag);
	int_to_scsilun(scmd->device->lun, (struct scsi_lun *)req->lun);
	req->control = cpu_to_le32(control);
	memcpy(req->cdb, scmd->cmnd, scmd->cmd_len);
	cmd->data_length = mptmq_data_length(scmd);
	req->data_length = cpu_to_le32(cmd->data_length);
	req->sense_buffer_low = cpu_to_le32(mptmq_sense_low(ioc, tag));
	mptmq_build_sgl(ioc, req, tag, scmd, nseg, dir);

	/*
	 * The IOC reset path flips the state and then waits for an RCU grace
	 * period, so a request is either posted before the reset starts (and
	 * completed by it) or bounced here.
	 */
	set_bit(MPTMQ_CMD_INFLIGHT, &cmd->flags);
	rcu_read_lock();
	switch (mptmq_state(ioc)) {
	case MPTMQ_STATE_RUNNING:
		trace_mptmq_submit(ioc, scmd, tag);
		/* writel orders the frame's coherent-memory stores before the post. */
		mptmq_writel(ioc, mptmq_frame_low(ioc, tag), MPI_REG_REQUEST_FIFO);
		break;
	case MPTMQ_STATE_DEAD:
		clear_bit(MPTMQ_CMD_INFLIGHT, &cmd->flags);
		scsi_dma_unmap(scmd);
		mptmq_finish_now(scmd, DID_NO_CONNECT);
		break;
	default:
		clear_bit(MPTMQ_CMD_INFLIGHT, &cmd->flags);
		scsi_dma_unmap(scmd);
		ret = SCSI_MLQUEUE_HOST_BUSY;
		break;
	}
	rcu_read_unlock();
	return ret;
}

/**
 * mptmq_slave_configure() - set the queue depth of a new device
 * @sdev: the device
 *
 * Locks: none.  Calling context: process (scan).
 * Return: 0.
 */
int mptmq_slave_configure(struct scsi_device *sdev)
{
	struct mptmq_ioc *ioc = shost_to_ioc(sdev->host);

	if (sdev->tagged_supported)
		scsi_change_queue_depth(sdev, min_t(unsigned int, 64, ioc->nr_io));
	else
		scsi_change_queue_depth(sdev, 1);
	return 0;
}
