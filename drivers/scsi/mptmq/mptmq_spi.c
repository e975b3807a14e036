// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: the parallel SCSI side of the 53C1030/53C1035 - the SPI transport
 * class, negotiation through SCSI Device pages 0 and 1, domain validation,
 * renegotiation after resets, and the chip's quirks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <scsi/scsi.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_transport.h>
#include <scsi/scsi_transport_spi.h>

#include "mptmq.h"

/**
 * DOC: Parallel SCSI
 *
 * On a port whose PortFacts say SCSI the host gets the SPI transport class
 * (/sys/class/spi_transport/targetH:C:T/), as mptspi does, when the IOC has
 * SCSI Device page 0 (mptspi: "some firmware doesn't support page 0").  At
 * probe, once the IOC runs, the port pages are read through the request
 * FIFO: Port page 0 gives the port's limits (fastest period, largest
 * offset, wide, IU/DT/QAS, the bus's signalling), Port page 1 the
 * initiator's own id (the host's this_id), Port page 2 the card's NVRAM
 * settings per target (fastest period and wide for each id, "avoid bus
 * reset", domain validation off).  A page that cannot be read leaves the
 * safe value: asynchronous and narrow, no NVRAM limits.
 *
 * Negotiation is explicit and never relies on a BIOS having run: a new
 * target is first set to asynchronous narrow (SCSI Device page 1 written,
 * as mptspi_target_alloc() does) so that INQUIRY runs on any cable; its
 * INQUIRY then sets the limits (mptmq_spi_device_limits()) and domain
 * validation (spi_dv_device(), from sdev_configure) raises the agreement
 * to the fastest one that carries data intact, falling back through the
 * transport class's setters when a pattern does not come back.  Each setter
 * writes SCSI Device page 1 (WRITE_CURRENT); the IOC negotiates on the next
 * command; each get reads SCSI Device page 0's NegotiatedParameters.  When
 * Port page 2 switches domain validation off the limits are requested as
 * they are, without DV.
 *
 * After every IOC reset (host reset, fault, PCI slot reset, a partner
 * function's chip reset) and every bus reset, every target's last agreement
 * is written to Device page 1 again (mptspi_dv_renegotiate()); the reset's
 * caller waits for it, so the midlayer's retries run at the agreed speed.
 * Targets in domain validation at that moment are skipped: DV writes its own
 * values.  The work runs from the IOC's @spi->reneg_work and takes
 * @spi->buf_mutex (the page buffer) and, through the Config requests,
 * @cfg_mutex; it never takes @ioc_mutex or the chip's reset mutex.
 */

static struct scsi_transport_template *mptmq_spi_tt;

#define MPTMQ_SPI_BUF_SIZE	128	/* the largest page read here is 76 bytes */

/**
 * struct mptmq_spi - a parallel SCSI port
 * @port: what the port pages say (written at attach only)
 * @buf: coherent buffer for the pages, under @buf_mutex
 * @dma: its bus address
 * @buf_mutex: serialises the use of @buf
 * @no_qas: a target without QAS is on the bus: QAS stays off for all
 *	(mptspi's "mixed configuration"); under @buf_mutex
 * @tape: targets that are tapes (IDP at U320), by id; under @buf_mutex
 * @reneg_work: writes every target's agreement again after a reset
 * @ioc: the IOC, for @reneg_work
 */
struct mptmq_spi {
	struct mptmq_spi_port	port;
	void			*buf;
	dma_addr_t		dma;
	struct mutex		buf_mutex;
	bool			no_qas;
	unsigned long		tape;
	struct work_struct	reneg_work;
	struct mptmq_ioc	*ioc;
};

static struct mptmq_ioc *starget_to_ioc(struct scsi_target *starget)
{
	return shost_to_ioc(dev_to_shost(starget->dev.parent));
}

/* The target's current transport values. */
static void mptmq_spi_params_of(struct scsi_target *starget, struct mptmq_spi_params *t)
{
	t->period = spi_period(starget);
	t->offset = spi_offset(starget);
	t->width = spi_width(starget);
	t->iu = spi_iu(starget);
	t->dt = spi_dt(starget);
	t->qas = spi_qas(starget);
	t->wr_flow = spi_wr_flow(starget);
	t->rd_strm = spi_rd_strm(starget);
	t->rti = spi_rti(starget);
	t->pcomp_en = spi_pcomp_en(starget);
	t->hold_mcs = spi_hold_mcs(starget);
}

static void mptmq_spi_params_set(struct scsi_target *starget, const struct mptmq_spi_params *t)
{
	spi_period(starget) = t->period;
	spi_offset(starget) = t->offset;
	spi_width(starget) = t->width;
	spi_iu(starget) = t->iu;
	spi_dt(starget) = t->dt;
	spi_qas(starget) = t->qas;
	spi_wr_flow(starget) = t->wr_flow;
	spi_rd_strm(starget) = t->rd_strm;
	spi_rti(starget) = t->rti;
	spi_pcomp_en(starget) = t->pcomp_en;
	spi_hold_mcs(starget) = t->hold_mcs;
}

/* Read one SCSI Port page of port 0 into @spi->buf; the caller holds buf_mutex. */
static int mptmq_spi_read_port(struct mptmq_ioc *ioc, u8 number)
{
	struct mptmq_spi *spi = ioc->spi;

	return mptmq_config_page(ioc, MPI_CONFIG_ACTION_PAGE_READ_CURRENT,
				 MPI_CONFIG_PAGETYPE_SCSI_PORT, number, 0, spi->buf, spi->dma,
				 MPTMQ_SPI_BUF_SIZE);
}

/*
 * Write @starget's agreement @t to SCSI Device page 1.  Configuration is 0,
 * as mptspi writes it: WDTR, SDTR and PPR all allowed.
 */
static int mptmq_spi_write_pg1(struct scsi_target *starget, const struct mptmq_spi_params *t)
{
	struct mptmq_ioc *ioc = starget_to_ioc(starget);
	struct mptmq_spi *spi = ioc->spi;
	struct mpi_scsi_device_page1 *pg;
	u32 rp;
	int ret;

	mutex_lock(&spi->buf_mutex);
	rp = mptmq_spi_requested(t, test_bit(starget->id, &spi->tape));
	pg = spi->buf;
	memset(pg, 0, sizeof(*pg));
	pg->requested_parameters = cpu_to_le32(rp);
	ret = mptmq_config_page(ioc, MPI_CONFIG_ACTION_PAGE_WRITE_CURRENT,
				MPI_CONFIG_PAGETYPE_SCSI_DEVICE, 1,
				MPI_SCSI_DEVICE_PAGE_ADDRESS(starget->channel, starget->id),
				spi->buf, spi->dma, sizeof(*pg));
	mutex_unlock(&spi->buf_mutex);
	if (ret < 0)
		dev_warn_ratelimited(&starget->dev, "SCSI Device page 1 write (0x%08x) failed: %d\n",
				     rp, ret);
	else
		dev_dbg(&starget->dev, "requested 0x%08x: factor 0x%02x offset %d%s%s%s%s\n", rp,
			t->period & 0xff, t->offset, t->width ? " wide" : "", t->dt ? " DT" : "",
			t->iu ? " IU" : "", t->qas ? " QAS" : "");
	return ret < 0 ? ret : 0;
}

/* Ask for the target's current transport values. */
static void mptmq_spi_write_current(struct scsi_target *starget)
{
	struct mptmq_spi_params t;

	mptmq_spi_params_of(starget, &t);
	mptmq_spi_write_pg1(starget, &t);
}

/**
 * mptmq_spi_read_params() - the get_* callbacks: read what was negotiated
 * @starget: the target
 *
 * Reads SCSI Device page 0 and sets every transport value from its
 * NegotiatedParameters; on failure the values stay as they were.
 *
 * Locks: takes @spi->buf_mutex.  Calling context: process (sysfs, DV).
 */
static void mptmq_spi_read_params(struct scsi_target *starget)
{
	struct mptmq_ioc *ioc = starget_to_ioc(starget);
	struct mptmq_spi *spi = ioc->spi;
	const struct mpi_scsi_device_page0 *pg = spi->buf;
	struct mptmq_spi_params t;
	u32 np = 0;
	int len;

	mutex_lock(&spi->buf_mutex);
	len = mptmq_config_page(ioc, MPI_CONFIG_ACTION_PAGE_READ_CURRENT,
				MPI_CONFIG_PAGETYPE_SCSI_DEVICE, 0,
				MPI_SCSI_DEVICE_PAGE_ADDRESS(starget->channel, starget->id),
				spi->buf, spi->dma, MPTMQ_SPI_BUF_SIZE);
	if (len >= (int)offsetofend(struct mpi_scsi_device_page0, negotiated_parameters))
		np = le32_to_cpu(pg->negotiated_parameters);
	mutex_unlock(&spi->buf_mutex);
	if (len < (int)offsetofend(struct mpi_scsi_device_page0, negotiated_parameters)) {
		dev_warn_ratelimited(&starget->dev, "cannot read SCSI Device page 0: %d\n", len);
		return;
	}
	mptmq_spi_negotiated(np, &t);
	mptmq_spi_params_set(starget, &t);
	dev_dbg(&starget->dev, "negotiated 0x%08x\n", np);
}

/*
 * One coupled change: @set applies @val and the rules that go with it to
 * the target's values (an unknown period, -1, is read from the IOC first,
 * as mptspi does), then Device page 1 is written.
 */
static void mptmq_spi_change(struct scsi_target *starget,
			     void (*set)(struct mptmq_spi_params *t, int val), int val)
{
	struct mptmq_spi_params t;

	if (spi_period(starget) == -1)
		mptmq_spi_read_params(starget);
	mptmq_spi_params_of(starget, &t);
	set(&t, val);
	mptmq_spi_params_set(starget, &t);
	mptmq_spi_write_pg1(starget, &t);
}

/**
 * mptmq_spi_set_period_cb() - set_period: ask for a period factor
 * @starget: the target
 * @period: the factor; 8 asks for IU and DT too, 9 for DT
 *
 * Locks: none held.  Calling context: process (sysfs, DV).
 */
static void mptmq_spi_set_period_cb(struct scsi_target *starget, int period)
{
	mptmq_spi_change(starget, mptmq_spi_set_period, period);
}

/**
 * mptmq_spi_set_offset_cb() - set_offset: ask for a REQ/ACK offset
 * @starget: the target
 * @offset: 0 (asynchronous) to 255
 *
 * Locks: none held.  Calling context: process (sysfs, DV).
 */
static void mptmq_spi_set_offset_cb(struct scsi_target *starget, int offset)
{
	mptmq_spi_change(starget, mptmq_spi_set_offset, offset);
}

/**
 * mptmq_spi_set_width_cb() - set_width: wide or narrow
 * @starget: the target
 * @width: 1 wide, 0 narrow (no DT, period factor at least 10)
 *
 * Locks: none held.  Calling context: process (target alloc, sysfs, DV).
 */
static void mptmq_spi_set_width_cb(struct scsi_target *starget, int width)
{
	mptmq_spi_change(starget, mptmq_spi_set_width, width);
}

/**
 * mptmq_spi_set_dt_cb() - set_dt: double transition clocking
 * @starget: the target
 * @dt: on or off (off: period factor at least 10)
 *
 * Locks: none held.  Calling context: process (sysfs, DV).
 */
static void mptmq_spi_set_dt_cb(struct scsi_target *starget, int dt)
{
	mptmq_spi_change(starget, mptmq_spi_set_dt, dt);
}

/**
 * mptmq_spi_set_iu_cb() - set_iu: information units
 * @starget: the target
 * @iu: on or off (off: period factor at least 9)
 *
 * Locks: none held.  Calling context: process (sysfs, DV).
 */
static void mptmq_spi_set_iu_cb(struct scsi_target *starget, int iu)
{
	mptmq_spi_change(starget, mptmq_spi_set_iu, iu);
}

/**
 * mptmq_spi_set_qas_cb() - set_qas: quick arbitration and selection
 * @starget: the target
 * @qas: on or off; stays off when the port or any target on the bus has
 *	no QAS (as mptspi_write_qas())
 *
 * Locks: none held.  Calling context: process (sysfs, DV).
 */
static void mptmq_spi_set_qas_cb(struct scsi_target *starget, int qas)
{
	struct mptmq_spi *spi = starget_to_ioc(starget)->spi;

	spi_qas(starget) = qas && spi->port.qas && !READ_ONCE(spi->no_qas);
	mptmq_spi_write_current(starget);
}

/*
 * The flags without coupling: set the value and write Device page 1 (as
 * mptspi's MPTSPI_SIMPLE_TRANSPORT_PARM setters).
 *
 * mptmq_spi_set_<flag>_cb() - the set_wr_flow, set_rd_strm, set_rti,
 * set_pcomp_en and set_hold_mcs callbacks: @starget the target, @val on or
 * off.  Locks: none held.  Calling context: process (sysfs, DV).
 */
#define MPTMQ_SPI_SIMPLE_SETTER(parm)						\
static void mptmq_spi_set_##parm##_cb(struct scsi_target *starget, int val)	\
{										\
	spi_##parm(starget) = !!val;						\
	mptmq_spi_write_current(starget);					\
}

MPTMQ_SPI_SIMPLE_SETTER(wr_flow)
MPTMQ_SPI_SIMPLE_SETTER(rd_strm)
MPTMQ_SPI_SIMPLE_SETTER(rti)
MPTMQ_SPI_SIMPLE_SETTER(pcomp_en)
MPTMQ_SPI_SIMPLE_SETTER(hold_mcs)

static struct spi_function_template mptmq_spi_functions = {
	.get_period	= mptmq_spi_read_params,
	.set_period	= mptmq_spi_set_period_cb,
	.show_period	= 1,
	.get_offset	= mptmq_spi_read_params,
	.set_offset	= mptmq_spi_set_offset_cb,
	.show_offset	= 1,
	.get_width	= mptmq_spi_read_params,
	.set_width	= mptmq_spi_set_width_cb,
	.show_width	= 1,
	.get_iu		= mptmq_spi_read_params,
	.set_iu		= mptmq_spi_set_iu_cb,
	.show_iu	= 1,
	.get_dt		= mptmq_spi_read_params,
	.set_dt		= mptmq_spi_set_dt_cb,
	.show_dt	= 1,
	.get_qas	= mptmq_spi_read_params,
	.set_qas	= mptmq_spi_set_qas_cb,
	.show_qas	= 1,
	.get_wr_flow	= mptmq_spi_read_params,
	.set_wr_flow	= mptmq_spi_set_wr_flow_cb,
	.show_wr_flow	= 1,
	.get_rd_strm	= mptmq_spi_read_params,
	.set_rd_strm	= mptmq_spi_set_rd_strm_cb,
	.show_rd_strm	= 1,
	.get_rti	= mptmq_spi_read_params,
	.set_rti	= mptmq_spi_set_rti_cb,
	.show_rti	= 1,
	.get_pcomp_en	= mptmq_spi_read_params,
	.set_pcomp_en	= mptmq_spi_set_pcomp_en_cb,
	.show_pcomp_en	= 1,
	.get_hold_mcs	= mptmq_spi_read_params,
	.set_hold_mcs	= mptmq_spi_set_hold_mcs_cb,
	.show_hold_mcs	= 1,
};

/**
 * mptmq_spi_target_alloc() - a new target on a parallel bus
 * @starget: the target
 *
 * Sets the limits from Port pages 0 and 2 and asks for asynchronous narrow
 * transfers until INQUIRY and domain validation say more (as
 * mptspi_target_alloc()).
 *
 * Locks: none held.  Calling context: process (scan).
 * Return: 0 (a failed page write leaves the IOC's defaults).
 */
int mptmq_spi_target_alloc(struct scsi_target *starget)
{
	struct mptmq_ioc *ioc = starget_to_ioc(starget);
	int min_period, max_offset, max_width;

	if (!ioc->spi || !ioc->shost->transportt)
		return 0;
	mptmq_spi_target_limits(&ioc->spi->port, starget->id, &min_period, &max_offset,
				&max_width);
	spi_min_period(starget) = min_period;
	spi_max_offset(starget) = max_offset;
	spi_max_width(starget) = max_width;
	spi_offset(starget) = 0;
	spi_period(starget) = MPTMQ_SPI_ASYNC;
	mptmq_spi_set_width_cb(starget, 0);
	return 0;
}

/**
 * mptmq_spi_sdev_configure() - limits from INQUIRY, then domain validation
 * @sdev: the new device
 *
 * Locks: none held.  Calling context: process (scan, from sdev_configure).
 */
void mptmq_spi_sdev_configure(struct scsi_device *sdev)
{
	struct mptmq_ioc *ioc = shost_to_ioc(sdev->host);
	struct scsi_target *starget = scsi_target(sdev);
	struct mptmq_spi *spi = ioc->spi;
	struct mptmq_spi_inquiry inq = {
		.scsi2 = sdev->scsi_level >= SCSI_2,
		.wide = scsi_device_wide(sdev),
		.sync = scsi_device_sync(sdev),
		.dt = scsi_device_dt(sdev),
		.ius = scsi_device_ius(sdev),
		.qas = scsi_device_qas(sdev),
	};
	int min_period, max_offset, max_width;
	bool no_qas;

	if (!spi || !ioc->shost->transportt || sdev->inq_periph_qual != 0)
		return;
	/* Not written: SAF-TE processors into IOC page 4; see mptmq_spi_decisions. */
	no_qas = mptmq_spi_device_limits(&spi->port, sdev->id, &inq, &min_period, &max_offset,
					 &max_width);
	mutex_lock(&spi->buf_mutex);
	if (no_qas && !spi->no_qas) {
		spi->no_qas = true;
		sdev_printk(KERN_INFO, sdev, "no QAS: QAS stays off on this bus\n");
	}
	if (sdev->type == TYPE_TAPE)
		set_bit(starget->id, &spi->tape);
	mutex_unlock(&spi->buf_mutex);
	spi_min_period(starget) = min_period;
	spi_max_offset(starget) = max_offset;
	spi_max_width(starget) = max_width;
	dev_dbg(&starget->dev, "limits: factor 0x%02x, offset %d, wide %d\n",
		min_period, max_offset, max_width);

	if (spi_initial_dv(starget))
		return;
	if (spi->port.dv_off) {
		/* The NVRAM says no DV: ask for the limits as they are. */
		struct mptmq_spi_params t = {
			.period = min_period, .offset = max_offset, .width = max_width,
			.dt = inq.dt && min_period <= MPTMQ_SPI_U160 && max_width,
			.iu = inq.ius && min_period <= MPTMQ_SPI_U320 && max_width,
			.qas = inq.qas && !READ_ONCE(spi->no_qas) && spi->port.qas,
		};

		mptmq_spi_params_set(starget, &t);
		mptmq_spi_write_pg1(starget, &t);
		spi_initial_dv(starget) = 1;
	} else {
		spi_dv_device(sdev);
	}
	mptmq_spi_read_params(starget);
	spi_display_xfer_agreement(starget);
}

/* Write every target's agreement again (after a reset). */
static void mptmq_spi_reneg_work(struct work_struct *work)
{
	struct mptmq_spi *spi = container_of(work, struct mptmq_spi, reneg_work);
	struct mptmq_ioc *ioc = spi->ioc;
	DECLARE_BITMAP(done, MPTMQ_MAX_TARGETS);
	struct scsi_device *sdev;
	unsigned int n = 0;

	bitmap_zero(done, MPTMQ_MAX_TARGETS);
	shost_for_each_device(sdev, ioc->shost) {
		struct scsi_target *starget = scsi_target(sdev);

		if (sdev->channel || sdev->id >= MPTMQ_MAX_TARGETS ||
		    test_and_set_bit(sdev->id, done))
			continue;
		/* A target in DV gets DV's own values (mptspi: spi_pending). */
		if (spi_dv_pending(starget))
			continue;
		if (mptmq_state(ioc) != MPTMQ_STATE_RUNNING)
			continue;
		mptmq_spi_write_current(starget);
		n++;
	}
	dev_dbg(&ioc->pdev->dev, "renegotiated %u targets\n", n);
}

/**
 * mptmq_spi_reset_done() - the bus or the IOC was reset: negotiate again
 * @ioc: the IOC, RUNNING again
 * @wait: wait until every target's Device page 1 is written
 *
 * Locks: none of the IOC's held when @wait.  Calling context: process.
 */
void mptmq_spi_reset_done(struct mptmq_ioc *ioc, bool wait)
{
	if (!ioc->spi || !ioc->shost->transportt || READ_ONCE(ioc->removing))
		return;
	queue_work(system_long_wq, &ioc->spi->reneg_work);
	if (wait)
		flush_work(&ioc->spi->reneg_work);
}

/* Read Port pages 0, 1 and 2 into @spi->port; each failure keeps its safe default. */
static void mptmq_spi_read_ports(struct mptmq_ioc *ioc)
{
	struct mptmq_spi *spi = ioc->spi;
	struct device *dev = &ioc->pdev->dev;
	int len;

	mutex_lock(&spi->buf_mutex);
	len = mptmq_spi_read_port(ioc, 0);
	if (len < 0 || mptmq_spi_parse_port0(&spi->port, spi->buf, len))
		dev_warn(dev, "no usable SCSI Port page 0 (%d): asynchronous narrow only\n", len);
	len = mptmq_spi_read_port(ioc, 1);
	if (len < 0 || mptmq_spi_parse_port1(&spi->port, spi->buf, len))
		dev_dbg(dev, "no SCSI Port page 1 (%d): initiator id from PortFacts\n", len);
	len = mptmq_spi_read_port(ioc, 2);
	if (len < 0 || mptmq_spi_parse_port2(&spi->port, spi->buf, len))
		dev_info(dev, "no SCSI Port page 2 (%d): no NVRAM limits\n", len);
	mutex_unlock(&spi->buf_mutex);
	dev_info(dev, "SPI port: factor 0x%02x, offset %u, %s%s%s%s, signalling %u, id %d, %s%s\n",
		 spi->port.min_period, spi->port.max_offset, spi->port.wide ? "wide" : "narrow",
		 spi->port.dt ? " DT" : "", spi->port.iu ? " IU" : "", spi->port.qas ? " QAS" : "",
		 spi->port.signalling, spi->port.initiator_id,
		 spi->port.avoid_bus_reset ? "no bus reset" : "bus reset at load",
		 spi->port.dv_off ? ", DV off" : "");
}

/**
 * mptmq_spi_attach() - set a parallel SCSI host up before it is added
 * @ioc: the IOC, RUNNING, its host not yet added
 *
 * Nothing for other port types.  The transport class is attached only if
 * the IOC has SCSI Device page 0 (as mptspi).
 *
 * Context: process (probe).
 * Return: 0 or -ENOMEM.
 */
int mptmq_spi_attach(struct mptmq_ioc *ioc)
{
	struct Scsi_Host *shost = ioc->shost;
	struct mptmq_spi *spi;
	int len;

	if (ioc->port.port_type != MPI_PORTFACTS_PORTTYPE_SCSI)
		return 0;
	spi = kzalloc(sizeof(*spi), GFP_KERNEL);
	if (!spi)
		return -ENOMEM;
	spi->buf = dma_alloc_coherent(&ioc->pdev->dev, MPTMQ_SPI_BUF_SIZE, &spi->dma, GFP_KERNEL);
	if (!spi->buf) {
		kfree(spi);
		return -ENOMEM;
	}
	mutex_init(&spi->buf_mutex);
	INIT_WORK(&spi->reneg_work, mptmq_spi_reneg_work);
	spi->ioc = ioc;
	mptmq_spi_port_init(&spi->port);
	ioc->spi = spi;

	mptmq_spi_read_ports(ioc);
	if (spi->port.initiator_id >= 0 && spi->port.initiator_id < shost->max_id)
		shost->this_id = spi->port.initiator_id;
	mutex_lock(&spi->buf_mutex);
	len = mptmq_config_page(ioc, MPI_CONFIG_ACTION_PAGE_HEADER, MPI_CONFIG_PAGETYPE_SCSI_DEVICE,
				0, MPI_SCSI_DEVICE_PAGE_ADDRESS(0, 0), spi->buf, spi->dma,
				MPTMQ_SPI_BUF_SIZE);
	mutex_unlock(&spi->buf_mutex);
	if (len > 0)
		shost->transportt = mptmq_spi_tt;
	else
		dev_warn(&ioc->pdev->dev, "no SCSI Device page 0 (%d): no SPI transport, no negotiation\n",
			 len);
	return 0;
}

/**
 * mptmq_spi_start() - the host was added: reset the bus if the NVRAM allows
 * @ioc: the IOC
 *
 * As mptspi's probe: a RESET BUS task management request, unless Port
 * page 2 says to avoid SCSI bus resets, then the settle time; targets left
 * in a negotiated state by a BIOS or a previous driver start from scratch.
 *
 * Context: process (probe), before the scan.
 */
void mptmq_spi_start(struct mptmq_ioc *ioc)
{
	if (!ioc->spi || ioc->spi->port.avoid_bus_reset)
		return;
	if (mptmq_tm_bus_reset_at_load(ioc))
		dev_warn(&ioc->pdev->dev, "bus reset at load failed: scanning anyway\n");
}

/**
 * mptmq_spi_free() - free the port's state
 * @ioc: the IOC, stopped (no DMA into the page buffer any more)
 *
 * Context: process (probe failure, remove).
 */
void mptmq_spi_free(struct mptmq_ioc *ioc)
{
	struct mptmq_spi *spi = ioc->spi;

	if (!spi)
		return;
	cancel_work_sync(&spi->reneg_work);
	dma_free_coherent(&ioc->pdev->dev, MPTMQ_SPI_BUF_SIZE, spi->buf, spi->dma);
	mutex_destroy(&spi->buf_mutex);
	kfree(spi);
	ioc->spi = NULL;
}

/**
 * DOC: mptmq_spi_decisions
 *
 * The 53C1030 specifics of mptscsih, mptspi and mptbase, and what mptmq
 * does with each (fact sources: Linux drivers/message/fusion/, the files
 * named):
 *
 * - **PCI-X split transactions (mptbase mpt_attach()).**  53C1030 parts
 *   before revision C0 (0x08) get the PCI-X command register's "maximum
 *   outstanding split transactions" cleared.  Done, in mptmq_spi_quirks():
 *   the card this driver is for sits on the PCI-X side of a PEX 8114.
 * - **Read/verify underrun erratum (mptscsih_io_done(), DATA_UNDERRUN).**
 *   On SPI, a READ or VERIFY that ends in DATA_UNDERRUN without sense is
 *   turned into DID_SOFT_ERROR (a full retry).  Not done: mptmq reports
 *   the residual exactly (TransferCount, clamped), so sd completes the
 *   bytes that arrived and the block layer issues the rest; a short
 *   transfer can never pass as complete.  The retry would cost a retry
 *   count for the same outcome.
 * - **ILI sense rewrite (mptscsih_io_done(), SUCCESS with autosense).**  On
 *   SPI, sense with ILI set and a transfer count that disagrees with the
 *   information field is rewritten to MEDIUM ERROR, ASC/ASCQ 0xff/0xff.
 *   Not done: it replaces the device's own sense with an invented code
 *   that SG_IO users then see; the residual is already exact (above).
 * - **SAF-TE processors in IOC page 4 (mptspi_initTarget()).**  mptspi
 *   lists processor devices whose INQUIRY says "SAF-TE" (or all, with
 *   mpt_saf_te=1) as SEPs in IOC page 4, for the firmware's Integrated RAID
 *   enclosure handling.  Not done: mptmq does not drive Integrated RAID;
 *   the enclosure is reached through sg by user space as before, and an
 *   IOC page 4 write that some firmware (QEMU's model) does not know would
 *   only fail.
 * - **Integrated RAID (channel 1, IOC pages 2/3, RAID_ACTION quiesce around
 *   DV, deny_binding).**  Not done: mptmq shows the bus's devices as they
 *   are (max_channel 0); IR volumes are out of scope (README).
 * - **Async narrow on the last LUN's removal (mptspi_slave_destroy()).**
 *   Not done: the next target_alloc() starts from asynchronous narrow
 *   anyway, and a write to a departing target can only time out.
 * - **VMware's emulated 1030 (subsystem vendor 0x15AD).**  no_write_same,
 *   as mptspi (mptmq_probe()).  Its IOCFacts ProductID claims IR firmware
 *   (mptbase then waits 300 s for PortEnable); mptmq uses the long wait
 *   too (mptmq_port_enable_ms()) but never infers RAID from it.
 * - **QAS on a mixed bus (mptspi_setTargetNegoParms()).**  Done: one target
 *   without QAS switches QAS off for the whole bus.  mptmq also honours
 *   Port page 0's QAS capability, which mptspi's probe resets.
 * - **ATTO's NVRAM format (mpt_GetScsiPortSettings()).**  Not done: mptmq
 *   does not list ATTO's subsystem (mptspi's table does); ATTO cards would
 *   need their own Port page 2 decoding.
 */

/**
 * mptmq_spi_quirks() - PCI-level fixes of the 53C1030 (see mptmq_spi_decisions)
 * @pdev: the function, enabled
 *
 * Context: process (probe).
 */
void mptmq_spi_quirks(struct pci_dev *pdev)
{
	int pcix;
	u16 cmd;

	if (pdev->device != 0x0030 || pdev->revision >= 0x08)
		return;
	pcix = pci_find_capability(pdev, PCI_CAP_ID_PCIX);
	if (!pcix)
		return;
	pci_read_config_word(pdev, pcix + PCI_X_CMD, &cmd);
	if (!(cmd & PCI_X_CMD_MAX_SPLIT))
		return;
	pci_write_config_word(pdev, pcix + PCI_X_CMD, cmd & ~PCI_X_CMD_MAX_SPLIT);
	dev_info(&pdev->dev, "53C1030 before C0: PCI-X split transactions limited to one\n");
}

/**
 * mptmq_spi_register() - create the SPI transport template
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int mptmq_spi_register(void)
{
	mptmq_spi_tt = spi_attach_transport(&mptmq_spi_functions);
	return mptmq_spi_tt ? 0 : -ENOMEM;
}

/**
 * mptmq_spi_unregister() - release the SPI transport template
 *
 * Context: module exit.
 */
void mptmq_spi_unregister(void)
{
	spi_release_transport(mptmq_spi_tt);
}
