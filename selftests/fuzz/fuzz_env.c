// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_env: host stand-ins for the IOC and the midlayer (fuzz_env.h).
 */
#include "fuzz_env.h"

struct fuzz_input fuzz_in;
struct mptmq_ioc fuzz_ioc;
struct scsi_cmnd fuzz_cmds[FUZZ_MAX_IO];
enum fuzz_fifo_mode fuzz_fifo_mode;
bool fuzz_event_answered;
u32 (*fuzz_reg_read)(unsigned int reg);
void (*fuzz_reg_write)(u32 v, unsigned int reg);
unsigned long jiffies;
struct workqueue_struct *system_long_wq;

static struct mptmq_cmd cmd_priv[FUZZ_MAX_IO];
static u8 sense_bufs[FUZZ_MAX_IO][SCSI_SENSE_BUFFERSIZE];
static struct scsi_device sdev;
static struct scsi_target starget;
static struct Scsi_Host shost;
static struct pci_dev pdev;
static bool log_on;

void fuzz_fail(const char *why, ...)
{
	va_list ap;

	va_start(ap, why);
	fprintf(stderr, "fuzz invariant: ");
	vfprintf(stderr, why, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

void kenv_warn(const char *what, const char *file, int line)
{
	/* A WARN the device can trigger is a report storm waiting to happen. */
	fuzz_fail("WARN_ON(%s) at %s:%d", what, file, line);
}

void kenv_log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	/* Format every message (ASan/UBSan check the arguments), print on request. */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (log_on)
		fputs(buf, stderr);
}

size_t fuzz_take(void *dst, size_t n)
{
	size_t avail = fuzz_in.len - fuzz_in.pos, k = n < avail ? n : avail;

	memcpy(dst, fuzz_in.data + fuzz_in.pos, k);
	memset((u8 *)dst + k, 0, n - k);
	fuzz_in.pos += k;
	return k;
}

u8 fuzz_u8(void)
{
	u8 v;

	fuzz_take(&v, 1);
	return v;
}

u32 fuzz_u32(void)
{
	__le32 v;

	fuzz_take(&v, 4);
	return le32_to_cpu(v);
}

/* ---- registers: the reply FIFO gives input words, then "empty" ---- */

u32 readl(const volatile void __iomem *addr)
{
	size_t reg = (const volatile u8 *)addr - (const volatile u8 *)fuzz_ioc.regs;

	if (fuzz_reg_read)
		return fuzz_reg_read(reg);
	if (reg == MPI_REG_REPLY_FIFO)
		return fuzz_in.pos + 4 <= fuzz_in.len ? fuzz_u32() : MPI_REPLY_EMPTY;
	return 0;
}

void writel(u32 v, volatile void __iomem *addr)
{
	size_t reg = (volatile u8 *)addr - (volatile u8 *)fuzz_ioc.regs;

	/* A reply frame handed back must be one of ours. */
	if (reg == MPI_REG_REPLY_FIFO &&
	    mptmq_reply_offset(v >> 1, fuzz_ioc.reply_low, fuzz_ioc.reply_depth,
			       MPTMQ_REPLY_FRAME_SIZE) < 0)
		fuzz_fail("reply frame %08x handed back is not in the pool", v);
	if (fuzz_reg_write)
		fuzz_reg_write(v, reg);
}

/* ---- midlayer ---- */

struct scsi_cmnd *scsi_host_find_tag(struct Scsi_Host *sh, int tag)
{
	if (tag < 0 || (unsigned int)tag >= fuzz_ioc.nr_io)
		fuzz_fail("scsi_host_find_tag(%d) beyond can_queue %u", tag, fuzz_ioc.nr_io);
	return &fuzz_cmds[tag];
}

void scsi_dma_unmap(struct scsi_cmnd *c)
{
	if (!c->mapped)
		fuzz_fail("scsi_dma_unmap of a command not mapped");
	c->mapped = false;
}

void scsi_done(struct scsi_cmnd *c)
{
	if (++c->done_count > 1)
		fuzz_fail("command %td completed twice", c - fuzz_cmds);
	if (c->resid < 0 || (unsigned int)c->resid > c->bufflen)
		fuzz_fail("resid %d outside [0, %u]", c->resid, c->bufflen);
	if (c->mapped)
		fuzz_fail("command completed with its DMA mapping held");
}

void scsi_done_direct(struct scsi_cmnd *c)
{
	scsi_done(c);
}

void scsi_scan_host(struct Scsi_Host *sh)
{
}

void scsi_host_busy_iter(struct Scsi_Host *sh, bool (*fn)(struct scsi_cmnd *, void *), void *data)
{
	unsigned int i;

	for (i = 0; i < fuzz_ioc.nr_io; i++)
		if (!fn(&fuzz_cmds[i], data))
			break;
}

/* ---- the rest of the kernel ---- */

unsigned long wait_for_completion_timeout(struct completion *c, unsigned long t)
{
	if (!c->done) {
		/* Nothing else runs: the wait times out, and time passes. */
		jiffies += t;
		return 0;
	}
	c->done--;
	return 1;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
	/* The harness runs the work itself when it wants to. */
	w->pending = 1;
	return true;
}

int simple_open(void *inode, struct file *f)
{
	return 0;
}

loff_t noop_llseek(struct file *f, loff_t o, int w)
{
	return 0;
}

struct dentry *debugfs_create_file(const char *name, unsigned int mode, struct dentry *parent,
				   void *data, const struct file_operations *fops)
{
	return NULL;
}

/* ---- the driver outside mptmq_reply.c and mptmq_config.c ---- */

bool mptmq_ioc_gone(struct mptmq_ioc *ioc, u32 val)
{
	return false;
}

void mptmq_ioc_mark_dead(struct mptmq_ioc *ioc, const char *why)
{
	WRITE_ONCE(ioc->state, MPTMQ_STATE_DEAD);
}

void *mptmq_internal_frame(struct mptmq_ioc *ioc, unsigned int slot)
{
	if (slot >= MPTMQ_NR_INTERNAL)
		fuzz_fail("internal slot %u", slot);
	return mptmq_frame(ioc, ioc->nr_io + slot);
}

/*
 * The IOC takes an internal request: the answer (a reply frame of input
 * bytes, delivered through the reply path as an address reply) comes at
 * once, or never.  A Config page read also gets its page written, at most
 * the SGE's length, as a device's DMA would.
 */
void mptmq_post_internal(struct mptmq_ioc *ioc, unsigned int slot)
{
	const struct mpi_config_request *req = mptmq_internal_frame(ioc, slot);
	u8 *frame;
	u8 n;

	/* As mptmq_ioc.c does: the slot's completion counts this request only. */
	ioc->internal[slot].done.done = 0;
	if (fuzz_fifo_mode == FUZZ_FIFO_EMPTY || fuzz_in.pos >= fuzz_in.len)
		return;
	if (slot == MPTMQ_SLOT_CONFIG && req->action == MPI_CONFIG_ACTION_PAGE_READ_CURRENT) {
		u32 fl = le32_to_cpu(req->page_buffer_sge.flags_length);
		size_t want = fl & MPI_SGE_LENGTH_MASK;
		void *dst = (void *)(uintptr_t)(((u64)le32_to_cpu(req->page_buffer_sge.address_high) << 32) |
						le32_to_cpu(req->page_buffer_sge.address_low));

		/* The harness passes the host pointer as the bus address. */
		fuzz_take(dst, want);
	}
	/* Reply frame 0 of the pool carries the answer. */
	frame = ioc->pool + ioc->reply_offset;
	n = fuzz_u8() % (MPTMQ_REPLY_FRAME_SIZE + 1);
	memset(frame, 0, MPTMQ_REPLY_FRAME_SIZE);
	fuzz_take(frame, n);
	/* Make it answer this slot unless the input says otherwise. */
	if (!(fuzz_u8() & 1))
		((struct mpi_reply_header *)frame)->msg_context =
			cpu_to_le32(MPTMQ_CTX_INTERNAL | slot);
	fuzz_fifo_mode = FUZZ_FIFO_EMPTY;
	{
		/* One descriptor naming frame 0, then the FIFO is empty. */
		struct fuzz_input saved = fuzz_in;
		__le32 desc = cpu_to_le32(MPI_REPLY_ADDRESS | (ioc->reply_low >> 1));

		fuzz_in.data = (const u8 *)&desc;
		fuzz_in.len = 4;
		fuzz_in.pos = 0;
		mptmq_drain_replies(ioc);
		fuzz_in = saved;
	}
	if (slot == MPTMQ_SLOT_EVENT && ioc->internal[slot].reply_len)
		fuzz_event_answered = true;
	fuzz_fifo_mode = FUZZ_FIFO_FROM_INPUT;
}

/*
 * The handshake: the request goes out, the reply (up to @reply_max bytes of
 * input, the count from the input too) comes back; a page read writes the
 * page (at most the SGE's length).
 */
int mptmq_handshake(struct mptmq_ioc *ioc, const void *req, unsigned int req_bytes,
		    void *reply, unsigned int reply_max)
{
	const struct mpi_config_request *cfg = req;
	unsigned int n;

	if (fuzz_in.pos >= fuzz_in.len)
		return -ETIMEDOUT;
	if (cfg->function == MPI_FUNCTION_CONFIG &&
	    cfg->action == MPI_CONFIG_ACTION_PAGE_READ_CURRENT) {
		u32 fl = le32_to_cpu(cfg->page_buffer_sge.flags_length);
		size_t want = fl & MPI_SGE_LENGTH_MASK;

		if (want > MPTMQ_CFG_BUF_SIZE)
			fuzz_fail("page read of %zu bytes into a %u byte buffer", want,
				  MPTMQ_CFG_BUF_SIZE);
		fuzz_take(ioc->cfg_buf, want);
	}
	n = fuzz_u8() % (reply_max + 1);
	memset(reply, 0, reply_max);
	fuzz_take(reply, n);
	return n;
}

void mptmq_sas_event(struct mptmq_ioc *ioc, const struct mptmq_event_rec *rec)
{
	if (rec->dwords > MPTMQ_EVENT_DATA_MAX)
		fuzz_fail("event with %u data dwords", rec->dwords);
}

/* ---- setup ---- */

static u8 regs[256];

void fuzz_ioc_setup(unsigned int nr_io, unsigned int depth)
{
	struct mptmq_ioc *ioc = &fuzz_ioc;
	unsigned int i;
	size_t frames;

	log_on = getenv("FUZZ_LOG");
	memset(ioc, 0, sizeof(*ioc));
	spin_lock_init(&ioc->reply_lock);
	spin_lock_init(&ioc->event_lock);
	memset(fuzz_cmds, 0, sizeof(fuzz_cmds));
	memset(cmd_priv, 0, sizeof(cmd_priv));
	ioc->pdev = &pdev;
	ioc->shost = &shost;
	shost.hostdata = ioc;
	sdev.starget = &starget;
	ioc->regs = regs;
	ioc->state = MPTMQ_STATE_RUNNING;
	ioc->replies_open = true;
	ioc->nr_io = nr_io;
	ioc->nr_frames = nr_io + MPTMQ_NR_INTERNAL;
	ioc->reply_depth = depth;
	ioc->geom.frame_size = 128;
	ioc->geom.sge_size = 12;
	ioc->geom.sge64 = true;
	frames = (size_t)ioc->nr_frames * ioc->geom.frame_size;
	ioc->reply_offset = frames;
	ioc->pool_size = frames + (size_t)depth * MPTMQ_REPLY_FRAME_SIZE;
	/* Exactly sized: ASan sees any read past the last reply frame. */
	ioc->pool = calloc(1, ioc->pool_size);
	ioc->pool_dma = FUZZ_POOL_DMA;
	ioc->reply_low = lower_32_bits(ioc->pool_dma + ioc->reply_offset);
	ioc->sense = calloc(nr_io, MPTMQ_SENSE_SIZE);
	ioc->cfg_buf = calloc(1, MPTMQ_CFG_BUF_SIZE);
	ioc->cfg_dma = (dma_addr_t)(uintptr_t)ioc->cfg_buf;
	ioc->event_work.func = mptmq_event_work;
	for (i = 0; i < nr_io; i++) {
		struct scsi_cmnd *c = &fuzz_cmds[i];

		c->device = &sdev;
		c->sense_buffer = sense_bufs[i];
		c->priv = &cmd_priv[i];
		c->bufflen = 512u << (i % 8);
		c->underflow = c->bufflen / 2;
		cmd_priv[i].data_length = c->bufflen - (i % 3) * 512 % c->bufflen;
		set_bit(MPTMQ_CMD_INFLIGHT, &cmd_priv[i].flags);
		c->mapped = true;
		c->cmnd[0] = 0x28;
	}
	fuzz_fifo_mode = FUZZ_FIFO_FROM_INPUT;
	fuzz_event_answered = false;
}

void fuzz_ioc_teardown(void)
{
	struct mptmq_ioc *ioc = &fuzz_ioc;
	unsigned int i;

	for (i = 0; i < ioc->nr_io; i++) {
		bool inflight = test_bit(MPTMQ_CMD_INFLIGHT, &cmd_priv[i].flags);

		if (inflight == !!fuzz_cmds[i].done_count)
			fuzz_fail("command %u: in flight %d but completed %d times", i, inflight,
				  fuzz_cmds[i].done_count);
	}
	if (ioc->event_count > MPTMQ_EVENT_RING || ioc->event_head >= MPTMQ_EVENT_RING)
		fuzz_fail("event ring head %u count %u", ioc->event_head, ioc->event_count);
	if (ioc->reply_lock.locked || ioc->event_lock.locked || ioc->cfg_mutex.locked ||
	    ioc->ioc_mutex.locked)
		fuzz_fail("a lock left held");
	free(ioc->pool);
	free(ioc->sense);
	free(ioc->cfg_buf);
}
