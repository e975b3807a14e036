// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: reply path - interrupt handler, reply FIFO drain, reply
 * validation, status mapping and command completion.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/interrupt.h>
#include <linux/ratelimit.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_tcq.h>

#include "mptmq.h"
#include "mptmq_decode.h"
#include "mptmq_trace.h"

/**
 * mptmq_irq_unmask() - let the IOC interrupt for replies (not the doorbell)
 * @ioc: the IOC
 */
void mptmq_irq_unmask(struct mptmq_ioc *ioc)
{
	mptmq_writel(ioc, MPI_HIM_DOORBELL, MPI_REG_HOST_INT_MASK);
}

/**
 * mptmq_irq_mask() - mask every IOC interrupt
 * @ioc: the IOC
 */
void mptmq_irq_mask(struct mptmq_ioc *ioc)
{
	mptmq_writel(ioc, MPI_HIM_DOORBELL | MPI_HIM_REPLY, MPI_REG_HOST_INT_MASK);
	/* Read back: the posted write reaches the IOC before synchronize_irq(). */
	mptmq_readl(ioc, MPI_REG_HOST_INT_MASK);
}

static DEFINE_RATELIMIT_STATE(mptmq_status_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

/*
 * The one place that turns an MPI SCSI IO reply into a midlayer result;
 * the mapping itself is mptmq_decode_scsi_reply().
 */
static void mptmq_map_status(struct mptmq_ioc *ioc, struct scsi_cmnd *scmd,
			     unsigned int tag, const struct mpi_scsi_io_reply *rep)
{
	struct mptmq_cmd *cmd = scsi_cmd_priv(scmd);
	struct mptmq_result res;

	mptmq_decode_scsi_reply(rep, scsi_bufflen(scmd), cmd->data_length, scmd->underflow,
				MPTMQ_SENSE_SIZE, &res);
	scsi_set_resid(scmd, res.resid);
	if (res.sense_len)
		memcpy(scmd->sense_buffer, mptmq_sense(ioc, tag), res.sense_len);
	if (res.unexpected && __ratelimit(&mptmq_status_rs))
		scmd_printk(KERN_WARNING, scmd,
			    "IOCStatus 0x%04x, LogInfo 0x%08x for opcode 0x%02x: failing it\n",
			    le16_to_cpu(rep->ioc_status) & MPI_IOCSTATUS_MASK,
			    le32_to_cpu(rep->ioc_log_info), scmd->cmnd[0]);
	scmd->result = (res.host << 16) | res.sam;
}

/*
 * @rep is NULL for a context reply (success), ERR_PTR(-EPROTO) for an
 * address reply that cannot be trusted (the command is retried).
 */
static __always_inline void mptmq_complete_scsi(struct mptmq_ioc *ioc, unsigned int tag,
						const struct mpi_scsi_io_reply *rep)
{
	struct scsi_cmnd *scmd = scsi_host_find_tag(ioc->shost, tag);
	struct mptmq_cmd *cmd;

	if (!scmd || !test_and_clear_bit(MPTMQ_CMD_INFLIGHT,
					 &((struct mptmq_cmd *)scsi_cmd_priv(scmd))->flags)) {
		atomic_inc(&ioc->stats.bad_replies);
		dev_warn_ratelimited(&ioc->pdev->dev,
				     "reply for tag %u, which is not in flight: dropped\n", tag);
		return;
	}
	cmd = scsi_cmd_priv(scmd);
	if (IS_ERR(rep)) {
		scmd->result = DID_SOFT_ERROR << 16;
		scsi_set_resid(scmd, scsi_bufflen(scmd));
		rep = NULL;
	} else if (rep) {
		mptmq_map_status(ioc, scmd, tag, rep);
	} else {
		/* A context reply means success with everything transferred. */
		scmd->result = DID_OK << 16;
		scsi_set_resid(scmd, scsi_bufflen(scmd) - cmd->data_length);
	}
	trace_mptmq_complete(ioc, scmd, tag, rep ? le16_to_cpu(rep->ioc_status) : 0);
	scsi_dma_unmap(scmd);
	/*
	 * Complete here, not through BLOCK_SOFTIRQ: with one hardware queue
	 * and more than one CPU, blk_mq_complete_request_remote() (block/
	 * blk-mq.c) raises the softirq for every request it does not send to
	 * another CPU, a second pass over each completion.  This runs with
	 * interrupts off (hard interrupt, or @reply_lock taken irqsave),
	 * where scsi_complete() is as safe as it is for the multi-queue
	 * drivers, whose completions blk-mq runs in place.
	 */
	scsi_done_direct(scmd);
}

static void mptmq_complete_internal(struct mptmq_ioc *ioc, unsigned int slot,
				    const void *rep, unsigned int len)
{
	struct mptmq_internal *in = &ioc->internal[slot];

	if (slot == MPTMQ_SLOT_EVENT && rep &&
	    ((const struct mpi_reply_header *)rep)->function == MPI_FUNCTION_EVENT_NOTIFICATION)
		mptmq_event_reply(ioc, rep, len);
	if (rep)
		memcpy(in->reply, rep, len);
	in->reply_len = rep ? len : 0;
	complete(&in->done);
}

/* Everything but a successful SCSI IO's context reply (the drain's fast path). */
static noinline void mptmq_process_reply(struct mptmq_ioc *ioc, u32 desc)
{
	const struct mpi_reply_header *rep = NULL;
	unsigned int len = 0, min_len, max_len, idx;
	bool bad_len = false;
	u32 ctx = desc;

	if (desc & MPI_REPLY_ADDRESS) {
		long off = mptmq_reply_offset(desc, ioc->reply_low, ioc->reply_depth,
					      MPTMQ_REPLY_FRAME_SIZE);

		if (off < 0) {
			atomic_inc(&ioc->stats.bad_replies);
			dev_warn_ratelimited(&ioc->pdev->dev,
					     "reply descriptor %08x names no reply frame of ours: dropped\n",
					     desc);
			return;
		}
		rep = ioc->pool + ioc->reply_offset + off;
		ctx = le32_to_cpu(rep->msg_context);
		len = rep->msg_length * 4;
		/*
		 * A SCSI IO reply has a fixed size; longer replies (events)
		 * are cut to the frame by the IOC itself, so only what fits
		 * is read.
		 */
		if (rep->function == MPI_FUNCTION_SCSI_IO_REQUEST) {
			min_len = offsetofend(struct mpi_scsi_io_reply, sense_count);
			max_len = sizeof(struct mpi_scsi_io_reply);
		} else {
			min_len = sizeof(*rep);
			max_len = 255 * 4;
		}
		if (len < min_len || len > max_len) {
			/* Its other fields cannot be trusted either: not used. */
			atomic_inc(&ioc->stats.bad_replies);
			dev_warn_ratelimited(&ioc->pdev->dev,
					     "reply for context %08x (function 0x%02x) has MsgLength %u: dropped\n",
					     ctx, rep->function, rep->msg_length);
			bad_len = true;
		}
		len = min_t(unsigned int, len, MPTMQ_REPLY_FRAME_SIZE);
	}

	idx = ctx & MPTMQ_CTX_INDEX_MASK;
	if ((ctx & ~MPTMQ_CTX_INDEX_MASK) == MPTMQ_CTX_INTERNAL && idx < MPTMQ_NR_INTERNAL) {
		if (!bad_len)
			mptmq_complete_internal(ioc, idx, rep, len);
	} else if (!(ctx & ~MPTMQ_CTX_INDEX_MASK) && idx < ioc->nr_io &&
		   (!rep || rep->function == MPI_FUNCTION_SCSI_IO_REQUEST)) {
		/* A command whose reply is unusable is retried, not left hanging. */
		mptmq_complete_scsi(ioc, idx, bad_len ? ERR_PTR(-EPROTO) :
					      (const struct mpi_scsi_io_reply *)rep);
	} else if (!bad_len) {
		atomic_inc(&ioc->stats.bad_replies);
		dev_warn_ratelimited(&ioc->pdev->dev,
				     "reply with unknown context %08x (function 0x%02x): dropped\n",
				     ctx, rep ? rep->function : 0);
	}

	/* Give the frame back only after everything needed was read from it. */
	if (rep)
		mptmq_writel(ioc, desc << 1, MPI_REG_REPLY_FIFO);
}

/*
 * The drain itself; @ioc->reply_lock held, interrupts off.  @replies_open
 * only changes under the lock, so it is read once.
 */
static __always_inline unsigned int mptmq_drain_locked(struct mptmq_ioc *ioc)
{
	unsigned int n, budget = 4 * ioc->reply_depth, nr_io = ioc->nr_io;
	u32 desc;

	lockdep_assert_held(&ioc->reply_lock);
	if (!ioc->replies_open)
		return 0;
	for (n = 0; n < budget; n++) {
		desc = mptmq_readl(ioc, MPI_REG_REPLY_FIFO);
		if (desc == MPI_REPLY_EMPTY)
			break;
		/*
		 * The common reply in one compare: below nr_io means a context
		 * reply (bit 31 clear), no context type or internal marker in
		 * the upper bits, and an I/O tag: a SCSI IO that succeeded.
		 * It completes here, without the call and the checks of the
		 * general path (~50 instructions per I/O, bench tbprof count).
		 */
		if (likely(desc < nr_io))
			mptmq_complete_scsi(ioc, desc, NULL);
		else
			mptmq_process_reply(ioc, desc);
	}
	return n;
}

/**
 * mptmq_drain_replies() - process replies until the reply FIFO is empty
 * @ioc: the IOC
 *
 * Bounded, so that a device that never reports an empty FIFO cannot hold
 * the CPU; the rest is taken at the next interrupt or watchdog tick.
 * Does nothing while the FIFO is closed for an IOC reset.
 *
 * Context: any; takes @ioc->reply_lock, so a reply popped here is handed
 * back to the IOC before a reset can re-post the reply frames.
 * Return: the number of replies processed.
 */
unsigned int mptmq_drain_replies(struct mptmq_ioc *ioc)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&ioc->reply_lock, flags);
	n = mptmq_drain_locked(ioc);
	spin_unlock_irqrestore(&ioc->reply_lock, flags);
	return n;
}

/**
 * mptmq_replies_open() - let the drainers at the reply FIFO again
 * @ioc: the IOC; its reply frames have just been posted
 *
 * Context: process, @ioc->ioc_mutex held.
 */
void mptmq_replies_open(struct mptmq_ioc *ioc)
{
	spin_lock_irq(&ioc->reply_lock);
	ioc->replies_open = true;
	spin_unlock_irq(&ioc->reply_lock);
}

/**
 * mptmq_replies_close() - take the last replies, then keep everyone out
 * @ioc: the IOC, its interrupts masked
 *
 * After this no one pops the reply FIFO (or reads the interrupt status in
 * the handler) until mptmq_replies_open(): the IOC can be reset and the
 * reply pool re-posted without a reply from before the reset being handed
 * back after it.
 *
 * Context: process, @ioc->ioc_mutex held.
 */
void mptmq_replies_close(struct mptmq_ioc *ioc)
{
	mptmq_drain_replies(ioc);
	spin_lock_irq(&ioc->reply_lock);
	ioc->replies_open = false;
	spin_unlock_irq(&ioc->reply_lock);
}

/*
 * The interrupt status read all-ones in the INTx handler (the line may be
 * shared, so this also runs for other devices' interrupts): if the
 * doorbell reads all-ones too, the device is gone (surprise removal, a
 * dead link behind a bridge): fail everything now rather than at the
 * next watchdog tick.
 * Only while running, so a reset or remove in progress is left alone.
 */
static void mptmq_check_gone(struct mptmq_ioc *ioc)
{
	if (mptmq_state(ioc) == MPTMQ_STATE_RUNNING &&
	    mptmq_ioc_gone(ioc, MPI_REPLY_EMPTY))
		mptmq_ioc_mark_dead(ioc, "all-ones register reads in the interrupt handler");
}

/**
 * mptmq_isr() - interrupt handler
 * @irq: the interrupt
 * @data: the IOC
 *
 * Context: hard interrupt, interrupts off; takes @ioc->reply_lock (plain
 * spin_lock: they are off already).  With shared INTx the reply bit of
 * the interrupt status decides whether the interrupt is ours.
 *
 * Return: IRQ_HANDLED or IRQ_NONE.
 */
irqreturn_t mptmq_isr(int irq, void *data)
{
	struct mptmq_ioc *ioc = data;
	unsigned int n;

	/* No register read while the IOC is being reset (shared INTx). */
	if (!READ_ONCE(ioc->replies_open))
		return ioc->msi ? IRQ_HANDLED : IRQ_NONE;
	if (!ioc->msi) {
		u32 his = mptmq_readl(ioc, MPI_REG_HOST_INT_STATUS);

		if (unlikely(his == MPI_REPLY_EMPTY)) {
			mptmq_check_gone(ioc);
			return IRQ_NONE;
		}
		if (!(his & MPI_HIS_REPLY))
			return IRQ_NONE;
	}
	WRITE_ONCE(ioc->irqs_handled, ioc->irqs_handled + 1);
	/*
	 * Interrupts are off here (a hard interrupt handler, or a forced-
	 * threaded one, which the core calls with them off on !PREEMPT_RT),
	 * so the plain lock does what mptmq_drain_replies()' irqsave does,
	 * without saving and restoring the flags on every interrupt.
	 */
	spin_lock(&ioc->reply_lock);
	n = mptmq_drain_locked(ioc);
	spin_unlock(&ioc->reply_lock);
	/*
	 * An MSI that finds the FIFO already drained by the previous one is
	 * normal and costs no further register read: a device that is gone
	 * sends no MSI, and the watchdog notices it within a second.
	 */
	return n || ioc->msi ? IRQ_HANDLED : IRQ_NONE;
}

static bool mptmq_fail_one(struct scsi_cmnd *scmd, void *data)
{
	struct mptmq_cmd *cmd = scsi_cmd_priv(scmd);
	int host_byte = *(int *)data;

	if (!test_and_clear_bit(MPTMQ_CMD_INFLIGHT, &cmd->flags))
		return true;
	scsi_dma_unmap(scmd);
	scmd->result = host_byte << 16;
	scsi_done(scmd);
	return true;
}

/**
 * mptmq_fail_all() - complete every in-flight command with @host_byte
 * @ioc: the IOC; it no longer holds any of them (reset or gone)
 * @host_byte: DID_RESET after an IOC reset, DID_NO_CONNECT when gone
 *
 * Context: any that may call scsi_done().
 */
void mptmq_fail_all(struct mptmq_ioc *ioc, int host_byte)
{
	scsi_host_busy_iter(ioc->shost, mptmq_fail_one, &host_byte);
}
