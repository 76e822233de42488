/* Port I/O exits answered by device models. io_dispatch is generated
 * from the static config at build time (tools/gen_io_dispatch_main.c,
 * $(BUILD)/gen/io_dispatch-$(CONFIG).c): it calls the model of the
 * exiting partition's port directly, or returns false for a port no
 * model of that partition answers. The models' entries live in
 * vmx/exit_io.c; each takes the exit qualification (Intel SDM Vol. 3C
 * Table 28-5) and returns false to leave the access to the absent-device
 * path (string I/O, sizes it does not take). */
#ifndef VMX_IO_DISPATCH_H
#define VMX_IO_DISPATCH_H

#include "hv/partition.h"
#include "vmx/vcpu.h"

bool io_dispatch(struct vcpu *v, uint64_t q, uint16_t port);

bool io_model_uart(struct vcpu *v, uint64_t q, unsigned reg);
bool io_model_pci_cfg(struct vcpu *v, uint64_t q);
bool io_model_rtc(struct vcpu *v, uint64_t q);
bool io_model_power(struct vcpu *v, uint64_t q);

#endif
