/* Boot flow of the hypervisor on the boot CPU (hv_main) and the APs
 * (ap_main). Each step prints what it found, so the log of a failed boot
 * on a real board says how far it got. */
#include "arch/x86/cpu.h"
#include "arch/x86/exceptions.h"
#include "arch/x86/mm.h"
#include "arch/x86/platform.h"
#include "arch/x86/power.h"
#include "arch/x86/rtc.h"
#include "arch/x86/smp.h"
#include "arch/x86/speculation.h"
#include "arch/x86/tsc.h"
#include "hv/boot_modules.h"
#include "hv/boot_options.h"
#include "hv/cmdline.h"
#include "hv/console.h"
#include "hv/config.h"
#include "hv/crc32.h"
#include "hv/fmt.h"
#include "hv/panic.h"
#include "hv/partition.h"
#include "hv/percpu.h"
#include "hv/version.h"
#include "vmx/root_fault.h"
#include "vmx/vmx.h"

void hv_main(uint32_t magic, uint32_t mbi_pa);

static struct boot_info boot_info;
static struct boot_options options;
static uint64_t entry_tsc;

static void print_memory_map(const struct boot_info *bi)
{
    printk("memory map (%u entries, %lu MiB usable):", bi->mmap_count, boot_usable_bytes(bi) >> 20);
    for (uint32_t i = 0; i < bi->mmap_count; i++) {
        const struct mem_range *r = &bi->mmap[i];
        printk("  [0x%016lx-0x%016lx) %s", r->base, r->base + r->len, mem_type_name(r->type));
    }
}

/* Without VT-x the hypervisor has nothing to do: say so and power off. */
static void require_vtx(void)
{
    struct vmx_caps caps;
    const char *why;
    if (vmx_probe(&caps, &why) != 0) {
        printk_fatal("VT-x not available: %s. This hypervisor needs Intel VT-x with EPT; powering off.", why);
        power_off(POWER_EXIT_NO_VTX);
    }
    if (!(cpuid(0x80000001, 0).edx & CPUID_EXT_EDX_NX))
        panic("the CPU lacks NX (execute-disable); refusing to run without W^X");
    printk("VT-x: VMCS revision 0x%x (%u bytes), EPT%s%s%s, VPID %s, unrestricted guest, preemption timer %s",
           caps.vmcs_revision, caps.vmcs_size, caps.ept_2m ? " 2M" : "", caps.ept_1g ? " 1G" : "",
           caps.invept ? " INVEPT" : "", caps.vpid ? "yes" : "no", caps.preemption_timer ? "yes" : "no");
}

static void report_config_problem(const char *msg, void *ctx)
{
    (void)ctx;
    printk("config error: %s", msg);
}

/* The build already checked the config (tools/config-check); checking it
 * again costs little and guards against a hand-built image. */
static void check_config(void)
{
    extern char __hv_start[], __hv_end[];
    const struct cfg_range *hv = &hv_config.hypervisor;
    if (config_check(&hv_config, report_config_problem, NULL) != 0)
        panic("config '%s' is invalid; no partition started", hv_config.name);
    if ((uint64_t)(uintptr_t)__hv_start < hv->base || (uint64_t)(uintptr_t)__hv_end > hv->base + hv->size)
        panic("config '%s': the hypervisor image [0x%lx, 0x%lx) lies outside its region [0x%lx, 0x%lx)",
              hv_config.name, (uint64_t)(uintptr_t)__hv_start, (uint64_t)(uintptr_t)__hv_end, hv->base,
              hv->base + hv->size);
    printk("config '%s': %u partition(s)", hv_config.name, hv_config.partition_count);
}

static void relocate_modules(struct boot_info *bi)
{
    extern char __hv_start[], __hv_end[];
    const struct mem_range avoid[] = {
        {0, MiB(1), MEM_RESERVED},
        {(uint64_t)(uintptr_t)__hv_start, (uint64_t)(__hv_end - __hv_start), MEM_RESERVED},
    };
    /* Modules go to the top of the hypervisor's own region, where no
     * partition RAM can be. */
    const struct cfg_range *hv = &hv_config.hypervisor;
    uint64_t dest, total;
    if (modules_plan(bi, avoid, ARRAY_SIZE(avoid), MIN(hv->base + hv->size, GiB(4)), &dest, &total) != 0 ||
        (total && dest < hv->base))
        panic("no room in the hypervisor's region [0x%lx, 0x%lx) for the %u boot module(s) (%lu bytes)", hv->base,
              hv->base + hv->size, bi->module_count, total);
    modules_move(bi, dest, phys_to_virt);
    mm_init_allocator(bi, hv->base, hv->size, dest, total);
    for (uint32_t i = 0; i < bi->module_count; i++) {
        const struct boot_module *m = &bi->modules[i];
        char crc[24] = "";
        if (options.module_crc) /* costly for big images under emulation */
            fmt_snprintf(crc, sizeof crc, " crc32 0x%08x", crc32(phys_to_virt(m->start), m->end - m->start));
        printk("module %u: '%s' %lu bytes at 0x%lx%s%s%s", i, m->name, m->end - m->start, m->start, crc,
               m->args[0] ? " args: " : "", m->args);
    }
}

/* Read through a volatile so the compiler cannot see the address. */
static void read_address(uint64_t addr)
{
    volatile uint64_t where = addr;
    (void)*(volatile uint64_t *)(uintptr_t)where;
}

static void trigger_test_fault(enum test_fault fault)
{
    switch (fault) {
    case FAULT_PF:
        printk("fault=pf: reading unmapped address 0x10 (page 0 is never mapped)");
        read_address(0x10);
        break;
    case FAULT_GP:
        printk("fault=gp: reading non-canonical address 0x8000000000000000");
        read_address(0x8000000000000000ull);
        break;
    case FAULT_UD:
        printk("fault=ud: executing ud2");
        __asm__ __volatile__("ud2");
        break;
    case FAULT_PANIC:
        panic("deliberate panic (fault=panic)");
    case FAULT_AP_PF: /* cpu 1 faults in ap_main; show that we live on */
        for (int i = 0; i < 1000 && percpu_table[1].state != CPU_STOPPED; i++)
            tsc_delay_us(1000);
        printk("cpu 0 still running: %u of %u CPUs online", percpu_online_count(), percpu_count);
        break;
    case FAULT_EXIT_PF: /* vmx/root_fault.c */
        root_fault_test_armed = true;
        printk("fault=exit-pf: a partition's first access to a port nobody owns will fault in the hypervisor");
        break;
    case FAULT_NONE:
    case FAULT_PANIC_RUNNING: /* see hv_main */
        break;
    }
}

/* Test harnesses can end the run once the platform is up, before any
 * partition starts. */
static void after_boot_action(enum after_boot action)
{
    if (action == AFTER_BOOT_POWEROFF) {
        printk("after_boot=poweroff: powering off");
        power_off(POWER_EXIT_SUCCESS);
    }
    if (action == AFTER_BOOT_MAGIC) {
        /* Bochs's magic breakpoint (xchg bx,bx) ends a test run there; on
         * real hardware it is a no-op. */
        printk("after_boot=magic: Bochs magic breakpoint");
        __asm__ __volatile__("xchg %%bx, %%bx" ::: "memory");
    }
}

static NORETURN void ap_main(uint32_t index)
{
    printk("cpu %u online: APIC id %u", index, this_cpu()->apic_id);
    if (options.fault == FAULT_AP_PF && index == 1) {
        printk("fault=ap-pf: cpu 1 writes to hypervisor text (mapped read-only)");
        *(volatile uint8_t *)(uintptr_t)&hv_main = 0xCC;
    }
    partition_cpu_main();
}

static void start_cpus(void)
{
    printk("cpu 0 online: APIC id %u (boot CPU)", this_cpu()->apic_id);
    smp_start_aps(ap_main);
    /* Wait for the APs' own "online" lines before the summary. */
    tsc_delay_us(1000);
}

void hv_main(uint32_t magic, uint32_t mbi_pa)
{
    entry_tsc = rdtsc();
    percpu_count = 1;
    percpu_bind(0);
    this_cpu()->state = CPU_ONLINE;

    int mb_err = multiboot_parse(magic, mbi_pa, mm_boot_read, &boot_info);
    char console[16] = "com2";
    if (mb_err == 0)
        cmdline_get(boot_info.cmdline, "console", console, sizeof console);
    bool console_ok = console_init(console, mb_err == 0 && cmdline_has(boot_info.cmdline, "debugcon"));
    cpu_tables_init(0);
    printk("%s %s starting on cpu 0", HV_NAME, HV_VERSION);
    if (mb_err)
        panic("not started by a multiboot-1 loader (magic 0x%x, error %d): no memory map", magic, mb_err);
    if (!console_ok)
        printk("warning: console=%s not understood; logging on COM2", console);
    printk("loader: %s; command line: '%s'", boot_info.loader_name[0] ? boot_info.loader_name : "unknown",
           boot_info.cmdline);
    boot_options_parse(boot_info.cmdline, &options);
    panic_set_action(options.on_fatal);
    print_memory_map(&boot_info);

    platform_discover_acpi(options.acpi_dump);
    require_vtx();
    spec_init_boot();
    check_config();
    relocate_modules(&boot_info);
    smp_install_trampoline();
    if (mm_init_paging(&boot_info) != 0)
        panic("out of memory while building the hypervisor page tables");
    printk("paging: hypervisor tables live (text RX, rodata R, data RW+NX, page 0 unmapped)");
    if (platform_init_timers(options.tsc_ref_pit) != 0)
        panic("cannot set up x2APIC and a calibrated TSC");
    rtc_read_machine_clock(); /* partitions' CMOS clocks start from it */

    start_cpus();
    if (mm_retire_trampoline() != 0)
        panic("out of memory while remapping the AP trampoline as data");
    printk("boot complete: %u/%u CPUs online, TSC %lu Hz, %lu TSC ticks since entry", percpu_online_count(),
           percpu_count, platform.tsc_hz, rdtsc() - entry_tsc);

    trigger_test_fault(options.fault);
    after_boot_action(options.after_boot);
    console_partitions_starting();
    partitions_setup(&boot_info, options.exit_with);
    if (options.fault == FAULT_PANIC_RUNNING) { /* the fatal path while partitions own their UARTs */
        tsc_delay_us(20000);
        panic("deliberate panic with partitions running (fault=panic-running)");
    }
    partition_cpu_main();
}
