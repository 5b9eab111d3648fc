/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: the uapi header, plus kshim.h. */
#ifndef KSHIM_LINUX_TYPES_H
#define KSHIM_LINUX_TYPES_H
#include_next <linux/types.h>
#include <kshim.h>
#endif
