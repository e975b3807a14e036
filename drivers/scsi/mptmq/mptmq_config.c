// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: configuration pages and events.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>
#include <linux/string.h>
#include <scsi/scsi_host.h>

#include "mptmq.h"
#include "mptmq_sas_pages.h"

/**
 * DOC: Events and configuration pages
 *
 * Configuration pages are read through the doorbell while the IOC is being
 * brought up (no FIFO I/O is outstanding then), into one small coherent
 * buffer.  Only the pages the driver shows are read: Manufacturing page 0
 * names the chip and board, IO Unit page 2 gives the BIOS version.
 *
 * Once the IOC runs, pages are read through the request FIFO instead
 * (mptmq_config_ext_read(), one internal slot serialised by @cfg_mutex):
 * a doorbell handshake must not run while FIFO I/O is outstanding.
 *
 * Events are switched on with EventNotification through the request FIFO;
 * the IOC keeps that frame and answers on its context each time something
 * happens (MsgFlags CONTINUATION says it still holds the frame; a reply
 * without it gives the frame back, and the event work posts
 * EventNotification again).  The interrupt handler only copies each event
 * reply into a ring (@event_ring, under @event_lock) and queues the event
 * work; nothing is overwritten: a full ring drops the event, counts it and
 * makes the work re-read the topology, but keeps the event's EventAck, if
 * it asked for one, in a backlog of its own (@event_acks_owed): firmware
 * waiting for an ack may send nothing more (and a dropped event that gave
 * the EventNotification frame back still has it posted again,
 * @event_rearm_owed).  Only when that backlog is full too is an ack lost
 * (counted in @event_acks_lost, logged).  The
 * event work, in process context, sends the EventAck of every event that
 * asks for one, one at a time (each waits for its reply), also for an
 * event whose data is malformed, and then acts on the event: SAS topology
 * events go to the SAS transport code, RESCAN rescans the host; the ring
 * goes first, then the owed acks.  An IOC that never asks for an ack
 * (QEMU's model faults on EventAck) is never sent one.  Acks for events
 * that arrived before an IOC reset are not sent (each event carries the
 * @event_epoch it arrived in; mptmq_events_forget() advances it): the
 * reset made the IOC forget them; nor does such an event make the work post
 * EventNotification again (the reset did).
 */

#define MPTMQ_EVENT_TIMEOUT_MS	5000
#define MPTMQ_CONFIG_TIMEOUT_MS	10000

static int mptmq_config_request(struct mptmq_ioc *ioc, u8 action, u8 type, u8 number,
				struct mpi_config_page_header *hdr)
{
	struct mpi_config_request req = {};
	struct mpi_config_reply rep = {};
	unsigned int len = action == MPI_CONFIG_ACTION_PAGE_HEADER ? 0 : hdr->page_length * 4;
	u16 status;
	int ret;

	req.action = action;
	req.function = MPI_FUNCTION_CONFIG;
	req.msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL);
	req.header.page_type = type;
	req.header.page_number = number;
	req.header.page_version = hdr->page_version;
	req.header.page_length = hdr->page_length;
	req.page_buffer_sge.flags_length =
		cpu_to_le32(MPI_SGE_FLAGS_SIMPLE | MPI_SGE_FLAGS_LAST_ELEMENT |
			    MPI_SGE_FLAGS_END_OF_BUFFER | MPI_SGE_FLAGS_END_OF_LIST |
			    MPI_SGE_FLAGS_64BIT_ADDRESS | len);
	req.page_buffer_sge.address_low = cpu_to_le32(lower_32_bits(ioc->cfg_dma));
	req.page_buffer_sge.address_high = cpu_to_le32(upper_32_bits(ioc->cfg_dma));

	ret = mptmq_handshake(ioc, &req, sizeof(req), &rep, sizeof(rep));
	if (ret < 0)
		return ret;
	if (ret < (int)sizeof(rep) || rep.function != MPI_FUNCTION_CONFIG)
		return -EPROTO;
	status = le16_to_cpu(rep.ioc_status) & MPI_IOCSTATUS_MASK;
	if (status != MPI_IOCSTATUS_SUCCESS) {
		dev_dbg(&ioc->pdev->dev, "config page type %u number %u action %u: IOCStatus 0x%04x\n",
			type, number, action, status);
		return -EIO;
	}
	if (action == MPI_CONFIG_ACTION_PAGE_HEADER) {
		*hdr = rep.header;
		if (!hdr->page_length || hdr->page_length * 4 > MPTMQ_CFG_BUF_SIZE)
			return -EPROTO;
	}
	return 0;
}

/* Read one standard page into ioc->cfg_buf; return its length in bytes. */
static int mptmq_config_read(struct mptmq_ioc *ioc, u8 type, u8 number)
{
	struct mpi_config_page_header hdr = {};
	int ret;

	ret = mptmq_config_request(ioc, MPI_CONFIG_ACTION_PAGE_HEADER, type, number, &hdr);
	if (ret)
		return ret;
	memset(ioc->cfg_buf, 0, MPTMQ_CFG_BUF_SIZE);
	ret = mptmq_config_request(ioc, MPI_CONFIG_ACTION_PAGE_READ_CURRENT, type, number, &hdr);
	return ret ? ret : hdr.page_length * 4;
}

/* Copy a fixed-width, possibly unterminated, space-padded string field. */
static void mptmq_copy_field(char *dst, size_t size, const u8 *src, size_t len)
{
	snprintf(dst, size, "%.*s", (int)len, src);
	strim(dst);
}

/**
 * mptmq_config_read_identity() - read the chip and board names, BIOS version
 * @ioc: the IOC, OPERATIONAL, no FIFO I/O outstanding
 *
 * The BIOS version (IO Unit page 2, as mptbase reads it for version_bios)
 * stays 0 when the IOC has no such page; that is not an error.
 *
 * Context: process context, @ioc->ioc_mutex held.
 * Return: 0 or a negative errno (the names stay empty).
 */
int mptmq_config_read_identity(struct mptmq_ioc *ioc)
{
	const struct mpi_manufacturing_page0 *p = ioc->cfg_buf;
	const struct mpi_io_unit_page2 *io2 = ioc->cfg_buf;
	int len;

	lockdep_assert_held(&ioc->ioc_mutex);
	len = mptmq_config_read(ioc, MPI_CONFIG_PAGETYPE_IO_UNIT, 2);
	/* BiosVersion ends at 0x0c: a shorter page does not carry it. */
	if (len >= (int)offsetofend(struct mpi_io_unit_page2, bios_version))
		ioc->bios_version = le32_to_cpu(io2->bios_version);
	else
		dev_dbg(&ioc->pdev->dev, "no IO Unit page 2 (%d): BIOS version unknown\n", len);

	len = mptmq_config_read(ioc, MPI_CONFIG_PAGETYPE_MANUFACTURING, 0);
	if (len < (int)sizeof(*p))
		return len < 0 ? len : -EPROTO;
	mptmq_copy_field(ioc->chip_name, sizeof(ioc->chip_name), p->chip_name,
			 sizeof(p->chip_name));
	mptmq_copy_field(ioc->chip_revision, sizeof(ioc->chip_revision), p->chip_revision,
			 sizeof(p->chip_revision));
	mptmq_copy_field(ioc->board_name, sizeof(ioc->board_name), p->board_name,
			 sizeof(p->board_name));
	mptmq_copy_field(ioc->board_assembly, sizeof(ioc->board_assembly), p->board_assembly,
			 sizeof(p->board_assembly));
	mptmq_copy_field(ioc->board_tracer, sizeof(ioc->board_tracer), p->board_tracer_number,
			 sizeof(p->board_tracer_number));
	return 0;
}

/*
 * Post internal @slot (claimed, frame filled) if the IOC runs; otherwise
 * give the slot back.  The IOC reset path waits for an RCU grace period
 * after leaving RUNNING, so a post seen here lands before the reset.
 */
static bool mptmq_post_if_running(struct mptmq_ioc *ioc, unsigned int slot)
{
	bool posted = false;

	rcu_read_lock();
	if (mptmq_state(ioc) == MPTMQ_STATE_RUNNING) {
		mptmq_post_internal(ioc, slot);
		posted = true;
	}
	rcu_read_unlock();
	if (!posted)
		clear_bit(0, &ioc->internal[slot].busy);
	return posted;
}

/*
 * Wait up to @ms for the reply to internal @slot; give up early when the
 * IOC is declared dead meanwhile (a removed device never answers, and
 * remove() waits for the work that waits here).  Return: the reply came.
 */
static bool mptmq_wait_internal(struct mptmq_ioc *ioc, unsigned int slot, unsigned int ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);

	do {
		if (wait_for_completion_timeout(&ioc->internal[slot].done, HZ / 4))
			return true;
	} while (mptmq_state(ioc) != MPTMQ_STATE_DEAD && time_before(jiffies, deadline));
	return false;
}

/**
 * mptmq_slot_request() - one request through the FIFO in the CONFIG slot
 * @ioc: the IOC, RUNNING
 * @src: the request, its MsgContext MPTMQ_CTX_INTERNAL | MPTMQ_SLOT_CONFIG
 * @len: its length in bytes, at most one request frame
 * @rep: the reply is copied here
 * @rep_size: room in @rep, in bytes
 * @ms: how long to wait for the reply
 *
 * Posts @src and waits for its reply.  A request that times out keeps the
 * slot until its reply comes or the IOC is reset.
 *
 * Context: process; sleeps; @ioc->cfg_mutex held.
 * Return: the bytes of reply copied (the reply frame's, at most
 * @rep_size); -EBUSY while an earlier request still holds the slot,
 * -EAGAIN when the IOC does not run, -ETIMEDOUT, -EIO when no reply frame
 * came (an IOC reset woke the wait, or a context reply), -EINVAL for a
 * request larger than a frame.
 */
int mptmq_slot_request(struct mptmq_ioc *ioc, const void *src, size_t len, void *rep,
		       size_t rep_size, unsigned int ms)
{
	struct mptmq_internal *in = &ioc->internal[MPTMQ_SLOT_CONFIG];
	unsigned int n;

	lockdep_assert_held(&ioc->cfg_mutex);
	if (WARN_ON_ONCE(len > ioc->geom.frame_size))
		return -EINVAL;
	/* A late reply to a timed-out request frees the slot. */
	if (test_bit(0, &in->busy) && completion_done(&in->done))
		clear_bit(0, &in->busy);
	if (test_and_set_bit(0, &in->busy))
		return -EBUSY;
	in->reply_len = 0;
	memcpy(mptmq_internal_frame(ioc, MPTMQ_SLOT_CONFIG), src, len);
	if (!mptmq_post_if_running(ioc, MPTMQ_SLOT_CONFIG))
		return -EAGAIN;
	if (!mptmq_wait_internal(ioc, MPTMQ_SLOT_CONFIG, ms)) {
		dev_warn_ratelimited(&ioc->pdev->dev, "no reply to function 0x%02x in %u ms\n",
				     ((const u8 *)src)[3], ms);
		return -ETIMEDOUT;	/* the slot stays busy until a reply or a reset */
	}
	n = min_t(unsigned int, in->reply_len, rep_size);
	memcpy(rep, in->reply, n);
	clear_bit(0, &in->busy);
	/* Woken by an IOC reset, or a context reply without status. */
	return n ? n : -EIO;
}

/*
 * One Config request through the request FIFO, in the CONFIG slot; wait for
 * its reply and check its status.
 */
static int mptmq_config_fifo(struct mptmq_ioc *ioc, const struct mpi_config_request *src,
			     struct mpi_config_reply *rep)
{
	u16 status;
	int ret;

	ret = mptmq_slot_request(ioc, src, sizeof(*src), rep, sizeof(*rep),
				 MPTMQ_CONFIG_TIMEOUT_MS);
	if (ret < 0)
		return ret;
	if (ret < (int)sizeof(*rep))
		return -EIO;
	if (rep->function != MPI_FUNCTION_CONFIG)
		return -EPROTO;
	status = le16_to_cpu(rep->ioc_status) & MPI_IOCSTATUS_MASK;
	switch (status) {
	case MPI_IOCSTATUS_SUCCESS:
		return 0;
	case MPI_IOCSTATUS_CONFIG_INVALID_TYPE:
	case MPI_IOCSTATUS_CONFIG_INVALID_PAGE:
		return -ENODEV;
	default:
		dev_dbg(&ioc->pdev->dev, "Config action %u ext type 0x%02x address 0x%08x: IOCStatus 0x%04x\n",
			src->action, src->ext_page_type, le32_to_cpu(src->page_address), status);
		return -EIO;
	}
}

/**
 * mptmq_events_enable() - switch event notification on
 * @ioc: the IOC, RUNNING, interrupts on
 *
 * Context: process context, @ioc->ioc_mutex held.
 * Return: 0; an IOC that does not answer only loses its events.
 */
int mptmq_events_enable(struct mptmq_ioc *ioc)
{
	struct mptmq_internal *in = &ioc->internal[MPTMQ_SLOT_EVENT];
	struct mpi_event_notification_request *req;

	set_bit(0, &in->busy);
	req = mptmq_internal_frame(ioc, MPTMQ_SLOT_EVENT);
	req->event_switch = 1;
	req->function = MPI_FUNCTION_EVENT_NOTIFICATION;
	req->msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL | MPTMQ_SLOT_EVENT);
	mptmq_post_internal(ioc, MPTMQ_SLOT_EVENT);
	if (!mptmq_wait_internal(ioc, MPTMQ_SLOT_EVENT, MPTMQ_EVENT_TIMEOUT_MS)) {
		dev_warn(&ioc->pdev->dev, "no reply to EventNotification: running without events\n");
		return 0;
	}
	ioc->events_on = in->reply_len > 0;
	return 0;
}

/* The FIFO Config request's common part: page @type/@number at @address into @dma. */
static void mptmq_config_req_init(struct mpi_config_request *req, u8 type, u8 number,
				  u32 address, dma_addr_t dma)
{
	req->function = MPI_FUNCTION_CONFIG;
	req->msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL | MPTMQ_SLOT_CONFIG);
	req->header.page_type = type;
	req->header.page_number = number;
	req->page_address = cpu_to_le32(address);
	req->page_buffer_sge.address_low = cpu_to_le32(lower_32_bits(dma));
	req->page_buffer_sge.address_high = cpu_to_le32(upper_32_bits(dma));
}

/**
 * mptmq_config_ext_read() - read one extended configuration page through the FIFO
 * @ioc: the IOC, RUNNING
 * @ext_type: MPI_CONFIG_EXTPAGETYPE_*
 * @number: page number
 * @address: PageAddress (form and form-specific bits)
 * @buf: coherent buffer for the page
 * @dma: its bus address
 * @size: its size in bytes
 *
 * Context: process; sleeps; takes @ioc->cfg_mutex.
 * Return: the page length in bytes; -ENODEV when the IOC knows no such page
 * or address; another negative errno on failure.
 */
int mptmq_config_ext_read(struct mptmq_ioc *ioc, u8 ext_type, u8 number, u32 address,
			  void *buf, dma_addr_t dma, size_t size)
{
	struct mpi_config_request req = {};
	struct mpi_config_reply rep;
	unsigned int len;
	int ret;

	mptmq_config_req_init(&req, MPI_CONFIG_PAGETYPE_EXTENDED, number, address, dma);
	req.ext_page_type = ext_type;

	mutex_lock(&ioc->cfg_mutex);
	req.action = MPI_CONFIG_ACTION_PAGE_HEADER;
	req.page_buffer_sge.flags_length =
		cpu_to_le32(MPI_SGE_FLAGS_SIMPLE | MPI_SGE_FLAGS_LAST_ELEMENT |
			    MPI_SGE_FLAGS_END_OF_BUFFER | MPI_SGE_FLAGS_END_OF_LIST |
			    MPI_SGE_FLAGS_64BIT_ADDRESS);
	ret = mptmq_config_fifo(ioc, &req, &rep);
	if (ret)
		goto unlock;
	len = le16_to_cpu(rep.ext_page_length) * 4;
	if (rep.header.page_type != MPI_CONFIG_PAGETYPE_EXTENDED || rep.ext_page_type != ext_type ||
	    len < sizeof(struct mpi_config_ext_page_header) || len > size) {
		dev_warn_ratelimited(&ioc->pdev->dev,
				     "extended page 0x%02x/%u header: type 0x%02x/0x%02x, %u bytes: unusable\n",
				     ext_type, number, rep.header.page_type, rep.ext_page_type, len);
		ret = -EPROTO;
		goto unlock;
	}
	req.action = MPI_CONFIG_ACTION_PAGE_READ_CURRENT;
	req.header.page_version = rep.header.page_version;
	req.ext_page_length = rep.ext_page_length;
	req.page_buffer_sge.flags_length |= cpu_to_le32(len);
	memset(buf, 0, size);
	ret = mptmq_config_fifo(ioc, &req, &rep);
	if (!ret)
		ret = len;
unlock:
	mutex_unlock(&ioc->cfg_mutex);
	return ret;
}

/**
 * mptmq_config_page() - read or write one standard configuration page through the FIFO
 * @ioc: the IOC, RUNNING
 * @action: %MPI_CONFIG_ACTION_PAGE_READ_CURRENT, %MPI_CONFIG_ACTION_PAGE_WRITE_CURRENT,
 *	or %MPI_CONFIG_ACTION_PAGE_HEADER (only the length is asked for)
 * @type: MPI_CONFIG_PAGETYPE_* (not extended)
 * @number: page number
 * @address: PageAddress
 * @buf: coherent buffer; for a write it holds the page, whose header is
 *	filled in here from the IOC's
 * @dma: its bus address
 * @size: its size in bytes
 *
 * The page header is asked for first: its length, bounded by @size, is
 * what is read or written.
 *
 * Context: process; sleeps; takes @ioc->cfg_mutex.
 * Return: the page length in bytes; -ENODEV when the IOC knows no such page
 * or address; another negative errno on failure.
 */
int mptmq_config_page(struct mptmq_ioc *ioc, u8 action, u8 type, u8 number, u32 address,
		      void *buf, dma_addr_t dma, size_t size)
{
	struct mpi_config_request req = {};
	struct mpi_config_reply rep;
	u32 flags = MPI_SGE_FLAGS_SIMPLE | MPI_SGE_FLAGS_LAST_ELEMENT |
		    MPI_SGE_FLAGS_END_OF_BUFFER | MPI_SGE_FLAGS_END_OF_LIST |
		    MPI_SGE_FLAGS_64BIT_ADDRESS;
	unsigned int len;
	int ret;

	mptmq_config_req_init(&req, type, number, address, dma);

	mutex_lock(&ioc->cfg_mutex);
	req.action = MPI_CONFIG_ACTION_PAGE_HEADER;
	req.page_buffer_sge.flags_length = cpu_to_le32(flags);
	ret = mptmq_config_fifo(ioc, &req, &rep);
	if (ret)
		goto unlock;
	len = rep.header.page_length * 4;
	if ((rep.header.page_type & MPI_CONFIG_PAGETYPE_MASK) != type ||
	    rep.header.page_number != number || len < sizeof(struct mpi_config_page_header) ||
	    len > size) {
		dev_warn_ratelimited(&ioc->pdev->dev,
				     "page %u/%u header: type 0x%02x number %u, %u bytes: unusable\n",
				     type, number, rep.header.page_type, rep.header.page_number, len);
		ret = -EPROTO;
		goto unlock;
	}
	if (action == MPI_CONFIG_ACTION_PAGE_HEADER) {
		ret = len;
		goto unlock;
	}
	req.action = action;
	req.header = rep.header;
	if (action == MPI_CONFIG_ACTION_PAGE_WRITE_CURRENT) {
		flags |= MPI_SGE_FLAGS_HOST_TO_IOC;
		memcpy(buf, &rep.header, sizeof(rep.header));
	} else {
		memset(buf, 0, size);
	}
	req.page_buffer_sge.flags_length = cpu_to_le32(flags | len);
	ret = mptmq_config_fifo(ioc, &req, &rep);
	if (!ret)
		ret = len;
unlock:
	mutex_unlock(&ioc->cfg_mutex);
	return ret;
}

/* ---------------------------------------------------------------- events */

/*
 * @rec came without MsgFlags CONTINUATION: the IOC gave the
 * EventNotification frame back and the event work must post it again.
 */
static bool mptmq_event_returns_frame(const struct mptmq_event_rec *rec)
{
	return !rec->continuation && rec->event != MPI_EVENT_EVENT_CHANGE;
}

/*
 * Put @rec in the ring, or when the ring is full, drop it but keep its
 * EventAck in the backlog (and, if it gave the EventNotification frame
 * back, the need to post that again); kick the event work.  Any context.
 */
static void mptmq_event_queue(struct mptmq_ioc *ioc, const struct mptmq_event_rec *rec)
{
	struct mptmq_event_rec *slot;
	struct mptmq_event_ack_owed *owed;
	unsigned long flags;
	bool queued = false, ack_kept = false;

	spin_lock_irqsave(&ioc->event_lock, flags);
	if (ioc->event_count < MPTMQ_EVENT_RING) {
		slot = &ioc->event_ring[(ioc->event_head + ioc->event_count) % MPTMQ_EVENT_RING];
		*slot = *rec;
		slot->epoch = ioc->event_epoch;
		ioc->event_count++;
		queued = true;
	} else {
		ioc->event_overflow = true;
		if (mptmq_event_returns_frame(rec))
			ioc->event_rearm_owed = true;
		if (rec->ack && ioc->event_acks_owed_count < MPTMQ_EVENT_ACK_BACKLOG) {
			owed = &ioc->event_acks_owed[(ioc->event_acks_owed_head +
						      ioc->event_acks_owed_count) %
						     MPTMQ_EVENT_ACK_BACKLOG];
			owed->event = rec->event;
			owed->context = rec->context;
			owed->epoch = ioc->event_epoch;
			ioc->event_acks_owed_count++;
			ack_kept = true;
		}
	}
	spin_unlock_irqrestore(&ioc->event_lock, flags);
	if (!queued) {
		atomic_inc(&ioc->event_dropped);
		if (rec->ack && !ack_kept) {
			atomic_inc(&ioc->event_acks_lost);
			dev_err_ratelimited(&ioc->pdev->dev,
					    "event ring and ack backlog full: event 0x%02x dropped, not acknowledged\n",
					    rec->event);
		} else {
			dev_warn_ratelimited(&ioc->pdev->dev, "event ring full: event 0x%02x dropped%s\n",
					     rec->event, rec->ack ? ", its ack kept" : "");
		}
	}
	if (!ioc->removing)
		queue_work(system_long_wq, &ioc->event_work);
}

/**
 * mptmq_events_forget() - the IOC was reset: owe no ack from before
 * @ioc: the IOC
 *
 * Advances the event epoch; events and owed acks of an earlier epoch are
 * not acknowledged (the reset made the IOC forget them) and do not make
 * the event work post EventNotification again (the reset does that);
 * events still queued are handled as usual.
 *
 * Context: process; @ioc->ioc_mutex held.
 */
void mptmq_events_forget(struct mptmq_ioc *ioc)
{
	spin_lock_irq(&ioc->event_lock);
	ioc->event_epoch++;
	ioc->event_rearm_owed = false;
	spin_unlock_irq(&ioc->event_lock);
}

/**
 * mptmq_event_reply() - queue one event from the IOC
 * @ioc: the IOC
 * @ev: the event reply frame
 * @len: bytes valid in @ev
 *
 * Copies the event into the ring; the event work acknowledges and handles
 * it.
 *
 * Context: hard interrupt (reply path).
 */
void mptmq_event_reply(struct mptmq_ioc *ioc, const struct mpi_event_notification_reply *ev,
		       unsigned int len)
{
	struct mptmq_event_rec rec;

	if (!mptmq_event_parse(ev, len, &rec)) {
		atomic_inc(&ioc->event_dropped);
		dev_warn_ratelimited(&ioc->pdev->dev, "event reply of %u bytes names no event: dropped\n",
				     len);
		return;
	}
	if (rec.ack)
		atomic_inc(&ioc->event_ack_required);
	if (rec.malformed)
		dev_warn_ratelimited(&ioc->pdev->dev,
				     "malformed event 0x%02x (%u bytes, %u data dwords): data ignored\n",
				     rec.event, len, le16_to_cpu(ev->event_data_length));
	dev_dbg(&ioc->pdev->dev, "event 0x%02x, %u data dwords%s%s\n", rec.event, rec.dwords,
		rec.ack ? ", ack required" : "", rec.continuation ? "" : ", frame returned");
	mptmq_event_queue(ioc, &rec);
}

/*
 * Send the EventAck of @event/@context (arrived in @epoch) and wait for its
 * reply.  Event work only.
 */
static void mptmq_event_ack(struct mptmq_ioc *ioc, u32 event, u32 context, u32 epoch)
{
	struct mptmq_internal *in = &ioc->internal[MPTMQ_SLOT_EVENT_ACK];
	struct mpi_event_ack_request *req;

	if (epoch != READ_ONCE(ioc->event_epoch)) {
		dev_dbg(&ioc->pdev->dev, "event 0x%02x arrived before an IOC reset: no ack\n", event);
		return;
	}
	/* Only this work sends acks, one at a time: the slot is free here. */
	if (test_and_set_bit(0, &in->busy)) {
		if (!completion_done(&in->done)) {
			dev_err(&ioc->pdev->dev, "EventAck slot still held by the IOC: event 0x%02x not acknowledged\n",
				event);
			return;
		}
	}
	req = mptmq_internal_frame(ioc, MPTMQ_SLOT_EVENT_ACK);
	req->function = MPI_FUNCTION_EVENT_ACK;
	req->msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL | MPTMQ_SLOT_EVENT_ACK);
	req->event = cpu_to_le32(event);
	req->event_context = cpu_to_le32(context);
	if (!mptmq_post_if_running(ioc, MPTMQ_SLOT_EVENT_ACK)) {
		dev_dbg(&ioc->pdev->dev, "event 0x%02x: IOC not running, ack dropped\n", event);
		return;
	}
	atomic_inc(&ioc->event_acks);
	if (!mptmq_wait_internal(ioc, MPTMQ_SLOT_EVENT_ACK, MPTMQ_EVENT_TIMEOUT_MS)) {
		dev_err(&ioc->pdev->dev, "no reply to the EventAck of event 0x%02x in %u ms\n",
			event, MPTMQ_EVENT_TIMEOUT_MS);
		return;		/* the slot stays busy until a reply or a reset */
	}
	clear_bit(0, &in->busy);
}

/* Act on one event: SAS topology events, RESCAN. */
static void mptmq_event_handle(struct mptmq_ioc *ioc, const struct mptmq_event_rec *rec)
{
	if (ioc->removing || mptmq_state(ioc) != MPTMQ_STATE_RUNNING)
		return;
	if (ioc->sas)
		mptmq_sas_event(ioc, rec);
	else if (rec->event == MPI_EVENT_RESCAN)
		scsi_scan_host(ioc->shost);
}

/**
 * mptmq_event_work() - acknowledge and handle the queued events
 * @work: the IOC's event_work
 *
 * Context: workqueue; sleeps.
 */
void mptmq_event_work(struct work_struct *work)
{
	struct mptmq_ioc *ioc = container_of(work, struct mptmq_ioc, event_work);
	struct mptmq_event_rec rec;
	struct mptmq_event_ack_owed owed;
	bool have, have_owed, overflow, rearm = false;

	for (;;) {
		spin_lock_irq(&ioc->event_lock);
		have = ioc->event_count > 0;
		have_owed = !have && ioc->event_acks_owed_count;
		if (have) {
			rec = ioc->event_ring[ioc->event_head];
			ioc->event_head = (ioc->event_head + 1) % MPTMQ_EVENT_RING;
			ioc->event_count--;
		} else if (have_owed) {
			owed = ioc->event_acks_owed[ioc->event_acks_owed_head];
			ioc->event_acks_owed_head = (ioc->event_acks_owed_head + 1) %
						    MPTMQ_EVENT_ACK_BACKLOG;
			ioc->event_acks_owed_count--;
		}
		overflow = ioc->event_overflow;
		ioc->event_overflow = false;
		rearm |= ioc->event_rearm_owed;
		ioc->event_rearm_owed = false;
		spin_unlock_irq(&ioc->event_lock);
		if (overflow) {
			/* Dropped events may have been topology changes: look again. */
			struct mptmq_event_rec rescan = { .event = MPI_EVENT_RESCAN,
							  .continuation = true };

			mptmq_event_handle(ioc, &rescan);
		}
		if (have_owed) {
			mptmq_event_ack(ioc, owed.event, owed.context, owed.epoch);
			continue;
		}
		if (!have)
			break;
		if (rec.ack)
			mptmq_event_ack(ioc, rec.event, rec.context, rec.epoch);
		/* After an IOC reset the reset itself posted it again. */
		if (mptmq_event_returns_frame(&rec) && rec.epoch == READ_ONCE(ioc->event_epoch))
			rearm = true;
		mptmq_event_handle(ioc, &rec);
	}
	if (rearm && !ioc->removing) {
		/* The IOC gave the EventNotification frame back: post it again. */
		mutex_lock(&ioc->ioc_mutex);
		if (mptmq_state(ioc) == MPTMQ_STATE_RUNNING)
			mptmq_events_enable(ioc);
		mutex_unlock(&ioc->ioc_mutex);
	}
}

/**
 * mptmq_inject_event_write() - debugfs inject_event write
 * @file: the debugfs file; private_data is the IOC
 * @ubuf: "EVENT REASON BUS ID"
 * @count: bytes in @ubuf
 * @ppos: unused
 *
 * Queues EVENT (normally 0x0f, SAS_DEVICE_STATUS_CHANGE) with that reason
 * code and firmware id as if the IOC had sent it, without an ack request
 * (the IOC never saw it), so the event path can be tested on firmware
 * that sends no events (QEMU's model).
 *
 * Context: process.
 * Return: @count or a negative errno.
 */
static ssize_t mptmq_inject_event_write(struct file *file, const char __user *ubuf,
					size_t count, loff_t *ppos)
{
	struct mptmq_ioc *ioc = file->private_data;
	struct mptmq_event_rec rec = { .continuation = true };
	struct mpi_event_sas_device_status *ds = (void *)rec.data;
	unsigned int reason, bus, id;
	char buf[64];

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = 0;
	if (sscanf(buf, "%i %i %u %u", &rec.event, &reason, &bus, &id) != 4 ||
	    reason > 0xff || bus > 0xff || id > 0xff)
		return -EINVAL;
	BUILD_BUG_ON(sizeof(*ds) > sizeof(rec.data));
	ds->reason_code = reason;
	ds->bus = bus;
	ds->target_id = id;
	rec.dwords = sizeof(*ds) / 4;
	dev_info(&ioc->pdev->dev, "debugfs: injecting event 0x%02x, reason 0x%02x, id %u:%u\n",
		 rec.event, reason, bus, id);
	mptmq_event_queue(ioc, &rec);
	return count;
}

static const struct file_operations mptmq_inject_event_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= mptmq_inject_event_write,
	.llseek	= noop_llseek,
};

/**
 * mptmq_event_debugfs_init() - add inject_event to the IOC's debugfs directory
 * @ioc: the IOC, its debugfs directory created
 *
 * Context: probe.
 */
void mptmq_event_debugfs_init(struct mptmq_ioc *ioc)
{
	debugfs_create_file("inject_event", 0200, ioc->debugfs, ioc, &mptmq_inject_event_fops);
}
