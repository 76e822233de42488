/* The VT-x layer's interface to the core. The core only learns whether
 * VT-x can run partitions here, and why not. */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include "hv/types.h"

struct vmx_caps {
    bool vmx;                /* CPUID.1:ECX.VMX */
    bool enabled_by_firmware; /* IA32_FEATURE_CONTROL allows VMXON */
    uint32_t vmcs_revision;
    uint32_t vmcs_size;
    bool ept, vpid, unrestricted_guest;
    bool ept_4level, ept_wb, ept_2m, ept_1g, invept;
    bool true_controls;
    bool preemption_timer;
};

/* Reads this CPU's VT-x capabilities; locks IA32_FEATURE_CONTROL with VMX
 * enabled when firmware left it unlocked (SDM Vol. 3C 23.7). Returns 0 when
 * the features the hypervisor needs are all present, else -E_NOTSUP and a
 * one-line reason in *why. */
int vmx_probe(struct vmx_caps *caps, const char **why);

#endif
