/* Boot flow, the same bare metal and as a partition: command line,
 * console, IDT, hypervisor probe (reporting only), timers, then the
 * application's tasks and the scheduler. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/multiboot.h"
#include "partitions/rtos/app/app.h"
#include "partitions/rtos/arch/x86/ap_spin.h"
#include "partitions/rtos/arch/x86/hv.h"
#include "partitions/rtos/arch/x86/idt.h"
#include "partitions/rtos/arch/x86/options.h"
#include "partitions/rtos/arch/x86/rpc.h"
#include "partitions/rtos/arch/x86/timer.h"
#include "partitions/rtos/include/rtos.h"

void kmain(uint32_t magic, const struct mb_info *mbi);

#define PIC1_DATA 0x21
#define PIC2_DATA 0xA1

static struct options opt;

/* Bare metal, the machine is ours: mask both 8259s, whose IRQ0 the BIOS
 * left at vector 8 (masking LINT0 is not enough everywhere: Bochs feeds
 * the PIC to the CPU directly). Under the hypervisor the PIC is not the
 * partition's (its ports are not given; touching them would exit). */
static void pic_mask(void)
{
    outb(PIC1_DATA, 0xFF);
    outb(PIC2_DATA, 0xFF);
}
static struct hv_partition_info info;

void kmain(uint32_t magic, const struct mb_info *mbi)
{
    uint64_t boot_tsc = rdtsc();
    const char *cmdline = mb_cmdline(magic == MB_BOOT_MAGIC ? mbi : 0);
    options_parse(cmdline, &opt);
    console_init(opt.console_port, "rtos");
    rtos_idt_init();

    int hv = hv_detect();
    console_set_prefix(hv ? "rtos" : "rtos-bare");
    say("RTOS (i386) up %s, cmdline '%s'", hv ? "as a partition" : "on bare metal", cmdline ? cmdline : "");
    if (hv && hc_partition_info(&info) >= 0) {
        info.name[HV_NAME_MAX - 1] = 0;
        say("partition %u '%s': %u cpu(s), RAM %llu KiB, hypervisor TSC %llu Hz", info.partition_id, info.name,
            info.cpu_count, info.ram_bytes >> 10, info.tsc_hz);
    } else if (hv) {
        say("warning: HC_PARTITION_INFO failed");
    }
    if (!hv)
        pic_mask();
    for (uint32_t i = 0; i < opt.bad_count; i++)
        say("warning: ignoring option '%s'", opt.bad[i]);

    timer_init(&opt, info.tsc_hz);
    rpc_port_init(&opt, magic == MB_BOOT_MAGIC ? mbi : 0, boot_tsc);
    if (opt.ap_spin && !hv)
        ap_spin_start(opt.ap_spin - 1);
    else if (opt.ap_spin)
        say("warning: ap_spin ignored in a partition (its CPUs are its own)");
    app_start(&opt);
    rtos_start();
}
