// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: blk-mq SCSI low-level driver for LSI Fusion-MPT (MPI 1.x) host
 * adapters - module parameters, PCI probe/remove/shutdown, host template.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/interrupt.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/pm.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_cmnd.h>

#include "mptmq.h"
#include "mptmq_trace.h"

static bool mptmq_msi = true;
module_param_named(msi, mptmq_msi, bool, 0444);
MODULE_PARM_DESC(msi, "Use MSI when the IOC offers it; INTx otherwise (default: true)");

static const char *mptmq_chip(unsigned short device)
{
	switch (device) {
	case 0x0030: return "53C1030";
	case 0x0031: return "53C1030ZC";
	case 0x0040: return "53C1035";
	case 0x0041: return "53C1035ZC";
	case 0x0050: return "SAS1064";
	case 0x0054: return "SAS1068";
	case 0x0056: return "SAS1064E";
	case 0x0058: return "SAS1068E";
	case 0x005a: return "SAS1066E";
	case 0x005c: return "SAS1064A";
	case 0x005e: return "SAS1066";
	default: return "MPT";
	}
}

/*
 * Product names with the silicon revision, as mptbase's
 * mpt_get_product_name() gives them for version_product (Linux
 * drivers/message/fusion/mptbase.c); any other revision, and the parts
 * mptbase does not name, get "LSI" and the chip name.
 */
static const struct mptmq_product {
	unsigned short	device;
	u8		revision;
	const char	*name;
} mptmq_products[] = {
	{ 0x0030, 0x00, "LSI53C1030 A0" },	{ 0x0030, 0x01, "LSI53C1030 B0" },
	{ 0x0030, 0x03, "LSI53C1030 B1" },	{ 0x0030, 0x07, "LSI53C1030 B2" },
	{ 0x0030, 0x08, "LSI53C1030 C0" },	{ 0x0030, 0x80, "LSI53C1030T A0" },
	{ 0x0030, 0x83, "LSI53C1030T A2" },	{ 0x0030, 0x87, "LSI53C1030T A3" },
	{ 0x0030, 0xc1, "LSI53C1020A A1" },
	{ 0x0040, 0x03, "LSI53C1035 A2" },	{ 0x0040, 0x04, "LSI53C1035 B0" },
	{ 0x0050, 0x00, "LSISAS1064 A1" },	{ 0x0050, 0x01, "LSISAS1064 A2" },
	{ 0x0050, 0x02, "LSISAS1064 A3" },	{ 0x0050, 0x03, "LSISAS1064 A4" },
	{ 0x0054, 0x00, "LSISAS1068 A0" },	{ 0x0054, 0x01, "LSISAS1068 B0" },
	{ 0x0054, 0x02, "LSISAS1068 B1" },
	{ 0x0056, 0x00, "LSISAS1064E A0" },	{ 0x0056, 0x01, "LSISAS1064E B0" },
	{ 0x0056, 0x02, "LSISAS1064E B1" },	{ 0x0056, 0x04, "LSISAS1064E B2" },
	{ 0x0056, 0x08, "LSISAS1064E B3" },
	{ 0x0058, 0x00, "LSISAS1068E A0" },	{ 0x0058, 0x01, "LSISAS1068E B0" },
	{ 0x0058, 0x02, "LSISAS1068E B1" },	{ 0x0058, 0x04, "LSISAS1068E B2" },
	{ 0x0058, 0x08, "LSISAS1068E B3" },
};

static void mptmq_set_product(struct mptmq_ioc *ioc)
{
	struct pci_dev *pdev = ioc->pdev;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mptmq_products); i++) {
		if (mptmq_products[i].device == pdev->device &&
		    mptmq_products[i].revision == pdev->revision) {
			strscpy(ioc->product, mptmq_products[i].name, sizeof(ioc->product));
			return;
		}
	}
	snprintf(ioc->product, sizeof(ioc->product), "LSI%s", mptmq_chip(pdev->device));
}

/**
 * mptmq_info() - scsi_host_template info: the host's one-line description
 * @shost: the SCSI host
 *
 * Context: process; no locks.
 * Return: the description built at probe (product, firmware, MPI version).
 */
static const char *mptmq_info(struct Scsi_Host *shost)
{
	return shost_to_ioc(shost)->info;
}

static struct scsi_host_template mptmq_sht = {
	.module			= THIS_MODULE,
	.name			= "mptmq",
	.proc_name		= MPTMQ_DRV_NAME,
	.info			= mptmq_info,
	.queuecommand		= mptmq_queuecommand,
	MPTMQ_SHT_SDEV_CONFIGURE,
	.target_alloc		= mptmq_target_alloc,
	.target_destroy		= mptmq_target_destroy,
	.change_queue_depth	= mptmq_change_queue_depth,
	.eh_timed_out		= mptmq_eh_timed_out,
	.eh_abort_handler	= mptmq_eh_abort,
	.eh_device_reset_handler = mptmq_eh_device_reset,
	.eh_target_reset_handler = mptmq_eh_target_reset,
	.eh_bus_reset_handler	= mptmq_eh_bus_reset,
	.eh_host_reset_handler	= mptmq_eh_host_reset,
	.this_id		= -1,
	.can_queue		= 1,	/* the real value comes from IOCFacts */
	.sg_tablesize		= MPTMQ_MAX_SGE,
	.max_sectors		= MPTMQ_MAX_SECTORS,
	.max_segment_size	= MPTMQ_MAX_SEG_SIZE,
	.cmd_per_lun		= 7,
	.cmd_size		= sizeof(struct mptmq_cmd),
	.init_cmd_priv		= mptmq_init_cmd_priv,
	.track_queue_depth	= 1,
	.skip_settle_delay	= 1,	/* see mptmq_reset_settle() */
	.shost_groups		= mptmq_host_groups,
};

static int mptmq_map_bar(struct mptmq_ioc *ioc)
{
	struct pci_dev *pdev = ioc->pdev;
	int bar;

	/* BAR numbers differ between parts and emulations: pick by type. */
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++)
		if ((pci_resource_flags(pdev, bar) & IORESOURCE_MEM) &&
		    pci_resource_len(pdev, bar) >= 0x100)
			break;
	if (bar == PCI_STD_NUM_BARS) {
		dev_err(&pdev->dev, "no memory BAR with the register file\n");
		return -ENODEV;
	}
	ioc->regs = pci_iomap(pdev, bar, 0);
	if (!ioc->regs)
		return -ENOMEM;
	ioc->bar = bar;
	return 0;
}

static int mptmq_setup_irq(struct mptmq_ioc *ioc)
{
	struct pci_dev *pdev = ioc->pdev;
	unsigned int types = PCI_IRQ_INTX | (mptmq_msi ? PCI_IRQ_MSI : 0);
	int ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1, types);
	if (ret < 0) {
		dev_err(&pdev->dev, "no interrupt available: %d\n", ret);
		return ret;
	}
	ioc->msi = pdev->msi_enabled;
	ioc->irq = pci_irq_vector(pdev, 0);
	ret = request_irq(ioc->irq, mptmq_isr, ioc->msi ? 0 : IRQF_SHARED, MPTMQ_DRV_NAME, ioc);
	if (ret) {
		dev_err(&pdev->dev, "cannot request IRQ %d: %d\n", ioc->irq, ret);
		pci_free_irq_vectors(pdev);
	}
	return ret;
}

static void mptmq_free_irq(struct mptmq_ioc *ioc)
{
	free_irq(ioc->irq, ioc);
	pci_free_irq_vectors(ioc->pdev);
}

static void mptmq_set_limits(struct mptmq_ioc *ioc)
{
	struct Scsi_Host *shost = ioc->shost;
	const struct mptmq_facts *f = &ioc->facts;

	shost->can_queue = ioc->nr_io;
	shost->sg_tablesize = ioc->max_sge;
	shost->max_cmd_len = MPI_SCSIIO_CDB_MAX;
	shost->max_channel = 0;
	shost->max_id = ioc->port.max_devices ? ioc->port.max_devices :
			(f->max_devices ? f->max_devices : MPTMQ_MAX_TARGETS);
	/* TargetID is one byte in every request: a larger id would wrap. */
	if (shost->max_id > MPTMQ_MAX_TARGETS) {
		dev_warn(&ioc->pdev->dev, "port reports %u devices; MPI addresses %u targets\n",
			 shost->max_id, MPTMQ_MAX_TARGETS);
		shost->max_id = MPTMQ_MAX_TARGETS;
	}
	shost->max_lun = 256;
	shost->this_id = ioc->port.scsi_id < shost->max_id ? ioc->port.scsi_id : -1;
	shost->unique_id = pci_dev_id(ioc->pdev);
	mptmq_set_product(ioc);

	snprintf(ioc->info, sizeof(ioc->info),
		 "LSI %s%s%s, FW %u.%u.%u.%u, MPI %u.%u",
		 mptmq_chip(ioc->pdev->device),
		 ioc->board_name[0] ? " on " : "", ioc->board_name,
		 f->fw_version >> 24, (f->fw_version >> 16) & 0xff,
		 (f->fw_version >> 8) & 0xff, f->fw_version & 0xff,
		 f->msg_version >> 8, f->msg_version & 0xff);
}

/**
 * mptmq_probe() - pci_driver probe: bring up one IOC and its SCSI host
 * @pdev: the PCI function
 * @id: the matching entry of the driver's id table
 *
 * Enables the function, maps the registers, brings the IOC to READY,
 * allocates the pools, starts the IOC, registers the host and scans it.
 * Every step is undone in reverse on failure.
 *
 * Context: process (driver core, device lock held); sleeps.
 * Return: 0 or a negative errno.
 */
static int mptmq_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct Scsi_Host *shost;
	struct mptmq_ioc *ioc;
	bool sge64 = true;
	unsigned int i;
	int ret;

	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	ret = pci_request_regions(pdev, MPTMQ_DRV_NAME);
	if (ret)
		goto disable_device;
	pci_set_master(pdev);
	if (dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64))) {
		ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
		if (ret) {
			dev_err(&pdev->dev, "no usable DMA mask\n");
			goto release_regions;
		}
		sge64 = false;
	}
	dma_set_max_seg_size(&pdev->dev, MPTMQ_MAX_SEG_SIZE);
	mptmq_spi_quirks(pdev);

	shost = scsi_host_alloc(&mptmq_sht, sizeof(*ioc));
	if (!shost) {
		ret = -ENOMEM;
		goto release_regions;
	}
	ioc = shost_priv(shost);
	ioc->pdev = pdev;
	ioc->shost = shost;
	ioc->geom.sge64 = sge64;
	ioc->state = MPTMQ_STATE_INIT;
	mutex_init(&ioc->ioc_mutex);
	mutex_init(&ioc->tm_mutex);
	mutex_init(&ioc->cfg_mutex);
	spin_lock_init(&ioc->event_lock);
	spin_lock_init(&ioc->reply_lock);
	for (i = 0; i < MPTMQ_NR_INTERNAL; i++)
		init_completion(&ioc->internal[i].done);
	INIT_WORK(&ioc->event_work, mptmq_event_work);
	INIT_WORK(&ioc->reset_work, mptmq_reset_work);
	INIT_DELAYED_WORK(&ioc->pci_recovery, mptmq_pci_recovery_expired);
	pci_set_drvdata(pdev, ioc);

	ret = mptmq_map_bar(ioc);
	if (ret)
		goto put_host;
	/* Before the first reset: a diagnostic reset reaches the partner function. */
	ret = mptmq_chip_get(ioc);
	if (ret)
		goto unmap_bar;

	mptmq_chip_lock(ioc);
	mutex_lock(&ioc->ioc_mutex);
	mptmq_irq_mask(ioc);
	ret = mptmq_ioc_make_ready(ioc);
	if (!ret)
		ret = mptmq_ioc_get_facts(ioc);
	mutex_unlock(&ioc->ioc_mutex);
	if (!ret)
		ret = mptmq_mem_alloc(ioc);
	if (ret) {
		mptmq_chip_unlock(ioc);
		goto put_chip;
	}
	ret = mptmq_setup_irq(ioc);
	if (ret) {
		mptmq_chip_unlock(ioc);
		goto free_mem;
	}

	mutex_lock(&ioc->ioc_mutex);
	ret = mptmq_ioc_start(ioc);
	mutex_unlock(&ioc->ioc_mutex);
	if (!ret)
		mptmq_chip_join(ioc);
	mptmq_chip_unlock(ioc);
	if (ret)
		goto stop_ioc;

	mptmq_set_limits(ioc);
	ret = mptmq_sas_attach(ioc);
	if (!ret)
		ret = mptmq_spi_attach(ioc);
	if (ret)
		goto stop_ioc;
	/*
	 * No WRITE SAME: mptspi sets this for VMware's "LSI Logic Parallel"
	 * (subsystem vendor 0x15AD), whose emulation does not implement
	 * WRITE SAME properly; mptsas sets it in its host template, for every
	 * SAS host.  mptmq does the same per port type, so both keep what
	 * the in-kernel driver of that controller gives (the sd layer then
	 * never sends WRITE SAME, e.g. for write-zeroes).
	 */
	shost->no_write_same = ioc->sas || pdev->subsystem_vendor == PCI_VENDOR_ID_VMWARE;
	ret = scsi_add_host(shost, &pdev->dev);
	if (ret)
		goto stop_ioc;
	pci_save_state(pdev);

	dev_info(&pdev->dev, "%s: %u commands, %u SGEs (%s-bit), %s, %u targets%s\n",
		 ioc->info, ioc->nr_io, ioc->max_sge, ioc->geom.sge64 ? "64" : "32",
		 ioc->msi ? "MSI" : "INTx", shost->max_id,
		 mptmq_chip_partner_count(ioc) ? ", chip shared with another function" : "");
	mptmq_watchdog_start(ioc);
	mptmq_debugfs_init(ioc);
	mptmq_event_debugfs_init(ioc);
	mptmq_spi_start(ioc);
	/* A SAS host's devices are scanned as discovery adds them. */
	if (!mptmq_sas_start(ioc))
		scsi_scan_host(shost);
	return 0;

stop_ioc:
	mptmq_ioc_stop(ioc);
	/* after the IOC stopped: it DMAs into the page buffers */
	mptmq_sas_free(ioc);
	mptmq_spi_free(ioc);
	mptmq_free_irq(ioc);
free_mem:
	mptmq_mem_free(ioc);
put_chip:
	mptmq_chip_put(ioc);
unmap_bar:
	pci_iounmap(pdev, ioc->regs);
put_host:
	scsi_host_put(shost);
release_regions:
	pci_release_regions(pdev);
disable_device:
	pci_disable_device(pdev);
	return ret;
}

/**
 * mptmq_remove() - pci_driver remove: unbind, unload, or hot removal
 * @pdev: the PCI function
 *
 * A device that is gone is marked DEAD first, so nothing waits for it.
 * The watchdog runs until the midlayer has flushed and removed the host's
 * devices, so an IOC that dies during the removal is still noticed; then
 * the IOC is stopped and everything freed in the reverse order of probe.
 *
 * Context: process (driver core, device lock held); sleeps.
 */
static void mptmq_remove(struct pci_dev *pdev)
{
	struct mptmq_ioc *ioc = pci_get_drvdata(pdev);

	ioc->removing = true;
	mptmq_debugfs_exit(ioc);
	cancel_delayed_work_sync(&ioc->pci_recovery);
	/* A surprise removal must not leave commands waiting for a dead IOC. */
	if (!pci_device_is_present(pdev))
		mptmq_ioc_mark_dead(ioc, "device removed");
	cancel_work_sync(&ioc->event_work);
	/*
	 * The watchdog keeps running while the midlayer flushes the devices
	 * (SYNCHRONIZE CACHE and the like, from sas_remove_host() and
	 * scsi_remove_host()): an IOC that dies or faults now is still
	 * noticed, instead of hanging the removal.
	 */
	mptmq_sas_stop(ioc);
	scsi_remove_host(ioc->shost);
	mptmq_watchdog_stop(ioc);
	cancel_work_sync(&ioc->event_work);
	mptmq_ioc_stop(ioc);
	mptmq_sas_free(ioc);
	mptmq_spi_free(ioc);
	mptmq_free_irq(ioc);
	mptmq_mem_free(ioc);
	mptmq_chip_put(ioc);
	pci_iounmap(pdev, ioc->regs);
	scsi_host_put(ioc->shost);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
}

/**
 * mptmq_shutdown() - pci_driver shutdown: stop the IOC's DMA
 * @pdev: the PCI function
 *
 * Context: process (reboot, kexec); sleeps.
 */
static void mptmq_shutdown(struct pci_dev *pdev)
{
	struct mptmq_ioc *ioc = pci_get_drvdata(pdev);

	/* Stop the IOC's DMA before the next kernel or the firmware runs. */
	mptmq_watchdog_stop(ioc);
	mptmq_ioc_stop(ioc);
}

/* How long suspend waits for the commands the IOC holds to complete */
#define MPTMQ_SUSPEND_DRAIN_MS	30000

/**
 * mptmq_pm_suspend() - dev_pm_ops suspend, freeze and poweroff
 * @dev: the PCI function's device
 *
 * The midlayer has quiesced the host's disks before this runs (children
 * suspend first), but a passthrough command may still be queued: the
 * host is blocked, the commands the IOC holds get up to
 * %MPTMQ_SUSPEND_DRAIN_MS to complete, the watchdog and the event work
 * stop, and the IOC is left READY with its interrupts masked
 * (mptmq_ioc_suspend()).  The PCI core then saves the config space and
 * picks the low-power state (D3hot; none for freeze), as generic PM
 * expects of a PCI driver (Documentation/power/pci.rst): so mptmq calls
 * neither pci_save_state() nor pci_set_power_state() here.  The interrupt
 * stays requested: MSI state is saved and restored with the config space,
 * and the handler reads no register while the reply FIFO is closed.
 *
 * Context: process; sleeps.
 * Return: 0 (a dead IOC has nothing to stop).
 */
static int mptmq_pm_suspend(struct device *dev)
{
	struct mptmq_ioc *ioc = dev_get_drvdata(dev);
	unsigned long deadline = jiffies + msecs_to_jiffies(MPTMQ_SUSPEND_DRAIN_MS);
	unsigned int busy;

	scsi_block_requests(ioc->shost);
	while ((busy = scsi_host_busy(ioc->shost)) && mptmq_state(ioc) == MPTMQ_STATE_RUNNING &&
	       time_before(jiffies, deadline))
		msleep(20);
	if (busy)
		dev_warn(dev, "suspend: %u commands still outstanding: completed for a retry after resume\n",
			 busy);
	mptmq_watchdog_stop(ioc);
	cancel_work_sync(&ioc->event_work);
	mptmq_ioc_suspend(ioc);
	dev_info(dev, "suspended: IOC %s\n", mptmq_state_name(mptmq_state(ioc)));
	return 0;
}

/**
 * mptmq_pm_resume() - dev_pm_ops resume, thaw and restore
 * @dev: the PCI function's device, in D0 with its config space restored
 *	by the PCI core
 *
 * Brings the IOC up again (mptmq_ioc_resume(): a diagnostic reset where
 * the doorbell may be stale, IOCInit, reply frames, PortEnable, events),
 * restarts the watchdog and unblocks the host, whose commands then flow
 * again.  An IOC that does not come back is marked DEAD, so its disks fail
 * their I/O instead of hanging the resume.
 *
 * Context: process; sleeps.
 * Return: 0; a failure is the IOC's, not the system's resume.
 */
static int mptmq_pm_resume(struct device *dev)
{
	struct mptmq_ioc *ioc = dev_get_drvdata(dev);
	struct pci_dev *pdev = to_pci_dev(dev);
	unsigned long start = jiffies;
	int ret;

	pci_set_master(pdev);
	ret = mptmq_ioc_resume(ioc);
	if (ret)
		mptmq_ioc_mark_dead(ioc, "resume failed");
	else
		dev_info(dev, "resumed in %u ms\n", jiffies_to_msecs(jiffies - start));
	mptmq_watchdog_start(ioc);
	scsi_unblock_requests(ioc->shost);
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(mptmq_pm_ops, mptmq_pm_suspend, mptmq_pm_resume);

static const struct pci_device_id mptmq_pci_ids[] = {
	{ PCI_VDEVICE(LSI_LOGIC, 0x0030) },	/* 53C1020/1030 */
	{ PCI_VDEVICE(LSI_LOGIC, 0x0031) },	/* 53C1030ZC */
	{ PCI_VDEVICE(LSI_LOGIC, 0x0040) },	/* 53C1035 */
	{ PCI_VDEVICE(LSI_LOGIC, 0x0041) },	/* 53C1035ZC */
	{ PCI_VDEVICE(LSI_LOGIC, 0x0050) },	/* SAS1064 */
	{ PCI_VDEVICE(LSI_LOGIC, 0x0054) },	/* SAS1068 */
	{ PCI_VDEVICE(LSI_LOGIC, 0x0056) },	/* SAS1064E */
	{ PCI_VDEVICE(LSI_LOGIC, 0x0058) },	/* SAS1068E */
	{ PCI_VDEVICE(LSI_LOGIC, 0x005a) },	/* SAS1066E */
	{ PCI_VDEVICE(LSI_LOGIC, 0x005c) },	/* SAS1064A */
	{ PCI_VDEVICE(LSI_LOGIC, 0x005e) },	/* SAS1066 */
	{ }
};
MODULE_DEVICE_TABLE(pci, mptmq_pci_ids);

static struct pci_driver mptmq_pci_driver = {
	.name		= MPTMQ_DRV_NAME,
	.id_table	= mptmq_pci_ids,
	.probe		= mptmq_probe,
	.remove		= mptmq_remove,
	.shutdown	= mptmq_shutdown,
	.err_handler	= &mptmq_err_handler,
	.driver.pm	= pm_sleep_ptr(&mptmq_pm_ops),
};

static int __init mptmq_init(void)
{
	int ret;

	ret = mptmq_sas_register();
	if (ret)
		return ret;
	ret = mptmq_spi_register();
	if (ret)
		goto unregister_sas;
	mptmq_debugfs_register();
	ret = pci_register_driver(&mptmq_pci_driver);
	if (ret)
		goto unregister_debugfs;
	return 0;

unregister_debugfs:
	mptmq_debugfs_unregister();
	mptmq_spi_unregister();
unregister_sas:
	mptmq_sas_unregister();
	return ret;
}

static void __exit mptmq_exit(void)
{
	pci_unregister_driver(&mptmq_pci_driver);
	mptmq_debugfs_unregister();
	mptmq_spi_unregister();
	mptmq_sas_unregister();
}

module_init(mptmq_init);
module_exit(mptmq_exit);

MODULE_DESCRIPTION("blk-mq SCSI driver for LSI Fusion-MPT (MPI 1.x) SPI and SAS host adapters");
MODULE_AUTHOR("mptmq developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(MPTMQ_DRV_VERSION);
