// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: sysfs host attributes - identity, state, limits and counters, one
 * value per file (the multi-value dumps are in debugfs, mptmq_eh.c).
 * Documented in Documentation/ABI/testing/sysfs-class-scsi_host-mptmq.
 *
 * The version_* and board_* files, io_delay and device_delay carry the
 * names and formats of the in-kernel mptscsih (mptscsih_host_attrs, Linux
 * drivers/message/fusion/mptscsih.c), so scripts written for mptsas and
 * mptspi read the same text.  Its debug_level is left out: it is mptbase's
 * logging bitmask (CONFIG_FUSION_LOGGING); mptmq logs through dynamic
 * debug and has no such mask to show or set.
 */
#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>
#include <scsi/scsi_host.h>

#include "mptmq.h"

static struct mptmq_ioc *dev_to_ioc(struct device *dev)
{
	return shost_to_ioc(class_to_shost(dev));
}

static ssize_t version_fw_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	u32 v = dev_to_ioc(dev)->facts.fw_version;

	return sysfs_emit(buf, "%02u.%02u.%02u.%02u\n", v >> 24, (v >> 16) & 0xff,
			  (v >> 8) & 0xff, v & 0xff);
}
static DEVICE_ATTR_RO(version_fw);

/* IO Unit page 2 BiosVersion, four hexadecimal bytes, major first */
static ssize_t version_bios_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	u32 v = dev_to_ioc(dev)->bios_version;

	return sysfs_emit(buf, "%02x.%02x.%02x.%02x\n", v >> 24, (v >> 16) & 0xff,
			  (v >> 8) & 0xff, v & 0xff);
}
static DEVICE_ATTR_RO(version_bios);

/* IOCFacts MsgVersion as mptscsih prints it: "105" for MPI 1.5 */
static ssize_t version_mpi_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%03x\n", dev_to_ioc(dev)->facts.msg_version);
}
static DEVICE_ATTR_RO(version_mpi);

static ssize_t version_product_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_ioc(dev)->product);
}
static DEVICE_ATTR_RO(version_product);

static ssize_t version_nvdata_persistent_show(struct device *dev, struct device_attribute *attr,
					      char *buf)
{
	return sysfs_emit(buf, "%02xh\n", READ_ONCE(dev_to_ioc(dev)->nvdata_persistent));
}
static DEVICE_ATTR_RO(version_nvdata_persistent);

static ssize_t version_nvdata_default_show(struct device *dev, struct device_attribute *attr,
					   char *buf)
{
	return sysfs_emit(buf, "%02xh\n", READ_ONCE(dev_to_ioc(dev)->nvdata_default));
}
static DEVICE_ATTR_RO(version_nvdata_default);

static ssize_t io_delay_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%02u\n", READ_ONCE(dev_to_ioc(dev)->io_missing_delay));
}
static DEVICE_ATTR_RO(io_delay);

static ssize_t device_delay_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%02u\n", READ_ONCE(dev_to_ioc(dev)->device_missing_delay));
}
static DEVICE_ATTR_RO(device_delay);

static ssize_t board_name_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_ioc(dev)->board_name);
}
static DEVICE_ATTR_RO(board_name);

static ssize_t board_assembly_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_ioc(dev)->board_assembly);
}
static DEVICE_ATTR_RO(board_assembly);

static ssize_t board_tracer_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_ioc(dev)->board_tracer);
}
static DEVICE_ATTR_RO(board_tracer);

static ssize_t chip_name_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_ioc(dev)->chip_name);
}
static DEVICE_ATTR_RO(chip_name);

static ssize_t chip_revision_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_ioc(dev)->chip_revision);
}
static DEVICE_ATTR_RO(chip_revision);

static ssize_t product_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%04x\n", dev_to_ioc(dev)->facts.product_id);
}
static DEVICE_ATTR_RO(product_id);

/*
 * The driver's state only: the doorbell is not read here, so no sysfs read
 * touches the IOC while it is being reset (debugfs "doorbell" shows it).
 */
static ssize_t ioc_state_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", mptmq_state_name(mptmq_state(dev_to_ioc(dev))));
}
static DEVICE_ATTR_RO(ioc_state);

/* queue_limits/: one file per limit */
#define MPTMQ_LIMIT_ATTR(_name, _expr)						\
static ssize_t _name##_show(struct device *dev, struct device_attribute *attr,	\
			    char *buf)						\
{										\
	struct mptmq_ioc *ioc = dev_to_ioc(dev);				\
										\
	return sysfs_emit(buf, "%u\n", (unsigned int)(_expr));			\
}										\
static DEVICE_ATTR_RO(_name)

MPTMQ_LIMIT_ATTR(global_credits, ioc->facts.global_credits);
MPTMQ_LIMIT_ATTR(reply_queue_depth, ioc->facts.reply_queue_depth);
MPTMQ_LIMIT_ATTR(can_queue, ioc->nr_io);
MPTMQ_LIMIT_ATTR(frame_size, ioc->geom.frame_size);
MPTMQ_LIMIT_ATTR(max_chain_depth, ioc->facts.max_chain_depth);
MPTMQ_LIMIT_ATTR(chain_segments, ioc->chain_segs);
MPTMQ_LIMIT_ATTR(max_sge, ioc->max_sge);
MPTMQ_LIMIT_ATTR(sge_bits, ioc->geom.sge64 ? 64 : 32);
MPTMQ_LIMIT_ATTR(msi, ioc->msi);

static struct attribute *mptmq_limit_attrs[] = {
	&dev_attr_global_credits.attr,
	&dev_attr_reply_queue_depth.attr,
	&dev_attr_can_queue.attr,
	&dev_attr_frame_size.attr,
	&dev_attr_max_chain_depth.attr,
	&dev_attr_chain_segments.attr,
	&dev_attr_max_sge.attr,
	&dev_attr_sge_bits.attr,
	&dev_attr_msi.attr,
	NULL,
};

static const struct attribute_group mptmq_limit_group = {
	.name = "queue_limits",
	.attrs = mptmq_limit_attrs,
};

/* error_counters/: one file per counter (struct mptmq_stats) */
#define MPTMQ_COUNTER_ATTR(_name)						\
static ssize_t _name##_show(struct device *dev, struct device_attribute *attr,	\
			    char *buf)						\
{										\
	return sysfs_emit(buf, "%d\n", atomic_read(&dev_to_ioc(dev)->stats._name)); \
}										\
static DEVICE_ATTR_RO(_name)

MPTMQ_COUNTER_ATTR(reset_host);
MPTMQ_COUNTER_ATTR(reset_fault);
MPTMQ_COUNTER_ATTR(reset_recovery);
MPTMQ_COUNTER_ATTR(reset_partner);
MPTMQ_COUNTER_ATTR(tm_abort);
MPTMQ_COUNTER_ATTR(tm_lun_reset);
MPTMQ_COUNTER_ATTR(tm_target_reset);
MPTMQ_COUNTER_ATTR(tm_bus_reset);
MPTMQ_COUNTER_ATTR(timeouts);
MPTMQ_COUNTER_ATTR(faults);
MPTMQ_COUNTER_ATTR(lost_interrupts);
MPTMQ_COUNTER_ATTR(bad_replies);
MPTMQ_COUNTER_ATTR(tm_abort_failed);
MPTMQ_COUNTER_ATTR(tm_lun_reset_failed);
MPTMQ_COUNTER_ATTR(tm_target_reset_failed);
MPTMQ_COUNTER_ATTR(tm_bus_reset_failed);
MPTMQ_COUNTER_ATTR(tm_no_reply);
MPTMQ_COUNTER_ATTR(pci_errors);

/* Failed task management requests of every type */
static ssize_t tm_failed_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct mptmq_stats *s = &dev_to_ioc(dev)->stats;

	return sysfs_emit(buf, "%d\n", atomic_read(&s->tm_abort_failed) +
			  atomic_read(&s->tm_lun_reset_failed) +
			  atomic_read(&s->tm_target_reset_failed) +
			  atomic_read(&s->tm_bus_reset_failed));
}
static DEVICE_ATTR_RO(tm_failed);

static struct attribute *mptmq_counter_attrs[] = {
	&dev_attr_reset_host.attr,
	&dev_attr_reset_fault.attr,
	&dev_attr_reset_recovery.attr,
	&dev_attr_reset_partner.attr,
	&dev_attr_tm_abort.attr,
	&dev_attr_tm_lun_reset.attr,
	&dev_attr_tm_target_reset.attr,
	&dev_attr_tm_bus_reset.attr,
	&dev_attr_tm_failed.attr,
	&dev_attr_timeouts.attr,
	&dev_attr_faults.attr,
	&dev_attr_lost_interrupts.attr,
	&dev_attr_bad_replies.attr,
	&dev_attr_tm_abort_failed.attr,
	&dev_attr_tm_lun_reset_failed.attr,
	&dev_attr_tm_target_reset_failed.attr,
	&dev_attr_tm_bus_reset_failed.attr,
	&dev_attr_tm_no_reply.attr,
	&dev_attr_pci_errors.attr,
	NULL,
};

static const struct attribute_group mptmq_counter_group = {
	.name = "error_counters",
	.attrs = mptmq_counter_attrs,
};

static struct attribute *mptmq_host_attrs[] = {
	/* mptscsih's names, in its order */
	&dev_attr_version_fw.attr,
	&dev_attr_version_bios.attr,
	&dev_attr_version_mpi.attr,
	&dev_attr_version_product.attr,
	&dev_attr_version_nvdata_persistent.attr,
	&dev_attr_version_nvdata_default.attr,
	&dev_attr_board_name.attr,
	&dev_attr_board_assembly.attr,
	&dev_attr_board_tracer.attr,
	&dev_attr_io_delay.attr,
	&dev_attr_device_delay.attr,
	/* mptmq's own */
	&dev_attr_chip_name.attr,
	&dev_attr_chip_revision.attr,
	&dev_attr_product_id.attr,
	&dev_attr_ioc_state.attr,
	NULL,
};

static const struct attribute_group mptmq_host_group = {
	.attrs = mptmq_host_attrs,
};

const struct attribute_group *mptmq_host_groups[] = {
	&mptmq_host_group,
	&mptmq_limit_group,
	&mptmq_counter_group,
	NULL,
};

/**
 * mptmq_sysfs_dump() - one directory of attributes as "name value" lines
 * @m: the debugfs file
 * @ioc: the IOC
 * @which: the directory: counters or limits
 *
 * For the debugfs dumps, which read every value at once.
 *
 * Context: process.
 * Return: 0 or -ENOMEM.
 */
int mptmq_sysfs_dump(struct seq_file *m, struct mptmq_ioc *ioc, enum mptmq_dump which)
{
	const struct attribute_group *grp = which == MPTMQ_DUMP_COUNTERS ?
					    &mptmq_counter_group : &mptmq_limit_group;
	struct device *dev = &ioc->shost->shost_dev;
	struct attribute **a;
	char *buf;

	buf = (char *)__get_free_page(GFP_KERNEL);	/* sysfs_emit() wants a page */
	if (!buf)
		return -ENOMEM;
	for (a = grp->attrs; *a; a++) {
		struct device_attribute *da = container_of(*a, struct device_attribute, attr);

		if (da->show(dev, da, buf) > 0)
			seq_printf(m, "%s %s", (*a)->name, buf);
	}
	free_page((unsigned long)buf);
	return 0;
}
