/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mptmq: MPI 1.x parallel SCSI (53C1030/53C1035) configuration pages.
 *
 * Fact source: the MPI 1.5 configuration header (mpi_cnfg.h in Linux
 * drivers/message/fusion/lsi/, "SCSI Port Config Pages" and "SCSI Target
 * Device Config Pages"); field offsets are given there in the same order.
 * Only the pages and bits the driver uses.  Layout rules as in mpi.h.
 */
#ifndef _MPTMQ_MPI_SPI_H
#define _MPTMQ_MPI_SPI_H

#include <mptmq/mpi.h>

#define MPI_CONFIG_PAGETYPE_SCSI_PORT		0x03
#define MPI_CONFIG_PAGETYPE_SCSI_DEVICE		0x04

/* PageAddress of a SCSI Device page: bus in 15:8, target id in 7:0. */
#define MPI_SCSI_DEVICE_PAGE_ADDRESS(bus, id)	(((u32)(bus) << 8) | (id))

/** struct mpi_scsi_port_page0 - SCSI Port page 0: what the port can do */
struct mpi_scsi_port_page0 {
	struct mpi_config_page_header header; /* 0x00 */
	__le32	capabilities;		/* 0x04 MPI_SCSIPORTPAGE0_CAP_* */
	__le32	physical_interface;	/* 0x08 MPI_SCSIPORTPAGE0_PHY_* */
};
static_assert(sizeof(struct mpi_scsi_port_page0) == 12);

#define MPI_SCSIPORTPAGE0_CAP_IU		0x00000001
#define MPI_SCSIPORTPAGE0_CAP_DT		0x00000002
#define MPI_SCSIPORTPAGE0_CAP_QAS		0x00000004
#define MPI_SCSIPORTPAGE0_CAP_MIN_PERIOD_MASK	0x0000ff00
#define MPI_SCSIPORTPAGE0_CAP_MIN_PERIOD_SHIFT	8
#define MPI_SCSIPORTPAGE0_CAP_MAX_OFFSET_MASK	0x00ff0000
#define MPI_SCSIPORTPAGE0_CAP_MAX_OFFSET_SHIFT	16
#define MPI_SCSIPORTPAGE0_CAP_IDP		0x08000000
#define MPI_SCSIPORTPAGE0_CAP_WIDE		0x20000000
#define MPI_SCSIPORTPAGE0_CAP_AIP		0x80000000

#define MPI_SCSIPORTPAGE0_PHY_SIGNAL_MASK	0x00000003
#define MPI_SCSIPORTPAGE0_PHY_SIGNAL_HVD	0x01
#define MPI_SCSIPORTPAGE0_PHY_SIGNAL_SE		0x02
#define MPI_SCSIPORTPAGE0_PHY_SIGNAL_LVD	0x03

/** struct mpi_scsi_port_page1 - SCSI Port page 1: the port's own id */
struct mpi_scsi_port_page1 {
	struct mpi_config_page_header header; /* 0x00 */
	__le32	configuration;		/* 0x04 port SCSI id in 7:0, response ids in 31:16 */
	__le32	on_bus_timer_value;	/* 0x08 */
	u8	target_config;		/* 0x0c */
	u8	rsvd0d;			/* 0x0d */
	__le16	id_config;		/* 0x0e */
};
static_assert(sizeof(struct mpi_scsi_port_page1) == 16);

#define MPI_SCSIPORTPAGE1_CFG_PORT_SCSI_ID_MASK	0x000000ff

/** struct mpi_device_info - one target's NVRAM settings in SCSI Port page 2 */
struct mpi_device_info {
	u8	timeout;		/* 0x00 */
	u8	sync_factor;		/* 0x01 slowest-allowed period factor; 0 = async */
	__le16	device_flags;		/* 0x02 MPI_SCSIPORTPAGE2_DEVICE_* */
};
static_assert(sizeof(struct mpi_device_info) == 4);

/** struct mpi_scsi_port_page2 - SCSI Port page 2: the card's NVRAM settings */
struct mpi_scsi_port_page2 {
	struct mpi_config_page_header header; /* 0x00 */
	__le32	port_flags;		/* 0x04 MPI_SCSIPORTPAGE2_PORT_FLAGS_* */
	__le32	port_settings;		/* 0x08 */
	struct mpi_device_info device_settings[16]; /* 0x0c */
};
static_assert(sizeof(struct mpi_scsi_port_page2) == 76);

#define MPI_SCSIPORTPAGE2_PORT_FLAGS_AVOID_SCSI_RESET	0x00000004
#define MPI_SCSIPORTPAGE2_PORT_FLAGS_DV_MASK		0x00000060
#define MPI_SCSIPORTPAGE2_PORT_FLAGS_OFF_DV		0x00000060
#define MPI_SCSIPORTPAGE2_DEVICE_WIDE_DISABLE		0x0010

/** struct mpi_scsi_device_page0 - SCSI Device page 0: what was negotiated */
struct mpi_scsi_device_page0 {
	struct mpi_config_page_header header; /* 0x00 */
	__le32	negotiated_parameters;	/* 0x04 MPI_SCSIDEV_NP_* */
	__le32	information;		/* 0x08 */
};
static_assert(sizeof(struct mpi_scsi_device_page0) == 12);

/** struct mpi_scsi_device_page1 - SCSI Device page 1: what to negotiate */
struct mpi_scsi_device_page1 {
	struct mpi_config_page_header header; /* 0x00 */
	__le32	requested_parameters;	/* 0x04 same bits as NegotiatedParameters */
	__le32	rsvd08;			/* 0x08 */
	__le32	configuration;		/* 0x0c */
};
static_assert(sizeof(struct mpi_scsi_device_page1) == 16);

/*
 * NegotiatedParameters (Device page 0) and RequestedParameters (Device
 * page 1) share one layout.
 */
#define MPI_SCSIDEV_NP_IU		0x00000001
#define MPI_SCSIDEV_NP_DT		0x00000002
#define MPI_SCSIDEV_NP_QAS		0x00000004
#define MPI_SCSIDEV_NP_HOLD_MCS		0x00000008
#define MPI_SCSIDEV_NP_WR_FLOW		0x00000010
#define MPI_SCSIDEV_NP_RD_STRM		0x00000020
#define MPI_SCSIDEV_NP_RTI		0x00000040
#define MPI_SCSIDEV_NP_PCOMP_EN		0x00000080
#define MPI_SCSIDEV_NP_PERIOD_MASK	0x0000ff00
#define MPI_SCSIDEV_NP_PERIOD_SHIFT	8
#define MPI_SCSIDEV_NP_OFFSET_MASK	0x00ff0000
#define MPI_SCSIDEV_NP_OFFSET_SHIFT	16
#define MPI_SCSIDEV_NP_IDP		0x08000000
#define MPI_SCSIDEV_NP_WIDE		0x20000000
#define MPI_SCSIDEV_NP_AIP		0x80000000

#endif /* _MPTMQ_MPI_SPI_H */
