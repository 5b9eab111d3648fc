/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim of <linux/bits.h>. */
#ifndef _KSHIM_LINUX_BITS_H
#define _KSHIM_LINUX_BITS_H

#define BIT(n)			(1UL << (n))
#define GENMASK(h, l)		((~0UL << (l)) & (~0UL >> (63 - (h))))

#endif
