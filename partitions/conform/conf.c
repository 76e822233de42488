/* The probe API (conform.h): CONF lines, MSR and CPUID access, and the
 * exception/interrupt dispatch behind conf_try and conf_set_handler. */
#include <stdarg.h>

#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/idt.h"
#include "partitions/conform/conform.h"
#include "partitions/conform/kernel.h"

/* try.S: the recovery point of the innermost conf_try (its saved stack
 * pointer; 0 when none is armed) and the code that resumes there. */
extern volatile uint32_t conf_try_esp;
void conf_try_landing(void);

static void (*handlers[256])(void);
static uint32_t boot_apic_id;

static uint32_t this_apic_id(void) { return cpuid(1, 0).ebx >> 24; }

void conf_init(void) { boot_apic_id = this_apic_id(); }
static uint8_t unexpected_seen[256];

void conf(const char *key, const char *fmt, ...)
{
    va_list ap;
    say_begin();
    say_more("CONF %s ", key);
    va_start(ap, fmt);
    say_vmore(fmt, ap);
    va_end(ap);
    say_end();
}

const char *conf_fault_name(int vector)
{
    /* SDM Vol. 3A 6.3.1, table 6-1. */
    static const char *const names[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "v9", "#TS", "#NP", "#SS", "#GP", "#PF", "v15",
        "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "v22", "v23", "v24", "v25", "v26", "v27", "#HV", "#VC", "#SX", "v31"};
    static char other[8];
    if (vector <= 0)
        return "ok";
    if (vector < 32)
        return names[vector];
    /* A vector above 31 is not an exception conf_try reports; say which. */
    other[0] = 'v';
    other[1] = (char)('0' + vector / 100 % 10);
    other[2] = (char)('0' + vector / 10 % 10);
    other[3] = (char)('0' + vector % 10);
    other[4] = 0;
    return other;
}

const char *conf_try_name(int result) { return result == 0 ? "#DE" : conf_fault_name(result); }

struct conf_cpuid conf_cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r = cpuid(leaf, subleaf);
    return (struct conf_cpuid){r.eax, r.ebx, r.ecx, r.edx};
}

uint64_t conf_rdtsc(void) { return rdtsc(); }

struct msr_access {
    uint32_t msr;
    uint64_t value;
};

static void do_rdmsr(void *p)
{
    struct msr_access *a = p;
    a->value = rdmsr(a->msr);
}

static void do_wrmsr(void *p)
{
    struct msr_access *a = p;
    wrmsr(a->msr, a->value);
}

int conf_rdmsr(uint32_t msr, uint64_t *value)
{
    struct msr_access a = {msr, 0};
    int v = conf_try(do_rdmsr, &a);
    if (v >= 0)
        return v;
    *value = a.value;
    return 0;
}

int conf_wrmsr(uint32_t msr, uint64_t value)
{
    struct msr_access a = {msr, value};
    int v = conf_try(do_wrmsr, &a);
    return v >= 0 ? v : 0;
}

void conf_set_handler(unsigned vector, void (*fn)(void))
{
    if (vector >= 32 && vector < 256)
        handlers[vector] = fn;
}

/* An exception with no conf_try armed: the kernel cannot go on, but the
 * comparison should still see where it stopped, so say it and power
 * off. CS:EIP is the same bare and in a partition (one image). */
static void fatal_exception(const struct frame *f)
{
    conf("fatal.exception", "%s eip 0x%08x error 0x%x", conf_fault_name((int)f->vector), f->eip, f->error);
    conform_power_off();
}

#define EFLAGS_NT (1u << 14)
#define EFLAGS_VM (1u << 17)

void isr_dispatch(struct frame *f)
{
    if (vmcall_probe_recover(f))
        return;
    if (f->vector < 32) {
        /* conf_try is the boot CPU's: an AP's exception is fatal. */
        if (!conf_try_esp || this_apic_id() != boot_apic_id)
            fatal_exception(f);
        /* Resume at the landing in ring 0 with the vector in EAX: it
         * reloads the saved stack and returns from conf_try. A fault at
         * CPL 3 left SS:ESP on this stack too; the landing discards it. */
        f->eax = f->vector;
        f->eip = (uint32_t)conf_try_landing;
        f->cs = 0x08;
        f->eflags &= ~(EFLAGS_NT | EFLAGS_VM);
        return;
    }
    if (handlers[f->vector]) {
        handlers[f->vector]();
        return;
    }
    if (!unexpected_seen[f->vector]) {
        unexpected_seen[f->vector] = 1;
        char key[24] = "unexpected.vector.";
        key[18] = (char)('0' + f->vector / 100);
        key[19] = (char)('0' + f->vector / 10 % 10);
        key[20] = (char)('0' + f->vector % 10);
        key[21] = 0;
        conf(key, "fired");
    }
}
