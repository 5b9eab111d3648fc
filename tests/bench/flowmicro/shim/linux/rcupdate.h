/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: see kshim.h. */
#ifndef KSHIM_LINUX_RCUPDATE_H
#define KSHIM_LINUX_RCUPDATE_H
#include <kshim.h>
#endif
