/* SPDX-License-Identifier: GPL-2.0 */
/* Empty: the trace events are not compiled on the host (kenv.h). */
