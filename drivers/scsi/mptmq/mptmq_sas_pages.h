/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mptmq: pure decoding of the SAS configuration pages and of event replies,
 * with no kernel state, so that selftests/unit can run it on page and reply
 * images built from include/mptmq/mpi.h.
 *
 * The mapping of MPI values to the SAS transport class follows what the
 * in-kernel mptsas reports for the same pages (drivers/message/fusion/
 * mptsas.c, mptsas_parse_device_info() and mptsas_probe_one_phy()), so that
 * both drivers show the same sysfs values.
 */
#ifndef _MPTMQ_SAS_PAGES_H
#define _MPTMQ_SAS_PAGES_H

#include <linux/types.h>
#include <scsi/scsi_transport_sas.h>
#include <mptmq/mpi.h>

static inline u64 mptmq_sas_addr(__le32 low, __le32 high)
{
	return ((u64)le32_to_cpu(high) << 32) | le32_to_cpu(low);
}

/**
 * mptmq_sas_parse_identify() - SAS identify data from a DeviceInfo word
 * @id: filled in
 * @device_info: MPI_SAS_DEVICE_INFO_* bits
 * @sas_address: the SAS address
 * @phy_id: the phy identifier to report
 */
static inline void mptmq_sas_parse_identify(struct sas_identify *id, u32 device_info,
					    u64 sas_address, u8 phy_id)
{
	memset(id, 0, sizeof(*id));
	id->sas_address = sas_address;
	id->phy_identifier = phy_id;
	if (device_info & MPI_SAS_DEVICE_INFO_SSP_INITIATOR)
		id->initiator_port_protocols |= SAS_PROTOCOL_SSP;
	if (device_info & MPI_SAS_DEVICE_INFO_STP_INITIATOR)
		id->initiator_port_protocols |= SAS_PROTOCOL_STP;
	if (device_info & MPI_SAS_DEVICE_INFO_SMP_INITIATOR)
		id->initiator_port_protocols |= SAS_PROTOCOL_SMP;
	if (device_info & MPI_SAS_DEVICE_INFO_SATA_HOST)
		id->initiator_port_protocols |= SAS_PROTOCOL_SATA;
	if (device_info & MPI_SAS_DEVICE_INFO_SSP_TARGET)
		id->target_port_protocols |= SAS_PROTOCOL_SSP;
	if (device_info & MPI_SAS_DEVICE_INFO_STP_TARGET)
		id->target_port_protocols |= SAS_PROTOCOL_STP;
	if (device_info & MPI_SAS_DEVICE_INFO_SMP_TARGET)
		id->target_port_protocols |= SAS_PROTOCOL_SMP;
	if (device_info & MPI_SAS_DEVICE_INFO_SATA_DEVICE)
		id->target_port_protocols |= SAS_PROTOCOL_SATA;
	switch (device_info & MPI_SAS_DEVICE_INFO_MASK_DEVICE_TYPE) {
	case MPI_SAS_DEVICE_INFO_END_DEVICE:
		id->device_type = SAS_END_DEVICE;
		break;
	case MPI_SAS_DEVICE_INFO_EDGE_EXPANDER:
		id->device_type = SAS_EDGE_EXPANDER_DEVICE;
		break;
	case MPI_SAS_DEVICE_INFO_FANOUT_EXPANDER:
		id->device_type = SAS_FANOUT_EXPANDER_DEVICE;
		break;
	default:
		id->device_type = SAS_PHY_UNUSED;
		break;
	}
}

/* SAS IO Unit page 0 NegotiatedLinkRate to the transport class's rate. */
static inline enum sas_linkrate mptmq_sas_negotiated_rate(u8 rate)
{
	switch (rate) {
	case MPI_SAS_IOUNIT0_RATE_PHY_DISABLED:
		return SAS_PHY_DISABLED;
	case MPI_SAS_IOUNIT0_RATE_FAILED_SPEED_NEGOTIATION:
		return SAS_LINK_RATE_FAILED;
	case MPI_SAS_IOUNIT0_RATE_1_5:
		return SAS_LINK_RATE_1_5_GBPS;
	case MPI_SAS_IOUNIT0_RATE_3_0:
		return SAS_LINK_RATE_3_0_GBPS;
	case MPI_SAS_IOUNIT0_RATE_6_0:
		return SAS_LINK_RATE_6_0_GBPS;
	default:
		return SAS_LINK_RATE_UNKNOWN;
	}
}

/*
 * SAS PHY page 0 programmed/hardware rate byte to the maximum (@max) or
 * minimum rate; SAS_LINK_RATE_UNKNOWN (left unset) for anything else.
 */
static inline enum sas_linkrate mptmq_sas_phy_rate(u8 rate, bool max)
{
	if (max) {
		switch (rate & MPI_SAS_PHY0_RATE_MAX_MASK) {
		case MPI_SAS_PHY0_RATE_MAX_1_5:
			return SAS_LINK_RATE_1_5_GBPS;
		case MPI_SAS_PHY0_RATE_MAX_3_0:
			return SAS_LINK_RATE_3_0_GBPS;
		}
	} else {
		switch (rate & MPI_SAS_PHY0_RATE_MIN_MASK) {
		case MPI_SAS_PHY0_RATE_MIN_1_5:
			return SAS_LINK_RATE_1_5_GBPS;
		case MPI_SAS_PHY0_RATE_MIN_3_0:
			return SAS_LINK_RATE_3_0_GBPS;
		}
	}
	return SAS_LINK_RATE_UNKNOWN;
}

/**
 * mptmq_sas_io_unit0_phys() - how many phy entries of SAS IO Unit page 0 to use
 * @pg: the page
 * @len: bytes of it that were read
 *
 * Return: NumPhys, or fewer when the page is too short to hold them all.
 */
static inline unsigned int mptmq_sas_io_unit0_phys(const struct mpi_sas_io_unit_page0 *pg,
						   unsigned int len)
{
	unsigned int fit;

	if (len < sizeof(*pg))
		return 0;
	fit = (len - sizeof(*pg)) / sizeof(pg->phy[0]);
	return pg->num_phys < fit ? pg->num_phys : fit;
}

/* Report-device-missing delay of SAS IO Unit page 1, in seconds. */
static inline unsigned int mptmq_sas_missing_delay(u8 v)
{
	unsigned int t = v & MPI_SAS_IOUNIT1_REPORT_MISSING_TIMEOUT_MASK;

	return v & MPI_SAS_IOUNIT1_REPORT_MISSING_UNIT_16 ? t * 16 : t;
}

/**
 * mptmq_sas_group_ports() - group phys into ports by attached SAS address
 * @addr: per phy, the attached device's SAS address; 0 when nothing is
 *	  attached (or the device has no address: it gets no port)
 * @n: phys, at most 32
 * @masks: filled with one phy mask per port, lowest phy first
 *
 * Phys attached to the same address form one (wide) port, as mptsas
 * builds them.
 *
 * Return: the number of ports.
 */
static inline unsigned int mptmq_sas_group_ports(const u64 *addr, unsigned int n, u32 *masks)
{
	unsigned int i, j, ports = 0;
	u32 done = 0;

	for (i = 0; i < n && i < 32; i++) {
		if (!addr[i] || (done & (1u << i)))
			continue;
		masks[ports] = 0;
		for (j = i; j < n && j < 32; j++) {
			if (addr[j] == addr[i]) {
				masks[ports] |= 1u << j;
				done |= 1u << j;
			}
		}
		ports++;
	}
	return ports;
}

/* Event data dwords an event record keeps (the reply frame holds 13). */
#define MPTMQ_EVENT_DATA_MAX	13

/**
 * struct mptmq_event_rec - one event reply, copied out of the reply frame
 * @event: MPI_EVENT_*
 * @context: EventContext (acknowledged with it)
 * @ack: the IOC asked for an EventAck
 * @malformed: the data length does not fit the frame: data not used
 * @continuation: MsgFlags says more replies follow for this request
 * @dwords: data dwords kept in @data
 * @epoch: the IOC's event epoch when it was queued (mptmq_config.c)
 * @data: the event data
 */
struct mptmq_event_rec {
	u32	event;
	u32	context;
	u32	epoch;
	bool	ack;
	bool	malformed;
	bool	continuation;
	u8	dwords;
	__le32	data[MPTMQ_EVENT_DATA_MAX];
};

/**
 * mptmq_event_parse() - copy an EventNotification reply into @rec
 * @rep: the reply frame
 * @len: bytes valid in it
 * @rec: filled in
 *
 * A reply too short to name its event and context is unusable; a reply
 * whose data length does not fit is kept as malformed (it is still
 * acknowledged when it asks for it, but its data is not used).
 *
 * Return: false when @rep cannot be used at all.
 */
static inline bool mptmq_event_parse(const struct mpi_event_notification_reply *rep,
				     unsigned int len, struct mptmq_event_rec *rec)
{
	const unsigned int hdr = offsetof(struct mpi_event_notification_reply, data);
	unsigned int dlen;

	memset(rec, 0, sizeof(*rec));
	if (len < hdr)
		return false;
	rec->event = le32_to_cpu(rep->event);
	rec->context = le32_to_cpu(rep->event_context);
	rec->ack = rep->ack_required;
	rec->continuation = rep->msg_flags & MPI_MSGFLAGS_CONTINUATION_REPLY;
	dlen = le16_to_cpu(rep->event_data_length);
	if (dlen * 4 > len - hdr || dlen > MPTMQ_EVENT_DATA_MAX) {
		rec->malformed = true;
		return true;
	}
	rec->dwords = dlen;
	memcpy(rec->data, (const u8 *)rep + hdr, dlen * 4);
	return true;
}

/*
 * Optional SAS functions (SAS_IO_UNIT_CONTROL, SMP_PASSTHROUGH) and when an
 * IOC may be sent them.  MPI 1.x has no capability bit for either: IOCFacts
 * IOCCapabilities names the high-priority queue, reply host signalling,
 * queue-full handling, diag and snapshot buffers, EEDP, bidirectional,
 * multicast, SCSIIO32 and TLR, nothing more (mpi_ioc.h), and the in-kernel
 * mptsas/mptbase check nothing before sending them (mptsas_phy_reset(),
 * mptsas_smp_handler(), mptbase_sas_persist_operation()).  Every LSI SAS
 * firmware implements them.  A probe is not safe: QEMU's mptsas1068 answers
 * an unknown function by putting the IOC into FAULT (INVALID_FUNCTION),
 * not with an IOCStatus (hw/scsi/mptsas.c mptsas_process_message()).  So
 * the IOC shows them by what it is: QEMU's model names itself in
 * Manufacturing page 0 (ChipName "QEMU MPT Fusion", hw/scsi/mptconfig.c)
 * and gets neither; an IOC whose Manufacturing page 0 could not be read is
 * unknown and gets neither; any other IOC is LSI firmware and gets both.
 * The sas_functions module parameter overrides this (a mask of the bits
 * below), for emulators that add a function (our test QEMU answers
 * SAS_IO_UNIT_CONTROL, not SMP_PASSTHROUGH).
 */
#define MPTMQ_SAS_FN_IO_UNIT_CONTROL	0x1
#define MPTMQ_SAS_FN_SMP_PASSTHROUGH	0x2
#define MPTMQ_SAS_FN_ALL		0x3
#define MPTMQ_SAS_QEMU_CHIP_NAME	"QEMU MPT Fusion"

/**
 * mptmq_sas_allowed_fns() - the optional SAS functions an IOC may be sent
 * @chip_name: ChipName of Manufacturing page 0, trimmed; "" when unread
 * @param: the sas_functions module parameter: negative for automatic,
 *	   else a mask of MPTMQ_SAS_FN_*
 *
 * Return: a mask of MPTMQ_SAS_FN_*.
 */
static inline unsigned int mptmq_sas_allowed_fns(const char *chip_name, int param)
{
	if (param >= 0)
		return param & MPTMQ_SAS_FN_ALL;
	if (!chip_name[0] || !strcmp(chip_name, MPTMQ_SAS_QEMU_CHIP_NAME))
		return 0;
	return MPTMQ_SAS_FN_ALL;
}

/**
 * mptmq_sas_build_phy_reset() - a SAS IO Unit Control request for a phy reset
 * @req: filled in (MsgContext is the caller's)
 * @phy: the host phy number
 * @hard: hard reset rather than link reset
 *
 * As mptsas_phy_reset() builds it: Operation PHY_HARD_RESET or
 * PHY_LINK_RESET, PhyNum, nothing else.
 */
static inline void mptmq_sas_build_phy_reset(struct mpi_sas_iounit_control_request *req,
					     u8 phy, bool hard)
{
	memset(req, 0, sizeof(*req));
	req->function = MPI_FUNCTION_SAS_IO_UNIT_CONTROL;
	req->operation = hard ? MPI_SAS_OP_PHY_HARD_RESET : MPI_SAS_OP_PHY_LINK_RESET;
	req->phy_num = phy;
}

/**
 * mptmq_sas_ctrl_reply_check() - check a SAS IO Unit Control reply
 * @rep: the reply frame copy
 * @len: bytes valid in it
 * @op: the Operation that was sent
 *
 * Return: 0 on IOCStatus SUCCESS; -EPROTO for a reply too short, of another
 * function or another operation; -EIO for any other IOCStatus.
 */
static inline int mptmq_sas_ctrl_reply_check(const struct mpi_sas_iounit_control_reply *rep,
					     unsigned int len, u8 op)
{
	if (len < sizeof(*rep) || rep->function != MPI_FUNCTION_SAS_IO_UNIT_CONTROL ||
	    rep->operation != op)
		return -EPROTO;
	if ((le16_to_cpu(rep->ioc_status) & MPI_IOCSTATUS_MASK) != MPI_IOCSTATUS_SUCCESS)
		return -EIO;
	return 0;
}

/* An SMP frame: 4 bytes of header at least, and the 4-byte CRC the IOC adds. */
#define MPTMQ_SMP_MIN_REQUEST	8
#define MPTMQ_SMP_MAX_FRAME	1032	/* SAS-2: 1028 bytes of frame and its CRC */

/**
 * mptmq_sas_build_smp() - an SMP_PASSTHROUGH request
 * @req: filled in (MsgContext is the caller's)
 * @sas_address: the SMP target (an expander, or the host's own phy address)
 * @req_dma: bus address of the request frame
 * @req_len: its length in bytes, CRC room included (as bsg passes it)
 * @rsp_dma: bus address of the response buffer
 * @rsp_len: its length in bytes
 *
 * As mptsas_smp_handler() builds it: RequestDataLength and the request SGE
 * are the frame without its 4-byte CRC (the IOC adds it), the request SGE
 * goes host to IOC and ends its buffer, the response SGE ends the list.
 * Unlike mptsas, the response SGE is exactly the response buffer (mptsas
 * adds 4 bytes beyond the mapped buffer).
 *
 * Return: 0, or -EINVAL when a length is out of range (nothing built).
 */
static inline int mptmq_sas_build_smp(struct mpi_smp_passthrough_request *req, u64 sas_address,
				      u64 req_dma, unsigned int req_len,
				      u64 rsp_dma, unsigned int rsp_len)
{
	const u32 sge = MPI_SGE_FLAGS_SIMPLE | MPI_SGE_FLAGS_64BIT_ADDRESS |
			MPI_SGE_FLAGS_END_OF_BUFFER;

	if (req_len < MPTMQ_SMP_MIN_REQUEST || req_len > MPTMQ_SMP_MAX_FRAME ||
	    rsp_len < 4 || rsp_len > MPTMQ_SMP_MAX_FRAME)
		return -EINVAL;
	memset(req, 0, sizeof(*req));
	req->function = MPI_FUNCTION_SMP_PASSTHROUGH;
	req->request_data_length = cpu_to_le16(req_len - 4);
	req->sas_address_low = cpu_to_le32((u32)sas_address);
	req->sas_address_high = cpu_to_le32((u32)(sas_address >> 32));
	req->sge[0].flags_length = cpu_to_le32(sge | MPI_SGE_FLAGS_HOST_TO_IOC | (req_len - 4));
	req->sge[0].address_low = cpu_to_le32((u32)req_dma);
	req->sge[0].address_high = cpu_to_le32((u32)(req_dma >> 32));
	req->sge[1].flags_length = cpu_to_le32(sge | MPI_SGE_FLAGS_LAST_ELEMENT |
					       MPI_SGE_FLAGS_END_OF_LIST | rsp_len);
	req->sge[1].address_low = cpu_to_le32((u32)rsp_dma);
	req->sge[1].address_high = cpu_to_le32((u32)(rsp_dma >> 32));
	return 0;
}

/**
 * mptmq_sas_smp_reply_check() - check an SMP_PASSTHROUGH reply
 * @rep: the reply frame copy
 * @len: bytes valid in it
 * @rsp_room: size of the response buffer that was given to the IOC
 * @rsp_len: set to the response bytes the IOC wrote (0 on error)
 *
 * Return: 0; -EPROTO for a reply too short, of another function, or one
 * that claims more response bytes than the buffer holds; -EIO when the
 * IOCStatus is not SUCCESS (the SMP target or the link failed).
 */
static inline int mptmq_sas_smp_reply_check(const struct mpi_smp_passthrough_reply *rep,
					    unsigned int len, unsigned int rsp_room,
					    unsigned int *rsp_len)
{
	unsigned int n;

	*rsp_len = 0;
	if (len < offsetof(struct mpi_smp_passthrough_reply, response_data) ||
	    rep->function != MPI_FUNCTION_SMP_PASSTHROUGH)
		return -EPROTO;
	n = le16_to_cpu(rep->response_data_length);
	if (n > rsp_room)
		return -EPROTO;
	if ((le16_to_cpu(rep->ioc_status) & MPI_IOCSTATUS_MASK) != MPI_IOCSTATUS_SUCCESS)
		return -EIO;
	*rsp_len = n;
	return 0;
}

/* Expanders mptmq follows below the host; phys of one expander it reads. */
#define MPTMQ_SAS_MAX_EXP_PHYS	32	/* the width of a port mask */

/**
 * mptmq_sas_expander_phys() - how many phys of an expander to read
 * @pg: SAS Expander page 0
 * @len: bytes of it that were read
 *
 * Return: NumPhys (at most MPTMQ_SAS_MAX_EXP_PHYS), or 0 for a page too
 * short to hold it.
 */
static inline unsigned int mptmq_sas_expander_phys(const struct mpi_sas_expander_page0 *pg,
						   unsigned int len)
{
	if (len < offsetofend(struct mpi_sas_expander_page0, num_phys))
		return 0;
	return pg->num_phys < MPTMQ_SAS_MAX_EXP_PHYS ? pg->num_phys : MPTMQ_SAS_MAX_EXP_PHYS;
}

/**
 * mptmq_sas_expander_child() - the device on one expander phy, if it is a child
 * @exp_handle: the expander's DevHandle (SAS Expander page 0)
 * @p1: SAS Expander page 1 of the phy
 * @p1_len: bytes of it that were read
 * @dev: SAS Device page 0 of the phy's AttachedDevHandle
 * @dev_len: bytes of it that were read (0: none)
 *
 * A device belongs below the expander when the phy page names it as
 * attached and its Device page 0 names the expander as ParentDevHandle
 * (as mptsas_expander_event/mptsas_parse_device_info use the pages); the
 * expander's upstream phy names its parent, which is not a child.
 *
 * Return: the child's SAS address, or 0 when the phy has no child.
 */
static inline u64 mptmq_sas_expander_child(u16 exp_handle,
					   const struct mpi_sas_expander_page1 *p1,
					   unsigned int p1_len,
					   const struct mpi_sas_device_page0 *dev,
					   unsigned int dev_len)
{
	u16 att;

	if (p1_len < sizeof(*p1) || dev_len < sizeof(*dev))
		return 0;
	att = le16_to_cpu(p1->attached_dev_handle);
	if (!att || le16_to_cpu(dev->dev_handle) != att ||
	    le16_to_cpu(dev->parent_dev_handle) != exp_handle)
		return 0;
	if (!(le32_to_cpu(dev->device_info) & MPI_SAS_DEVICE_INFO_MASK_DEVICE_TYPE))
		return 0;
	return mptmq_sas_addr(dev->sas_address_low, dev->sas_address_high);
}

#endif /* _MPTMQ_SAS_PAGES_H */
