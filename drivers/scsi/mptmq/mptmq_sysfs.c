// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: sysfs host attributes - identity, state, limits and counters.
 * Documented in Documentation/ABI/testing/sysfs-class-scsi_host-mptmq.
 */
#include <linux/device.h>
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

static ssize_t version_mpi_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	u16 v = dev_to_ioc(dev)->facts.msg_version;

	return sysfs_emit(buf, "%u.%u\n", v >> 8, v & 0xff);
}
static DEVICE_ATTR_RO(version_mpi);

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
	struct mptmq_ioc *ioc = dev_to_ioc(dev);

	return sysfs_emit(buf, "%s %s\n", ioc->chip_name, ioc->chip_revision);
}
static DEVICE_ATTR_RO(chip_name);

static ssize_t product_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%04x\n", dev_to_ioc(dev)->facts.product_id);
}
static DEVICE_ATTR_RO(product_id);

static ssize_t ioc_state_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	static const char * const names[] = {
		[MPTMQ_STATE_INIT] = "init",
		[MPTMQ_STATE_RUNNING] = "running",
		[MPTMQ_STATE_RESETTING] = "resetting",
		[MPTMQ_STATE_DEAD] = "dead",
	};
	struct mptmq_ioc *ioc = dev_to_ioc(dev);
	u32 db = mptmq_readl(ioc, MPI_REG_DOORBELL);

	return sysfs_emit(buf, "%s %s 0x%08x\n", names[mptmq_state(ioc)],
			  mptmq_doorbell_state_name(db), db);
}
static DEVICE_ATTR_RO(ioc_state);

static ssize_t queue_limits_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct mptmq_ioc *ioc = dev_to_ioc(dev);

	return sysfs_emit(buf,
			  "global_credits %u\nreply_queue_depth %u\ncan_queue %u\nframe_size %u\n"
			  "max_chain_depth %u\nchain_segments %u\nmax_sge %u\nsge_bits %u\nmsi %u\n",
			  ioc->facts.global_credits, ioc->facts.reply_queue_depth, ioc->nr_io,
			  ioc->geom.frame_size, ioc->facts.max_chain_depth, ioc->chain_segs,
			  ioc->max_sge, ioc->geom.sge64 ? 64 : 32, ioc->msi);
}
static DEVICE_ATTR_RO(queue_limits);

static ssize_t error_counters_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct mptmq_stats *s = &dev_to_ioc(dev)->stats;
	int tm_failed = atomic_read(&s->tm_abort_failed) + atomic_read(&s->tm_lun_reset_failed) +
			atomic_read(&s->tm_target_reset_failed) + atomic_read(&s->tm_bus_reset_failed);

	return sysfs_emit(buf,
			  "reset_host %d\nreset_fault %d\nreset_recovery %d\n"
			  "tm_abort %d\ntm_lun_reset %d\ntm_target_reset %d\ntm_bus_reset %d\n"
			  "tm_failed %d\ntimeouts %d\nfaults %d\nlost_interrupts %d\nbad_replies %d\n"
			  "tm_abort_failed %d\ntm_lun_reset_failed %d\ntm_target_reset_failed %d\n"
			  "tm_bus_reset_failed %d\ntm_no_reply %d\n",
			  atomic_read(&s->reset_host), atomic_read(&s->reset_fault),
			  atomic_read(&s->reset_recovery), atomic_read(&s->tm_abort),
			  atomic_read(&s->tm_lun_reset), atomic_read(&s->tm_target_reset),
			  atomic_read(&s->tm_bus_reset), tm_failed,
			  atomic_read(&s->timeouts), atomic_read(&s->faults),
			  atomic_read(&s->lost_interrupts), atomic_read(&s->bad_replies),
			  atomic_read(&s->tm_abort_failed), atomic_read(&s->tm_lun_reset_failed),
			  atomic_read(&s->tm_target_reset_failed),
			  atomic_read(&s->tm_bus_reset_failed), atomic_read(&s->tm_no_reply));
}
static DEVICE_ATTR_RO(error_counters);

static struct attribute *mptmq_host_attrs[] = {
	&dev_attr_version_fw.attr,
	&dev_attr_version_mpi.attr,
	&dev_attr_board_name.attr,
	&dev_attr_board_assembly.attr,
	&dev_attr_board_tracer.attr,
	&dev_attr_chip_name.attr,
	&dev_attr_product_id.attr,
	&dev_attr_ioc_state.attr,
	&dev_attr_queue_limits.attr,
	&dev_attr_error_counters.attr,
	NULL,
};

static const struct attribute_group mptmq_host_group = {
	.attrs = mptmq_host_attrs,
};

const struct attribute_group *mptmq_host_groups[] = {
	&mptmq_host_group,
	NULL,
};
