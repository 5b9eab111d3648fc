/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: see kshim.h. */
#ifndef KSHIM_ASM_WORD_AT_A_TIME_H
#define KSHIM_ASM_WORD_AT_A_TIME_H
#include <kshim.h>
/* As x86: may read up to 7 bytes past the end (within the same object here). */
static inline unsigned long load_unaligned_zeropad(const void *addr)
{
	unsigned long v;
	memcpy(&v, addr, sizeof(v));
	return v;
}
#define bytemask_from_count(cnt) (~(~0ul << (cnt) * 8))
#endif
