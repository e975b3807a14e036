/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mptmq: scatter-gather list construction.
 *
 * Pure functions of the SGL geometry and the mapped segments, shared by the
 * submit path and the host-side unit test (tests/host/), which builds them
 * against a small shim of the kernel types and checks every geometry with a
 * reference SGL walker.
 */
#ifndef _MPTMQ_SGL_H
#define _MPTMQ_SGL_H

#include <mptmq/mpi.h>

/**
 * struct mptmq_sgl_geom - the shape of a request's SGL
 * @frame_size: request frame size, and the size of each chain segment, bytes
 * @sge_size: size of a simple or chain element: 8 (32-bit) or 12 (64-bit)
 * @sge64: elements carry 64-bit addresses
 */
struct mptmq_sgl_geom {
	unsigned int	frame_size;
	unsigned int	sge_size;
	bool		sge64;
};

#define MPTMQ_SGE_LAST_FLAGS	(MPI_SGE_FLAGS_LAST_ELEMENT | \
				 MPI_SGE_FLAGS_END_OF_BUFFER | \
				 MPI_SGE_FLAGS_END_OF_LIST)

/* Element slots in the request frame and in each chain segment. */
static inline unsigned int mptmq_sgl_in_frame(const struct mptmq_sgl_geom *g)
{
	return (g->frame_size - MPI_SCSIIO_SGL_OFFSET) / g->sge_size;
}

static inline unsigned int mptmq_sgl_per_seg(const struct mptmq_sgl_geom *g)
{
	return g->frame_size / g->sge_size;
}

/**
 * mptmq_sgl_capacity() - data elements an SGL can hold
 * @g: geometry
 * @segs: chain segments available
 *
 * Every segment but the last gives its final slot to the chain element.
 *
 * Return: the number of simple elements.
 */
static inline unsigned int mptmq_sgl_capacity(const struct mptmq_sgl_geom *g, unsigned int segs)
{
	if (!segs)
		return mptmq_sgl_in_frame(g);
	return (mptmq_sgl_in_frame(g) - 1) + (segs - 1) * (mptmq_sgl_per_seg(g) - 1) +
		mptmq_sgl_per_seg(g);
}

/**
 * mptmq_sgl_segments() - chain segments needed to describe @want elements
 * @g: geometry
 * @max_chain_depth: the IOC's limit on chain segments per request
 * @want: elements wanted
 *
 * Return: the smallest segment count that holds @want elements, or
 * @max_chain_depth if none does.
 */
static inline unsigned int mptmq_sgl_segments(const struct mptmq_sgl_geom *g,
					      unsigned int max_chain_depth, unsigned int want)
{
	unsigned int segs = 0;

	while (segs < max_chain_depth && mptmq_sgl_capacity(g, segs) < want)
		segs++;
	return segs;
}

/* Write one simple element at @pos; return the position after it. */
static inline u8 *mptmq_sgl_put_simple(const struct mptmq_sgl_geom *g, u8 *pos,
				       u32 flags_length, dma_addr_t addr)
{
	if (g->sge64) {
		struct mpi_sge_simple64 *s = (void *)pos;

		s->flags_length = cpu_to_le32(flags_length | MPI_SGE_FLAGS_64BIT_ADDRESS);
		s->address_low = cpu_to_le32(lower_32_bits(addr));
		s->address_high = cpu_to_le32(upper_32_bits(addr));
	} else {
		struct mpi_sge_simple32 *s = (void *)pos;

		s->flags_length = cpu_to_le32(flags_length);
		s->address = cpu_to_le32(lower_32_bits(addr));
	}
	return pos + g->sge_size;
}

/* Write a chain element at @pos to a @len byte segment at @addr. */
static inline void mptmq_sgl_put_chain(const struct mptmq_sgl_geom *g, u8 *pos, unsigned int len,
				       unsigned int next_offset, dma_addr_t addr)
{
	if (g->sge64) {
		struct mpi_sge_chain64 *c = (void *)pos;

		c->length = cpu_to_le16(len);
		c->next_chain_offset = next_offset;
		c->flags = MPI_SGE_CHAIN_FLAGS | MPI_SGE_CHAIN_FLAGS_64BIT;
		c->address_low = cpu_to_le32(lower_32_bits(addr));
		c->address_high = cpu_to_le32(upper_32_bits(addr));
	} else {
		struct mpi_sge_chain32 *c = (void *)pos;

		c->length = cpu_to_le16(len);
		c->next_chain_offset = next_offset;
		c->flags = MPI_SGE_CHAIN_FLAGS;
		c->address = cpu_to_le32(lower_32_bits(addr));
	}
}

/**
 * mptmq_sgl_build() - write the SGL of a SCSI IO request
 * @g: geometry
 * @frame: the request frame (its SGL starts at MPI_SCSIIO_SGL_OFFSET)
 * @seg: the frame's chain space, consecutive segments of @g->frame_size
 * @seg_dma: bus address of @seg
 * @sgl: the mapped segments
 * @nseg: number of mapped segments; at most mptmq_sgl_capacity() of the
 *	  chain space, which the caller guarantees
 * @dir: MPI_SGE_FLAGS_HOST_TO_IOC for writes, else 0
 *
 * The elements fill the frame, then the chain segments; the last slot of
 * every full segment is a chain element to the next one, and the simple
 * element before it carries LAST_ELEMENT.  With no data one zero-length
 * element is written, as the IOC wants a valid SGL for every request.
 * Sets the request's ChainOffset when a chain is used.
 */
static inline void mptmq_sgl_build(const struct mptmq_sgl_geom *g, u8 *frame, u8 *seg,
				   dma_addr_t seg_dma, struct scatterlist *sgl, int nseg, u32 dir)
{
	u8 *pos = frame + MPI_SCSIIO_SGL_OFFSET, *prev = NULL;
	unsigned int room, per_seg;
	struct scatterlist *sg;
	bool in_frame = true;
	int i;

	if (!nseg) {
		mptmq_sgl_put_simple(g, pos, MPI_SGE_FLAGS_SIMPLE | MPTMQ_SGE_LAST_FLAGS | dir, 0);
		return;
	}
	/*
	 * One segment (a 4 KiB I/O, most small ones): the loop below would
	 * write the same single LAST element, after two divisions for the
	 * geometry and an sg_next() call (~35 instructions per I/O, bench
	 * tbprof count).  A frame always has room for one element.
	 */
	if (nseg == 1) {
		mptmq_sgl_put_simple(g, pos, MPI_SGE_FLAGS_SIMPLE | MPTMQ_SGE_LAST_FLAGS | dir |
				     sg_dma_len(sgl), sg_dma_address(sgl));
		return;
	}
	room = mptmq_sgl_in_frame(g);
	per_seg = mptmq_sgl_per_seg(g);

	for_each_sg(sgl, sg, nseg, i) {
		unsigned int left = nseg - i;
		u32 flags = MPI_SGE_FLAGS_SIMPLE | dir;

		if (room == 1 && left > 1) {
			unsigned int n = left < per_seg ? left : per_seg;
			unsigned int next = left > per_seg ? (per_seg - 1) * g->sge_size / 4 : 0;

			if (prev)
				((__le32 *)prev)[0] |= cpu_to_le32(MPI_SGE_FLAGS_LAST_ELEMENT);
			if (in_frame)
				((struct mpi_scsi_io_request *)frame)->chain_offset = (pos - frame) / 4;
			mptmq_sgl_put_chain(g, pos, n * g->sge_size, next, seg_dma);
			pos = seg;
			seg += g->frame_size;
			seg_dma += g->frame_size;
			room = per_seg;
			prev = NULL;
			in_frame = false;
		}
		if (left == 1)
			flags |= MPTMQ_SGE_LAST_FLAGS;
		prev = pos;
		pos = mptmq_sgl_put_simple(g, pos, flags | sg_dma_len(sg), sg_dma_address(sg));
		room--;
	}
}

#endif /* _MPTMQ_SGL_H */
