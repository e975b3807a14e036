// SPDX-License-Identifier: GPL-2.0
/*
 * drain_race_test: reply-FIFO drains against the IOC reset (issue 10,
 * defect 6), two real threads through the driver's own mptmq_reply.c.
 *
 * Built with selftests/fuzz/kenv (the kernel stand-ins, spinlocks as real
 * locks: -DKENV_THREADS) and fuzz_env.c (the IOC, the midlayer); the
 * registers are the small IOC model below.  The device has finished two
 * commands: an address reply (CHECK CONDITION, in reply frame 0) and a
 * context reply.  Thread A drains - the interrupt handler on a shared
 * INTx line, or mptmq_drain_replies() as .eh_timed_out, abort and the
 * check after a nexus reset call it.  When A pops the address reply, the
 * FIFO read lets thread B run the reset's reply-side steps:
 * mptmq_irq_mask(), mptmq_replies_close(), the IOC forgetting its frames
 * (what MakeReady does), the whole reply pool re-posted as
 * mptmq_post_reply_frames() does (static in mptmq_ioc.c: the same loop
 * here), mptmq_replies_open().  A is held until B is blocked on
 * reply_lock - then 200 ms more, B must stay blocked - or until B has
 * reached the step the case names (the defect).  The same happens when A
 * hands the frame back.  Checked:
 *  - every reply frame is in the free FIFO exactly once at the end, none
 *    was ever posted twice, none handed back after the IOC reset that
 *    came after its reply was read;
 *  - no reply processed (frame handed back) and no FIFO read by a drainer
 *    between mptmq_replies_close() and mptmq_replies_open();
 *  - both commands completed once (fuzz_env.c), reply_lock released.
 * Prints TAP; exits 1 on a failure.  Rerun alone:
 *   make -C selftests/unit drain_race_test && selftests/unit/drain_race_test
 */
#include "fuzz_env.h"

#include <pthread.h>
#include <time.h>

#define DEPTH		8
#define NR_IO		4
#define HOLD_MS		200	/* A holds its reply while B stays blocked */
#define STEP_MS		2000	/* bound on any wait for the other thread */

/* B's progress through the reset. */
enum b_step { B_IDLE, B_CLOSING, B_CLOSED, B_REPOSTED, B_OPEN };

struct race_case {
	const char	*name;
	bool		isr;		/* A is the INTx handler, else a drain */
	enum b_step	target;		/* how far B may get while A holds its reply */
};

static const struct race_case cases[] = {
	{ "interrupt handler (shared INTx) against close + re-post", true, B_REPOSTED },
	{ "eh drain against close + re-post", false, B_REPOSTED },
	{ "eh drain against close", false, B_CLOSED },
};

/* ---- the IOC model: free FIFO, reply (post) FIFO, interrupt mask ---- */

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int posted[DEPTH];	/* times frame i is in the free FIFO */
static unsigned int popped_gen[DEPTH];	/* IOC reset count when its reply was read */
static u32 post_fifo[4];
static unsigned int post_head, post_count;
static unsigned int gen;		/* IOC resets so far */
static u32 int_mask;
static bool fifo_closed;		/* between replies_close() and replies_open() */

static const struct race_case *cur;
static int go, step, a_done, popped_once, handed_once;
static u32 held_frame;			/* the address reply A popped */
static long blocked_ms = -1;		/* how long B was seen blocked on reply_lock */
static __thread char who;		/* 'A', 'B' or 0 (main) */

static char msgs[8][160];
static unsigned int nr_msgs;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&dev_lock);
	if (nr_msgs < ARRAY_SIZE(msgs)) {
		va_start(ap, fmt);
		vsnprintf(msgs[nr_msgs++], sizeof(msgs[0]), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&dev_lock);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void sleep_1ms(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

static int get(int *v)
{
	return __atomic_load_n(v, __ATOMIC_SEQ_CST);
}

static void set(int *v, int x)
{
	__atomic_store_n(v, x, __ATOMIC_SEQ_CST);
}

static u32 frame_addr(unsigned int i)
{
	return fuzz_ioc.reply_low + i * MPTMQ_REPLY_FRAME_SIZE;
}

/* Frame index of a free-FIFO address, or -1 (fuzz_env.c checked it is ours). */
static int frame_index(u32 addr)
{
	long off = mptmq_reply_offset(addr >> 1, fuzz_ioc.reply_low, DEPTH,
				      MPTMQ_REPLY_FRAME_SIZE);

	return off < 0 ? -1 : (int)(off / MPTMQ_REPLY_FRAME_SIZE);
}

/* B waits for reply_lock while A holds it (only A and B take it). */
static bool b_blocked(void)
{
	return get(&fuzz_ioc.reply_lock.waiting) && get(&fuzz_ioc.reply_lock.locked);
}

/*
 * Let B run: wait until it is blocked on reply_lock held by A or has
 * reached the case's step (bounded).  Returns true if B is blocked.
 */
static bool let_b_run(void)
{
	long end = now_ms() + STEP_MS;

	while (now_ms() < end) {
		if (get(&step) >= (int)cur->target)
			return false;
		if (b_blocked())
			return true;
		sleep_1ms();
	}
	fail("B neither blocked on reply_lock nor reached step %d in %d ms (at %d)",
	     cur->target, STEP_MS, get(&step));
	return false;
}

static u32 model_read(unsigned int reg)
{
	u32 v = 0;
	int i;

	pthread_mutex_lock(&dev_lock);
	switch (reg) {
	case MPI_REG_HOST_INT_STATUS:
		/* The status shows replies whatever the mask: shared INTx. */
		v = post_count ? MPI_HIS_REPLY : 0;
		break;
	case MPI_REG_HOST_INT_MASK:
		v = int_mask;
		break;
	case MPI_REG_REPLY_FIFO:
		if (fifo_closed && who == 'A') {
			pthread_mutex_unlock(&dev_lock);
			fail("the reply FIFO read by a drainer after mptmq_replies_close()");
			pthread_mutex_lock(&dev_lock);
		}
		if (!post_count) {
			v = MPI_REPLY_EMPTY;
			break;
		}
		v = post_fifo[post_head];
		post_head = (post_head + 1) % ARRAY_SIZE(post_fifo);
		post_count--;
		if (v & MPI_REPLY_ADDRESS) {
			i = frame_index(v << 1);
			if (i >= 0)
				popped_gen[i] = gen;
		}
		break;
	}
	pthread_mutex_unlock(&dev_lock);

	if (reg == MPI_REG_REPLY_FIFO && who == 'A' && (v & MPI_REPLY_ADDRESS) &&
	    v != MPI_REPLY_EMPTY && !get(&popped_once)) {
		/* A holds a reply it has not handed back: the reset comes now. */
		set(&popped_once, 1);
		held_frame = v << 1;
		set(&go, 1);
		if (let_b_run()) {
			long t0 = now_ms();

			while (now_ms() - t0 < HOLD_MS)
				sleep_1ms();
			if (get(&step) >= (int)cur->target || !b_blocked())
				fail("B got past reply_lock while A held reply frame 0x%08x",
				     held_frame);
			else
				blocked_ms = now_ms() - t0;
		}
	}
	return v;
}

static void model_write(u32 v, unsigned int reg)
{
	int i;

	if (reg == MPI_REG_HOST_INT_MASK) {
		pthread_mutex_lock(&dev_lock);
		int_mask = v;
		pthread_mutex_unlock(&dev_lock);
		return;
	}
	if (reg != MPI_REG_REPLY_FIFO)
		return;
	if (who == 'A' && v == held_frame && !get(&handed_once)) {
		/* A hands the frame back: B may run again if nothing stops it. */
		set(&handed_once, 1);
		let_b_run();
	}
	i = frame_index(v);
	if (i < 0)
		return;
	pthread_mutex_lock(&dev_lock);
	if (who == 'A' && fifo_closed) {
		pthread_mutex_unlock(&dev_lock);
		fail("reply in frame 0x%08x processed after the FIFO was closed", v);
		pthread_mutex_lock(&dev_lock);
	}
	if (who == 'A' && popped_gen[i] != gen) {
		pthread_mutex_unlock(&dev_lock);
		fail("reply frame 0x%08x read before the IOC reset, handed back after it", v);
		pthread_mutex_lock(&dev_lock);
	}
	if (++posted[i] > 1) {
		pthread_mutex_unlock(&dev_lock);
		fail("reply frame 0x%08x posted twice", v);
		pthread_mutex_lock(&dev_lock);
	}
	pthread_mutex_unlock(&dev_lock);
}

/* The IOC finishes command @tag: an address reply in a free frame, or a context reply. */
static void device_complete(unsigned int tag, bool address)
{
	struct mpi_scsi_io_reply *rep;
	u32 desc = tag;
	unsigned int i;

	if (address) {
		for (i = 0; i < DEPTH && !posted[i]; i++)
			;
		assert(i < DEPTH);
		posted[i]--;
		rep = (void *)(fuzz_ioc.pool + fuzz_ioc.reply_offset + i * MPTMQ_REPLY_FRAME_SIZE);
		memset(rep, 0, MPTMQ_REPLY_FRAME_SIZE);
		rep->function = MPI_FUNCTION_SCSI_IO_REQUEST;
		rep->msg_length = sizeof(*rep) / 4;
		rep->msg_context = cpu_to_le32(tag);
		rep->scsi_status = 0x02;	/* CHECK CONDITION */
		desc = MPI_REPLY_ADDRESS | (frame_addr(i) >> 1);
	}
	post_fifo[(post_head + post_count++) % ARRAY_SIZE(post_fifo)] = desc;
}

/* ---- the two threads ---- */

static void *thread_a(void *arg)
{
	who = 'A';
	if (cur->isr) {
		if (mptmq_isr(0, &fuzz_ioc) != IRQ_HANDLED)
			fail("the interrupt handler did not take the replies as ours");
	} else if (!mptmq_drain_replies(&fuzz_ioc)) {
		fail("the drain found no reply");
	}
	set(&a_done, 1);
	return NULL;
}

static void *thread_b(void *arg)
{
	struct mptmq_ioc *ioc = &fuzz_ioc;
	long end = now_ms() + STEP_MS;
	unsigned int i;

	who = 'B';
	while (!get(&go) && now_ms() < end)
		sleep_1ms();
	if (!get(&go)) {
		fail("the drainer never read the address reply");
		return NULL;
	}
	/* mptmq_ioc_reset(): interrupts masked, then the FIFO closed. */
	set(&step, B_CLOSING);
	mptmq_irq_mask(ioc);
	mptmq_replies_close(ioc);
	pthread_mutex_lock(&dev_lock);
	fifo_closed = true;
	pthread_mutex_unlock(&dev_lock);
	set(&step, B_CLOSED);
	/* The reset takes a while: long enough for a drainer that got in. */
	end = now_ms() + STEP_MS;
	while (cur->target == B_CLOSED && !get(&a_done) && now_ms() < end)
		sleep_1ms();
	/* MakeReady: the IOC forgets its free frames and unread replies. */
	pthread_mutex_lock(&dev_lock);
	memset(posted, 0, sizeof(posted));
	post_count = 0;
	gen++;
	pthread_mutex_unlock(&dev_lock);
	/* mptmq_ioc_start(): the pool re-posted (mptmq_post_reply_frames()), then opened. */
	for (i = 0; i < ioc->reply_depth; i++)
		mptmq_writel(ioc, ioc->reply_low + i * MPTMQ_REPLY_FRAME_SIZE, MPI_REG_REPLY_FIFO);
	set(&step, B_REPOSTED);
	pthread_mutex_lock(&dev_lock);
	fifo_closed = false;
	pthread_mutex_unlock(&dev_lock);
	mptmq_replies_open(ioc);
	set(&step, B_OPEN);
	return NULL;
}

static bool run_case(unsigned int n, const struct race_case *c)
{
	pthread_t a, b;
	unsigned int i;

	cur = c;
	fuzz_ioc_setup(NR_IO, DEPTH);
	fuzz_reg_read = model_read;
	fuzz_reg_write = model_write;
	nr_msgs = 0;
	blocked_ms = -1;
	set(&go, 0);
	set(&step, B_IDLE);
	set(&a_done, 0);
	set(&popped_once, 0);
	set(&handed_once, 0);
	memset(posted, 0, sizeof(posted));
	memset(popped_gen, 0, sizeof(popped_gen));
	post_head = post_count = 0;
	gen = 0;
	int_mask = 0;
	fifo_closed = false;
	/* Up and running: the pool posted, then two commands finished. */
	for (i = 0; i < DEPTH; i++)
		posted[i] = 1;
	device_complete(0, true);
	device_complete(1, false);

	pthread_create(&b, NULL, thread_b, NULL);
	pthread_create(&a, NULL, thread_a, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);

	for (i = 0; i < DEPTH; i++)
		if (posted[i] != 1)
			fail("reply frame 0x%08x is in the free FIFO %u times at the end",
			     frame_addr(i), posted[i]);
	if (fuzz_cmds[0].done_count != 1 || fuzz_cmds[1].done_count != 1)
		fail("commands completed %d and %d times, not once each",
		     fuzz_cmds[0].done_count, fuzz_cmds[1].done_count);
	if (get(&fuzz_ioc.reply_lock.locked) || get(&fuzz_ioc.reply_lock.waiting))
		fail("reply_lock left held (%d) or waited on (%d)",
		     get(&fuzz_ioc.reply_lock.locked), get(&fuzz_ioc.reply_lock.waiting));
	if (!fuzz_ioc.replies_open)
		fail("the FIFO left closed after mptmq_replies_open()");
	fuzz_reg_read = NULL;
	fuzz_reg_write = NULL;
	fuzz_ioc_teardown();

	if (blocked_ms >= 0)
		printf("# B blocked on reply_lock %ld ms while A held reply frame 0x%08x\n",
		       blocked_ms, held_frame);
	for (i = 0; i < nr_msgs; i++)
		printf("# %s\n", msgs[i]);
	printf("%sok %u - %s\n", nr_msgs ? "not " : "", n, c->name);
	return !nr_msgs;
}

int main(void)
{
	unsigned int i;
	int rc = 0;

	printf("TAP version 13\n1..%zu\n", ARRAY_SIZE(cases));
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (!run_case(i + 1, &cases[i]))
			rc = 1;
	return rc;
}
