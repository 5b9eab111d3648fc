/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: BIT() and GENMASK(). */
#ifndef KSHIM_LINUX_BITS_H
#define KSHIM_LINUX_BITS_H
#include <kshim.h>
#define BIT_ULL(n) (1ULL << (n))
#define GENMASK(h, l) (((~0UL) << (l)) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l) (((~0ULL) << (l)) & (~0ULL >> (63 - (h))))
#endif
