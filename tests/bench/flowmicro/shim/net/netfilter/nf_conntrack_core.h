/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: see nf_conntrack.h. */
#ifndef KSHIM_NET_NETFILTER_NF_CONNTRACK_CORE_H
#define KSHIM_NET_NETFILTER_NF_CONNTRACK_CORE_H
#include <net/netfilter/nf_conntrack.h>
#endif
