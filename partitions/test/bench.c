/* Exit-cost benchmarks; see bench.h. Each figure is min and mean over
 * BENCH_ITERS timed instructions, less the min of an empty timed pair,
 * so it counts the instruction (its exit and re-entry) alone. Under
 * Bochs the TSC counts instructions: figures are exact path lengths. */
#include "partitions/test/bench.h"
#include "partitions/test/options.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/hv.h"
#include "partitions/common/lib.h"

#define BENCH_ITERS 1000

enum probe { PROBE_EMPTY, PROBE_CPUID, PROBE_VMCALL, PROBE_OUT_BYTE, PROBE_IN_DWORD, PROBE_IN_BYTE, PROBE_MMIO_DWORD };

/* The port the port probes use, the address the MMIO probe reads. */
static uint16_t probe_port;
static volatile uint32_t *probe_mmio;

#define PCI_CFG_ADDRESS 0xCF8
#define PCI_CFG_DATA 0xCFC
#define UNOWNED_PORT 0x80 /* the POST diagnostic port: nobody's, no model (absent device) */

struct result {
    uint64_t min, sum;
};

static struct result measure(enum probe p)
{
    struct result r = {UINT64_MAX, 0};
    for (int i = 0; i < BENCH_ITERS; i++) {
        uint64_t t0 = rdtsc_ordered();
        if (p == PROBE_CPUID)
            (void)cpuid(0, 0);
        else if (p == PROBE_VMCALL) { /* bare VMCALL: no wrapper in the figure */
            uint32_t op = HC_NULL;
            __asm__ __volatile__("vmcall" : "+a"(op) : : "memory");
        } else if (p == PROBE_OUT_BYTE) {
            outb(probe_port, 'x');
        } else if (p == PROBE_IN_DWORD) {
            (void)inl(probe_port);
        } else if (p == PROBE_IN_BYTE) {
            (void)inb(probe_port);
        } else if (p == PROBE_MMIO_DWORD) {
            (void)*probe_mmio;
        }
        uint64_t d = rdtsc_ordered() - t0;
        r.sum += d;
        if (d < r.min)
            r.min = d;
    }
    return r;
}

static void report(const char *name, enum probe p)
{
    struct result base = measure(PROBE_EMPTY), r = measure(p);
    uint64_t avg = udiv64_32(r.sum, BENCH_ITERS, NULL);
    uint64_t min = r.min > base.min ? r.min - base.min : 0;
    avg = avg > base.min ? avg - base.min : 0;
    say("BENCH %s %llu avg %llu (empty rdtsc pair %llu ticks)", name, min, avg, base.min);
}

void bench_cpuid(void) { report("cpuid_exit_ticks", PROBE_CPUID); }

void bench_vmcall(void)
{
    if (!hv_present()) {
        say("BENCH vmcall_null_ticks skipped: no hypervisor");
        return;
    }
    report("vmcall_null_ticks", PROBE_VMCALL);
}

/* bench=devices: an OUT to the emulated UART's THR (a printable byte:
 * the model, the history, the line; a log line is written every 256
 * bytes, which the minimum leaves out and the mean includes), a
 * CONFIG_DATA dword read of the host bridge's ID (the emulated PCI
 * configuration space), the same register read through its ECAM window
 * when ecam= names one (an EPT violation, the instruction fetched
 * through the guest's page tables and decoded), and a read of a port
 * nothing answers (the absent-device path, its first 16 accesses
 * logged). */
void bench_devices(const struct options *o)
{
    if (!hv_present()) {
        if (o->bench_emul_uart || o->bench_pci_cfg || o->bench_unowned)
            say("BENCH devices skipped: no hypervisor");
        return;
    }
    if (o->bench_emul_uart) {
        probe_port = o->emul_uart_port ? o->emul_uart_port : COM4_PORT;
        report("emul_uart_out_ticks", PROBE_OUT_BYTE);
        outb(probe_port, '\n'); /* ends the line of x's */
    }
    if (o->bench_pci_cfg) {
        outl(PCI_CFG_ADDRESS, 0x80000000u); /* 00:00.0, register 0 */
        probe_port = PCI_CFG_DATA;
        report("pci_cfg_read_ticks", PROBE_IN_DWORD);
        if (o->ecam) {
            probe_mmio = (volatile uint32_t *)(uintptr_t)o->ecam; /* 00:00.0, register 0; paging is off */
            report("pci_ecam_read_ticks", PROBE_MMIO_DWORD);
        }
    }
    if (o->bench_unowned) {
        probe_port = UNOWNED_PORT;
        report("unowned_port_ticks", PROBE_IN_BYTE);
    }
}
