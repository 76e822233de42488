/* A bounded queue of VMRPC events (include/vmrpc_abi.h), in hypervisor
 * memory. Pure: no locking (the caller holds rpc_lock), host-tested. */
#ifndef RPC_EVQ_H
#define RPC_EVQ_H

#include "hv/types.h"
#include "include/vmrpc_abi.h"

struct evq {
    bool live;
    uint32_t gen; /* bumped when deleted: blocked getters notice */
    uint32_t capacity, head, count;
    uint32_t puts, gets, overflows;
    uint32_t lost; /* puts refused since the last get */
    struct vmrpc_event ev[VMRPC_EVQ_MAX_CAPACITY];
};

/* capacity 1..VMRPC_EVQ_MAX_CAPACITY, else HV_EINVAL. */
int evq_create(struct evq *q, uint32_t capacity);
void evq_delete(struct evq *q);
/* Appends a copy of *e stamped with sender and its sequence number; 0,
 * or HV_EBUSY when full (counted: overflows, and `lost` of the next
 * event got). */
int evq_put(struct evq *q, const struct vmrpc_event *e, uint32_t sender);
/* Takes the oldest event into *out with its `lost` count; 0 or HV_EAGAIN. */
int evq_get(struct evq *q, struct vmrpc_event *out);
void evq_info(const struct evq *q, struct vmrpc_evq_info *out);

#endif
