/* Port I/O the partition does not own (owned ports never exit: the I/O
 * bitmap passes them). Power-off ports stop the partition with its exit
 * code (also its ACPI sleep control register, arch/x86/partition_acpi.h);
 * a port owned by another partition or by the hypervisor stops it
 * as hostile; PCI configuration mechanism #1 (0xCF8/0xCFC) is each
 * partition's own, emulated (hv/pci_cfg.h), and so is the CMOS clock
 * (0x70/0x71, hv/rtc_cmos.h); any other port nobody owns
 * behaves like absent hardware (reads give all ones, writes are
 * dropped), which is what OSes probe for. A partition's emulated UART
 * (cfg emul_uart_port, hv/emul_uart.h) answers its eight ports.
 * Which model answers which port of which partition is decided at build
 * time: exit_io calls the generated io_dispatch (vmx/io_dispatch.h),
 * whose switches call the io_model_* entries below directly; only the
 * ports no model answers take the run-time path (owner search, ACPI PM1a
 * power-off, absent device).
 * Exit qualification: Intel SDM Vol. 3C Table 28-5. */
#include "arch/x86/partition_acpi.h"
#include "arch/x86/platform.h"
#include "arch/x86/rtc.h"
#include "hv/console.h"
#include "hv/emul_uart.h"
#include "hv/pci_assign.h"
#include "hv/rtc_cmos.h"
#include "hv/spinlock.h"
#include "hv/uart_model.h"
#include "vmx/exit.h"
#include "vmx/io_dispatch.h"
#include "vmx/root_fault.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

#define QUAL_SIZE(q) (((q) & 7) + 1)
#define QUAL_IN(q) (((q) >> 3) & 1)
#define QUAL_STRING(q) (((q) >> 4) & 1)
#define QUAL_REP(q) (((q) >> 5) & 1)
#define QUAL_PORT(q) ((uint16_t)((q) >> 16))

#define ISA_DEBUG_EXIT_PORT 0xF4
#define BOCHS_SHUTDOWN_PORT 0x8900
#define PM1_SLP_EN (1u << 13)
#define LOG_LIMIT 16

static const char shutdown_string[] = "Shutdown";
static uint32_t logged_per_partition[CFG_MAX_PARTITIONS];
static struct rtc_cmos rtc_clocks[CFG_MAX_PARTITIONS];
static spinlock_t rtc_locks[CFG_MAX_PARTITIONS]; /* a partition's CPUs share its clock */
static uint32_t rtc_set_logged[CFG_MAX_PARTITIONS];

/* IN of size bytes: 32-bit IN zero-extends into RAX; smaller sizes keep
 * the rest. */
static void set_in_result(struct vcpu *v, uint32_t size, uint32_t value)
{
    uint64_t mask = size == 4 ? 0xFFFFFFFFull : (1ull << (8 * size)) - 1;
    uint64_t rax = size == 4 ? 0 : v->regs.gpr[GPR_RAX] & ~mask;
    v->regs.gpr[GPR_RAX] = rax | (value & mask);
}

/* A write that powers the partition off stops it (and does not return). */
static void check_power_off(struct vcpu *v, uint16_t port, uint32_t value)
{
    struct partition *p = v->partition;
    if (port == ISA_DEBUG_EXIT_PORT)
        partition_stop_current((int)value, "powered off through port 0xf4 (exit code %u)", value);
    if (port == platform.acpi.pm1a_cnt_port && port != 0 && (value & PM1_SLP_EN))
        partition_stop_current(0, "powered off through ACPI PM1a_CNT (SLP_TYP %u)", (value >> 10) & 7);
    if (port == PACPI_SLEEP_CONTROL_PORT && (value & PACPI_SLP_EN))
        partition_stop_current(0, "powered off through its ACPI sleep control register (SLP_TYP %u)",
                               (value >> 2) & 7);
    if (port == BOCHS_SHUTDOWN_PORT) {
        p->shutdown_match = (uint8_t)value == (uint8_t)shutdown_string[p->shutdown_match] ? p->shutdown_match + 1
                            : (uint8_t)value == 'S'                                       ? 1
                                                                                          : 0;
        if (p->shutdown_match == sizeof shutdown_string - 1)
            partition_stop_current(0, "powered off through the Bochs shutdown port 0x8900");
    }
}

static bool is_power_port(uint16_t port)
{
    return port == ISA_DEBUG_EXIT_PORT || port == BOCHS_SHUTDOWN_PORT || port == PACPI_SLEEP_CONTROL_PORT ||
           port == PACPI_SLEEP_CONTROL_PORT + 1 ||
           (port != 0 && port == platform.acpi.pm1a_cnt_port);
}

static void absent_device(struct vcpu *v, uint64_t q)
{
    uint16_t port = QUAL_PORT(q);
    uint32_t size = QUAL_SIZE(q);
    uint32_t *n = &logged_per_partition[v->partition->id];
    if (__builtin_expect(root_fault_test_armed, 0))
        root_fault_test();
    if (!is_power_port(port) && ++*n <= LOG_LIMIT)
        printk("%s: %s of unowned port 0x%x (no device there)%s", v->partition->label, QUAL_IN(q) ? "read" : "write",
               port, *n == LOG_LIMIT ? "; further messages suppressed" : "");
    if (QUAL_STRING(q)) {
        if (QUAL_REP(q))
            v->regs.gpr[GPR_RCX] = 0; /* the whole string went nowhere */
        return;
    }
    if (QUAL_IN(q))
        set_in_result(v, size, 0xFFFFFFFFu);
}

/* ------------------------------------------- models, for io_dispatch */

/* The partition's PCI configuration space (ports 0xCF8-0xCFF): answered
 * without a log line (a bus scan is what kernels do at boot). String I/O
 * there is left to absent_device: no kernel scans configuration space
 * with INS/OUTS. */
bool io_model_pci_cfg(struct vcpu *v, uint64_t q)
{
    uint16_t port = QUAL_PORT(q);
    uint32_t size = QUAL_SIZE(q);
    if (QUAL_STRING(q) || port < PCI_CFG_ADDRESS_PORT || port > PCI_CFG_DATA_PORT + 3)
        return false;
    if (!pci_cfg_handles(port, size)) {
        /* Byte and word cycles at 0xCF8-0xCFB (a probe for mechanism #2)
         * and 0xCF9 reach no device: absent hardware, unlogged like the
         * rest of a boot-time probe. */
        if (QUAL_IN(q))
            set_in_result(v, size, 0xFFFFFFFFu);
        return true;
    }
    struct pci_cfg_space *s = pci_space_of(v->partition); /* hv/pci_assign.c fills it at boot */
    if (QUAL_IN(q))
        set_in_result(v, size, pci_cfg_read(s, port, size));
    else
        pci_cfg_write(s, port, size, (uint32_t)v->regs.gpr[GPR_RAX]);
    return true;
}

/* The partition's CMOS clock, answered without a log line but for the
 * first LOG_LIMIT times it sets its clock. Its state outlives a restart
 * of the partition, as a battery-backed clock outlives a reset. String
 * I/O is left to absent_device, as for PCI. */
bool io_model_rtc(struct vcpu *v, uint64_t q)
{
    uint16_t port = QUAL_PORT(q);
    uint32_t size = QUAL_SIZE(q);
    if (QUAL_STRING(q) || !rtc_cmos_handles(port, size))
        return false;
    uint32_t id = v->partition->id;
    struct rtc_cmos *c = &rtc_clocks[id];
    struct rtc_date d;
    bool set = false, log;
    spin_lock(&rtc_locks[id]);
    uint64_t now = rtc_machine_now();
    if (!c->ready)
        rtc_cmos_reset(c, rtc_machine.reg_a, rtc_machine.reg_b);
    if (QUAL_IN(q))
        set_in_result(v, size, rtc_cmos_in(c, port, size, now));
    else if ((set = rtc_cmos_out(c, port, size, (uint32_t)v->regs.gpr[GPR_RAX], now)))
        rtc_cmos_time(c, now, &d);
    log = set && ++rtc_set_logged[id] <= LOG_LIMIT;
    spin_unlock(&rtc_locks[id]);
    if (log)
        printk("%s: its CMOS clock set to %04u-%02u-%02u %02u:%02u:%02u (its own: the machine's and other "
               "partitions' clocks run on)", v->partition->label, d.year, d.month, d.day, d.hour, d.minute, d.second);
    return true;
}

/* What an OUT (not string) wrote: AL, AX or EAX. */
static uint32_t out_value(const struct vcpu *v, uint64_t q)
{
    uint32_t size = QUAL_SIZE(q);
    return (uint32_t)v->regs.gpr[GPR_RAX] & (size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1);
}

/* A power-off port: a write may stop the partition; otherwise (and for
 * reads) nothing is there, unlogged. */
bool io_model_power(struct vcpu *v, uint64_t q)
{
    if (!QUAL_IN(q) && !QUAL_STRING(q))
        check_power_off(v, QUAL_PORT(q), out_value(v, q));
    absent_device(v, q);
    return true;
}

/* Register reg of the partition's emulated UART. A wider access reaches
 * the next registers too, a byte each (the 16550 decodes byte addresses);
 * bytes past the eighth reach nothing. String I/O is left to
 * absent_device: drivers write a UART a byte at a time. */
bool io_model_uart(struct vcpu *v, uint64_t q, unsigned reg)
{
    if (QUAL_STRING(q))
        return false;
    uint32_t size = QUAL_SIZE(q), in = 0, out = (uint32_t)v->regs.gpr[GPR_RAX];
    for (uint32_t b = 0; b < size; b++) {
        unsigned r = reg + b;
        if (QUAL_IN(q))
            in |= (uint32_t)(r < UART_REGS ? emul_uart_in(v->partition, r) : 0xFF) << (8 * b);
        else if (r < UART_REGS)
            emul_uart_out(v->partition, r, (uint8_t)(out >> (8 * b)));
    }
    if (QUAL_IN(q))
        set_in_result(v, size, in);
    return true;
}

/* A port no model of this partition answers: one another partition or
 * the hypervisor owns stops it as hostile; the machine's ACPI PM1a
 * control port (found at boot, so not in the generated dispatch) may
 * power it off; anything else is absent hardware. */
static void unanswered_port(struct vcpu *v, uint64_t q)
{
    uint16_t port = QUAL_PORT(q);
    const char *owner = port_owner(port);
    if (owner)
        partition_stop_current(-1, "I/O %s of port 0x%x refused: it belongs to %s", QUAL_IN(q) ? "read" : "write",
                               port, owner);
    if (!QUAL_IN(q) && !QUAL_STRING(q))
        check_power_off(v, port, out_value(v, q));
    absent_device(v, q);
}

void exit_io(struct vcpu *v, uint64_t q)
{
    if (!io_dispatch(v, q, QUAL_PORT(q)))
        unanswered_port(v, q);
    vmx_advance_rip();
}
