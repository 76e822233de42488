/* NMI and event-injection rules (vmx/nmi_policy.h). */
#include "vmx/nmi_policy.h"

#include "vmx/vmcs_fields.h"

#define CR0_PE (1ull << 0)

enum nmi_source nmi_classify(bool panic, bool partition_stopped, bool init_requested, volatile uint32_t *kicks)
{
    if (panic)
        return NMI_FOR_PANIC;
    if (partition_stopped)
        return NMI_FOR_STOP;
    if (init_requested)
        return NMI_FOR_INIT;
    /* Take one credit unless none is left; a sender may add one meanwhile. */
    uint32_t k = __atomic_load_n(kicks, __ATOMIC_ACQUIRE);
    while (k && !__atomic_compare_exchange_n(kicks, &k, k - 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        ;
    return k ? NMI_FOR_KICK : NMI_FOR_GUEST;
}

enum nmi_action nmi_decide(uint32_t pending, uint32_t interruptibility, uint32_t entry_intr_info, uint32_t activity)
{
    if (!pending)
        return NMI_NOTHING;
    if (activity == ACTIVITY_WAIT_SIPI)
        return NMI_DROP_WAITING;
    if (entry_intr_info & INTR_INFO_VALID)
        return NMI_WAIT_WINDOW;
    if (interruptibility & (BLOCKING_BY_NMI | BLOCKING_BY_MOV_SS | BLOCKING_BY_STI))
        return NMI_WAIT_WINDOW;
    return NMI_INJECT;
}

uint32_t intr_info_for_guest_mode(uint32_t info, uint64_t guest_cr0)
{
    return guest_cr0 & CR0_PE ? info : info & ~INTR_DELIVER_ERROR;
}

uint32_t intr_info_redeliver(uint32_t idt_vectoring_info)
{
    if (!(idt_vectoring_info & INTR_INFO_VALID))
        return 0;
    return idt_vectoring_info & (INTR_INFO_VALID | INTR_DELIVER_ERROR | INTR_INFO_TYPE_MASK | INTR_INFO_VECTOR_MASK);
}

bool intr_info_needs_instr_len(uint32_t info)
{
    uint32_t type = info & INTR_INFO_TYPE_MASK;
    return type == INTR_TYPE_SW_INTERRUPT || type == INTR_TYPE_PRIV_SW_EXCEPTION || type == INTR_TYPE_SW_EXCEPTION;
}
