/* Regression tests for defects found in rpc/ (see the report that came
 * with them); each fails until its fix is in. Scene in rpc_fixture.h. */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "rpc_fixture.h"

/* Each case's line out before UBSan may end the process. */
__attribute__((constructor(101))) static void line_buffered(void) { setvbuf(stdout, NULL, _IOLBF, 0); }

/* Doorbell mode: a server CPU that polls its ring (after an earlier
 * doorbell) and answers a slot as soon as it reads VMRPC_SLOT_REQUEST
 * must not be refused. submit() used to publish the slot's state to the
 * guest before it marked the call SLOT_SERVING, so a quick reply found
 * SLOT_COPYING and got HV_EINVAL. Two threads: the client calls, the
 * server polls and replies. */
#define RACE_CALLS 200000

struct race {
    volatile bool stop;
    uint32_t einval, replies;
};

static void *server_thread(void *arg)
{
    struct race *r = arg;
    volatile uint32_t *state = &slot_of(SRV, O_RING, 128, 0)->state;
    while (!r->stop) {
        if (__atomic_load_n(state, __ATOMIC_ACQUIRE) != VMRPC_SLOT_REQUEST)
            continue;
        int64_t res;
        while ((res = hc(SRV, HC_RPC_REPLY, 0, 0, 0, 0, 0)) == HV_EINVAL)
            r->einval++; /* refused: try again until the hypervisor agrees */
        if (res == 0)
            r->replies++;
    }
    return NULL;
}

TEST(rpc_regress_doorbell_reply_right_after_request)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 1, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    struct race r = {0};
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, server_thread, &r), 0);
    struct vmrpc_async *a = async_of(CLI, 0);
    uint32_t done = 0;
    for (uint32_t i = 0; i < RACE_CALLS; i++) {
        if (call_async(CLI, 0, 0, 0, O_REQ, 1, O_RESP, 8) != 0)
            break;
        while (!__atomic_load_n(&a->done, __ATOMIC_ACQUIRE))
            ;
        done += a->result == 0;
    }
    r.stop = true;
    pthread_join(t, NULL);
    CHECK_EQ(done, RACE_CALLS);
    CHECK_EQ(r.replies, RACE_CALLS);
    CHECK_EQ(r.einval, 0);
    FX_DONE();
}

/* include/vmrpc_abi.h: HC_EVQ_DELETE "blocked getters get HV_EPIPE". A
 * getter woken by the delete looked the queue up again and got
 * HV_ENOENT. */
static void delete_cpu(void *ctx)
{
    int *runs = ctx;
    if ((*runs)++ == 5)
        CHECK_EQ(hc(SRV, HC_EVQ_DELETE, 0, 0, 0, 0, 0), 0);
}

TEST(rpc_regress_evq_delete_ends_blocked_get_with_epipe)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "evt", 1, 1, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/evt", V10), 0);
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 2, 0, 0, 0), 0);
    int runs = 0;
    fake_relax_hook = delete_cpu;
    fake_relax_ctx = &runs;
    CHECK_EQ(hc(CLI, HC_EVQ_GET, 0, 0, G(O_EV), 0xFFFFFFFFull, 0), HV_EPIPE);
    CHECK_EQ(runs, 6);
    fake_relax_hook = NULL;
    CHECK_EQ(hc(CLI, HC_EVQ_GET, 0, 0, G(O_EV), 0, 0), HV_ENOENT); /* a new get: no such queue */
    FX_DONE();
}

/* A server that sets VMRPC_SLOT_REPLIED in a slot it was never handed
 * (wait mode: the call is still queued) is not answering: the caller's
 * collect_exit_free_reply() declined, but rpc_call_sync() then returned
 * its waiter's result (0, "empty response") with the call still queued
 * and its waiter pointing into the returned frame; the server's later
 * reply wrote into that dead stack frame (ASan with
 * detect_stack_use_after_return=1 reports it). */
static void scribble_cpu(void *ctx)
{
    int *runs = ctx;
    if ((*runs)++ == 3)
        __atomic_store_n(&slot_of(SRV, O_RING, 128, 0)->state, VMRPC_SLOT_REPLIED, __ATOMIC_RELEASE);
}

TEST(rpc_regress_replied_before_taken)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "wait", 1, 1, 128, VMRPC_RECV_WAIT, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/wait", V10), 0);
    int runs = 0;
    fake_relax_hook = scribble_cpu;
    fake_relax_ctx = &runs;
    int64_t r = hc(CLI, HC_RPC_CALL, 0, G(O_REQ), 1, G(O_RESP), 8);
    fake_relax_hook = NULL;
    CHECK(r < 0); /* no answer came: an error, not success */
    const struct rpc_module *m = &rpc_modules[rpc_parties[SRV].desc[0].module];
    bool dangling = m->calls[0].state != SLOT_FREE && m->calls[0].waiter;
    CHECK(!dangling); /* nothing points at the returned caller's frame */
    if (dangling)
        return; /* the reply below would write into it */
    if (m->calls[0].state == SLOT_QUEUED) {
        CHECK_EQ(hc(SRV, HC_RPC_WAIT, 0, VMRPC_NO_REPLY, 0, 0, 0), 0);
        CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 0, 0), 0);
    }
    CHECK_EQ(pending_of(CLI, 0), 0);
    FX_DONE();
}

/* docs/VMRPC.md: a synchronous caller that timed out "a late reply then
 * never touches its buffers". The server's HC_RPC_REPLY copies the
 * response into the caller's RAM outside rpc_lock; a caller whose wait
 * ended during that copy abandoned the call, returned HV_ETIMEDOUT, and
 * the copy went on writing into a buffer the guest owned again. The copy
 * is paused deterministically: the last page of the response buffer is
 * write-protected, and the server's SIGSEGV handler waits (bounded) for
 * the caller to return before it lets the copy finish. */
#define LATE_LEN 8192
#define LATE_SLOT (64 + LATE_LEN)

static volatile sig_atomic_t late_copy_paused, late_caller_returned;
static uint8_t *late_page;
static uint8_t late_seen[LATE_LEN]; /* the caller's buffer when its call returned */

static uint64_t late_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void late_segv(int sig)
{
    (void)sig;
    late_copy_paused = 1;
    uint64_t until = late_now_ms() + 2000; /* with the fix the caller waits for us: go on after 2 s */
    while (!late_caller_returned && late_now_ms() < until)
        usleep(1000);
    mprotect(late_page, 4096, PROT_READ | PROT_WRITE);
}

/* The caller's relax steps: no time passes until the copy has started,
 * then its deadline comes within a few hundred steps. */
static void late_caller_relax(void *ctx)
{
    (void)ctx;
    while (!late_copy_paused)
        usleep(100);
    usleep(100);
}

struct late_call {
    int64_t result;
};

static void *late_caller(void *arg)
{
    struct late_call *c = arg;
    c->result = hc(CLI, HC_RPC_CALL, 0, G(O_REQ), 1, G(O_RESP), LATE_LEN);
    memcpy(late_seen, H(CLI, O_RESP), LATE_LEN);
    late_caller_returned = 1;
    return NULL;
}

TEST(rpc_regress_late_reply_copy_after_timeout)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "big", 1, 1, LATE_SLOT, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/big", V10), 0);
    late_copy_paused = late_caller_returned = 0;
    uintptr_t resp = (uintptr_t)H(CLI, O_RESP);
    late_page = (uint8_t *)((resp + LATE_LEN - 4096) & ~(uintptr_t)4095); /* inside the buffer */
    struct sigaction sa = {.sa_handler = late_segv}, old;
    CHECK_EQ(sigaction(SIGSEGV, &sa, &old), 0);
    fake_relax_hook = late_caller_relax;
    struct late_call c = {0};
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, late_caller, &c), 0);
    struct vmrpc_slot *slot = slot_of(SRV, O_RING, LATE_SLOT, 0);
    while (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) != VMRPC_SLOT_REQUEST)
        usleep(100);
    memset(slot->data, 0x5A, LATE_LEN);
    CHECK_EQ(mprotect(late_page, 4096, PROT_READ), 0);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, LATE_LEN, 0), 0); /* this CPU copies the response */
    pthread_join(t, NULL);
    fake_relax_hook = NULL;
    sigaction(SIGSEGV, &old, NULL);
    CHECK(late_copy_paused);
    bool written_after = memcmp(late_seen, H(CLI, O_RESP), LATE_LEN) != 0;
    CHECK(!written_after); /* nothing wrote the buffer after the call returned */
    CHECK_EQ(c.result, LATE_LEN); /* the caller waited for the copy: it got the reply */
    CHECK(all_bytes(late_seen, 0x5A, LATE_LEN));
    CHECK_EQ(pending_of(CLI, 0), 0);
    FX_DONE();
}

/* A call with an empty request (req_len 0, the request address unused):
 * submit() passed the NULL pointer check_buffers leaves for it to memcpy,
 * undefined behaviour (UBSan: "null pointer passed as argument 2"). Last
 * in this file: without the fix, UBSan ends the binary here. */
TEST(rpc_regress_empty_request)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 2, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    CHECK_EQ(call_async(CLI, 0, 0, 0, 0, 0, O_RESP, 8), 0);
    CHECK_EQ(slot_of(SRV, O_RING, 128, 0)->req_len, 0);
    CHECK_EQ(slot_of(SRV, O_RING, 128, 0)->state, VMRPC_SLOT_REQUEST);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(async_of(CLI, 0)->result, 0);
    CHECK_EQ(async_of(CLI, 0)->done, 1);
    FX_DONE();
}
