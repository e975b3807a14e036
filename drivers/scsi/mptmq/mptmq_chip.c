// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: the chip behind the PCI functions - pairing the two functions of
 * a dual-channel 53C1030 and serialising the resets that reach both.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/interrupt.h>

#include "mptmq.h"

/**
 * DOC: Dual-function chips
 *
 * A 53C1030 is one chip with two PCI functions, one IOC (and one SCSI
 * host) per SCSI channel.  The functions share the chip's reset: a
 * diagnostic reset (RESET_ADAPTER) of either function resets both IOCs,
 * which then forget every request and wait in READY (mptbase handles it
 * the same way through its alt_ioc pairing, mpt_diag_reset()).  A message
 * unit reset stays within its function.
 *
 * Each function finds its &struct mptmq_chip at probe, before it touches
 * the IOC: the functions at the same PCI domain, bus and slot with the same
 * device id share one (found or created under a global mutex, refcounted,
 * freed when the last function is removed).  The chip's @reset_mutex is
 * taken before @ioc_mutex by everything that may reset an IOC (probe's
 * bring-up, mptmq_ioc_reset(), mptmq_ioc_stop()), so two resets of one chip
 * never run at once.  A function joins the chip (@fn) once it runs and
 * leaves it when it stops, both under @reset_mutex.
 *
 * A diagnostic reset first quiesces every other joined function: with its
 * @ioc_mutex taken (nested: the resetter already holds its own, and only
 * the @reset_mutex holder takes a partner's) it goes to RESETTING, masks
 * its interrupt and closes its reply FIFO, exactly as its own reset would.
 * After the chip is READY again each quiesced partner is re-initialised
 * under its mutex: its outstanding commands complete with DID_RESET (the
 * midlayer retries them), IOCInit, reply frames, PortEnable and events as
 * after any reset, and on a parallel SCSI port every target is negotiated
 * again.  A partner that does not come back is declared dead on its own;
 * the resetter's result does not depend on it.  A diagnostic reset started
 * while partners are being re-initialised (@diag_owner set) quiesces no
 * one: the owner holds them already.
 */

/**
 * struct mptmq_chip - one chip behind one or more PCI functions
 * @node: on mptmq_chips, under mptmq_chips_lock
 * @ref: one per function that found the chip
 * @domain: PCI domain
 * @bus: PCI bus number
 * @slot: PCI slot
 * @device: PCI device id
 * @reset_mutex: one IOC reset of the chip at a time; taken before @ioc_mutex
 * @fn: the functions that run, by PCI function number (under @reset_mutex)
 * @diag_owner: the IOC whose diagnostic reset holds the partners quiesced
 *	(under @reset_mutex)
 */
struct mptmq_chip {
	struct list_head	node;
	struct kref		ref;
	int			domain;
	unsigned int		bus;
	unsigned int		slot;
	unsigned short		device;
	struct mutex		reset_mutex;
	struct mptmq_ioc	*fn[8];
	struct mptmq_ioc	*diag_owner;
};

static LIST_HEAD(mptmq_chips);
static DEFINE_MUTEX(mptmq_chips_lock);

/**
 * mptmq_chip_get() - find or create the chip of a new function
 * @ioc: the IOC, in probe, before its first register access
 *
 * Context: process (probe).
 * Return: 0 or -ENOMEM.
 */
int mptmq_chip_get(struct mptmq_ioc *ioc)
{
	struct pci_dev *pdev = ioc->pdev;
	struct mptmq_chip *chip;
	int ret = 0;

	mutex_lock(&mptmq_chips_lock);
	list_for_each_entry(chip, &mptmq_chips, node) {
		if (chip->domain == pci_domain_nr(pdev->bus) && chip->bus == pdev->bus->number &&
		    chip->slot == PCI_SLOT(pdev->devfn) && chip->device == pdev->device) {
			kref_get(&chip->ref);
			goto found;
		}
	}
	chip = kzalloc(sizeof(*chip), GFP_KERNEL);
	if (!chip) {
		ret = -ENOMEM;
		goto unlock;
	}
	kref_init(&chip->ref);
	mutex_init(&chip->reset_mutex);
	chip->domain = pci_domain_nr(pdev->bus);
	chip->bus = pdev->bus->number;
	chip->slot = PCI_SLOT(pdev->devfn);
	chip->device = pdev->device;
	list_add(&chip->node, &mptmq_chips);
found:
	ioc->chip = chip;
unlock:
	mutex_unlock(&mptmq_chips_lock);
	return ret;
}

static void mptmq_chip_free(struct kref *ref)
{
	struct mptmq_chip *chip = container_of(ref, struct mptmq_chip, ref);

	list_del(&chip->node);
	mutex_destroy(&chip->reset_mutex);
	kfree(chip);
}

/**
 * mptmq_chip_put() - a function is gone: drop its reference to the chip
 * @ioc: the IOC, stopped (it left the chip)
 *
 * Context: process (probe failure, remove).
 */
void mptmq_chip_put(struct mptmq_ioc *ioc)
{
	if (!ioc->chip)
		return;
	mutex_lock(&mptmq_chips_lock);
	WARN_ON_ONCE(ioc->chip->fn[PCI_FUNC(ioc->pdev->devfn)] == ioc);
	kref_put(&ioc->chip->ref, mptmq_chip_free);
	mutex_unlock(&mptmq_chips_lock);
	ioc->chip = NULL;
}

/**
 * mptmq_chip_lock() - take the chip's reset mutex
 * @ioc: the IOC; its @ioc_mutex not held
 *
 * Context: process; sleeps.
 */
void mptmq_chip_lock(struct mptmq_ioc *ioc)
{
	if (ioc->chip)
		mutex_lock(&ioc->chip->reset_mutex);
}

/**
 * mptmq_chip_unlock() - release the chip's reset mutex
 * @ioc: the IOC
 *
 * Context: process.
 */
void mptmq_chip_unlock(struct mptmq_ioc *ioc)
{
	if (ioc->chip)
		mutex_unlock(&ioc->chip->reset_mutex);
}

/**
 * mptmq_chip_join() - the function runs: partner resets must now reach it
 * @ioc: the IOC, RUNNING
 *
 * Context: process; the chip's reset mutex held.
 */
void mptmq_chip_join(struct mptmq_ioc *ioc)
{
	if (!ioc->chip)
		return;
	lockdep_assert_held(&ioc->chip->reset_mutex);
	ioc->chip->fn[PCI_FUNC(ioc->pdev->devfn)] = ioc;
}

/**
 * mptmq_chip_leave() - the function stops: partner resets leave it alone
 * @ioc: the IOC
 *
 * Context: process; the chip's reset mutex held.
 */
void mptmq_chip_leave(struct mptmq_ioc *ioc)
{
	if (!ioc->chip)
		return;
	lockdep_assert_held(&ioc->chip->reset_mutex);
	if (ioc->chip->fn[PCI_FUNC(ioc->pdev->devfn)] == ioc)
		ioc->chip->fn[PCI_FUNC(ioc->pdev->devfn)] = NULL;
}

/* The partners a diagnostic reset of @ioc must quiesce (none inside another's). */
static bool mptmq_chip_owns_partners(struct mptmq_ioc *ioc)
{
	struct mptmq_chip *chip = ioc->chip;

	if (!chip)
		return false;
	lockdep_assert_held(&chip->reset_mutex);
	return !chip->diag_owner || chip->diag_owner == ioc;
}

/**
 * mptmq_chip_quiesce_partners() - stop the other functions before a chip reset
 * @ioc: the IOC about to be diagnostic-reset; its @ioc_mutex held
 *
 * Every joined partner that is not dead goes to RESETTING with its
 * interrupt masked and its reply FIFO closed, and its @ioc_mutex stays
 * held until mptmq_chip_restart_partners().
 *
 * Context: process; the chip's reset mutex and @ioc->ioc_mutex held.
 * Return: the number of partners quiesced.
 */
unsigned int mptmq_chip_quiesce_partners(struct mptmq_ioc *ioc)
{
	struct mptmq_chip *chip = ioc->chip;
	unsigned int i, n = 0;

	if (!mptmq_chip_owns_partners(ioc))
		return 0;
	chip->diag_owner = ioc;
	for (i = 0; i < ARRAY_SIZE(chip->fn); i++) {
		struct mptmq_ioc *p = chip->fn[i];

		if (!p || p == ioc)
			continue;
		mutex_lock_nested(&p->ioc_mutex, SINGLE_DEPTH_NESTING);
		if (!mptmq_set_state(p, MPTMQ_STATE_RESETTING)) {
			mutex_unlock(&p->ioc_mutex);
			continue;
		}
		p->chip_held = true;
		n++;
		dev_warn(&p->pdev->dev, "the chip is reset through function %u: I/O stopped\n",
			 PCI_FUNC(ioc->pdev->devfn));
	}
	if (!n)
		return 0;
	/* As mptmq_ioc_reset(): submitters that saw RUNNING post before the reset. */
	synchronize_rcu();
	for (i = 0; i < ARRAY_SIZE(chip->fn); i++) {
		struct mptmq_ioc *p = chip->fn[i];

		if (!p || !p->chip_held)
			continue;
		mptmq_irq_mask(p);
		synchronize_irq(p->irq);
		mptmq_replies_close(p);
	}
	return n;
}

/**
 * mptmq_chip_restart_partners() - bring the quiesced functions back
 * @ioc: the IOC whose diagnostic reset is done (READY or not)
 *
 * Each partner quiesced by mptmq_chip_quiesce_partners() completes its
 * outstanding commands with DID_RESET, is brought to READY and started
 * again, and has its @ioc_mutex released; one that cannot be started is
 * declared dead.  A parallel SCSI partner renegotiates its targets from its
 * own workqueue item.
 *
 * Context: process; the chip's reset mutex and @ioc->ioc_mutex held.
 */
void mptmq_chip_restart_partners(struct mptmq_ioc *ioc)
{
	struct mptmq_chip *chip = ioc->chip;
	unsigned int i;
	int ret;

	if (!chip || chip->diag_owner != ioc)
		return;
	for (i = 0; i < ARRAY_SIZE(chip->fn); i++) {
		struct mptmq_ioc *p = chip->fn[i];

		if (!p || !p->chip_held)
			continue;
		ret = mptmq_ioc_make_ready(p);
		mptmq_ioc_forget(p);
		if (!ret)
			ret = mptmq_ioc_start(p);
		p->chip_held = false;
		atomic_inc(&p->stats.reset_partner);
		mutex_unlock(&p->ioc_mutex);
		if (ret) {
			mptmq_ioc_mark_dead(p, "not started again after its partner's chip reset");
			continue;
		}
		dev_info(&p->pdev->dev, "running again after the chip reset through function %u\n",
			 PCI_FUNC(ioc->pdev->devfn));
		mptmq_spi_reset_done(p, false);
	}
	chip->diag_owner = NULL;
}

/**
 * mptmq_chip_partner_count() - functions of the chip that run besides @ioc
 * @ioc: the IOC
 *
 * For the log and debugfs; unlocked: a snapshot.
 *
 * Return: the number of other joined functions.
 */
unsigned int mptmq_chip_partner_count(struct mptmq_ioc *ioc)
{
	unsigned int i, n = 0;

	if (!ioc->chip)
		return 0;
	for (i = 0; i < ARRAY_SIZE(ioc->chip->fn); i++) {
		struct mptmq_ioc *p = READ_ONCE(ioc->chip->fn[i]);

		n += p && p != ioc;
	}
	return n;
}
