/* Application entry: the health task, the VMRPC servers (rpcapp.c),
 * then the app the command line chose, the net_udp report task
 * (netdemo.c) and, with nic=pnic, the fieldbus master (fieldbus.c).
 * demo: two periodic tasks printing heartbeats (beats=N powers off after
 * N of the first one's), each noting its wake-up latency. */
#include "partitions/common/console.h"
#include "partitions/rtos/app/app.h"
#include "partitions/rtos/app/health.h"
#include "partitions/rtos/arch/x86/power.h"
#include "partitions/rtos/include/rtos_rpc.h"

#define STACK_POOL 28

static uint8_t stacks[STACK_POOL][APP_STACK_SIZE] __attribute__((aligned(16)));
static unsigned stacks_used;

rtos_task_t *app_spawn(const char *name, rtos_entry_t entry, void *arg, unsigned priority)
{
    /* Tasks are created from task context too: claim the slot atomically. */
    unsigned i = __atomic_fetch_add(&stacks_used, 1, __ATOMIC_RELAXED);
    rtos_task_t *t = i < STACK_POOL ? rtos_task_create(name, entry, arg, priority, stacks[i], APP_STACK_SIZE) : 0;
    if (!t) {
        say("FATAL: cannot create task '%s' (%s)", name, i < STACK_POOL ? "kernel refused" : "stack pool empty");
        power_off(POWER_EXIT_FAIL);
    }
    return t;
}

static uint32_t demo_beats;

struct demo_task {
    const char *label;   /* in the heartbeat line */
    uint32_t period_ms;
    int counts_beats;    /* this one's beats end the demo (beats=N) */
};

static void demo_task(void *arg)
{
    const struct demo_task *d = arg;
    struct rtos_period p;
    rtos_period_init(&p, d->period_ms * 1000ull);
    for (uint32_t k = 1;; k++) {
        uint32_t missed = rtos_period_wait(&p);
        /* Timer deadline -> this task running: the latency figures that
         * sysinfo and the net_udp report give (a missed period has none). */
        if (!missed)
            rtos_rpc_note_latency(rtos_now() - (p.next - p.period));
        say("%s %u%s", d->label, k, missed ? " (missed periods)" : "");
        if (d->counts_beats && demo_beats && k == demo_beats) {
            struct rtos_stats st;
            rtos_get_stats(&st);
            say("demo done: %llu timer interrupts, %llu context switches, %llu deadline misses, health heartbeat %llu",
                st.timer_interrupts, st.context_switches, st.deadline_misses, health_page()->heartbeat);
            power_off(POWER_EXIT_PASS);
        }
    }
}

static void idle_spin(void) {}

static struct demo_task demo_a = {"heartbeat", 1000, 1}, demo_b = {"heartbeat-slow", 2500, 0};

void app_start(const struct options *o)
{
    health_start();
    rpc_serve_start(o);
    /* idle=poll: the CPU never halts, as when the idle task polls VMRPC
     * rings (whose hook, if serving in poll mode, is already there). */
    if (o->idle_poll && !rtos_get_idle_hook())
        rtos_set_idle_hook(idle_spin);
    switch (o->app) {
    case APP_SELFTEST:
        selftest_start();
        break;
    case APP_LATENCY:
        latency_start(o);
        break;
    case APP_RPCTEST:
        rpctest_start(o);
        break;
    case APP_RPCBENCH:
        rpcbench_start(o);
        break;
    case APP_DEMO:
        demo_beats = o->beats;
        demo_a.period_ms = o->heartbeat_ms;
        demo_b.period_ms = o->heartbeat_ms * 5 / 2;
        say("demo: '%s' every %u ms, '%s' every %u ms", demo_a.label, demo_a.period_ms, demo_b.label,
            demo_b.period_ms);
        app_spawn("demo-a", demo_task, &demo_a, 10);
        app_spawn("demo-b", demo_task, &demo_b, 11);
        rpc_demo_start(o);
        break;
    }
    net_demo_start(o);
    fieldbus_start(o);
}
