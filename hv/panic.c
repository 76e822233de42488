/* Panic and CPU-stop paths. */
#include "hv/panic.h"

#include <stdarg.h>

#include "arch/x86/cpu.h"
#include "arch/x86/exceptions.h"
#include "arch/x86/power.h"
#include "arch/x86/x2apic.h"
#include "hv/console.h"
#include "hv/fmt.h"
#include "hv/percpu.h"

static enum fatal_action fatal_action = FATAL_HALT;
static volatile uint32_t panicking;

void panic_set_action(enum fatal_action action) { fatal_action = action; }

static NORETURN void do_fatal_action(void)
{
    switch (fatal_action) {
    case FATAL_POWEROFF:
        printk_fatal("powering off (on_fatal=poweroff)");
        power_off(POWER_EXIT_FAILURE);
    case FATAL_REBOOT:
        printk_fatal("rebooting (on_fatal=reboot)");
        power_reboot();
    case FATAL_HALT:
        break;
    }
    printk_fatal("system halted; reset the machine to restart");
    cpu_stop_forever();
}

NORETURN void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    struct percpu *me = this_cpu();
    if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL))
        cpu_stop_forever(); /* another CPU is already panicking */
    console_panic_take();
    printk_fatal("PANIC on cpu %u: %s", me->index, msg);
    nmi_stop_requested = true;
    if (x2apic_is_enabled())
        x2apic_send_nmi_all_but_self();
    for (uint32_t i = 0; i < percpu_count; i++)
        if (i != me->index && percpu_table[i].state == CPU_ONLINE)
            percpu_table[i].state = CPU_STOPPED;
    me->state = CPU_STOPPED;
    do_fatal_action();
}

NORETURN void hv_stop_this_cpu(const char *why)
{
    struct percpu *me = this_cpu();
    me->state = CPU_STOPPED;
    uint32_t running = percpu_online_count();
    printk_fatal("cpu %u stopped: %s (%u CPU%s still running)", me->index, why, running,
                 running == 1 ? "" : "s");
    if (running == 0)
        do_fatal_action();
    cpu_stop_forever();
}
