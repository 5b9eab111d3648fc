/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: the uapi header (struct tcphdr), plus kshim.h. */
#ifndef KSHIM_LINUX_TCP_H
#define KSHIM_LINUX_TCP_H
#include_next <linux/tcp.h>
#include <kshim.h>
#include <linux/skbuff.h>
#endif
