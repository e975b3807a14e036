// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: memory pools - request frames with their chain space, reply
 * frames, sense buffers and the config-page buffer, all coherent DMA memory
 * allocated once at probe.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>

#include "mptmq.h"

/**
 * DOC: Memory layout and limits
 *
 * The pool is one coherent allocation::
 *
 *   [ nr_frames request frames | nr_io chain areas | reply_depth replies ]
 *
 * Frame i belongs to tag i (i < nr_io) or to internal slot i - nr_io.  The
 * chain area of tag i holds chain_segs segments of one frame each, so no
 * chain buffer is ever allocated or searched for on the I/O path.  The
 * sense pool holds one SCSI_SENSE_BUFFERSIZE slot per frame.
 *
 * MPI 1.x gives the IOC only the high 32 bits of frame and sense addresses
 * once (IOCInit), so each allocation must sit in one 4 GiB window.  That is
 * checked, not assumed: if an allocation straddles a window the coherent
 * mask is narrowed to 32 bits and the allocation repeated.
 *
 * The SGL limit follows from the frame size and MaxChainDepth: the
 * request frame holds (frame_size - 48) / sge_size elements, each chain
 * segment frame_size / sge_size, and every segment but the last gives its
 * final slot to the chain element.
 */

static bool mptmq_one_window(dma_addr_t dma, size_t size)
{
	return upper_32_bits(dma) == upper_32_bits(dma + size - 1);
}

static void *mptmq_alloc_windowed(struct mptmq_ioc *ioc, size_t size, dma_addr_t *dma,
				  const char *what)
{
	struct device *dev = &ioc->pdev->dev;
	void *p;

	p = dma_alloc_coherent(dev, size, dma, GFP_KERNEL);
	if (p && mptmq_one_window(*dma, size))
		return p;
	if (p) {
		dev_info(dev, "%s pool crosses a 4 GiB boundary: retrying below 4 GiB\n", what);
		dma_free_coherent(dev, size, p, *dma);
		if (dma_set_coherent_mask(dev, DMA_BIT_MASK(32)))
			return NULL;
		p = dma_alloc_coherent(dev, size, dma, GFP_KERNEL);
	}
	if (!p)
		dev_err(dev, "cannot allocate %zu bytes of DMA memory for the %s pool\n", size, what);
	return p;
}

static void mptmq_compute_limits(struct mptmq_ioc *ioc)
{
	const struct mptmq_facts *f = &ioc->facts;
	unsigned int credits;

	ioc->geom.frame_size = min_t(unsigned int, f->request_frame_size, MPTMQ_MAX_FRAME_SIZE);
	ioc->geom.frame_size = round_down(ioc->geom.frame_size, 16);
	ioc->geom.sge_size = ioc->geom.sge64 ? sizeof(struct mpi_sge_simple64) :
				     sizeof(struct mpi_sge_simple32);

	ioc->chain_segs = mptmq_sgl_segments(&ioc->geom, f->max_chain_depth, MPTMQ_MAX_SGE);
	ioc->max_sge = min_t(unsigned int, MPTMQ_MAX_SGE,
			     mptmq_sgl_capacity(&ioc->geom, ioc->chain_segs));
	ioc->chain_size = ioc->chain_segs * ioc->geom.frame_size;

	/* Every completion occupies a reply FIFO slot until it is read. */
	ioc->reply_depth = min_t(unsigned int, f->reply_queue_depth, MPTMQ_MAX_REPLY_DEPTH);
	credits = min_t(unsigned int, f->global_credits, ioc->reply_depth);
	ioc->nr_io = credits > MPTMQ_CREDIT_RESERVE + 1 ? credits - MPTMQ_CREDIT_RESERVE : 1;
	ioc->nr_frames = ioc->nr_io + MPTMQ_NR_INTERNAL;
}

/**
 * mptmq_mem_alloc() - size and allocate every DMA pool from the IOC facts
 * @ioc: the IOC, facts read, DMA mask set
 *
 * Context: process context (probe).
 * Return: 0 or -ENOMEM.
 */
int mptmq_mem_alloc(struct mptmq_ioc *ioc)
{
	struct device *dev = &ioc->pdev->dev;
	size_t frames;

	mptmq_compute_limits(ioc);
	frames = (size_t)ioc->nr_frames * ioc->geom.frame_size;
	ioc->chain_offset = frames;
	ioc->reply_offset = ALIGN(frames + (size_t)ioc->nr_io * ioc->chain_size, 16);
	ioc->pool_size = ioc->reply_offset + (size_t)ioc->reply_depth * MPTMQ_REPLY_FRAME_SIZE;

	ioc->pool = mptmq_alloc_windowed(ioc, ioc->pool_size, &ioc->pool_dma, "frame");
	if (!ioc->pool)
		return -ENOMEM;
	ioc->reply_low = lower_32_bits(ioc->pool_dma + ioc->reply_offset);

	ioc->sense_pool_size = (size_t)ioc->nr_frames * MPTMQ_SENSE_SIZE;
	ioc->sense = mptmq_alloc_windowed(ioc, ioc->sense_pool_size, &ioc->sense_dma, "sense");
	if (!ioc->sense)
		goto free_pool;

	ioc->cfg_buf = dma_alloc_coherent(dev, MPTMQ_CFG_BUF_SIZE, &ioc->cfg_dma, GFP_KERNEL);
	if (!ioc->cfg_buf)
		goto free_sense;

	dev_dbg(dev, "frames %u x %u B, chain %u x %u B per tag, %u replies, %u SGEs max, pool %zu B\n",
		ioc->nr_frames, ioc->geom.frame_size, ioc->chain_segs, ioc->geom.frame_size,
		ioc->reply_depth, ioc->max_sge, ioc->pool_size);
	return 0;

free_sense:
	dma_free_coherent(dev, ioc->sense_pool_size, ioc->sense, ioc->sense_dma);
	ioc->sense = NULL;
free_pool:
	dma_free_coherent(dev, ioc->pool_size, ioc->pool, ioc->pool_dma);
	ioc->pool = NULL;
	return -ENOMEM;
}

/**
 * mptmq_mem_free() - free every DMA pool
 * @ioc: the IOC, stopped (no DMA in flight)
 *
 * Safe on a partially allocated IOC.
 */
void mptmq_mem_free(struct mptmq_ioc *ioc)
{
	struct device *dev = &ioc->pdev->dev;

	if (ioc->cfg_buf)
		dma_free_coherent(dev, MPTMQ_CFG_BUF_SIZE, ioc->cfg_buf, ioc->cfg_dma);
	if (ioc->sense)
		dma_free_coherent(dev, ioc->sense_pool_size, ioc->sense, ioc->sense_dma);
	if (ioc->pool)
		dma_free_coherent(dev, ioc->pool_size, ioc->pool, ioc->pool_dma);
	ioc->cfg_buf = NULL;
	ioc->sense = NULL;
	ioc->pool = NULL;
}
