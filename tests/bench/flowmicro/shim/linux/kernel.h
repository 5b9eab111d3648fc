/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: see kshim.h. */
#ifndef KSHIM_LINUX_KERNEL_H
#define KSHIM_LINUX_KERNEL_H
#include <kshim.h>
#endif
