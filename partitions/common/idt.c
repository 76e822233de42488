/* IDT; see idt.h. */
#include "partitions/common/idt.h"

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t zero, type;
    uint16_t off_hi;
} __attribute__((packed));

struct idt_desc {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

extern const uint32_t isr_table[256]; /* isr.S: generic entry points */
static struct idt_gate idt[256];

/* Armed by vmcall_probe around its VMCALL: where to resume if it faults. */
static volatile uint32_t probe_resume_eip;
static volatile uint32_t probe_faulted;

static void set_gate(unsigned v, uint32_t handler)
{
    idt[v] = (struct idt_gate){
        .off_lo = (uint16_t)handler, .sel = 0x08, .type = 0x8E, .off_hi = (uint16_t)(handler >> 16)};
}

void idt_set_gate(unsigned v, void (*entry)(void)) { set_gate(v, (uint32_t)entry); }

void idt_load(void)
{
    struct idt_desc d = {sizeof idt - 1, (uint32_t)idt};
    __asm__ __volatile__("lidt %0" : : "m"(d));
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, isr_table[v]);
    idt_load();
}

void idt_load_empty(void)
{
    struct idt_desc d = {0, 0};
    __asm__ __volatile__("lidt %0" : : "m"(d));
}

int vmcall_probe_recover(struct frame *f)
{
    if ((f->vector != VEC_UD && f->vector != VEC_GP) || !probe_resume_eip)
        return 0;
    f->eip = probe_resume_eip;
    probe_resume_eip = 0;
    probe_faulted = 1;
    return 1;
}

int vmcall_probe(uint32_t op, int32_t *ret)
{
    uint32_t eax = op;
    probe_faulted = 0;
    /* Arm the resume address (label 1, just past VMCALL), then disarm;
     * a fault in between lands in isr_dispatch, which resumes there. */
    __asm__ __volatile__("movl $1f, %[rec]\n\t"
                         "vmcall\n"
                         "1:\tmovl $0, %[rec]"
                         : "+a"(eax), [rec] "=m"(probe_resume_eip)
                         : "b"(0), "c"(0), "d"(0), "S"(0)
                         : "memory");
    if (probe_faulted)
        return -1;
    *ret = (int32_t)eax;
    return 0;
}
