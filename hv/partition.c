/* Partition life cycle: built once at boot from the static config, run
 * one vCPU per CPU, stopped alone when it misbehaves or powers off. */
#include "hv/partition.h"

#include <stdarg.h>

#include "arch/x86/cpu.h"
#include "arch/x86/ioapic.h"
#include "arch/x86/linux_boot.h"
#include "arch/x86/platform.h"
#include "arch/x86/mm.h"
#include "arch/x86/power.h"
#include "arch/x86/topology.h"
#include "arch/x86/x2apic.h"
#include "hv/console.h"
#include "hv/fmt.h"
#include "hv/pci_assign.h"
#include "hv/percpu.h"
#include "hv/quiesce.h"
#include "hv/string.h"
#include "rpc/rpc.h"
#include "vmx/bitmaps.h"
#include "vmx/ept.h"
#include "vmx/vcpu.h"

#define COM2_BASE 0x2F8
#define COM2_LAST 0x2FF

struct partition partition_table[CFG_MAX_PARTITIONS];
uint32_t partition_count;
static volatile bool partitions_released;
static const char *exit_with_name;
static struct vcpu vcpu_table[HV_MAX_CPUS];

/* ----------------------------------------------------------- ownership */

int partition_cpu_slot(const struct partition *p, uint32_t apic_id)
{
    for (uint32_t i = 0; i < p->cpu_count; i++)
        if (p->apic_ids[i] == apic_id)
            return (int)i;
    return -1;
}

bool partition_owns_apic_id(const struct partition *p, uint32_t apic_id) { return partition_cpu_slot(p, apic_id) >= 0; }

bool partition_owns_pin(const struct partition *p, uint32_t pin)
{
    for (uint32_t i = 0; i < p->cfg->pin_count; i++)
        if (p->cfg->ioapic_pins[i] == pin)
            return true;
    return false;
}

bool partition_owns_port(const struct partition *p, uint16_t port)
{
    for (uint32_t k = 0; k < p->cfg->io_count; k++)
        if (port >= p->cfg->io[k].base && port - p->cfg->io[k].base < p->cfg->io[k].count)
            return true;
    return pci_owns_port(p, port); /* its PCI functions' I/O BARs */
}

const char *port_owner(uint16_t port)
{
    if (port >= COM2_BASE && port <= COM2_LAST)
        return "the hypervisor (its console)";
    for (uint32_t i = 0; i < partition_count; i++)
        if (partition_owns_port(&partition_table[i], port))
            return partition_table[i].label;
    return NULL;
}

const char *apic_id_owner(uint32_t apic_id)
{
    for (uint32_t i = 0; i < partition_count; i++)
        if (partition_owns_apic_id(&partition_table[i], apic_id))
            return partition_table[i].label;
    return NULL;
}

/* --------------------------------------------------------------- setup */

static bool take_cpus(struct partition *p, char *err, size_t errlen)
{
    for (uint32_t cpu = 0; cpu < 64; cpu++) {
        if (!(p->cfg->cpus & (1ull << cpu)))
            continue;
        if (cpu >= percpu_count || percpu_table[cpu].state != CPU_ONLINE || p->cpu_count == HV_MAX_PARTITION_CPUS) {
            fmt_snprintf(err, errlen, "CPU %u is not online on this machine", cpu);
            return false;
        }
        p->cpus[p->cpu_count] = cpu;
        /* All but its first CPU start parked, as after power-on. */
        p->waiting_for_sipi[p->cpu_count] = p->cpu_count > 0;
        p->apic_ids[p->cpu_count++] = percpu_table[cpu].apic_id;
    }
    return true;
}

static bool is_usable(const struct boot_info *bi, uint64_t base, uint64_t size)
{
    for (uint32_t i = 0; i < bi->mmap_count; i++) {
        const struct mem_range *r = &bi->mmap[i];
        if (r->type == MEM_USABLE && base >= r->base && base + size <= r->base + r->len)
            return true;
    }
    return false;
}

/* Checks the RAM against the machine's memory map and wipes it, so a
 * partition never sees what the firmware or the loader left there. */
static bool take_ram(struct partition *p, const struct boot_info *bi, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < p->cfg->mem_count; i++) {
        const struct cfg_mem *m = &p->cfg->mem[i];
        if (m->kind != CFG_MEM_RAM)
            continue;
        if (!is_usable(bi, m->host, m->size)) {
            fmt_snprintf(err, errlen, "RAM [0x%lx, 0x%lx) is not usable RAM on this machine", m->host,
                         m->host + m->size);
            return false;
        }
        memset(phys_to_virt(m->host), 0, m->size);
        p->ram.r[p->ram.count++] = (struct guest_ram_region){m->guest, m->size, phys_to_virt(m->host)};
        p->ram_bytes += m->size;
    }
    return true;
}

/* The machine's ranges no raw MMIO may reach, as found at boot: the
 * static check (hv/config_check.c) knows the PC's fixed addresses; these
 * are the firmware's own (ACPI, the memory map). */
#define MAX_FORBIDDEN (ACPI_MAX_ECAM + ACPI_MAX_DMAR_UNITS + ACPI_MAX_IOAPICS + BOOT_MAX_MMAP + 2)
#define LAPIC_WINDOW_SIZE MiB(1) /* the LAPIC page and the MSI window (SDM Vol. 3A 11.11.1) */

static uint32_t machine_ranges(const struct boot_info *bi, struct cfg_forbidden *f)
{
    const struct acpi_info *a = &platform.acpi;
    uint32_t n = 0;
    for (uint32_t i = 0; i < a->ecam_count; i++)
        f[n++] = (struct cfg_forbidden){a->ecam[i].base, a->ecam[i].size, "the PCIe ECAM window (ACPI MCFG)"};
    for (uint32_t i = 0; i < a->dmar_unit_count; i++)
        f[n++] = (struct cfg_forbidden){a->dmar_units[i].base, a->dmar_units[i].size,
                                        "a DMA-remapping unit (ACPI DMAR)"};
    for (uint32_t i = 0; i < a->ioapic_count; i++)
        f[n++] = (struct cfg_forbidden){a->ioapics[i].addr, IOAPIC_MMIO_SIZE, "an IOAPIC (ACPI MADT)"};
    if (a->lapic_addr)
        f[n++] = (struct cfg_forbidden){a->lapic_addr, LAPIC_WINDOW_SIZE, "the local APIC and MSI window"};
    if (platform.has_hpet)
        f[n++] = (struct cfg_forbidden){platform.hpet.base, PAGE_SIZE, "the HPET (MSI-capable: mediated only)"};
    for (uint32_t i = 0; i < bi->mmap_count; i++)
        if (bi->mmap[i].type != MEM_USABLE)
            f[n++] = (struct cfg_forbidden){bi->mmap[i].base, bi->mmap[i].len,
                                            bi->mmap[i].type == MEM_ACPI_NVS ? "firmware memory (ACPI NVS)"
                                                                              : "firmware-reserved memory"};
    return n;
}

/* Raw MMIO away from what the firmware reports; a mediated HPET region is
 * this machine's HPET, with comparators it has. */
static bool check_devices(struct partition *p, const struct boot_info *bi, char *err, size_t errlen)
{
    static struct cfg_forbidden forbidden[MAX_FORBIDDEN];
    uint32_t n = machine_ranges(bi, forbidden);
    if (config_mmio_conflict(p->cfg, forbidden, n, err, errlen))
        return false;
    for (uint32_t i = 0; i < p->cfg->mem_count; i++) {
        const struct cfg_mem *m = &p->cfg->mem[i];
        if (m->kind != CFG_MEM_HPET)
            continue;
        if (!platform.has_hpet || m->host != platform.hpet.base) {
            fmt_snprintf(err, errlen, "its HPET region [0x%lx, 0x%lx) is not this machine's HPET", m->host,
                         m->host + m->size);
            return false;
        }
        uint32_t have = platform.hpet.comparators >= 32 ? ~0u : (1u << platform.hpet.comparators) - 1;
        if (p->cfg->hpet_timers & ~have) {
            fmt_snprintf(err, errlen, "HPET comparators 0x%x: this HPET has %u", p->cfg->hpet_timers,
                         platform.hpet.comparators);
            return false;
        }
    }
    return true;
}

static uint64_t alloc_table(void *ctx)
{
    (void)ctx;
    return mm_alloc_pages(1);
}

static bool build_tables(struct partition *p, char *err, size_t errlen)
{
    p->ept = (struct page_table){.alloc_table = alloc_table, .phys_to_virt = phys_to_virt};
    p->msr_bitmap_pa = mm_alloc_pages(1);
    p->io_bitmap_pa = mm_alloc_pages(2);
    if (ept_build(&p->ept, p->cfg, &p->eptp) != 0 || !p->msr_bitmap_pa || !p->io_bitmap_pa) {
        fmt_snprintf(err, errlen, "out of hypervisor memory for its EPT and bitmaps");
        return false;
    }
    msr_bitmap_build(phys_to_virt(p->msr_bitmap_pa));
    struct cfg_io io[CFG_MAX_IO + PCI_MAX_IO_BARS];
    io_bitmap_build(phys_to_virt(p->io_bitmap_pa), io, pci_partition_io(p, io));
    return pci_map_bars(p, err, errlen);
}

/* What the ACPI tables of a Linux partition show: its CPUs, the IOAPIC
 * when it owns pins, COM1 when it owns the port and IRQ 4, a PCI host
 * bridge when it has PCI functions. */
static void linux_board(const struct partition *p, struct pacpi_board *b)
{
    *b = (struct pacpi_board){.cpu_count = p->cpu_count};
    for (uint32_t i = 0; i < p->cpu_count && i < PACPI_MAX_CPUS; i++)
        b->apic_ids[i] = p->apic_ids[i];
    if (p->cfg->pin_count && platform.acpi.ioapic_count) {
        b->has_ioapic = true;
        b->ioapic_id = platform.acpi.ioapics[0].id;
        b->ioapic_addr = platform.acpi.ioapics[0].addr;
    }
    b->has_com1 = b->has_ioapic && partition_owns_port(p, 0x3F8) && partition_owns_pin(p, 4);
    pci_describe_board(p, b); /* its functions were assigned before it loads */
}

/* Linux (a vmlinux ELF): the boot protocol, with its module "initrd". */
static int load_linux(struct partition *p, const struct boot_module *kernel, const struct loader_module *mods,
                      uint32_t nmods, const char *cmdline, char *why, size_t whylen)
{
    const struct loader_module *initrd = NULL;
    for (uint32_t i = 0; i < nmods; i++)
        if (strcmp(mods[i].name, "initrd") == 0)
            initrd = &mods[i];
    struct pacpi_board board;
    linux_board(p, &board);
    return linux_boot_load(phys_to_virt(kernel->start), kernel->end - kernel->start, &p->ram, &board, cmdline,
                           initrd ? initrd->data : NULL, initrd ? initrd->size : 0, &p->entry, why, whylen);
}

/* Its kernel is the module named cfg->image; modules named
 * "<partition>+<file>" are handed to that kernel as its own (a Linux
 * kernel takes the one named "initrd" as its initramfs). */
static bool load_kernel(struct partition *p, const struct boot_info *bi, char *err, size_t errlen)
{
    const struct boot_module *kernel = NULL;
    struct loader_module mods[LOADER_MAX_MODULES];
    uint32_t nmods = 0;
    size_t prefix = strlen(p->cfg->name);
    for (uint32_t i = 0; i < bi->module_count; i++) {
        const struct boot_module *m = &bi->modules[i];
        if (strcmp(m->name, p->cfg->image) == 0)
            kernel = m;
        else if (strncmp(m->name, p->cfg->name, prefix) == 0 && m->name[prefix] == '+' && nmods < LOADER_MAX_MODULES)
            mods[nmods++] = (struct loader_module){m->name + prefix + 1, phys_to_virt(m->start), m->end - m->start,
                                                   m->args};
    }
    if (!kernel) {
        fmt_snprintf(err, errlen, "its image '%s' is not among the boot modules", p->cfg->image);
        return false;
    }
    char cmdline[BOOT_CMDLINE_MAX];
    fmt_snprintf(cmdline, sizeof cmdline, "%s%s%s", p->cfg->cmdline ? p->cfg->cmdline : "",
                 kernel->args[0] ? " " : "", kernel->args);
    char why[160];
    bool is_linux = linux_boot_is_linux(phys_to_virt(kernel->start), kernel->end - kernel->start);
    int rc = is_linux ? load_linux(p, kernel, mods, nmods, cmdline, why, sizeof why)
                      : loader_load(phys_to_virt(kernel->start), kernel->end - kernel->start, &p->ram, cmdline, mods,
                                    nmods, &p->entry, why, sizeof why);
    if (rc != 0) {
        fmt_snprintf(err, errlen, "cannot load '%s': %s", p->cfg->image, why);
        return false;
    }
    printk("%s: '%s' loaded, entry 0x%lx (%s), command line '%s', %u module(s)", p->label, p->cfg->image,
           p->entry.rip,
           is_linux ? "Linux 64-bit boot protocol"
           : p->entry.mode == GUEST_ENTRY_LONG64 ? "64-bit"
                                                 : "32-bit protected mode",
           cmdline, nmods);
    return true;
}

/* One partition per core (hv/config.h threads_per_core): the CPU's own
 * topology is the truth here. Checked against the partitions set up
 * before this one, so the first of two keeps its CPUs. */
static bool check_smt_siblings(const struct partition *p, char *err, size_t errlen)
{
    uint32_t shift = topology_smt_shift();
    for (uint32_t k = 0; shift && k < p->cpu_count; k++) {
        for (uint32_t i = 0; i < p->id; i++) {
            const struct partition *q = &partition_table[i];
            for (uint32_t j = 0; j < q->cpu_count; j++) {
                if (topology_same_core(p->apic_ids[k], q->apic_ids[j], shift)) {
                    fmt_snprintf(err, errlen, "its CPU %u (APIC id %u) is an SMT sibling of CPU %u (APIC id %u) of %s",
                                 p->cpus[k], p->apic_ids[k], q->cpus[j], q->apic_ids[j], q->label);
                    return false;
                }
            }
        }
    }
    return true;
}

static void setup_one(struct partition *p, const struct boot_info *bi)
{
    char err[160];
    bool ok = take_cpus(p, err, sizeof err) && check_smt_siblings(p, err, sizeof err) && check_devices(p, bi, err, sizeof err) &&
              take_ram(p, bi, err, sizeof err) && pci_assign_partition(p, err, sizeof err) &&
              build_tables(p, err, sizeof err) && load_kernel(p, bi, err, sizeof err);
    if (!ok) {
        printk("%s not started: %s", p->label, err);
        p->state = PART_STOPPED;
        return;
    }
    p->state = PART_READY;
}

void partitions_setup(const struct boot_info *bi, const char *exit_with)
{
    exit_with_name = exit_with && exit_with[0] ? exit_with : NULL;
    partition_count = hv_config.partition_count;
    for (uint32_t i = 0; i < partition_count; i++) {
        struct partition *p = &partition_table[i];
        p->id = i;
        p->cfg = &hv_config.partitions[i];
        fmt_snprintf(p->label, sizeof p->label, "partition '%s'", p->cfg->name);
    }
    for (uint32_t i = 0; i < partition_count; i++)
        setup_one(&partition_table[i], bi);
    __atomic_store_n(&partitions_released, true, __ATOMIC_RELEASE);
}

/* ----------------------------------------------------------------- run */

static struct partition *partition_of_cpu(uint32_t cpu)
{
    for (uint32_t i = 0; i < partition_count; i++)
        if (partition_table[i].cfg->cpus & (1ull << cpu))
            return &partition_table[i];
    return NULL;
}

static NORETURN void idle(void)
{
    for (;;)
        cpu_halt();
}

NORETURN void partition_cpu_main(void)
{
    while (!__atomic_load_n(&partitions_released, __ATOMIC_ACQUIRE))
        cpu_relax();
    mm_flush_trampoline(); /* the boot CPU retired it (hv/main.c) */
    uint32_t cpu = this_cpu()->index;
    /* Every CPU enters VMX operation, also one with nothing to run: it then
     * waits in root mode, ready for a partition (and INIT is blocked). */
    if (vmx_cpu_enable() != 0) {
        printk("cpu %u: cannot enter VMX operation; idle", cpu);
        idle();
    }
    struct partition *p = partition_of_cpu(cpu);
    if (!p || p->state != PART_READY) {
        printk("cpu %u: no partition to run; idle in VMX root mode", cpu);
        idle();
    }
    struct vcpu *v = &vcpu_table[cpu];
    int slot = partition_cpu_slot(p, this_cpu()->apic_id);
    bool first = slot == 0;
    struct vcpu_setup setup = {
        .partition = p,
        .eptp = p->eptp,
        .msr_bitmap_pa = p->msr_bitmap_pa,
        .io_bitmap_pa = p->io_bitmap_pa,
        .vpid = cpu + 1, /* VPID 0 is the hypervisor's */
        .entry = first ? &p->entry : NULL,
        .hlt_exits = p->cfg->hlt_exits,
    };
    if (vcpu_init(v, &setup) != 0) {
        printk("cpu %u: cannot run %s", cpu, p->label);
        idle();
    }
    /* From here on, SIPIs reach this CPU as SIPI exits; one sent before
     * is applied now. */
    __atomic_store_n(&p->vcpus[slot], v, __ATOMIC_RELEASE);
    uint32_t sipi = __atomic_exchange_n(&p->early_sipi[slot], 0, __ATOMIC_ACQ_REL);
    if (sipi) {
        vcpu_start_at_sipi(v, (uint8_t)sipi);
        p->waiting_for_sipi[slot] = false;
    }
    p->state = PART_RUNNING;
    printk("cpu %u: entering %s%s", cpu, p->label, first ? "" : " (waiting for its INIT-SIPI)");
    vcpu_run(v);
    partition_stop_current(-1, "its CPU %u could not enter it", cpu);
}

/* ---------------------------------------------------------------- stop */

static void print_stats(const struct vcpu *v)
{
    char line[256];
    struct hv_exit_stats stats;
    vcpu_exit_stats(v, &stats);
    size_t n = fmt_snprintf(line, sizeof line, "cpu %u exits: %lu total", v->cpu, stats.total);
    for (uint32_t r = 0; r < HV_EXIT_REASONS && n < sizeof line; r++)
        if (stats.by_reason[r])
            n += fmt_snprintf(line + n, sizeof line - n, ", %s %lu", vcpu_exit_reason_name(r), stats.by_reason[r]);
    printk("%s", line);
}

/* The health page is read with its seqlock; a torn or absent page is
 * reported as such, never trusted. */
static void print_health(const struct partition *p)
{
    if (!p->cfg->health_gpa)
        return;
    const volatile struct hv_health_page *h = guest_ram_ptr(&p->ram, p->cfg->health_gpa, sizeof *h);
    struct hv_health_page copy;
    uint32_t seq = h ? h->seq : 1;
    if (h)
        memcpy(&copy, (const void *)h, sizeof copy);
    if (!h || memcmp(copy.magic, HV_HEALTH_MAGIC, 8) != 0 || (seq & 1) || seq != h->seq) {
        printk("%s health page at 0x%lx: not valid", p->label, p->cfg->health_gpa);
        return;
    }
    printk("%s health: heartbeat %lu, deadline misses %lu", p->label, copy.heartbeat, copy.deadline_misses);
}


NORETURN void partition_park_cpu(struct vcpu *v)
{
    quiesce_this_cpu_timer();
    print_stats(v);
    idle();
}

NORETURN void partition_stop_current(int exit_code, const char *fmt, ...)
{
    struct vcpu *v = vcpu_current();
    struct partition *p = v->partition;
    char reason[200];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);

    spin_lock(&p->lock);
    bool first = p->state != PART_STOPPED;
    p->state = PART_STOPPED;
    if (first)
        p->exit_code = exit_code;
    spin_unlock(&p->lock);
    if (!first)
        partition_park_cpu(v);

    printk("%s stopped: %s", p->label, reason);
    quiesce_this_cpu_timer();
    quiesce_partition_devices(p);
    rpc_partition_stopped(p);
    print_health(p);
    for (uint32_t i = 0; i < p->cpu_count; i++)
        if (p->cpus[i] != v->cpu)
            x2apic_send_nmi(p->apic_ids[i]); /* its other CPUs exit and park */
    print_stats(v);
    if (exit_with_name && strcmp(exit_with_name, p->cfg->name) == 0) {
        printk("exit_with=%s: ending the run with its exit code %d", p->cfg->name, exit_code);
        power_off(exit_code < 0 ? POWER_EXIT_FAILURE : (uint8_t)exit_code);
    }
    idle();
}
