/* Exception dispatch: a fault in the hypervisor itself is fatal for the
 * CPU it happens on. We print everything needed to find the bug (vector,
 * error code, RIP, CR2, registers) and stop that CPU; hv_stop_this_cpu()
 * decides what happens to the machine. NMIs are the panic path's signal.
 * Two exceptions to "fatal": a #GP/#UD at an instruction with a fixup
 * (arch/x86/extable.h: a guest-supplied value the CPU refused) resumes at
 * the fixup; a fault while the CPU serves a partition's exit stops that
 * partition instead (exception_fault_hook). */
#include "arch/x86/exceptions.h"

#include "arch/x86/cpu.h"
#include "arch/x86/extable.h"
#include "hv/console.h"
#include "hv/panic.h"
#include "hv/percpu.h"

volatile bool nmi_stop_requested;
void (*exception_nmi_hook)(void);
void (*exception_fault_hook)(const struct exception_frame *f);

static const char *const vector_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
    "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check", "#MC machine check",
    "#XM SIMD error", "#VE virtualization exception", "#CP control protection",
};

static const char *vector_name(uint64_t v)
{
    return v < 32 && vector_names[v] ? vector_names[v] : "reserved";
}

/* Page-fault error code bits, SDM Vol. 3A 4.7. */
static void describe_pf(uint64_t err, char *buf)
{
    const char *parts[] = {
        (err & 1) ? "protection" : "not-present",
        (err & 2) ? "write" : "read",
        (err & 16) ? "instruction-fetch" : "",
        (err & 8) ? "reserved-bit" : "",
    };
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
        for (const char *p = parts[i]; *p; p++)
            buf[n++] = *p;
        if (parts[i][0])
            buf[n++] = ' ';
    }
    buf[n ? n - 1 : 0] = '\0';
}

static void dump_frame(const struct exception_frame *f, uint32_t cpu)
{
    char pf[64] = "";
    if (f->vector == VEC_PF)
        describe_pf(f->error_code, pf);
    printk("EXCEPTION on cpu %u: vector %lu (%s) error code 0x%lx %s\n"
           "  RIP %04lx:%016lx  RFLAGS %016lx  RSP %04lx:%016lx\n"
           "  CR2 %016lx  CR3 %016lx  CR0 %016lx  CR4 %016lx\n"
           "  RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n"
           "  RSI %016lx  RDI %016lx  RBP %016lx  R8  %016lx\n"
           "  R9  %016lx  R10 %016lx  R11 %016lx  R12 %016lx\n"
           "  R13 %016lx  R14 %016lx  R15 %016lx",
           cpu, f->vector, vector_name(f->vector), f->error_code, pf, f->cs, f->rip, f->rflags, f->ss,
           f->rsp, read_cr2(), read_cr3(), read_cr0(), read_cr4(), f->rax, f->rbx, f->rcx, f->rdx, f->rsi,
           f->rdi, f->rbp, f->r8, f->r9, f->r10, f->r11, f->r12, f->r13, f->r14, f->r15);
}

void exception_dispatch(struct exception_frame *f);
void exception_dispatch(struct exception_frame *f)
{
    if (f->vector == VEC_NMI) {
        if (nmi_stop_requested)
            cpu_stop_forever(); /* panic on another CPU: stop quietly */
        /* A wake-up whose sender left a flag to look at, or, on a CPU
         * running a partition, a signal or an NMI for its guest: queued,
         * never dropped (exception_nmi_hook). */
        if (exception_nmi_hook)
            exception_nmi_hook();
        return;
    }
    if (extable_fixup(f))
        return; /* a guest-supplied value the CPU refused: the *_safe accessor reports it */
    dump_frame(f, this_cpu()->index);
    if (exception_fault_hook)
        exception_fault_hook(f); /* returns only when no partition's exit was being served */
    hv_stop_this_cpu("exception in the hypervisor");
}
