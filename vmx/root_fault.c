/* Root-mode faults on a partition's behalf (vmx/root_fault.h).
 *
 * Once this CPU entered its partition (vcpu_current() set), all
 * hypervisor code it runs serves that partition's exits, so a fault there
 * is stopped like any other fault of the partition: logged, its VMRPC
 * modules unregistered, its other CPUs parked, exit_with honoured.
 *
 * Locks: spinlocks have no owner, so a lock this CPU held at the fault
 * stays held. The stop path takes the partition's lock, the console's and
 * the VMRPC locks; if the fault hit inside one of those, the stop spins on
 * it. That is no worse than halting the CPU (which would leave the lock
 * held for good too), and every other case, by far the common one, ends
 * cleanly. A second fault on the same CPU (inside the stop) falls back to
 * stopping the CPU. */
#include "vmx/root_fault.h"

#include "hv/partition.h"
#include "hv/percpu.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

static bool stopping[HV_MAX_CPUS];

void root_fault_stop_partition(const struct exception_frame *f)
{
    uint32_t cpu = this_cpu()->index;
    struct vcpu *v = vcpu_current();
    if (!v || f->vector == VEC_DF || f->vector == VEC_MC || stopping[cpu])
        return;
    stopping[cpu] = true;
    partition_stop_current(-1, "hypervisor fault while serving its VM exit %u: vector %lu, error 0x%lx, at RIP 0x%lx "
                               "(guest RIP 0x%lx)",
                           (uint32_t)vmread(VMCS_EXIT_REASON) & 0xFFFF, f->vector, f->error_code, f->rip,
                           vmread(VMCS_GUEST_RIP));
}

bool root_fault_test_armed;

void root_fault_test(void)
{
    if (!__atomic_exchange_n(&root_fault_test_armed, false, __ATOMIC_RELAXED))
        return;
    volatile uint64_t where = 0x10; /* page 0 is never mapped */
    (void)*(volatile uint64_t *)(uintptr_t)where;
}
