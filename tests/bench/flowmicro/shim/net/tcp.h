/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: the TCP constants and helpers flow.c uses. */
#ifndef KSHIM_NET_TCP_H
#define KSHIM_NET_TCP_H
#include <linux/tcp.h>
#define MAX_TCP_OPTION_SPACE 40
#define TCPOPT_NOP 1
#define TCPOPT_EOL 0
#define TCPOPT_MSS 2
#define TCPOPT_WINDOW 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK 5
#define TCPOPT_TIMESTAMP 8
#define TCPOLEN_MSS 4
#define TCPOLEN_WINDOW 3
#define TCPOLEN_SACK_PERM 2
#define TCPOLEN_TIMESTAMP 10
#define TCP_MAX_WSCALE 14U
static inline bool before(__u32 seq1, __u32 seq2) { return (__s32)(seq1 - seq2) < 0; }
#define after(seq2, seq1) before(seq1, seq2)
#endif
