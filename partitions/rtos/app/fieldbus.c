/* Option nic=pnic: a cyclic "fieldbus master" on the pseudo-NIC.
 *
 * At start (before the scheduler, so nothing else touches 0xCF8) the PCI
 * scan finds the pseudo-NIC (fefe:efef) on bus 0 and its I/O BAR (in a
 * partition, the hypervisor's emulated configuration space answers, one
 * VM exit per access: initialisation only), and the driver resets it,
 * reads its MAC and masks its interrupt. Then a priority-1 task (below
 * only app=latency's) wakes at each release time R_k = R_0 + k * period
 * (rtos_period_wait: the TSC-deadline timer, no exit), reads the TSC (the
 * send start S_k), stamps a broadcast frame with the sequence number and
 * S_k, and transmits it: port I/O to the partition's own BAR ports, no
 * exit. Its jitter is S_k - R_k. After WARMUP cycles the measurement
 * starts: min/avg/max and spread of the jitter, how long a send takes,
 * periods missed, frames the device took (status OK), and under the
 * hypervisor the VM exits taken on this CPU meanwhile (HC_EXIT_STATS).
 *
 * Reports: every nic_report_ms a priority-29 task prints the running
 * figures, and after nic_cycles measured cycles the sender prints them
 * once more with the exit count and powers off (code 0 when every frame
 * went out and no period was missed). A task's console line leaves
 * interrupts open while the UART drains it (arch/x86/console.c), so a
 * report preempted by a release costs the sender nothing; measurements
 * (scenario 55, make bench) still turn reports off (nic_report_ms=0) and
 * keep the other tasks quiet, so that only the release path is timed. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/rtos/app/app.h"
#include "partitions/rtos/app/fieldbus_frame.h"
#include "partitions/rtos/app/jitter.h"
#include "partitions/rtos/arch/x86/hv.h"
#include "partitions/rtos/arch/x86/power.h"
#include "partitions/rtos/drivers/pci.h"
#include "partitions/rtos/drivers/pnic.h"
#include "partitions/rtos/port.h"

#define WARMUP 32
#define SENDER_PRIO 1
#define REPORTER_PRIO 29

/* Written by the sender with interrupts masked; the reporter copies them
 * the same way. */
struct fieldbus_figures {
    struct jitter_stats jitter; /* release -> send start */
    struct jitter_stats send;   /* send start -> device status read */
    uint64_t sent, errors;
    uint16_t last_bad_status;
};

static struct pnic nic;
static uint8_t frame[FIELDBUS_FRAME_LEN];
static uint16_t frame_len;
static struct fieldbus_figures figures;
static uint32_t cycle_us, cycles_wanted, report_ms;

static void snapshot(struct fieldbus_figures *out)
{
    port_irq_state_t s = port_irq_save();
    *out = figures;
    port_irq_restore(s);
}

static void say_figures(const struct fieldbus_figures *f)
{
    const struct jitter_stats *j = &f->jitter;
    say("nic: cycles %llu jitter min/avg/max %lld/%lld/%lld ticks spread %llu, send %lld/%lld ticks, missed %llu, "
        "sent %llu, errors %llu",
        j->cycles, j->min, jitter_avg(j), j->max, jitter_spread(j), f->send.min, f->send.max, j->missed, f->sent,
        f->errors);
}

static void reporter_task(void *arg)
{
    (void)arg;
    struct fieldbus_figures f;
    for (;;) {
        rtos_sleep_us(report_ms * 1000ull);
        snapshot(&f);
        if (f.jitter.cycles)
            say_figures(&f);
    }
}

static void record(uint64_t release, uint64_t start, uint64_t end, uint32_t missed, uint16_t status)
{
    port_irq_state_t s = port_irq_save();
    jitter_add(&figures.jitter, release, start);
    jitter_add(&figures.send, start, end);
    jitter_add_missed(&figures.jitter, missed);
    if (status == PNIC_STATUS_OK) {
        figures.sent++;
    } else {
        figures.errors++;
        figures.last_bad_status = status;
    }
    port_irq_restore(s);
}

/* After the last cycle: nothing is timed any more, the line may take long. */
static __attribute__((noreturn)) void finish(int hv, uint64_t exits_before)
{
    uint64_t exits_after = 0;
    hv = hv && hv_exit_total(&exits_after) == 0;
    struct fieldbus_figures f;
    snapshot(&f);
    say_figures(&f);
    if (f.errors)
        say("nic: %llu frames refused, last status 0x%x", f.errors, f.last_bad_status);
    /* Less the HC_EXIT_STATS call that read exits_after (latency.c). */
    if (hv)
        say("nic: exits during cycles: %llu", exits_after - exits_before - 1);
    int ok = !f.errors && !f.jitter.missed && f.sent == f.jitter.cycles;
    say("nic: fieldbus master done: %s", ok ? "every frame sent on time" : "frames lost or late");
    power_off(ok ? POWER_EXIT_PASS : POWER_EXIT_FAIL);
}

static void sender_task(void *arg)
{
    (void)arg;
    struct rtos_period p;
    uint64_t exits_before = 0;
    int hv = hv_present();
    rtos_period_init(&p, cycle_us);
    for (uint32_t seq = 0;; seq++) {
        uint32_t missed = rtos_period_wait(&p);
        uint64_t start = rdtsc();
        fieldbus_frame_stamp(frame, seq, start);
        uint16_t status = pnic_transmit(&nic, frame, frame_len);
        uint64_t end = rdtsc();
        if (seq < WARMUP) {
            if (seq == WARMUP - 1) /* the measurement starts with the next release */
                hv = hv && hv_exit_total(&exits_before) == 0;
            continue;
        }
        record(p.next - p.period, start, end, missed, status);
        if (cycles_wanted && figures.jitter.cycles == cycles_wanted)
            finish(hv, exits_before);
    }
}

/* The device, or a line saying why the master does not start. */
static int find_nic(void)
{
    pci_bdf_t bdf;
    unsigned bar = 0;
    if (pci_find(PNIC_PCI_VENDOR, PNIC_PCI_DEVICE, &bdf)) {
        say("nic: no pseudo-NIC (PCI %04x:%04x) on bus 0: fieldbus master not started", PNIC_PCI_VENDOR,
            PNIC_PCI_DEVICE);
        return -1;
    }
    uint16_t io = pci_io_bar(bdf, &bar);
    if (!io) {
        say("nic: pseudo-NIC at 00:%02x.%u has no I/O BAR assigned: fieldbus master not started", PCI_BDF_DEV(bdf),
            PCI_BDF_FN(bdf));
        return -1;
    }
    if (pnic_init(&nic, io)) {
        say("nic: pseudo-NIC at 00:%02x.%u does not answer: fieldbus master not started", PCI_BDF_DEV(bdf),
            PCI_BDF_FN(bdf));
        return -1;
    }
    say("nic: pseudo-NIC at 00:%02x.%u, I/O 0x%x (BAR%u), API 0x%x, MAC %02x:%02x:%02x:%02x:%02x:%02x, interrupt masked",
        PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf), io, bar, nic.api_version, nic.mac[0], nic.mac[1], nic.mac[2], nic.mac[3],
        nic.mac[4], nic.mac[5]);
    return 0;
}

void fieldbus_start(const struct options *o)
{
    if (o->nic == NIC_OFF || find_nic())
        return;
    cycle_us = o->nic_cycle_us;
    cycles_wanted = o->nic_cycles;
    report_ms = o->nic_report_ms;
    frame_len = fieldbus_frame_init(frame, nic.mac);
    jitter_reset(&figures.jitter);
    jitter_reset(&figures.send);
    say_begin();
    say_more("nic: fieldbus master every %u us, %u-byte broadcast frames, EtherType 0x%x, priority %u", cycle_us,
             frame_len, FIELDBUS_ETHERTYPE, SENDER_PRIO);
    if (cycles_wanted)
        say_more(", %u cycles after %u warm-up ones", cycles_wanted, WARMUP);
    if (report_ms)
        say_more(", report every %u ms", report_ms);
    say_end();
    app_spawn("fieldbus", sender_task, 0, SENDER_PRIO);
    if (report_ms)
        app_spawn("fieldbus-rep", reporter_task, 0, REPORTER_PRIO);
}
