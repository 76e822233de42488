/* Test kernel main flow: options, console, identity, start line, then
 * smp / bench / attack / VMRPC / heartbeats / stats in that order, then
 * power-off. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/hv.h"
#include "partitions/common/idt.h"
#include "partitions/test/apic.h"
#include "partitions/test/attacks.h"
#include "partitions/test/bench.h"
#include "partitions/test/emul_console.h"
#include "partitions/test/hammer.h"
#include "partitions/test/multiboot.h"
#include "partitions/test/options.h"
#include "partitions/test/pci_ecam.h"
#include "partitions/test/power.h"
#include "partitions/test/rpc.h"
#include "partitions/test/smp.h"
#include "partitions/test/stats.h"
#include "partitions/test/tsc.h"

void kmain(uint32_t magic, const struct mb_info *mbi);

static struct options opt;
static struct hv_partition_info info;
static struct rpc_env rpc_env;

/* Name and APIC id come from the hypervisor; bare metal has neither. */
static int identify(uint32_t *apic_id)
{
    hv_detect();
    int32_t r = hv_present() ? hc_partition_info(&info) : HV_ENOSYS;
    if (r < 0) {
        console_set_prefix(hv_present() ? "noinfo" : "bare");
        *apic_id = cpuid(1, 0).ebx >> 24;
        return r;
    }
    info.name[HV_NAME_MAX - 1] = 0;
    console_set_prefix(info.name[0] ? info.name : "unnamed");
    *apic_id = info.calling_cpu < HV_MAX_PARTITION_CPUS ? info.apic_ids[info.calling_cpu] : 0xFFFFFFFFu;
    return r;
}

static void announce(uint32_t magic, const struct mb_info *mbi, uint32_t apic_id, int32_t info_r)
{
    struct mb_mem_summary mem;
    struct x2apic_info xi;
    const char *cmdline = mb_cmdline(mbi);

    mb_mem_summary(mbi, &mem);
    say("test kernel up: cpu APIC id %u, RAM %llu KiB (mmap: %u usable entries), tsc %llu Hz, cmdline '%s'", apic_id,
        mem.usable_bytes >> 10, mem.usable_entries, tsc_hz(), cmdline ? cmdline : "");
    if (magic != MB_BOOT_MAGIC)
        say("warning: EAX 0x%08x is not the multiboot magic", magic);
    if (!mem.from_mmap)
        say("warning: no multiboot memory map");
    if (info_r < 0)
        say("no partition info (%d): %s, tsc from %s", info_r, hv_present() ? "hypercall failed" : "no hypervisor",
            tsc_source());
    else
        say("partition %u '%s': %u cpu(s), RAM %llu KiB, abi %u", info.partition_id, info.name, info.cpu_count,
            info.ram_bytes >> 10, info.abi_version);

    /* Both ids, so a test can check the hypervisor's view against the CPU's. */
    const char *src = info_r < 0 ? "CPUID.1" : "partition info";
    x2apic_probe(&xi, opt.x2apic_keep);
    if (!xi.supported)
        say("x2APIC: not offered by CPUID; APIC id %u from %s", apic_id, src);
    else if (!xi.id_ok)
        say("x2APIC: id MSR 0x802 refused (#GP); APIC id %u from %s", apic_id, src);
    else
        say("x2APIC: id %u from MSR 0x802, APIC id %u from %s%s", xi.id, apic_id, src,
            xi.enabled_by_us ? " (x2APIC mode enabled by this kernel)" : "");

    for (uint32_t i = 0; i < opt.bad_count; i++)
        say("warning: ignoring option '%s'", opt.bad[i]);
}

static void do_attack(const struct mb_info *mbi)
{
    struct mb_mem_summary mem;
    mb_mem_summary(mbi, &mem);
    struct attack_ctx ctx = {
        .ram_end = info.ram_bytes ? info.ram_bytes : mem.usable_end, /* RAM starts at 0 */
        .gp_continue = opt.gp_continue,
    };
    attack_run(opt.attack, &ctx);
}

/* VMRPC (rpc_* options): after the start lines, benches and an early
 * attack; it turns interrupts on, so nothing before it changes. */
static void do_rpc(const struct mb_info *mbi, uint64_t boot_tsc)
{
    struct mb_mem_summary mem;
    mb_mem_summary(mbi, &mem);
    rpc_env = (struct rpc_env){
        .opt = &opt,
        .ram_end = info.ram_bytes ? info.ram_bytes : mem.usable_end,
        .mem_total = mem.usable_bytes,
        .boot_tsc = boot_tsc,
    };
    if (rpc_start(&rpc_env))
        return;
    if (opt.rpc_call)
        rpc_client_run(&rpc_env);
    if (opt.rpc_bench)
        rpc_bench_run(&rpc_env);
    if (opt.rpc_load)
        rpc_load_run(&rpc_env);
}

/* Between heartbeats: busy-wait, or serve VMRPC (halting) if we do. */
static void wait_until(uint64_t deadline)
{
    if (rpc_serving())
        rpc_idle_until(deadline);
    else
        tsc_wait_until(deadline);
}

void kmain(uint32_t magic, const struct mb_info *mbi)
{
    uint64_t boot_tsc = rdtsc();
    if (magic != MB_BOOT_MAGIC)
        mbi = 0; /* not a multiboot loader: EBX means nothing */
    options_parse(mb_cmdline(mbi), &opt);
    pci_ecam_set(opt.ecam);
    console_init(opt.console_port, "test"); /* until identify() names us */
    idt_init();

    uint32_t apic_id;
    int32_t info_r = identify(&apic_id);
    tsc_init(info_r >= 0 ? info.tsc_hz : 0);
    announce(magic, mbi, apic_id, info_r);

    if (opt.smp)
        smp_start(&opt, info_r >= 0 ? &info : 0);
    if (opt.bench_cpuid)
        bench_cpuid();
    if (opt.bench_vmcall)
        bench_vmcall();
    bench_devices(&opt);
    if (opt.emul_uart_port)
        emul_uart_test(opt.emul_uart_port, info.name[0] ? info.name : "bare");
    if (opt.hammer)
        hammer(); /* never returns */

    int attacked = 0;
    if (opt.attack && (!opt.heartbeat_ms || opt.attack_after == 0)) {
        do_attack(mbi);
        attacked = 1;
    }
    if (rpc_wanted(&opt))
        do_rpc(mbi, boot_tsc);
    if (opt.heartbeat_ms) {
        uint64_t period = tsc_ticks_ms(opt.heartbeat_ms), next = rdtsc();
        /* Deadlines advance by whole periods so the printing does not
         * make the beat drift. */
        for (uint32_t k = 1; !opt.beats || k <= opt.beats; k++) {
            next += period;
            wait_until(next);
            say("heartbeat %u", k);
            if (opt.attack && !attacked && k == opt.attack_after) {
                do_attack(mbi);
                attacked = 1;
            }
        }
    } else if (rpc_serving()) {
        rpc_idle_forever(); /* a server without heartbeats serves until stopped */
    }
    if (opt.attack && !attacked) /* beats ran out before attack_after */
        do_attack(mbi);

    if (opt.console_read)
        console_read_test(opt.console_read);
    if (opt.console_read_bad)
        console_read_bad_test(opt.console_read_bad, info.ram_bytes);
    if (opt.stats)
        stats_print();
    power_off(&opt);
}
