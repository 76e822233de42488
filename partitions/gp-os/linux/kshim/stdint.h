/* The repo's ABI headers (include/hv_abi.h, include/vmrpc_abi.h) include
 * <stdint.h>, which a kernel build (-nostdinc) lacks: the kernel's own
 * <linux/types.h> defines the same uintN_t/intN_t names. */
#ifndef VMRPC_KSHIM_STDINT_H
#define VMRPC_KSHIM_STDINT_H
#include <linux/types.h>
#endif
