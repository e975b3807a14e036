// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_config: configuration pages as the IOC returns them
 * (mptmq_config.c): the doorbell path (mptmq_config_read_identity(): page
 * headers, IO Unit page 2, Manufacturing page 0) and the FIFO path
 * (mptmq_config_ext_read() of extended pages, answered through the reply
 * path), then the SAS page decoding of mptmq_sas_pages.h on the page read
 * (SAS IO Unit page 0 phys, identify data, port grouping).
 *
 * Input: byte 0 picks the extended page buffer size (8-1024 bytes); the
 * rest is what the IOC answers, in order (fuzz_env.c: for a page read the
 * page bytes up to the SGE length, then a reply length byte and the reply).
 */
#include "fuzz_env.h"

static void decode_sas_pages(const void *buf, int len)
{
	const struct mpi_sas_io_unit_page0 *pg = buf;
	u64 addr[32];
	u32 masks[32];
	unsigned int i, n, ports;

	if (len < 0)
		return;
	n = mptmq_sas_io_unit0_phys(pg, len);
	if (n && sizeof(*pg) + n * sizeof(pg->phy[0]) > (unsigned int)len)
		fuzz_fail("%u phys do not fit a %d byte page", n, len);
	for (i = 0; i < n && i < 32; i++) {
		struct sas_identify id;

		mptmq_sas_parse_identify(&id, le32_to_cpu(pg->phy[i].controller_phy_device_info),
					 0x5000000000000000ull + i, i);
		(void)mptmq_sas_negotiated_rate(pg->phy[i].negotiated_link_rate);
		addr[i] = le16_to_cpu(pg->phy[i].attached_dev_handle);
	}
	ports = mptmq_sas_group_ports(addr, i, masks);
	if (ports > i)
		fuzz_fail("%u ports from %u phys", ports, i);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	size_t bufsz;
	void *buf;
	int len;

	fuzz_in = (struct fuzz_input){ .data = data, .len = size };
	bufsz = 8 + fuzz_u8() * 4;
	fuzz_ioc_setup(2, 2);
	mutex_lock(&fuzz_ioc.ioc_mutex);
	mptmq_config_read_identity(&fuzz_ioc);
	mutex_unlock(&fuzz_ioc.ioc_mutex);
	if (strnlen(fuzz_ioc.chip_name, sizeof(fuzz_ioc.chip_name)) >= sizeof(fuzz_ioc.chip_name) ||
	    strnlen(fuzz_ioc.board_tracer, sizeof(fuzz_ioc.board_tracer)) >=
	    sizeof(fuzz_ioc.board_tracer))
		fuzz_fail("identity string not terminated");
	/* Exactly sized: ASan sees a page written or read past it. */
	buf = malloc(bufsz);
	len = mptmq_config_ext_read(&fuzz_ioc, MPI_CONFIG_EXTPAGETYPE_SAS_IO_UNIT, 0, 0, buf,
				    (dma_addr_t)(uintptr_t)buf, bufsz);
	if (len > (int)bufsz)
		fuzz_fail("page of %d bytes from a %zu byte buffer", len, bufsz);
	decode_sas_pages(buf, len);
	free(buf);
	fuzz_ioc_teardown();
	return 0;
}
