/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgl_walk.h: a strict reference walker of MPI 1.x SGLs, the way an IOC
 * reads them (the rules are listed in sgl_test.c), shared by the unit test
 * (sgl_test.c) and the SGL fuzzer (selftests/fuzz/fuzz_sgl.c).  Include
 * after mptmq_sgl.h.
 */
#ifndef _SGL_WALK_H
#define _SGL_WALK_H
#include <stdio.h>
#include <string.h>

/* Chain space bus address: above 4 GiB when elements are 64-bit, else below. */
#define CHAIN_DMA(g)	((g)->sge64 ? 0x00000004fff00000ull : 0x00000000fff00000ull)

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

#endif /* _SGL_WALK_H */
