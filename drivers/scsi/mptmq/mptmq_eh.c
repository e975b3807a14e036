// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: error handling - task management, the midlayer's escalation
 * handlers, timeouts, the fault watchdog, PCI error recovery and the
 * debugfs fault-injection hooks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include <scsi/scsi_host.h>

#include "mptmq.h"
#include "mptmq_trace.h"

static unsigned int mptmq_spi_settle_ms = 1000;
module_param_named(spi_settle_ms, mptmq_spi_settle_ms, uint, 0644);
MODULE_PARM_DESC(spi_settle_ms,
		 "Parallel SCSI only: ms to wait for the devices after a bus or host reset (default: 1000)");

/*
 * How long a frozen channel may wait for slot_reset().  The PCI core waits
 * up to 60 s for a device to become ready after the reset before it calls
 * slot_reset() (PCIE_RESET_READY_POLL_MS in drivers/pci/pci.c), so a
 * recovery that works ends well inside this.
 */
static unsigned int mptmq_pci_recovery_s = 75;
module_param_named(pci_recovery_timeout, mptmq_pci_recovery_s, uint, 0644);
MODULE_PARM_DESC(pci_recovery_timeout,
		 "s PCI error recovery of a frozen channel may take before the IOC is given up and its disks set offline (default: 75)");

/**
 * DOC: Error handling
 *
 * The midlayer escalates abort -> LUN reset -> target reset -> bus reset ->
 * host reset, and mptmq follows it step by step: no handler below host
 * reset ever resets the IOC while the IOC is healthy.
 *
 * Before a timed-out command is aborted, .eh_timed_out drains the reply
 * FIFO: if the command's reply was already there (a lost interrupt) the
 * command completes normally and nothing is aborted.
 *
 * Task management requests go through the request FIFO in two reserved
 * frames, never through the doorbell while I/O is outstanding.  A handler
 * reports SUCCESS only when no command it covers is still in flight at
 * the IOC, so a tag can never be reused while the IOC may still answer
 * for its old command.  A task management request that gets no reply
 * keeps its frame until the next IOC reset.
 *
 * The midlayer's fixed 10 s settle delay after a bus or host reset is
 * skipped (.skip_settle_delay): a SAS or emulated port needs none, and a
 * parallel SCSI bus gets spi_settle_ms (four times the SPI
 * reset-to-selection time; a device still not ready then answers BUSY or
 * NOT READY, which the midlayer retries).
 *
 * PCI error recovery (AER, DPC): error_detected() on a frozen channel
 * stops the watchdog (all-ones reads are expected now, not a removal),
 * sets RESETTING and completes what the IOC held with DID_RESET;
 * slot_reset() restores and saves the PCI state again and resets the IOC;
 * resume() restarts the watchdog.  Timed-out commands wait for a reset at
 * most %MPTMQ_RECOVERY_TIMEOUT_MS: if recovery never calls back, the
 * midlayer's host reset finds the IOC gone and it is marked DEAD.  A reset
 * that fails while the channel is offline leaves the IOC to PCI error
 * recovery instead of marking it dead.
 *
 * A recovery that fails (the link does not come back after the reset) calls
 * no driver on 6.1 and 6.12: pcie_do_recovery() only sends the
 * FAILED_RECOVERY uevent and leaves the channel frozen; later kernels call
 * error_detected(perm_failure).  Commands the midlayer retries meanwhile
 * are never started, so no command timeout ends the wait.  So
 * error_detected(frozen) arms @pci_recovery: if slot_reset() has not come
 * within the pci_recovery_timeout parameter (75 s), and on
 * error_detected(perm_failure) at once, the IOC is marked DEAD (every
 * command fails with DID_NO_CONNECT) and its disks are set offline.
 *
 * A watchdog reads the doorbell once a second, when no reset or handshake
 * holds @ioc_mutex: FAULT leads to an IOC reset (straight to a diagnostic
 * reset, see mptmq_ioc_make_ready()) with the fault code logged; an all-ones read means the device is gone,
 * and every command fails with DID_NO_CONNECT.  When the interrupt status
 * shows a reply waiting and the interrupt handler has not run since the
 * previous tick, the interrupt was lost: the watchdog drains the reply FIFO
 * and counts it (lost_interrupts), so a lost interrupt costs about a second,
 * not a command timeout.
 */

struct mptmq_tm_result {
	u16	ioc_status;
	u8	response_code;
	u32	termination_count;
	unsigned int gen;	/* @ioc->tm_gen of this request */
};

static int mptmq_tm_slot_get(struct mptmq_ioc *ioc)
{
	unsigned int slot;

	for (slot = MPTMQ_SLOT_TM0; slot <= MPTMQ_SLOT_TM1; slot++) {
		struct mptmq_internal *in = &ioc->internal[slot];

		/* A late reply to a timed-out request frees its slot. */
		if (test_bit(0, &in->busy) && completion_done(&in->done))
			clear_bit(0, &in->busy);
		if (!test_and_set_bit(0, &in->busy))
			return slot;
	}
	return -EBUSY;
}

static const char *mptmq_tm_name(u8 type)
{
	switch (type) {
	case MPI_TASKTYPE_ABORT_TASK:
		return "abort task";
	case MPI_TASKTYPE_LOGICAL_UNIT_RESET:
		return "LUN reset";
	case MPI_TASKTYPE_TARGET_RESET:
		return "target reset";
	case MPI_TASKTYPE_RESET_BUS:
		return "bus reset";
	default:
		return "task management";
	}
}

/* Count a failed task management request by type (sysfs sums them). */
static void mptmq_tm_count_failed(struct mptmq_ioc *ioc, u8 type)
{
	struct mptmq_stats *s = &ioc->stats;

	switch (type) {
	case MPI_TASKTYPE_ABORT_TASK:
		atomic_inc(&s->tm_abort_failed);
		break;
	case MPI_TASKTYPE_LOGICAL_UNIT_RESET:
		atomic_inc(&s->tm_lun_reset_failed);
		break;
	case MPI_TASKTYPE_TARGET_RESET:
		atomic_inc(&s->tm_target_reset_failed);
		break;
	case MPI_TASKTYPE_RESET_BUS:
		atomic_inc(&s->tm_bus_reset_failed);
		break;
	}
}

/* A task management message about @sdev, or about the host's bus when NULL. */
#define mptmq_tm_warn(ioc, sdev, fmt, ...)						\
	do {										\
		if (sdev)								\
			sdev_printk(KERN_WARNING, sdev, fmt, ##__VA_ARGS__);		\
		else									\
			shost_printk(KERN_WARNING, (ioc)->shost, fmt, ##__VA_ARGS__);	\
	} while (0)

/*
 * Send one task management request and wait for its reply.  Returns 0
 * when the IOC answered with success.  @sdev NULL addresses bus 0 (a
 * RESET BUS before the scan, when there are no devices yet).
 */
static int mptmq_issue_tm(struct mptmq_ioc *ioc, struct scsi_device *sdev, u8 type,
			  u32 task_context, struct mptmq_tm_result *res)
{
	struct mpi_task_mgmt_request *req;
	const struct mpi_task_mgmt_reply *rep;
	struct mptmq_internal *in;
	unsigned long left;
	int slot, ret;

	mutex_lock(&ioc->tm_mutex);
	if (mptmq_state(ioc) != MPTMQ_STATE_RUNNING) {
		ret = -EAGAIN;
		goto unlock;
	}
	slot = mptmq_tm_slot_get(ioc);
	if (slot < 0) {
		mptmq_tm_warn(ioc, sdev, "%s: both task management frames still held by the IOC\n",
			      mptmq_tm_name(type));
		ret = slot;
		goto unlock;
	}
	in = &ioc->internal[slot];
	in->reply_len = 0;

	req = mptmq_internal_frame(ioc, slot);
	if (sdev)
		mptmq_fw_addr(sdev, &req->bus, &req->target_id);
	req->function = MPI_FUNCTION_SCSI_TASK_MGMT;
	req->task_type = type;
	req->msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL | slot);
	if (sdev && type != MPI_TASKTYPE_TARGET_RESET && type != MPI_TASKTYPE_RESET_BUS)
		int_to_scsilun(sdev->lun, (struct scsi_lun *)req->lun);
	req->task_msg_context = cpu_to_le32(task_context);

	if (sdev)
		trace_mptmq_tm(ioc, sdev, type, task_context, 0xffff);
	res->gen = ioc->tm_gen + 1;
	WRITE_ONCE(ioc->tm_gen, res->gen);
	/* Commands posted from now on record the new generation. */
	smp_mb();
	mptmq_post_internal(ioc, slot);
	left = wait_for_completion_timeout(&in->done, msecs_to_jiffies(MPTMQ_TM_TIMEOUT_MS));
	if (!left) {
		atomic_inc(&ioc->stats.tm_no_reply);
		mptmq_tm_count_failed(ioc, type);
		mptmq_tm_warn(ioc, sdev, "%s: no reply from the IOC in %u s\n",
			      mptmq_tm_name(type), MPTMQ_TM_TIMEOUT_MS / 1000);
		ret = -ETIMEDOUT;
		goto unlock;	/* the frame stays busy until a reply or a reset */
	}
	if (in->reply_len < sizeof(*rep)) {
		/* Woken by an IOC reset, or a context reply without data. */
		ret = in->reply_len ? -EPROTO : -EIO;
		clear_bit(0, &in->busy);
		goto unlock;
	}
	rep = (const void *)in->reply;
	res->ioc_status = le16_to_cpu(rep->ioc_status) & MPI_IOCSTATUS_MASK;
	res->response_code = rep->response_code;
	res->termination_count = le32_to_cpu(rep->termination_count);
	clear_bit(0, &in->busy);
	if (sdev)
		trace_mptmq_tm(ioc, sdev, type, task_context, res->ioc_status);

	ret = 0;
	if (res->ioc_status != MPI_IOCSTATUS_SUCCESS ||
	    (res->response_code != MPI_TM_RSP_COMPLETE &&
	     res->response_code != MPI_TM_RSP_SUCCEEDED)) {
		mptmq_tm_count_failed(ioc, type);
		mptmq_tm_warn(ioc, sdev, "%s failed: IOCStatus 0x%04x, response code 0x%02x\n",
			      mptmq_tm_name(type), res->ioc_status, res->response_code);
		ret = -EIO;
	}
unlock:
	mutex_unlock(&ioc->tm_mutex);
	return ret;
}

struct mptmq_inflight_match {
	struct scsi_device	*sdev;		/* this LUN, or */
	unsigned int		channel;	/* this target (id >= 0) or bus */
	int			id;
	unsigned int		gen;		/* the reset's tm_gen */
	unsigned int		count;
};

static bool mptmq_count_inflight(struct scsi_cmnd *scmd, void *data)
{
	struct mptmq_inflight_match *m = data;
	struct scsi_device *sdev = scmd->device;
	struct mptmq_cmd *cmd = scsi_cmd_priv(scmd);

	/* Posted after the reset went out: not the reset's to terminate. */
	if (!test_bit(MPTMQ_CMD_INFLIGHT, &cmd->flags) || (int)(cmd->tm_gen - m->gen) >= 0)
		return true;
	if (m->sdev ? sdev == m->sdev :
	    sdev->channel == m->channel && (m->id < 0 || sdev->id == m->id))
		m->count++;
	return true;
}

/* After a TM reply: are commands of the reset nexus still held by the IOC? */
static unsigned int mptmq_still_inflight(struct mptmq_ioc *ioc, struct mptmq_inflight_match *m)
{
	m->count = 0;
	scsi_host_busy_iter(ioc->shost, mptmq_count_inflight, m);
	if (!m->count)
		return 0;
	/* The terminated commands' replies may be in the FIFO behind the TM's. */
	mptmq_drain_replies(ioc);
	m->count = 0;
	scsi_host_busy_iter(ioc->shost, mptmq_count_inflight, m);
	return m->count;
}

/**
 * mptmq_eh_abort() - abort one command (ABORT TASK)
 * @scmd: the timed-out command
 *
 * Locks: none held.  Calling context: SCSI EH thread; sleeps.
 * Return: SUCCESS when the IOC no longer holds the command, else FAILED.
 */
int mptmq_eh_abort(struct scsi_cmnd *scmd)
{
	struct mptmq_ioc *ioc = shost_to_ioc(scmd->device->host);
	struct mptmq_cmd *cmd = scsi_cmd_priv(scmd);
	unsigned int tag = scsi_cmd_to_rq(scmd)->tag;
	struct mptmq_tm_result res;
	int ret;

	if (!test_bit(MPTMQ_CMD_INFLIGHT, &cmd->flags))
		return SUCCESS;
	atomic_inc(&ioc->stats.tm_abort);
	scmd_printk(KERN_INFO, scmd, "aborting tag %u (opcode 0x%02x)\n", tag, scmd->cmnd[0]);
	/*
	 * Whatever the IOC answers (a command that completed while the abort
	 * was on its way is a task it no longer knows, which it may report
	 * as a failure), what counts is whether it still holds the command.
	 */
	ret = mptmq_issue_tm(ioc, scmd->device, MPI_TASKTYPE_ABORT_TASK, tag, &res);
	if (test_bit(MPTMQ_CMD_INFLIGHT, &cmd->flags) && ret != -EAGAIN && ret != -ETIMEDOUT)
		mptmq_drain_replies(ioc);
	if (!test_bit(MPTMQ_CMD_INFLIGHT, &cmd->flags)) {
		if (ret)
			scmd_printk(KERN_INFO, scmd, "abort of tag %u: it completed meanwhile\n", tag);
		return SUCCESS;
	}
	if (ret)
		return FAILED;
	if (test_bit(MPTMQ_CMD_INFLIGHT, &cmd->flags)) {
		scmd_printk(KERN_WARNING, scmd, "abort of tag %u: the IOC still holds it\n", tag);
		return FAILED;
	}
	return SUCCESS;
}

static int mptmq_reset_nexus(struct scsi_cmnd *scmd, u8 type, atomic_t *counter,
			     struct mptmq_inflight_match *m)
{
	struct scsi_device *sdev = scmd->device;
	struct mptmq_ioc *ioc = shost_to_ioc(sdev->host);
	struct mptmq_tm_result res;
	unsigned long start = jiffies;
	unsigned int left;

	atomic_inc(counter);
	sdev_printk(KERN_INFO, sdev, "%s\n", mptmq_tm_name(type));
	if (mptmq_issue_tm(ioc, sdev, type, 0, &res))
		return FAILED;
	m->gen = res.gen;
	left = mptmq_still_inflight(ioc, m);
	if (left) {
		sdev_printk(KERN_WARNING, sdev, "%s: %u commands still held by the IOC\n",
			    mptmq_tm_name(type), left);
		return FAILED;
	}
	sdev_printk(KERN_INFO, sdev, "%s done in %u ms, %u commands terminated\n",
		    mptmq_tm_name(type), jiffies_to_msecs(jiffies - start), res.termination_count);
	return SUCCESS;
}

/**
 * mptmq_eh_device_reset() - reset one logical unit (LOGICAL UNIT RESET)
 * @scmd: a command of that LUN (may be the SG_SCSI_RESET ioctl's)
 *
 * Locks: none held.  Calling context: SCSI EH thread or ioctl; sleeps.
 * Return: SUCCESS or FAILED.
 */
int mptmq_eh_device_reset(struct scsi_cmnd *scmd)
{
	struct mptmq_ioc *ioc = shost_to_ioc(scmd->device->host);
	struct mptmq_inflight_match m = { .sdev = scmd->device };

	return mptmq_reset_nexus(scmd, MPI_TASKTYPE_LOGICAL_UNIT_RESET,
				 &ioc->stats.tm_lun_reset, &m);
}

/**
 * mptmq_eh_target_reset() - reset every LUN of a target (TARGET RESET)
 * @scmd: a command of that target
 *
 * Locks: none held.  Calling context: SCSI EH thread or ioctl; sleeps.
 * Return: SUCCESS or FAILED.
 */
int mptmq_eh_target_reset(struct scsi_cmnd *scmd)
{
	struct mptmq_ioc *ioc = shost_to_ioc(scmd->device->host);
	struct mptmq_inflight_match m = {
		.channel = scmd->device->channel, .id = scmd->device->id,
	};

	return mptmq_reset_nexus(scmd, MPI_TASKTYPE_TARGET_RESET,
				 &ioc->stats.tm_target_reset, &m);
}

/* After a bus or host reset: give parallel SCSI devices time to settle. */
static void mptmq_reset_settle(struct mptmq_ioc *ioc)
{
	unsigned int ms = READ_ONCE(mptmq_spi_settle_ms);

	if (ioc->port.port_type == MPI_PORTFACTS_PORTTYPE_SCSI && ms)
		msleep(ms);
}

/**
 * mptmq_eh_bus_reset() - reset every device on the bus (RESET BUS)
 * @scmd: a command on that bus
 *
 * Locks: none held.  Calling context: SCSI EH thread or ioctl; sleeps.
 * Return: SUCCESS or FAILED.
 */
int mptmq_eh_bus_reset(struct scsi_cmnd *scmd)
{
	struct mptmq_ioc *ioc = shost_to_ioc(scmd->device->host);
	struct mptmq_inflight_match m = { .channel = scmd->device->channel, .id = -1 };

	int ret;

	ret = mptmq_reset_nexus(scmd, MPI_TASKTYPE_RESET_BUS, &ioc->stats.tm_bus_reset, &m);
	if (ret == SUCCESS) {
		mptmq_reset_settle(ioc);
		/* The targets are asynchronous narrow after a bus reset: ask again. */
		mptmq_spi_reset_done(ioc, true);
	}
	return ret;
}

/**
 * mptmq_tm_bus_reset_at_load() - RESET BUS before the first scan
 * @ioc: the IOC, RUNNING, its host added, not yet scanned
 *
 * Counted as a bus reset; followed by the settle time.
 *
 * Locks: none held.  Calling context: process (probe).
 * Return: 0 or a negative errno.
 */
int mptmq_tm_bus_reset_at_load(struct mptmq_ioc *ioc)
{
	struct mptmq_tm_result res;
	int ret;

	atomic_inc(&ioc->stats.tm_bus_reset);
	ret = mptmq_issue_tm(ioc, NULL, MPI_TASKTYPE_RESET_BUS, 0, &res);
	if (!ret)
		mptmq_reset_settle(ioc);
	return ret;
}

/**
 * mptmq_eh_host_reset() - reset the IOC; every command is completed
 * @scmd: any command of the host
 *
 * Locks: none held.  Calling context: SCSI EH thread or ioctl; sleeps.
 * Return: SUCCESS when the IOC runs again, else FAILED.
 */
int mptmq_eh_host_reset(struct scsi_cmnd *scmd)
{
	struct mptmq_ioc *ioc = shost_to_ioc(scmd->device->host);

	atomic_inc(&ioc->stats.reset_host);
	if (mptmq_ioc_reset(ioc, "host reset requested"))
		return FAILED;
	mptmq_reset_settle(ioc);
	return SUCCESS;
}

/**
 * mptmq_eh_timed_out() - a command timed out: look for a lost interrupt
 * @scmd: the command
 *
 * Locks: none held.  Calling context: block layer timeout work.
 * Return: DONE when the command's reply was found waiting in the reply
 * FIFO (it is completed now), RESET_TIMER while the IOC is being reset
 * (for at most %MPTMQ_RECOVERY_TIMEOUT_MS), else NOT_HANDLED so the
 * midlayer starts error handling.
 */
mptmq_timeout_ret_t mptmq_eh_timed_out(struct scsi_cmnd *scmd)
{
	struct mptmq_ioc *ioc = shost_to_ioc(scmd->device->host);
	struct mptmq_cmd *cmd = scsi_cmd_priv(scmd);

	atomic_inc(&ioc->stats.timeouts);
	switch (mptmq_state(ioc)) {
	case MPTMQ_STATE_RESETTING:
		/*
		 * A reset ends in a bounded time; PCI error recovery may never
		 * call back (the core gave up): then the midlayer's error
		 * handling takes over, and its host reset finds the IOC gone.
		 */
		if (time_before(jiffies, READ_ONCE(ioc->resetting_since) +
				msecs_to_jiffies(MPTMQ_RECOVERY_TIMEOUT_MS)))
			return MPTMQ_EH_RESET_TIMER;
		scmd_printk(KERN_WARNING, scmd, "IOC still resetting after %u s: error handling\n",
			    MPTMQ_RECOVERY_TIMEOUT_MS / 1000);
		break;
	case MPTMQ_STATE_RUNNING:
		mptmq_drain_replies(ioc);
		if (!test_bit(MPTMQ_CMD_INFLIGHT, &cmd->flags)) {
			atomic_inc(&ioc->stats.lost_interrupts);
			scmd_printk(KERN_WARNING, scmd,
				    "timed out with its reply waiting in the reply FIFO: lost interrupt\n");
			return MPTMQ_EH_DONE;
		}
		break;
	default:
		break;
	}
	return MPTMQ_EH_NOT_HANDLED;
}

/**
 * mptmq_reset_work() - IOC reset outside the midlayer's error handling
 * @work: the IOC's reset_work
 *
 * Context: workqueue; sleeps.
 */
void mptmq_reset_work(struct work_struct *work)
{
	struct mptmq_ioc *ioc = container_of(work, struct mptmq_ioc, reset_work);

	atomic_inc(&ioc->stats.reset_fault);
	mptmq_ioc_reset(ioc, "IOC fault");
}

/*
 * A reply waits in the FIFO (the interrupt status says so) and the handler
 * has not run since the last tick: its interrupt was lost.  Any handler run
 * drains the whole FIFO, so this only triggers when no interrupt came at
 * all for a second.
 */
static void mptmq_watchdog_lost_irq(struct mptmq_ioc *ioc)
{
	unsigned long seen = READ_ONCE(ioc->irqs_handled);
	unsigned int n;

	if (seen == ioc->irqs_at_tick &&
	    (mptmq_readl(ioc, MPI_REG_HOST_INT_STATUS) & MPI_HIS_REPLY)) {
		n = mptmq_drain_replies(ioc);
		if (n) {
			atomic_inc(&ioc->stats.lost_interrupts);
			dev_warn_ratelimited(&ioc->pdev->dev,
					     "lost interrupt: %u replies waited in the reply FIFO\n", n);
		}
	}
	ioc->irqs_at_tick = seen;
}

static void mptmq_watchdog(struct work_struct *work)
{
	struct mptmq_ioc *ioc = container_of(to_delayed_work(work), struct mptmq_ioc, watchdog);
	u32 db;

	/* A reset or handshake holds the mutex: no register reads meanwhile. */
	if (!mutex_trylock(&ioc->ioc_mutex))
		goto next;
	db = mptmq_readl(ioc, MPI_REG_DOORBELL);
	if (db == MPI_REPLY_EMPTY) {
		mutex_unlock(&ioc->ioc_mutex);
		/* A frozen channel is PCI error recovery's to handle. */
		if (pci_channel_offline(ioc->pdev))
			goto next;
		mptmq_ioc_mark_dead(ioc, "device no longer answers");
		return;
	}
	if (mptmq_state(ioc) == MPTMQ_STATE_RUNNING &&
	    (db & MPI_DB_STATE_MASK) != MPI_DB_STATE_OPERATIONAL) {
		atomic_inc(&ioc->stats.faults);
		dev_err(&ioc->pdev->dev, "IOC left OPERATIONAL: %s, code 0x%04x\n",
			mptmq_doorbell_state_name(db), db & MPI_DB_DATA_MASK);
		queue_work(system_long_wq, &ioc->reset_work);
	} else if (mptmq_state(ioc) == MPTMQ_STATE_RUNNING) {
		mptmq_watchdog_lost_irq(ioc);
	}
	mutex_unlock(&ioc->ioc_mutex);
next:
	schedule_delayed_work(&ioc->watchdog, msecs_to_jiffies(MPTMQ_WATCHDOG_MS));
}

/**
 * mptmq_watchdog_start() - start the once-a-second doorbell check
 * @ioc: the IOC
 */
void mptmq_watchdog_start(struct mptmq_ioc *ioc)
{
	INIT_DELAYED_WORK(&ioc->watchdog, mptmq_watchdog);
	schedule_delayed_work(&ioc->watchdog, msecs_to_jiffies(MPTMQ_WATCHDOG_MS));
}

/**
 * mptmq_watchdog_stop() - stop the watchdog and any reset it queued
 * @ioc: the IOC
 *
 * Context: process; sleeps.
 */
void mptmq_watchdog_stop(struct mptmq_ioc *ioc)
{
	cancel_delayed_work_sync(&ioc->watchdog);
	cancel_work_sync(&ioc->reset_work);
}

/* ---------------- PCI error recovery ---------------- */

/*
 * Give up on an IOC PCI error recovery cannot bring back: fail everything
 * and set the disks offline, so nothing waits for it and the midlayer
 * rejects new I/O itself.  Process context.
 */
static void mptmq_pci_give_up(struct mptmq_ioc *ioc, const char *why)
{
	struct scsi_device *sdev;

	mptmq_ioc_mark_dead(ioc, why);
	shost_for_each_device(sdev, ioc->shost) {
		mutex_lock(&sdev->state_mutex);
		scsi_device_set_state(sdev, SDEV_OFFLINE);
		mutex_unlock(&sdev->state_mutex);
	}
	dev_err(&ioc->pdev->dev, "disks set offline\n");
}

/**
 * mptmq_pci_recovery_expired() - PCI error recovery did not reach slot_reset()
 * @work: the IOC's pci_recovery work, armed by error_detected(frozen)
 *
 * Context: workqueue; sleeps.
 */
void mptmq_pci_recovery_expired(struct work_struct *work)
{
	struct mptmq_ioc *ioc = container_of(to_delayed_work(work), struct mptmq_ioc,
					     pci_recovery);

	dev_err(&ioc->pdev->dev, "PCI error recovery did not complete in %u s\n",
		mptmq_pci_recovery_s);
	mptmq_pci_give_up(ioc, "PCI error recovery failed");
}

/**
 * mptmq_pci_error_detected() - pci_error_handlers error_detected
 * @pdev: the PCI function
 * @state: io_normal (a non-fatal error: MMIO and DMA still work), io_frozen
 *	(fatal: nothing gets through until the slot is reset) or
 *	io_perm_failure (the device is gone for good)
 *
 * Normal: nothing to stop; mmio_enabled() checks the IOC.  Frozen: the
 * watchdog stops, the IOC goes RESETTING with its reply FIFO closed, what
 * it held completes with DID_RESET for a retry after slot_reset(), and
 * @ioc->pci_recovery bounds the wait.  Permanent failure: the IOC is given
 * up (DEAD, disks offline).
 *
 * Context: process (the AER/DPC recovery thread, device lock held); sleeps.
 * Takes @ioc->ioc_mutex.
 * Return: CAN_RECOVER, NEED_RESET, or DISCONNECT.
 */
static pci_ers_result_t mptmq_pci_error_detected(struct pci_dev *pdev, pci_channel_state_t state)
{
	struct mptmq_ioc *ioc = pci_get_drvdata(pdev);

	atomic_inc(&ioc->stats.pci_errors);
	dev_warn(&pdev->dev, "PCI error detected, channel state %d\n", state);
	switch (state) {
	case pci_channel_io_normal:
		return PCI_ERS_RESULT_CAN_RECOVER;
	case pci_channel_io_frozen:
		/*
		 * No MMIO or DMA gets through now: the watchdog would take the
		 * all-ones reads for a removal, so it stops until resume; I/O
		 * stops and what the IOC held completes for a retry.
		 */
		mptmq_watchdog_stop(ioc);
		mutex_lock(&ioc->ioc_mutex);
		if (!mptmq_set_state(ioc, MPTMQ_STATE_RESETTING)) {
			mutex_unlock(&ioc->ioc_mutex);
			return PCI_ERS_RESULT_DISCONNECT;
		}
		synchronize_rcu();
		mptmq_replies_close(ioc);
		mptmq_fail_all(ioc, DID_RESET);
		mutex_unlock(&ioc->ioc_mutex);
		schedule_delayed_work(&ioc->pci_recovery,
				      msecs_to_jiffies(mptmq_pci_recovery_s * 1000));
		return PCI_ERS_RESULT_NEED_RESET;
	default:
		cancel_delayed_work_sync(&ioc->pci_recovery);
		mptmq_pci_give_up(ioc, "permanent PCI failure");
		return PCI_ERS_RESULT_DISCONNECT;
	}
}

/**
 * mptmq_pci_mmio_enabled() - pci_error_handlers mmio_enabled
 * @pdev: the PCI function
 *
 * After a non-fatal error MMIO works: an IOC still OPERATIONAL carries on,
 * any other asks for a slot reset.
 *
 * Context: process (recovery thread, device lock held).
 * Return: RECOVERED or NEED_RESET.
 */
static pci_ers_result_t mptmq_pci_mmio_enabled(struct pci_dev *pdev)
{
	struct mptmq_ioc *ioc = pci_get_drvdata(pdev);
	u32 db = mptmq_readl(ioc, MPI_REG_DOORBELL);

	if ((db & MPI_DB_STATE_MASK) == MPI_DB_STATE_OPERATIONAL)
		return PCI_ERS_RESULT_RECOVERED;
	return PCI_ERS_RESULT_NEED_RESET;
}

/**
 * mptmq_pci_slot_reset() - pci_error_handlers slot_reset
 * @pdev: the PCI function, its slot or link reset
 *
 * Restores the PCI state (and saves it again for the next error) and
 * resets the IOC.  The recovery deadline stops: an IOC it has already
 * given up stays DEAD, and the reset then fails.
 *
 * Context: process (recovery thread, device lock held); sleeps.  Takes the
 * chip's reset mutex and @ioc->ioc_mutex (mptmq_ioc_reset()).
 * Return: RECOVERED, or DISCONNECT when the IOC does not come back.
 */
static pci_ers_result_t mptmq_pci_slot_reset(struct pci_dev *pdev)
{
	struct mptmq_ioc *ioc = pci_get_drvdata(pdev);

	cancel_delayed_work_sync(&ioc->pci_recovery);
	pci_restore_state(pdev);
	/* Restoring consumed the saved state: keep one for the next error. */
	pci_save_state(pdev);
	pci_set_master(pdev);
	atomic_inc(&ioc->stats.reset_recovery);
	return mptmq_ioc_reset(ioc, "PCI slot reset") ? PCI_ERS_RESULT_DISCONNECT :
							PCI_ERS_RESULT_RECOVERED;
}

/**
 * mptmq_pci_resume() - pci_error_handlers resume: recovery is complete
 * @pdev: the PCI function
 *
 * Restarts the watchdog that error_detected(frozen) stopped.
 *
 * Context: process (recovery thread, device lock held).
 */
static void mptmq_pci_resume(struct pci_dev *pdev)
{
	struct mptmq_ioc *ioc = pci_get_drvdata(pdev);

	/* error_detected() stopped the watchdog (no-op if it still runs). */
	if (mptmq_state(ioc) != MPTMQ_STATE_DEAD)
		schedule_delayed_work(&ioc->watchdog, msecs_to_jiffies(MPTMQ_WATCHDOG_MS));
	dev_info(&pdev->dev, "PCI error recovery done, I/O resumed\n");
}

const struct pci_error_handlers mptmq_err_handler = {
	.error_detected	= mptmq_pci_error_detected,
	.mmio_enabled	= mptmq_pci_mmio_enabled,
	.slot_reset	= mptmq_pci_slot_reset,
	.resume		= mptmq_pci_resume,
};

/* ---------------- debugfs: test hooks ---------------- */

static struct dentry *mptmq_debugfs_root;

/* Post a frame with a function no MPI 1.x IOC implements. */
static int mptmq_inject_fault_set(void *data, u64 val)
{
	struct mptmq_ioc *ioc = data;
	struct mpi_msg_header *req;

	if (val != 1)
		return -EINVAL;
	if (mptmq_state(ioc) != MPTMQ_STATE_RUNNING)
		return -EAGAIN;
	if (test_and_set_bit(0, &ioc->internal[MPTMQ_SLOT_DEBUG].busy))
		return -EBUSY;
	dev_warn(&ioc->pdev->dev, "debugfs: posting an invalid function to fault the IOC\n");
	req = mptmq_internal_frame(ioc, MPTMQ_SLOT_DEBUG);
	req->function = 0x2f;	/* reserved function code */
	req->msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL | MPTMQ_SLOT_DEBUG);
	mptmq_post_internal(ioc, MPTMQ_SLOT_DEBUG);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(mptmq_inject_fault_fops, NULL, mptmq_inject_fault_set, "%llu\n");

static int mptmq_reset_set(void *data, u64 val)
{
	struct mptmq_ioc *ioc = data;

	if (val != 1)
		return -EINVAL;
	atomic_inc(&ioc->stats.reset_host);
	return mptmq_ioc_reset(ioc, "requested through debugfs");
}
DEFINE_DEBUGFS_ATTRIBUTE(mptmq_reset_fops, NULL, mptmq_reset_set, "%llu\n");

/* error_counters: sysfs error_counters/ in one read, "name value" lines */
static int mptmq_counters_show(struct seq_file *m, void *unused)
{
	return mptmq_sysfs_dump(m, m->private, MPTMQ_DUMP_COUNTERS);
}
DEFINE_SHOW_ATTRIBUTE(mptmq_counters);

/* queue_limits: sysfs queue_limits/ in one read, "name value" lines */
static int mptmq_limits_show(struct seq_file *m, void *unused)
{
	return mptmq_sysfs_dump(m, m->private, MPTMQ_DUMP_LIMITS);
}
DEFINE_SHOW_ATTRIBUTE(mptmq_limits);

/*
 * events: the event path's counters, "name value" lines: ack_required
 * (events received that asked for an EventAck), acks (EventAcks sent),
 * dropped (events dropped: ring full or unusable reply), queued (in the
 * ring now), acks_owed (acks of dropped events still to send), acks_lost
 * (acks never sent: ring and backlog full), epoch (IOC resets the event
 * path has seen).  Unlocked: a snapshot.
 */
static int mptmq_events_show(struct seq_file *m, void *unused)
{
	struct mptmq_ioc *ioc = m->private;

	seq_printf(m, "ack_required %d\nacks %d\ndropped %d\nqueued %u\n",
		   atomic_read(&ioc->event_ack_required), atomic_read(&ioc->event_acks),
		   atomic_read(&ioc->event_dropped), READ_ONCE(ioc->event_count));
	seq_printf(m, "acks_owed %u\nacks_lost %d\nepoch %u\n",
		   READ_ONCE(ioc->event_acks_owed_count), atomic_read(&ioc->event_acks_lost),
		   READ_ONCE(ioc->event_epoch));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mptmq_events);

/* pools: bus addresses and sizes of the DMA pools, "name address bytes" */
static int mptmq_pools_show(struct seq_file *m, void *unused)
{
	struct mptmq_ioc *ioc = m->private;

	seq_printf(m, "frames %pad %zu\nsense %pad %zu\n", &ioc->pool_dma, ioc->pool_size,
		   &ioc->sense_dma, ioc->sense_pool_size);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mptmq_pools);

/*
 * doorbell: "<driver state> <IOC state> 0x<doorbell>", read under
 * ioc_mutex so that it never touches the IOC while a reset is under way.
 */
static int mptmq_doorbell_show(struct seq_file *m, void *unused)
{
	struct mptmq_ioc *ioc = m->private;
	u32 db;

	if (mutex_lock_interruptible(&ioc->ioc_mutex))
		return -EINTR;
	db = mptmq_readl(ioc, MPI_REG_DOORBELL);
	seq_printf(m, "%s %s 0x%08x\n", mptmq_state_name(mptmq_state(ioc)),
		   mptmq_doorbell_state_name(db), db);
	mutex_unlock(&ioc->ioc_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mptmq_doorbell);

/**
 * mptmq_debugfs_init() - create <debugfs>/mptmq/<pci device>/
 * @ioc: the IOC
 *
 * inject_fault (write 1: fault the IOC with an invalid function),
 * ioc_reset (write 1: reset the IOC), and the read-only dumps
 * error_counters, queue_limits, doorbell, pools (bus addresses of the
 * DMA pools) and events (the event path's counters).  Failures are ignored, as
 * debugfs is optional.
 */
void mptmq_debugfs_init(struct mptmq_ioc *ioc)
{
	ioc->debugfs = debugfs_create_dir(pci_name(ioc->pdev), mptmq_debugfs_root);
	debugfs_create_file("error_counters", 0444, ioc->debugfs, ioc, &mptmq_counters_fops);
	debugfs_create_file("queue_limits", 0444, ioc->debugfs, ioc, &mptmq_limits_fops);
	debugfs_create_file("doorbell", 0444, ioc->debugfs, ioc, &mptmq_doorbell_fops);
	debugfs_create_file("pools", 0400, ioc->debugfs, ioc, &mptmq_pools_fops);
	debugfs_create_file("events", 0444, ioc->debugfs, ioc, &mptmq_events_fops);
	debugfs_create_file_unsafe("inject_fault", 0200, ioc->debugfs, ioc,
				   &mptmq_inject_fault_fops);
	debugfs_create_file_unsafe("ioc_reset", 0200, ioc->debugfs, ioc, &mptmq_reset_fops);
}

/**
 * mptmq_debugfs_exit() - remove the IOC's debugfs directory
 * @ioc: the IOC
 */
void mptmq_debugfs_exit(struct mptmq_ioc *ioc)
{
	debugfs_remove_recursive(ioc->debugfs);
	ioc->debugfs = NULL;
}

/** mptmq_debugfs_register() - create <debugfs>/mptmq at module load */
void mptmq_debugfs_register(void)
{
	mptmq_debugfs_root = debugfs_create_dir(MPTMQ_DRV_NAME, NULL);
}

/** mptmq_debugfs_unregister() - remove <debugfs>/mptmq at module unload */
void mptmq_debugfs_unregister(void)
{
	debugfs_remove_recursive(mptmq_debugfs_root);
}
