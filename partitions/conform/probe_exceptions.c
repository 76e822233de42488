/* Exceptions and instruction completion as a test suite sees them (probe
 * group "exceptions", keys exc.*). In a partition some of these come
 * from the hypervisor, not the CPU: a refused WRMSR's #GP and VMXON's #UD
 * are injected, and an instruction that exits (CPUID) is completed by the
 * hypervisor, which moves EIP. Each must look exactly as on the bare CPU:
 *   exc.gp.*        a fault pushes EFLAGS with RF set (SDM Vol. 3A 6.13,
 *                   17.3.1.1), error code 0;
 *   exc.vmxon, exc.ud.rf   VMXON with CR4.VMXE = 0 is #UD, a fault too;
 *   exc.tf.cpuid    with EFLAGS.TF set, the single-step #DB comes right
 *                   after CPUID, with DR6.BS (17.3.1.4);
 *   exc.eip_wrap    EIP wraps at 4 GiB in a 32-bit code segment: CPUID at
 *                   EIP 0xFFFFFFFE continues at EIP 0 (Vol. 1 3.5);
 *   exc.ip16_past_limit  CPUID at IP 0xFFFE of a 16-bit code segment
 *                   (limit 0xFFFF): IP does not wrap, the next fetch is
 *                   beyond the limit, #GP (SDM Vol. 3A 5.3; Bochs bare
 *                   agrees). */
#include <stdint.h>

#include "partitions/common/cpu.h"
#include "partitions/common/idt.h"
#include "partitions/common/lib.h"
#include "partitions/conform/conform.h"

#define EFLAGS_TF (1u << 8)
#define EFLAGS_RF (1u << 16)
#define DR6_BS (1u << 14)
#define MSR_EFER 0xC0000080u
#define EFER_RESERVED_BIT1 (1u << 1)
#define CR4_VMXE (1u << 13)

/* probe_exceptions_entry.S */
struct exc_seen {
    uint32_t vector, error, eip, cs, eflags, dr6, count;
};
extern volatile struct exc_seen exc_seen;
extern volatile uint32_t exc_resume;
void exc_catch_db(void);
void exc_catch_ud(void);
void exc_catch_gp(void);
extern const uint32_t isr_table[256]; /* partitions/common/isr.S */

static void catch_vectors(int on)
{
    idt_set_gate(1, on ? exc_catch_db : (void (*)(void))isr_table[1]);
    idt_set_gate(6, on ? exc_catch_ud : (void (*)(void))isr_table[6]);
    idt_set_gate(13, on ? exc_catch_gp : (void (*)(void))isr_table[13]);
}

static void seen_reset(void)
{
    exc_seen.vector = exc_seen.error = exc_seen.eip = exc_seen.eflags = exc_seen.dr6 = 0;
    exc_seen.count = 0;
}

static const char *seen_name(void) { return exc_seen.count ? conf_fault_name((int)exc_seen.vector) : "ok"; }

/* WRMSR of a reserved EFER bit: #GP(0) from the CPU bare, from the
 * hypervisor's EFER check in a partition. */
static void probe_gp_rf(void)
{
    uint64_t efer = rdmsr(MSR_EFER);
    seen_reset();
    __asm__ __volatile__("movl $1f, exc_resume\n\t"
                         "wrmsr\n"
                         "1:"
                         :
                         : "c"(MSR_EFER), "a"((uint32_t)efer | EFER_RESERVED_BIT1), "d"((uint32_t)(efer >> 32))
                         : "memory");
    conf("exc.gp.wrmsr_efer", "%s", seen_name());
    if (exc_seen.count) {
        conf("exc.gp.rf", "%u", (exc_seen.eflags & EFLAGS_RF) ? 1u : 0u);
        conf("exc.gp.error", "0x%x", exc_seen.error);
    }
}

/* VMXON outside VMX operation with CR4.VMXE = 0 (what the partition
 * reads): #UD (SDM Vol. 3C 31, VMXON). */
static void probe_vmxon(void)
{
    static uint64_t region __attribute__((aligned(4096)));
    uint32_t cr4;
    __asm__ __volatile__("movl %%cr4, %0" : "=r"(cr4));
    conf("exc.cr4.vmxe", "%u", (cr4 & CR4_VMXE) ? 1u : 0u);
    seen_reset();
    __asm__ __volatile__("movl $1f, exc_resume\n\t"
                         "vmxon %0\n"
                         "1:"
                         :
                         : "m"(region)
                         : "memory", "cc");
    conf("exc.vmxon", "%s", seen_name());
    if (exc_seen.count)
        conf("exc.ud.rf", "%u", (exc_seen.eflags & EFLAGS_RF) ? 1u : 0u);
}

/* TF set by POPF traps after the instruction that follows the POPF
 * (SDM Vol. 3A 17.3.1.4): here CPUID, an instruction that exits. */
static void probe_single_step(void)
{
    uint32_t after_cpuid, eax = 0, ecx = 0;
    seen_reset();
    exc_resume = 0;
    __asm__ __volatile__("pushfl\n\t"
                         "orl %[tf], (%%esp)\n\t"
                         "popfl\n\t"
                         "cpuid\n"
                         "2:\tnop\n\t"
                         "nop\n\t"
                         "movl $2b, %[after]"
                         : [after] "=r"(after_cpuid), "+a"(eax), "+c"(ecx)
                         : [tf] "i"(EFLAGS_TF)
                         : "ebx", "edx", "memory", "cc");
    const char *where = !exc_seen.count                   ? "none"
                        : exc_seen.vector != 1            ? conf_fault_name((int)exc_seen.vector)
                        : exc_seen.eip == after_cpuid     ? "next"
                        : exc_seen.eip == after_cpuid + 1 ? "one_late"
                                                          : "elsewhere";
    conf("exc.tf.cpuid", "%s", where);
    if (exc_seen.count == 1 && exc_seen.vector == 1)
        conf("exc.tf.cpuid.dr6_bs", "%u", (exc_seen.dr6 & DR6_BS) ? 1u : 0u);
    if (exc_seen.count > 1)
        conf("exc.tf.cpuid.traps", "%u", exc_seen.count);
}

/* ---- EIP wrap: code segments of our own, based where the wrap lands */

struct gdt_ptr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

#define SEL_WRAP32 0x18
#define SEL_WRAP16 0x20
#define GDT_ENTRIES 5

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(8)));

/* A present ring-0 execute/read code segment (type 0xA, S = 1). */
static uint64_t code_descriptor(uint32_t base, uint32_t limit, int big)
{
    uint64_t d = (limit & 0xFFFFu) | ((uint64_t)(base & 0xFFFFFFu) << 16);
    d |= (uint64_t)0x9A << 40;                       /* P, DPL 0, S, code read */
    d |= (uint64_t)((limit >> 16) & 0xF) << 48;
    if (big)
        d |= (uint64_t)0xC << 52;                    /* G = 1, D = 1 */
    d |= (uint64_t)(base >> 24) << 56;
    return d;
}

/* The 32-bit test: CPUID at linear B - 2 (EIP 0xFFFFFFFE), and at B
 * (EIP 0 after the wrap) a far jump back. The 16-bit one: CPUID at
 * base + 0xFFFE; a far jump back at base, where IP would go if it
 * wrapped ("ok"), and one to a "no_wrap" exit at base + 0x10000, where
 * a CPU that ignored the limit would go; the CPU's answer is #GP. */
static uint8_t wrap32_area[8192] __attribute__((aligned(4096)));
static uint8_t wrap16_area[0x10000 + 16] __attribute__((aligned(16)));

void exc_wrap32_back(void);
void exc_wrap16_back(void);
void exc_wrap16_nowrap(void);

static void put_far_jump(uint8_t *at, int prefix66, void (*target)(void))
{
    uint32_t off = (uint32_t)target;
    if (prefix66)
        *at++ = 0x66;
    *at++ = 0xEA; /* JMP ptr16:32 */
    memcpy(at, &off, 4);
    at[4] = 0x08;
    at[5] = 0x00;
}

static __attribute__((noinline, noclone)) uint32_t wrap_run(uint16_t sel, uint32_t eip)
{
    struct {
        uint32_t eip;
        uint16_t sel;
    } __attribute__((packed)) target = {eip, sel};
    uint32_t result, eax = 0, ecx = 0;
    seen_reset();
    exc_resume = 0;
    __asm__ __volatile__("movl $3f, exc_resume\n\t"
                         "ljmp *%[t]\n"
                         ".globl exc_wrap32_back, exc_wrap16_back, exc_wrap16_nowrap\n"
                         "exc_wrap32_back:\n"
                         "exc_wrap16_back:\n\t"
                         "movl $1, %[r]\n\t"
                         "jmp 4f\n"
                         "exc_wrap16_nowrap:\n\t"
                         "movl $2, %[r]\n\t"
                         "jmp 4f\n"
                         "3:\tmovl $3, %[r]\n"
                         "4:\tmovl $0, exc_resume"
                         : [r] "=&r"(result), "+a"(eax), "+c"(ecx)
                         : [t] "m"(target)
                         : "ebx", "edx", "memory", "cc");
    return result;
}

static const char *wrap_result(uint32_t r)
{
    return r == 1 ? "ok" : r == 2 ? "no_wrap" : exc_seen.count ? seen_name() : "other";
}

static void probe_eip_wrap(void)
{
    struct gdt_ptr old, mine;
    __asm__ __volatile__("sgdt %0" : "=m"(old));
    memcpy(gdt, (const void *)old.base, 3 * sizeof gdt[0]); /* null, flat code 0x08, flat data 0x10 */
    uint32_t base32 = (uint32_t)wrap32_area + 4096;
    uint32_t base16 = (uint32_t)wrap16_area;
    gdt[SEL_WRAP32 / 8] = code_descriptor(base32, 0xFFFFF, 1);
    gdt[SEL_WRAP16 / 8] = code_descriptor(base16, 0xFFFF, 0);
    wrap32_area[4096 - 2] = 0x0F; /* CPUID */
    wrap32_area[4096 - 1] = 0xA2;
    put_far_jump(&wrap32_area[4096], 0, exc_wrap32_back);
    wrap16_area[0xFFFE] = 0x0F;
    wrap16_area[0xFFFF] = 0xA2;
    put_far_jump(&wrap16_area[0], 1, exc_wrap16_back);
    put_far_jump(&wrap16_area[0x10000], 1, exc_wrap16_nowrap);
    mine.limit = sizeof gdt - 1;
    mine.base = (uint32_t)gdt;
    __asm__ __volatile__("lgdt %0" : : "m"(mine) : "memory");
    conf("exc.eip_wrap", "%s", wrap_result(wrap_run(SEL_WRAP32, 0xFFFFFFFEu)));
    conf("exc.ip16_past_limit", "%s", wrap_result(wrap_run(SEL_WRAP16, 0xFFFEu)));
    __asm__ __volatile__("lgdt %0" : : "m"(old) : "memory");
}

void probe_exceptions(void)
{
    catch_vectors(1);
    probe_gp_rf();
    probe_vmxon();
    probe_single_step();
    probe_eip_wrap();
    catch_vectors(0);
}
