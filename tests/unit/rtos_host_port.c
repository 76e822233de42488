/* partitions/rtos/port.h on the host, for the RTOS unit tests. Tasks are
 * ucontexts that really switch; the TSC is a simulated clock that only
 * moves when a task "works" (host_advance_time) or when idle waits (it
 * jumps to the armed deadline); the one-shot timer fires as an interrupt
 * would, from the current task's context: rtos_isr_enter, rtos_timer_isr,
 * rtos_isr_exit. A test runs its task set with host_run(), which returns
 * when idle finds nothing armed (every task done or blocked for good) or
 * the next deadline beyond the given limit. Interrupt masking is a flag,
 * checked where the kernel must hold it.
 *
 * Tasks run on this file's own stacks (sanitizer frames are large), not on
 * the ones given to rtos_task_create. Switches are announced to ASan as
 * fiber switches so that it tracks the stacks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "partitions/rtos/kernel/kernel.h"
#include "tests/unit/rtos_host_port.h"

#define HOST_MAX_CTX 96
#define HOST_STACK (128 * 1024)

struct host_ctx {
    ucontext_t uc;
    void (*entry)(void *);
    void *arg;
    void *stack;
    void *fake_stack; /* ASan's, while switched away */
};

static struct host_ctx ctxs[HOST_MAX_CTX], start_ctx, driver_ctx;
static unsigned char stacks[HOST_MAX_CTX][HOST_STACK] __attribute__((aligned(16)));
static unsigned char start_stack[HOST_STACK] __attribute__((aligned(16)));
static int nctx;
static uint64_t sim_now, sim_hz, sim_armed, sim_limit;
static bool masked;
static const void *driver_stack_bottom;
static size_t driver_stack_size;

unsigned host_timer_arms; /* port_timer_arm calls, for the tick-less checks */

#ifdef __SANITIZE_ADDRESS__
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old, size_t *size_old);
void __asan_unpoison_memory_region(const volatile void *addr, size_t size);
#define fiber_start __sanitizer_start_switch_fiber
#define fiber_finish __sanitizer_finish_switch_fiber
#define unpoison __asan_unpoison_memory_region
#else
static void fiber_start(void **f, const void *b, size_t s) { (void)f, (void)b, (void)s; }
static void fiber_finish(void *f, const void **b, size_t *s) { (void)f, (void)b, (void)s; }
static void unpoison(const volatile void *a, size_t s) { (void)a, (void)s; }
#endif

static void die(const char *msg)
{
    fprintf(stderr, "rtos host port: %s\n", msg);
    abort();
}

static void stack_of(struct host_ctx *c, const void **bottom, size_t *size)
{
    if (c == &driver_ctx) {
        *bottom = driver_stack_bottom;
        *size = driver_stack_size;
    } else {
        *bottom = c->stack;
        *size = HOST_STACK;
    }
}

/* from == NULL abandons the current context for good. */
static void switch_ctx(struct host_ctx *from, struct host_ctx *to)
{
    const void *bottom;
    size_t size;
    stack_of(to, &bottom, &size);
    fiber_start(from ? &from->fake_stack : NULL, bottom, size);
    if (!from) {
        setcontext(&to->uc);
        die("setcontext failed");
    }
    if (swapcontext(&from->uc, &to->uc))
        die("swapcontext failed");
    fiber_finish(from->fake_stack, NULL, NULL);
}

port_irq_state_t port_irq_save(void)
{
    port_irq_state_t s = masked;
    masked = true;
    return s;
}

void port_irq_restore(port_irq_state_t s)
{
    masked = s != 0;
}

uint64_t port_now(void)
{
    return sim_now;
}

uint64_t port_tsc_hz(void)
{
    return sim_hz;
}

void port_timer_arm(uint64_t deadline)
{
    if (!masked)
        die("port_timer_arm with interrupts enabled");
    sim_armed = deadline;
    host_timer_arms++;
}

static void ctx_main(int i)
{
    fiber_finish(NULL, NULL, NULL);
    masked = false; /* port.h: entry runs with interrupts enabled */
    ctxs[i].entry(ctxs[i].arg);
    die("task entry returned");
}

void port_context_init(port_context_t *ctx, void *stack, size_t stack_size, void (*entry)(void *), void *arg)
{
    (void)stack, (void)stack_size;
    if (nctx == HOST_MAX_CTX)
        die("too many task contexts in one test");
    struct host_ctx *c = &ctxs[nctx];
    c->entry = entry;
    c->arg = arg;
    c->stack = stacks[nctx];
    getcontext(&c->uc);
    c->uc.uc_stack.ss_sp = c->stack;
    c->uc.uc_stack.ss_size = HOST_STACK;
    c->uc.uc_link = NULL;
    makecontext(&c->uc, (void (*)(void))ctx_main, 1, nctx);
    ctx->sp = NULL;
    ctx->host = c;
    nctx++;
}

void port_context_switch(port_context_t *from, port_context_t *to)
{
    if (!masked)
        die("context switch with interrupts enabled");
    switch_ctx(from->host, to->host);
}

void port_start_first(port_context_t *to)
{
    if (!masked)
        die("start with interrupts enabled");
    switch_ctx(NULL, to->host);
}

/* The timer interrupt, as the x86 port delivers it. */
static void fire_timer(void)
{
    bool was = masked;
    masked = true;
    sim_armed = 0; /* one-shot */
    rtos_isr_enter();
    rtos_timer_isr();
    rtos_isr_exit();
    masked = was;
}

/* Idle halts until the armed deadline, or ends the scenario. */
void port_idle_wait(void)
{
    if (!masked)
        die("idle runs with interrupts enabled");
    if (!sim_armed || sim_armed > sim_limit)
        switch_ctx(NULL, &driver_ctx);
    if (sim_armed > sim_now)
        sim_now = sim_armed;
    masked = false;
    fire_timer();
    masked = true;
}

/* ---------------------------------------------------------- test driver */

char host_trace[HOST_TRACE_MAX];

void host_tr(const char *fmt, ...)
{
    size_t n = strlen(host_trace);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(host_trace + n, sizeof host_trace - n, fmt, ap);
    va_end(ap);
    strncat(host_trace, " ", sizeof host_trace - strlen(host_trace) - 1);
}

void host_reset(uint64_t tsc_hz)
{
    host_trace[0] = '\0';
    rtos_kernel_reset();
    /* The last test's abandoned frames may have left redzones behind. */
    unpoison(stacks, sizeof stacks);
    unpoison(start_stack, sizeof start_stack);
    nctx = 0;
    sim_now = 0;
    sim_hz = tsc_hz;
    sim_armed = 0;
    masked = false;
    host_timer_arms = 0;
}

static void start_main(void)
{
    fiber_finish(NULL, &driver_stack_bottom, &driver_stack_size);
    rtos_start();
    die("rtos_start returned");
}

/* Runs the tasks created so far until idle has nothing armed at or before
 * `limit`; the clock then stays where the last task left it. */
void host_run(uint64_t limit)
{
    sim_limit = limit;
    start_ctx.stack = start_stack;
    getcontext(&start_ctx.uc);
    start_ctx.uc.uc_stack.ss_sp = start_stack;
    start_ctx.uc.uc_stack.ss_size = sizeof start_stack;
    start_ctx.uc.uc_link = NULL;
    makecontext(&start_ctx.uc, start_main, 0);
    switch_ctx(&driver_ctx, &start_ctx);
    masked = false;
}

/* A task computing for `ticks` of its own time: the timer fires on the
 * way, and time spent preempted does not count. */
void host_advance_time(uint64_t ticks)
{
    if (masked)
        die("host_advance_time with interrupts masked");
    for (;;) {
        if (sim_armed && (sim_armed <= sim_now || sim_armed - sim_now <= ticks)) {
            uint64_t step = sim_armed > sim_now ? sim_armed - sim_now : 0;
            sim_now += step;
            ticks -= step;
            fire_timer();
        } else {
            sim_now += ticks;
            return;
        }
    }
}

/* A device interrupt whose handler is fn(arg). */
void host_isr(void (*fn)(void *), void *arg)
{
    if (masked)
        die("host_isr with interrupts masked");
    masked = true;
    rtos_isr_enter();
    fn(arg);
    rtos_isr_exit();
    masked = false;
}

uint64_t host_timer_deadline(void)
{
    return sim_armed;
}
