/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mptmq tracepoints: submit, completion, task management, IOC reset.
 * Read them through tracefs: events/mptmq/.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mptmq

#if !defined(_MPTMQ_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MPTMQ_TRACE_H

#include <linux/tracepoint.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include "compat.h"

struct mptmq_ioc;

TRACE_EVENT(mptmq_submit,
	TP_PROTO(struct mptmq_ioc *ioc, struct scsi_cmnd *scmd, unsigned int tag, int nseg),
	TP_ARGS(ioc, scmd, tag, nseg),
	TP_STRUCT__entry(
		__field(unsigned int, host_no)
		__field(unsigned int, tag)
		__field(unsigned int, id)
		__field(u64, lun)
		__field(u8, opcode)
		__field(unsigned int, len)
		__field(int, nseg)
	),
	TP_fast_assign(
		__entry->host_no = scmd->device->host->host_no;
		__entry->tag = tag;
		__entry->id = scmd->device->id;
		__entry->lun = scmd->device->lun;
		__entry->opcode = scmd->cmnd[0];
		__entry->len = scsi_bufflen(scmd);
		__entry->nseg = nseg;
	),
	TP_printk("host%u tag=%u target=%u lun=%llu opcode=0x%02x len=%u sges=%d",
		  __entry->host_no, __entry->tag, __entry->id, __entry->lun,
		  __entry->opcode, __entry->len, __entry->nseg)
);

TRACE_EVENT(mptmq_complete,
	TP_PROTO(struct mptmq_ioc *ioc, struct scsi_cmnd *scmd, unsigned int tag, u16 ioc_status),
	TP_ARGS(ioc, scmd, tag, ioc_status),
	TP_STRUCT__entry(
		__field(unsigned int, host_no)
		__field(unsigned int, tag)
		__field(unsigned int, id)
		__field(u64, lun)
		__field(u8, opcode)
		__field(u16, ioc_status)
		__field(int, result)
		__field(unsigned int, resid)
	),
	TP_fast_assign(
		__entry->host_no = scmd->device->host->host_no;
		__entry->tag = tag;
		__entry->id = scmd->device->id;
		__entry->lun = scmd->device->lun;
		__entry->opcode = scmd->cmnd[0];
		__entry->ioc_status = ioc_status;
		__entry->result = scmd->result;
		__entry->resid = scsi_get_resid(scmd);
	),
	TP_printk("host%u tag=%u target=%u lun=%llu opcode=0x%02x ioc_status=0x%04x result=0x%08x resid=%u",
		  __entry->host_no, __entry->tag, __entry->id, __entry->lun, __entry->opcode,
		  __entry->ioc_status, __entry->result, __entry->resid)
);

TRACE_EVENT(mptmq_tm,
	TP_PROTO(struct mptmq_ioc *ioc, struct scsi_device *sdev, u8 type, u32 task, u16 status),
	TP_ARGS(ioc, sdev, type, task, status),
	TP_STRUCT__entry(
		__field(unsigned int, host_no)
		__field(unsigned int, id)
		__field(u64, lun)
		__field(u8, type)
		__field(u32, task)
		__field(u16, status)
	),
	TP_fast_assign(
		__entry->host_no = sdev->host->host_no;
		__entry->id = sdev->id;
		__entry->lun = sdev->lun;
		__entry->type = type;
		__entry->task = task;
		__entry->status = status;
	),
	TP_printk("host%u target=%u lun=%llu type=%u task=%u ioc_status=0x%04x%s",
		  __entry->host_no, __entry->id, __entry->lun, __entry->type, __entry->task,
		  __entry->status, __entry->status == 0xffff ? " (sent)" : "")
);

TRACE_EVENT(mptmq_ioc_reset,
	TP_PROTO(struct mptmq_ioc *ioc, const char *why, unsigned int ms),
	TP_ARGS(ioc, why, ms),
	TP_STRUCT__entry(
		__string(why, why)
		__field(unsigned int, ms)
	),
	TP_fast_assign(
		mptmq_assign_str(why, why);
		__entry->ms = ms;
	),
	TP_printk("%s: %s", __get_str(why), __entry->ms ? "done" : "started")
);

#endif /* _MPTMQ_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE mptmq_trace
#include <trace/define_trace.h>
