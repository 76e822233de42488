/* Bounded event queue; see evq.h. */
#include "rpc/evq.h"

#include "hv/string.h"

int evq_create(struct evq *q, uint32_t capacity)
{
    if (capacity == 0 || capacity > VMRPC_EVQ_MAX_CAPACITY)
        return HV_EINVAL;
    uint32_t gen = q->gen;
    memset(q, 0, sizeof *q);
    q->gen = gen + 1;
    q->capacity = capacity;
    q->live = true;
    return 0;
}

void evq_delete(struct evq *q)
{
    q->live = false;
    q->gen++;
    q->count = 0;
}

int evq_put(struct evq *q, const struct vmrpc_event *e, uint32_t sender)
{
    if (q->count == q->capacity) {
        q->overflows++;
        q->lost++;
        return HV_EBUSY;
    }
    struct vmrpc_event *slot = &q->ev[(q->head + q->count) % q->capacity];
    *slot = *e;
    slot->sender = sender;
    slot->lost = 0;
    slot->seq = ++q->puts;
    q->count++;
    return 0;
}

int evq_get(struct evq *q, struct vmrpc_event *out)
{
    if (q->count == 0)
        return HV_EAGAIN;
    *out = q->ev[q->head];
    out->lost = q->lost;
    q->lost = 0;
    q->head = (q->head + 1) % q->capacity;
    q->count--;
    q->gets++;
    return 0;
}

void evq_info(const struct evq *q, struct vmrpc_evq_info *out)
{
    *out = (struct vmrpc_evq_info){
        .capacity = q->capacity,
        .count = q->count,
        .puts = q->puts,
        .gets = q->gets,
        .overflows = q->overflows,
    };
}
