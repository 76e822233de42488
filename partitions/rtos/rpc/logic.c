/* The library's pure decisions; see rpc_int.h. */
#include "partitions/rtos/rpc/rpc_int.h"
#include "partitions/rtos/kernel/kernel.h"

int rpc_ring_find(const void *ring, uint32_t slot_size, uint32_t count, uint32_t start)
{
    for (uint32_t k = 0; k < count; k++) {
        uint32_t i = (start + k) % count;
        const struct vmrpc_slot *s = vmrpc_ring_slot((void *)ring, slot_size, i);
        if (s->state == VMRPC_SLOT_REQUEST)
            return (int)i;
    }
    return -1;
}

rtos_tick_t rpc_guard_until(rtos_tick_t now, rtos_tick_t next, rtos_tick_t guard)
{
    if (next == RTOS_FOREVER || (next > now && next - now > guard))
        return 0;
    return next + 1;
}

uint32_t rpc_resp_cap(uint32_t slot_size, uint32_t caller_cap)
{
    uint32_t data = slot_size > sizeof(struct vmrpc_slot) ? slot_size - (uint32_t)sizeof(struct vmrpc_slot) : 0;
    return caller_cap < data ? caller_cap : data;
}

void rpc_reply_args(int32_t result, uint32_t cap, int32_t *status, uint32_t *len)
{
    if (result >= 0 && (uint32_t)result > cap)
        result = HV_EMSGSIZE;
    *status = result < 0 ? result : 0;
    *len = result < 0 ? 0 : (uint32_t)result;
}

uint32_t rpc_load_permille(rtos_tick_t now, uint64_t idle, rtos_tick_t *prev_now, uint64_t *prev_idle)
{
    rtos_tick_t then = *prev_now;
    uint64_t idle_span = idle - *prev_idle;
    *prev_now = now;
    *prev_idle = idle;
    if (now <= then) /* nothing elapsed */
        return 0;
    uint64_t span = now - then;
    if (idle_span >= span)
        return 0;
    /* (span - idle) * 1000 / span, scaled down first so the product fits */
    uint64_t busy = span - idle_span;
    while (span > (UINT64_MAX / 1000)) {
        span >>= 1;
        busy >>= 1;
    }
    return (uint32_t)rtos_udiv64(busy * 1000, span, NULL);
}

uint64_t rpc_ticks_to_us(uint64_t ticks, uint64_t hz)
{
    if (!hz)
        return 0;
    uint64_t rem, secs = rtos_udiv64(ticks, hz, &rem);
    return secs * 1000000 + rtos_udiv64(rem * 1000000, hz, NULL);
}
