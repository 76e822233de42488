/* libFuzzer harness for the VMRPC layer (rpc/), built for the host with
 * the fakes of tests/unit/rpc_fake.c (`make fuzz`, docs/TESTING.md).
 *
 * Three partitions with 64 KiB of RAM each: alpha serves echo (doorbell,
 * one event queue), beta serves svc (reply-and-wait), each binds the
 * other's, gamma (no vector) binds both. The input is a sequence of
 * operations: a hypercall by one partition with five arguments biased
 * toward interesting values (RAM ends, below RAM, descriptors 0..20,
 * lengths around the limits, the ring addresses), guest writes into RAM
 * (register and async structures, events, raw bytes, ring slot headers
 * as a server answering without an exit would write them), a server
 * answering a call it holds, a partition's stop. Operations may also run
 * from inside another's busy wait (the fake relax step: "another CPU").
 * Every wait ends: the clock advances at each step, and an interrupt
 * becomes pending a few steps into each top-level operation.
 *
 * After each top-level operation: nothing written outside any RAM (guard
 * areas, poisoned for ASan too), no write at all by a call that failed
 * with HV_EFAULT or HV_EPERM, rpc_lock free, no module dying or copying,
 * no call still pointing at a synchronous caller's waiter, rings inside
 * their server's RAM, descriptors and modules consistent, each binding's
 * pending count equal to the calls that reference it, queues in bounds,
 * results within the ABI's values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/rpc_fake.h"

#define RAMSZ 0x10000ull
#define NPARTS 3
#define A 0
#define B 1

#define O_REG 0x0
#define O_NAMES 0x100 /* 32 bytes apart */
#define O_ASYNC 0x400 /* 8 x 64 */
#define O_EV 0x600
#define O_INFO 0x700
#define O_REQ 0x1000
#define O_RESP 0x3000
#define O_RING 0x8000
#define O_RING2 0xA000

static const struct cfg_partition cfg_alpha = {
    .name = "alpha", .rpc_serve = {"echo", "evt"}, .rpc_bind = {"beta/svc", "beta/echo"}, .rpc_vector = 0x30};
static const struct cfg_partition cfg_beta = {
    .name = "beta", .rpc_serve = {"svc", "echo"}, .rpc_bind = {"alpha/echo", "alpha/evt"}, .rpc_vector = 0x31};
static const struct cfg_partition cfg_gamma = {.name = "gamma", .rpc_serve = {"echo"}, .rpc_bind = {"alpha/echo", "beta/svc"}};
static const struct cfg_partition *const cfgs[NPARTS] = {&cfg_alpha, &cfg_beta, &cfg_gamma};
static const char *const names[] = {"alpha/echo", "alpha/evt", "beta/svc", "beta/echo", "gamma/echo", "echo", "evt", "svc"};

#define G(off) (FAKE_RAM_BASE + (off))

/* ------------------------------------------------------------ input */

static const uint8_t *in;
static size_t in_left;

static uint8_t u8(void)
{
    if (!in_left)
        return 0;
    in_left--;
    return *in++;
}
static uint16_t u16(void) { return (uint16_t)(u8() | u8() << 8); }
static uint32_t u32(void) { return u16() | (uint32_t)u16() << 16; }
static uint64_t u64(void) { return u32() | (uint64_t)u32() << 32; }

static uint64_t val(void)
{
    static const uint64_t lens[] = {0, 1, 7, 8, 63, 64, 65, 127, 128, 191, 192, 193, 256, 448, 449, 512,
                                    VMRPC_MAX_MSG - 1, VMRPC_MAX_MSG, VMRPC_MAX_MSG + 1, 0xFFFFFFFFull, 1ull << 32, ~0ull};
    static const uint64_t addrs[] = {G(O_REG), G(O_NAMES), G(O_ASYNC), G(O_ASYNC + 64), G(O_EV), G(O_INFO), G(O_REQ),
                                     G(O_RESP), G(O_RING), G(O_RING + 256), G(O_RING + 512), G(O_RING2), G(RAMSZ - 64),
                                     G(RAMSZ - 48), G(RAMSZ - 32), G(RAMSZ - VMRPC_MAX_MSG), 0, FAKE_RAM_BASE - 8};
    switch (u8() % 12) {
    case 0: return u8() % 21;
    case 1: return G(u16() % RAMSZ) & ~7ull;
    case 2: return G(RAMSZ) - u8() % 80;
    case 3: return FAKE_RAM_BASE - u8();
    case 4: return addrs[u8() % (sizeof addrs / sizeof addrs[0])];
    case 5: return lens[u8() % (sizeof lens / sizeof lens[0])];
    case 6: return u64();
    case 7: return VMRPC_NO_REPLY;
    case 8: return (u8() % 20) | (uint64_t)(u8() % 6) << 16; /* HC_RPC_CALL's desc | proc << 16 */
    case 9: return u32();
    case 10: return (uint64_t)-(int64_t)(u16() % 5000); /* a status */
    default: return G(O_NAMES + 32 * (u8() % 8));
    }
}

/* ------------------------------------------------------------ scene */

static uint8_t *ram(uint32_t p, uint64_t off) { return fake_ram(p, G(off)); }

static void setup(void)
{
    fake_init(cfgs, NPARTS, RAMSZ);
    for (uint32_t p = 0; p < NPARTS; p++)
        for (uint32_t i = 0; i < 8; i++)
            strcpy((char *)ram(p, O_NAMES + 32 * i), names[i]);
    struct vmrpc_register r = {.ring_gpa = G(O_RING), .name = "echo", .version = VMRPC_VERSION(1, 0), .proc_count = 4,
                               .slot_count = 4, .slot_size = 256, .mode = VMRPC_RECV_DOORBELL};
    memcpy(ram(A, O_REG), &r, sizeof r);
    if (fake_hc(A, HC_RPC_REGISTER, G(O_REG), sizeof r, 0, 0, 0) != 0)
        abort();
    r = (struct vmrpc_register){.ring_gpa = G(O_RING), .name = "svc", .version = VMRPC_VERSION(1, 2), .proc_count = 2,
                                .slot_count = 4, .slot_size = 512, .mode = VMRPC_RECV_WAIT};
    memcpy(ram(B, O_REG), &r, sizeof r);
    if (fake_hc(B, HC_RPC_REGISTER, G(O_REG), sizeof r, 0, 0, 0) != 0 ||
        fake_hc(A, HC_RPC_BIND, G(O_NAMES + 32 * 2), VMRPC_VERSION(1, 1), 0, 0, 0) != 1 ||
        fake_hc(B, HC_RPC_BIND, G(O_NAMES), VMRPC_VERSION(1, 0), 0, 0, 0) != 1 ||
        fake_hc(2, HC_RPC_BIND, G(O_NAMES), VMRPC_VERSION(1, 0), 0, 0, 0) != 0 ||
        fake_hc(2, HC_RPC_BIND, G(O_NAMES + 32 * 2), VMRPC_VERSION(1, 0), 0, 0, 0) != 1 ||
        fake_hc(A, HC_EVQ_CREATE, 0, 4, 0, 0, 0) != 0)
        abort();
}

/* ------------------------------------------------------- invariants */

#define FAIL(...)                                                        \
    do {                                                                 \
        fprintf(stderr, "fuzz_rpc: invariant broken: " __VA_ARGS__);    \
        fputc('\n', stderr);                                             \
        abort();                                                         \
    } while (0)

static int part_index(const struct partition *p)
{
    for (uint32_t i = 0; i < NPARTS; i++)
        if (p == &partition_table[i])
            return (int)i;
    return -1;
}

static void check_invariants(void)
{
    if (spin_is_locked(&rpc_lock))
        FAIL("rpc_lock held");
    if (!fake_guards_ok())
        FAIL("a guard byte outside a partition's RAM changed");
    uint32_t refs[NPARTS][VMRPC_MAX_DESCS] = {{0}};
    for (uint32_t i = 0; i < RPC_MAX_MODULES; i++) {
        const struct rpc_module *m = &rpc_modules[i];
        if (m->state != MOD_FREE && m->state != MOD_LIVE)
            FAIL("module %u in state %u", i, m->state);
        if (m->copying)
            FAIL("module %u copying %u", i, m->copying);
        for (uint32_t s = 0; s < VMRPC_MAX_SLOTS; s++) {
            const struct rpc_call *k = &m->calls[s];
            if (k->state == SLOT_FREE)
                continue;
            if (m->state != MOD_LIVE || s >= m->slot_count)
                FAIL("module %u: call in slot %u of a free module or beyond its ring", i, s);
            if (k->state == SLOT_COPYING)
                FAIL("module %u slot %u still SLOT_COPYING", i, s);
            if (k->waiter)
                FAIL("module %u slot %u points at a synchronous caller that returned", i, s);
            int c = part_index(k->client);
            if (c < 0 || k->client_desc > VMRPC_MAX_DESCS)
                FAIL("module %u slot %u: bad client", i, s);
            if (k->client_desc == VMRPC_MAX_DESCS) { /* abandoned by its synchronous caller */
                if (!k->abandoned || k->async_gpa)
                    FAIL("module %u slot %u: released from its binding but not abandoned", i, s);
                continue;
            }
            const struct rpc_desc *e = &rpc_parties[c].desc[k->client_desc];
            if (e->kind != DESC_BIND || e->module != i || e->gen != m->gen)
                FAIL("module %u slot %u: client descriptor %u does not bind it", i, s, k->client_desc);
            if (k->async_gpa && !guest_ram_ptr(&k->client->ram, k->async_gpa, sizeof(struct vmrpc_async)))
                FAIL("module %u slot %u: async descriptor outside the client's RAM", i, s);
            if (k->resp_cap > VMRPC_MAX_MSG || (k->resp_cap && !guest_ram_ptr(&k->client->ram, k->resp_gpa, k->resp_cap)))
                FAIL("module %u slot %u: response buffer outside the client's RAM", i, s);
            refs[c][k->client_desc]++;
        }
        if (m->state != MOD_LIVE)
            continue;
        int sv = part_index(m->server);
        if (sv < 0 || m->server_desc >= VMRPC_MAX_DESCS)
            FAIL("module %u: bad server", i);
        const struct rpc_desc *e = &rpc_parties[sv].desc[m->server_desc];
        if (e->kind != DESC_SERVE || e->module != i || e->gen != m->gen)
            FAIL("module %u: its server's descriptor does not serve it", i);
        uint8_t *lo = fake_ram_host((uint32_t)sv);
        if (m->ring < lo || m->ring + (uint64_t)m->slot_count * m->slot_size > lo + RAMSZ)
            FAIL("module %u: ring outside its server's RAM", i);
        for (uint32_t q = 0; q < VMRPC_MAX_QUEUES; q++) {
            const struct evq *v = &m->queues[q];
            if (v->live && (v->capacity == 0 || v->capacity > VMRPC_EVQ_MAX_CAPACITY || v->count > v->capacity ||
                            v->head >= v->capacity))
                FAIL("module %u queue %u out of bounds", i, q);
        }
    }
    for (uint32_t p = 0; p < NPARTS; p++) {
        for (uint32_t d = 0; d < VMRPC_MAX_DESCS; d++) {
            const struct rpc_desc *e = &rpc_parties[p].desc[d];
            if (e->kind == DESC_BIND && e->pending != refs[p][d])
                FAIL("partition %u descriptor %u: pending %u, calls %u", p, d, e->pending, refs[p][d]);
            if (e->kind != DESC_BIND && refs[p][d])
                FAIL("partition %u descriptor %u: calls reference a closed binding", p, d);
            if (e->kind == DESC_SERVE) {
                const struct rpc_module *m = &rpc_modules[e->module];
                if (m->state != MOD_LIVE || m->server != &partition_table[p] || m->server_desc != d || m->gen != e->gen)
                    FAIL("partition %u descriptor %u serves no live module of its own", p, d);
            }
        }
    }
}

static bool known_error(int64_t r)
{
    static const int64_t errs[] = {HV_EPERM, HV_ENOENT, HV_EINTR, HV_EBADF, HV_EAGAIN, HV_ENOMEM, HV_EFAULT,
                                   HV_EBUSY, HV_EEXIST, HV_EINVAL, HV_EPIPE, HV_ENOSYS, HV_EPROTO, HV_EMSGSIZE,
                                   HV_ETIMEDOUT};
    for (uint32_t i = 0; i < sizeof errs / sizeof errs[0]; i++)
        if (r == errs[i])
            return true;
    return false;
}

static void check_result(uint32_t op, int64_t r)
{
    if (op == HC_RPC_CALL) { /* the server's status passes through */
        if (r < -4095 || r > VMRPC_MAX_MSG)
            FAIL("HC_RPC_CALL returned %lld", (long long)r);
        return;
    }
    if (r < 0 ? !known_error(r) : r > 0xFFFF)
        FAIL("op %u returned %lld", op, (long long)r);
    if (r >= 0 && (op == HC_RPC_REGISTER || op == HC_RPC_BIND) && r >= VMRPC_MAX_DESCS)
        FAIL("op %u returned descriptor %lld", op, (long long)r);
    if (r >= 0 && op == HC_EVQ_CREATE && r >= VMRPC_MAX_QUEUES)
        FAIL("HC_EVQ_CREATE returned %lld", (long long)r);
    if (r >= 0 && op == HC_RPC_WAIT && r >= VMRPC_MAX_SLOTS)
        FAIL("HC_RPC_WAIT returned slot %lld", (long long)r);
    if (r > 0 && op != HC_RPC_REGISTER && op != HC_RPC_BIND && op != HC_EVQ_CREATE && op != HC_RPC_WAIT)
        FAIL("op %u returned %lld", op, (long long)r);
}

/* ------------------------------------------------------------- ops */

static int depth;
static uint32_t nested_ran, hook_calls;
static uint8_t snap[NPARTS][RAMSZ];

static void stop(uint32_t p)
{
    partition_table[p].state = PART_STOPPED;
    rpc_partition_stopped(&partition_table[p]);
}

/* A server answering the first call of its own that it holds. */
static void serve_one(uint32_t p)
{
    for (uint32_t i = 0; i < RPC_MAX_MODULES; i++) {
        const struct rpc_module *m = &rpc_modules[i];
        if (m->state != MOD_LIVE || m->server != &partition_table[p])
            continue;
        for (uint32_t s = 0; s < m->slot_count; s++) {
            if (m->calls[s].state != SLOT_SERVING)
                continue;
            uint64_t status = u8() & 1 ? 0 : val();
            int64_t r = fake_hc(p, HC_RPC_REPLY, m->server_desc, s, status, u8() % 80, 0);
            check_result(HC_RPC_REPLY, r);
            return;
        }
    }
}

static void poke(uint32_t p)
{
    switch (u8() % 5) {
    case 0: {
        struct vmrpc_register r = {.ring_gpa = u8() & 1 ? G(O_RING2) : val(), .version = VMRPC_VERSION(1, u8() % 3),
                                   .proc_count = (uint32_t)val(), .slot_count = u8() % 18, .slot_size = 64u * (u8() % 10),
                                   .mode = u8() % 3};
        strncpy(r.name, names[5 + u8() % 3], sizeof r.name);
        if (u8() == 0x5A)
            r.reserved = 1;
        memcpy(ram(p, O_REG), &r, sizeof r);
        break;
    }
    case 1: {
        struct vmrpc_async a = {.req_gpa = u8() & 1 ? G(O_REQ) : val(), .resp_gpa = u8() & 1 ? G(O_RESP) : val(),
                                .desc = u8() % 20, .proc = u8() % 6, .req_len = (uint32_t)val(), .resp_cap = (uint32_t)val()};
        memcpy(ram(p, O_ASYNC + 64 * (u8() % 8)), &a, sizeof a);
        break;
    }
    case 2: {
        struct vmrpc_event e = {.data = {u64(), u64()}, .code = u32(), .sender = u32(), .lost = u32(), .seq = u32()};
        memcpy(ram(p, O_EV), &e, sizeof e);
        break;
    }
    case 3: { /* a slot header of a ring it serves, as an exit-free reply writes it */
        const struct rpc_module *m = NULL;
        for (uint32_t i = 0; i < RPC_MAX_MODULES && !m; i++)
            if (rpc_modules[i].state == MOD_LIVE && rpc_modules[i].server == &partition_table[p])
                m = &rpc_modules[i];
        if (!m)
            break;
        struct vmrpc_slot *s = (struct vmrpc_slot *)(m->ring + (size_t)(u8() % m->slot_count) * m->slot_size);
        s->status = (int32_t)val();
        s->resp_len = u8() & 1 ? u8() : (uint32_t)val();
        __atomic_store_n(&s->state, u8() % 5, __ATOMIC_RELEASE);
        break;
    }
    default: {
        uint64_t off = u16() % RAMSZ;
        uint32_t n = u8() % 64;
        for (uint32_t i = 0; i < n && off + i < RAMSZ; i++)
            *ram(p, off + i) = u8();
    }
    }
}

static void one_op(void);

static void relax_hook(void *ctx)
{
    (void)ctx;
    /* the first few steps of each wait only: long waits must not eat the input */
    if (depth == 0 && in_left && hook_calls++ < 4 && (u8() & 3) == 0) {
        nested_ran++;
        depth++;
        one_op();
        depth--;
    }
}

static void one_op(void)
{
    uint8_t sel = u8();
    uint32_t p = u8() % NPARTS;
    if (partition_table[p].state == PART_STOPPED)
        return; /* its CPUs are parked */
    if (depth == 0) {
        fake_irq = false;
        fake_irq_at_relax = fake_relaxes + 1 + u8() % 64;
        nested_ran = 0;
        hook_calls = 0;
    }
    uint32_t k = sel % 20;
    if (k < 14) {
        uint32_t op = HC_RPC_REGISTER + k;
        uint64_t a0 = val(), a1 = val(), a2 = val(), a3 = val(), a4 = val();
        if (depth == 0)
            for (uint32_t i = 0; i < NPARTS; i++)
                memcpy(snap[i], fake_ram_host(i), RAMSZ);
        int64_t r = fake_hc(p, op, a0, a1, a2, a3, a4);
        check_result(op, r);
        if (depth == 0 && !nested_ran && (r == HV_EFAULT || r == HV_EPERM))
            for (uint32_t i = 0; i < NPARTS; i++)
                if (memcmp(snap[i], fake_ram_host(i), RAMSZ) != 0)
                    FAIL("op %u failed with %lld but wrote partition %u's RAM", op, (long long)r, i);
    } else if (k == 14 || k == 15) {
        poke(p);
    } else if (k == 16) {
        serve_one(p);
    } else if (k == 17) {
        if (u8() == 0xA5)
            stop(p);
    } else if (k == 18) { /* a plausible synchronous call */
        check_result(HC_RPC_CALL, fake_hc(p, HC_RPC_CALL, (u8() % 3) | (uint64_t)(u8() % 3) << 16, G(O_REQ), u8(),
                                          G(O_RESP + 256 * (u8() % 8)), u8()));
    } else { /* a plausible asynchronous call */
        uint32_t slot = u8() % 8;
        struct vmrpc_async a = {.req_gpa = G(O_REQ), .resp_gpa = G(O_RESP + 256 * slot), .desc = u8() % 3,
                                .proc = u8() % 3, .req_len = u8(), .resp_cap = u8()};
        memcpy(ram(p, O_ASYNC + 64 * slot), &a, sizeof a);
        check_result(HC_RPC_CALL_ASYNC, fake_hc(p, HC_RPC_CALL_ASYNC, G(O_ASYNC + 64 * slot), sizeof a, 0, 0, 0));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    fake_relax_hook = relax_hook;
    fake_relax_limit = 4000000; /* far beyond what 256 operations may spin: a wait that never ends */
    in = data;
    in_left = size;
    for (uint32_t n = 0; in_left && n < 256; n++) {
        depth = 0;
        one_op();
        check_invariants();
    }
    return 0;
}
