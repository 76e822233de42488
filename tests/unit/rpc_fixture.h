/* The scene of tests/unit/test_rpc*.c: three fake partitions (rpc_fake.h)
 * with 512 KiB of RAM each at FAKE_RAM_BASE and these rights:
 *   srv (id 0): serves echo, wait, big; binds cli/back; vector 0x30
 *   cli (id 1): serves back; binds srv/echo, srv/wait, srv/big, srv/evt; vector 0x31
 *   oth (id 2): serves echo; binds srv/echo; no vector
 * and the places in each partition's RAM where the tests build what a
 * guest would pass (offsets from FAKE_RAM_BASE). */
#ifndef TESTS_UNIT_RPC_FIXTURE_H
#define TESTS_UNIT_RPC_FIXTURE_H

#include <string.h>

#include "rpc_fake.h"
#include "unit.h"

#define SRV 0
#define CLI 1
#define OTH 2
#define SRV_VEC 0x30
#define CLI_VEC 0x31
#define RAM (512 * 1024ull)

#define O_REG 0x0       /* struct vmrpc_register */
#define O_NAME 0x100    /* bind names */
#define O_ASYNC 0x1000  /* struct vmrpc_async, 64 bytes apart */
#define O_REQ 0x2000    /* requests */
#define O_RESP 0x6000   /* responses */
#define O_EV 0xA000     /* struct vmrpc_event */
#define O_INFO 0xA100   /* info structures */
#define O_RING 0x10000  /* rings: up to 16 slots of 64 + VMRPC_MAX_MSG */
#define O_RING2 0x60000 /* a second, small ring */

#define V10 VMRPC_VERSION(1, 0)

static const struct cfg_partition fx_srv = {
    .name = "srv", .rpc_serve = {"echo", "wait", "big", "evt"}, .rpc_bind = {"cli/back"}, .rpc_vector = SRV_VEC};
static const struct cfg_partition fx_cli = {
    .name = "cli",
    .rpc_serve = {"back"},
    .rpc_bind = {"srv/echo", "srv/wait", "srv/big", "srv/evt"},
    .rpc_vector = CLI_VEC};
static const struct cfg_partition fx_oth = {.name = "oth", .rpc_serve = {"echo"}, .rpc_bind = {"srv/echo"}};
static const struct cfg_partition *const fx_cfgs[] = {&fx_srv, &fx_cli, &fx_oth};

static inline void fx_setup(void) { fake_init(fx_cfgs, 3, RAM); }

static inline uint64_t G(uint64_t off) { return FAKE_RAM_BASE + off; }
static inline void *H(uint32_t part, uint64_t off) { return fake_ram(part, G(off)); }

static inline int64_t hc(uint32_t part, uint32_t op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    return fake_hc(part, op, a0, a1, a2, a3, a4);
}

static inline struct vmrpc_register reg_struct(const char *name, uint32_t procs, uint32_t slots, uint32_t slot_size,
                                               uint32_t mode, uint64_t ring_off)
{
    struct vmrpc_register r = {.ring_gpa = G(ring_off), .version = V10, .proc_count = procs, .slot_count = slots,
                               .slot_size = slot_size, .mode = mode};
    strncpy(r.name, name, sizeof r.name);
    return r;
}

/* HC_RPC_REGISTER with r placed at O_REG. */
static inline int64_t reg_with(uint32_t part, const struct vmrpc_register *r)
{
    memcpy(H(part, O_REG), r, sizeof *r);
    return hc(part, HC_RPC_REGISTER, G(O_REG), sizeof *r, 0, 0, 0);
}

static inline int64_t reg(uint32_t part, const char *name, uint32_t procs, uint32_t slots, uint32_t slot_size,
                          uint32_t mode, uint64_t ring_off)
{
    struct vmrpc_register r = reg_struct(name, procs, slots, slot_size, mode, ring_off);
    return reg_with(part, &r);
}

/* HC_RPC_BIND of name, written at O_NAME. */
static inline int64_t bind(uint32_t part, const char *name, uint64_t version)
{
    strcpy(H(part, O_NAME), name);
    return hc(part, HC_RPC_BIND, G(O_NAME), version, 0, 0, 0);
}

static inline struct vmrpc_async *async_of(uint32_t part, uint32_t i) { return H(part, O_ASYNC + 64ull * i); }

/* HC_RPC_CALL_ASYNC with descriptor i at O_ASYNC + 64 i; tag = 0x7A6 + i. */
static inline int64_t call_async(uint32_t part, uint32_t i, uint32_t desc, uint32_t proc, uint64_t req_off, uint32_t req_len,
                                 uint64_t resp_off, uint32_t resp_cap)
{
    struct vmrpc_async *a = async_of(part, i);
    *a = (struct vmrpc_async){.req_gpa = G(req_off), .resp_gpa = G(resp_off), .tag = 0x7A6 + i, .desc = desc, .proc = proc,
                              .req_len = req_len, .resp_cap = resp_cap, .result = 0x5555, .done = 0x5555};
    return hc(part, HC_RPC_CALL_ASYNC, G(O_ASYNC + 64ull * i), sizeof *a, 0, 0, 0);
}

static inline struct vmrpc_slot *slot_of(uint32_t part, uint64_t ring_off, uint32_t slot_size, uint32_t s)
{
    return H(part, ring_off + (uint64_t)s * slot_size);
}

/* Pending count of partition part's descriptor d (rpc/ internals). */
static inline uint32_t pending_of(uint32_t part, uint32_t d) { return rpc_parties[part].desc[d].pending; }

static inline bool all_bytes(const void *p, uint8_t v, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != v)
            return false;
    return true;
}

/* End of every test: no write outside any RAM, the lock free. */
#define FX_DONE()                            \
    do {                                     \
        CHECK(fake_guards_ok());             \
        CHECK(!spin_is_locked(&rpc_lock));   \
    } while (0)

#endif
