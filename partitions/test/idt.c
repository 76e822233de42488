/* Exception handling; see idt.h. */
#include "partitions/test/idt.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/test/irq.h"
#include "partitions/test/smp.h"

static volatile enum gp_mode gp_mode = GP_HALT;
/* Set by the *_safe accessors around the access, cleared after it. */
static volatile uint32_t gp_recover_eip;
static volatile uint32_t gp_caught;

void gp_set_mode(enum gp_mode mode) { gp_mode = mode; }

/* NMIs taken per CPU (smp_cpu_index()), and a hook the boot CPU's NMI
 * handler calls: attacks_cpu.c counts and sends NMIs with them. */
volatile uint32_t nmi_count[1 + SMP_MAX_APS];
void (*volatile nmi_hook)(void);

void isr_dispatch(struct frame *f)
{
    if (vmcall_probe_recover(f)) /* hv_detect's probe: no hypervisor */
        return;
    /* An NMI (ipi-nmi to ourselves) or a stray interrupt is not an error
     * of ours: report it and carry on (no EOI: IF stays 0, none expected). */
    if (f->vector == VEC_NMI) {
        int cpu = smp_cpu_index();
        say("NMI received at EIP 0x%08x", f->eip);
        __atomic_fetch_add(&nmi_count[cpu], 1, __ATOMIC_SEQ_CST); /* after the line: its lock is free */
        if (cpu == 0 && nmi_hook)
            nmi_hook();
        return;
    }
    if (f->vector >= 32 && irq_dispatch(f->vector, f->eip)) /* VMRPC set interrupts up */
        return;
    if (f->vector >= 32) {
        say("interrupt vector %u at EIP 0x%08x", f->vector, f->eip);
        return;
    }
    int recover = f->vector == VEC_GP && gp_recover_eip && gp_mode != GP_HALT;
    if (!recover || gp_mode != GP_QUIET)
        say("EXCEPTION vector %u error 0x%x at EIP 0x%08x", f->vector, f->error, f->eip);
    if (recover) {
        f->eip = gp_recover_eip;
        gp_recover_eip = 0;
        gp_caught++;
        if (gp_mode == GP_CONTINUE)
            say("#GP caught (refused)");
        return;
    }
    halt_forever();
}

/* Each accessor stores the address of local label 1 (just past the access)
 * as the recovery EIP, performs the access, then disarms. The outputs are
 * preset so a skipped instruction leaves defined values. */
#define ARM "movl $1f, %[rec]\n\t"
#define DISARM "\n1:\tmovl $0, %[rec]"

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
    uint32_t before = gp_caught, lo = 0, hi = 0;
    __asm__ __volatile__(ARM "rdmsr" DISARM
                         : "+a"(lo), "+d"(hi), [rec] "=m"(gp_recover_eip)
                         : "c"(msr)
                         : "memory");
    if (gp_caught != before)
        return -1;
    *val = ((uint64_t)hi << 32) | lo;
    return 0;
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
    uint32_t before = gp_caught;
    __asm__ __volatile__(ARM "wrmsr" DISARM
                         : [rec] "=m"(gp_recover_eip)
                         : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
                         : "memory");
    return gp_caught != before ? -1 : 0;
}

int load32_safe(uint32_t addr, uint32_t *val)
{
    uint32_t before = gp_caught, v = 0;
    __asm__ __volatile__(ARM "movl (%[p]), %[v]" DISARM
                         : [v] "+r"(v), [rec] "=m"(gp_recover_eip)
                         : [p] "r"(addr)
                         : "memory");
    if (gp_caught != before)
        return -1;
    *val = v;
    return 0;
}

int store32_safe(uint32_t addr, uint32_t val)
{
    uint32_t before = gp_caught;
    __asm__ __volatile__(ARM "movl %[v], (%[p])" DISARM
                         : [rec] "=m"(gp_recover_eip)
                         : [p] "r"(addr), [v] "r"(val)
                         : "memory");
    return gp_caught != before ? -1 : 0;
}

int inb_safe(uint16_t port, uint8_t *val)
{
    uint32_t before = gp_caught;
    uint8_t v = 0xFF;
    __asm__ __volatile__(ARM "inb %w[port], %[v]" DISARM
                         : [v] "+a"(v), [rec] "=m"(gp_recover_eip)
                         : [port] "d"(port)
                         : "memory");
    if (gp_caught != before)
        return -1;
    *val = v;
    return 0;
}

int outb_safe(uint16_t port, uint8_t val)
{
    uint32_t before = gp_caught;
    __asm__ __volatile__(ARM "outb %[v], %w[port]" DISARM
                         : [rec] "=m"(gp_recover_eip)
                         : [port] "d"(port), [v] "a"(val)
                         : "memory");
    return gp_caught != before ? -1 : 0;
}
