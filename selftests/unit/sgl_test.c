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

/* Chain space bus address: above 4 GiB when elements are 64-bit, else below. */
#define CHAIN_DMA(g)	((g)->sge64 ? 0x00000004fff00000ull : 0x00000000fff00000ull)

static int fails;

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return le32_to_cpu(v);
}

static u16 get16(const u8 *p)
{
	u16 v;

	memcpy(&v, p, 2);
	return le16_to_cpu(v);
}

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		printf("# frame %u sge%u segs %u nseg %d: ",		\
		       g->frame_size, g->sge64 ? 64 : 32, segs, nseg);	\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		return -1;						\
	}								\
} while (0)

/* Walk the SGL; return 0 if it describes exactly @sgl. */
static int walk(const struct mptmq_sgl_geom *g, const u8 *frame, const u8 *chain,
		unsigned int segs, const struct scatterlist *sgl, int nseg, u32 dir)
{
	const u8 *base = frame;
	unsigned int cur = MPI_SCSIIO_SGL_OFFSET, limit = g->frame_size;
	unsigned int chain_off = frame[2] * 4, used_segs = 0, expect_len = 0;
	int seen = 0;

	for (;;) {
		u32 fl, len;
		u64 addr;

		CHECK(cur + g->sge_size <= limit, "element at %u runs past its %u byte segment",
		      cur, limit);
		fl = get32(base + cur);
		CHECK((fl & MPI_SGE_FLAGS_TYPE_MASK) == MPI_SGE_FLAGS_SIMPLE,
		      "element %d at %u is not SIMPLE (flags %08x)", seen, cur, fl);
		CHECK(!!(fl & MPI_SGE_FLAGS_64BIT_ADDRESS) == g->sge64, "element width flag wrong");
		CHECK((fl & MPI_SGE_FLAGS_HOST_TO_IOC) == dir, "direction flag wrong");
		len = fl & MPI_SGE_LENGTH_MASK;
		addr = get32(base + cur + 4);
		if (g->sge64)
			addr |= (u64)get32(base + cur + 8) << 32;
		cur += g->sge_size;

		if (nseg == 0) {
			CHECK(len == 0 && (fl & MPTMQ_SGE_LAST_FLAGS) == MPTMQ_SGE_LAST_FLAGS,
			      "no-data request needs one zero-length LAST|EOB|EOL element");
			return 0;
		}
		CHECK(seen < nseg, "more elements than segments");
		CHECK(addr == sgl[seen].addr && len == sgl[seen].len,
		      "element %d is %llx+%u, expected %llx+%u", seen, (unsigned long long)addr,
		      len, (unsigned long long)sgl[seen].addr, sgl[seen].len);
		seen++;

		if (fl & MPI_SGE_FLAGS_END_OF_LIST) {
			CHECK((fl & MPTMQ_SGE_LAST_FLAGS) == MPTMQ_SGE_LAST_FLAGS,
			      "END_OF_LIST without LAST_ELEMENT|END_OF_BUFFER");
			CHECK(seen == nseg, "list ends after %d of %d elements", seen, nseg);
			CHECK(!expect_len || cur == expect_len,
			      "last segment uses %u bytes, its chain element said %u", cur, expect_len);
			return 0;
		}
		CHECK(!(fl & MPI_SGE_FLAGS_END_OF_BUFFER), "END_OF_BUFFER before the end");
		if (!(fl & MPI_SGE_FLAGS_LAST_ELEMENT))
			continue;

		/* LAST_ELEMENT: the chain element must follow at the chain offset. */
		CHECK(chain_off && chain_off == cur, "LAST_ELEMENT at %u but chain offset %u",
		      cur - g->sge_size, chain_off);
		CHECK(cur + g->sge_size <= limit, "chain element runs past its segment");
		{
			const u8 *c = base + cur;
			u8 flags = c[3];
			u64 caddr = get32(c + 4);
			unsigned int clen = get16(c);

			if (g->sge64)
				caddr |= (u64)get32(c + 8) << 32;
			CHECK((flags & 0x30) == MPI_SGE_CHAIN_FLAGS, "chain element type wrong");
			CHECK(!!(flags & MPI_SGE_CHAIN_FLAGS_64BIT) == g->sge64, "chain width wrong");
			CHECK(!expect_len || cur + g->sge_size == expect_len,
			      "segment uses %u bytes, its chain element said %u",
			      cur + g->sge_size, expect_len);
			CHECK(used_segs < segs, "more than %u chain segments", segs);
			CHECK(caddr == CHAIN_DMA(g) + (u64)used_segs * g->frame_size,
			      "chain %u points at %llx", used_segs, (unsigned long long)caddr);
			CHECK(clen && clen <= g->frame_size && clen % g->sge_size == 0,
			      "chain length %u", clen);
			base = chain + (size_t)used_segs * g->frame_size;
			limit = g->frame_size;
			cur = 0;
			chain_off = c[2] * 4;
			expect_len = clen;
			used_segs++;
		}
	}
}

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
