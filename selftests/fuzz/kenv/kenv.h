/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-side stand-ins for the kernel facilities that mptmq_reply.c and
 * mptmq_config.c use, so that the driver's own .c files run under
 * libFuzzer, ASan and UBSan (selftests/fuzz/).  Force-included before
 * everything (-include kenv.h); the kernel headers the driver names are
 * empty files in this directory.  Locks, RCU and work are single-threaded
 * no-ops (spinlocks are real locks with -DKENV_THREADS); register access, the SCSI midlayer and the parts of the driver
 * not compiled here are provided by the harnesses (fuzz_env.c).
 */
#ifndef _KENV_H
#define _KENV_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <endian.h>
#include <assert.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;
typedef uint64_t dma_addr_t;
#include <sys/types.h>	/* loff_t, ssize_t */
/*
 * The unit tests' shim (selftests/unit/shim/kshim.h): byte order, the
 * scatterlist, the midlayer's result codes.  Its <linux/types.h> is the
 * empty one here: the types are defined above.
 */
#include "kshim.h"

#define __iomem
#define __user
#define __rcu
#define __must_check
#define noinline	__attribute__((__noinline__))
#ifndef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#endif
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define READ_ONCE(x)	(*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)
#define offsetofend(T, m) (offsetof(T, m) + sizeof(((T *)0)->m))
#define container_of(p, T, m) ((T *)((char *)(p) - offsetof(T, m)))
#define min_t(T, a, b)	((T)(a) < (T)(b) ? (T)(a) : (T)(b))
#define max_t(T, a, b)	((T)(a) > (T)(b) ? (T)(a) : (T)(b))
#define WARN_ON_ONCE(c)	({ bool __c = !!(c); if (__c) kenv_warn(#c, __FILE__, __LINE__); __c; })
#define WARN_ON(c)	WARN_ON_ONCE(c)
void kenv_warn(const char *what, const char *file, int line);

/* errors */
#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long e) { return (void *)e; }
static inline long PTR_ERR(const void *p) { return (long)p; }
static inline bool IS_ERR(const void *p) { return IS_ERR_VALUE(p); }

/* bits, atomics: single-threaded */
static inline bool test_bit(long nr, const unsigned long *a) { return *a & (1UL << nr); }
static inline void set_bit(long nr, unsigned long *a) { *a |= 1UL << nr; }
static inline void clear_bit(long nr, unsigned long *a) { *a &= ~(1UL << nr); }
static inline bool test_and_set_bit(long nr, unsigned long *a)
{ bool o = test_bit(nr, a); set_bit(nr, a); return o; }
static inline bool test_and_clear_bit(long nr, unsigned long *a)
{ bool o = test_bit(nr, a); clear_bit(nr, a); return o; }
typedef struct { int counter; } atomic_t;
#define atomic_inc(a)		((a)->counter++)
#define atomic_read(a)		((a)->counter)
#define atomic_set(a, v)	((a)->counter = (v))

/* locks, RCU, completions, work */
#ifdef KENV_THREADS
/*
 * For tests that race two threads through the driver (selftests/unit/
 * drain_race_test.c): a spinlock is a real lock.  @locked counts holders
 * (0 or 1), @waiting the threads blocked on it right now; both change
 * atomically, @waiting before @locked on the way in, so that another
 * thread seeing both non-zero knows the lock is held and someone waits.
 */
#include <pthread.h>
typedef struct {
	pthread_mutex_t	m;
	int		locked;
	int		waiting;
} spinlock_t;
static inline void spin_lock_init(spinlock_t *l)
{
	pthread_mutex_init(&l->m, NULL);
	__atomic_store_n(&l->locked, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&l->waiting, 0, __ATOMIC_SEQ_CST);
}
static inline void kenv_spin_lock(spinlock_t *l)
{
	if (pthread_mutex_trylock(&l->m)) {
		__atomic_add_fetch(&l->waiting, 1, __ATOMIC_SEQ_CST);
		pthread_mutex_lock(&l->m);
		__atomic_sub_fetch(&l->waiting, 1, __ATOMIC_SEQ_CST);
	}
	__atomic_add_fetch(&l->locked, 1, __ATOMIC_SEQ_CST);
}
static inline void kenv_spin_unlock(spinlock_t *l)
{
	__atomic_sub_fetch(&l->locked, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&l->m);
}
#define spin_lock_irqsave(l, f)		do { (f) = 0; kenv_spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f)	do { (void)(f); kenv_spin_unlock(l); } while (0)
#define spin_lock_irq(l)		kenv_spin_lock(l)
#define spin_unlock_irq(l)		kenv_spin_unlock(l)
#define spin_lock(l)			kenv_spin_lock(l)
#define spin_unlock(l)			kenv_spin_unlock(l)
#else
/* Single-threaded: a lock is a count of its holders. */
typedef struct { int locked; } spinlock_t;
#define spin_lock_init(l)		((l)->locked = 0)
#define spin_lock_irqsave(l, f)		do { (void)(f); (l)->locked++; } while (0)
#define spin_unlock_irqrestore(l, f)	do { (void)(f); (l)->locked--; } while (0)
#define spin_lock_irq(l)		((l)->locked++)
#define spin_unlock_irq(l)		((l)->locked--)
#define spin_lock(l)			((l)->locked++)
#define spin_unlock(l)			((l)->locked--)
#endif
struct mutex { int locked; };
#define mutex_lock(m)			((m)->locked++)
#define mutex_unlock(m)			((m)->locked--)
#define lockdep_assert_held(l)		assert((l)->locked > 0)
#define rcu_read_lock()			do { } while (0)
#define rcu_read_unlock()		do { } while (0)
#define rcu_read_lock_sched()		do { } while (0)
#define rcu_read_unlock_sched()		do { } while (0)
struct completion { unsigned int done; };
static inline void complete(struct completion *c) { c->done++; }
static inline bool completion_done(struct completion *c) { return c->done; }
unsigned long wait_for_completion_timeout(struct completion *c, unsigned long t);
struct work_struct { void (*func)(struct work_struct *); int pending; };
struct delayed_work { struct work_struct work; };
struct workqueue_struct;
extern struct workqueue_struct *system_long_wq;
bool queue_work(struct workqueue_struct *wq, struct work_struct *w);

/* time */
extern unsigned long jiffies;
#define HZ	250
#define msecs_to_jiffies(ms)	((unsigned long)(ms) * HZ / 1000)
#define time_before(a, b)	((long)((a) - (b)) < 0)

/* registers: the harness decides what the IOC answers */
u32 readl(const volatile void __iomem *addr);
void writel(u32 v, volatile void __iomem *addr);

/* logging: formats are checked, output is dropped (or printed: FUZZ_LOG=1) */
void kenv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct device { const char *name; };
struct pci_dev { struct device dev; };
#define KERN_WARNING	""
#define KERN_ERR	""
#define KERN_INFO	""
#define dev_warn(d, ...)		kenv_log(__VA_ARGS__)
#define dev_err(d, ...)			kenv_log(__VA_ARGS__)
#define dev_info(d, ...)		kenv_log(__VA_ARGS__)
#define dev_dbg(d, ...)			kenv_log(__VA_ARGS__)
#define dev_warn_ratelimited(d, ...)	kenv_log(__VA_ARGS__)
#define dev_err_ratelimited(d, ...)	kenv_log(__VA_ARGS__)
#define pr_warn(...)			kenv_log(__VA_ARGS__)
struct ratelimit_state { int unused; };
#define DEFINE_RATELIMIT_STATE(n, i, b)	struct ratelimit_state n
#define __ratelimit(rs)			((void)(rs), 1)
static inline char *strim(char *s)
{
	size_t n = strlen(s);
	char *p = s;

	while (n && s[n - 1] == ' ')
		s[--n] = 0;
	while (*p == ' ')
		p++;
	return p;
}

/* interrupts */
typedef int irqreturn_t;
#define IRQ_NONE	0
#define IRQ_HANDLED	1

/* kernel version: what compat.h tests; the 6.12 API */
#define KERNEL_VERSION(a, b, c)	(((a) << 16) + ((b) << 8) + (c))
#define LINUX_VERSION_CODE	KERNEL_VERSION(6, 12, 0)
#define SCSI_MLQUEUE_HOST_BUSY	0x1055
enum scsi_timeout_action { SCSI_EH_DONE, SCSI_EH_RESET_TIMER, SCSI_EH_NOT_HANDLED };
#define PCI_IRQ_INTX	1
struct queue_limits;
struct attribute_group;
struct pci_error_handlers;
struct dentry;
struct seq_file;

/* SCSI midlayer: just the fields the compiled files touch */
#define SCSI_SENSE_BUFFERSIZE	96
struct scsi_target { void *hostdata; };
struct scsi_device { unsigned int channel, id; struct scsi_target *starget; };
struct Scsi_Host { void *hostdata; };
struct scsi_cmnd {
	struct scsi_device *device;
	unsigned char cmnd[16];
	unsigned char *sense_buffer;
	unsigned int underflow;
	unsigned int bufflen;
	int resid;
	int result;
	void *priv;
	int done_count;		/* scsi_done() calls: must end at most 1 */
	bool mapped;		/* scsi_dma_map() held: unmapped once */
};
#define scsi_target(sdev)	((sdev)->starget)
#define shost_priv(sh)		((sh)->hostdata)
static inline void *scsi_cmd_priv(struct scsi_cmnd *c) { return c->priv; }
static inline unsigned int scsi_bufflen(struct scsi_cmnd *c) { return c->bufflen; }
static inline void scsi_set_resid(struct scsi_cmnd *c, int r) { c->resid = r; }
#define scmd_printk(lvl, scmd, ...)	kenv_log(__VA_ARGS__)
struct scsi_cmnd *scsi_host_find_tag(struct Scsi_Host *sh, int tag);
void scsi_dma_unmap(struct scsi_cmnd *c);
void scsi_done(struct scsi_cmnd *c);
/* The same checks: the driver completes in place from its interrupt handler. */
void scsi_done_direct(struct scsi_cmnd *c);
void scsi_scan_host(struct Scsi_Host *sh);
void scsi_host_busy_iter(struct Scsi_Host *sh, bool (*fn)(struct scsi_cmnd *, void *),
			 void *data);

/* debugfs and files: mptmq_config.c's inject_event */
struct file { void *private_data; };
struct file_operations {
	void *owner;
	int (*open)(void *, struct file *);
	ssize_t (*write)(struct file *, const char __user *, size_t, loff_t *);
	loff_t (*llseek)(struct file *, loff_t, int);
};
#define THIS_MODULE	NULL
int simple_open(void *inode, struct file *f);
loff_t noop_llseek(struct file *f, loff_t o, int w);
static inline unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{ memcpy(to, from, n); return 0; }
struct dentry *debugfs_create_file(const char *name, unsigned int mode, struct dentry *parent,
				   void *data, const struct file_operations *fops);

/* The trace events are not compiled: mptmq_trace.h is skipped. */
#define _MPTMQ_TRACE_H
#define trace_mptmq_complete(...)	do { } while (0)
#define trace_mptmq_submit(...)		do { } while (0)
#define trace_mptmq_tm(...)		do { } while (0)
#define trace_mptmq_reset(...)		do { } while (0)

#endif /* _KENV_H */
