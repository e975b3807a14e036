// SPDX-License-Identifier: GPL-2.0
/*
 * sas_test: mptmq_sas_pages.h against SAS configuration pages and event
 * replies built from include/mptmq/mpi.h: as QEMU's model fills them
 * (qemu-mptsas.md section 7: DeviceInfo 0x401, rates 0x09/0x02 and 0x98),
 * as real firmware would (wide ports, expanders, SATA), and broken (short
 * pages, event data longer than its frame).  The expected values are what
 * the in-kernel mptsas reports for the same pages.  Also: which IOCs may be
 * sent SAS IO Unit Control and SMP pass-through, the requests as built and
 * their replies as the IOC (or our test QEMU) answers, and which devices
 * hang below an expander, from SAS Expander page 0/1 and Device page 0
 * images of a topology QEMU's model cannot show.
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

static void functions(void)
{
	ok(mptmq_sas_allowed_fns("QEMU MPT Fusion", -1) == 0,
	   "QEMU's model (Manufacturing page 0 ChipName): no optional function");
	ok(mptmq_sas_allowed_fns("", -1) == 0, "no Manufacturing page 0: unknown IOC, none");
	ok(mptmq_sas_allowed_fns("LSISAS1068E", -1) == MPTMQ_SAS_FN_ALL,
	   "LSI firmware: SAS IO Unit Control and SMP pass-through");
	ok(mptmq_sas_allowed_fns("QEMU MPT Fusion", 1) == MPTMQ_SAS_FN_IO_UNIT_CONTROL &&
	   mptmq_sas_allowed_fns("LSISAS1068E", 0) == 0 &&
	   mptmq_sas_allowed_fns("", 0xff) == MPTMQ_SAS_FN_ALL,
	   "sas_functions overrides, unknown bits dropped");
}

static void phy_reset(void)
{
	struct mpi_sas_iounit_control_request req;
	unsigned char raw[32];
	struct mpi_sas_iounit_control_reply *rep = (void *)raw;
	const unsigned char *b = (const void *)&req;

	mptmq_sas_build_phy_reset(&req, 5, false);
	ok(b[0] == MPI_SAS_OP_PHY_LINK_RESET && b[3] == 0x1b && b[0x0e] == 5 && b[4] == 0 &&
	   b[0x0c] == 0, "link reset: Operation 06h, Function 1Bh, PhyNum at 0Eh");
	mptmq_sas_build_phy_reset(&req, 0, true);
	ok(b[0] == MPI_SAS_OP_PHY_HARD_RESET && b[0x0e] == 0, "hard reset: Operation 07h");

	/* Our test QEMU's reply (mptmq_message): Operation, DevHandle, IOCParameter echoed */
	memset(raw, 0, sizeof(raw));
	raw[0] = MPI_SAS_OP_PHY_HARD_RESET;
	raw[2] = 5;
	raw[3] = MPI_FUNCTION_SAS_IO_UNIT_CONTROL;
	ok(mptmq_sas_ctrl_reply_check(rep, 20, MPI_SAS_OP_PHY_HARD_RESET) == 0,
	   "reply, IOCStatus SUCCESS: 0");
	ok(mptmq_sas_ctrl_reply_check(rep, 19, MPI_SAS_OP_PHY_HARD_RESET) == -EPROTO,
	   "reply one byte short: -EPROTO");
	ok(mptmq_sas_ctrl_reply_check(rep, 20, MPI_SAS_OP_PHY_LINK_RESET) == -EPROTO,
	   "reply for another operation: -EPROTO");
	rep->ioc_status = cpu_to_le16(0x8000);
	ok(mptmq_sas_ctrl_reply_check(rep, 20, MPI_SAS_OP_PHY_HARD_RESET) == 0,
	   "SUCCESS with the log-info flag: 0");
	rep->ioc_status = cpu_to_le16(MPI_IOCSTATUS_INVALID_FIELD);
	ok(mptmq_sas_ctrl_reply_check(rep, 20, MPI_SAS_OP_PHY_HARD_RESET) == -EIO,
	   "IOCStatus INVALID_FIELD (no such phy): -EIO");
	rep->ioc_status = 0;
	raw[3] = MPI_FUNCTION_CONFIG;
	ok(mptmq_sas_ctrl_reply_check(rep, 20, MPI_SAS_OP_PHY_HARD_RESET) == -EPROTO,
	   "a Config reply in its place: -EPROTO");
}

static void smp(void)
{
	struct mpi_smp_passthrough_request req;
	const unsigned char *b = (const void *)&req;
	unsigned char raw[40];
	struct mpi_smp_passthrough_reply *rep = (void *)raw;
	unsigned int n = 99;

	/* REPORT GENERAL: 4 bytes and 4 of CRC; response 32 + 4 */
	ok(mptmq_sas_build_smp(&req, 0x500605b000000010ull, 0x123456789000ull, 8,
			       0xfedc0000ull, 36) == 0 &&
	   b[3] == 0x1a && le16_to_cpu(req.request_data_length) == 4 &&
	   le32_to_cpu(req.sas_address_low) == 0x00000010 &&
	   le32_to_cpu(req.sas_address_high) == 0x500605b0,
	   "SMP request: Function 1Ah, RequestDataLength without the CRC, SASAddress at 10h");
	ok(le32_to_cpu(req.sge[0].flags_length) == (0x56000000u | 4) &&
	   le32_to_cpu(req.sge[0].address_low) == 0x56789000 &&
	   le32_to_cpu(req.sge[0].address_high) == 0x1234,
	   "request SGE: simple, 64-bit, host to IOC, end of buffer, 4 bytes");
	ok(le32_to_cpu(req.sge[1].flags_length) == (0xd3000000u | 36) &&
	   le32_to_cpu(req.sge[1].address_low) == 0xfedc0000,
	   "response SGE: last element, end of list, IOC to host, exactly the buffer");
	ok(mptmq_sas_build_smp(&req, 1, 0, 7, 0, 36) == -EINVAL &&
	   mptmq_sas_build_smp(&req, 1, 0, 1033, 0, 36) == -EINVAL &&
	   mptmq_sas_build_smp(&req, 1, 0, 8, 0, 3) == -EINVAL &&
	   mptmq_sas_build_smp(&req, 1, 0, 8, 0, 70000) == -EINVAL,
	   "request below 8 or above 1032 bytes, response below 4 or too big: -EINVAL");

	memset(raw, 0, sizeof(raw));
	raw[2] = 7;
	raw[3] = MPI_FUNCTION_SMP_PASSTHROUGH;
	rep->response_data_length = cpu_to_le16(32);
	ok(mptmq_sas_smp_reply_check(rep, 28, 36, &n) == 0 && n == 32,
	   "reply: 32 response bytes in a 36-byte buffer");
	rep->response_data_length = cpu_to_le16(37);
	ok(mptmq_sas_smp_reply_check(rep, 28, 36, &n) == -EPROTO && n == 0,
	   "reply claims more than the buffer holds: -EPROTO, nothing used");
	rep->response_data_length = cpu_to_le16(32);
	ok(mptmq_sas_smp_reply_check(rep, 0x17, 36, &n) == -EPROTO,
	   "reply shorter than its fixed part: -EPROTO");
	rep->ioc_status = cpu_to_le16(0x0090);	/* SAS SMP_REQUEST_FAILED */
	rep->sas_status = 0x03;
	ok(mptmq_sas_smp_reply_check(rep, 28, 36, &n) == -EIO && n == 0,
	   "IOCStatus SMP request failed: -EIO");
	rep->ioc_status = 0;
	raw[3] = MPI_FUNCTION_SAS_IO_UNIT_CONTROL;
	ok(mptmq_sas_smp_reply_check(rep, 28, 36, &n) == -EPROTO, "another function's reply");
}

/* Page images of one expander (handle 9, parent: the host's phy 2, handle 1) */
static void exp_p1(struct mpi_sas_expander_page1 *p, u16 attached, u8 phy)
{
	memset(p, 0, sizeof(*p));
	p->header.page_type = MPI_CONFIG_PAGETYPE_EXTENDED;
	p->header.ext_page_type = MPI_CONFIG_EXTPAGETYPE_SAS_EXPANDER;
	p->header.page_number = 1;
	p->header.ext_page_length = cpu_to_le16(sizeof(*p) / 4);
	p->attached_dev_handle = cpu_to_le16(attached);
	p->owner_dev_handle = cpu_to_le16(9);
	p->phy_identifier = phy;
	p->negotiated_link_rate = MPI_SAS_IOUNIT0_RATE_3_0;
}

static void dev_p0(struct mpi_sas_device_page0 *d, u16 handle, u16 parent, u64 addr, u32 info)
{
	memset(d, 0, sizeof(*d));
	d->dev_handle = cpu_to_le16(handle);
	d->parent_dev_handle = cpu_to_le16(parent);
	d->sas_address_low = cpu_to_le32((u32)addr);
	d->sas_address_high = cpu_to_le32((u32)(addr >> 32));
	d->device_info = cpu_to_le32(info);
}

static void expander(void)
{
	unsigned char raw[40];
	struct mpi_sas_expander_page0 *p0 = (void *)raw;
	struct mpi_sas_expander_page1 p1[6];
	struct mpi_sas_device_page0 dp[6];
	const u32 disk = MPI_SAS_DEVICE_INFO_END_DEVICE | MPI_SAS_DEVICE_INFO_SSP_TARGET;
	u64 addr[6];
	u32 m[6];
	unsigned int i;

	memset(raw, 0, sizeof(raw));
	p0->dev_handle = cpu_to_le16(9);
	p0->parent_dev_handle = cpu_to_le16(1);
	p0->num_phys = 6;
	ok(mptmq_sas_expander_phys(p0, 36) == 6, "Expander page 0: NumPhys 6");
	ok(mptmq_sas_expander_phys(p0, 0x20) == 0, "Expander page 0 cut before NumPhys: none");
	p0->num_phys = 36;
	ok(mptmq_sas_expander_phys(p0, 36) == 32, "36 phys: the first 32 (a port mask's width)");

	/* phy 0: upstream to the host; 1, 2: one disk, wide; 3: nothing; 4: a SATA disk;
	 * 5: a page naming a handle whose Device page is another device's (stale) */
	exp_p1(&p1[0], 1, 0);
	dev_p0(&dp[0], 1, 0, 0x500605b000000000ull, MPI_SAS_DEVICE_INFO_SSP_INITIATOR);
	exp_p1(&p1[1], 0x0a, 1);
	dev_p0(&dp[1], 0x0a, 9, 0x5000c50000000a00ull, disk);
	exp_p1(&p1[2], 0x0a, 2);
	dev_p0(&dp[2], 0x0a, 9, 0x5000c50000000a00ull, disk);
	exp_p1(&p1[3], 0, 3);
	memset(&dp[3], 0, sizeof(dp[3]));
	exp_p1(&p1[4], 0x0b, 4);
	dev_p0(&dp[4], 0x0b, 9, 0x5000c50000000b00ull, MPI_SAS_DEVICE_INFO_END_DEVICE |
	       MPI_SAS_DEVICE_INFO_SATA_DEVICE);
	exp_p1(&p1[5], 0x0c, 5);
	dev_p0(&dp[5], 0x0d, 9, 0x5000c50000000d00ull, disk);
	for (i = 0; i < 6; i++)
		addr[i] = mptmq_sas_expander_child(9, &p1[i], sizeof(p1[i]), &dp[i],
						   i == 3 ? 0 : sizeof(dp[i]));
	ok(addr[0] == 0, "upstream phy: its device (the host) is the parent, not a child");
	ok(addr[1] == 0x5000c50000000a00ull && addr[2] == addr[1], "phys 1 and 2: one disk");
	ok(addr[3] == 0, "empty phy: nothing");
	ok(addr[4] == 0x5000c50000000b00ull, "SATA disk below the expander");
	ok(addr[5] == 0, "Device page of another handle: not taken");
	ok(mptmq_sas_group_ports(addr, 6, m) == 2 && m[0] == 0x06 && m[1] == 0x10,
	   "ports on the expander: a x2 wide port (phys 1-2) and phy 4");
	dev_p0(&dp[4], 0x0b, 0x0e, 0x5000c50000000b00ull, disk);
	ok(mptmq_sas_expander_child(9, &p1[4], sizeof(p1[4]), &dp[4], sizeof(dp[4])) == 0,
	   "a device whose ParentDevHandle is another expander: not this one's");
	dev_p0(&dp[4], 0x0b, 9, 0, disk);
	ok(mptmq_sas_expander_child(9, &p1[4], sizeof(p1[4]), &dp[4], sizeof(dp[4])) == 0,
	   "a child without SAS address: no port");
	dev_p0(&dp[4], 0x0b, 9, 0x5000c50000000b00ull, 0);
	ok(mptmq_sas_expander_child(9, &p1[4], sizeof(p1[4]), &dp[4], sizeof(dp[4])) == 0,
	   "DeviceInfo without a device type: not a device");
	ok(mptmq_sas_expander_child(9, &p1[1], sizeof(p1[1]) - 1, &dp[1], sizeof(dp[1])) == 0,
	   "Expander page 1 cut short: not used");
}

int main(void)
{
	printf("TAP version 13\n");
	identify();
	rates();
	io_unit();
	ports();
	events();
	functions();
	phy_reset();
	smp();
	expander();
	printf("1..%d\n", n);
	return fails ? 1 : 0;
}
