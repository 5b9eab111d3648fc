/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: a linear sk_buff, the header-pointer fast path. */
#ifndef KSHIM_LINUX_SKBUFF_H
#define KSHIM_LINUX_SKBUFF_H
#include <kshim.h>
struct sk_buff {
	unsigned int len;
	unsigned char *data;
};
/* The kernel's fast path (all in the linear part): a pointer into it. */
static inline void *skb_header_pointer(const struct sk_buff *skb, int offset,
				       int len, void *buffer)
{
	(void)buffer;
	if (likely(offset >= 0 && len >= 0 && (unsigned int)(offset + len) <= skb->len))
		return skb->data + offset;
	return NULL;
}
#endif
