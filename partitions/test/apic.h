/* x2APIC mode and id, probed without risking a halt. */
#ifndef TESTPART_APIC_H
#define TESTPART_APIC_H

#include <stdint.h>

struct x2apic_info {
    int supported;     /* CPUID.1:ECX bit 21 */
    int enabled_by_us; /* APIC_BASE.EXTD was clear and our write took */
    int id_ok;         /* RDMSR 0x802 did not #GP */
    uint32_t id;
};

/* Like an OS would: if CPUID offers x2APIC and the APIC is in xAPIC mode,
 * switch it to x2APIC mode (IPIs go through the ICR MSR) unless keep,
 * then read the x2APIC id. A refused access (#GP) is an answer here, not
 * an error. */
void x2apic_probe(struct x2apic_info *xi, int keep);

#endif
