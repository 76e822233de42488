/* Health page and its task; see health.h. */
#include "partitions/rtos/app/health.h"
#include "partitions/rtos/app/app.h"
#include "partitions/rtos/include/rtos.h"
#include "partitions/rtos/port.h"
#include "include/hv_abi.h"

#include <stddef.h>

_Static_assert(sizeof(struct rtos_health) == 88, "health page layout: readers depend on it");
/* The hypervisor reads the common prefix (include/hv_abi.h). */
_Static_assert(offsetof(struct rtos_health, heartbeat) == offsetof(struct hv_health_page, heartbeat) &&
                   offsetof(struct rtos_health, deadline_misses) == offsetof(struct hv_health_page, deadline_misses) &&
                   offsetof(struct rtos_health, seq) == offsetof(struct hv_health_page, seq),
               "health page prefix must match struct hv_health_page");

static volatile struct rtos_health page __attribute__((section(".health"), aligned(4096), used)) = {
    .magic = RTOS_HEALTH_MAGIC,
    .version = RTOS_HEALTH_VERSION,
};

const volatile struct rtos_health *health_page(void) { return &page; }

/* Writers (this task, the benchmark) mask interrupts around an update, so
 * they never interleave; seq tells readers on other CPUs. */
static port_irq_state_t update_begin(void)
{
    port_irq_state_t s = port_irq_save();
    page.seq++;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return s;
}

static void update_end(port_irq_state_t s)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
    page.seq++;
    port_irq_restore(s);
}

void health_latency(uint32_t handler, uint32_t task)
{
    port_irq_state_t s = update_begin();
    page.lat_samples++;
    page.lat_last_handler = handler;
    page.lat_last_task = task;
    if (handler > page.lat_max_handler)
        page.lat_max_handler = handler;
    if (task > page.lat_max_task)
        page.lat_max_task = task;
    update_end(s);
}

static void health_task(void *arg)
{
    (void)arg;
    struct rtos_period p;
    struct rtos_stats st;
    rtos_period_init(&p, HEALTH_PERIOD_MS * 1000ull);
    for (;;) {
        rtos_period_wait(&p);
        rtos_get_stats(&st);
        port_irq_state_t s = update_begin();
        page.heartbeat++;
        page.heartbeat_tsc = rtos_now();
        page.deadline_misses = st.deadline_misses;
        page.timer_interrupts = st.timer_interrupts;
        page.context_switches = st.context_switches;
        update_end(s);
    }
}

void health_start(void)
{
    page.tsc_hz = rtos_tsc_hz();
    app_spawn("health", health_task, 0, HEALTH_PRIORITY);
}
