/* Local APIC in x2APIC mode: registers are MSRs 0x800-0x8FF
 * (Intel SDM Vol. 3A 10.12). */
#ifndef ARCH_X86_X2APIC_H
#define ARCH_X86_X2APIC_H

#include "hv/types.h"

/* Switches this CPU's local APIC to x2APIC mode and software-enables it
 * with all local interrupts masked. Returns -E_NOTSUP without x2APIC. */
int x2apic_enable(void);
bool x2apic_is_enabled(void);
uint32_t x2apic_id(void);

void x2apic_send_init(uint32_t apic_id);
void x2apic_send_sipi(uint32_t apic_id, uint8_t vector);
void x2apic_send_nmi_all_but_self(void);
void x2apic_send_nmi(uint32_t apic_id);

#endif
