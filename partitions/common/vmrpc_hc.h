/* VMRPC hypercalls (include/vmrpc_abi.h) as C calls, for the in-tree
 * 32-bit guests. Thin: no state, no policy; each returns what the
 * hypervisor put in EAX (>= 0 or a negative HV_E*), or HV_ENOSYS,
 * unsent, without a hypervisor. Pointers are guest-physical (both kernels
 * run with paging off). */
#ifndef GUEST_VMRPC_HC_H
#define GUEST_VMRPC_HC_H

#include "include/vmrpc_abi.h"

int32_t vmrpc_register(const struct vmrpc_register *reg);
int32_t vmrpc_unregister(uint32_t desc);
int32_t vmrpc_bind(const char *name, uint32_t version);
int32_t vmrpc_unbind(uint32_t desc);
/* Synchronous: returns the response length or an error. */
int32_t vmrpc_call(uint32_t desc, uint32_t proc, const void *req, uint32_t req_len, void *resp, uint32_t resp_cap);
/* Asynchronous: *a must stay in place until a->done. */
int32_t vmrpc_call_async(struct vmrpc_async *a);
int32_t vmrpc_reply(uint32_t desc, uint32_t slot, int32_t status, uint32_t resp_len);
/* Replies to reply_slot (VMRPC_NO_REPLY: none), then parks until a
 * request is there: returns its slot, or HV_EINTR when an interrupt is
 * pending for this CPU (take it, then call again with VMRPC_NO_REPLY). */
int32_t vmrpc_wait(uint32_t desc, uint32_t reply_slot, int32_t status, uint32_t resp_len);
int32_t vmrpc_list(uint32_t index, struct vmrpc_module_info *info);
int32_t vmrpc_evq_create(uint32_t desc, uint32_t capacity);
int32_t vmrpc_evq_delete(uint32_t desc, uint32_t queue);
int32_t vmrpc_evq_put(uint32_t desc, uint32_t queue, const struct vmrpc_event *ev);
int32_t vmrpc_evq_get(uint32_t desc, uint32_t queue, struct vmrpc_event *ev, uint32_t timeout_us);
int32_t vmrpc_evq_info(uint32_t desc, uint32_t queue, struct vmrpc_evq_info *info);

/* The slot `index` of a ring of slot_size-byte slots. */
static inline struct vmrpc_slot *vmrpc_ring_slot(void *ring, uint32_t slot_size, uint32_t index)
{
    return (struct vmrpc_slot *)((uint8_t *)ring + index * slot_size);
}

/* Short name of an error code ("EBUSY"), or "?" */
const char *vmrpc_strerror(int32_t err);

#endif
