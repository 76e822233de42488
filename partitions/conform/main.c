/* Conformance kernel main flow (README.md): options, console, IDT, then
 * each probe group in the order conform.h lists, then power-off. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/hv.h"
#include "partitions/common/idt.h"
#include "partitions/common/lib.h"
#include "partitions/common/multiboot.h"
#include "partitions/common/options.h"
#include "partitions/common/power.h"
#include "partitions/conform/conform.h"
#include "partitions/conform/kernel.h"

void kmain(uint32_t magic, const struct mb_info *mbi);

static struct conform_options opt = {.console_port = COM1_PORT, .exit = EXIT_ACPI};

/* The probe groups in the order they run; skip= takes their names. */
static const struct group {
    const char *name;
    void (*probe)(void);
} groups[] = {
    /* xapic before tsc: the LAPIC leaves reset in xAPIC mode, and once a
     * group has switched it to x2APIC there is no way back on bare Bochs
     * (it cannot re-enable a LAPIC disabled through IA32_APIC_BASE). */
    {"cpu", probe_cpu_features}, {"pmu", probe_pmu},   {"xapic", probe_xapic}, {"tsc", probe_tsc},
    {"exceptions", probe_exceptions}, {"smp", probe_smp}, {"pci", probe_pci}, {"rtc", probe_rtc},
    {"realmode", probe_realmode},
};
#define GROUP_COUNT (sizeof groups / sizeof groups[0])
static uint8_t skipped[GROUP_COUNT];

/* skip=NAME[,NAME...]: groups not to run (to look at the others while
 * one of them is broken). */
static int parse_skip(char *v)
{
    for (char *w = v; *w;) {
        char *end = w;
        while (*end && *end != ',')
            end++;
        char sep = *end;
        *end = 0;
        unsigned i = 0;
        while (i < GROUP_COUNT && !kstreq(w, groups[i].name))
            i++;
        *end = sep;
        if (i == GROUP_COUNT)
            return -1;
        skipped[i] = 1;
        w = sep ? end + 1 : end;
    }
    return 0;
}

static int parse_exit(const char *v)
{
    static const char *const names[] = {"acpi", "bochs"};
    unsigned i;
    if (!opt_choice(v, names, 2, &i))
        opt.exit = i == 0 ? EXIT_ACPI : EXIT_BOCHS;
    else if (kstreq(v, "none"))
        opt.exit = EXIT_NONE;
    else if (!opt_u32(v, 10, 0, UINT32_MAX, &opt.exit_code))
        opt.exit = EXIT_CODE;
    else
        return -1;
    return 0;
}

static int option_word(const char *key, char *val, void *ctx)
{
    (void)ctx;
    if (!val && kstreq(key, "selftest")) {
        opt.selftest = 1;
        return 0;
    }
    if (!val) /* the kernel path a loader may put first */
        return key[0] == '/' ? 0 : -1;
    if (kstreq(key, "console")) {
        uint16_t port;
        if (opt_console(val, &port) || port == 0)
            return -1;
        opt.console_port = port;
        return 0;
    }
    if (kstreq(key, "exit"))
        return parse_exit(val);
    if (kstreq(key, "skip"))
        return parse_skip(val);
    return -1;
}

/* Lines from the boot CPU and the APs must not interleave. The owner is
 * the CPU's initial APIC id (CPUID.1:EBX[31:24], SDM Vol. 2A CPUID), so
 * a line printed inside another on the same CPU passes at once. */
static volatile uint32_t line_owner = 0xFFFFFFFFu;

uint32_t console_line_lock(void)
{
    uint32_t me = cpuid(1, 0).ebx >> 24;
    if (line_owner == me)
        return 0;
    for (;;) {
        uint32_t expect = 0xFFFFFFFFu;
        if (__atomic_compare_exchange_n(&line_owner, &expect, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return 1;
        cpu_relax();
    }
}

void console_line_unlock(uint32_t held)
{
    if (held)
        __atomic_store_n(&line_owner, 0xFFFFFFFFu, __ATOMIC_RELEASE);
}

void conform_power_off(void)
{
    switch (opt.exit) {
    case EXIT_NONE:
        say("halted");
        halt_forever();
    case EXIT_CODE:
        say("power off: exit code %u to port 0x%x", opt.exit_code, ISA_DEBUG_EXIT);
        power_exit_code(opt.exit_code);
        break;
    case EXIT_ACPI:
        say("power off: ACPI S5 to port 0x%x", BOCHS_PM1A_CNT);
        power_acpi_s5();
        break;
    case EXIT_BOCHS:
        say("power off: \"Shutdown\" to port 0x%x", BOCHS_SHUTDOWN);
        power_bochs_shutdown();
        break;
    }
    /* A power-off that takes effect asynchronously still ends here. */
    say("power off did not happen; halted");
    halt_forever();
}


void kmain(uint32_t magic, const struct mb_info *mbi)
{
    if (magic != MB_BOOT_MAGIC)
        mbi = 0; /* not a multiboot loader: EBX means nothing */
    opt_parse(mb_cmdline(mbi), option_word, 0, opt.bad, &opt.bad_count);
    console_init(opt.console_port, "conform");
    idt_init();
    conf_init();
    /* Not a CONF line: the one fact that must differ. */
    say("conformance kernel up: %s", hv_detect() ? "in a partition" : "bare (no hypervisor answers VMCALL)");
    for (uint32_t i = 0; i < opt.bad_count; i++)
        say("warning: ignoring option '%s'", opt.bad[i]);

    if (opt.selftest)
        conform_selftest();
    for (unsigned i = 0; i < GROUP_COUNT; i++) {
        if (skipped[i]) {
            conf("conform.skipped", "%s", groups[i].name);
            continue;
        }
        say("probing: %s", groups[i].name);
        groups[i].probe();
    }
    conf("conform.done", "ok");
    conform_power_off();
}
