// SPDX-License-Identifier: GPL-2.0
/*
 * sgl_test: mptmq_sgl_build() against a reference walker of MPI 1.x SGLs.
 *
 * For every frame size, element width and chain depth the driver may meet,
 * and every segment count the geometry allows, build the SGL of random
 * segments into exactly-sized buffers (ASan catches any write outside them)
 * and walk it the way an IOC does, strictly:
 *  - the walk starts at offset 0x30 of the frame; elements are SIMPLE,
 *    of the width the geometry says, with the transfer direction flag;
 *  - LAST_ELEMENT without END_OF_LIST must be followed directly by the
 *    chain element at ChainOffset (frame) or NextChainOffset (segment);
 *  - a chain element's Length equals the bytes the next segment uses and its
 *    address is the next unused chain segment of the command;
 *  - no element lies outside its segment; no chain reached sequentially;
 *  - END_OF_LIST comes with LAST_ELEMENT and END_OF_BUFFER on the final
 *    element; the elements read equal the segments given, in order.
 * Prints TAP; exits 1 on the first failure of any case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mptmq_sgl.h"

#include "sgl_walk.h"

static int fails;

static u64 rnd64(void)
{
	return ((u64)rand() << 33) ^ ((u64)rand() << 11) ^ (u64)rand();
}

static int run_geometry(unsigned int frame_size, bool sge64, unsigned int depth)
{
	struct mptmq_sgl_geom geom = {
		.frame_size = frame_size,
		.sge_size = sge64 ? sizeof(struct mpi_sge_simple64) : sizeof(struct mpi_sge_simple32),
		.sge64 = sge64,
	};
	const struct mptmq_sgl_geom *g = &geom;
	unsigned int segs = mptmq_sgl_segments(g, depth, 256);
	unsigned int cap = mptmq_sgl_capacity(g, segs);
	int nseg = -1;

	CHECK(segs <= depth, "segments %u exceed the chain depth %u", segs, depth);
	CHECK(cap >= 256 || segs == depth, "capacity %u below 256 with depth to spare", cap);
	CHECK(!segs || mptmq_sgl_capacity(g, segs - 1) < 256, "one segment too many");

	for (nseg = 0; nseg <= (int)(cap < 300 ? cap : 300); nseg++) {
		/* Exactly-sized buffers: ASan reports any write past them. */
		u8 *frame = malloc(frame_size);
		u8 *chain = malloc(segs ? (size_t)segs * frame_size : 1);
		struct scatterlist *sgl = calloc(nseg + 1, sizeof(*sgl));
		u32 dir = (nseg & 1) ? MPI_SGE_FLAGS_HOST_TO_IOC : 0;
		int i, ret;

		memset(frame, 0, frame_size);
		memset(chain, 0xa5, segs ? (size_t)segs * frame_size : 1);
		for (i = 0; i < nseg; i++) {
			sgl[i].addr = sge64 ? rnd64() : (u32)rnd64();
			sgl[i].len = 1 + (u32)rnd64() % MPI_SGE_LENGTH_MASK;
		}
		mptmq_sgl_build(g, frame, chain, CHAIN_DMA(g), sgl, nseg, dir);
		ret = walk(g, frame, chain, segs, sgl, nseg, dir);
		free(frame);
		free(chain);
		free(sgl);
		if (ret)
			return -1;
	}
	return 0;
}

int main(void)
{
	static const unsigned int frames[] = { 96, 128, 256, 512 };
	static const unsigned int depths[] = { 0, 1, 2, 3, 34, 255 };
	unsigned int f, d, w, n = 0;

	srand(1);
	printf("TAP version 13\n1..%zu\n", 2 * sizeof(frames) / sizeof(frames[0]) *
	       (sizeof(depths) / sizeof(depths[0])));
	for (f = 0; f < sizeof(frames) / sizeof(frames[0]); f++)
		for (w = 0; w < 2; w++)
			for (d = 0; d < sizeof(depths) / sizeof(depths[0]); d++) {
				int ret = run_geometry(frames[f], w, depths[d]);

				fails += !!ret;
				printf("%sok %u - sgl frame %u sge%u chain depth %u\n",
				       ret ? "not " : "", ++n, frames[f], w ? 64 : 32, depths[d]);
			}
	return fails ? 1 : 0;
}
