// SPDX-License-Identifier: GPL-2.0
/*
 * spi_test: mptmq_spi_pages.h against SCSI Port pages 0/1/2 and the
 * negotiation words, built from include/mptmq/mpi_spi.h: as a 53C1030 on
 * an LVD U320 bus reports them, as a single-ended bus and an NVRAM with
 * per-target limits would, and broken (short pages).  The expected values
 * are what mptbase/mptspi compute for the same pages and INQUIRY data
 * (mpt_GetScsiPortSettings(), mptspi_target_alloc(),
 * mptspi_setTargetNegoParms(), mptspi_getRP(), mptspi_read_parameters(),
 * the mptspi_write_*() setters), except where mptmq_spi_pages.h documents
 * a difference.
 * Prints TAP; exits 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "mptmq_spi_pages.h"

static int n, fails;

static void ok(int cond, const char *name)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, name);
	fails += !cond;
}

/* A 53C1030 channel on LVD: U320 (factor 8), offset 127, wide, IU/DT/QAS. */
#define CAP_U320 (MPI_SCSIPORTPAGE0_CAP_IU | MPI_SCSIPORTPAGE0_CAP_DT | MPI_SCSIPORTPAGE0_CAP_QAS | \
		  0x08u << 8 | 127u << 16 | MPI_SCSIPORTPAGE0_CAP_WIDE)

static struct mptmq_spi_port port_lvd(void)
{
	struct mpi_scsi_port_page0 pg = {
		.capabilities = cpu_to_le32(CAP_U320),
		.physical_interface = cpu_to_le32(MPI_SCSIPORTPAGE0_PHY_SIGNAL_LVD),
	};
	struct mptmq_spi_port p;

	mptmq_spi_port_init(&p);
	mptmq_spi_parse_port0(&p, &pg, sizeof(pg));
	return p;
}

static void port_pages(void)
{
	struct mpi_scsi_port_page0 pg0 = {
		.capabilities = cpu_to_le32(CAP_U320),
		.physical_interface = cpu_to_le32(MPI_SCSIPORTPAGE0_PHY_SIGNAL_SE),
	};
	struct mpi_scsi_port_page1 pg1 = { .configuration = cpu_to_le32(0x00800007) };
	struct mpi_scsi_port_page2 pg2 = {};
	struct mptmq_spi_port p = port_lvd();

	ok(p.min_period == 8 && p.max_offset == 127 && p.wide && p.iu && p.dt && p.qas &&
	   p.signalling == MPI_SCSIPORTPAGE0_PHY_SIGNAL_LVD, "port page 0, LVD U320: every capability");
	mptmq_spi_port_init(&p);
	ok(mptmq_spi_parse_port0(&p, &pg0, sizeof(pg0)) == 0 && p.min_period == MPTMQ_SPI_ULTRA,
	   "port page 0, single-ended: held to Ultra (0x0c), as mptbase");
	pg0.capabilities = cpu_to_le32(MPI_SCSIPORTPAGE0_CAP_WIDE | 0x08u << 8);
	ok(mptmq_spi_parse_port0(&p, &pg0, sizeof(pg0)) == 0 && p.min_period == MPTMQ_SPI_ASYNC &&
	   p.max_offset == 0, "port page 0 without an offset: asynchronous only");
	pg0.capabilities = cpu_to_le32(0x02u << 8 | 64u << 16);
	pg0.physical_interface = cpu_to_le32(MPI_SCSIPORTPAGE0_PHY_SIGNAL_LVD);
	mptmq_spi_parse_port0(&p, &pg0, sizeof(pg0));
	ok(p.min_period == MPTMQ_SPI_U320 && !p.wide, "port page 0 factor 2 (no such speed): U320");
	p = port_lvd();
	ok(mptmq_spi_parse_port0(&p, &pg0, 8) == -1 && p.min_period == 8 && p.max_offset == 127,
	   "short port page 0: refused, port unchanged");

	ok(mptmq_spi_parse_port1(&p, &pg1, sizeof(pg1)) == 0 && p.initiator_id == 7,
	   "port page 1: initiator id 7 from Configuration 7:0");
	p.initiator_id = -1;
	ok(mptmq_spi_parse_port1(&p, &pg1, 4) == -1 && p.initiator_id == -1,
	   "short port page 1: id stays unknown");

	pg2.port_flags = cpu_to_le32(MPI_SCSIPORTPAGE2_PORT_FLAGS_AVOID_SCSI_RESET |
				     MPI_SCSIPORTPAGE2_PORT_FLAGS_OFF_DV);
	pg2.device_settings[3].timeout = 10;
	pg2.device_settings[3].sync_factor = 0x0a;
	pg2.device_settings[3].device_flags = cpu_to_le16(MPI_SCSIPORTPAGE2_DEVICE_WIDE_DISABLE | 0x9);
	p = port_lvd();
	ok(mptmq_spi_parse_port2(&p, &pg2, sizeof(pg2)) == 0 && p.avoid_bus_reset && p.dv_off &&
	   p.nvram[3] == 0x00190a0a && p.nvram[0] == 0, "port page 2: flags and mptbase's NVRAM word");
	pg2.port_flags = cpu_to_le32(0x20);	/* BASIC_DV_ONLY */
	mptmq_spi_parse_port2(&p, &pg2, sizeof(pg2));
	ok(!p.avoid_bus_reset && !p.dv_off, "port page 2 basic DV: DV stays on, bus reset allowed");
	p = port_lvd();
	ok(mptmq_spi_parse_port2(&p, &pg2, 40) == -1 && p.nvram[3] == MPTMQ_SPI_NVRAM_INVALID,
	   "short port page 2: NVRAM stays invalid");
}

static void target_limits(void)
{
	struct mptmq_spi_port p = port_lvd();
	int per, off, wid;

	mptmq_spi_target_limits(&p, 0, &per, &off, &wid);
	ok(per == 8 && off == 127 && wid == 1, "target without NVRAM: the port's limits");
	p.nvram[1] = (0x0cu << 8) | MPTMQ_SPI_NVRAM_WIDE_DISABLE;
	mptmq_spi_target_limits(&p, 1, &per, &off, &wid);
	ok(per == 0x0c && off == 127 && wid == 0, "NVRAM factor 0x0c, wide disabled");
	p.nvram[2] = 0;
	mptmq_spi_target_limits(&p, 2, &per, &off, &wid);
	ok(per == MPTMQ_SPI_ASYNC && off == 0 && wid == 1, "NVRAM factor 0: asynchronous");
	mptmq_spi_target_limits(&p, 40, &per, &off, &wid);
	ok(per == 8 && wid == 1, "id past the NVRAM table: the port's limits");
}

static void device_limits(void)
{
	struct mptmq_spi_port p = port_lvd();
	struct mptmq_spi_inquiry full = { .scsi2 = 1, .wide = 1, .sync = 1, .dt = 1, .ius = 1, .qas = 1 };
	struct mptmq_spi_inquiry narrow = { .scsi2 = 1, .sync = 1 };
	struct mptmq_spi_inquiry slow = { .scsi2 = 1, .wide = 1, .sync = 1 };
	struct mptmq_spi_inquiry u160 = { .scsi2 = 1, .wide = 1, .sync = 1, .dt = 1 };
	struct mptmq_spi_inquiry async = { .scsi2 = 1, .wide = 1 };
	struct mptmq_spi_inquiry scsi1 = { .wide = 1, .sync = 1, .dt = 1 };
	int per, off, wid;
	bool noqas;

	noqas = mptmq_spi_device_limits(&p, 0, &full, &per, &off, &wid);
	ok(per == 8 && off == 127 && wid == 1 && !noqas, "U320 disk: factor 8, offset 127, wide, QAS");
	noqas = mptmq_spi_device_limits(&p, 0, &narrow, &per, &off, &wid);
	ok(per == 0x0a && off == 127 && wid == 0 && !noqas,
	   "narrow sync disk: Ultra2 (0x0a), narrow; slower than U320: QAS not an issue");
	mptmq_spi_device_limits(&p, 0, &slow, &per, &off, &wid);
	ok(per == 0x0a && wid == 1, "wide disk without DT: Ultra2");
	noqas = mptmq_spi_device_limits(&p, 0, &u160, &per, &off, &wid);
	ok(per == 0x09 && wid == 1 && !noqas, "DT without IUS/QAS: U160 (0x09)");
	mptmq_spi_device_limits(&p, 0, &async, &per, &off, &wid);
	ok(per == MPTMQ_SPI_ASYNC && off == 0 && wid == 1, "no SYNC: asynchronous, still wide");
	narrow.dt = narrow.ius = 1;
	mptmq_spi_device_limits(&p, 0, &narrow, &per, &off, &wid);
	ok(per == 0x0a && wid == 0, "narrow disk that claims DT and IUS: narrow is Ultra2 at best");
	mptmq_spi_device_limits(&p, 0, &scsi1, &per, &off, &wid);
	ok(per == 0x0a && off == 127 && wid == 0, "SCSI-1: narrow Ultra2");
	full.qas = 0;
	noqas = mptmq_spi_device_limits(&p, 0, &full, &per, &off, &wid);
	ok(per == 8 && noqas, "U320 with IUS but no QAS: U320, and QAS off on the bus");

	full.qas = 1;
	p.nvram[5] = (0x0cu << 8) | MPTMQ_SPI_NVRAM_WIDE_DISABLE;
	mptmq_spi_device_limits(&p, 5, &full, &per, &off, &wid);
	ok(per == 0x0c && off == 127 && wid == 0, "NVRAM clamps a U320 disk to Ultra, narrow");
	p.nvram[6] = 0;
	mptmq_spi_device_limits(&p, 6, &full, &per, &off, &wid);
	ok(per == MPTMQ_SPI_ASYNC && off == 0, "NVRAM factor 0: asynchronous");
	p.nvram[7] = 0x04u << 8;
	mptmq_spi_device_limits(&p, 7, &full, &per, &off, &wid);
	ok(per == 8, "NVRAM factor faster than the port: the port's");
	p = port_lvd();
	p.min_period = MPTMQ_SPI_ULTRA;
	p.wide = 0;
	mptmq_spi_device_limits(&p, 0, &full, &per, &off, &wid);
	ok(per == MPTMQ_SPI_ULTRA && wid == 0, "slow narrow port: never faster than the port");
}

static void words(void)
{
	struct mptmq_spi_params t = { .period = 8, .offset = 127, .width = 1, .iu = 1, .dt = 1,
				      .qas = 1, .wr_flow = 1, .rd_strm = 1, .rti = 1, .pcomp_en = 1,
				      .hold_mcs = 1 };
	struct mptmq_spi_params r;

	ok(mptmq_spi_requested(&t, 0) == 0x207f08ff, "U320 with every flag: 0x207f08ff");
	ok(mptmq_spi_requested(&t, 1) == (0x207f08ff | MPI_SCSIDEV_NP_IDP), "U320 tape: IDP too");
	t.period = 9;
	ok(!(mptmq_spi_requested(&t, 1) & MPI_SCSIDEV_NP_IDP), "U160 tape: no IDP");
	t = (struct mptmq_spi_params){ .period = -1 };
	ok(mptmq_spi_requested(&t, 0) == 0x0000ff00, "unknown period (-1): factor 0xff, async narrow");
	t = (struct mptmq_spi_params){ .period = 0x0a, .offset = 300, .width = 0 };
	ok(mptmq_spi_requested(&t, 0) == 0x002c0a00, "offset wider than 8 bits is masked");

	mptmq_spi_negotiated(0x207f08ff, &r);
	ok(r.period == 8 && r.offset == 127 && r.width && r.iu && r.dt && r.qas && r.wr_flow &&
	   r.rd_strm && r.rti && r.pcomp_en && r.hold_mcs, "negotiated U320 word: every value");
	mptmq_spi_negotiated(0x000c0c00, &r);
	ok(r.period == 0x0c && r.offset == 12 && !r.width && !r.dt && !r.iu && !r.qas,
	   "negotiated Ultra narrow offset 12");
	mptmq_spi_negotiated(MPI_SCSIDEV_NP_DT | 0x09u << 8 | 62u << 16 | MPI_SCSIDEV_NP_WIDE, &r);
	t = r;
	ok(mptmq_spi_requested(&t, 0) == (MPI_SCSIDEV_NP_DT | 0x09u << 8 | 62u << 16 |
					  MPI_SCSIDEV_NP_WIDE), "read back and written again: same word");
}

static void setters(void)
{
	struct mptmq_spi_params t = { .period = 0x0c, .offset = 16, .width = 1 };

	mptmq_spi_set_period(&t, 8);
	ok(t.period == 8 && t.iu && t.dt, "period 8: IU and DT on");
	t = (struct mptmq_spi_params){ .period = 0x0c, .width = 1 };
	mptmq_spi_set_period(&t, 9);
	ok(t.period == 9 && t.dt && !t.iu, "period 9: DT on");
	mptmq_spi_set_period(&t, 3);
	ok(t.period == 8, "period below 8: 8");
	mptmq_spi_set_period(&t, 1000);
	ok(t.period == 255, "period above 255: 255");
	t = (struct mptmq_spi_params){ .period = 8, .iu = 1, .dt = 1, .width = 1 };
	mptmq_spi_set_dt(&t, 0);
	ok(t.period == 0x0a && !t.dt, "DT off: period at least 10");
	t = (struct mptmq_spi_params){ .period = 8, .iu = 1, .dt = 1, .width = 1 };
	mptmq_spi_set_iu(&t, 0);
	ok(t.period == 9 && !t.iu && t.dt, "IU off: period at least 9, DT stays");
	t = (struct mptmq_spi_params){ .period = 8, .iu = 1, .dt = 1, .width = 1 };
	mptmq_spi_set_width(&t, 0);
	ok(t.period == 0x0a && !t.dt && !t.width, "narrow: no DT, period at least 10");
	t = (struct mptmq_spi_params){ .period = 0x19, .width = 0 };
	mptmq_spi_set_width(&t, 1);
	ok(t.period == 0x19 && t.width, "wide: period unchanged");
	t = (struct mptmq_spi_params){ .period = -1 };
	mptmq_spi_set_dt(&t, 0);
	ok(t.period == 0x0a, "DT off with an unknown period: 10");
	mptmq_spi_set_offset(&t, -4);
	ok(t.offset == 0, "negative offset: 0");
	mptmq_spi_set_offset(&t, 4000);
	ok(t.offset == 255, "offset above 255: 255");
}

int main(void)
{
	port_pages();
	target_limits();
	device_limits();
	words();
	setters();
	printf("1..%d\n", n);
	return fails ? 1 : 0;
}
