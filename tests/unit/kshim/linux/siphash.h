/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host shim of <linux/siphash.h>: SipHash-2-4 with the kernel's key type and
 * calling convention (tests/unit/kshim/siphash.c).  The key's two words are
 * the 16 key bytes read as little-endian 64-bit numbers, as in the
 * reference implementation; data is read as little-endian words too.
 */
#ifndef _KSHIM_LINUX_SIPHASH_H
#define _KSHIM_LINUX_SIPHASH_H

#include <linux/types.h>

#define SIPHASH_ALIGNMENT	__alignof__(u64)

typedef struct {
	u64 key[2];
} siphash_key_t;

u64 siphash(const void *data, size_t len, const siphash_key_t *key);

#endif
