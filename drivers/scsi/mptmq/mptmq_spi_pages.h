/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mptmq: pure decoding of the parallel SCSI configuration pages and the
 * mapping between the SPI transport class's values and the MPI negotiation
 * words, with no kernel state, so that selftests/unit can run it on page
 * images built from include/mptmq/mpi_spi.h.
 *
 * Fact sources: mpi_cnfg.h (page layouts and bits); Linux mptbase.c
 * mpt_GetScsiPortSettings() (how Port pages 0 and 2 become limits and the
 * NVRAM word), mptspi.c mptspi_getRP(), mptspi_read_parameters(), the
 * mptspi_write_*() setters and mptspi_setTargetNegoParms() (the values the
 * in-kernel driver shows in /sys/class/spi_transport/, which mptmq
 * matches).  Where mptmq differs from mptspi the comment says so and why.
 */
#ifndef _MPTMQ_SPI_PAGES_H
#define _MPTMQ_SPI_PAGES_H

#include <linux/types.h>
#include <mptmq/mpi_spi.h>

#define MPTMQ_SPI_TARGETS	16	/* ids on a wide bus; Port page 2 has 16 entries */

/* Period factors (SPI-4: 8 = 6.25 ns U320 ... 0x0c = 50 ns Ultra) */
#define MPTMQ_SPI_U320		0x08
#define MPTMQ_SPI_U160		0x09
#define MPTMQ_SPI_ULTRA2	0x0a
#define MPTMQ_SPI_ULTRA		0x0c
#define MPTMQ_SPI_ASYNC		0xff

/* The NVRAM word of one target, as mptbase packs Port page 2's entry */
#define MPTMQ_SPI_NVRAM_INVALID		0xffffffffu
#define MPTMQ_SPI_NVRAM_SYNC_MASK	0x0000ff00u
#define MPTMQ_SPI_NVRAM_SYNC_SHIFT	8
#define MPTMQ_SPI_NVRAM_WIDE_DISABLE	((u32)MPI_SCSIPORTPAGE2_DEVICE_WIDE_DISABLE << 16)

/**
 * struct mptmq_spi_port - what the port pages say, host-endian
 * @min_period: fastest period factor the port does (%MPTMQ_SPI_ASYNC: none)
 * @max_offset: largest REQ/ACK offset (0: asynchronous only)
 * @wide: the port is 16 bits wide
 * @iu: information units
 * @dt: double transition clocking
 * @qas: quick arbitration and selection
 * @signalling: MPI_SCSIPORTPAGE0_PHY_SIGNAL_* (0 unknown)
 * @initiator_id: the port's own id from Port page 1, -1 when unknown
 * @avoid_bus_reset: Port page 2 asks for no SCSI bus reset at load
 * @dv_off: Port page 2 switches domain validation off
 * @nvram: per target NVRAM word (flags << 16 | sync factor << 8 | timeout),
 *	%MPTMQ_SPI_NVRAM_INVALID when Port page 2 could not be read
 */
struct mptmq_spi_port {
	u8	min_period;
	u8	max_offset;
	bool	wide;
	bool	iu;
	bool	dt;
	bool	qas;
	u8	signalling;
	int	initiator_id;
	bool	avoid_bus_reset;
	bool	dv_off;
	u32	nvram[MPTMQ_SPI_TARGETS];
};

/**
 * struct mptmq_spi_params - one target's transfer agreement
 * @period: period factor (a transport value may be -1: unknown)
 * @offset: REQ/ACK offset
 * @width: wide
 * @iu: information units
 * @dt: double transition
 * @qas: quick arbitration
 * @wr_flow: write flow control
 * @rd_strm: read streaming
 * @rti: retain training information
 * @pcomp_en: precompensation
 * @hold_mcs: hold margin control settings
 */
struct mptmq_spi_params {
	int	period;
	int	offset;
	bool	width;
	bool	iu;
	bool	dt;
	bool	qas;
	bool	wr_flow;
	bool	rd_strm;
	bool	rti;
	bool	pcomp_en;
	bool	hold_mcs;
};

/**
 * mptmq_spi_port_init() - a port about which nothing is known yet
 * @p: the port
 *
 * Asynchronous, narrow, no NVRAM: the safe settings until the pages are read.
 */
static inline void mptmq_spi_port_init(struct mptmq_spi_port *p)
{
	unsigned int i;

	*p = (struct mptmq_spi_port){ .min_period = MPTMQ_SPI_ASYNC, .initiator_id = -1 };
	for (i = 0; i < MPTMQ_SPI_TARGETS; i++)
		p->nvram[i] = MPTMQ_SPI_NVRAM_INVALID;
}

/**
 * mptmq_spi_parse_port0() - the port's capabilities from SCSI Port page 0
 * @p: the port
 * @pg: the page as read
 * @len: bytes valid in @pg
 *
 * As mpt_GetScsiPortSettings(): no offset means asynchronous only; a
 * single-ended or HVD bus is held to Ultra (factor 0x0c).  Unlike mptbase,
 * a period factor below 8 (no such SPI speed) is read as U320.
 *
 * Return: 0, or -1 when the page is too short (@p is left as it was).
 */
static inline int mptmq_spi_parse_port0(struct mptmq_spi_port *p,
					const struct mpi_scsi_port_page0 *pg, int len)
{
	u32 cap, phy;

	if (len < (int)sizeof(*pg))
		return -1;
	cap = le32_to_cpu(pg->capabilities);
	phy = le32_to_cpu(pg->physical_interface);
	p->max_offset = (cap & MPI_SCSIPORTPAGE0_CAP_MAX_OFFSET_MASK) >>
			MPI_SCSIPORTPAGE0_CAP_MAX_OFFSET_SHIFT;
	p->min_period = (cap & MPI_SCSIPORTPAGE0_CAP_MIN_PERIOD_MASK) >>
			MPI_SCSIPORTPAGE0_CAP_MIN_PERIOD_SHIFT;
	if (!p->max_offset)
		p->min_period = MPTMQ_SPI_ASYNC;
	else if (p->min_period < MPTMQ_SPI_U320)
		p->min_period = MPTMQ_SPI_U320;
	p->wide = cap & MPI_SCSIPORTPAGE0_CAP_WIDE;
	p->iu = cap & MPI_SCSIPORTPAGE0_CAP_IU;
	p->dt = cap & MPI_SCSIPORTPAGE0_CAP_DT;
	p->qas = cap & MPI_SCSIPORTPAGE0_CAP_QAS;
	p->signalling = phy & MPI_SCSIPORTPAGE0_PHY_SIGNAL_MASK;
	if ((p->signalling == MPI_SCSIPORTPAGE0_PHY_SIGNAL_HVD ||
	     p->signalling == MPI_SCSIPORTPAGE0_PHY_SIGNAL_SE) && p->min_period < MPTMQ_SPI_ULTRA)
		p->min_period = MPTMQ_SPI_ULTRA;
	return 0;
}

/**
 * mptmq_spi_parse_port1() - the port's own SCSI id from SCSI Port page 1
 * @p: the port
 * @pg: the page as read
 * @len: bytes valid in @pg
 *
 * Return: 0, or -1 when the page is too short.
 */
static inline int mptmq_spi_parse_port1(struct mptmq_spi_port *p,
					const struct mpi_scsi_port_page1 *pg, int len)
{
	if (len < (int)offsetofend(struct mpi_scsi_port_page1, configuration))
		return -1;
	p->initiator_id = le32_to_cpu(pg->configuration) & MPI_SCSIPORTPAGE1_CFG_PORT_SCSI_ID_MASK;
	return 0;
}

/**
 * mptmq_spi_parse_port2() - the NVRAM settings from SCSI Port page 2
 * @p: the port
 * @pg: the page as read
 * @len: bytes valid in @pg
 *
 * Each target's entry becomes the word mptbase keeps (DeviceFlags << 16 |
 * SyncFactor << 8 | Timeout).  A short page leaves every entry invalid.
 *
 * Return: 0, or -1 when the page is too short.
 */
static inline int mptmq_spi_parse_port2(struct mptmq_spi_port *p,
					const struct mpi_scsi_port_page2 *pg, int len)
{
	unsigned int i;
	u32 flags;

	if (len < (int)sizeof(*pg))
		return -1;
	flags = le32_to_cpu(pg->port_flags);
	p->avoid_bus_reset = flags & MPI_SCSIPORTPAGE2_PORT_FLAGS_AVOID_SCSI_RESET;
	p->dv_off = (flags & MPI_SCSIPORTPAGE2_PORT_FLAGS_DV_MASK) ==
		    MPI_SCSIPORTPAGE2_PORT_FLAGS_OFF_DV;
	for (i = 0; i < MPTMQ_SPI_TARGETS; i++) {
		const struct mpi_device_info *d = &pg->device_settings[i];

		p->nvram[i] = (u32)le16_to_cpu(d->device_flags) << 16 |
			      (u32)d->sync_factor << MPTMQ_SPI_NVRAM_SYNC_SHIFT | d->timeout;
	}
	return 0;
}

/**
 * mptmq_spi_target_limits() - a new target's limits, before its INQUIRY
 * @p: the port
 * @id: the target id
 * @min_period: fastest period factor allowed
 * @max_offset: largest offset allowed
 * @max_width: wide allowed
 *
 * As mptspi_target_alloc(): the NVRAM's sync factor and wide setting when
 * Port page 2 has the target, else the port's.  Unlike mptspi, the NVRAM
 * factor never makes a target faster than the port and a factor of 0
 * (the NVRAM says asynchronous) gives %MPTMQ_SPI_ASYNC rather than 0.
 */
static inline void mptmq_spi_target_limits(const struct mptmq_spi_port *p, unsigned int id,
					   int *min_period, int *max_offset, int *max_width)
{
	u32 nv = id < MPTMQ_SPI_TARGETS ? p->nvram[id] : MPTMQ_SPI_NVRAM_INVALID;
	int factor = p->min_period;

	*max_width = p->wide;
	if (nv != MPTMQ_SPI_NVRAM_INVALID) {
		int nf = (nv & MPTMQ_SPI_NVRAM_SYNC_MASK) >> MPTMQ_SPI_NVRAM_SYNC_SHIFT;

		factor = nf ? (nf > factor ? nf : factor) : MPTMQ_SPI_ASYNC;
		*max_width = p->wide && !(nv & MPTMQ_SPI_NVRAM_WIDE_DISABLE);
	}
	*min_period = factor;
	*max_offset = factor == MPTMQ_SPI_ASYNC ? 0 : p->max_offset;
}

/**
 * struct mptmq_spi_inquiry - what a device's INQUIRY data says
 * @scsi2: SCSI-2 or later
 * @wide: WBUS16
 * @sync: SYNC
 * @dt: clocking includes DT (byte 56)
 * @ius: IUS (byte 56)
 * @qas: QAS (byte 56)
 */
struct mptmq_spi_inquiry {
	bool	scsi2;
	bool	wide;
	bool	sync;
	bool	dt;
	bool	ius;
	bool	qas;
};

/**
 * mptmq_spi_device_limits() - a target's limits once its INQUIRY is known
 * @p: the port
 * @id: the target id
 * @inq: the INQUIRY capabilities
 * @min_period: fastest period factor
 * @max_offset: largest offset
 * @max_width: wide allowed
 *
 * As mptspi_setTargetNegoParms(): a SCSI-1 device gets narrow Ultra2, a
 * device without DT Ultra2, DT without IUS and QAS U160, else U320; the
 * NVRAM clamps; narrow never goes faster than Ultra2.  Unlike mptspi the
 * port's own limit (Port page 0) is applied last, so a single-ended or HVD
 * bus or a slow port never gets a faster request.
 *
 * Return: true if the target does not do QAS (the port's QAS must then be
 * off for every target, as mptspi does for a mixed bus).
 */
static inline bool mptmq_spi_device_limits(const struct mptmq_spi_port *p, unsigned int id,
					   const struct mptmq_spi_inquiry *inq, int *min_period,
					   int *max_offset, int *max_width)
{
	u32 nv = id < MPTMQ_SPI_TARGETS ? p->nvram[id] : MPTMQ_SPI_NVRAM_INVALID;
	int width = 0, factor = MPTMQ_SPI_ASYNC, offset = 0;
	bool no_qas = true;

	if (!inq->scsi2) {
		factor = MPTMQ_SPI_ULTRA2;
		offset = p->max_offset;
	} else {
		width = inq->wide;
		if (inq->sync) {
			if (!inq->dt) {
				factor = MPTMQ_SPI_ULTRA2;
			} else if (!inq->ius && !inq->qas) {
				factor = MPTMQ_SPI_U160;
			} else {
				factor = MPTMQ_SPI_U320;
				if (inq->qas)
					no_qas = false;
			}
			offset = p->max_offset;
		}
	}
	if (nv != MPTMQ_SPI_NVRAM_INVALID) {
		int nf = (nv & MPTMQ_SPI_NVRAM_SYNC_MASK) >> MPTMQ_SPI_NVRAM_SYNC_SHIFT;

		if (width)
			width = !(nv & MPTMQ_SPI_NVRAM_WIDE_DISABLE);
		if (offset > 0 && nf) {
			if (nf < p->min_period)
				nf = p->min_period;
			if (nf > factor)
				factor = nf;
			if (factor == MPTMQ_SPI_ASYNC)
				offset = 0;
		} else {
			offset = 0;
			factor = MPTMQ_SPI_ASYNC;
		}
	}
	if (!width && factor < MPTMQ_SPI_ULTRA2)
		factor = MPTMQ_SPI_ULTRA2;
	/* The port's own limits (not in mptspi, which trusts INQUIRY here). */
	if (factor < p->min_period)
		factor = p->min_period;
	if (!p->wide)
		width = 0;
	if (factor == MPTMQ_SPI_ASYNC || !p->max_offset)
		offset = 0;
	if (factor > MPTMQ_SPI_U320)
		no_qas = false;
	*min_period = factor;
	*max_offset = offset;
	*max_width = width;
	return no_qas;
}

/**
 * mptmq_spi_requested() - SCSI Device page 1 RequestedParameters
 * @t: the agreement to ask for
 * @tape: the target is a tape (its U320 transfers get IDP, as mptspi does)
 *
 * Return: the host-endian RequestedParameters word.
 */
static inline u32 mptmq_spi_requested(const struct mptmq_spi_params *t, bool tape)
{
	u32 rp = 0;

	rp |= t->iu ? MPI_SCSIDEV_NP_IU : 0;
	rp |= t->dt ? MPI_SCSIDEV_NP_DT : 0;
	rp |= t->qas ? MPI_SCSIDEV_NP_QAS : 0;
	rp |= t->hold_mcs ? MPI_SCSIDEV_NP_HOLD_MCS : 0;
	rp |= t->wr_flow ? MPI_SCSIDEV_NP_WR_FLOW : 0;
	rp |= t->rd_strm ? MPI_SCSIDEV_NP_RD_STRM : 0;
	rp |= t->rti ? MPI_SCSIDEV_NP_RTI : 0;
	rp |= t->pcomp_en ? MPI_SCSIDEV_NP_PCOMP_EN : 0;
	rp |= ((u32)t->period << MPI_SCSIDEV_NP_PERIOD_SHIFT) & MPI_SCSIDEV_NP_PERIOD_MASK;
	rp |= ((u32)t->offset << MPI_SCSIDEV_NP_OFFSET_SHIFT) & MPI_SCSIDEV_NP_OFFSET_MASK;
	rp |= t->width ? MPI_SCSIDEV_NP_WIDE : 0;
	if (tape && t->period == MPTMQ_SPI_U320)
		rp |= MPI_SCSIDEV_NP_IDP;
	return rp;
}

/**
 * mptmq_spi_negotiated() - the agreement in SCSI Device page 0
 * @np: the host-endian NegotiatedParameters word
 * @t: filled in
 */
static inline void mptmq_spi_negotiated(u32 np, struct mptmq_spi_params *t)
{
	t->iu = np & MPI_SCSIDEV_NP_IU;
	t->dt = np & MPI_SCSIDEV_NP_DT;
	t->qas = np & MPI_SCSIDEV_NP_QAS;
	t->hold_mcs = np & MPI_SCSIDEV_NP_HOLD_MCS;
	t->wr_flow = np & MPI_SCSIDEV_NP_WR_FLOW;
	t->rd_strm = np & MPI_SCSIDEV_NP_RD_STRM;
	t->rti = np & MPI_SCSIDEV_NP_RTI;
	t->pcomp_en = np & MPI_SCSIDEV_NP_PCOMP_EN;
	t->period = (np & MPI_SCSIDEV_NP_PERIOD_MASK) >> MPI_SCSIDEV_NP_PERIOD_SHIFT;
	t->offset = (np & MPI_SCSIDEV_NP_OFFSET_MASK) >> MPI_SCSIDEV_NP_OFFSET_SHIFT;
	t->width = np & MPI_SCSIDEV_NP_WIDE;
}

/*
 * The transport class's setters and the rules that tie the values together
 * (mptspi_write_period/_dt/_iu/_width/_offset): U320 (factor 8) needs IU
 * and DT, U160 (9) needs DT; without DT the period is at least 10, without
 * IU at least 9, narrow means no DT and at least 10.
 */

/** mptmq_spi_set_period() - ask for period factor @period (clamped to 8..255) */
static inline void mptmq_spi_set_period(struct mptmq_spi_params *t, int period)
{
	if (period < MPTMQ_SPI_U320)
		period = MPTMQ_SPI_U320;
	if (period > MPTMQ_SPI_ASYNC)
		period = MPTMQ_SPI_ASYNC;
	if (period == MPTMQ_SPI_U320) {
		t->iu = true;
		t->dt = true;
	} else if (period == MPTMQ_SPI_U160) {
		t->dt = true;
	}
	t->period = period;
}

/** mptmq_spi_set_offset() - ask for offset @offset (clamped to 0..255) */
static inline void mptmq_spi_set_offset(struct mptmq_spi_params *t, int offset)
{
	t->offset = offset < 0 ? 0 : offset > 255 ? 255 : offset;
}

/** mptmq_spi_set_dt() - DT on or off; off means a period of at least 10 */
static inline void mptmq_spi_set_dt(struct mptmq_spi_params *t, int dt)
{
	if (!dt && t->period < MPTMQ_SPI_ULTRA2)
		t->period = MPTMQ_SPI_ULTRA2;
	t->dt = !!dt;
}

/** mptmq_spi_set_iu() - IU on or off; off means a period of at least 9 */
static inline void mptmq_spi_set_iu(struct mptmq_spi_params *t, int iu)
{
	if (!iu && t->period < MPTMQ_SPI_U160)
		t->period = MPTMQ_SPI_U160;
	t->iu = !!iu;
}

/** mptmq_spi_set_width() - wide or narrow; narrow means no DT, period >= 10 */
static inline void mptmq_spi_set_width(struct mptmq_spi_params *t, int width)
{
	if (!width) {
		t->dt = false;
		if (t->period < MPTMQ_SPI_ULTRA2)
			t->period = MPTMQ_SPI_ULTRA2;
	}
	t->width = !!width;
}

#endif /* _MPTMQ_SPI_PAGES_H */
