// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_sgl: the SGL builder (mptmq_sgl.h) on any geometry the IOC's facts
 * can produce and any mapped segment list the block layer can hand over,
 * walked afterwards by the strict reference walker of the unit test
 * (selftests/unit/sgl_walk.h).
 *
 * Input: frame size (byte * 4, at least MPTMQ_MIN_FRAME_SIZE, at most
 * MPTMQ_MAX_FRAME_SIZE), element width, the IOC's MaxChainDepth, the
 * segment count (at most what the chain space holds, as the driver's
 * max_sge guarantees), direction, then each segment's address and length.
 */
#include "fuzz_env.h"
#include "sgl_walk.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct mptmq_sgl_geom geom, *g = &geom;
	unsigned int segs, cap, depth;
	struct scatterlist *sgl;
	u8 *frame, *chain;
	int nseg, i;
	u32 dir;

	fuzz_in = (struct fuzz_input){ .data = data, .len = size };
	geom.frame_size = fuzz_u8() * 4;
	if (geom.frame_size < MPTMQ_MIN_FRAME_SIZE)
		geom.frame_size = MPTMQ_MIN_FRAME_SIZE;
	geom.sge64 = fuzz_u8() & 1;
	geom.sge_size = geom.sge64 ? sizeof(struct mpi_sge_simple64) :
				     sizeof(struct mpi_sge_simple32);
	depth = fuzz_u8();
	segs = mptmq_sgl_segments(g, depth, MPTMQ_MAX_SGE);
	cap = mptmq_sgl_capacity(g, segs);
	if (segs > depth)
		fuzz_fail("%u chain segments with MaxChainDepth %u", segs, depth);
	nseg = (fuzz_u8() | fuzz_u8() << 8) % (cap + 1);
	dir = fuzz_u8() & 1 ? MPI_SGE_FLAGS_HOST_TO_IOC : 0;
	sgl = calloc(nseg + 1, sizeof(*sgl));
	for (i = 0; i < nseg; i++) {
		u64 a = (u64)fuzz_u32() << 32 | fuzz_u32();

		sgl[i].addr = geom.sge64 ? a : (u32)a;
		sgl[i].len = fuzz_u32() & MPI_SGE_LENGTH_MASK;
	}
	/* Exactly-sized buffers: ASan reports any write past them. */
	frame = calloc(1, geom.frame_size);
	chain = malloc(segs ? (size_t)segs * geom.frame_size : 1);
	memset(chain, 0xa5, segs ? (size_t)segs * geom.frame_size : 1);
	mptmq_sgl_build(g, frame, chain, CHAIN_DMA(g), sgl, nseg, dir);
	if (walk(g, frame, chain, segs, sgl, nseg, dir))
		fuzz_fail("the SGL does not describe the segments (see above)");
	free(frame);
	free(chain);
	free(sgl);
	return 0;
}
