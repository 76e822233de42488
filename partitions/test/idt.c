/* IDT and exception handling; see idt.h. */
#include "partitions/test/idt.h"
#include "partitions/test/cpu.h"
#include "partitions/test/print.h"

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t zero, type;
    uint16_t off_hi;
} __attribute__((packed));

struct idt_desc {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

extern const uint32_t isr_table[256]; /* isr.S */
static struct idt_gate idt[256];

static volatile enum gp_mode gp_mode = GP_HALT;
/* Set by the *_safe accessors around the access, cleared after it. */
static volatile uint32_t gp_recover_eip;
static volatile uint32_t gp_caught;
/* Only vmcall_probe expects #UD; any other #UD is a bug and halts. */
static volatile int ud_expected;

#define VEC_NMI 2
#define VEC_UD 6
#define VEC_GP 13

void idt_load(void)
{
    struct idt_desc d = {sizeof idt - 1, (uint32_t)idt};
    __asm__ __volatile__("lidt %0" : : "m"(d));
}

void idt_init(void)
{
    for (int v = 0; v < 256; v++) {
        idt[v] = (struct idt_gate){
            .off_lo = (uint16_t)isr_table[v],
            .sel = 0x08,
            .type = 0x8E, /* present, DPL 0, 32-bit interrupt gate */
            .off_hi = (uint16_t)(isr_table[v] >> 16),
        };
    }
    idt_load();
}

void idt_load_empty(void)
{
    struct idt_desc d = {0, 0};
    __asm__ __volatile__("lidt %0" : : "m"(d));
}

void gp_set_mode(enum gp_mode mode) { gp_mode = mode; }

void isr_dispatch(struct frame *f);
void isr_dispatch(struct frame *f)
{
    /* An NMI (ipi-nmi to ourselves) or a stray interrupt is not an error
     * of ours: report it and carry on (no EOI: IF stays 0, none expected). */
    if (f->vector == VEC_NMI) {
        say("NMI received at EIP 0x%08x", f->eip);
        return;
    }
    if (f->vector >= 32) {
        say("interrupt vector %u at EIP 0x%08x", f->vector, f->eip);
        return;
    }
    if (f->vector == VEC_UD && ud_expected && gp_recover_eip) {
        f->eip = gp_recover_eip;
        gp_recover_eip = 0;
        gp_caught++;
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

int vmcall_probe(uint32_t op, int32_t *ret)
{
    uint32_t before = gp_caught, eax = op;
    enum gp_mode saved = gp_mode;
    gp_mode = GP_QUIET;
    ud_expected = 1;
    __asm__ __volatile__(ARM "vmcall" DISARM
                         : "+a"(eax), [rec] "=m"(gp_recover_eip)
                         : "b"(0), "c"(0), "d"(0), "S"(0)
                         : "memory");
    ud_expected = 0;
    gp_mode = saved;
    if (gp_caught != before)
        return -1;
    *ret = (int32_t)eax;
    return 0;
}
