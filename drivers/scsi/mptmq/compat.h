/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mptmq: every difference between the kernels we build against, in one
 * place.  The oldest supported kernel is 6.1 (Debian 12's kernel): it has
 * scsi_done(), shost_groups, scsi_host_busy_iter() without the "reserved"
 * argument and sysfs_emit(), which the driver relies on.  No .c file tests
 * a kernel version; they use the names defined here.
 */
#ifndef _MPTMQ_COMPAT_H
#define _MPTMQ_COMPAT_H

#include <linux/version.h>
#include <linux/pci.h>
#include <linux/blk-mq.h>
#include <scsi/scsi.h>
#include <scsi/scsi_host.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "mptmq needs Linux 6.1 or later"
#endif

/*
 * .eh_timed_out returns enum scsi_timeout_action since 6.2; 6.1 uses the
 * block layer's enum, where BLK_EH_DONE means "not handled, run EH" unless
 * the command was already completed (which is how we report a completion
 * found in the reply FIFO).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
typedef enum scsi_timeout_action mptmq_timeout_ret_t;
#define MPTMQ_EH_RESET_TIMER	SCSI_EH_RESET_TIMER
#define MPTMQ_EH_NOT_HANDLED	SCSI_EH_NOT_HANDLED
#define MPTMQ_EH_DONE		SCSI_EH_DONE
#else
typedef enum blk_eh_timer_return mptmq_timeout_ret_t;
#define MPTMQ_EH_RESET_TIMER	BLK_EH_RESET_TIMER
#define MPTMQ_EH_NOT_HANDLED	BLK_EH_DONE
#define MPTMQ_EH_DONE		BLK_EH_DONE
#endif

/*
 * .queuecommand returns enum scsi_qc_status since the SCSI_MLQUEUE_* codes
 * became that enum's values (7.2 has it; 6.12 returns int and defines the
 * codes as macros, which is what is tested here: no version number to get
 * wrong).
 */
#ifdef SCSI_MLQUEUE_HOST_BUSY
typedef int mptmq_qc_ret_t;
#else
typedef enum scsi_qc_status mptmq_qc_ret_t;
#endif

/*
 * 6.14 renamed .slave_configure to .sdev_configure and gave it the queue
 * limits of the device being configured (formerly .device_configure).  The
 * driver writes the new callback (mptmq_submit.c; declared here, not in
 * mptmq.h, for the wrapper); older kernels call it through a wrapper that
 * has no limits to pass.  The template names its member
 * MPTMQ_SHT_SDEV_CONFIGURE.
 */
int mptmq_sdev_configure(struct scsi_device *sdev, struct queue_limits *lim);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0)
#define MPTMQ_SHT_SDEV_CONFIGURE	.sdev_configure = mptmq_sdev_configure
#else
static inline int mptmq_slave_configure(struct scsi_device *sdev)
{
	return mptmq_sdev_configure(sdev, NULL);
}
#define MPTMQ_SHT_SDEV_CONFIGURE	.slave_configure = mptmq_slave_configure
#endif

/* <asm/unaligned.h> moved to <linux/unaligned.h> in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* PCI_IRQ_LEGACY was renamed PCI_IRQ_INTX in 6.8. */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX		PCI_IRQ_LEGACY
#endif

/* Trace events: __assign_str() lost its source argument in 6.10. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define mptmq_assign_str(dst, src)	__assign_str(dst)
#else
#define mptmq_assign_str(dst, src)	__assign_str(dst, src)
#endif

#endif /* _MPTMQ_COMPAT_H */
