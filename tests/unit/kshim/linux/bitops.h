/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim of <linux/bitops.h>: fls(), as the kernel defines it. */
#ifndef _KSHIM_LINUX_BITOPS_H
#define _KSHIM_LINUX_BITOPS_H

#include <linux/bits.h>

/* Position of the most significant set bit, 1-based; 0 for 0. */
static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

#endif
