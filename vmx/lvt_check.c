/* LVT write checks (vmx/lvt_check.h). Layouts: Intel SDM Vol. 3A 10.5.1,
 * Figure 10-8. In x2APIC mode a WRMSR that sets a reserved bit raises #GP
 * (SDM 10.12.1.3, "Reserved Bit Checking"): those writes get #GP here
 * too, whatever the emulator or CPU underneath does. The read-only bits
 * (delivery status, remote IRR) are accepted and left to the CPU.
 *
 * A masked entry delivers nothing, and unmasking it takes another write,
 * checked then: a masked entry may hold any mode (Linux parks LINT0 as
 * masked ExtINT on its boot CPU). An unmasked one may deliver:
 * - fixed, any vector: a vector below 16 is the LAPIC's own "illegal
 *   vector" (SDM 10.5.2, 10.5.3: not delivered, flagged in its ESR),
 *   which stays on its CPU;
 * - NMI, to its own CPU (Linux: LINT1 on the boot CPU, perf counters for
 *   its watchdog).
 * A fixed LINT0/LINT1 entry must be edge-triggered: a level-triggered
 * one sets the vector's TMR bit, and its EOI is then broadcast to the
 * IOAPIC, clearing Remote-IRR of every entry with that vector — another
 * partition's included (SDM 10.8.5; vmx/ioapic_check.c keeps IOAPIC
 * level vectors apart for the same reason).
 * SMI (into firmware shared by all partitions), INIT (a reset the
 * hypervisor does not see coming), ExtINT (a vector taken from the legacy
 * 8259, shared) and the reserved modes are refused: the partition stops. */
#include "vmx/lvt_check.h"

#define LVT_VECTOR 0xFFull
#define LVT_DELIVERY_MODE (7ull << 8)
#define LVT_DELIVERY_STATUS (1ull << 12) /* read-only */
#define LVT_PIN_POLARITY (1ull << 13)
#define LVT_REMOTE_IRR (1ull << 14) /* read-only */
#define LVT_TRIGGER_MODE (1ull << 15)
#define LVT_MASKED (1ull << 16)
#define LVT_TIMER_MODE (3ull << 17)

#define DM_FIXED 0
#define DM_NMI 4

#define COMMON (LVT_VECTOR | LVT_DELIVERY_STATUS | LVT_MASKED)
#define WITH_MODE (COMMON | LVT_DELIVERY_MODE)
#define LINT (WITH_MODE | LVT_PIN_POLARITY | LVT_REMOTE_IRR | LVT_TRIGGER_MODE)

static const struct {
    uint32_t msr;
    const char *name;
    uint64_t defined; /* every bit not here is reserved */
} lvts[] = {
    {0x82F, "CMCI", WITH_MODE},
    {0x832, "timer", COMMON | LVT_TIMER_MODE},
    {0x833, "thermal", WITH_MODE},
    {0x834, "perf", WITH_MODE},
    {0x835, "LINT0", LINT},
    {0x836, "LINT1", LINT},
    {0x837, "error", COMMON},
};

static int lvt_index(uint32_t msr)
{
    for (unsigned i = 0; i < sizeof lvts / sizeof lvts[0]; i++)
        if (lvts[i].msr == msr)
            return (int)i;
    return -1;
}

const char *lvt_name(uint32_t msr)
{
    int i = lvt_index(msr);
    return i < 0 ? NULL : lvts[i].name;
}

static const char *const refused_modes[8] = {
    [1] = "reserved delivery mode 1", [2] = "SMI delivery", [3] = "reserved delivery mode 3",
    [5] = "INIT delivery",            [6] = "reserved delivery mode 6", [7] = "ExtINT delivery",
};

enum lvt_verdict lvt_check(uint32_t msr, uint64_t value, const char **why)
{
    int i = lvt_index(msr);
    *why = "not an LVT register";
    if (i < 0)
        return LVT_GP;
    *why = "reserved bits set";
    if (value & ~lvts[i].defined)
        return LVT_GP;
    *why = NULL;
    if ((value & LVT_MASKED) || !(lvts[i].defined & LVT_DELIVERY_MODE))
        return LVT_WRITE;
    uint32_t dm = (uint32_t)((value & LVT_DELIVERY_MODE) >> 8);
    if (dm == DM_FIXED && (value & LVT_TRIGGER_MODE)) {
        *why = "level-triggered fixed delivery (its EOI would reach other partitions' IOAPIC entries)";
        return LVT_REFUSE;
    }
    if (dm == DM_FIXED || dm == DM_NMI)
        return LVT_WRITE;
    *why = refused_modes[dm];
    return LVT_REFUSE;
}
