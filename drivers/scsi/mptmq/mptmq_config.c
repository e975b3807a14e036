// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: configuration pages and events.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/string.h>
#include <scsi/scsi_host.h>

#include "mptmq.h"

/**
 * DOC: Events and configuration pages
 *
 * Configuration pages are read through the doorbell while the IOC is being
 * brought up (no FIFO I/O is outstanding then), into one small coherent
 * buffer.  Only the pages the driver shows are read: Manufacturing page 0
 * names the chip and board.
 *
 * Events are switched on with EventNotification through the request FIFO;
 * the IOC keeps that frame and answers on its context each time something
 * happens.  mptmq logs events with dev_dbg, rescans the host when the IOC
 * reports a topology change, and sends EventAck only for an event that
 * asks for one: an IOC that never asks (QEMU's model faults on EventAck)
 * is never sent one.
 */

#define MPTMQ_EVENT_TIMEOUT_MS	5000

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
 * mptmq_config_read_identity() - read the chip and board names
 * @ioc: the IOC, OPERATIONAL, no FIFO I/O outstanding
 *
 * Context: process context, @ioc->ioc_mutex held.
 * Return: 0 or a negative errno (the names stay empty).
 */
int mptmq_config_read_identity(struct mptmq_ioc *ioc)
{
	const struct mpi_manufacturing_page0 *p = ioc->cfg_buf;
	int len;

	lockdep_assert_held(&ioc->ioc_mutex);
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
	if (!wait_for_completion_timeout(&in->done, msecs_to_jiffies(MPTMQ_EVENT_TIMEOUT_MS))) {
		dev_warn(&ioc->pdev->dev, "no reply to EventNotification: running without events\n");
		return 0;
	}
	ioc->events_on = in->reply_len > 0;
	return 0;
}

/**
 * mptmq_event_reply() - handle one event from the IOC
 * @ioc: the IOC
 * @ev: the event reply frame
 * @len: bytes valid in @ev
 *
 * Context: hard interrupt (reply path).
 */
void mptmq_event_reply(struct mptmq_ioc *ioc, const struct mpi_event_notification_reply *ev,
		       unsigned int len)
{
	u32 event = le32_to_cpu(ev->event);
	u16 dlen = le16_to_cpu(ev->event_data_length);

	if (len < offsetof(struct mpi_event_notification_reply, data) ||
	    dlen * 4 > len - offsetof(struct mpi_event_notification_reply, data)) {
		dev_warn_ratelimited(&ioc->pdev->dev, "malformed event reply (%u bytes, %u data dwords)\n",
				     len, dlen);
		return;
	}
	dev_dbg(&ioc->pdev->dev, "event 0x%02x, %u data dwords%s\n", event, dlen,
		ev->ack_required ? ", ack required" : "");

	if (ev->ack_required && !ioc->removing) {
		ioc->event_ack_event = event;
		ioc->event_ack_context = le32_to_cpu(ev->event_context);
		schedule_work(&ioc->event_ack_work);
	}
	switch (event) {
	case MPI_EVENT_RESCAN:
	case MPI_EVENT_SAS_DEVICE_STATUS_CHANGE:
		if (!ioc->removing)
			schedule_work(&ioc->rescan_work);
		break;
	default:
		break;
	}
}

/**
 * mptmq_event_ack_work() - acknowledge the event that asked for it
 * @work: the IOC's event_ack_work
 *
 * Context: workqueue.
 */
void mptmq_event_ack_work(struct work_struct *work)
{
	struct mptmq_ioc *ioc = container_of(work, struct mptmq_ioc, event_ack_work);
	struct mptmq_internal *in = &ioc->internal[MPTMQ_SLOT_EVENT_ACK];
	struct mpi_event_ack_request *req;

	if (mptmq_state(ioc) != MPTMQ_STATE_RUNNING)
		return;
	if (test_bit(0, &in->busy) && completion_done(&in->done))
		clear_bit(0, &in->busy);
	if (test_and_set_bit(0, &in->busy)) {
		dev_warn_ratelimited(&ioc->pdev->dev, "event ack still pending: event 0x%02x not acknowledged\n",
				     ioc->event_ack_event);
		return;
	}
	req = mptmq_internal_frame(ioc, MPTMQ_SLOT_EVENT_ACK);
	req->function = MPI_FUNCTION_EVENT_ACK;
	req->msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL | MPTMQ_SLOT_EVENT_ACK);
	req->event = cpu_to_le32(ioc->event_ack_event);
	req->event_context = cpu_to_le32(ioc->event_ack_context);
	mptmq_post_internal(ioc, MPTMQ_SLOT_EVENT_ACK);
}

/**
 * mptmq_rescan_work() - rescan the host after a topology event
 * @work: the IOC's rescan_work
 *
 * Context: workqueue; sleeps.
 */
void mptmq_rescan_work(struct work_struct *work)
{
	struct mptmq_ioc *ioc = container_of(work, struct mptmq_ioc, rescan_work);

	if (mptmq_state(ioc) == MPTMQ_STATE_RUNNING && !ioc->removing)
		scsi_scan_host(ioc->shost);
}
