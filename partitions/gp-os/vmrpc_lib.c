/* VMRPC server and client helpers; see vmrpc_lib.h. */
#include "partitions/gp-os/vmrpc_lib.h"
#include "partitions/common/lib.h"

#define SLOT_HEADER ((uint32_t)sizeof(struct vmrpc_slot))
#define NO_DESC (-1)

static void note_error(struct vmrpc_server *s, int32_t err)
{
    s->errors++;
    s->last_error = err;
}

static int copy_name(char *dst, uint32_t cap, const char *src)
{
    size_t n = kstrlen(src);
    if (n >= cap)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

int32_t vmrpc_server_register(struct vmrpc_server *s)
{
    struct vmrpc_register reg __attribute__((aligned(8))) = {
        .ring_gpa = (uintptr_t)s->ring,
        .version = s->version,
        .proc_count = s->proc_count,
        .slot_count = s->slot_count,
        .slot_size = s->slot_size,
        .mode = s->mode,
    };
    s->desc = NO_DESC;
    s->served = s->errors = 0;
    s->last_error = 0;
    if (copy_name(reg.name, sizeof reg.name, s->name))
        return HV_EINVAL;
    /* Every slot FREE before the hypervisor may fill one; the ring is the
     * caller's memory and may hold anything (a previous registration). */
    memset(s->ring, 0, (size_t)s->slot_count * s->slot_size);
    int32_t r = vmrpc_register(&reg);
    if (r >= 0)
        s->desc = r;
    return r;
}

int32_t vmrpc_server_unregister(struct vmrpc_server *s)
{
    if (s->desc < 0)
        return HV_EBADF;
    int32_t r = vmrpc_unregister((uint32_t)s->desc);
    /* Either way the descriptor is no longer ours to use: after a refusal
     * it was not a registered module in the first place. */
    s->desc = NO_DESC;
    return r;
}

/* Runs the handler on a slot already marked SERVING. Returns the status
 * for the caller (0 or HV_E*) with *resp_len, or VMRPC_DEFER. */
static int32_t dispatch(struct vmrpc_server *s, struct vmrpc_slot *sl, uint32_t *resp_len)
{
    uint32_t data_cap = s->slot_size - SLOT_HEADER;
    uint32_t req_len = sl->req_len;
    uint32_t resp_cap = sl->resp_cap < data_cap ? sl->resp_cap : data_cap;
    *resp_len = 0;
    s->served++;
    /* The hypervisor never writes more than the slot holds; a header that
     * says otherwise is not one to act on. */
    if (req_len > data_cap)
        return HV_EINVAL;
    int32_t r = s->handler(s->ctx, sl->proc, sl->data, req_len, sl->data, resp_cap);
    if (r == VMRPC_DEFER)
        return r;
    if (r < 0)
        return r;
    if ((uint32_t)r > resp_cap) /* a handler bug: do not claim bytes that are not there */
        return HV_EMSGSIZE;
    *resp_len = (uint32_t)r;
    return 0;
}

int32_t vmrpc_server_reply(struct vmrpc_server *s, uint32_t slot, int32_t status, uint32_t resp_len)
{
    if (s->desc < 0 || slot >= s->slot_count)
        return HV_EBADF;
    struct vmrpc_slot *sl = vmrpc_ring_slot(s->ring, s->slot_size, slot);
    /* A synchronous caller's CPU watches the slot in the hypervisor: no
     * exit needed here. An asynchronous one needs somebody to send its
     * completion interrupt: the hypercall. */
    if (!s->hypercall_replies && !(sl->flags & VMRPC_SLOT_ASYNC)) {
        sl->status = status;
        sl->resp_len = resp_len;
        __atomic_store_n(&sl->state, VMRPC_SLOT_REPLIED, __ATOMIC_RELEASE);
        return 0;
    }
    int32_t r = vmrpc_reply((uint32_t)s->desc, slot, status, resp_len);
    if (r < 0)
        note_error(s, r);
    return r;
}

/* One pass over the ring; returns the requests dispatched. */
static uint32_t poll_pass(struct vmrpc_server *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->slot_count && s->desc >= 0; i++) {
        struct vmrpc_slot *sl = vmrpc_ring_slot(s->ring, s->slot_size, i);
        if (sl->state != VMRPC_SLOT_REQUEST)
            continue;
        /* state is written last by the hypervisor: the header and the
         * request are complete once it reads REQUEST (x86 stores are not
         * reordered with older stores; the volatile read orders ours). */
        sl->state = VMRPC_SLOT_SERVING;
        n++;
        uint32_t len;
        int32_t st = dispatch(s, sl, &len);
        if (st != VMRPC_DEFER)
            vmrpc_server_reply(s, i, st, len);
    }
    return n;
}

uint32_t vmrpc_server_poll(struct vmrpc_server *s)
{
    uint32_t total = 0, n;
    /* Requests may land while we answer others: sweep until a pass is
     * empty, so one doorbell never leaves a request behind. */
    do {
        n = poll_pass(s);
        total += n;
    } while (n && s->desc >= 0);
    return total;
}

int32_t vmrpc_server_serve_wait(struct vmrpc_server *s, int (*on_eintr)(void *ctx), void *ctx)
{
    uint32_t reply = VMRPC_NO_REPLY, len = 0;
    int32_t status = 0;
    int failed = 0;
    while (s->desc >= 0) {
        int32_t r = vmrpc_wait((uint32_t)s->desc, reply, status, len);
        if (r == HV_EINTR) {
            reply = VMRPC_NO_REPLY; /* taken before the wait ended */
            if (on_eintr(ctx))
                return 0;
            continue;
        }
        if (r < 0 || (uint32_t)r >= s->slot_count) {
            note_error(s, r < 0 ? r : HV_EINVAL);
            /* Whatever became of the reply, do not hand it again: a
             * second failure in a row means the wait itself is refused. */
            if (failed++)
                return s->last_error;
            reply = VMRPC_NO_REPLY;
            continue;
        }
        failed = 0;
        struct vmrpc_slot *sl = vmrpc_ring_slot(s->ring, s->slot_size, (uint32_t)r);
        sl->state = VMRPC_SLOT_SERVING;
        status = dispatch(s, sl, &len);
        reply = status == VMRPC_DEFER ? VMRPC_NO_REPLY : (uint32_t)r;
    }
    return HV_EPIPE;
}

int32_t vmrpc_bind_name(char *buf, const char *partition, const char *module)
{
    size_t p = kstrlen(partition), m = kstrlen(module);
    if (p + 1 + m >= VMRPC_BIND_NAME_MAX)
        return HV_EINVAL;
    memcpy(buf, partition, p);
    buf[p] = '/';
    memcpy(buf + p + 1, module, m + 1);
    return 0;
}

int32_t vmrpc_client_bind(const char *partition, const char *module, uint32_t version)
{
    char name[VMRPC_BIND_NAME_MAX];
    int32_t r = vmrpc_bind_name(name, partition, module);
    return r < 0 ? r : vmrpc_bind(name, version);
}

int32_t vmrpc_client_lookup(const char *partition, const char *module, struct vmrpc_module_info *info)
{
    char name[VMRPC_BIND_NAME_MAX];
    int32_t r = vmrpc_bind_name(name, partition, module);
    if (r < 0)
        return r;
    for (uint32_t i = 0; i < VMRPC_MAX_DESCS * 4; i++) {
        r = vmrpc_list(i, info);
        if (r < 0)
            return r; /* HV_ENOENT past the end of the list */
        info->name[VMRPC_BIND_NAME_MAX - 1] = 0;
        if (kstreq(info->name, name))
            return (int32_t)i;
    }
    return HV_ENOENT;
}

int32_t vmrpc_client_call_async(struct vmrpc_async *a, uint32_t desc, uint32_t proc, const void *req,
                                uint32_t req_len, void *resp, uint32_t resp_cap, uint64_t tag)
{
    a->req_gpa = (uintptr_t)req;
    a->resp_gpa = (uintptr_t)resp;
    a->tag = tag;
    a->desc = desc;
    a->proc = proc;
    a->req_len = req_len;
    a->resp_cap = resp_cap;
    a->result = 0;
    a->done = 0;
    return vmrpc_call_async(a);
}
