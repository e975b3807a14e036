// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: SAS transport class - host phys, ports, end devices and
 * expanders from the SAS configuration pages, and topology changes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsg-lib.h>
#include <linux/dma-mapping.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_transport.h>
#include <scsi/scsi_transport_sas.h>

#include "mptmq.h"
#include "mptmq_sas_pages.h"

/**
 * DOC: SAS transport
 *
 * On a SAS port (PortFacts PortType SAS) the host is attached to the SAS
 * transport class and shows the same objects and names as the in-kernel
 * mptsas on the same IOC:
 *
 * - one sas_phy per entry of SAS IO Unit page 0 (``phy-H:N``), its
 *   identify data from SAS Device page 0 of the phy's ControllerDevHandle,
 *   its negotiated rate from the IO Unit page and its programmed and
 *   hardware rates from SAS PHY page 0; link error counters are read from
 *   SAS PHY page 1 when sysfs asks for them;
 * - one sas_port per attached SAS address (phys attached to the same
 *   address form a wide port), numbered in the order of their lowest phy;
 * - one rphy per port, an end device or an expander, with the identify data
 *   of the attached device's SAS Device page 0; bay_identifier is its Slot,
 *   enclosure_identifier comes from SAS Enclosure page 0.
 *
 * SCSI target ids are the transport class's (the order in which end devices
 * were added: gaps in the firmware's ids close up, a device that comes back
 * gets a new id); each scsi_target carries the firmware's Bus and TargetID
 * (struct mptmq_target), which every request uses.  A device whose SAS
 * address is 0 is not attached: it could not be named uniquely (by-path
 * names, multipath and the transport class key on the address), and mptsas
 * does not attach it either, so names stay the same across the two
 * drivers; it is logged once.
 *
 * Topology changes: the pages are read again (mptmq_sas_refresh()) on a
 * SAS_DEVICE_STATUS_CHANGE or SAS_DISCOVERY event, on a write to the
 * host's ``scan`` attribute, and every ``sas_poll_ms`` milliseconds,
 * because some firmware (QEMU's model) reports no event at all.  A poll
 * costs one SAS IO Unit page 0 read and nothing more while that page does
 * not change.  A device that is gone is marked so (new commands complete
 * at once with DID_NO_CONNECT) and its port, rphy and SCSI devices are
 * deleted; a new one is added and scanned.
 *
 * PHY resets (and the persistent table clearing on PERSISTENT_TABLE_FULL)
 * need SAS_IO_UNIT_CONTROL, SMP pass-through (bsg) needs SMP_PASSTHROUGH.
 * MPI 1.x has no capability bit for either and an unknown function faults
 * QEMU's model, so an IOC shows them by what it is
 * (mptmq_sas_allowed_fns(): not to QEMU's model, whose Manufacturing page 0
 * names it, nor to an IOC without that page; the sas_functions parameter
 * overrides).  Where not shown, phy resets and SMP requests fail with
 * -EOPNOTSUPP and nothing is sent; the sysfs objects are there either way,
 * as under mptsas.  Both requests go through the Config slot, under
 * @cfg_mutex.
 *
 * Locking: @lock (a mutex) serialises discovery, the page buffer and every
 * change of the phys, ports and devices; it is taken in process context
 * only (workqueue, the scan attribute, probe and remove), never by a sysfs
 * attribute of a phy or rphy (deleting an rphy under @lock waits for its
 * readers): those read their pages into a buffer of their own.  @dev_lock (a spinlock)
 * protects the device list for target_alloc and target_destroy, which the
 * midlayer may call while @lock is held by the discovery that adds a
 * device.
 */

#define MPTMQ_SAS_MAX_PHYS	32
#define MPTMQ_SAS_BUF_SIZE	1024
#define MPTMQ_SAS_SMALL_BUF	256	/* one PHY or Enclosure page */

static unsigned int mptmq_sas_poll_ms = 1000;
module_param_named(sas_poll_ms, mptmq_sas_poll_ms, uint, 0644);
MODULE_PARM_DESC(sas_poll_ms,
		 "Re-read the SAS topology this often, in ms, for firmware without events (0: never; default 1000)");

/*
 * One attached device (an end device or an expander) and its port; @parent
 * is the expander it hangs below, NULL for a device on a host phy.  An
 * expander's own phys are @exp_phys (none until it was read once).
 */
struct mptmq_sas_dev {
	struct list_head	list;
	struct mptmq_sas_dev	*parent;
	struct sas_phy		*exp_phys[MPTMQ_SAS_MAX_EXP_PHYS];
	unsigned int		exp_nphys;
	u64			sas_address;
	u32			phy_mask;
	u32			device_info;
	u16			handle;
	u16			slot;
	u16			enclosure_handle;
	u8			bus;
	u8			id;
	struct sas_port		*port;
	struct sas_rphy		*rphy;
	struct mptmq_target	*tgt;		/* under dev_lock */
	unsigned long		reset_deadline;	/* look again then (reset, not responding); 0 = no */
	bool			seen;
};

/**
 * struct mptmq_sas - the SAS topology of one host
 * @lock: serialises discovery, @buf and every change below
 * @dev_lock: protects @devs for the midlayer's target callbacks
 * @devs: attached devices (struct mptmq_sas_dev)
 * @num_phys: host phys added
 * @phys: the host phys
 * @io0: the last SAS IO Unit page 0 read
 * @io0_len: its length
 * @att: per phy, SAS Device page 0 of the attached device
 * @exp_att: per phy of the expander being read, its attached device's page
 * @no_address: phys whose device has SAS address 0 (logged once)
 * @missing_delay: report-device-missing delay of SAS IO Unit page 1, s
 * @buf: configuration page buffer
 * @dma: its bus address
 * @poll: the topology poll
 * @started: mptmq_sas_start() ran (the host is added): events may act
 * @ioc: the IOC
 */
struct mptmq_sas {
	struct mutex		lock;
	spinlock_t		dev_lock;
	struct list_head	devs;
	unsigned int		num_phys;
	struct sas_phy		*phys[MPTMQ_SAS_MAX_PHYS];
	u8			io0[MPTMQ_SAS_BUF_SIZE];
	unsigned int		io0_len;
	struct mpi_sas_device_page0 att[MPTMQ_SAS_MAX_PHYS];
	struct mpi_sas_device_page0 exp_att[MPTMQ_SAS_MAX_EXP_PHYS];
	u32			no_address;
	unsigned int		missing_delay;
	void			*buf;
	dma_addr_t		dma;
	struct delayed_work	poll;
	bool			started;
	struct mptmq_ioc	*ioc;
};

static struct scsi_transport_template *mptmq_sas_tt;

static struct mptmq_ioc *mptmq_sas_ioc_of(struct device *dev)
{
	return shost_to_ioc(dev_to_shost(dev));
}

/* Read one extended page into sas->buf; return its length or an errno. */
static int mptmq_sas_read(struct mptmq_sas *sas, u8 type, u8 number, u32 address)
{
	lockdep_assert_held(&sas->lock);
	return mptmq_config_ext_read(sas->ioc, type, number, address, sas->buf, sas->dma,
				     MPTMQ_SAS_BUF_SIZE);
}

static int mptmq_sas_device_page(struct mptmq_sas *sas, u16 handle,
				 struct mpi_sas_device_page0 *pg)
{
	int len = mptmq_sas_read(sas, MPI_CONFIG_EXTPAGETYPE_SAS_DEVICE, 0,
				 MPI_SAS_DEVICE_PGAD_FORM_HANDLE | handle);

	if (len < 0)
		return len;
	if (len < (int)sizeof(*pg))
		return -EPROTO;
	memcpy(pg, sas->buf, sizeof(*pg));
	return 0;
}

/* ---- transport class callbacks ---- */

/*
 * Read a page for a sysfs callback into @out (@len bytes), through a buffer
 * of its own: the callbacks must not take the topology lock, because
 * deleting an rphy under that lock waits for the rphy's sysfs readers.
 */
static int mptmq_sas_read_copy(struct mptmq_ioc *ioc, u8 type, u8 number, u32 address,
			       void *out, size_t len)
{
	dma_addr_t dma;
	void *buf;
	int ret;

	buf = dma_alloc_coherent(&ioc->pdev->dev, MPTMQ_SAS_SMALL_BUF, &dma, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = mptmq_config_ext_read(ioc, type, number, address, buf, dma, MPTMQ_SAS_SMALL_BUF);
	if (ret >= (int)len) {
		memcpy(out, buf, len);
		ret = 0;
	} else if (ret >= 0) {
		ret = -EPROTO;
	}
	dma_free_coherent(&ioc->pdev->dev, MPTMQ_SAS_SMALL_BUF, buf, dma);
	return ret;
}

/**
 * mptmq_sas_get_linkerrors() - sas_function_template.get_linkerrors
 * @phy: a host phy
 *
 * Reads SAS PHY page 1 into the phy's four error counters.
 *
 * Context: process (sysfs read); sleeps; no topology lock.
 * Return: 0 or a negative errno.
 */
static int mptmq_sas_get_linkerrors(struct sas_phy *phy)
{
	struct mptmq_ioc *ioc = mptmq_sas_ioc_of(phy->dev.parent);
	struct mpi_sas_phy_page1 pg;
	int ret;

	if (!scsi_is_sas_phy_local(phy))
		return -EINVAL;
	ret = mptmq_sas_read_copy(ioc, MPI_CONFIG_EXTPAGETYPE_SAS_PHY, 1,
				  phy->identify.phy_identifier & MPI_SAS_PHY_PGAD_PHY_NUMBER_MASK,
				  &pg, sizeof(pg));
	if (ret)
		return ret;
	phy->invalid_dword_count = le32_to_cpu(pg.invalid_dword_count);
	phy->running_disparity_error_count = le32_to_cpu(pg.running_disparity_error_count);
	phy->loss_of_dword_sync_count = le32_to_cpu(pg.loss_dword_synch_count);
	phy->phy_reset_problem_count = le32_to_cpu(pg.phy_reset_problem_count);
	return 0;
}

/* The device of @rphy, under dev_lock. */
static struct mptmq_sas_dev *mptmq_sas_dev_of(struct mptmq_sas *sas, struct sas_rphy *rphy)
{
	struct mptmq_sas_dev *dev;

	list_for_each_entry(dev, &sas->devs, list)
		if (dev->rphy == rphy)
			return dev;
	return NULL;
}

/**
 * mptmq_sas_get_enclosure_identifier() - .get_enclosure_identifier
 * @rphy: one of our rphys
 * @identifier: set to EnclosureLogicalID of SAS Enclosure page 0
 *
 * Context: process (sysfs read); sleeps; takes only @dev_lock.
 * Return: 0, -ENXIO for an rphy we do not know, -ENODEV when the IOC has
 * no such enclosure page, another negative errno.
 */
static int mptmq_sas_get_enclosure_identifier(struct sas_rphy *rphy, u64 *identifier)
{
	struct mptmq_ioc *ioc = mptmq_sas_ioc_of(rphy->dev.parent->parent);
	struct mptmq_sas *sas = ioc->sas;
	struct mpi_sas_enclosure_page0 pg;
	struct mptmq_sas_dev *dev;
	int handle = -1, ret;

	spin_lock_irq(&sas->dev_lock);
	dev = mptmq_sas_dev_of(sas, rphy);
	if (dev)
		handle = dev->enclosure_handle;
	spin_unlock_irq(&sas->dev_lock);
	if (handle < 0)
		return -ENXIO;
	ret = mptmq_sas_read_copy(ioc, MPI_CONFIG_EXTPAGETYPE_ENCLOSURE, 0,
				  MPI_SAS_ENCLOS_PGAD_FORM_HANDLE | handle, &pg, sizeof(pg));
	if (!ret)
		*identifier = mptmq_sas_addr(pg.enclosure_logical_id_low,
					     pg.enclosure_logical_id_high);
	return ret;
}

/**
 * mptmq_sas_get_bay_identifier() - .get_bay_identifier
 * @rphy: one of our rphys
 *
 * Context: process (sysfs read); takes @dev_lock.
 * Return: the device's Slot from SAS Device page 0, or -ENXIO.
 */
static int mptmq_sas_get_bay_identifier(struct sas_rphy *rphy)
{
	struct mptmq_sas *sas = mptmq_sas_ioc_of(rphy->dev.parent->parent)->sas;
	struct mptmq_sas_dev *dev;
	int slot = -ENXIO;

	spin_lock_irq(&sas->dev_lock);
	dev = mptmq_sas_dev_of(sas, rphy);
	if (dev)
		slot = dev->slot;
	spin_unlock_irq(&sas->dev_lock);
	return slot;
}

/* ---- optional functions: SAS IO Unit Control, SMP pass-through ---- */

#define MPTMQ_SAS_CTRL_TIMEOUT_MS	10000	/* mptsas waits 10 s for both */

static int mptmq_sas_fn_param = -1;
module_param_named(sas_functions, mptmq_sas_fn_param, int, 0644);
MODULE_PARM_DESC(sas_functions,
		 "Optional SAS functions the IOC may be sent: -1 automatic (all but to QEMU's model, default), else a mask: 1 SAS IO Unit Control (phy resets, persistent table), 2 SMP pass-through");

/* May @ioc be sent the optional function @fn (MPTMQ_SAS_FN_*)? */
static bool mptmq_sas_may(struct mptmq_ioc *ioc, unsigned int fn)
{
	return mptmq_sas_allowed_fns(ioc->chip_name, READ_ONCE(mptmq_sas_fn_param)) & fn;
}

/*
 * Send one SAS IO Unit Control request built by the caller and check its
 * reply.  Return: 0 or a negative errno (-EOPNOTSUPP: not sent).
 */
static int mptmq_sas_control(struct mptmq_ioc *ioc, struct mpi_sas_iounit_control_request *req)
{
	struct mpi_sas_iounit_control_reply rep = {};
	int ret;

	if (!mptmq_sas_may(ioc, MPTMQ_SAS_FN_IO_UNIT_CONTROL))
		return -EOPNOTSUPP;
	req->msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL | MPTMQ_SLOT_CONFIG);
	mutex_lock(&ioc->cfg_mutex);
	ret = mptmq_slot_request(ioc, req, sizeof(*req), &rep, sizeof(rep),
				 MPTMQ_SAS_CTRL_TIMEOUT_MS);
	mutex_unlock(&ioc->cfg_mutex);
	if (ret < 0)
		return ret;
	ret = mptmq_sas_ctrl_reply_check(&rep, ret, req->operation);
	if (ret)
		dev_info_ratelimited(&ioc->pdev->dev,
				     "SAS IO Unit Control operation 0x%02x: IOCStatus 0x%04x, log info 0x%08x (%d)\n",
				     req->operation, le16_to_cpu(rep.ioc_status),
				     le32_to_cpu(rep.ioc_log_info), ret);
	return ret;
}

/**
 * mptmq_sas_phy_reset() - sas_function_template.phy_reset
 * @phy: the phy
 * @hard_reset: hard or link reset
 *
 * Sends SAS IO Unit Control PHY_HARD_RESET or PHY_LINK_RESET for a host
 * phy, where the IOC may be sent it (mptmq_sas_allowed_fns()).  As under
 * mptsas, phys of expanders cannot be reset (that would need SMP PHY
 * CONTROL) and a phy that is not the host's is refused.
 *
 * Context: process (sysfs write); sleeps; takes @ioc->cfg_mutex.
 * Return: 0; -EINVAL for a phy that is not the host's; -ENXIO for an
 * expander phy; -EOPNOTSUPP (nothing sent) for an IOC that has not shown
 * the function; -EIO when the IOC refused; another negative errno.
 */
static int mptmq_sas_phy_reset(struct sas_phy *phy, int hard_reset)
{
	struct mpi_sas_iounit_control_request req;
	struct mptmq_ioc *ioc;
	int ret;

	if (!scsi_is_sas_phy_local(phy))
		return -EINVAL;
	if (phy->identify.target_port_protocols & SAS_PROTOCOL_SMP)
		return -ENXIO;
	ioc = mptmq_sas_ioc_of(phy->dev.parent);
	mptmq_sas_build_phy_reset(&req, phy->identify.phy_identifier, hard_reset);
	ret = mptmq_sas_control(ioc, &req);
	if (ret == -EOPNOTSUPP)
		dev_info_ratelimited(&phy->dev,
				     "%s reset not sent: the IOC has not shown SAS_IO_UNIT_CONTROL (sas_functions)\n",
				     hard_reset ? "hard" : "link");
	else
		dev_info(&phy->dev, "%s reset: %d\n", hard_reset ? "hard" : "link", ret);
	return ret;
}

/* The SAS address of the first host phy (SMP to the host itself, as mptsas). */
static u64 mptmq_sas_host_address(struct mptmq_sas *sas)
{
	u64 addr = 0;

	mutex_lock(&sas->lock);
	if (sas->num_phys)
		addr = sas->phys[0]->identify.sas_address;
	mutex_unlock(&sas->lock);
	return addr;
}

/**
 * mptmq_sas_smp_handler() - sas_function_template.smp_handler
 * @job: the bsg job: an SMP request frame and room for the response
 * @shost: the host
 * @rphy: the target expander, or NULL for the host
 *
 * Sends SMP_PASSTHROUGH, where the IOC may be sent it, with the request
 * and response buffers mapped for DMA (one segment each, as mptsas).  The
 * reply is checked before anything is used: its ResponseDataLength must
 * fit the response buffer.  The reply frame is the job's reply.
 *
 * Context: process (bsg); sleeps; takes @ioc->cfg_mutex.
 */
static void mptmq_sas_smp_handler(struct bsg_job *job, struct Scsi_Host *shost,
				  struct sas_rphy *rphy)
{
	struct mptmq_ioc *ioc = shost_to_ioc(shost);
	struct device *d = &ioc->pdev->dev;
	struct mpi_smp_passthrough_reply rep = {};
	struct mpi_smp_passthrough_request req;
	struct scatterlist *rq = job->request_payload.sg_list;
	struct scatterlist *rs = job->reply_payload.sg_list;
	unsigned int rsp_len = 0;
	u64 addr;
	int ret;

	if (!mptmq_sas_may(ioc, MPTMQ_SAS_FN_SMP_PASSTHROUGH)) {
		ret = -EOPNOTSUPP;
		goto done;
	}
	if (job->request_payload.sg_cnt != 1 || job->reply_payload.sg_cnt != 1) {
		dev_info_ratelimited(d, "SMP: %d request and %d response segments: one each only\n",
				     job->request_payload.sg_cnt, job->reply_payload.sg_cnt);
		ret = -EINVAL;
		goto done;
	}
	addr = rphy ? rphy->identify.sas_address : mptmq_sas_host_address(ioc->sas);
	if (!dma_map_sg(d, rq, 1, DMA_TO_DEVICE)) {
		ret = -ENOMEM;
		goto done;
	}
	if (!dma_map_sg(d, rs, 1, DMA_FROM_DEVICE)) {
		ret = -ENOMEM;
		goto unmap_request;
	}
	ret = mptmq_sas_build_smp(&req, addr, sg_dma_address(rq), sg_dma_len(rq),
				  sg_dma_address(rs), sg_dma_len(rs));
	if (ret)
		goto unmap_response;
	req.msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL | MPTMQ_SLOT_CONFIG);
	mutex_lock(&ioc->cfg_mutex);
	ret = mptmq_slot_request(ioc, &req, sizeof(req), &rep, sizeof(rep),
				 MPTMQ_SAS_CTRL_TIMEOUT_MS);
	mutex_unlock(&ioc->cfg_mutex);
	/*
	 * The IOC may still write the response: only a reset ends that
	 * before the buffer is unmapped (mptsas resets the IOC here too).
	 */
	if (ret == -ETIMEDOUT)
		mptmq_ioc_reset(ioc, "SMP pass-through timed out");
	if (ret >= 0) {
		ret = mptmq_sas_smp_reply_check(&rep, ret, sg_dma_len(rs), &rsp_len);
		memcpy(job->reply, &rep, sizeof(rep));
		job->reply_len = sizeof(rep);
	}
	if (ret)
		dev_info_ratelimited(d, "SMP to 0x%016llx: IOCStatus 0x%04x, SASStatus 0x%02x (%d)\n",
				     addr, le16_to_cpu(rep.ioc_status), rep.sas_status, ret);
unmap_response:
	dma_unmap_sg(d, rs, 1, DMA_FROM_DEVICE);
unmap_request:
	dma_unmap_sg(d, rq, 1, DMA_TO_DEVICE);
done:
	bsg_job_done(job, ret, rsp_len);
}

static struct sas_function_template mptmq_sas_functions = {
	.get_linkerrors			= mptmq_sas_get_linkerrors,
	.get_enclosure_identifier	= mptmq_sas_get_enclosure_identifier,
	.get_bay_identifier		= mptmq_sas_get_bay_identifier,
	.phy_reset			= mptmq_sas_phy_reset,
	.smp_handler			= mptmq_sas_smp_handler,
};

/**
 * mptmq_target_alloc() - give a new SCSI target its firmware address
 * @starget: the target; on a SAS host its parent is an rphy of ours
 *
 * Context: process (scan); the caller may hold the topology lock.
 * Return: 0, -ENXIO for a target that is no device of ours, -ENOMEM.
 */
int mptmq_target_alloc(struct scsi_target *starget)
{
	struct mptmq_ioc *ioc = shost_to_ioc(dev_to_shost(&starget->dev));
	struct mptmq_sas *sas = ioc->sas;
	struct mptmq_sas_dev *dev;
	struct mptmq_target *tgt;
	struct sas_rphy *rphy;

	if (!sas)	/* SPI: the midlayer's id is the firmware's */
		return mptmq_spi_target_alloc(starget);
	if (!scsi_is_sas_rphy(starget->dev.parent))
		return -ENXIO;
	rphy = dev_to_rphy(starget->dev.parent);
	tgt = kzalloc(sizeof(*tgt), GFP_KERNEL);
	if (!tgt)
		return -ENOMEM;
	spin_lock_irq(&sas->dev_lock);
	dev = mptmq_sas_dev_of(sas, rphy);
	if (dev && !dev->tgt) {
		tgt->bus = dev->bus;
		tgt->id = dev->id;
		dev->tgt = tgt;
		starget->hostdata = tgt;
	}
	spin_unlock_irq(&sas->dev_lock);
	if (!starget->hostdata) {
		kfree(tgt);
		return -ENXIO;
	}
	return 0;
}

/**
 * mptmq_target_destroy() - forget a SCSI target's firmware address
 * @starget: the target
 *
 * Context: process.
 */
void mptmq_target_destroy(struct scsi_target *starget)
{
	struct mptmq_ioc *ioc = shost_to_ioc(dev_to_shost(&starget->dev));
	struct mptmq_target *tgt = starget->hostdata;
	struct mptmq_sas_dev *dev;

	if (!ioc->sas || !tgt)
		return;
	spin_lock_irq(&ioc->sas->dev_lock);
	list_for_each_entry(dev, &ioc->sas->devs, list)
		if (dev->tgt == tgt)
			dev->tgt = NULL;
	starget->hostdata = NULL;
	spin_unlock_irq(&ioc->sas->dev_lock);
	kfree(tgt);
}

/* ---- discovery ---- */

static void mptmq_sas_set_rates(struct sas_phy *phy, const struct mpi_sas_phy_page0 *pg)
{
	enum sas_linkrate r;

	r = mptmq_sas_phy_rate(pg->hw_link_rate, true);
	if (r != SAS_LINK_RATE_UNKNOWN)
		phy->maximum_linkrate_hw = r;
	r = mptmq_sas_phy_rate(pg->hw_link_rate, false);
	if (r != SAS_LINK_RATE_UNKNOWN)
		phy->minimum_linkrate_hw = r;
	r = mptmq_sas_phy_rate(pg->programmed_link_rate, true);
	if (r != SAS_LINK_RATE_UNKNOWN)
		phy->maximum_linkrate = r;
	r = mptmq_sas_phy_rate(pg->programmed_link_rate, false);
	if (r != SAS_LINK_RATE_UNKNOWN)
		phy->minimum_linkrate = r;
}

/* Add host phy @i as SAS IO Unit page 0 entry @e describes it. */
static int mptmq_sas_add_phy(struct mptmq_sas *sas, unsigned int i,
			     const struct mpi_sas_io_unit0_phy *e)
{
	struct Scsi_Host *shost = sas->ioc->shost;
	struct mpi_sas_device_page0 dp = {};
	struct mpi_sas_phy_page0 pp;
	u16 handle = le16_to_cpu(e->controller_dev_handle);
	struct sas_phy *phy;
	int len, ret;

	phy = sas_phy_alloc(&shost->shost_gendev, i);
	if (!phy)
		return -ENOMEM;
	/* The phy's own identity: the controller's device page, as mptsas reads it. */
	if (!handle || mptmq_sas_device_page(sas, handle, &dp))
		memset(&dp, 0, sizeof(dp));
	mptmq_sas_parse_identify(&phy->identify, le32_to_cpu(dp.device_info),
				 mptmq_sas_addr(dp.sas_address_low, dp.sas_address_high), i);
	phy->negotiated_linkrate = mptmq_sas_negotiated_rate(e->negotiated_link_rate);
	len = mptmq_sas_read(sas, MPI_CONFIG_EXTPAGETYPE_SAS_PHY, 0, i);
	if (len >= (int)sizeof(pp)) {
		memcpy(&pp, sas->buf, sizeof(pp));
		mptmq_sas_set_rates(phy, &pp);
	}
	ret = sas_phy_add(phy);
	if (ret) {
		sas_phy_free(phy);
		return ret;
	}
	sas->phys[i] = phy;
	return 0;
}

/* Mark @dev gone, delete its port, rphy and SCSI devices, free it. */
static void mptmq_sas_del_dev(struct mptmq_sas *sas, struct mptmq_sas_dev *dev)
{
	struct device *d = &sas->ioc->pdev->dev;
	struct mptmq_sas_dev *c;

	/*
	 * The devices below an expander go first (their ports hang on its
	 * rphy); each deletion may free others, so the walk starts again.
	 */
restart:
	list_for_each_entry(c, &sas->devs, list) {
		if (c->parent == dev) {
			mptmq_sas_del_dev(sas, c);
			goto restart;
		}
	}
	dev_info(d, "SAS device 0x%016llx (handle 0x%04x, firmware id %u:%u) removed\n",
		 dev->sas_address, dev->handle, dev->bus, dev->id);
	spin_lock_irq(&sas->dev_lock);
	if (dev->tgt)
		WRITE_ONCE(dev->tgt->gone, true);
	spin_unlock_irq(&sas->dev_lock);
	if (dev->port)
		sas_port_delete(dev->port);
	spin_lock_irq(&sas->dev_lock);
	list_del(&dev->list);
	spin_unlock_irq(&sas->dev_lock);
	kfree(dev);
}

/*
 * Add a port of the phys in @mask (host phys, or @parent's phys when it is
 * an expander), attached to the device @pg describes.
 */
static int mptmq_sas_add_dev(struct mptmq_sas *sas, struct mptmq_sas_dev *parent, u32 mask,
			     const struct mpi_sas_device_page0 *pg)
{
	struct Scsi_Host *shost = sas->ioc->shost;
	struct device *d = &sas->ioc->pdev->dev;
	struct device *up = parent ? &parent->rphy->dev : &shost->shost_gendev;
	struct sas_phy **phys = parent ? parent->exp_phys : sas->phys;
	unsigned int nphys = parent ? parent->exp_nphys : sas->num_phys;
	struct mptmq_sas_dev *dev;
	struct sas_identify id;
	struct sas_rphy *rphy;
	unsigned int i;
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->sas_address = mptmq_sas_addr(pg->sas_address_low, pg->sas_address_high);
	dev->phy_mask = mask;
	dev->device_info = le32_to_cpu(pg->device_info);
	dev->handle = le16_to_cpu(pg->dev_handle);
	dev->slot = le16_to_cpu(pg->slot);
	dev->enclosure_handle = le16_to_cpu(pg->enclosure_handle);
	dev->bus = pg->bus;
	dev->id = pg->target_id;
	dev->seen = true;
	dev->parent = parent;
	mptmq_sas_parse_identify(&id, dev->device_info, dev->sas_address, pg->phy_num);

	dev->port = sas_port_alloc_num(up);
	if (!dev->port) {
		ret = -ENOMEM;
		goto free_dev;
	}
	ret = sas_port_add(dev->port);
	if (ret) {
		sas_port_free(dev->port);
		goto free_dev;
	}
	for (i = 0; i < nphys; i++)
		if ((mask & (1u << i)) && phys[i])
			sas_port_add_phy(dev->port, phys[i]);

	switch (id.device_type) {
	case SAS_END_DEVICE:
		rphy = sas_end_device_alloc(dev->port);
		break;
	case SAS_EDGE_EXPANDER_DEVICE:
	case SAS_FANOUT_EXPANDER_DEVICE:
		rphy = sas_expander_alloc(dev->port, id.device_type);
		break;
	default:
		rphy = NULL;
		break;
	}
	if (!rphy) {
		ret = -ENODEV;
		goto delete_port;
	}
	rphy->identify = id;
	dev->rphy = rphy;
	/* Listed before it is added: adding scans it, and target_alloc looks it up. */
	spin_lock_irq(&sas->dev_lock);
	list_add_tail(&dev->list, &sas->devs);
	spin_unlock_irq(&sas->dev_lock);
	dev_info(d, "SAS device 0x%016llx (handle 0x%04x, firmware id %u:%u, phys 0x%x%s) added\n",
		 dev->sas_address, dev->handle, dev->bus, dev->id, mask,
		 parent ? " of an expander" : "");
	ret = sas_rphy_add(rphy);
	if (ret) {
		spin_lock_irq(&sas->dev_lock);
		list_del(&dev->list);
		spin_unlock_irq(&sas->dev_lock);
		sas_rphy_free(rphy);
		goto delete_port;
	}
	return 0;

delete_port:
	sas_port_delete(dev->port);
free_dev:
	dev_warn(d, "SAS device 0x%016llx on phys 0x%x not attached: %d\n",
		 dev->sas_address, mask, ret);
	kfree(dev);
	return ret;
}

/*
 * Bring the devices below @parent (NULL: the host) in line with @nports
 * ports: @masks[p] are the phys of port p, @att[phy] the Device page 0 of
 * the device on each phy.  A device still there (same address, handle and
 * phys) stays; the others are deleted; new ones are added.
 */
static void mptmq_sas_reconcile(struct mptmq_sas *sas, struct mptmq_sas_dev *parent,
				const struct mpi_sas_device_page0 *att, u32 *masks,
				unsigned int nports)
{
	struct mptmq_sas_dev *dev;
	unsigned int p;

	lockdep_assert_held(&sas->lock);
	list_for_each_entry(dev, &sas->devs, list)
		if (dev->parent == parent)
			dev->seen = false;
	for (p = 0; p < nports; p++) {
		const struct mpi_sas_device_page0 *dp = &att[__ffs(masks[p])];

		list_for_each_entry(dev, &sas->devs, list) {
			if (dev->parent == parent &&
			    dev->sas_address == mptmq_sas_addr(dp->sas_address_low,
							       dp->sas_address_high) &&
			    dev->handle == le16_to_cpu(dp->dev_handle) &&
			    dev->phy_mask == masks[p]) {
				dev->seen = true;
				masks[p] = 0;
				break;
			}
		}
	}
	/* Deleting an expander frees the devices below it too: start again. */
restart:
	list_for_each_entry(dev, &sas->devs, list) {
		if (dev->parent == parent && !dev->seen) {
			mptmq_sas_del_dev(sas, dev);
			goto restart;
		}
	}
	for (p = 0; p < nports; p++)
		if (masks[p])
			mptmq_sas_add_dev(sas, parent, masks[p], &att[__ffs(masks[p])]);
}

/* Add phy @i of expander @exp as SAS Expander page 1 @p1 describes it. */
static struct sas_phy *mptmq_sas_add_exp_phy(struct mptmq_sas *sas, struct mptmq_sas_dev *exp,
					     unsigned int i,
					     const struct mpi_sas_expander_page1 *p1)
{
	struct sas_phy *phy = sas_phy_alloc(&exp->rphy->dev, i);

	if (!phy)
		return NULL;
	/* The phy's identity is the expander's, as mptsas_probe_one_phy() gives it. */
	phy->identify = exp->rphy->identify;
	phy->identify.phy_identifier = i;
	phy->negotiated_linkrate = mptmq_sas_negotiated_rate(p1->negotiated_link_rate);
	phy->maximum_linkrate_hw = mptmq_sas_phy_rate(p1->hw_link_rate, true);
	phy->minimum_linkrate_hw = mptmq_sas_phy_rate(p1->hw_link_rate, false);
	phy->maximum_linkrate = mptmq_sas_phy_rate(p1->programmed_link_rate, true);
	phy->minimum_linkrate = mptmq_sas_phy_rate(p1->programmed_link_rate, false);
	if (sas_phy_add(phy)) {
		sas_phy_free(phy);
		return NULL;
	}
	return phy;
}

/*
 * Read a directly attached expander's pages (Expander page 0 by handle,
 * page 1 of each phy, Device page 0 of each attached device), add its phys
 * the first time, and bring the devices below it in line: those whose
 * ParentDevHandle is the expander (mptsas_expander_refresh() reads the
 * same pages).  Phys of one address form one port, as on the host.
 */
static void mptmq_sas_expander_refresh(struct mptmq_sas *sas, struct mptmq_sas_dev *exp)
{
	const struct mpi_sas_expander_page0 *p0 = sas->buf;
	const struct mpi_sas_expander_page1 *p1 = sas->buf;
	u64 addr[MPTMQ_SAS_MAX_EXP_PHYS] = {};
	u32 masks[MPTMQ_SAS_MAX_EXP_PHYS];
	unsigned int i, n, nports;
	u16 handle, att;
	int len;

	lockdep_assert_held(&sas->lock);
	len = mptmq_sas_read(sas, MPI_CONFIG_EXTPAGETYPE_SAS_EXPANDER, 0,
			     MPI_SAS_EXPAND_PGAD_FORM_HANDLE | exp->handle);
	if (len < 0)
		return;
	n = mptmq_sas_expander_phys(p0, len);
	handle = le16_to_cpu(p0->dev_handle);
	if (!n || handle != exp->handle)
		return;
	for (i = 0; i < n; i++) {
		struct mpi_sas_expander_page1 pg1;

		memset(&sas->exp_att[i], 0, sizeof(sas->exp_att[i]));
		len = mptmq_sas_read(sas, MPI_CONFIG_EXTPAGETYPE_SAS_EXPANDER, 1,
				     MPI_SAS_EXPAND_PGAD_FORM_HANDLE_PHY_NUM |
				     i << MPI_SAS_EXPAND_PGAD_HPN_SHIFT_PHY | handle);
		if (len < (int)sizeof(pg1))
			continue;
		memcpy(&pg1, p1, sizeof(pg1));
		if (i >= exp->exp_nphys) {
			exp->exp_phys[i] = mptmq_sas_add_exp_phy(sas, exp, i, &pg1);
			exp->exp_nphys = i + 1;
		} else if (exp->exp_phys[i]) {
			exp->exp_phys[i]->negotiated_linkrate =
				mptmq_sas_negotiated_rate(pg1.negotiated_link_rate);
		}
		att = le16_to_cpu(pg1.attached_dev_handle);
		if (!att || mptmq_sas_device_page(sas, att, &sas->exp_att[i]))
			continue;
		addr[i] = mptmq_sas_expander_child(handle, &pg1, sizeof(pg1),
						   &sas->exp_att[i], sizeof(sas->exp_att[i]));
	}
	nports = mptmq_sas_group_ports(addr, n, masks);
	mptmq_sas_reconcile(sas, exp, sas->exp_att, masks, nports);
}

/**
 * mptmq_sas_refresh() - bring the transport objects in line with the IOC
 * @ioc: the IOC, a SAS host
 * @force: read every device page even when SAS IO Unit page 0 did not change
 *
 * Context: process; sleeps; takes the topology lock.
 * Return: 0 or a negative errno (nothing changed then).
 */
static int mptmq_sas_refresh(struct mptmq_ioc *ioc, bool force)
{
	struct mptmq_sas *sas = ioc->sas;
	const struct mpi_sas_io_unit_page0 *pg = (const void *)sas->io0;
	u64 addr[MPTMQ_SAS_MAX_PHYS] = {};
	u32 masks[MPTMQ_SAS_MAX_PHYS];
	struct mptmq_sas_dev *dev;
	unsigned int i, n, nports;
	int len;

	mutex_lock(&sas->lock);
	/* Not before the host is added (an event during probe), not after remove began. */
	if (!sas->started || ioc->removing) {
		len = -ENODEV;
		goto unlock;
	}
	len = mptmq_sas_read(sas, MPI_CONFIG_EXTPAGETYPE_SAS_IO_UNIT, 0, 0);
	if (len < 0)
		goto unlock;
	if (!force && sas->num_phys && len == sas->io0_len && !memcmp(sas->buf, sas->io0, len)) {
		len = 0;
		goto unlock;
	}
	memcpy(sas->io0, sas->buf, len);
	sas->io0_len = len;
	/* version_nvdata_*: mptsas takes them from each page 0 it reads, too. */
	if (len >= (int)offsetofend(struct mpi_sas_io_unit_page0, nvdata_version_persistent)) {
		WRITE_ONCE(ioc->nvdata_persistent, le16_to_cpu(pg->nvdata_version_persistent));
		WRITE_ONCE(ioc->nvdata_default, le16_to_cpu(pg->nvdata_version_default));
	}
	n = min_t(unsigned int, mptmq_sas_io_unit0_phys(pg, len), MPTMQ_SAS_MAX_PHYS);

	if (!sas->num_phys) {
		for (i = 0; i < n; i++) {
			len = mptmq_sas_add_phy(sas, i, &pg->phy[i]);
			if (len)
				break;
			sas->num_phys = i + 1;
		}
		if (!sas->num_phys)
			goto unlock;
	}
	n = min(n, sas->num_phys);
	for (i = 0; i < n; i++)
		sas->phys[i]->negotiated_linkrate =
			mptmq_sas_negotiated_rate(pg->phy[i].negotiated_link_rate);

	for (i = 0; i < n; i++) {
		u16 handle = le16_to_cpu(pg->phy[i].attached_dev_handle);

		if (!handle || mptmq_sas_device_page(sas, handle, &sas->att[i]))
			continue;
		addr[i] = mptmq_sas_addr(sas->att[i].sas_address_low, sas->att[i].sas_address_high);
		if (!addr[i] && !(sas->no_address & (1u << i))) {
			sas->no_address |= 1u << i;
			dev_info(&ioc->pdev->dev,
				 "phy %u: device (handle 0x%04x, firmware id %u:%u) has SAS address 0: not attached\n",
				 i, handle, sas->att[i].bus, sas->att[i].target_id);
		} else if (addr[i]) {
			sas->no_address &= ~(1u << i);
		}
	}

	nports = mptmq_sas_group_ports(addr, n, masks);
	mptmq_sas_reconcile(sas, NULL, sas->att, masks, nports);
	/*
	 * Below each directly attached expander.  Only devices below it come
	 * and go meanwhile (new ones at the tail, skipped here), never @dev.
	 */
	list_for_each_entry(dev, &sas->devs, list)
		if (!dev->parent && dev->rphy &&
		    dev->rphy->identify.device_type != SAS_END_DEVICE)
			mptmq_sas_expander_refresh(sas, dev);
	len = 0;
unlock:
	mutex_unlock(&sas->lock);
	return len;
}

/**
 * mptmq_sas_poll() - the topology poll (delayed work)
 * @work: the poll's work
 *
 * Reads the topology every sas_poll_ms (only SAS IO Unit page 0 unless it
 * changed), and at once after an internal device reset that did not
 * complete within the missing delay.
 *
 * Context: workqueue; sleeps; takes the topology lock.
 */
static void mptmq_sas_poll(struct work_struct *work)
{
	struct mptmq_sas *sas = container_of(to_delayed_work(work), struct mptmq_sas, poll);
	struct mptmq_ioc *ioc = sas->ioc;
	struct mptmq_sas_dev *dev;
	bool force = false;
	unsigned int ms;

	/* An internal device reset that never completed: look again. */
	spin_lock_irq(&sas->dev_lock);
	list_for_each_entry(dev, &sas->devs, list) {
		if (dev->reset_deadline && time_after(jiffies, dev->reset_deadline)) {
			dev->reset_deadline = 0;
			force = true;
		}
	}
	spin_unlock_irq(&sas->dev_lock);
	ms = READ_ONCE(mptmq_sas_poll_ms);
	if ((ms || force) && mptmq_state(ioc) == MPTMQ_STATE_RUNNING && !ioc->removing)
		mptmq_sas_refresh(ioc, force);
	/* Polling off: still look once a second whether it was switched on. */
	if (!ioc->removing)
		schedule_delayed_work(&sas->poll, msecs_to_jiffies(ms ?: 1000));
}

/**
 * mptmq_sas_user_scan() - scsi_transport_template.user_scan (host "scan" attribute)
 * @shost: the host
 * @channel: channel or SCAN_WILD_CARD
 * @id: target id or SCAN_WILD_CARD
 * @lun: LUN or SCAN_WILD_CARD
 *
 * Reads the topology again (devices that came or went are added or
 * removed), then scans the matching end devices' targets.
 *
 * Context: process (sysfs write); sleeps; takes the topology lock.
 * Return: 0, or -ENXIO on a host without SAS topology.
 */
static int mptmq_sas_user_scan(struct Scsi_Host *shost, uint channel, uint id, u64 lun)
{
	struct mptmq_ioc *ioc = shost_to_ioc(shost);
	struct mptmq_sas *sas = ioc->sas;
	struct mptmq_sas_dev *dev;
	struct sas_rphy *rphy;

	if (!sas)
		return -ENXIO;
	mptmq_sas_refresh(ioc, true);
	mutex_lock(&sas->lock);
	list_for_each_entry(dev, &sas->devs, list) {
		rphy = dev->rphy;
		if (!rphy || rphy->identify.device_type != SAS_END_DEVICE ||
		    rphy->scsi_target_id == -1)
			continue;
		if ((channel == SCAN_WILD_CARD || channel == 0) &&
		    (id == SCAN_WILD_CARD || id == rphy->scsi_target_id))
			scsi_scan_target(&rphy->dev, 0, rphy->scsi_target_id, lun,
					 SCSI_SCAN_MANUAL);
	}
	mutex_unlock(&sas->lock);
	return 0;
}

/* ---- events ---- */

/**
 * mptmq_sas_event() - act on one SAS event
 * @ioc: the IOC
 * @rec: the event, copied out of its reply frame
 *
 * Context: workqueue (the event work); sleeps.
 */
void mptmq_sas_event(struct mptmq_ioc *ioc, const struct mptmq_event_rec *rec)
{
	struct mptmq_sas *sas = ioc->sas;
	const struct mpi_event_sas_device_status *ds = (const void *)rec->data;
	const struct mpi_event_sas_discovery *dd = (const void *)rec->data;
	struct mptmq_sas_dev *dev;
	struct device *d = &ioc->pdev->dev;

	if (!sas)
		return;
	switch (rec->event) {
	case MPI_EVENT_SAS_DEVICE_STATUS_CHANGE:
		if (rec->malformed || rec->dwords * 4 < sizeof(*ds)) {
			mptmq_sas_refresh(ioc, true);
			break;
		}
		dev_dbg(d, "SAS device status change: reason 0x%02x, id %u:%u, handle 0x%04x\n",
			ds->reason_code, ds->bus, ds->target_id, le16_to_cpu(ds->dev_handle));
		switch (ds->reason_code) {
		case MPI_EVENT_SAS_DEV_STAT_RC_INTERNAL_DEVICE_RESET:
		case MPI_EVENT_SAS_DEV_STAT_RC_CMPL_INTERNAL_DEV_RESET:
			/*
			 * The firmware resets the device itself; if it does
			 * not report completion within the IO Unit page 1
			 * missing delay, the topology is read again.
			 */
			spin_lock_irq(&sas->dev_lock);
			list_for_each_entry(dev, &sas->devs, list) {
				if (dev->bus != ds->bus || dev->id != ds->target_id)
					continue;
				if (ds->reason_code == MPI_EVENT_SAS_DEV_STAT_RC_CMPL_INTERNAL_DEV_RESET)
					dev->reset_deadline = 0;
				else
					dev->reset_deadline = jiffies +
						(sas->missing_delay + 1) * HZ;
			}
			spin_unlock_irq(&sas->dev_lock);
			break;
		case MPI_EVENT_SAS_DEV_STAT_RC_NOT_RESPONDING:
			mptmq_sas_refresh(ioc, true);
			/*
			 * The pages may still show the device for a moment
			 * (the event can overtake its removal): look again
			 * in a second.
			 */
			spin_lock_irq(&sas->dev_lock);
			list_for_each_entry(dev, &sas->devs, list)
				if (dev->bus == ds->bus && dev->id == ds->target_id)
					dev->reset_deadline = jiffies + HZ;
			spin_unlock_irq(&sas->dev_lock);
			break;
		default:	/* ADDED and the rest */
			mptmq_sas_refresh(ioc, true);
			break;
		}
		break;
	case MPI_EVENT_SAS_DISCOVERY:
		if (rec->malformed || rec->dwords * 4 < sizeof(*dd) ||
		    !(le32_to_cpu(dd->discovery_status) & MPI_EVENT_SAS_DSCVRY_IN_PROGRESS))
			mptmq_sas_refresh(ioc, true);
		break;
	case MPI_EVENT_PERSISTENT_TABLE_FULL: {
		struct mpi_sas_iounit_control_request req = {
			.function = MPI_FUNCTION_SAS_IO_UNIT_CONTROL,
			/* mptsas_persist_clear_table(): forget the devices not present */
			.operation = MPI_SAS_OP_CLEAR_NOT_PRESENT,
		};
		int ret = mptmq_sas_control(ioc, &req);

		if (ret)
			dev_warn(d, "the IOC's persistent device table is full and was not cleared (%d%s): new devices may get no firmware id\n",
				 ret, ret == -EOPNOTSUPP ? ", the IOC has not shown SAS_IO_UNIT_CONTROL" : "");
		else
			dev_info(d, "persistent device table full: entries of absent devices cleared\n");
		mptmq_sas_refresh(ioc, true);
		break;
	}
	case MPI_EVENT_RESCAN:
		mptmq_sas_refresh(ioc, true);
		break;
	default:
		break;
	}
}

/* ---- attach and detach ---- */

/**
 * mptmq_sas_attach() - make a SAS port's host a SAS transport class host
 * @ioc: the IOC, before scsi_add_host()
 *
 * Context: probe.
 * Return: 0 (also for a port that is not SAS) or -ENOMEM.
 */
int mptmq_sas_attach(struct mptmq_ioc *ioc)
{
	struct mptmq_sas *sas;

	if (ioc->port.port_type != MPI_PORTFACTS_PORTTYPE_SAS || !mptmq_sas_tt)
		return 0;
	sas = kzalloc(sizeof(*sas), GFP_KERNEL);
	if (!sas)
		return -ENOMEM;
	sas->buf = dma_alloc_coherent(&ioc->pdev->dev, MPTMQ_SAS_BUF_SIZE, &sas->dma, GFP_KERNEL);
	if (!sas->buf) {
		kfree(sas);
		return -ENOMEM;
	}
	mutex_init(&sas->lock);
	spin_lock_init(&sas->dev_lock);
	INIT_LIST_HEAD(&sas->devs);
	INIT_DELAYED_WORK(&sas->poll, mptmq_sas_poll);
	sas->ioc = ioc;
	ioc->sas = sas;
	ioc->shost->transportt = mptmq_sas_tt;
	return 0;
}

/**
 * mptmq_sas_start() - discover the topology and start watching it
 * @ioc: the IOC, after scsi_add_host(), RUNNING
 *
 * Adding the end devices scans them.
 *
 * Context: probe; sleeps.
 * Return: true when this is a SAS host (the caller must not scan the host
 * itself), false otherwise.
 */
bool mptmq_sas_start(struct mptmq_ioc *ioc)
{
	struct mptmq_sas *sas = ioc->sas;
	const struct mpi_sas_io_unit_page1 *p1;

	if (!sas)
		return false;
	mutex_lock(&sas->lock);
	sas->started = true;
	p1 = sas->buf;
	if (mptmq_sas_read(sas, MPI_CONFIG_EXTPAGETYPE_SAS_IO_UNIT, 1, 0) >= (int)sizeof(*p1)) {
		sas->missing_delay = mptmq_sas_missing_delay(p1->report_device_missing_delay);
		/* io_delay and device_delay: the raw IO delay, the decoded report delay */
		WRITE_ONCE(ioc->io_missing_delay, p1->io_device_missing_delay);
		WRITE_ONCE(ioc->device_missing_delay, sas->missing_delay);
	}
	mutex_unlock(&sas->lock);
	if (mptmq_sas_refresh(ioc, true))
		dev_warn(&ioc->pdev->dev, "cannot read the SAS topology: no devices until the next poll\n");
	schedule_delayed_work(&sas->poll, msecs_to_jiffies(mptmq_sas_poll_ms ?: 1000));
	return true;
}

/**
 * mptmq_sas_stop() - delete the transport objects and stop watching
 * @ioc: the IOC, before scsi_remove_host(), @ioc->removing set
 *
 * Context: remove; sleeps.
 */
void mptmq_sas_stop(struct mptmq_ioc *ioc)
{
	struct mptmq_sas *sas = ioc->sas;
	struct mptmq_sas_dev *dev, *tmp;

	if (!sas)
		return;
	cancel_delayed_work_sync(&sas->poll);
	sas_remove_host(ioc->shost);
	mutex_lock(&sas->lock);
	spin_lock_irq(&sas->dev_lock);
	list_for_each_entry_safe(dev, tmp, &sas->devs, list) {
		list_del(&dev->list);
		kfree(dev);
	}
	spin_unlock_irq(&sas->dev_lock);
	sas->num_phys = 0;
	mutex_unlock(&sas->lock);
}

/**
 * mptmq_sas_free() - free what mptmq_sas_attach() allocated
 * @ioc: the IOC, its host removed or never added
 *
 * Context: process.
 */
void mptmq_sas_free(struct mptmq_ioc *ioc)
{
	struct mptmq_sas *sas = ioc->sas;

	if (!sas)
		return;
	dma_free_coherent(&ioc->pdev->dev, MPTMQ_SAS_BUF_SIZE, sas->buf, sas->dma);
	ioc->sas = NULL;
	kfree(sas);
}

/**
 * mptmq_sas_register() - create the SAS transport template
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int mptmq_sas_register(void)
{
	mptmq_sas_tt = sas_attach_transport(&mptmq_sas_functions);
	if (!mptmq_sas_tt)
		return -ENOMEM;
	/* A write to the host's scan attribute reads the topology first. */
	mptmq_sas_tt->user_scan = mptmq_sas_user_scan;
	return 0;
}

/**
 * mptmq_sas_unregister() - release the SAS transport template
 *
 * Context: module exit.
 */
void mptmq_sas_unregister(void)
{
	sas_release_transport(mptmq_sas_tt);
}
