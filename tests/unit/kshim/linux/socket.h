/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim of <linux/socket.h>: address families come from libc. */
#ifndef _KSHIM_LINUX_SOCKET_H
#define _KSHIM_LINUX_SOCKET_H

#include_next <linux/socket.h>
#include <sys/socket.h>

#endif
