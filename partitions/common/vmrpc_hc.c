/* VMRPC hypercall wrappers; see vmrpc_hc.h. */
#include "partitions/common/vmrpc_hc.h"
#include "partitions/common/hv.h"

/* HC_RPC_CALL takes a fifth argument in EDI. */
static int32_t hc5(uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5)
{
    if (!hv_present())
        return HV_ENOSYS;
    int32_t r;
    __asm__ __volatile__("vmcall" : "=a"(r) : "a"(op), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5) : "memory");
    return r;
}

#define P(x) ((uint32_t)(x))

int32_t vmrpc_register(const struct vmrpc_register *reg) { return hc(HC_RPC_REGISTER, P(reg), sizeof *reg, 0, 0); }
int32_t vmrpc_unregister(uint32_t desc) { return hc(HC_RPC_UNREGISTER, desc, 0, 0, 0); }
int32_t vmrpc_bind(const char *name, uint32_t version) { return hc(HC_RPC_BIND, P(name), version, 0, 0); }
int32_t vmrpc_unbind(uint32_t desc) { return hc(HC_RPC_UNBIND, desc, 0, 0, 0); }

int32_t vmrpc_call(uint32_t desc, uint32_t proc, const void *req, uint32_t req_len, void *resp, uint32_t resp_cap)
{
    return hc5(HC_RPC_CALL, desc | proc << 16, P(req), req_len, P(resp), resp_cap);
}

int32_t vmrpc_call_async(struct vmrpc_async *a) { return hc(HC_RPC_CALL_ASYNC, P(a), sizeof *a, 0, 0); }

int32_t vmrpc_reply(uint32_t desc, uint32_t slot, int32_t status, uint32_t resp_len)
{
    return hc(HC_RPC_REPLY, desc, slot, (uint32_t)status, resp_len);
}

int32_t vmrpc_wait(uint32_t desc, uint32_t reply_slot, int32_t status, uint32_t resp_len)
{
    return hc(HC_RPC_WAIT, desc, reply_slot, (uint32_t)status, resp_len);
}

int32_t vmrpc_list(uint32_t index, struct vmrpc_module_info *info) { return hc(HC_RPC_LIST, index, P(info), sizeof *info, 0); }
int32_t vmrpc_evq_create(uint32_t desc, uint32_t capacity) { return hc(HC_EVQ_CREATE, desc, capacity, 0, 0); }
int32_t vmrpc_evq_delete(uint32_t desc, uint32_t queue) { return hc(HC_EVQ_DELETE, desc, queue, 0, 0); }

int32_t vmrpc_evq_put(uint32_t desc, uint32_t queue, const struct vmrpc_event *ev)
{
    return hc(HC_EVQ_PUT, desc, queue, P(ev), 0);
}

int32_t vmrpc_evq_get(uint32_t desc, uint32_t queue, struct vmrpc_event *ev, uint32_t timeout_us)
{
    return hc(HC_EVQ_GET, desc, queue, P(ev), timeout_us);
}

int32_t vmrpc_evq_info(uint32_t desc, uint32_t queue, struct vmrpc_evq_info *info)
{
    return hc(HC_EVQ_INFO, desc, queue, P(info), sizeof *info);
}

const char *vmrpc_strerror(int32_t err)
{
    switch (err) {
    case HV_EPERM: return "EPERM";
    case HV_ENOENT: return "ENOENT";
    case HV_EINTR: return "EINTR";
    case HV_EBADF: return "EBADF";
    case HV_EAGAIN: return "EAGAIN";
    case HV_ENOMEM: return "ENOMEM";
    case HV_EFAULT: return "EFAULT";
    case HV_EBUSY: return "EBUSY";
    case HV_EEXIST: return "EEXIST";
    case HV_EINVAL: return "EINVAL";
    case HV_EPIPE: return "EPIPE";
    case HV_ENOSYS: return "ENOSYS";
    case HV_EPROTO: return "EPROTO";
    case HV_EMSGSIZE: return "EMSGSIZE";
    case HV_ETIMEDOUT: return "ETIMEDOUT";
    default: return "?";
    }
}
