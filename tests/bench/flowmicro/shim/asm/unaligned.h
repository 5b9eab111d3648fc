/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: see kshim.h. */
#ifndef KSHIM_ASM_UNALIGNED_H
#define KSHIM_ASM_UNALIGNED_H
#include <kshim.h>
#endif
