/* SPDX-License-Identifier: GPL-2.0 */
/* Shim for the microbenchmark: the uapi header, plus kshim.h. */
#ifndef KSHIM_LINUX_ERRNO_H
#define KSHIM_LINUX_ERRNO_H
#include_next <linux/errno.h>
/* (errno values only: glibc includes this too) */
#endif
