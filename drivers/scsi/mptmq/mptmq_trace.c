// SPDX-License-Identifier: GPL-2.0
/*
 * mptmq: tracepoint instances.
 */
#include "mptmq.h"

#define CREATE_TRACE_POINTS
#include "mptmq_trace.h"
