/* SPDX-License-Identifier: GPL-2.0 */
/* Host-side stand-in for <linux/build_bug.h>: C11 static_assert. */
#ifndef _SHIM_LINUX_BUILD_BUG_H
#define _SHIM_LINUX_BUILD_BUG_H
#include <assert.h>
#endif
