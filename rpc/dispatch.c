/* The VMRPC hypercalls, by operation number (include/vmrpc_abi.h). */
#include "rpc/rpc_internal.h"

int64_t rpc_hypercall(const struct rpc_caller *c, uint32_t op, const uint64_t a[RPC_ARGS])
{
    /* The synchronous call first: the operation on every round trip's
     * path (a switch without jump tables is a tree of compares). */
    if (op == HC_RPC_CALL)
        return rpc_call_sync(c, a);
    switch (op) {
    case HC_RPC_REGISTER: return rpc_register(c, a[0], a[1]);
    case HC_RPC_UNREGISTER: return rpc_unregister(c, a[0]);
    case HC_RPC_BIND: return rpc_bind(c, a[0], a[1]);
    case HC_RPC_UNBIND: return rpc_unbind(c, a[0]);
    case HC_RPC_CALL_ASYNC: return rpc_call_async(c, a[0], a[1]);
    case HC_RPC_REPLY: return rpc_reply(c, a[0], a[1], a[2], a[3]);
    case HC_RPC_WAIT: return rpc_wait_request(c, a);
    case HC_RPC_LIST: return rpc_list(c, a[0], a[1], a[2]);
    case HC_EVQ_CREATE: return rpc_evq_create(c, a[0], a[1]);
    case HC_EVQ_DELETE: return rpc_evq_delete(c, a[0], a[1]);
    case HC_EVQ_PUT: return rpc_evq_put(c, a[0], a[1], a[2]);
    case HC_EVQ_GET: return rpc_evq_get(c, a[0], a[1], a[2], a[3]);
    case HC_EVQ_INFO: return rpc_evq_info(c, a[0], a[1], a[2], a[3]);
    default: return HV_ENOSYS;
    }
}
