/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mptmq: LSI Fusion-MPT (MPI 1.x) wire definitions.
 *
 * Only what the driver uses: the system-interface registers, the message
 * headers and the requests and replies it sends and parses.  Every
 * multi-byte field is little-endian on the wire and typed as such; byte
 * order is converted only where messages are built and replies parsed.
 * Reserved bytes are named by their offset.  Every structure is followed by
 * a static_assert on its size.
 */
#ifndef _MPTMQ_MPI_H
#define _MPTMQ_MPI_H

#include <linux/types.h>
#include <linux/build_bug.h>

/* MPI version this driver speaks (1.5 covers 1.2 .. 1.5 parts). */
#define MPI_VERSION_1_5			0x0105
#define MPI_HEADER_VERSION		0x0e00

/* ------------------------------------------------------------------ */
/* System interface registers (offsets into the memory BAR)           */
/* ------------------------------------------------------------------ */
#define MPI_REG_DOORBELL		0x00
#define MPI_REG_WRITE_SEQUENCE		0x04
#define MPI_REG_HOST_DIAGNOSTIC		0x08
#define MPI_REG_HOST_INT_STATUS		0x30
#define MPI_REG_HOST_INT_MASK		0x34
#define MPI_REG_REQUEST_FIFO		0x40
#define MPI_REG_REPLY_FIFO		0x44	/* read: post FIFO, write: free FIFO */
#define MPI_REG_HIPRI_FIFO		0x48

/* Doorbell read */
#define MPI_DB_STATE_MASK		0xf0000000
#define MPI_DB_STATE_RESET		0x00000000
#define MPI_DB_STATE_READY		0x10000000
#define MPI_DB_STATE_OPERATIONAL	0x20000000
#define MPI_DB_STATE_FAULT		0x40000000
#define MPI_DB_ACTIVE			0x08000000
#define MPI_DB_WHOINIT_MASK		0x07000000
#define MPI_DB_WHOINIT_SHIFT		24
#define MPI_DB_DATA_MASK		0x0000ffff

/* Doorbell write */
#define MPI_DB_FUNCTION_SHIFT		24
#define MPI_DB_ADD_DWORDS_SHIFT		16

/* Host interrupt status / mask */
#define MPI_HIS_DOORBELL		0x00000001
#define MPI_HIS_REPLY			0x00000008
#define MPI_HIS_IOP_DOORBELL_STATUS	0x80000000
#define MPI_HIM_DOORBELL		0x00000001
#define MPI_HIM_REPLY			0x00000008

/* Host diagnostic */
#define MPI_DIAG_DISABLE_ARM		0x00000002
#define MPI_DIAG_RESET_ADAPTER		0x00000004
#define MPI_DIAG_RESET_HISTORY		0x00000020
#define MPI_DIAG_DRWE			0x00000080

/* Write-sequence keys that unlock the diagnostic register */
#define MPI_WRSEQ_FLUSH_KEY		0x0
#define MPI_WRSEQ_KEY1			0x4
#define MPI_WRSEQ_KEY2			0xb
#define MPI_WRSEQ_KEY3			0x2
#define MPI_WRSEQ_KEY4			0x7
#define MPI_WRSEQ_KEY5			0xd

/* Reply post FIFO descriptors */
#define MPI_REPLY_EMPTY			0xffffffff
#define MPI_REPLY_ADDRESS		0x80000000	/* frame address >> 1 follows */
#define MPI_REPLY_CONTEXT_TYPE_MASK	0x60000000	/* must be 0 for SCSI initiator */

/* WhoInit */
#define MPI_WHOINIT_NONE		0x00
#define MPI_WHOINIT_SYSTEM_BIOS		0x01
#define MPI_WHOINIT_ROM_BIOS		0x02
#define MPI_WHOINIT_PCI_PEER		0x03
#define MPI_WHOINIT_HOST_DRIVER		0x04
#define MPI_WHOINIT_MANUFACTURER	0x05

/* ------------------------------------------------------------------ */
/* Functions                                                          */
/* ------------------------------------------------------------------ */
#define MPI_FUNCTION_SCSI_IO_REQUEST	0x00
#define MPI_FUNCTION_SCSI_TASK_MGMT	0x01
#define MPI_FUNCTION_IOC_INIT		0x02
#define MPI_FUNCTION_IOC_FACTS		0x03
#define MPI_FUNCTION_CONFIG		0x04
#define MPI_FUNCTION_PORT_FACTS		0x05
#define MPI_FUNCTION_PORT_ENABLE	0x06
#define MPI_FUNCTION_EVENT_NOTIFICATION	0x07
#define MPI_FUNCTION_EVENT_ACK		0x08
#define MPI_FUNCTION_IOC_MESSAGE_UNIT_RESET 0x40
#define MPI_FUNCTION_IO_UNIT_RESET	0x41
#define MPI_FUNCTION_HANDSHAKE		0x42

/* ------------------------------------------------------------------ */
/* IOCStatus                                                          */
/* ------------------------------------------------------------------ */
#define MPI_IOCSTATUS_MASK			0x7fff
#define MPI_IOCSTATUS_LOG_INFO_AVAILABLE	0x8000

#define MPI_IOCSTATUS_SUCCESS			0x0000
#define MPI_IOCSTATUS_INVALID_FUNCTION		0x0001
#define MPI_IOCSTATUS_BUSY			0x0002
#define MPI_IOCSTATUS_INVALID_SGL		0x0003
#define MPI_IOCSTATUS_INTERNAL_ERROR		0x0004
#define MPI_IOCSTATUS_INSUFFICIENT_RESOURCES	0x0006
#define MPI_IOCSTATUS_INVALID_FIELD		0x0007
#define MPI_IOCSTATUS_INVALID_STATE		0x0008
#define MPI_IOCSTATUS_CONFIG_INVALID_ACTION	0x0020
#define MPI_IOCSTATUS_CONFIG_INVALID_TYPE	0x0021
#define MPI_IOCSTATUS_CONFIG_INVALID_PAGE	0x0022
#define MPI_IOCSTATUS_CONFIG_CANT_COMMIT	0x0025
#define MPI_IOCSTATUS_SCSI_RECOVERED_ERROR	0x0040
#define MPI_IOCSTATUS_SCSI_INVALID_BUS		0x0041
#define MPI_IOCSTATUS_SCSI_INVALID_TARGETID	0x0042
#define MPI_IOCSTATUS_SCSI_DEVICE_NOT_THERE	0x0043
#define MPI_IOCSTATUS_SCSI_DATA_OVERRUN		0x0044
#define MPI_IOCSTATUS_SCSI_DATA_UNDERRUN	0x0045
#define MPI_IOCSTATUS_SCSI_IO_DATA_ERROR	0x0046
#define MPI_IOCSTATUS_SCSI_PROTOCOL_ERROR	0x0047
#define MPI_IOCSTATUS_SCSI_TASK_TERMINATED	0x0048
#define MPI_IOCSTATUS_SCSI_RESIDUAL_MISMATCH	0x0049
#define MPI_IOCSTATUS_SCSI_TASK_MGMT_FAILED	0x004a
#define MPI_IOCSTATUS_SCSI_IOC_TERMINATED	0x004b
#define MPI_IOCSTATUS_SCSI_EXT_TERMINATED	0x004c

/* ------------------------------------------------------------------ */
/* Scatter-gather elements                                            */
/* ------------------------------------------------------------------ */
/* Flags in bits 31:24 of FlagsLength */
#define MPI_SGE_FLAGS_LAST_ELEMENT	0x80000000
#define MPI_SGE_FLAGS_END_OF_BUFFER	0x40000000
#define MPI_SGE_FLAGS_SIMPLE		0x10000000
#define MPI_SGE_FLAGS_CHAIN		0x30000000
#define MPI_SGE_FLAGS_TYPE_MASK		0x30000000
#define MPI_SGE_FLAGS_LOCAL_ADDRESS	0x08000000
#define MPI_SGE_FLAGS_HOST_TO_IOC	0x04000000
#define MPI_SGE_FLAGS_64BIT_ADDRESS	0x02000000
#define MPI_SGE_FLAGS_END_OF_LIST	0x01000000
#define MPI_SGE_LENGTH_MASK		0x00ffffff

/* Flags byte of a chain element */
#define MPI_SGE_CHAIN_FLAGS		0x30
#define MPI_SGE_CHAIN_FLAGS_64BIT	0x02

/** struct mpi_sge_simple32 - simple element with a 32-bit address */
struct mpi_sge_simple32 {
	__le32	flags_length;		/* 0x00 */
	__le32	address;		/* 0x04 */
};
static_assert(sizeof(struct mpi_sge_simple32) == 8);

/** struct mpi_sge_simple64 - simple element with a 64-bit address */
struct mpi_sge_simple64 {
	__le32	flags_length;		/* 0x00 */
	__le32	address_low;		/* 0x04 */
	__le32	address_high;		/* 0x08 */
};
static_assert(sizeof(struct mpi_sge_simple64) == 12);

/** struct mpi_sge_chain32 - chain element with a 32-bit address */
struct mpi_sge_chain32 {
	__le16	length;			/* 0x00 bytes of the next segment */
	u8	next_chain_offset;	/* 0x02 dwords, within the next segment */
	u8	flags;			/* 0x03 */
	__le32	address;		/* 0x04 */
};
static_assert(sizeof(struct mpi_sge_chain32) == 8);

/** struct mpi_sge_chain64 - chain element pointing at the next SGL segment */
struct mpi_sge_chain64 {
	__le16	length;			/* 0x00 bytes of the next segment */
	u8	next_chain_offset;	/* 0x02 dwords, within the next segment */
	u8	flags;			/* 0x03 */
	__le32	address_low;		/* 0x04 */
	__le32	address_high;		/* 0x08 */
};
static_assert(sizeof(struct mpi_sge_chain64) == 12);

/* ------------------------------------------------------------------ */
/* Common headers                                                     */
/* ------------------------------------------------------------------ */

/**
 * struct mpi_msg_header - the first 12 bytes common to every request
 * @rsvd00: function specific
 * @chain_offset: dword offset of the first chain element, 0 if none
 * @function: MPI_FUNCTION_*
 * @rsvd04: function specific
 * @msg_flags: function specific flags
 * @msg_context: host-chosen value echoed in the reply
 */
struct mpi_msg_header {
	u8	rsvd00[2];		/* 0x00 */
	u8	chain_offset;		/* 0x02 */
	u8	function;		/* 0x03 */
	u8	rsvd04[3];		/* 0x04 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
};
static_assert(sizeof(struct mpi_msg_header) == 12);

/**
 * struct mpi_reply_header - the first 20 bytes common to every reply
 * @rsvd00: function specific
 * @msg_length: reply length in dwords
 * @function: function of the request this replies to
 * @rsvd04: function specific
 * @msg_flags: function specific flags
 * @msg_context: the request's context
 * @rsvd0c: function specific
 * @ioc_status: MPI_IOCSTATUS_*
 * @ioc_log_info: vendor log information
 */
struct mpi_reply_header {
	u8	rsvd00[2];		/* 0x00 */
	u8	msg_length;		/* 0x02 */
	u8	function;		/* 0x03 */
	u8	rsvd04[3];		/* 0x04 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	__le16	rsvd0c;			/* 0x0c */
	__le16	ioc_status;		/* 0x0e */
	__le32	ioc_log_info;		/* 0x10 */
};
static_assert(sizeof(struct mpi_reply_header) == 20);

/* ------------------------------------------------------------------ */
/* IOC facts, port facts, IOC init, port enable                       */
/* ------------------------------------------------------------------ */

/* IOCFacts and PortFacts requests carry no payload beyond the header. */
#define MPI_IOC_FACTS_REQUEST_SIZE	12

/** struct mpi_ioc_facts_reply - IOCFacts reply (MPI 1.5) */
struct mpi_ioc_facts_reply {
	__le16	msg_version;		/* 0x00 */
	u8	msg_length;		/* 0x02 */
	u8	function;		/* 0x03 */
	__le16	header_version;		/* 0x04 */
	u8	ioc_number;		/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	__le16	ioc_exceptions;		/* 0x0c */
	__le16	ioc_status;		/* 0x0e */
	__le32	ioc_log_info;		/* 0x10 */
	u8	max_chain_depth;	/* 0x14 */
	u8	who_init;		/* 0x15 */
	u8	block_size;		/* 0x16 */
	u8	flags;			/* 0x17 */
	__le16	reply_queue_depth;	/* 0x18 */
	__le16	request_frame_size;	/* 0x1a dwords */
	__le16	rsvd1c;			/* 0x1c (pre-1.2 firmware version) */
	__le16	product_id;		/* 0x1e */
	__le32	current_host_mfa_high;	/* 0x20 */
	__le16	global_credits;		/* 0x24 */
	u8	number_of_ports;	/* 0x26 */
	u8	event_state;		/* 0x27 */
	__le32	current_sense_high;	/* 0x28 */
	__le16	cur_reply_frame_size;	/* 0x2c */
	u8	max_devices;		/* 0x2e */
	u8	max_buses;		/* 0x2f */
	__le32	fw_image_size;		/* 0x30 */
	__le32	ioc_capabilities;	/* 0x34 */
	__le32	fw_version;		/* 0x38 major.minor.unit.dev, MSB first */
	__le16	hipri_queue_depth;	/* 0x3c */
	__le16	rsvd3e;			/* 0x3e */
	struct mpi_sge_simple64 host_page_buffer_sge; /* 0x40 */
	__le32	reply_fifo_host_signal;	/* 0x4c */
};
static_assert(sizeof(struct mpi_ioc_facts_reply) == 80);

#define MPI_IOCFACTS_CAPABILITY_HIGH_PRI_Q	0x00000001

/* ProductID bits 15:12 say which bus the firmware drives */
#define MPI_PRODUCT_TYPE_MASK		0xf000
#define MPI_PRODUCT_TYPE_FC		0x1000
#define MPI_PRODUCT_TYPE_SCSI		0x2000	/* parallel SCSI and SAS */

/** struct mpi_port_facts_request - PortFacts request */
struct mpi_port_facts_request {
	u8	rsvd00[2];		/* 0x00 */
	u8	chain_offset;		/* 0x02 */
	u8	function;		/* 0x03 */
	u8	rsvd04[2];		/* 0x04 */
	u8	port_number;		/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
};
static_assert(sizeof(struct mpi_port_facts_request) == 12);

/** struct mpi_port_facts_reply - PortFacts reply */
struct mpi_port_facts_reply {
	__le16	rsvd00;			/* 0x00 */
	u8	msg_length;		/* 0x02 */
	u8	function;		/* 0x03 */
	__le16	rsvd04;			/* 0x04 */
	u8	port_number;		/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	__le16	rsvd0c;			/* 0x0c */
	__le16	ioc_status;		/* 0x0e */
	__le32	ioc_log_info;		/* 0x10 */
	u8	rsvd14;			/* 0x14 */
	u8	port_type;		/* 0x15 */
	__le16	max_devices;		/* 0x16 */
	__le16	port_scsi_id;		/* 0x18 */
	__le16	protocol_flags;		/* 0x1a */
	__le16	max_posted_cmd_buffers;	/* 0x1c */
	__le16	max_persistent_ids;	/* 0x1e */
	__le16	max_lan_buckets;	/* 0x20 */
	u8	max_initiators;		/* 0x22 */
	u8	rsvd23;			/* 0x23 */
	__le32	rsvd24;			/* 0x24 */
};
static_assert(sizeof(struct mpi_port_facts_reply) == 40);

/* IOCFacts ProductID: the product (firmware personality) field */
#define MPI_FW_HEADER_PID_PROD_MASK		0x0f00
#define MPI_FW_HEADER_PID_PROD_TARGET_SCSI	0x0300	/* above: integrated RAID */

#define MPI_PORTFACTS_PORTTYPE_INACTIVE	0x00
#define MPI_PORTFACTS_PORTTYPE_SCSI	0x01
#define MPI_PORTFACTS_PORTTYPE_FC	0x10
#define MPI_PORTFACTS_PORTTYPE_SAS	0x30

/** struct mpi_ioc_init_request - IOCInit request */
struct mpi_ioc_init_request {
	u8	who_init;		/* 0x00 */
	u8	rsvd01;			/* 0x01 */
	u8	chain_offset;		/* 0x02 */
	u8	function;		/* 0x03 */
	u8	flags;			/* 0x04 */
	u8	max_devices;		/* 0x05 0 means 256 */
	u8	max_buses;		/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	__le16	reply_frame_size;	/* 0x0c bytes */
	u8	rsvd0e[2];		/* 0x0e */
	__le32	host_mfa_high;		/* 0x10 */
	__le32	sense_buffer_high;	/* 0x14 */
	__le32	reply_fifo_host_signal;	/* 0x18 */
	struct mpi_sge_simple64 host_page_buffer_sge; /* 0x1c */
	__le16	msg_version;		/* 0x28 */
	__le16	header_version;		/* 0x2a */
};
static_assert(sizeof(struct mpi_ioc_init_request) == 44);

/** struct mpi_ioc_init_reply - IOCInit reply */
struct mpi_ioc_init_reply {
	u8	who_init;		/* 0x00 */
	u8	rsvd01;			/* 0x01 */
	u8	msg_length;		/* 0x02 */
	u8	function;		/* 0x03 */
	u8	flags;			/* 0x04 */
	u8	max_devices;		/* 0x05 */
	u8	max_buses;		/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	__le16	rsvd0c;			/* 0x0c */
	__le16	ioc_status;		/* 0x0e */
	__le32	ioc_log_info;		/* 0x10 */
};
static_assert(sizeof(struct mpi_ioc_init_reply) == 20);

/* PortEnable uses the PortFacts request layout and the common reply. */

/* ------------------------------------------------------------------ */
/* Events                                                             */
/* ------------------------------------------------------------------ */

/** struct mpi_event_notification_request - EventNotification request */
struct mpi_event_notification_request {
	u8	event_switch;		/* 0x00 1 = on */
	u8	rsvd01;			/* 0x01 */
	u8	chain_offset;		/* 0x02 */
	u8	function;		/* 0x03 */
	u8	rsvd04[3];		/* 0x04 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
};
static_assert(sizeof(struct mpi_event_notification_request) == 12);

/** struct mpi_event_notification_reply - an event (header of it) */
struct mpi_event_notification_reply {
	__le16	event_data_length;	/* 0x00 dwords of data */
	u8	msg_length;		/* 0x02 */
	u8	function;		/* 0x03 */
	u8	rsvd04[2];		/* 0x04 */
	u8	ack_required;		/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	__le16	rsvd0c;			/* 0x0c */
	__le16	ioc_status;		/* 0x0e */
	__le32	ioc_log_info;		/* 0x10 */
	__le32	event;			/* 0x14 */
	__le32	event_context;		/* 0x18 */
	__le32	data[1];		/* 0x1c event_data_length dwords */
};
static_assert(sizeof(struct mpi_event_notification_reply) == 32);

#define MPI_MSGFLAGS_CONTINUATION_REPLY	0x80

/** struct mpi_event_ack_request - EventAck request */
struct mpi_event_ack_request {
	u8	rsvd00[2];		/* 0x00 */
	u8	chain_offset;		/* 0x02 */
	u8	function;		/* 0x03 */
	u8	rsvd04[3];		/* 0x04 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	__le32	event;			/* 0x0c */
	__le32	event_context;		/* 0x10 */
};
static_assert(sizeof(struct mpi_event_ack_request) == 20);

#define MPI_EVENT_LOG_DATA		0x00000001
#define MPI_EVENT_STATE_CHANGE		0x00000002
#define MPI_EVENT_UNIT_ATTENTION	0x00000003
#define MPI_EVENT_IOC_BUS_RESET		0x00000004
#define MPI_EVENT_EXT_BUS_RESET		0x00000005
#define MPI_EVENT_RESCAN		0x00000006
#define MPI_EVENT_EVENT_CHANGE		0x0000000a
#define MPI_EVENT_SAS_DEVICE_STATUS_CHANGE 0x0000000f
#define MPI_EVENT_PERSISTENT_TABLE_FULL	0x00000011
#define MPI_EVENT_SAS_DISCOVERY		0x00000016

/** struct mpi_event_sas_device_status - SAS_DEVICE_STATUS_CHANGE data */
struct mpi_event_sas_device_status {
	u8	target_id;		/* 0x00 */
	u8	bus;			/* 0x01 */
	u8	reason_code;		/* 0x02 */
	u8	rsvd03;			/* 0x03 */
	u8	asc;			/* 0x04 */
	u8	ascq;			/* 0x05 */
	__le16	dev_handle;		/* 0x06 */
	__le32	device_info;		/* 0x08 */
	__le16	parent_dev_handle;	/* 0x0c */
	u8	phy_num;		/* 0x0e */
	u8	rsvd0f;			/* 0x0f */
	__le32	sas_address_low;	/* 0x10 */
	__le32	sas_address_high;	/* 0x14 */
	u8	lun[8];			/* 0x18 */
	__le16	task_tag;		/* 0x20 */
	__le16	rsvd22;			/* 0x22 */
};
static_assert(sizeof(struct mpi_event_sas_device_status) == 36);

#define MPI_EVENT_SAS_DEV_STAT_RC_ADDED			0x03
#define MPI_EVENT_SAS_DEV_STAT_RC_NOT_RESPONDING	0x04
#define MPI_EVENT_SAS_DEV_STAT_RC_NO_PERSIST_ADDED	0x06
#define MPI_EVENT_SAS_DEV_STAT_RC_INTERNAL_DEVICE_RESET	0x08
#define MPI_EVENT_SAS_DEV_STAT_RC_CMPL_INTERNAL_DEV_RESET 0x0e

/** struct mpi_event_sas_discovery - SAS_DISCOVERY data */
struct mpi_event_sas_discovery {
	__le32	discovery_status;	/* 0x00 */
	__le32	rsvd04;			/* 0x04 */
};
static_assert(sizeof(struct mpi_event_sas_discovery) == 8);

#define MPI_EVENT_SAS_DSCVRY_COMPLETE		0x00000000
#define MPI_EVENT_SAS_DSCVRY_IN_PROGRESS	0x00000001

/* ------------------------------------------------------------------ */
/* Configuration pages                                                */
/* ------------------------------------------------------------------ */

/** struct mpi_config_page_header - header that starts every page */
struct mpi_config_page_header {
	u8	page_version;		/* 0x00 */
	u8	page_length;		/* 0x01 dwords, header included */
	u8	page_number;		/* 0x02 */
	u8	page_type;		/* 0x03 */
};
static_assert(sizeof(struct mpi_config_page_header) == 4);

#define MPI_CONFIG_PAGETYPE_IO_UNIT		0x00
#define MPI_CONFIG_PAGETYPE_IOC			0x01
#define MPI_CONFIG_PAGETYPE_MANUFACTURING	0x09
#define MPI_CONFIG_PAGETYPE_EXTENDED		0x0f
#define MPI_CONFIG_PAGETYPE_MASK		0x0f

#define MPI_CONFIG_EXTPAGETYPE_SAS_IO_UNIT	0x10
#define MPI_CONFIG_EXTPAGETYPE_SAS_EXPANDER	0x11
#define MPI_CONFIG_EXTPAGETYPE_SAS_DEVICE	0x12
#define MPI_CONFIG_EXTPAGETYPE_SAS_PHY		0x13
#define MPI_CONFIG_EXTPAGETYPE_ENCLOSURE	0x15

#define MPI_CONFIG_ACTION_PAGE_HEADER		0x00
#define MPI_CONFIG_ACTION_PAGE_READ_CURRENT	0x01
#define MPI_CONFIG_ACTION_PAGE_WRITE_CURRENT	0x02

/** struct mpi_config_request - Config request */
struct mpi_config_request {
	u8	action;			/* 0x00 */
	u8	rsvd01;			/* 0x01 */
	u8	chain_offset;		/* 0x02 */
	u8	function;		/* 0x03 */
	__le16	ext_page_length;	/* 0x04 */
	u8	ext_page_type;		/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	u8	rsvd0c[8];		/* 0x0c */
	struct mpi_config_page_header header; /* 0x14 */
	__le32	page_address;		/* 0x18 */
	struct mpi_sge_simple64 page_buffer_sge; /* 0x1c */
};
static_assert(sizeof(struct mpi_config_request) == 40);

/** struct mpi_config_reply - Config reply */
struct mpi_config_reply {
	u8	action;			/* 0x00 */
	u8	rsvd01;			/* 0x01 */
	u8	msg_length;		/* 0x02 */
	u8	function;		/* 0x03 */
	__le16	ext_page_length;	/* 0x04 */
	u8	ext_page_type;		/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	__le16	rsvd0c;			/* 0x0c */
	__le16	ioc_status;		/* 0x0e */
	__le32	ioc_log_info;		/* 0x10 */
	struct mpi_config_page_header header; /* 0x14 */
};
static_assert(sizeof(struct mpi_config_reply) == 24);

/** struct mpi_manufacturing_page0 - Manufacturing page 0: names */
struct mpi_manufacturing_page0 {
	struct mpi_config_page_header header; /* 0x00 */
	u8	chip_name[16];		/* 0x04 */
	u8	chip_revision[8];	/* 0x14 */
	u8	board_name[16];		/* 0x1c */
	u8	board_assembly[16];	/* 0x2c */
	u8	board_tracer_number[16]; /* 0x3c */
};
static_assert(sizeof(struct mpi_manufacturing_page0) == 76);

/** struct mpi_io_unit_page2 - IO Unit page 2: BIOS version and adapter order */
struct mpi_io_unit_page2 {
	struct mpi_config_page_header header; /* 0x00 */
	__le32	flags;			/* 0x04 */
	__le32	bios_version;		/* 0x08 */
	u8	adapter_order[16];	/* 0x0c four {bus, devfn, __le16 flags} */
	__le32	rsvd1c;			/* 0x1c */
};
static_assert(sizeof(struct mpi_io_unit_page2) == 32);

/** struct mpi_config_ext_page_header - header that starts every extended page */
struct mpi_config_ext_page_header {
	u8	page_version;		/* 0x00 */
	u8	rsvd01;			/* 0x01 */
	u8	page_number;		/* 0x02 */
	u8	page_type;		/* 0x03 MPI_CONFIG_PAGETYPE_EXTENDED */
	__le16	ext_page_length;	/* 0x04 dwords, header included */
	u8	ext_page_type;		/* 0x06 */
	u8	rsvd07;			/* 0x07 */
};
static_assert(sizeof(struct mpi_config_ext_page_header) == 8);

/* ---- SAS extended pages ---- */

/* SAS Device page address forms (bits 31:28) */
#define MPI_SAS_DEVICE_PGAD_FORM_GET_NEXT_HANDLE 0x00000000
#define MPI_SAS_DEVICE_PGAD_FORM_HANDLE		0x20000000
/* SAS Expander page 0 address form: handle */
#define MPI_SAS_EXPAND_PGAD_FORM_HANDLE		0x20000000
/* SAS Enclosure page address form: handle */
#define MPI_SAS_ENCLOS_PGAD_FORM_HANDLE		0x10000000
/* SAS PHY page address form 0: the phy number in bits 7:0 */
#define MPI_SAS_PHY_PGAD_PHY_NUMBER_MASK	0x000000ff

/* DeviceInfo bits (SAS IO Unit, SAS PHY and SAS Device pages, events) */
#define MPI_SAS_DEVICE_INFO_MASK_DEVICE_TYPE	0x00000007
#define MPI_SAS_DEVICE_INFO_NO_DEVICE		0x00000000
#define MPI_SAS_DEVICE_INFO_END_DEVICE		0x00000001
#define MPI_SAS_DEVICE_INFO_EDGE_EXPANDER	0x00000002
#define MPI_SAS_DEVICE_INFO_FANOUT_EXPANDER	0x00000003
#define MPI_SAS_DEVICE_INFO_SATA_HOST		0x00000008
#define MPI_SAS_DEVICE_INFO_SMP_INITIATOR	0x00000010
#define MPI_SAS_DEVICE_INFO_STP_INITIATOR	0x00000020
#define MPI_SAS_DEVICE_INFO_SSP_INITIATOR	0x00000040
#define MPI_SAS_DEVICE_INFO_SATA_DEVICE		0x00000080
#define MPI_SAS_DEVICE_INFO_SMP_TARGET		0x00000100
#define MPI_SAS_DEVICE_INFO_STP_TARGET		0x00000200
#define MPI_SAS_DEVICE_INFO_SSP_TARGET		0x00000400

/* Negotiated link rates (SAS IO Unit page 0) */
#define MPI_SAS_IOUNIT0_RATE_UNKNOWN		0x00
#define MPI_SAS_IOUNIT0_RATE_PHY_DISABLED	0x01
#define MPI_SAS_IOUNIT0_RATE_FAILED_SPEED_NEGOTIATION 0x02
#define MPI_SAS_IOUNIT0_RATE_SATA_OOB_COMPLETE	0x03
#define MPI_SAS_IOUNIT0_RATE_1_5		0x08
#define MPI_SAS_IOUNIT0_RATE_3_0		0x09
#define MPI_SAS_IOUNIT0_RATE_6_0		0x0a

/* Programmed and hardware link rates (SAS PHY page 0): max 7:4, min 3:0 */
#define MPI_SAS_PHY0_RATE_MAX_MASK		0xf0
#define MPI_SAS_PHY0_RATE_MAX_1_5		0x80
#define MPI_SAS_PHY0_RATE_MAX_3_0		0x90
#define MPI_SAS_PHY0_RATE_MIN_MASK		0x0f
#define MPI_SAS_PHY0_RATE_MIN_1_5		0x08
#define MPI_SAS_PHY0_RATE_MIN_3_0		0x09

/** struct mpi_sas_io_unit0_phy - SAS IO Unit page 0, one phy */
struct mpi_sas_io_unit0_phy {
	u8	port;			/* 0x00 */
	u8	port_flags;		/* 0x01 */
	u8	phy_flags;		/* 0x02 */
	u8	negotiated_link_rate;	/* 0x03 */
	__le32	controller_phy_device_info; /* 0x04 */
	__le16	attached_dev_handle;	/* 0x08 */
	__le16	controller_dev_handle;	/* 0x0a */
	__le32	discovery_status;	/* 0x0c */
};
static_assert(sizeof(struct mpi_sas_io_unit0_phy) == 16);

/** struct mpi_sas_io_unit_page0 - SAS IO Unit page 0: the host's phys */
struct mpi_sas_io_unit_page0 {
	struct mpi_config_ext_page_header header; /* 0x00 */
	__le16	nvdata_version_default;	/* 0x08 */
	__le16	nvdata_version_persistent; /* 0x0a */
	u8	num_phys;		/* 0x0c */
	u8	rsvd0d;			/* 0x0d */
	__le16	rsvd0e;			/* 0x0e */
	struct mpi_sas_io_unit0_phy phy[]; /* 0x10 num_phys entries */
};
static_assert(sizeof(struct mpi_sas_io_unit_page0) == 16);

#define MPI_SAS_IOUNIT1_REPORT_MISSING_TIMEOUT_MASK 0x7f
#define MPI_SAS_IOUNIT1_REPORT_MISSING_UNIT_16	0x80

/** struct mpi_sas_io_unit_page1 - SAS IO Unit page 1, the fields we read */
struct mpi_sas_io_unit_page1 {
	struct mpi_config_ext_page_header header; /* 0x00 */
	__le16	control_flags;		/* 0x08 */
	__le16	max_num_sata_targets;	/* 0x0a */
	__le16	additional_control_flags; /* 0x0c */
	__le16	rsvd0e;			/* 0x0e */
	u8	num_phys;		/* 0x10 */
	u8	sata_max_q_depth;	/* 0x11 */
	u8	report_device_missing_delay; /* 0x12 seconds, see the masks */
	u8	io_device_missing_delay; /* 0x13 */
};
static_assert(sizeof(struct mpi_sas_io_unit_page1) == 20);

/** struct mpi_sas_phy_page0 - SAS PHY page 0 */
struct mpi_sas_phy_page0 {
	struct mpi_config_ext_page_header header; /* 0x00 */
	__le16	owner_dev_handle;	/* 0x08 */
	__le16	rsvd0a;			/* 0x0a */
	__le32	sas_address_low;	/* 0x0c */
	__le32	sas_address_high;	/* 0x10 */
	__le16	attached_dev_handle;	/* 0x14 */
	u8	attached_phy_identifier; /* 0x16 */
	u8	rsvd17;			/* 0x17 */
	__le32	attached_device_info;	/* 0x18 */
	u8	programmed_link_rate;	/* 0x1c */
	u8	hw_link_rate;		/* 0x1d */
	u8	change_count;		/* 0x1e */
	u8	flags;			/* 0x1f */
	__le32	phy_info;		/* 0x20 */
};
static_assert(sizeof(struct mpi_sas_phy_page0) == 36);

/** struct mpi_sas_phy_page1 - SAS PHY page 1: link error counters */
struct mpi_sas_phy_page1 {
	struct mpi_config_ext_page_header header; /* 0x00 */
	__le32	rsvd08;			/* 0x08 */
	__le32	invalid_dword_count;	/* 0x0c */
	__le32	running_disparity_error_count; /* 0x10 */
	__le32	loss_dword_synch_count;	/* 0x14 */
	__le32	phy_reset_problem_count; /* 0x18 */
};
static_assert(sizeof(struct mpi_sas_phy_page1) == 28);

/** struct mpi_sas_device_page0 - SAS Device page 0 */
struct mpi_sas_device_page0 {
	struct mpi_config_ext_page_header header; /* 0x00 */
	__le16	slot;			/* 0x08 */
	__le16	enclosure_handle;	/* 0x0a */
	__le32	sas_address_low;	/* 0x0c */
	__le32	sas_address_high;	/* 0x10 */
	__le16	parent_dev_handle;	/* 0x14 */
	u8	phy_num;		/* 0x16 */
	u8	access_status;		/* 0x17 */
	__le16	dev_handle;		/* 0x18 */
	u8	target_id;		/* 0x1a */
	u8	bus;			/* 0x1b */
	__le32	device_info;		/* 0x1c */
	__le16	flags;			/* 0x20 */
	u8	physical_port;		/* 0x22 */
	u8	rsvd23;			/* 0x23 */
};
static_assert(sizeof(struct mpi_sas_device_page0) == 36);

/** struct mpi_sas_expander_page0 - SAS Expander page 0, the fields we read */
struct mpi_sas_expander_page0 {
	struct mpi_config_ext_page_header header; /* 0x00 */
	u8	physical_port;		/* 0x08 */
	u8	rsvd09;			/* 0x09 */
	__le16	enclosure_handle;	/* 0x0a */
	__le32	sas_address_low;	/* 0x0c */
	__le32	sas_address_high;	/* 0x10 */
	__le32	discovery_status;	/* 0x14 */
	__le16	dev_handle;		/* 0x18 */
	__le16	parent_dev_handle;	/* 0x1a */
	__le16	expander_change_count;	/* 0x1c */
	__le16	expander_route_indexes;	/* 0x1e */
	u8	num_phys;		/* 0x20 */
	u8	sas_level;		/* 0x21 */
	__le16	flags;			/* 0x22 */
};
static_assert(sizeof(struct mpi_sas_expander_page0) == 36);

/** struct mpi_sas_enclosure_page0 - SAS Enclosure page 0, the fields we read */
struct mpi_sas_enclosure_page0 {
	struct mpi_config_ext_page_header header; /* 0x00 */
	__le32	rsvd08;			/* 0x08 */
	__le32	enclosure_logical_id_low; /* 0x0c */
	__le32	enclosure_logical_id_high; /* 0x10 */
	__le16	flags;			/* 0x14 */
	__le16	enclosure_handle;	/* 0x16 */
};
static_assert(sizeof(struct mpi_sas_enclosure_page0) == 24);

/* ------------------------------------------------------------------ */
/* SCSI IO                                                            */
/* ------------------------------------------------------------------ */

#define MPI_SCSIIO_CONTROL_NODATA	0x00000000
#define MPI_SCSIIO_CONTROL_WRITE	0x01000000
#define MPI_SCSIIO_CONTROL_READ		0x02000000
#define MPI_SCSIIO_CONTROL_SIMPLEQ	0x00000000
#define MPI_SCSIIO_CONTROL_HEADOFQ	0x00000100
#define MPI_SCSIIO_CONTROL_ORDEREDQ	0x00000200
#define MPI_SCSIIO_CONTROL_UNTAGGED	0x00000500

#define MPI_SCSIIO_CDB_MAX		16
/* Offset of the SGL in a SCSI IO request, in bytes */
#define MPI_SCSIIO_SGL_OFFSET		0x30

/** struct mpi_scsi_io_request - SCSI IO request; the SGL follows at 0x30 */
struct mpi_scsi_io_request {
	u8	target_id;		/* 0x00 */
	u8	bus;			/* 0x01 */
	u8	chain_offset;		/* 0x02 dwords */
	u8	function;		/* 0x03 */
	u8	cdb_length;		/* 0x04 */
	u8	sense_buffer_length;	/* 0x05 */
	u8	rsvd06;			/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	u8	lun[8];			/* 0x0c */
	__le32	control;		/* 0x14 */
	u8	cdb[MPI_SCSIIO_CDB_MAX]; /* 0x18 */
	__le32	data_length;		/* 0x28 */
	__le32	sense_buffer_low;	/* 0x2c */
};
static_assert(sizeof(struct mpi_scsi_io_request) == MPI_SCSIIO_SGL_OFFSET);

/* SCSI IO MsgFlags: SenseBufferLowAddr extended by IOCInit's SenseBufferHighAddr */
#define MPI_SCSIIO_MSGFLGS_SENSE_WIDTH_64	0x01

#define MPI_SCSI_STATE_AUTOSENSE_VALID		0x01
#define MPI_SCSI_STATE_AUTOSENSE_FAILED		0x02
#define MPI_SCSI_STATE_NO_SCSI_STATUS		0x04
#define MPI_SCSI_STATE_TERMINATED		0x08
#define MPI_SCSI_STATE_RESPONSE_INFO_VALID	0x10
#define MPI_SCSI_STATE_QUEUE_TAG_REJECTED	0x20

/** struct mpi_scsi_io_reply - SCSI IO error/residual reply */
struct mpi_scsi_io_reply {
	u8	target_id;		/* 0x00 */
	u8	bus;			/* 0x01 */
	u8	msg_length;		/* 0x02 */
	u8	function;		/* 0x03 */
	u8	cdb_length;		/* 0x04 */
	u8	sense_buffer_length;	/* 0x05 */
	u8	rsvd06;			/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	u8	scsi_status;		/* 0x0c */
	u8	scsi_state;		/* 0x0d */
	__le16	ioc_status;		/* 0x0e */
	__le32	ioc_log_info;		/* 0x10 */
	__le32	transfer_count;		/* 0x14 */
	__le32	sense_count;		/* 0x18 */
	__le32	response_info;		/* 0x1c */
	__le16	task_tag;		/* 0x20 */
	__le16	rsvd22;			/* 0x22 */
};
static_assert(sizeof(struct mpi_scsi_io_reply) == 36);

/* ------------------------------------------------------------------ */
/* SCSI task management                                               */
/* ------------------------------------------------------------------ */

#define MPI_TASKTYPE_ABORT_TASK		0x01
#define MPI_TASKTYPE_ABRT_TASK_SET	0x02
#define MPI_TASKTYPE_TARGET_RESET	0x03
#define MPI_TASKTYPE_RESET_BUS		0x04
#define MPI_TASKTYPE_LOGICAL_UNIT_RESET	0x05
#define MPI_TASKTYPE_CLEAR_TASK_SET	0x06
#define MPI_TASKTYPE_QUERY_TASK		0x07

#define MPI_TM_RSP_COMPLETE		0x00
#define MPI_TM_RSP_INVALID_FRAME	0x02
#define MPI_TM_RSP_NOT_SUPPORTED	0x04
#define MPI_TM_RSP_FAILED		0x05
#define MPI_TM_RSP_SUCCEEDED		0x08
#define MPI_TM_RSP_INVALID_LUN		0x09

/** struct mpi_task_mgmt_request - SCSI task management request */
struct mpi_task_mgmt_request {
	u8	target_id;		/* 0x00 */
	u8	bus;			/* 0x01 */
	u8	chain_offset;		/* 0x02 */
	u8	function;		/* 0x03 */
	u8	rsvd04;			/* 0x04 */
	u8	task_type;		/* 0x05 */
	u8	rsvd06;			/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	u8	lun[8];			/* 0x0c */
	__le32	rsvd14[7];		/* 0x14 */
	__le32	task_msg_context;	/* 0x30 */
};
static_assert(sizeof(struct mpi_task_mgmt_request) == 52);

/** struct mpi_task_mgmt_reply - SCSI task management reply */
struct mpi_task_mgmt_reply {
	u8	target_id;		/* 0x00 */
	u8	bus;			/* 0x01 */
	u8	msg_length;		/* 0x02 */
	u8	function;		/* 0x03 */
	u8	response_code;		/* 0x04 */
	u8	task_type;		/* 0x05 */
	u8	rsvd06;			/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	__le16	rsvd0c;			/* 0x0c */
	__le16	ioc_status;		/* 0x0e */
	__le32	ioc_log_info;		/* 0x10 */
	__le32	termination_count;	/* 0x14 */
};
static_assert(sizeof(struct mpi_task_mgmt_reply) == 24);

/* ------------------------------------------------------------------ */
/* SAS IO Unit Control and SMP pass-through (mpi_sas.h, MPI 1.5)       */
/* ------------------------------------------------------------------ */
#define MPI_FUNCTION_SMP_PASSTHROUGH		0x1a
#define MPI_FUNCTION_SAS_IO_UNIT_CONTROL	0x1b

/* SAS IO Unit Control Operation */
#define MPI_SAS_OP_CLEAR_NOT_PRESENT		0x01
#define MPI_SAS_OP_CLEAR_ALL_PERSISTENT		0x02
#define MPI_SAS_OP_PHY_LINK_RESET		0x06
#define MPI_SAS_OP_PHY_HARD_RESET		0x07

/** struct mpi_sas_iounit_control_request - SAS IO Unit Control request */
struct mpi_sas_iounit_control_request {
	u8	operation;		/* 0x00 MPI_SAS_OP_* */
	u8	rsvd01;			/* 0x01 */
	u8	chain_offset;		/* 0x02 */
	u8	function;		/* 0x03 */
	__le16	dev_handle;		/* 0x04 */
	u8	ioc_parameter;		/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	u8	target_id;		/* 0x0c */
	u8	bus;			/* 0x0d */
	u8	phy_num;		/* 0x0e */
	u8	prim_flags;		/* 0x0f */
	__le32	primitive;		/* 0x10 */
	__le32	sas_address_low;	/* 0x14 */
	__le32	sas_address_high;	/* 0x18 */
	__le32	ioc_parameter_value;	/* 0x1c */
};
static_assert(sizeof(struct mpi_sas_iounit_control_request) == 32);

/** struct mpi_sas_iounit_control_reply - SAS IO Unit Control reply */
struct mpi_sas_iounit_control_reply {
	u8	operation;		/* 0x00 */
	u8	rsvd01;			/* 0x01 */
	u8	msg_length;		/* 0x02 */
	u8	function;		/* 0x03 */
	__le16	dev_handle;		/* 0x04 */
	u8	ioc_parameter;		/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	__le16	rsvd0c;			/* 0x0c */
	__le16	ioc_status;		/* 0x0e */
	__le32	ioc_log_info;		/* 0x10 */
};
static_assert(sizeof(struct mpi_sas_iounit_control_reply) == 20);

/** struct mpi_smp_passthrough_request - SMP pass-through; two SGEs follow at 0x20 */
struct mpi_smp_passthrough_request {
	u8	passthrough_flags;	/* 0x00 */
	u8	physical_port;		/* 0x01 */
	u8	chain_offset;		/* 0x02 */
	u8	function;		/* 0x03 */
	__le16	request_data_length;	/* 0x04 bytes, the SMP frame without its CRC */
	u8	connection_rate;	/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	__le32	rsvd0c;			/* 0x0c */
	__le32	sas_address_low;	/* 0x10 */
	__le32	sas_address_high;	/* 0x14 */
	__le32	rsvd18;			/* 0x18 */
	__le32	rsvd1c;			/* 0x1c */
	struct mpi_sge_simple64 sge[2];	/* 0x20 request, then response */
};
static_assert(sizeof(struct mpi_smp_passthrough_request) == 56);

/** struct mpi_smp_passthrough_reply - SMP pass-through reply */
struct mpi_smp_passthrough_reply {
	u8	passthrough_flags;	/* 0x00 */
	u8	physical_port;		/* 0x01 */
	u8	msg_length;		/* 0x02 */
	u8	function;		/* 0x03 */
	__le16	response_data_length;	/* 0x04 bytes written to the response buffer */
	u8	rsvd06;			/* 0x06 */
	u8	msg_flags;		/* 0x07 */
	__le32	msg_context;		/* 0x08 */
	u8	rsvd0c;			/* 0x0c */
	u8	sas_status;		/* 0x0d */
	__le16	ioc_status;		/* 0x0e */
	__le32	ioc_log_info;		/* 0x10 */
	__le32	rsvd14;			/* 0x14 */
	u8	response_data[4];	/* 0x18 immediate data (not used) */
};
static_assert(sizeof(struct mpi_smp_passthrough_reply) == 28);

/* SAS Expander page 1 address form: handle and phy number (bits 23:16) */
#define MPI_SAS_EXPAND_PGAD_FORM_HANDLE_PHY_NUM	0x10000000
#define MPI_SAS_EXPAND_PGAD_HPN_SHIFT_PHY	16

/** struct mpi_sas_expander_page1 - SAS Expander page 1: one phy of an expander */
struct mpi_sas_expander_page1 {
	struct mpi_config_ext_page_header header; /* 0x00 */
	u8	physical_port;		/* 0x08 */
	u8	rsvd09;			/* 0x09 */
	__le16	rsvd0a;			/* 0x0a */
	u8	num_phys;		/* 0x0c */
	u8	phy;			/* 0x0d */
	__le16	num_table_entries_programmed; /* 0x0e */
	u8	programmed_link_rate;	/* 0x10 */
	u8	hw_link_rate;		/* 0x11 */
	__le16	attached_dev_handle;	/* 0x12 */
	__le32	phy_info;		/* 0x14 */
	__le32	attached_device_info;	/* 0x18 */
	__le16	owner_dev_handle;	/* 0x1c */
	u8	change_count;		/* 0x1e */
	u8	negotiated_link_rate;	/* 0x1f */
	u8	phy_identifier;		/* 0x20 */
	u8	attached_phy_identifier; /* 0x21 */
	u8	rsvd22;			/* 0x22 */
	u8	discovery_info;		/* 0x23 */
	__le32	rsvd24;			/* 0x24 */
};
static_assert(sizeof(struct mpi_sas_expander_page1) == 40);

#endif /* _MPTMQ_MPI_H */
