/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: see kshim.h. */
#ifndef KSHIM_NET_NET_NAMESPACE_H
#define KSHIM_NET_NET_NAMESPACE_H
#include <kshim.h>
#endif
