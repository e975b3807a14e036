/* SPDX-License-Identifier: GPL-2.0 */
/* Empty: selftests/fuzz/kenv/kenv.h, force-included, defines what is used. */
