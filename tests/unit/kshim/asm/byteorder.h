/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim of <asm/byteorder.h>: the kernel's names for the uapi macros. */
#ifndef _KSHIM_ASM_BYTEORDER_H
#define _KSHIM_ASM_BYTEORDER_H

#include_next <asm/byteorder.h>

#define cpu_to_le64(x)		__cpu_to_le64(x)
#define le64_to_cpu(x)		__le64_to_cpu(x)
#define cpu_to_be32(x)		__cpu_to_be32(x)
#define be32_to_cpu(x)		__be32_to_cpu(x)
#define cpu_to_be16(x)		__cpu_to_be16(x)
#define be16_to_cpu(x)		__be16_to_cpu(x)

#endif
