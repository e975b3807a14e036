// SPDX-License-Identifier: GPL-2.0
/*
 * sas_test: mptmq_sas_pages.h against SAS configuration pages and event
 * replies built from include/mptmq/mpi.h: as QEMU's model fills them
 * (qemu-mptsas.md section 7: DeviceInfo 0x401, rates 0x09/0x02 and 0x98),
 * as real firmware would (wide ports, expanders, SATA), and broken (short
 * pages, event data longer than its frame).  The expected values are what
 * the in-kernel mptsas reports for the same pages.
 * Prints TAP; exits 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "mptmq_sas_pages.h"

static int n, fails;

static void ok(int cond, const char *name)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, name);
	fails += !cond;
}

static void identify(void)
{
	struct sas_identify id;

	/* QEMU's disks: END_DEVICE | SSP_TARGET, SAS address = the wwn. */
	mptmq_sas_parse_identify(&id, 0x401, 0x5000c5001e571300ull, 3);
	ok(id.device_type == SAS_END_DEVICE && id.target_port_protocols == SAS_PROTOCOL_SSP &&
	   id.initiator_port_protocols == 0 && id.sas_address == 0x5000c5001e571300ull &&
	   id.phy_identifier == 3, "QEMU disk: SSP end device with its address and phy");
	/* A real HBA phy: SSP/STP/SMP initiator, SATA host. */
	mptmq_sas_parse_identify(&id, MPI_SAS_DEVICE_INFO_SSP_INITIATOR |
				 MPI_SAS_DEVICE_INFO_STP_INITIATOR |
				 MPI_SAS_DEVICE_INFO_SMP_INITIATOR |
				 MPI_SAS_DEVICE_INFO_SATA_HOST, 0x500605b000000000ull, 0);
	ok(id.device_type == SAS_PHY_UNUSED && id.target_port_protocols == 0 &&
	   id.initiator_port_protocols == (SAS_PROTOCOL_SSP | SAS_PROTOCOL_STP |
					   SAS_PROTOCOL_SMP | SAS_PROTOCOL_SATA),
	   "HBA phy: every initiator protocol, no device type");
	mptmq_sas_parse_identify(&id, MPI_SAS_DEVICE_INFO_EDGE_EXPANDER |
				 MPI_SAS_DEVICE_INFO_SMP_TARGET, 1, 4);
	ok(id.device_type == SAS_EDGE_EXPANDER_DEVICE &&
	   id.target_port_protocols == SAS_PROTOCOL_SMP, "edge expander: SMP target");
	mptmq_sas_parse_identify(&id, MPI_SAS_DEVICE_INFO_FANOUT_EXPANDER, 1, 4);
	ok(id.device_type == SAS_FANOUT_EXPANDER_DEVICE, "fanout expander");
	mptmq_sas_parse_identify(&id, MPI_SAS_DEVICE_INFO_END_DEVICE |
				 MPI_SAS_DEVICE_INFO_SATA_DEVICE | MPI_SAS_DEVICE_INFO_STP_TARGET, 1, 0);
	ok(id.target_port_protocols == (SAS_PROTOCOL_SATA | SAS_PROTOCOL_STP),
	   "SATA disk: SATA and STP target");
	mptmq_sas_parse_identify(&id, 0xfffff807, 1, 0);
	ok(id.device_type == SAS_PHY_UNUSED && !id.initiator_port_protocols &&
	   !id.target_port_protocols, "reserved bits and device type 7: nothing");
}

static void rates(void)
{
	ok(mptmq_sas_negotiated_rate(0x09) == SAS_LINK_RATE_3_0_GBPS, "negotiated 0x09: 3.0 Gbit");
	ok(mptmq_sas_negotiated_rate(0x02) == SAS_LINK_RATE_FAILED,
	   "negotiated 0x02 (QEMU, empty phy): failed");
	ok(mptmq_sas_negotiated_rate(0x01) == SAS_PHY_DISABLED, "negotiated 0x01: disabled");
	ok(mptmq_sas_negotiated_rate(0x08) == SAS_LINK_RATE_1_5_GBPS &&
	   mptmq_sas_negotiated_rate(0x0a) == SAS_LINK_RATE_6_0_GBPS, "1.5 and 6.0 Gbit");
	ok(mptmq_sas_negotiated_rate(0x03) == SAS_LINK_RATE_UNKNOWN &&
	   mptmq_sas_negotiated_rate(0xff) == SAS_LINK_RATE_UNKNOWN, "OOB complete, junk: unknown");
	ok(mptmq_sas_phy_rate(0x98, true) == SAS_LINK_RATE_3_0_GBPS &&
	   mptmq_sas_phy_rate(0x98, false) == SAS_LINK_RATE_1_5_GBPS,
	   "PHY page 0 rate 0x98: max 3.0, min 1.5");
	ok(mptmq_sas_phy_rate(0x89, true) == SAS_LINK_RATE_1_5_GBPS &&
	   mptmq_sas_phy_rate(0x89, false) == SAS_LINK_RATE_3_0_GBPS, "rate 0x89");
	ok(mptmq_sas_phy_rate(0x00, true) == SAS_LINK_RATE_UNKNOWN &&
	   mptmq_sas_phy_rate(0xa0, true) == SAS_LINK_RATE_UNKNOWN, "rate 0 and 0xa0: left unset");
	ok(mptmq_sas_missing_delay(0x05) == 5 && mptmq_sas_missing_delay(0x83) == 48 &&
	   mptmq_sas_missing_delay(0) == 0, "IO Unit page 1 missing delay, unit 1 s and 16 s");
}

static void io_unit(void)
{
	unsigned char raw[16 + 8 * 16];
	struct mpi_sas_io_unit_page0 *pg = (void *)raw;

	memset(raw, 0, sizeof(raw));
	pg->header.page_type = MPI_CONFIG_PAGETYPE_EXTENDED;
	pg->header.ext_page_type = MPI_CONFIG_EXTPAGETYPE_SAS_IO_UNIT;
	pg->header.ext_page_length = cpu_to_le16(sizeof(raw) / 4);
	pg->num_phys = 8;
	ok(mptmq_sas_io_unit0_phys(pg, sizeof(raw)) == 8, "QEMU IO Unit page 0: 8 phys, 144 bytes");
	ok(mptmq_sas_io_unit0_phys(pg, 16 + 3 * 16 + 8) == 3, "page cut short: only whole entries");
	ok(mptmq_sas_io_unit0_phys(pg, 12) == 0, "shorter than the fixed part: none");
	pg->num_phys = 2;
	ok(mptmq_sas_io_unit0_phys(pg, sizeof(raw)) == 2, "NumPhys below the room: NumPhys");
}

static void ports(void)
{
	u64 a[8] = { 0x50, 0, 0, 0x53, 0, 0x55, 0, 0 };
	u64 w[8] = { 0x70, 0x70, 0x70, 0x70, 0x80, 0x80, 0x80, 0x80 };
	u64 x[4] = { 0x90, 0x91, 0x90, 0 };
	u32 m[8];

	ok(mptmq_sas_group_ports(a, 8, m) == 3 && m[0] == 0x01 && m[1] == 0x08 && m[2] == 0x20,
	   "QEMU (disks on phys 0, 3, 5): three narrow ports in phy order");
	ok(mptmq_sas_group_ports(w, 8, m) == 2 && m[0] == 0x0f && m[1] == 0xf0,
	   "two x4 wide ports");
	ok(mptmq_sas_group_ports(x, 4, m) == 2 && m[0] == 0x05 && m[1] == 0x02,
	   "phys of one address that are not adjacent: one port");
	memset(a, 0, sizeof(a));
	ok(mptmq_sas_group_ports(a, 8, m) == 0, "nothing attached (or address 0): no port");
}

static void events(void)
{
	unsigned char raw[80];
	struct mpi_event_notification_reply *ev = (void *)raw;
	struct mpi_event_sas_device_status *ds = (void *)(raw + 0x1c);
	struct mptmq_event_rec rec;

	/* QEMU's answer to EventNotification (appendix A). */
	memset(raw, 0, sizeof(raw));
	ev->event_data_length = cpu_to_le16(1);
	ev->msg_length = 8;
	ev->function = MPI_FUNCTION_EVENT_NOTIFICATION;
	ev->msg_flags = MPI_MSGFLAGS_CONTINUATION_REPLY;
	ev->event = cpu_to_le32(MPI_EVENT_EVENT_CHANGE);
	ev->data[0] = cpu_to_le32(1);
	ok(mptmq_event_parse(ev, 32, &rec) && rec.event == MPI_EVENT_EVENT_CHANGE &&
	   rec.continuation && !rec.ack && !rec.malformed && rec.dwords == 1 &&
	   le32_to_cpu(rec.data[0]) == 1, "QEMU EVENT_CHANGE: continuation, no ack, one dword");

	/* A device status change that asks for an ack. */
	memset(raw, 0, sizeof(raw));
	ev->event_data_length = cpu_to_le16(sizeof(*ds) / 4);
	ev->function = MPI_FUNCTION_EVENT_NOTIFICATION;
	ev->ack_required = 1;
	ev->event = cpu_to_le32(MPI_EVENT_SAS_DEVICE_STATUS_CHANGE);
	ev->event_context = cpu_to_le32(0x1234);
	ds->reason_code = MPI_EVENT_SAS_DEV_STAT_RC_NOT_RESPONDING;
	ds->target_id = 5;
	ds->dev_handle = cpu_to_le16(14);
	ok(mptmq_event_parse(ev, 0x1c + sizeof(*ds), &rec) && rec.ack && !rec.continuation &&
	   rec.context == 0x1234 && rec.dwords == 9 &&
	   ((struct mpi_event_sas_device_status *)rec.data)->reason_code ==
		MPI_EVENT_SAS_DEV_STAT_RC_NOT_RESPONDING &&
	   ((struct mpi_event_sas_device_status *)rec.data)->target_id == 5,
	   "SAS device status change: ack, context and data kept");

	/* Data longer than the frame: malformed, still acknowledged. */
	ev->event_data_length = cpu_to_le16(200);
	ok(mptmq_event_parse(ev, sizeof(raw), &rec) && rec.malformed && rec.ack &&
	   rec.context == 0x1234 && rec.dwords == 0, "data beyond the frame: malformed, ack kept");
	ev->event_data_length = cpu_to_le16(14);
	ok(mptmq_event_parse(ev, sizeof(raw), &rec) && rec.malformed,
	   "14 dwords fit no record (13 do): malformed");
	ok(!mptmq_event_parse(ev, 0x1b, &rec), "shorter than the event header: unusable");
	ok(mptmq_event_parse(ev, 0x1c, &rec) && rec.malformed && rec.ack,
	   "header only, data length 14: malformed, ack kept");
}

int main(void)
{
	printf("TAP version 13\n");
	identify();
	rates();
	io_unit();
	ports();
	events();
	printf("1..%d\n", n);
	return fails ? 1 : 0;
}
