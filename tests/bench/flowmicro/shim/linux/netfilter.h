/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: the uapi header (union nf_inet_addr), plus kshim.h. */
#ifndef KSHIM_LINUX_NETFILTER_H
#define KSHIM_LINUX_NETFILTER_H
#include_next <linux/netfilter.h>
#include <kshim.h>
#endif
