/* NMIs meant for a partition's guest (vmx/nmi.h). */
#include "vmx/nmi.h"

#include "arch/x86/x2apic.h"

void nmi_queue_for_guest(struct partition *p, uint32_t apic_id)
{
    (void)p;
    x2apic_send_nmi(apic_id); /* today's behaviour: a real NMI, injected at its NMI exit */
}
