/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mptmq: blk-mq SCSI low-level driver for LSI Fusion-MPT (MPI 1.x) IOCs.
 * Private header shared by every file of the driver.
 */
#ifndef _MPTMQ_H
#define _MPTMQ_H

#include <linux/types.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <linux/atomic.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>

#include <mptmq/mpi.h>
#include "compat.h"
#include "mptmq_sgl.h"
#include "mptmq_sas_pages.h"
#include "mptmq_spi_pages.h"

#define MPTMQ_DRV_NAME		"mptmq"
#define MPTMQ_DRV_VERSION	"0.3.0"

/**
 * DOC: Theory of operation
 *
 * mptmq drives one MPI 1.x IOC per PCI function.  The IOC has one request
 * FIFO and one reply FIFO, so the host has a single hardware queue.
 *
 * **Message frames and contexts.**  All request frames live in one coherent
 * DMA allocation (the frame pool), followed by each I/O frame's own chain
 * space and by the reply frames; the sense buffers are a second coherent
 * allocation.  MPI 1.x passes only the low 32 bits of frame and sense
 * addresses, the high halves once in IOCInit, so each allocation is checked
 * to lie inside one 4 GiB window.  Every SCSI IO request sets the 64-bit
 * sense width in its MsgFlags, or the IOC ignores the sense high half.
 *
 * The blk-mq tag of a SCSI command *is* its MPI MsgContext and the index of
 * its request frame, its sense slot and its chain space.  There is no free
 * list, no lookup array and no per-I/O lock: a reply's context leads back
 * to the command through scsi_host_find_tag().  Driver-internal requests
 * (event notification, event ack, task management, configuration pages
 * once the IOC runs) use frames past the
 * last I/O frame and contexts with %MPTMQ_CTX_INTERNAL set; can_queue is the
 * IOC's credit count minus those reserved frames, so internal requests can
 * never fail for lack of a frame.  Bits 31:29 of every context are zero, as
 * MPI requires of context (turbo) replies.
 *
 * **Exactly-once completion.**  Each command carries a %MPTMQ_CMD_INFLIGHT
 * bit in its private data, set only on the posting path, just before the
 * request is posted and after the state was seen RUNNING; a command
 * bounced or failed by queuecommand never has it.  Whoever clears it with
 * test_and_clear_bit() (the reply path, the IOC reset path, the
 * dead-IOC path, queuecommand itself when the IOC died while it posted)
 * owns the completion: it unmaps the data and calls scsi_done() (the reply
 * path scsi_done_direct(): it completes in place, interrupts off, with no
 * BLOCK_SOFTIRQ pass); everyone else drops the command.  So the bit is
 * clear whenever the midlayer owns a command, and the private data is
 * cleared only once, when the tag set allocates it (init_cmd_priv), not
 * before every command.  A reply whose context matches no in-flight
 * command is dropped with a rate-limited warning.
 *
 * **IOC states.**  INIT (probe), RUNNING (I/O accepted), RESETTING (new
 * commands are bounced with SCSI_MLQUEUE_HOST_BUSY, the IOC is being reset
 * and re-initialised), DEAD (the device is gone or cannot be recovered: new
 * and outstanding commands complete with DID_NO_CONNECT).  The state is
 * read without locks on the submit path.  DEAD is final: mark_dead() sets
 * it from any context (xchg, no lock: it runs in the interrupt handler
 * too); every other change is made under @ioc_mutex by mptmq_set_state(),
 * a compare-and-exchange that never leaves DEAD, so a bring-up or reset
 * cannot undo a concurrent mark_dead().  RESETTING for PCI error recovery
 * (a frozen channel) is bounded by @pci_recovery: DEAD, with the disks
 * set offline, when slot_reset() does not come in time.
 *
 * **Locking.**  The chip's reset mutex (&struct mptmq_chip, shared by the
 * PCI functions of one chip: a 53C1030's two channels) is taken before
 * @ioc_mutex by everything that may reset the IOC (probe's bring-up, IOC
 * reset, stop), so one chip is never reset twice at once; a diagnostic
 * reset, which resets every function of the chip, quiesces each running
 * partner under the partner's @ioc_mutex (taken nested, only by the holder
 * of the chip's reset mutex) and re-initialises it afterwards (DOC: Dual-function
 * chips in mptmq_chip.c).  @ioc_mutex serialises the doorbell handshake,
 * bring-up and IOC reset; it is never taken on the I/O path or in interrupt
 * context.
 * @tm_mutex serialises task management (midlayer EH and SG_SCSI_RESET may
 * race).  Each task management request advances @tm_gen (under
 * @tm_mutex, with a full barrier before it is posted) and every command
 * records @tm_gen when it is posted: the check after a reset of a nexus
 * looks only at commands posted before the reset went out, since an
 * SG_SCSI_RESET does not stop new I/O to the nexus.  @cfg_mutex serialises Config requests through the FIFO (the
 * SAS topology code reads pages while I/O runs) and the SAS IO Unit Control
 * and SMP pass-through requests, which share that slot.  The submit path takes no
 * lock: one 32-bit MMIO write posts a frame.  @reply_lock (a spinlock,
 * taken with interrupts off) serialises every drain of the reply FIFO -
 * the interrupt handler, the watchdog, .eh_timed_out, abort and the check
 * after a reset of a nexus - with the IOC reset: a drain pops a reply and
 * hands its frame back inside the lock, and the reset, with interrupts
 * masked (the mask read back) and synchronize_irq() done, takes the last
 * replies and closes the FIFO (@replies_open false) under it before the
 * IOC forgets its frames; only ioc_start() opens it again, after
 * re-posting the reply frames.  While it is closed the interrupt handler
 * reads no register.  Inside a drain, @event_lock guards the event ring,
 * which the interrupt handler fills and the event work empties.  The SAS
 * topology has its own locks (mptmq_sas.c).
 *
 * **Parallel SCSI.**  On an SPI port the SPI transport class holds each
 * target's agreement; SCSI Device page 1 is written on every change and
 * again after every bus or IOC reset, before the reset's caller returns
 * (DOC: Parallel SCSI in mptmq_spi.c).
 * **Power management.**  System sleep and hibernation share one pair of
 * callbacks (mptmq_main.c): suspend/freeze/poweroff block the host, give
 * outstanding commands up to 30 s, stop the watchdog and the event work,
 * and leave the IOC READY with its interrupts masked and the reply FIFO
 * closed, state INIT (anything the IOC still held completes with
 * DID_RESET for a retry); the PCI core saves the config space and picks
 * D3hot.  resume/thaw/restore make the IOC READY again - with a
 * diagnostic reset first on SAS1064E/1068E (mptbase's stale-doorbell
 * erratum) and on any SAS IOC whose doorbell claims OPERATIONAL - check
 * IOCFacts against the pools, bring it up as after an IOC reset, restart
 * the watchdog and unblock the host; on a parallel SCSI port every
 * target's agreement is written again first.  Both take the chip's reset
 * mutex before any IOC lock, as an IOC reset does.  An IOC that does not
 * come back is DEAD: its disks fail their I/O, the resume does not hang.
 *
 * **Targets.**  On SAS hosts the SAS transport class numbers targets; each
 * scsi_target's hostdata (struct mptmq_target) holds the firmware's Bus
 * and TargetID, which requests and task management use, and a gone flag
 * that fails new commands with DID_NO_CONNECT once the device left.
 */

/* Contexts: bits 15:0 are the frame index; bit 28 marks internal requests. */
#define MPTMQ_CTX_INTERNAL	0x10000000
#define MPTMQ_CTX_INDEX_MASK	0x0000ffff

/* Internal request slots, after the I/O frames */
enum mptmq_internal_slot {
	MPTMQ_SLOT_EVENT,	/* EventNotification: owned by the IOC while events are on */
	MPTMQ_SLOT_EVENT_ACK,	/* EventAck, only when an event asks for one */
	MPTMQ_SLOT_TM0,		/* task management; two slots, so that an abort */
	MPTMQ_SLOT_TM1,		/* the IOC still holds cannot block the reset after it */
	MPTMQ_SLOT_CONFIG,	/* Config, SAS IO Unit Control, SMP: under cfg_mutex */
	MPTMQ_SLOT_DEBUG,	/* fault injection from debugfs */
	MPTMQ_NR_INTERNAL,
};

/* Credits kept back from can_queue besides the internal frames */
#define MPTMQ_CREDIT_RESERVE	(MPTMQ_NR_INTERNAL + 2)

#define MPTMQ_MAX_FRAME_SIZE	512	/* bytes; larger frames only waste memory */
#define MPTMQ_MIN_FRAME_SIZE	96	/* two 64-bit SGEs after the SCSI IO header */
#define MPTMQ_REPLY_FRAME_SIZE	80	/* holds the largest reply we accept (IOCFacts) */
#define MPTMQ_MAX_REPLY_DEPTH	255
#define MPTMQ_SENSE_SIZE	SCSI_SENSE_BUFFERSIZE
#define MPTMQ_MAX_SGE		256
#define MPTMQ_MAX_SECTORS	8192	/* 4 MiB */
#define MPTMQ_MAX_SEG_SIZE	0x800000 /* fits the 24-bit SGE length */
#define MPTMQ_CFG_BUF_SIZE	512
#define MPTMQ_MAX_TARGETS	256	/* TargetID is a byte in MPI 1.x requests */

/* Timeouts, in milliseconds */
#define MPTMQ_READY_TIMEOUT_MS		60000	/* firmware boot after reset */
#define MPTMQ_HANDSHAKE_TIMEOUT_MS	10000	/* per handshake step */
#define MPTMQ_PORT_ENABLE_TIMEOUT_MS	300000	/* SAS, integrated RAID (as mptbase) */
#define MPTMQ_PORT_ENABLE_SPI_TIMEOUT_MS 30000	/* parallel SCSI (as mptbase) */
#define MPTMQ_TM_TIMEOUT_MS		30000
#define MPTMQ_WATCHDOG_MS		1000
#define MPTMQ_RECOVERY_TIMEOUT_MS	120000	/* longest RESETTING a timeout waits for */

enum mptmq_state {
	MPTMQ_STATE_INIT,
	MPTMQ_STATE_RUNNING,
	MPTMQ_STATE_RESETTING,
	MPTMQ_STATE_DEAD,
};

/* Per-command private data (scsi_cmd_priv) */
struct mptmq_cmd {
	unsigned long	flags;
#define MPTMQ_CMD_INFLIGHT	0	/* posted to the IOC, not yet completed */
	u32		data_length;	/* DataLength sent; <= scsi_bufflen() */
	unsigned int	tm_gen;		/* @tm_gen of its IOC when it was posted */
};

/* Events queued between the interrupt handler and the event work */
#define MPTMQ_EVENT_RING	64
/*
 * EventAcks owed for events that found the ring full: the event itself is
 * dropped, its ack is not (firmware waiting for an ack may send no further
 * events).  It fills only while the event work is more than 64 events
 * behind; 256 is twice the reply frames of QEMU's model (the most events
 * one interrupt can bring there).  An ack that finds it full is counted
 * (@event_acks_lost) and logged.
 */
#define MPTMQ_EVENT_ACK_BACKLOG	256

/**
 * struct mptmq_event_ack_owed - an EventAck still to send
 * @event: MPI_EVENT_*
 * @context: its EventContext
 * @epoch: the IOC's @event_epoch when the event arrived (an ack from before
 *	an IOC reset is not sent: the reset made the IOC forget the event)
 */
struct mptmq_event_ack_owed {
	u32	event;
	u32	context;
	u32	epoch;
};

/**
 * struct mptmq_target - a SCSI target's firmware address (SAS hosts)
 * @bus: the firmware's Bus
 * @id: the firmware's TargetID
 * @gone: the device left the topology: fail new commands at once
 *
 * scsi_target hostdata, set by mptmq_target_alloc(); SPI targets have none
 * (the midlayer's channel and id are the firmware's).
 */
struct mptmq_target {
	u8	bus;
	u8	id;
	bool	gone;
};

/**
 * struct mptmq_facts - host-endian copy of the IOCFacts reply
 * @msg_version: MPI version the firmware speaks
 * @header_version: MPI header version
 * @product_id: product id (bus type, family)
 * @fw_version: firmware version, major in the top byte
 * @ioc_capabilities: MPI_IOCFACTS_CAPABILITY_*
 * @global_credits: requests the IOC accepts at once
 * @reply_queue_depth: reply frames the IOC accepts
 * @request_frame_size: request frame size in bytes
 * @hipri_depth: high-priority queue depth, 0 if none
 * @max_chain_depth: chain segments per request
 * @max_devices: target ids per bus (0 means 256)
 * @max_buses: buses
 * @number_of_ports: ports
 * @who_init: who initialised the IOC before us
 */
struct mptmq_facts {
	u16	msg_version;
	u16	header_version;
	u16	product_id;
	u32	fw_version;
	u32	ioc_capabilities;
	u16	global_credits;
	u16	reply_queue_depth;
	u16	request_frame_size;
	u16	hipri_depth;
	u8	max_chain_depth;
	u8	max_devices;
	u8	max_buses;
	u8	number_of_ports;
	u8	who_init;
};

/**
 * struct mptmq_port - host-endian copy of port 0's PortFacts
 * @port_type: MPI_PORTFACTS_PORTTYPE_*
 * @max_devices: target ids on this port
 * @scsi_id: the initiator's own id
 * @protocol_flags: initiator/target/LAN flags
 */
struct mptmq_port {
	u8	port_type;
	u16	max_devices;
	u16	scsi_id;
	u16	protocol_flags;
};

/**
 * struct mptmq_internal - a driver-internal request slot
 * @done: completed by the reply path when the reply arrives
 * @busy: set while a request is posted in this slot
 * @reply: copy of the reply frame (the frame itself goes back to the IOC)
 * @reply_len: bytes valid in @reply
 */
struct mptmq_internal {
	struct completion	done;
	unsigned long		busy;
	u8			reply[MPTMQ_REPLY_FRAME_SIZE];
	unsigned int		reply_len;
};

/**
 * struct mptmq_stats - error and recovery counters (sysfs error_counters/)
 * @reset_host: IOC resets asked for by the midlayer (host reset) or a user
 * @reset_fault: IOC resets after the watchdog saw the IOC leave OPERATIONAL
 * @reset_recovery: IOC resets by PCI error recovery (slot reset)
 * @tm_abort: ABORT TASK requests
 * @tm_lun_reset: LOGICAL UNIT RESET requests
 * @tm_target_reset: TARGET RESET requests
 * @tm_bus_reset: RESET BUS requests
 * @tm_abort_failed: ABORT TASK requests that failed or got no reply
 * @tm_lun_reset_failed: the same for LOGICAL UNIT RESET
 * @tm_target_reset_failed: the same for TARGET RESET
 * @tm_bus_reset_failed: the same for RESET BUS
 * @tm_no_reply: task management requests the IOC never answered
 * @timeouts: commands the block layer timed out
 * @reset_partner: IOC resets because the other function of the chip was
 *	diagnostic-reset (a 53C1030's two channels share the chip)
 * @faults: times the IOC was seen in FAULT (or otherwise not OPERATIONAL)
 * @lost_interrupts: replies found waiting in the FIFO by the watchdog or a timeout
 * @bad_replies: replies dropped: unknown context, foreign frame, not in flight
 * @pci_errors: PCI errors reported to the driver (error_detected(), AER/DPC)
 */
struct mptmq_stats {
	atomic_t	reset_host;
	atomic_t	reset_fault;
	atomic_t	reset_recovery;
	atomic_t	reset_partner;
	atomic_t	tm_abort;
	atomic_t	tm_lun_reset;
	atomic_t	tm_target_reset;
	atomic_t	tm_bus_reset;
	atomic_t	tm_abort_failed;
	atomic_t	tm_lun_reset_failed;
	atomic_t	tm_target_reset_failed;
	atomic_t	tm_bus_reset_failed;
	atomic_t	tm_no_reply;
	atomic_t	timeouts;
	atomic_t	faults;
	atomic_t	lost_interrupts;
	atomic_t	bad_replies;
	atomic_t	pci_errors;
};

/**
 * struct mptmq_ioc - one IOC (PCI function) and its SCSI host
 * @pdev: the PCI function
 * @shost: the SCSI host whose private area holds this structure
 * @regs: the system-interface registers (the first memory BAR)
 * @bar: which BAR @regs maps
 * @irq: the interrupt (MSI vector or INTx line)
 * @msi: @irq is an MSI vector (not shared)
 * @facts: IOCFacts, host-endian
 * @port: port 0's PortFacts, host-endian
 * @board_name: Manufacturing page 0 BoardName
 * @chip_name: Manufacturing page 0 ChipName
 * @chip_revision: Manufacturing page 0 ChipRevision
 * @board_assembly: Manufacturing page 0 BoardAssembly
 * @board_tracer: Manufacturing page 0 BoardTracerNumber
 * @product: product name from the PCI device and revision, as mptbase
 *	names it (version_product)
 * @bios_version: IO Unit page 2 BiosVersion (0 when the page is missing)
 * @nvdata_persistent: SAS IO Unit page 0 NvdataVersionPersistent (0 on SPI)
 * @nvdata_default: SAS IO Unit page 0 NvdataVersionDefault (0 on SPI)
 * @io_missing_delay: SAS IO Unit page 1 IODeviceMissingDelay (0 on SPI)
 * @device_missing_delay: SAS IO Unit page 1 ReportDeviceMissingDelay in
 *	seconds (0 on SPI)
 * @geom: SGL geometry: frame size, element size and width
 * @nr_io: I/O frames, which is can_queue
 * @nr_frames: @nr_io plus the internal frames
 * @chain_segs: chain segments per I/O frame
 * @chain_size: chain space per I/O frame, bytes
 * @reply_depth: reply frames posted to the IOC
 * @max_sge: data segments per command (sg_tablesize)
 * @pool: frame pool: request frames, chain space, reply frames
 * @pool_dma: bus address of @pool
 * @pool_size: bytes in @pool
 * @chain_offset: offset of the chain space in @pool
 * @reply_offset: offset of the reply frames in @pool
 * @reply_low: low 32 bits of the first reply frame's bus address
 * @sense: sense pool, one slot per frame
 * @sense_dma: bus address of @sense
 * @sense_pool_size: bytes in @sense
 * @cfg_buf: buffer for configuration pages
 * @cfg_dma: bus address of @cfg_buf
 * @state: enum mptmq_state; read locklessly; DEAD set by mark_dead() from
 *	any context, every other change under @ioc_mutex (mptmq_set_state())
 * @resetting_since: jiffies when the state last became RESETTING
 * @ioc_mutex: serialises the doorbell handshake, bring-up and IOC reset
 * @tm_mutex: serialises task management
 * @tm_gen: task management requests posted (written under @tm_mutex)
 * @internal: the internal request slots
 * @cfg_mutex: serialises requests through the FIFO in the CONFIG slot
 * @events_on: the IOC accepted EventNotification
 * @event_lock: protects the event ring (taken in hard interrupt context)
 * @event_ring: events copied out of their reply frames, oldest at @event_head
 * @event_head: index of the oldest queued event
 * @event_count: events queued
 * @event_overflow: an event was dropped because the ring was full
 * @event_epoch: IOC resets seen by the event path (mptmq_events_forget())
 * @event_acks_owed: EventAcks of events dropped from a full ring, oldest at
 *	@event_acks_owed_head, @event_acks_owed_count of them (under @event_lock)
 * @event_acks_owed_head: index of the oldest owed ack
 * @event_acks_owed_count: acks owed
 * @event_rearm_owed: a dropped event gave the EventNotification frame back:
 *	the event work posts it again (under @event_lock)
 * @event_work: acknowledges and handles the queued events
 * @event_dropped: events dropped (ring full, or no event named)
 * @event_acks_lost: EventAcks never sent: ring and backlog both full
 * @event_acks: EventAcks sent
 * @event_ack_required: events received that asked for an EventAck
 * @sas: SAS topology (mptmq_sas.c); NULL on an SPI port
 * @spi: parallel SCSI port (mptmq_spi.c); NULL on a SAS port
 * @chip: the chip this function shares with its partner (mptmq_chip.c)
 * @chip_held: a partner's diagnostic reset holds this IOC quiesced, with
 *	@ioc_mutex taken (under the chip's reset mutex)
 * @reply_lock: serialises reply-FIFO drains with the IOC reset
 * @replies_open: the reply frames are posted and the FIFO may be drained
 * @watchdog: the once-a-second doorbell check
 * @irqs_handled: interrupts the handler took as ours (written by it only)
 * @irqs_at_tick: @irqs_handled at the previous watchdog tick
 * @reset_work: IOC reset outside the midlayer's error handling
 * @pci_recovery: gives the IOC up when PCI error recovery of a frozen
 *	channel does not reach slot_reset() in time
 * @removing: remove() has started: schedule no more work
 * @info: the host's info string
 * @debugfs: this IOC's debugfs directory
 * @stats: error and recovery counters
 *
 * Lives in the Scsi_Host's private area.  Limits and pools are written
 * during probe only; the names from Manufacturing page 0 and @bios_version
 * at each IOC bring-up (probe and reset); @nvdata_* and the missing delays
 * by the SAS code under its topology lock each time it reads SAS IO Unit
 * page 0 or 1 (sysfs reads them without a lock: one value each); @state and
 * the internal slots as described in the theory of operation.
 */
struct mptmq_ioc {
	struct pci_dev		*pdev;
	struct Scsi_Host	*shost;
	void __iomem		*regs;
	int			bar;
	int			irq;
	bool			msi;

	/* identity: when each is written, see above */
	struct mptmq_facts	facts;
	struct mptmq_port	port;
	char			board_name[17];
	char			chip_name[17];
	char			chip_revision[9];
	char			board_assembly[17];
	char			board_tracer[17];
	char			product[24];
	u32			bios_version;
	u16			nvdata_persistent;	/* written by the SAS code */
	u16			nvdata_default;
	u8			io_missing_delay;
	u16			device_missing_delay;

	/* limits */
	struct mptmq_sgl_geom	geom;		/* frame size, SGE size and width */
	unsigned int		nr_io;		/* I/O frames = can_queue */
	unsigned int		nr_frames;	/* nr_io + MPTMQ_NR_INTERNAL */
	unsigned int		chain_segs;	/* chain segments per I/O frame */
	unsigned int		chain_size;	/* chain space per I/O frame, bytes */
	unsigned int		reply_depth;
	unsigned int		max_sge;

	/* pools: [request frames][chain space][reply frames], one allocation */
	void			*pool;
	dma_addr_t		pool_dma;
	size_t			pool_size;
	size_t			chain_offset;
	size_t			reply_offset;
	u32			reply_low;	/* low 32 bits of the first reply frame */
	u8			*sense;
	dma_addr_t		sense_dma;
	size_t			sense_pool_size;
	void			*cfg_buf;
	dma_addr_t		cfg_dma;

	/* state */
	int			state;		/* enum mptmq_state */
	unsigned long		resetting_since;
	struct mutex		ioc_mutex;	/* handshake, bring-up, reset */
	struct mutex		tm_mutex;	/* one task management at a time */
	unsigned int		tm_gen;
	struct mptmq_internal	internal[MPTMQ_NR_INTERNAL];
	struct mutex		cfg_mutex;	/* Config requests through the FIFO */
	bool			events_on;
	spinlock_t		event_lock;	/* the event ring */
	struct mptmq_event_rec	event_ring[MPTMQ_EVENT_RING];
	unsigned int		event_head;
	unsigned int		event_count;
	bool			event_overflow;
	u32			event_epoch;
	struct mptmq_event_ack_owed event_acks_owed[MPTMQ_EVENT_ACK_BACKLOG];
	unsigned int		event_acks_owed_head;
	unsigned int		event_acks_owed_count;
	bool			event_rearm_owed;
	struct work_struct	event_work;
	atomic_t		event_dropped;
	atomic_t		event_acks_lost;
	atomic_t		event_acks;
	atomic_t		event_ack_required;
	struct mptmq_sas	*sas;
	struct mptmq_spi	*spi;
	struct mptmq_chip	*chip;
	bool			chip_held;
	spinlock_t		reply_lock;
	bool			replies_open;	/* under reply_lock */
	struct delayed_work	watchdog;
	unsigned long		irqs_handled;
	unsigned long		irqs_at_tick;
	struct work_struct	reset_work;
	struct delayed_work	pci_recovery;
	bool			removing;
	char			info[96];	/* Scsi_Host info string */
	struct dentry		*debugfs;

	struct mptmq_stats	stats;
};

/* ---- register access (mptmq_ioc.c) ---- */
static inline u32 mptmq_readl(struct mptmq_ioc *ioc, unsigned int reg)
{
	return readl(ioc->regs + reg);
}

static inline void mptmq_writel(struct mptmq_ioc *ioc, u32 val, unsigned int reg)
{
	writel(val, ioc->regs + reg);
}

static inline enum mptmq_state mptmq_state(struct mptmq_ioc *ioc)
{
	return READ_ONCE(ioc->state);
}

static inline const char *mptmq_state_name(enum mptmq_state state)
{
	static const char * const names[] = {
		[MPTMQ_STATE_INIT] = "init",
		[MPTMQ_STATE_RUNNING] = "running",
		[MPTMQ_STATE_RESETTING] = "resetting",
		[MPTMQ_STATE_DEAD] = "dead",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

static inline struct mptmq_ioc *shost_to_ioc(struct Scsi_Host *shost)
{
	return shost_priv(shost);
}

/* The firmware's Bus and TargetID of @sdev, whose target's hostdata is @tgt. */
static inline void mptmq_fw_addr_tgt(const struct mptmq_target *tgt, struct scsi_device *sdev,
				     u8 *bus, u8 *id)
{
	*bus = tgt ? tgt->bus : sdev->channel;
	*id = tgt ? tgt->id : sdev->id;
}

/* The firmware's Bus and TargetID of @sdev's target. */
static inline void mptmq_fw_addr(struct scsi_device *sdev, u8 *bus, u8 *id)
{
	mptmq_fw_addr_tgt(scsi_target(sdev)->hostdata, sdev, bus, id);
}

/* The device of target @tgt (its hostdata, or NULL) has left the SAS topology. */
static inline bool mptmq_target_gone(const struct mptmq_target *tgt)
{
	return tgt && READ_ONCE(tgt->gone);
}

/* ---- memory pools (mptmq_mem.c) ---- */
int mptmq_mem_alloc(struct mptmq_ioc *ioc);
void mptmq_mem_free(struct mptmq_ioc *ioc);

/* Request frame @idx (an I/O tag or nr_io + internal slot) */
static inline void *mptmq_frame(struct mptmq_ioc *ioc, unsigned int idx)
{
	return ioc->pool + (size_t)idx * ioc->geom.frame_size;
}

static inline u32 mptmq_frame_low(struct mptmq_ioc *ioc, unsigned int idx)
{
	return lower_32_bits(ioc->pool_dma + (size_t)idx * ioc->geom.frame_size);
}

static inline void *mptmq_chain(struct mptmq_ioc *ioc, unsigned int tag)
{
	return ioc->pool + ioc->chain_offset + (size_t)tag * ioc->chain_size;
}

static inline dma_addr_t mptmq_chain_dma(struct mptmq_ioc *ioc, unsigned int tag)
{
	return ioc->pool_dma + ioc->chain_offset + (size_t)tag * ioc->chain_size;
}

static inline u8 *mptmq_sense(struct mptmq_ioc *ioc, unsigned int idx)
{
	return ioc->sense + (size_t)idx * MPTMQ_SENSE_SIZE;
}

static inline u32 mptmq_sense_low(struct mptmq_ioc *ioc, unsigned int idx)
{
	return lower_32_bits(ioc->sense_dma + (size_t)idx * MPTMQ_SENSE_SIZE);
}

/* ---- IOC bring-up and reset (mptmq_ioc.c) ---- */
int mptmq_ioc_make_ready(struct mptmq_ioc *ioc);
int mptmq_ioc_get_facts(struct mptmq_ioc *ioc);
int mptmq_ioc_start(struct mptmq_ioc *ioc);
void mptmq_ioc_stop(struct mptmq_ioc *ioc);
void mptmq_ioc_forget(struct mptmq_ioc *ioc);
int mptmq_ioc_reset(struct mptmq_ioc *ioc, const char *why);
void mptmq_ioc_suspend(struct mptmq_ioc *ioc);
int mptmq_ioc_resume(struct mptmq_ioc *ioc);
int mptmq_handshake(struct mptmq_ioc *ioc, const void *req, unsigned int req_bytes,
		    void *reply, unsigned int reply_max);
bool mptmq_ioc_gone(struct mptmq_ioc *ioc, u32 val);
void mptmq_ioc_mark_dead(struct mptmq_ioc *ioc, const char *why);
bool mptmq_set_state(struct mptmq_ioc *ioc, enum mptmq_state state);
void mptmq_post_internal(struct mptmq_ioc *ioc, unsigned int slot);
void *mptmq_internal_frame(struct mptmq_ioc *ioc, unsigned int slot);
const char *mptmq_doorbell_state_name(u32 db);

/* ---- submit path (mptmq_submit.c) ---- */
mptmq_qc_ret_t mptmq_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *scmd);
int mptmq_init_cmd_priv(struct Scsi_Host *shost, struct scsi_cmnd *cmd);
int mptmq_change_queue_depth(struct scsi_device *sdev, int qdepth);

/* ---- reply path (mptmq_reply.c) ---- */
irqreturn_t mptmq_isr(int irq, void *data);
unsigned int mptmq_drain_replies(struct mptmq_ioc *ioc);
void mptmq_replies_open(struct mptmq_ioc *ioc);
void mptmq_replies_close(struct mptmq_ioc *ioc);
void mptmq_fail_all(struct mptmq_ioc *ioc, int host_byte);
void mptmq_irq_unmask(struct mptmq_ioc *ioc);
void mptmq_irq_mask(struct mptmq_ioc *ioc);

/* ---- error handling (mptmq_eh.c) ---- */
int mptmq_eh_abort(struct scsi_cmnd *scmd);
int mptmq_eh_device_reset(struct scsi_cmnd *scmd);
int mptmq_eh_target_reset(struct scsi_cmnd *scmd);
int mptmq_eh_bus_reset(struct scsi_cmnd *scmd);
int mptmq_eh_host_reset(struct scsi_cmnd *scmd);
mptmq_timeout_ret_t mptmq_eh_timed_out(struct scsi_cmnd *scmd);
void mptmq_watchdog_start(struct mptmq_ioc *ioc);
void mptmq_watchdog_stop(struct mptmq_ioc *ioc);
void mptmq_reset_work(struct work_struct *work);
void mptmq_pci_recovery_expired(struct work_struct *work);
extern const struct pci_error_handlers mptmq_err_handler;
void mptmq_debugfs_init(struct mptmq_ioc *ioc);
void mptmq_debugfs_exit(struct mptmq_ioc *ioc);
void mptmq_debugfs_register(void);
void mptmq_debugfs_unregister(void);

/* ---- events and config pages (mptmq_config.c) ---- */
int mptmq_config_read_identity(struct mptmq_ioc *ioc);
int mptmq_events_enable(struct mptmq_ioc *ioc);
void mptmq_event_reply(struct mptmq_ioc *ioc, const struct mpi_event_notification_reply *ev,
		       unsigned int len);
void mptmq_event_work(struct work_struct *work);
void mptmq_events_forget(struct mptmq_ioc *ioc);
void mptmq_event_debugfs_init(struct mptmq_ioc *ioc);
int mptmq_config_ext_read(struct mptmq_ioc *ioc, u8 ext_type, u8 number, u32 address,
			  void *buf, dma_addr_t dma, size_t size);
int mptmq_slot_request(struct mptmq_ioc *ioc, const void *src, size_t len, void *rep,
		       size_t rep_size, unsigned int ms);
int mptmq_config_page(struct mptmq_ioc *ioc, u8 action, u8 type, u8 number, u32 address,
		      void *buf, dma_addr_t dma, size_t size);

/* ---- SAS transport (mptmq_sas.c) ---- */
int mptmq_sas_register(void);
void mptmq_sas_unregister(void);
int mptmq_sas_attach(struct mptmq_ioc *ioc);
bool mptmq_sas_start(struct mptmq_ioc *ioc);
void mptmq_sas_stop(struct mptmq_ioc *ioc);
void mptmq_sas_free(struct mptmq_ioc *ioc);
void mptmq_sas_event(struct mptmq_ioc *ioc, const struct mptmq_event_rec *rec);
int mptmq_target_alloc(struct scsi_target *starget);
void mptmq_target_destroy(struct scsi_target *starget);

/* ---- parallel SCSI (mptmq_spi.c) ---- */
int mptmq_spi_register(void);
void mptmq_spi_unregister(void);
int mptmq_spi_attach(struct mptmq_ioc *ioc);
void mptmq_spi_start(struct mptmq_ioc *ioc);
void mptmq_spi_free(struct mptmq_ioc *ioc);
int mptmq_spi_target_alloc(struct scsi_target *starget);
void mptmq_spi_sdev_configure(struct scsi_device *sdev);
void mptmq_spi_reset_done(struct mptmq_ioc *ioc, bool wait);
void mptmq_spi_quirks(struct pci_dev *pdev);
int mptmq_tm_bus_reset_at_load(struct mptmq_ioc *ioc);

/* ---- the chip shared by PCI functions (mptmq_chip.c) ---- */
int mptmq_chip_get(struct mptmq_ioc *ioc);
void mptmq_chip_put(struct mptmq_ioc *ioc);
void mptmq_chip_lock(struct mptmq_ioc *ioc);
void mptmq_chip_unlock(struct mptmq_ioc *ioc);
void mptmq_chip_join(struct mptmq_ioc *ioc);
void mptmq_chip_leave(struct mptmq_ioc *ioc);
unsigned int mptmq_chip_quiesce_partners(struct mptmq_ioc *ioc);
void mptmq_chip_restart_partners(struct mptmq_ioc *ioc);
unsigned int mptmq_chip_partner_count(struct mptmq_ioc *ioc);

/* ---- sysfs (mptmq_sysfs.c) ---- */
struct seq_file;
enum mptmq_dump { MPTMQ_DUMP_COUNTERS, MPTMQ_DUMP_LIMITS };
extern const struct attribute_group *mptmq_host_groups[];
int mptmq_sysfs_dump(struct seq_file *m, struct mptmq_ioc *ioc, enum mptmq_dump which);

#endif /* _MPTMQ_H */
