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
 * @data: the event data
 */
struct mptmq_event_rec {
	u32	event;
	u32	context;
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

#endif /* _MPTMQ_SAS_PAGES_H */
