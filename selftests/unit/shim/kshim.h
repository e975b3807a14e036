/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-side stand-ins for the few kernel facilities that mptmq_sgl.h and
 * mptmq_decode.h use, so the driver's own code runs under ASan/UBSan.
 */
#ifndef _KSHIM_H
#define _KSHIM_H
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <linux/types.h>

#define cpu_to_le16(x)	((__le16)htole16(x))
#define cpu_to_le32(x)	((__le32)htole32(x))
#define le16_to_cpu(x)	((u16)le16toh(x))
#define le32_to_cpu(x)	((u32)le32toh(x))
#define lower_32_bits(x) ((u32)((x) & 0xffffffffu))
#define upper_32_bits(x) ((u32)((u64)(x) >> 32))
#define offsetofend(T, m) (offsetof(T, m) + sizeof(((T *)0)->m))
#define fallthrough	__attribute__((__fallthrough__))
#include <stddef.h>
#define offsetofend(T, m)	(offsetof(T, m) + sizeof(((T *)0)->m))

/* A scatterlist is an array here; the driver only walks it. */
struct scatterlist {
	dma_addr_t	addr;
	unsigned int	len;
};
#define sg_dma_address(sg)	((sg)->addr)
#define sg_dma_len(sg)		((sg)->len)
#define for_each_sg(sgl, sg, nr, i) \
	for ((i) = 0, (sg) = (sgl); (i) < (nr); (i)++, (sg)++)

/* Midlayer result codes: only their distinctness matters here. */
enum { DID_OK, DID_NO_CONNECT, DID_BUS_BUSY, DID_TIME_OUT, DID_BAD_TARGET, DID_ABORT,
       DID_PARITY, DID_ERROR, DID_RESET, DID_BAD_INTR, DID_PASSTHROUGH, DID_SOFT_ERROR };
#define SAM_STAT_GOOD			0x00
#define SAM_STAT_CHECK_CONDITION	0x02
#define SAM_STAT_BUSY			0x08
#endif
