// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: IOC bring-up and reset - doorbell handshake, state recovery,
 * IOCFacts/PortFacts/IOCInit/PortEnable, and the IOC reset flow.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/iopoll.h>
#include <linux/jiffies.h>
#include <scsi/scsi_host.h>

#include "mptmq.h"
#include "mptmq_trace.h"

/**
 * DOC: IOC state recovery and reset
 *
 * An IOC can be found in any state: READY after power-on, OPERATIONAL
 * (left there by a boot ROM, with the ROM's reply frames still in its
 * FIFOs), FAULT, or half way through a doorbell handshake whose reply was
 * never read.  mptmq_ioc_make_ready() brings it to READY in this order:
 *
 * 1. If the doorbell is ACTIVE, a handshake reply may be pending: read it
 *    out (at most 256 words) and clear the doorbell interrupt, so that no
 *    reset is ever sent while a reply is half read.
 * 2. Message unit reset (doorbell function 0x40), then wait for READY;
 *    skipped for an IOC in FAULT, whose halted firmware ignores it.
 * 3. If that fails, a diagnostic reset as mptbase does it: the
 *    write-sequence keys until the diagnostic register reports DRWE,
 *    DISABLE_ARM, then RESET_ADAPTER; wait for READY.  It resets every
 *    function of the chip: the other running functions (a 53C1030's other
 *    channel) are quiesced before it and started again after it (DOC:
 *    Dual-function chips, mptmq_chip.c).
 *
 * Nothing else reads the IOC's registers while this runs: the watchdog
 * only reads them when it gets @ioc_mutex (mutex_trylock), the interrupt
 * handler not while the reply FIFO is closed, sysfs never.
 *
 * An IOC reset (mptmq_ioc_reset()) stops new I/O, masks interrupts, makes
 * the IOC READY as above, completes every outstanding command with
 * DID_RESET (the IOC forgets them; the midlayer retries them), repeats
 * IOCInit, re-posts every reply frame, re-enables ports and events, and
 * lets I/O flow again.  Every wait is bounded and a failure says which
 * state the IOC was in.
 */

/**
 * mptmq_doorbell_state_name() - name of the IOC state in a doorbell value
 * @db: doorbell register value
 *
 * Return: a constant string.
 */
const char *mptmq_doorbell_state_name(u32 db)
{
	if (db == MPI_REPLY_EMPTY)
		return "absent";
	switch (db & MPI_DB_STATE_MASK) {
	case MPI_DB_STATE_RESET:
		return "RESET";
	case MPI_DB_STATE_READY:
		return "READY";
	case MPI_DB_STATE_OPERATIONAL:
		return "OPERATIONAL";
	case MPI_DB_STATE_FAULT:
		return "FAULT";
	default:
		return "unknown";
	}
}

/**
 * mptmq_ioc_gone() - tell whether a register read says the device is gone
 * @ioc: the IOC
 * @val: the value just read from a register
 *
 * All-ones is also a legal reply-FIFO value (empty), so the doorbell is
 * read to decide: a present IOC never reports all-ones there.
 *
 * Return: true if the device no longer answers.
 */
bool mptmq_ioc_gone(struct mptmq_ioc *ioc, u32 val)
{
	if (val != MPI_REPLY_EMPTY)
		return false;
	return mptmq_readl(ioc, MPI_REG_DOORBELL) == MPI_REPLY_EMPTY;
}

static int mptmq_wait_his_ms(struct mptmq_ioc *ioc, u32 bit, bool set, unsigned int ms)
{
	u32 his;

	return readl_poll_timeout(ioc->regs + MPI_REG_HOST_INT_STATUS, his,
				  his == MPI_REPLY_EMPTY || !!(his & bit) == set,
				  10, ms * USEC_PER_MSEC) ?:
		(his == MPI_REPLY_EMPTY ? -ENODEV : 0);
}

static int mptmq_wait_his(struct mptmq_ioc *ioc, u32 bit, bool set)
{
	return mptmq_wait_his_ms(ioc, bit, set, MPTMQ_HANDSHAKE_TIMEOUT_MS);
}

static int mptmq_wait_ioc_state(struct mptmq_ioc *ioc, u32 state, unsigned int ms)
{
	u32 db;
	int ret;

	ret = readl_poll_timeout(ioc->regs + MPI_REG_DOORBELL, db,
				 db == MPI_REPLY_EMPTY ||
				 (db & MPI_DB_STATE_MASK) == state,
				 1000, ms * USEC_PER_MSEC);
	if (db == MPI_REPLY_EMPTY)
		return -ENODEV;
	return ret;
}

/* Clear the doorbell interrupt; the QEMU model needs two writes after a reply. */
static void mptmq_clear_doorbell_int(struct mptmq_ioc *ioc)
{
	int i;

	for (i = 0; i < 4; i++) {
		mptmq_writel(ioc, 0, MPI_REG_HOST_INT_STATUS);
		if (!(mptmq_readl(ioc, MPI_REG_HOST_INT_STATUS) & MPI_HIS_DOORBELL))
			return;
	}
}

/*
 * The handshake with @reply_ms for the IOC to start its reply (the time the
 * function itself takes; PortEnable may take minutes).
 */
static int mptmq_handshake_wait(struct mptmq_ioc *ioc, const void *req, unsigned int req_bytes,
				void *reply, unsigned int reply_max, unsigned int reply_ms)
{
	unsigned int ndw = req_bytes / 4, words, i;
	const u32 *src = req;
	__le16 *dst = reply;
	u32 db;
	int ret;

	lockdep_assert_held(&ioc->ioc_mutex);
	if (WARN_ON_ONCE(!ndw || ndw > 255 || req_bytes % 4))
		return -EINVAL;

	db = mptmq_readl(ioc, MPI_REG_DOORBELL);
	if (db == MPI_REPLY_EMPTY)
		return -ENODEV;
	if (db & MPI_DB_ACTIVE) {
		dev_err(&ioc->pdev->dev, "doorbell busy before handshake (doorbell %08x, IOC %s)\n",
			db, mptmq_doorbell_state_name(db));
		return -EBUSY;
	}

	mptmq_writel(ioc, 0, MPI_REG_HOST_INT_STATUS);
	mptmq_writel(ioc, (MPI_FUNCTION_HANDSHAKE << MPI_DB_FUNCTION_SHIFT) |
			  (ndw << MPI_DB_ADD_DWORDS_SHIFT), MPI_REG_DOORBELL);
	ret = mptmq_wait_his(ioc, MPI_HIS_DOORBELL, true);
	if (ret)
		goto timeout;
	mptmq_writel(ioc, 0, MPI_REG_HOST_INT_STATUS);

	/* The IOC acknowledges every dword by clearing its doorbell status. */
	ret = mptmq_wait_his(ioc, MPI_HIS_IOP_DOORBELL_STATUS, false);
	if (ret)
		goto timeout;
	for (i = 0; i < ndw; i++) {
		/* The request is already little-endian: write it as is. */
		mptmq_writel(ioc, le32_to_cpu((__force __le32)src[i]), MPI_REG_DOORBELL);
		ret = mptmq_wait_his(ioc, MPI_HIS_IOP_DOORBELL_STATUS, false);
		if (ret)
			goto timeout;
	}

	/*
	 * The reply comes 16 bits at a time; the second word holds the reply
	 * length in dwords.  Every word must be read, even those that do not
	 * fit, or the IOC is left half way through the reply.
	 */
	words = 2;
	for (i = 0; i < words; i++) {
		u16 w;

		ret = mptmq_wait_his_ms(ioc, MPI_HIS_DOORBELL, true,
					i ? MPTMQ_HANDSHAKE_TIMEOUT_MS : reply_ms);
		if (ret)
			goto timeout;
		w = mptmq_readl(ioc, MPI_REG_DOORBELL) & MPI_DB_DATA_MASK;
		mptmq_writel(ioc, 0, MPI_REG_HOST_INT_STATUS);
		if (i == 1)
			words = max(2u, 2u * (w & 0xff));
		if ((i + 1) * 2 <= reply_max)
			dst[i] = cpu_to_le16(w);
	}

	ret = mptmq_wait_his(ioc, MPI_HIS_DOORBELL, true);
	if (ret)
		goto timeout;
	mptmq_clear_doorbell_int(ioc);
	return min(words * 2, reply_max);

timeout:
	db = mptmq_readl(ioc, MPI_REG_DOORBELL);
	dev_err(&ioc->pdev->dev, "handshake for function 0x%02x timed out (doorbell %08x, IOC %s)\n",
		((const u8 *)req)[3], db, mptmq_doorbell_state_name(db));
	return ret;
}

/**
 * mptmq_handshake() - send a request and read its reply through the doorbell
 * @ioc: the IOC
 * @req: the request, @req_bytes long (a multiple of 4, at most 1020 bytes)
 * @req_bytes: request length
 * @reply: buffer for the reply
 * @reply_max: size of @reply; longer replies are read out and dropped
 *
 * Only for functions the IOC answers through the doorbell (IOCFacts,
 * PortFacts, IOCInit, PortEnable, Config) and only while no FIFO I/O is
 * outstanding.  Each step may take %MPTMQ_HANDSHAKE_TIMEOUT_MS.
 *
 * Context: process context, @ioc->ioc_mutex held.
 * Return: reply length in bytes, or a negative errno.
 */
int mptmq_handshake(struct mptmq_ioc *ioc, const void *req, unsigned int req_bytes,
		    void *reply, unsigned int reply_max)
{
	return mptmq_handshake_wait(ioc, req, req_bytes, reply, reply_max,
				    MPTMQ_HANDSHAKE_TIMEOUT_MS);
}

/* Read out a handshake reply that someone else left half read. */
static void mptmq_flush_doorbell(struct mptmq_ioc *ioc)
{
	int i;

	for (i = 0; i < 256; i++) {
		u32 db = mptmq_readl(ioc, MPI_REG_DOORBELL);

		if (db == MPI_REPLY_EMPTY || !(db & MPI_DB_ACTIVE))
			break;
		mptmq_writel(ioc, 0, MPI_REG_HOST_INT_STATUS);
	}
	mptmq_clear_doorbell_int(ioc);
}

static int mptmq_message_unit_reset(struct mptmq_ioc *ioc)
{
	mptmq_writel(ioc, MPI_FUNCTION_IOC_MESSAGE_UNIT_RESET << MPI_DB_FUNCTION_SHIFT,
		     MPI_REG_DOORBELL);
	return mptmq_wait_ioc_state(ioc, MPI_DB_STATE_READY, MPTMQ_READY_TIMEOUT_MS);
}

static void mptmq_diag_unlock(struct mptmq_ioc *ioc)
{
	static const u8 keys[] = {
		MPI_WRSEQ_FLUSH_KEY, MPI_WRSEQ_KEY1, MPI_WRSEQ_KEY2,
		MPI_WRSEQ_KEY3, MPI_WRSEQ_KEY4, MPI_WRSEQ_KEY5,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		mptmq_writel(ioc, keys[i], MPI_REG_WRITE_SEQUENCE);
}

/*
 * Diagnostic reset, in mptbase's order (mpt_diag_reset()): write the key
 * sequence until the IOC says the diagnostic register is writable (DRWE;
 * up to 20 times 100 ms), stop the ARM (DISABLE_ARM), then RESET_ADAPTER,
 * and wait for READY.
 */
static int mptmq_diag_reset_chip(struct mptmq_ioc *ioc)
{
	struct device *dev = &ioc->pdev->dev;
	u32 diag;
	int i, ret;

	for (i = 0; ; i++) {
		mptmq_diag_unlock(ioc);
		diag = mptmq_readl(ioc, MPI_REG_HOST_DIAGNOSTIC);
		if (diag == MPI_REPLY_EMPTY)
			return -ENODEV;
		if (diag & MPI_DIAG_DRWE)
			break;
		if (i == 20) {
			dev_err(dev, "diagnostic register stays locked (0x%08x): no diagnostic reset\n",
				diag);
			return -EIO;
		}
		msleep(100);
	}
	mptmq_writel(ioc, diag | MPI_DIAG_DISABLE_ARM, MPI_REG_HOST_DIAGNOSTIC);
	mdelay(1);
	mptmq_writel(ioc, diag | MPI_DIAG_RESET_ADAPTER, MPI_REG_HOST_DIAGNOSTIC);
	/* The chip must not be touched for a moment after RESET_ADAPTER. */
	msleep(50);
	ret = mptmq_wait_ioc_state(ioc, MPI_DB_STATE_READY, MPTMQ_READY_TIMEOUT_MS);
	/* Any write to the sequence register locks the diagnostic register again. */
	mptmq_writel(ioc, MPI_WRSEQ_FLUSH_KEY, MPI_REG_WRITE_SEQUENCE);
	return ret;
}

/*
 * A diagnostic reset resets the whole chip, so the other functions of a
 * 53C1030 are quiesced before it and started again after it (DOC:
 * Dual-function chips, mptmq_chip.c); the caller holds the chip's reset
 * mutex.
 */
static int mptmq_diag_reset(struct mptmq_ioc *ioc)
{
	unsigned int partners;
	int ret;

	partners = mptmq_chip_quiesce_partners(ioc);
	if (partners)
		dev_warn(&ioc->pdev->dev, "diagnostic reset: %u other function(s) of the chip quiesced\n",
			 partners);
	ret = mptmq_diag_reset_chip(ioc);
	mptmq_chip_restart_partners(ioc);
	return ret;
}

/**
 * mptmq_ioc_make_ready() - bring the IOC to READY from whatever state it is in
 * @ioc: the IOC
 *
 * Context: process context, the chip's reset mutex (mptmq_chip_lock()) and
 * @ioc->ioc_mutex held; no FIFO I/O outstanding (the IOC forgets it).
 * Return: 0 when READY, -ENODEV if the device does not answer, -EIO if
 * neither reset worked.
 */
int mptmq_ioc_make_ready(struct mptmq_ioc *ioc)
{
	struct device *dev = &ioc->pdev->dev;
	u32 db;
	int ret;

	lockdep_assert_held(&ioc->ioc_mutex);
	db = mptmq_readl(ioc, MPI_REG_DOORBELL);
	if (db == MPI_REPLY_EMPTY) {
		dev_err(dev, "IOC does not answer (doorbell reads all-ones)\n");
		return -ENODEV;
	}
	if (db & MPI_DB_ACTIVE) {
		dev_info(dev, "IOC %s with a handshake in progress (doorbell %08x): flushing it\n",
			 mptmq_doorbell_state_name(db), db);
		mptmq_flush_doorbell(ioc);
	}
	ret = -EIO;
	if ((db & MPI_DB_STATE_MASK) == MPI_DB_STATE_FAULT) {
		/* Halted firmware ignores a message unit reset. */
		dev_warn(dev, "IOC in FAULT, code 0x%04x: diagnostic reset\n",
			 db & MPI_DB_DATA_MASK);
	} else {
		dev_dbg(dev, "IOC %s (doorbell %08x, WhoInit %u): message unit reset\n",
			mptmq_doorbell_state_name(db), db,
			(db & MPI_DB_WHOINIT_MASK) >> MPI_DB_WHOINIT_SHIFT);
		if (!(mptmq_readl(ioc, MPI_REG_DOORBELL) & MPI_DB_ACTIVE))
			ret = mptmq_message_unit_reset(ioc);
		if (ret == -ENODEV)
			return ret;
		if (ret) {
			db = mptmq_readl(ioc, MPI_REG_DOORBELL);
			dev_warn(dev, "message unit reset failed (doorbell %08x, IOC %s): diagnostic reset\n",
				 db, mptmq_doorbell_state_name(db));
		}
	}
	if (ret) {
		ret = mptmq_diag_reset(ioc);
		if (ret == -ENODEV)
			return ret;
	}
	mptmq_clear_doorbell_int(ioc);
	db = mptmq_readl(ioc, MPI_REG_DOORBELL);
	if (ret || (db & MPI_DB_ACTIVE)) {
		dev_err(dev, "IOC not READY after reset (doorbell %08x, IOC %s%s)\n",
			db, mptmq_doorbell_state_name(db),
			(db & MPI_DB_ACTIVE) ? ", handshake stuck" : "");
		return -EIO;
	}
	return 0;
}

static int mptmq_check_reply(struct mptmq_ioc *ioc, const void *reply, int len,
			     unsigned int min_len, u8 function)
{
	const struct mpi_reply_header *h = reply;
	u16 status;

	if (len < 0)
		return len;
	if (len < (int)min_len || h->function != function) {
		dev_err(&ioc->pdev->dev, "bad reply to function 0x%02x: %d bytes, function 0x%02x\n",
			function, len, h->function);
		return -EPROTO;
	}
	status = le16_to_cpu(h->ioc_status) & MPI_IOCSTATUS_MASK;
	if (status != MPI_IOCSTATUS_SUCCESS) {
		dev_err(&ioc->pdev->dev, "function 0x%02x failed: IOCStatus 0x%04x, LogInfo 0x%08x\n",
			function, status, le32_to_cpu(h->ioc_log_info));
		return -EIO;
	}
	return 0;
}

/**
 * mptmq_ioc_get_facts() - read IOCFacts and port 0's PortFacts
 * @ioc: the IOC, READY or OPERATIONAL
 *
 * Context: process context, @ioc->ioc_mutex held.
 * Return: 0 or a negative errno.
 */
int mptmq_ioc_get_facts(struct mptmq_ioc *ioc)
{
	struct mptmq_facts *f = &ioc->facts;
	struct mpi_ioc_facts_reply fr = {};
	struct mpi_msg_header req = {};
	unsigned int port;
	int ret;

	lockdep_assert_held(&ioc->ioc_mutex);
	req.function = MPI_FUNCTION_IOC_FACTS;
	req.msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL);
	ret = mptmq_handshake(ioc, &req, sizeof(req), &fr, sizeof(fr));
	ret = mptmq_check_reply(ioc, &fr, ret, offsetof(struct mpi_ioc_facts_reply, fw_version) + 4,
				MPI_FUNCTION_IOC_FACTS);
	if (ret)
		return ret;

	f->msg_version = le16_to_cpu(fr.msg_version);
	f->header_version = le16_to_cpu(fr.header_version);
	f->product_id = le16_to_cpu(fr.product_id);
	f->fw_version = le32_to_cpu(fr.fw_version);
	f->ioc_capabilities = le32_to_cpu(fr.ioc_capabilities);
	f->global_credits = le16_to_cpu(fr.global_credits);
	f->reply_queue_depth = le16_to_cpu(fr.reply_queue_depth);
	f->request_frame_size = le16_to_cpu(fr.request_frame_size) * 4;
	f->hipri_depth = le16_to_cpu(fr.hipri_queue_depth);
	f->max_chain_depth = fr.max_chain_depth;
	f->max_devices = fr.max_devices;
	f->max_buses = fr.max_buses;
	f->number_of_ports = fr.number_of_ports;
	f->who_init = fr.who_init;

	if (f->msg_version < 0x0100 || f->msg_version > 0x01ff) {
		dev_err(&ioc->pdev->dev, "IOC speaks MPI %x.%02x, not MPI 1.x\n",
			f->msg_version >> 8, f->msg_version & 0xff);
		return -ENODEV;
	}
	if (f->request_frame_size < MPTMQ_MIN_FRAME_SIZE || !f->global_credits ||
	    !f->reply_queue_depth || !f->number_of_ports) {
		dev_err(&ioc->pdev->dev,
			"IOCFacts out of range: frame %u bytes, credits %u, reply depth %u, ports %u\n",
			f->request_frame_size, f->global_credits, f->reply_queue_depth,
			f->number_of_ports);
		return -EPROTO;
	}

	/* Every port is asked, as the protocol expects; port 0 sets the limits. */
	for (port = 0; port < f->number_of_ports; port++) {
		struct mpi_port_facts_request preq = {};
		struct mpi_port_facts_reply pr = {};

		preq.function = MPI_FUNCTION_PORT_FACTS;
		preq.port_number = port;
		preq.msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL);
		ret = mptmq_handshake(ioc, &preq, sizeof(preq), &pr, sizeof(pr));
		ret = mptmq_check_reply(ioc, &pr, ret, sizeof(pr), MPI_FUNCTION_PORT_FACTS);
		if (ret)
			return ret;
		dev_dbg(&ioc->pdev->dev, "port %u: type 0x%02x, %u devices, id %u, protocols 0x%x\n",
			port, pr.port_type, le16_to_cpu(pr.max_devices),
			le16_to_cpu(pr.port_scsi_id), le16_to_cpu(pr.protocol_flags));
		if (port)
			continue;
		ioc->port.port_type = pr.port_type;
		ioc->port.max_devices = le16_to_cpu(pr.max_devices);
		ioc->port.scsi_id = le16_to_cpu(pr.port_scsi_id);
		ioc->port.protocol_flags = le16_to_cpu(pr.protocol_flags);
	}
	if (ioc->port.port_type != MPI_PORTFACTS_PORTTYPE_SCSI &&
	    ioc->port.port_type != MPI_PORTFACTS_PORTTYPE_SAS) {
		dev_err(&ioc->pdev->dev, "port 0 has type 0x%02x: not a SCSI or SAS port\n",
			ioc->port.port_type);
		return -ENODEV;
	}
	return 0;
}

static int mptmq_ioc_init(struct mptmq_ioc *ioc)
{
	struct mpi_ioc_init_request req = {};
	struct mpi_ioc_init_reply rep = {};
	u32 db;
	int ret;

	req.who_init = MPI_WHOINIT_HOST_DRIVER;
	req.function = MPI_FUNCTION_IOC_INIT;
	/*
	 * On a parallel SCSI port the targets the IOC addresses are port 0's
	 * PortFacts MaxDevices (16 on a wide 53C1030 bus), as mptbase does
	 * (GetPortFacts: devices_per_bus = pfacts->MaxDevices for a non-SAS
	 * port; SendIocInit: ioc_init.MaxDevices = devices_per_bus).
	 * IOCFacts MaxDevices may be what an earlier IOCInit set (the BIOS's
	 * boot driver, a previous kernel) when the IOC was taken over by a
	 * message unit reset: QEMU's model (hw/scsi/mptsas.c
	 * mptsas_process_ioc_facts) reports the current value, and IOCInit
	 * with 8 made it fail every request to targets 8-15 with
	 * INVALID_TARGETID, so no disk there was found.
	 */
	if (ioc->port.port_type == MPI_PORTFACTS_PORTTYPE_SCSI && ioc->port.max_devices)
		req.max_devices = min_t(u16, ioc->port.max_devices, U8_MAX);
	else
		req.max_devices = ioc->facts.max_devices;
	req.max_buses = ioc->facts.max_buses;
	req.msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL);
	req.reply_frame_size = cpu_to_le16(MPTMQ_REPLY_FRAME_SIZE);
	req.host_mfa_high = cpu_to_le32(upper_32_bits(ioc->pool_dma));
	req.sense_buffer_high = cpu_to_le32(upper_32_bits(ioc->sense_dma));
	req.msg_version = cpu_to_le16(MPI_VERSION_1_5);
	req.header_version = cpu_to_le16(MPI_HEADER_VERSION);

	ret = mptmq_handshake(ioc, &req, sizeof(req), &rep, sizeof(rep));
	ret = mptmq_check_reply(ioc, &rep, ret, sizeof(rep), MPI_FUNCTION_IOC_INIT);
	if (ret)
		return ret;
	/* A FAULTed IOC may still answer IOCInit with success: look at it. */
	ret = mptmq_wait_ioc_state(ioc, MPI_DB_STATE_OPERATIONAL, MPTMQ_READY_TIMEOUT_MS);
	if (ret) {
		db = mptmq_readl(ioc, MPI_REG_DOORBELL);
		dev_err(&ioc->pdev->dev, "IOC not OPERATIONAL after IOCInit (doorbell %08x, IOC %s)\n",
			db, mptmq_doorbell_state_name(db));
	}
	return ret;
}

/*
 * PortEnable discovers the devices before it answers: mptbase allows 300 s
 * for SAS and integrated-RAID firmware (ProductID product above
 * TARGET_SCSI), 30 s for parallel SCSI.
 */
static unsigned int mptmq_port_enable_ms(struct mptmq_ioc *ioc)
{
	if (ioc->port.port_type == MPI_PORTFACTS_PORTTYPE_SAS ||
	    (ioc->facts.product_id & MPI_FW_HEADER_PID_PROD_MASK) >
	    MPI_FW_HEADER_PID_PROD_TARGET_SCSI)
		return MPTMQ_PORT_ENABLE_TIMEOUT_MS;
	return MPTMQ_PORT_ENABLE_SPI_TIMEOUT_MS;
}

static int mptmq_port_enable(struct mptmq_ioc *ioc)
{
	unsigned int port, ms = mptmq_port_enable_ms(ioc);
	int ret;

	for (port = 0; port < ioc->facts.number_of_ports; port++) {
		struct mpi_port_facts_request req = {};
		struct mpi_reply_header rep = {};

		/* Ports the IOC called inactive in PortFacts were not asked again. */
		if (port && ioc->port.port_type == MPI_PORTFACTS_PORTTYPE_INACTIVE)
			continue;
		req.function = MPI_FUNCTION_PORT_ENABLE;
		req.port_number = port;
		req.msg_context = cpu_to_le32(MPTMQ_CTX_INTERNAL);
		ret = mptmq_handshake_wait(ioc, &req, sizeof(req), &rep, sizeof(rep), ms);
		ret = mptmq_check_reply(ioc, &rep, ret, sizeof(rep), MPI_FUNCTION_PORT_ENABLE);
		if (ret)
			return ret;
	}
	return 0;
}

static void mptmq_post_reply_frames(struct mptmq_ioc *ioc)
{
	unsigned int i;

	for (i = 0; i < ioc->reply_depth; i++)
		mptmq_writel(ioc, ioc->reply_low + i * MPTMQ_REPLY_FRAME_SIZE,
			     MPI_REG_REPLY_FIFO);
}

/**
 * mptmq_internal_frame() - the request frame of an internal slot
 * @ioc: the IOC
 * @slot: enum mptmq_internal_slot
 *
 * Return: the zeroed frame, ready to be filled.
 */
void *mptmq_internal_frame(struct mptmq_ioc *ioc, unsigned int slot)
{
	void *frame = mptmq_frame(ioc, ioc->nr_io + slot);

	memset(frame, 0, ioc->geom.frame_size);
	return frame;
}

/**
 * mptmq_post_internal() - post an internal slot's frame to the request FIFO
 * @ioc: the IOC
 * @slot: enum mptmq_internal_slot; its frame is filled, context included
 *
 * Context: any; the caller owns the slot.
 */
void mptmq_post_internal(struct mptmq_ioc *ioc, unsigned int slot)
{
	reinit_completion(&ioc->internal[slot].done);
	/* writel orders the frame's coherent-memory stores before the post. */
	mptmq_writel(ioc, mptmq_frame_low(ioc, ioc->nr_io + slot), MPI_REG_REQUEST_FIFO);
}

/**
 * mptmq_ioc_start() - take a READY IOC to OPERATIONAL and start I/O
 * @ioc: the IOC; pools allocated, interrupt handler registered
 *
 * IOCInit, reply frames, PortEnable, interrupts, events.  On success the
 * state is RUNNING.
 *
 * Context: process context, @ioc->ioc_mutex held.
 * Return: 0 or a negative errno.
 */
int mptmq_ioc_start(struct mptmq_ioc *ioc)
{
	unsigned int i;
	int ret;

	lockdep_assert_held(&ioc->ioc_mutex);
	ret = mptmq_ioc_init(ioc);
	if (ret)
		return ret;
	mptmq_post_reply_frames(ioc);
	mptmq_replies_open(ioc);
	ret = mptmq_port_enable(ioc);
	if (ret)
		return ret;
	if (mptmq_config_read_identity(ioc))
		dev_warn(&ioc->pdev->dev, "cannot read Manufacturing page 0: board name unknown\n");

	for (i = 0; i < MPTMQ_NR_INTERNAL; i++)
		clear_bit(0, &ioc->internal[i].busy);
	mptmq_irq_unmask(ioc);
	/* A mark_dead() during the bring-up stands. */
	if (!mptmq_set_state(ioc, MPTMQ_STATE_RUNNING))
		return -ENODEV;
	return mptmq_events_enable(ioc);
}

/**
 * mptmq_ioc_stop() - stop the IOC's DMA and interrupts
 * @ioc: the IOC
 *
 * Masks interrupts and, if the device still answers, resets the message
 * unit so the IOC stops touching host memory before the pools are freed.
 * Not on a channel PCI error recovery left offline (frozen or failed):
 * nothing gets through it, and the handshakes would only time out (a
 * minute on QEMU after a failed link reset).
 * The IOC leaves its chip first: a partner's diagnostic reset no longer
 * restarts it.
 *
 * Context: process context; no command outstanding.  Takes the chip's
 * reset mutex, then @ioc->ioc_mutex.
 */
void mptmq_ioc_stop(struct mptmq_ioc *ioc)
{
	mptmq_chip_lock(ioc);
	/* A partner's chip reset no longer starts this IOC again. */
	mptmq_chip_leave(ioc);
	mutex_lock(&ioc->ioc_mutex);
	mptmq_set_state(ioc, MPTMQ_STATE_INIT);
	mptmq_irq_mask(ioc);
	synchronize_irq(ioc->irq);
	mptmq_replies_close(ioc);
	if (pci_channel_offline(ioc->pdev))
		dev_info(&ioc->pdev->dev, "PCI channel offline: IOC not reset\n");
	else if (mptmq_readl(ioc, MPI_REG_DOORBELL) != MPI_REPLY_EMPTY)
		mptmq_ioc_make_ready(ioc);
	ioc->events_on = false;
	mptmq_events_forget(ioc);
	mutex_unlock(&ioc->ioc_mutex);
	mptmq_chip_unlock(ioc);
}

/**
 * mptmq_set_state() - change the IOC state unless it is DEAD
 * @ioc: the IOC
 * @state: the new state (not DEAD: see mptmq_ioc_mark_dead())
 *
 * DEAD is final, and mptmq_ioc_mark_dead() may set it at any moment from
 * any context, so every other change is a compare-and-exchange that
 * never overwrites DEAD.
 *
 * Context: @ioc->ioc_mutex held.
 * Return: false if the IOC is DEAD (nothing changed).
 */
bool mptmq_set_state(struct mptmq_ioc *ioc, enum mptmq_state state)
{
	int old = READ_ONCE(ioc->state);

	lockdep_assert_held(&ioc->ioc_mutex);
	do {
		if (old == MPTMQ_STATE_DEAD)
			return false;
	} while (!try_cmpxchg(&ioc->state, &old, state));
	if (state == MPTMQ_STATE_RESETTING)
		WRITE_ONCE(ioc->resetting_since, jiffies);
	return true;
}

/**
 * mptmq_ioc_mark_dead() - give up on the IOC: fail everything, refuse new I/O
 * @ioc: the IOC
 * @why: reason, for the log
 *
 * Context: any.
 */
void mptmq_ioc_mark_dead(struct mptmq_ioc *ioc, const char *why)
{
	unsigned int i;

	if (xchg(&ioc->state, MPTMQ_STATE_DEAD) == MPTMQ_STATE_DEAD)
		return;
	dev_err(&ioc->pdev->dev, "IOC is dead (%s): failing all I/O\n", why);
	mptmq_fail_all(ioc, DID_NO_CONNECT);
	/* Task management waiting for a reply gets none: wake it now, not in 30 s. */
	for (i = 0; i < MPTMQ_NR_INTERNAL; i++)
		complete_all(&ioc->internal[i].done);
}

/**
 * mptmq_ioc_forget() - the IOC was reset: settle what it forgot
 * @ioc: the IOC, its reply FIFO closed
 *
 * Every outstanding command completes with DID_RESET (once: the in-flight
 * bit decides), every waiter for an internal reply is woken, events are
 * off until they are switched on again, and no EventAck of an event from
 * before the reset is sent (mptmq_events_forget()).
 *
 * Context: process; @ioc->ioc_mutex held.
 */
void mptmq_ioc_forget(struct mptmq_ioc *ioc)
{
	unsigned int i;

	lockdep_assert_held(&ioc->ioc_mutex);
	mptmq_fail_all(ioc, DID_RESET);
	for (i = 0; i < MPTMQ_NR_INTERNAL; i++)
		complete_all(&ioc->internal[i].done);
	ioc->events_on = false;
	mptmq_events_forget(ioc);
}

/**
 * mptmq_ioc_reset() - reset and re-initialise the IOC, losing no command
 * @ioc: the IOC
 * @why: reason, for the log
 *
 * Every command outstanding at the IOC is completed with DID_RESET so the
 * midlayer retries it; task management waiting for a reply is woken up.
 * On a parallel SCSI port every target's agreement is written again before
 * this returns.
 *
 * Context: process context; may sleep.  Takes the chip's reset mutex, then
 * @ioc->ioc_mutex.
 * Return: 0 when the IOC runs again, a negative errno when it is dead.
 */
int mptmq_ioc_reset(struct mptmq_ioc *ioc, const char *why)
{
	struct device *dev = &ioc->pdev->dev;
	unsigned long start = jiffies;
	int ret;

	mptmq_chip_lock(ioc);
	mutex_lock(&ioc->ioc_mutex);
	if (!mptmq_set_state(ioc, MPTMQ_STATE_RESETTING)) {
		mutex_unlock(&ioc->ioc_mutex);
		mptmq_chip_unlock(ioc);
		return -ENODEV;
	}
	dev_warn(dev, "IOC reset: %s\n", why);
	trace_mptmq_ioc_reset(ioc, why, 0);
	/* Wait for submitters that saw RUNNING: their posts land before the reset. */
	synchronize_rcu();
	mptmq_irq_mask(ioc);
	synchronize_irq(ioc->irq);
	/* Take what the IOC already finished, then keep every drainer out. */
	mptmq_replies_close(ioc);

	ret = mptmq_ioc_make_ready(ioc);
	mptmq_ioc_forget(ioc);
	if (!ret)
		ret = mptmq_ioc_start(ioc);
	mutex_unlock(&ioc->ioc_mutex);
	mptmq_chip_unlock(ioc);

	if (ret && pci_channel_offline(ioc->pdev)) {
		/* The link is down, not the IOC: PCI error recovery resets it. */
		dev_warn(dev, "IOC reset failed with the PCI channel offline: left to PCI error recovery\n");
		return ret;
	}
	if (ret) {
		mptmq_ioc_mark_dead(ioc, "reset failed");
		return ret;
	}
	/* The IOC forgot every agreement: parallel targets negotiate again. */
	mptmq_spi_reset_done(ioc, true);
	dev_info(dev, "IOC reset done in %u ms\n", jiffies_to_msecs(jiffies - start));
	trace_mptmq_ioc_reset(ioc, why, jiffies_to_msecs(jiffies - start));
	return 0;
}

/**
 * mptmq_ioc_suspend() - leave the IOC READY, forgetting nothing outstanding
 * @ioc: the IOC; the midlayer sends it no new command (scsi_block_requests())
 *
 * As mptbase's mpt_suspend(): a message unit reset to READY with the
 * interrupts masked.  The reply FIFO is closed first, so the interrupt
 * handler reads no register while the function is in D3 (a shared INTx
 * line may still call it).  What the IOC still held (nothing, unless the
 * drain before this timed out) completes with DID_RESET, which the
 * midlayer retries once the host is unblocked after resume.
 *
 * Context: process; sleeps; takes the chip's reset mutex (no reset of a
 * 53C1030's other function runs meanwhile), then @ioc->cfg_mutex (a Config
 * request in flight finishes first) and @ioc->ioc_mutex.
 */
void mptmq_ioc_suspend(struct mptmq_ioc *ioc)
{
	unsigned int i;

	mptmq_chip_lock(ioc);
	mutex_lock(&ioc->cfg_mutex);
	mutex_lock(&ioc->ioc_mutex);
	if (mptmq_set_state(ioc, MPTMQ_STATE_INIT)) {
		/* Submitters that saw RUNNING have posted before the reset. */
		synchronize_rcu();
		mptmq_irq_mask(ioc);
		synchronize_irq(ioc->irq);
		mptmq_replies_close(ioc);
		if (mptmq_ioc_make_ready(ioc))
			dev_warn(&ioc->pdev->dev, "IOC not READY for suspend: resume resets it\n");
	}
	mptmq_fail_all(ioc, DID_RESET);
	for (i = 0; i < MPTMQ_NR_INTERNAL; i++)
		complete_all(&ioc->internal[i].done);
	ioc->events_on = false;
	mptmq_events_forget(ioc);
	mutex_unlock(&ioc->ioc_mutex);
	mutex_unlock(&ioc->cfg_mutex);
	mptmq_chip_unlock(ioc);
}

/*
 * The doorbell after a power transition says whether a diagnostic reset
 * is needed before the usual way to READY:
 * - SAS1064E/1068E: always.  Linux mptbase.c mpt_resume(), "Errata
 *   workaround for SAS pci express: Upon returning to the D0 state, the
 *   contents of the doorbell will be stale data, and this will incorrectly
 *   signal to the host driver that the firmware is ready to process mpt
 *   commands.  The workaround is to issue a diagnostic reset."
 * - any other SAS IOC whose doorbell says OPERATIONAL: suspend left it
 *   READY and D3hot -> D0 resets the function (PCI PM 1.2, No_Soft_Reset
 *   clear), so OPERATIONAL is the same stale value (or a boot ROM's IOC
 *   after hibernation, for which a diagnostic reset is just as right).  A
 *   message unit reset would be ignored by firmware that does not run,
 *   and make_ready() would reach the diagnostic reset only after
 *   %MPTMQ_READY_TIMEOUT_MS.
 * Not on parallel SCSI: the 53C1030's diagnostic reset also resets its
 * other function, which may already have resumed.
 */
static bool mptmq_resume_needs_diag(struct mptmq_ioc *ioc, u32 db)
{
	if (ioc->port.port_type != MPI_PORTFACTS_PORTTYPE_SAS)
		return false;
	if (ioc->pdev->device == 0x0056 || ioc->pdev->device == 0x0058)
		return true;
	return (db & MPI_DB_STATE_MASK) == MPI_DB_STATE_OPERATIONAL;
}

/**
 * mptmq_ioc_resume() - bring the IOC back up after suspend or hibernation
 * @ioc: the IOC, left READY by mptmq_ioc_suspend() (or by whoever ran
 *	before a hibernation image was restored); the PCI core has restored
 *	its config space in D0
 *
 * The IOC is reset to READY (a diagnostic reset first where the doorbell
 * cannot be trusted, see mptmq_resume_needs_diag()), its IOCFacts are
 * checked against the pools sized at probe, then IOCInit, the reply
 * frames, PortEnable and events as in an IOC reset.
 *
 * On a parallel SCSI port every target's agreement is written again (D0
 * reset the IOC, which forgot them) before this returns.
 *
 * Context: process; sleeps; takes the chip's reset mutex, then
 * @ioc->ioc_mutex.
 * Return: 0 when RUNNING again, a negative errno otherwise (the caller
 * marks the IOC dead).
 */
int mptmq_ioc_resume(struct mptmq_ioc *ioc)
{
	struct device *dev = &ioc->pdev->dev;
	struct mptmq_facts old = ioc->facts;
	u32 db;
	int ret;

	mptmq_chip_lock(ioc);
	mutex_lock(&ioc->ioc_mutex);
	ret = -ENODEV;
	if (mptmq_state(ioc) == MPTMQ_STATE_DEAD)
		goto unlock;
	db = mptmq_readl(ioc, MPI_REG_DOORBELL);
	dev_info(dev, "resume: doorbell %08x (IOC %s)\n", db, mptmq_doorbell_state_name(db));
	if (db == MPI_REPLY_EMPTY)
		goto unlock;
	if (mptmq_resume_needs_diag(ioc, db)) {
		dev_info(dev, "resume: diagnostic reset (the doorbell may be stale after D0)\n");
		mptmq_flush_doorbell(ioc);
		ret = mptmq_diag_reset(ioc);
		if (ret == -ENODEV)
			goto unlock;
		if (ret)
			dev_warn(dev, "resume: diagnostic reset failed: %d\n", ret);
	}
	ret = mptmq_ioc_make_ready(ioc);
	if (!ret)
		ret = mptmq_ioc_get_facts(ioc);
	if (ret)
		goto unlock;
	/* The pools were sized from IOCFacts at probe: the IOC must fit them. */
	if (ioc->facts.request_frame_size != old.request_frame_size ||
	    ioc->facts.global_credits < old.global_credits ||
	    ioc->facts.reply_queue_depth < old.reply_queue_depth) {
		dev_err(dev, "IOCFacts changed across suspend (frame %u/%u bytes, credits %u/%u, reply depth %u/%u)\n",
			ioc->facts.request_frame_size, old.request_frame_size,
			ioc->facts.global_credits, old.global_credits,
			ioc->facts.reply_queue_depth, old.reply_queue_depth);
		ioc->facts = old;
		ret = -EPROTO;
		goto unlock;
	}
	ret = mptmq_ioc_start(ioc);
unlock:
	mutex_unlock(&ioc->ioc_mutex);
	mptmq_chip_unlock(ioc);
	if (!ret)
		mptmq_spi_reset_done(ioc, true);
	return ret;
}
