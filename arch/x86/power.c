/* Power-off, most specific first:
 * 1. under a hypervisor (CPUID.1:ECX[31]), QEMU's isa-debug-exit port 0xF4
 *    carries the exit code; absent, the write is ignored;
 * 2. ACPI S5 through PM1a/PM1b_CNT with \_S5's SLP_TYP (ACPI 6.4, 4.8.3.2,
 *    7.4.2) — real boards, QEMU and Bochs;
 * 3. the Bochs/old-QEMU "Shutdown" string on port 0x8900;
 * then halt. */
#include "arch/x86/power.h"

#include "arch/x86/acpi.h"
#include "arch/x86/cpu.h"

#define ISA_DEBUG_EXIT_PORT 0xF4
#define BOCHS_SHUTDOWN_PORT 0x8900
#define PM1_SCI_EN (1u << 0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN (1u << 13)
#define KBC_STATUS_PORT 0x64
#define KBC_RESET_CMD 0xFE
#define RESET_CONTROL_PORT 0xCF9
#define RESET_CONTROL_HARD 0x06

static struct {
    uint16_t pm1a_cnt, pm1b_cnt, smi_cmd;
    uint8_t acpi_enable, slp_typ_a, slp_typ_b;
    bool s5;
} pm;

void power_init(const struct acpi_info *acpi)
{
    pm.pm1a_cnt = (uint16_t)acpi->pm1a_cnt_port;
    pm.pm1b_cnt = (uint16_t)acpi->pm1b_cnt_port;
    pm.smi_cmd = (uint16_t)acpi->smi_cmd_port;
    pm.acpi_enable = acpi->acpi_enable_value;
    pm.slp_typ_a = acpi->s5_slp_typ_a;
    pm.slp_typ_b = acpi->s5_slp_typ_b;
    pm.s5 = acpi->has_fadt && acpi->has_s5 && pm.pm1a_cnt;
}

static void acpi_sleep_s5(void)
{
    /* Hand ACPI to the OS first if firmware still owns it (ACPI 4.8.2.5). */
    if (!(inw(pm.pm1a_cnt) & PM1_SCI_EN) && pm.smi_cmd && pm.acpi_enable) {
        outb(pm.smi_cmd, pm.acpi_enable);
        for (int i = 0; i < 1000000 && !(inw(pm.pm1a_cnt) & PM1_SCI_EN); i++)
            cpu_relax();
    }
    outw(pm.pm1a_cnt, (uint16_t)((pm.slp_typ_a << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
    if (pm.pm1b_cnt)
        outw(pm.pm1b_cnt, (uint16_t)((pm.slp_typ_b << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
}

NORETURN void power_off(uint8_t code)
{
    irq_disable();
    if (cpuid(1, 0).ecx & CPUID1_ECX_HYPERVISOR)
        outl(ISA_DEBUG_EXIT_PORT, code);
    if (pm.s5)
        acpi_sleep_s5();
    for (const char *s = "Shutdown"; *s; s++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
    cpu_stop_forever();
}

NORETURN void power_reboot(void)
{
    irq_disable();
    outb(RESET_CONTROL_PORT, RESET_CONTROL_HARD);
    outb(KBC_STATUS_PORT, KBC_RESET_CMD);
    /* Last resort: an empty IDT turns the next exception into a triple
     * fault, which resets the machine. */
    static const struct PACKED {
        uint16_t limit;
        uint64_t base;
    } empty_idt = {0, 0};
    __asm__ __volatile__("lidt %0; int3" ::"m"(empty_idt));
    cpu_stop_forever();
}
