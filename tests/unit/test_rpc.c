/* Tests for the VMRPC layer (rpc/) on the host: register, bind, list,
 * asynchronous and synchronous calls in doorbell and reply-and-wait mode,
 * back-pressure, unregister and unbind with calls pending, hostile
 * arguments. Hypercalls are made through rpc_hypercall() as a guest would
 * (rpc_fake.h, scene in rpc_fixture.h); each test ends checking that no
 * byte outside the partitions' RAM was written. */
#include "rpc_fixture.h"

/* ------------------------------------------------------------- register */

TEST(rpc_register_rejects_bad_arguments)
{
    fx_setup();
    memset(H(SRV, O_RING), 0x5A, 4096);
    struct vmrpc_register good = reg_struct("echo", 4, 4, 256, VMRPC_RECV_DOORBELL, O_RING);
    memcpy(H(SRV, O_REG), &good, sizeof good);
    CHECK_EQ(hc(SRV, HC_RPC_REGISTER, G(O_REG), sizeof good - 1, 0, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(SRV, HC_RPC_REGISTER, G(O_REG) + 4, sizeof good, 0, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(SRV, HC_RPC_REGISTER, 0, sizeof good, 0, 0, 0), HV_EFAULT);
    CHECK_EQ(hc(SRV, HC_RPC_REGISTER, G(RAM) - 48, sizeof good, 0, 0, 0), HV_EFAULT); /* straddles the end */
    CHECK_EQ(hc(SRV, HC_RPC_REGISTER, G(RAM), sizeof good, 0, 0, 0), HV_EFAULT);
    CHECK_EQ(hc(SRV, HC_RPC_REGISTER, G(0) - 56, sizeof good, 0, 0, 0), HV_EFAULT);

    struct vmrpc_register r;
#define BAD(field, value, err)             \
    do {                                   \
        r = good;                          \
        r.field = (value);                 \
        CHECK_EQ(reg_with(SRV, &r), err);  \
    } while (0)
    BAD(proc_count, 0, HV_EINVAL);
    BAD(proc_count, VMRPC_MAX_PROCS + 1, HV_EINVAL);
    BAD(slot_count, 0, HV_EINVAL);
    BAD(slot_count, VMRPC_MAX_SLOTS + 1, HV_EINVAL);
    BAD(slot_size, 64, HV_EINVAL);
    BAD(slot_size, 130, HV_EINVAL);
    BAD(slot_size, 64 + VMRPC_MAX_MSG + 64, HV_EINVAL);
    BAD(slot_size, 0, HV_EINVAL);
    BAD(reserved, 1, HV_EINVAL);
    BAD(mode, VMRPC_RECV_POLL + 1, HV_EINVAL);
    BAD(ring_gpa, G(O_RING) + 32, HV_EINVAL);
    BAD(ring_gpa, G(RAM) - 4 * 256 + 64, HV_EFAULT); /* last slot straddles the end */
    BAD(ring_gpa, G(RAM), HV_EFAULT);
    BAD(ring_gpa, G(0) - 64, HV_EFAULT);
    BAD(ring_gpa, 0, HV_EFAULT);
#undef BAD
    r = reg_struct("nope", 4, 4, 256, VMRPC_RECV_DOORBELL, O_RING);
    CHECK_EQ(reg_with(SRV, &r), HV_EPERM); /* not in its rpc_serve */
    r = reg_struct("back", 4, 4, 256, VMRPC_RECV_DOORBELL, O_RING);
    CHECK_EQ(reg_with(SRV, &r), HV_EPERM); /* cli's, not srv's */
    r = reg_struct("", 4, 4, 256, VMRPC_RECV_DOORBELL, O_RING);
    CHECK_EQ(reg_with(SRV, &r), HV_EINVAL);
    r = reg_struct("srv/echo", 4, 4, 256, VMRPC_RECV_DOORBELL, O_RING);
    CHECK_EQ(reg_with(SRV, &r), HV_EINVAL);
    memset(r.name, 'e', sizeof r.name); /* unterminated */
    CHECK_EQ(reg_with(SRV, &r), HV_EINVAL);
    r = reg_struct("echo", 4, 4, 256, VMRPC_RECV_DOORBELL, O_RING);
    CHECK_EQ(reg_with(OTH, &r), HV_EINVAL); /* doorbell, but oth has no rpc_vector */
    CHECK(all_bytes(H(SRV, O_RING), 0x5A, 4096)); /* no refused registration touched the ring */
    CHECK(all_bytes(H(OTH, O_RING), 0, 4096));
    r.mode = VMRPC_RECV_WAIT;
    CHECK_EQ(reg_with(OTH, &r), 0);
    CHECK_EQ(fake_ipi_count, 0);
    FX_DONE();
}

TEST(rpc_register_ok_duplicate_and_limits)
{
    fx_setup();
    memset(H(SRV, O_RING), 0xFF, 4 * 256);
    CHECK_EQ(reg(SRV, "echo", 4, 4, 256, VMRPC_RECV_DOORBELL, O_RING), 0);
    for (uint32_t s = 0; s < 4; s++) {
        CHECK_EQ(slot_of(SRV, O_RING, 256, s)->state, VMRPC_SLOT_FREE);
        CHECK_EQ(slot_of(SRV, O_RING, 256, s)->proc, 0xFFFFFFFFu); /* only state is written */
    }
    CHECK_EQ(reg(SRV, "echo", 4, 4, 256, VMRPC_RECV_WAIT, O_RING2), HV_EEXIST);
    /* largest ring: 16 slots of 64 + VMRPC_MAX_MSG, ending exactly at RAM's end */
    uint64_t big = RAM - 16ull * (64 + VMRPC_MAX_MSG);
    CHECK_EQ(reg(SRV, "big", VMRPC_MAX_PROCS, VMRPC_MAX_SLOTS, 64 + VMRPC_MAX_MSG, VMRPC_RECV_WAIT, big), 1);
    CHECK_EQ(reg(SRV, "wait", 1, 1, 128, VMRPC_RECV_WAIT, O_RING + 0x1000), 2);
    /* the same name served by another partition is another module */
    CHECK_EQ(reg(OTH, "echo", 1, 1, 128, VMRPC_RECV_WAIT, O_RING), 0);
    /* unregister frees the name and the descriptor */
    CHECK_EQ(hc(SRV, HC_RPC_UNREGISTER, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(hc(SRV, HC_RPC_UNREGISTER, 0, 0, 0, 0, 0), HV_EBADF);
    CHECK_EQ(reg(SRV, "echo", 4, 4, 256, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(hc(SRV, HC_RPC_UNREGISTER, 16, 0, 0, 0, 0), HV_EBADF);
    CHECK_EQ(hc(SRV, HC_RPC_UNREGISTER, 1ull << 32, 0, 0, 0, 0), HV_EBADF);
    FX_DONE();
}

TEST(rpc_descriptor_table_full)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 1, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    for (int64_t d = 0; d < VMRPC_MAX_DESCS; d++)
        CHECK_EQ(bind(CLI, "srv/echo", V10), d);
    CHECK_EQ(bind(CLI, "srv/echo", V10), HV_ENOMEM);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 7, 0, 0, 0, 0), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 7);
    CHECK_EQ(reg(CLI, "back", 1, 1, 128, VMRPC_RECV_WAIT, O_RING), HV_ENOMEM);
    FX_DONE();
}

/* ----------------------------------------------------------------- bind */

TEST(rpc_bind_checks)
{
    fx_setup();
    CHECK_EQ(bind(CLI, "srv/echo", V10), HV_ENOENT); /* not registered yet */
    struct vmrpc_register r = reg_struct("echo", 3, 2, 128, VMRPC_RECV_DOORBELL, O_RING);
    r.version = VMRPC_VERSION(2, 5);
    CHECK_EQ(reg_with(SRV, &r), 0);
    CHECK_EQ(bind(CLI, "srv/nope", VMRPC_VERSION(2, 0)), HV_EPERM);
    CHECK_EQ(bind(CLI, "cli/back", VMRPC_VERSION(2, 0)), HV_EPERM);
    CHECK_EQ(bind(SRV, "srv/echo", VMRPC_VERSION(2, 0)), HV_EPERM); /* not in srv's rpc_bind */
    CHECK_EQ(bind(CLI, "srv/wait", VMRPC_VERSION(2, 0)), HV_ENOENT);
    CHECK_EQ(bind(CLI, "srv/echo", VMRPC_VERSION(1, 5)), HV_EPROTO);
    CHECK_EQ(bind(CLI, "srv/echo", VMRPC_VERSION(3, 0)), HV_EPROTO);
    CHECK_EQ(bind(CLI, "srv/echo", VMRPC_VERSION(2, 6)), HV_EPROTO); /* newer minor than the server's */
    CHECK_EQ(bind(CLI, "srv/echo", VMRPC_VERSION(2, 5) | 1ull << 32), 0); /* upper half ignored */
    CHECK_EQ(bind(CLI, "srv/echo", VMRPC_VERSION(2, 0)), 1);
    CHECK_EQ(bind(OTH, "srv/echo", VMRPC_VERSION(2, 1)), 0);
    /* name outside, straddling the end, too long */
    CHECK_EQ(hc(CLI, HC_RPC_BIND, G(RAM), V10, 0, 0, 0), HV_EFAULT);
    CHECK_EQ(hc(CLI, HC_RPC_BIND, G(0) - 1, V10, 0, 0, 0), HV_EFAULT);
    memcpy(H(CLI, RAM - 4), "srv/", 4); /* runs off the end before its NUL */
    CHECK_EQ(hc(CLI, HC_RPC_BIND, G(RAM - 4), V10, 0, 0, 0), HV_EFAULT);
    memset(H(CLI, O_NAME), 'a', 200);
    CHECK_EQ(hc(CLI, HC_RPC_BIND, G(O_NAME), V10, 0, 0, 0), HV_EINVAL);
    memcpy(H(CLI, O_NAME), "srv/echo", 9); /* exactly what is listed: "srv/echo\0" */
    CHECK_EQ(hc(CLI, HC_RPC_BIND, G(O_NAME), VMRPC_VERSION(2, 0), 0, 0, 0), 2);
    /* unbind: wrong kind, free, out of range */
    CHECK_EQ(reg(CLI, "back", 1, 1, 128, VMRPC_RECV_WAIT, O_RING), 3);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 3, 0, 0, 0, 0), HV_EBADF);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 9, 0, 0, 0, 0), HV_EBADF);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, ~0ull, 0, 0, 0, 0), HV_EBADF);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 1, 0, 0, 0, 0), 0);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 1, 0, 0, 0, 0), HV_EBADF);
    FX_DONE();
}

TEST(rpc_list_entries)
{
    fx_setup();
    struct vmrpc_module_info *info = H(CLI, O_INFO);
    memset(info, 0xEE, sizeof *info);
    CHECK_EQ(hc(CLI, HC_RPC_LIST, 0, G(O_INFO), sizeof *info, 0, 0), 0);
    CHECK_STR(info->name, "srv/echo");
    CHECK_EQ(info->registered, 0);
    CHECK_EQ(info->version, 0);
    CHECK_EQ(reg(SRV, "wait", 7, 2, 128, VMRPC_RECV_WAIT, O_RING), 0);
    CHECK_EQ(hc(CLI, HC_RPC_LIST, 1, G(O_INFO), sizeof *info + 100, 0, 0), 0);
    CHECK_STR(info->name, "srv/wait");
    CHECK_EQ(info->registered, 1);
    CHECK_EQ(info->version, V10);
    CHECK_EQ(info->proc_count, 7);
    CHECK_EQ(info->mode, VMRPC_RECV_WAIT);
    CHECK_EQ(hc(CLI, HC_RPC_LIST, 4, G(O_INFO), sizeof *info, 0, 0), HV_ENOENT);
    CHECK_EQ(hc(CLI, HC_RPC_LIST, CFG_MAX_RPC, G(O_INFO), sizeof *info, 0, 0), HV_ENOENT);
    CHECK_EQ(hc(CLI, HC_RPC_LIST, ~0ull, G(O_INFO), sizeof *info, 0, 0), HV_ENOENT);
    CHECK_EQ(hc(CLI, HC_RPC_LIST, 0, G(O_INFO), sizeof *info - 1, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(CLI, HC_RPC_LIST, 0, G(O_INFO) + 4, sizeof *info, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(CLI, HC_RPC_LIST, 0, G(RAM) - 72, sizeof *info, 0, 0), HV_EFAULT);
    CHECK_EQ(hc(OTH, HC_RPC_LIST, 1, G(O_INFO), sizeof *info, 0, 0), HV_ENOENT);
    FX_DONE();
}

/* ---------------------------------------------------------------- calls */

TEST(rpc_async_doorbell_round_trip)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 4, 4, 256, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    memcpy(H(CLI, O_REQ), "hello world", 11);
    memset(H(CLI, O_RESP), 0xCC, 128);
    CHECK_EQ(call_async(CLI, 0, 0, 2, O_REQ, 11, O_RESP, 64), 0);
    struct vmrpc_async *a = async_of(CLI, 0);
    CHECK_EQ(a->done, 0);
    CHECK_EQ(a->result, 0);
    CHECK_EQ(pending_of(CLI, 0), 1);
    struct vmrpc_slot *s = slot_of(SRV, O_RING, 256, 0);
    CHECK_EQ(s->state, VMRPC_SLOT_REQUEST);
    CHECK_EQ(s->proc, 2);
    CHECK_EQ(s->req_len, 11);
    CHECK_EQ(s->resp_cap, 64);
    CHECK_EQ(s->client_id, CLI);
    CHECK_EQ(s->seq, 1);
    CHECK_EQ(s->flags, VMRPC_SLOT_ASYNC);
    CHECK(memcmp(s->data, "hello world", 11) == 0);
    CHECK_EQ(s->data[11], 0); /* no more than req_len copied */
    CHECK_EQ(fake_ipi_count, 1);
    CHECK_EQ(fake_ipis[0].apic, FAKE_APIC(SRV));
    CHECK_EQ(fake_ipis[0].vector, SRV_VEC);

    memcpy(s->data, "HELLO", 5);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 5, 0), 0);
    CHECK(memcmp(H(CLI, O_RESP), "HELLO", 5) == 0);
    CHECK(all_bytes((uint8_t *)H(CLI, O_RESP) + 5, 0xCC, 123));
    CHECK_EQ(a->result, 5);
    CHECK_EQ(a->done, 1);
    CHECK_EQ(a->tag, 0x7A6);
    CHECK_EQ(s->state, VMRPC_SLOT_FREE);
    CHECK_EQ(pending_of(CLI, 0), 0);
    CHECK_EQ(fake_ipi_count, 2);
    CHECK_EQ(fake_ipis[1].apic, FAKE_APIC(CLI));
    CHECK_EQ(fake_ipis[1].vector, CLI_VEC);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 5, 0), HV_EINVAL); /* answered already */

    /* the next call takes a free slot with the next seq; no response buffer (empty requests: test_rpc_regress.c) */
    CHECK_EQ(call_async(CLI, 1, 0, 3, O_REQ, 1, 0, 0), 0);
    s = slot_of(SRV, O_RING, 256, 0);
    CHECK_EQ(s->seq, 2);
    CHECK_EQ(s->req_len, 1);
    CHECK_EQ(s->resp_cap, 0);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(async_of(CLI, 1)->result, 0);
    CHECK_EQ(async_of(CLI, 1)->done, 1);
    /* oth (no rpc_vector) gets its completion without an interrupt */
    CHECK_EQ(bind(OTH, "srv/echo", V10), 0);
    CHECK_EQ(call_async(OTH, 0, 0, 0, O_REQ, 1, 0, 0), 0);
    CHECK_EQ(slot_of(SRV, O_RING, 256, 0)->client_id, OTH);
    uint32_t ipis = fake_ipi_count;
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(async_of(OTH, 0)->done, 1);
    CHECK_EQ(fake_ipi_count, ipis);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 0, 0, 0, 0, 0), 0);
    FX_DONE();
}

TEST(rpc_wait_mode_serves_oldest_first)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "wait", 4, 3, 128, VMRPC_RECV_WAIT, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/wait", V10), 0);
    for (uint32_t i = 0; i < 3; i++) {
        *(uint32_t *)H(CLI, O_REQ + 16 * i) = 0xA0 + i;
        CHECK_EQ(call_async(CLI, i, 0, i, O_REQ + 16 * i, 4, O_RESP + 16 * i, 16), 0);
    }
    CHECK_EQ(fake_ipi_count, 0); /* no doorbell in wait mode */
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 0, 0), HV_EINVAL); /* queued, not handed out yet */
    CHECK_EQ(hc(SRV, HC_RPC_WAIT, 0, VMRPC_NO_REPLY, 0, 0, 0), 0);
    struct vmrpc_slot *s0 = slot_of(SRV, O_RING, 128, 0);
    CHECK_EQ(*(uint32_t *)s0->data, 0xA0);
    /* answer slot 0 and take slot 1 in one hypercall */
    *(uint32_t *)s0->data = 0xB0;
    CHECK_EQ(hc(SRV, HC_RPC_WAIT, 0, 0, 0, 4, 0), 1);
    CHECK_EQ(async_of(CLI, 0)->result, 4);
    CHECK_EQ(*(uint32_t *)H(CLI, O_RESP), 0xB0);
    CHECK_EQ(fake_ipi_count, 1);
    CHECK_EQ(fake_ipis[0].apic, FAKE_APIC(CLI));
    /* a new call lands in slot 0 but is younger than slot 2 */
    CHECK_EQ(call_async(CLI, 3, 0, 0, O_REQ, 4, O_RESP + 48, 16), 0);
    CHECK_EQ(slot_of(SRV, O_RING, 128, 0)->seq, 4);
    CHECK_EQ(hc(SRV, HC_RPC_WAIT, 0, 1, 0, 0, 0), 2);
    CHECK_EQ(async_of(CLI, 1)->result, 0);
    CHECK_EQ(async_of(CLI, 1)->done, 1);
    CHECK_EQ(hc(SRV, HC_RPC_WAIT, 0, 2, (uint32_t)-7, 0, 0), 0);
    CHECK_EQ(async_of(CLI, 2)->result, -7);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(async_of(CLI, 3)->done, 1);
    /* nothing queued: the wait ends when an interrupt arrives for the server */
    fake_irq_at_relax = fake_relaxes + 100;
    CHECK_EQ(hc(SRV, HC_RPC_WAIT, 0, VMRPC_NO_REPLY, 0, 0, 0), HV_EINTR);
    CHECK(fake_wait_ticks[SRV] >= 100 * fake_tsc_step);
    fake_irq = false;
    /* ... or when an NMI is queued for its guest (vmx/nmi.h) */
    fake_nmi_pending[SRV] = 1;
    CHECK_EQ(hc(SRV, HC_RPC_WAIT, 0, VMRPC_NO_REPLY, 0, 0, 0), HV_EINTR);
    fake_nmi_pending[SRV] = 0;
    /* bad reply inside HC_RPC_WAIT: returned at once, nothing taken */
    CHECK_EQ(hc(SRV, HC_RPC_WAIT, 0, 3, 0, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(SRV, HC_RPC_WAIT, 5, VMRPC_NO_REPLY, 0, 0, 0), HV_EBADF);
    CHECK_EQ(pending_of(CLI, 0), 0);
    /* HC_RPC_WAIT on a doorbell module */
    CHECK_EQ(reg(SRV, "echo", 1, 1, 128, VMRPC_RECV_DOORBELL, O_RING2), 1);
    CHECK_EQ(hc(SRV, HC_RPC_WAIT, 1, VMRPC_NO_REPLY, 0, 0, 0), HV_EINVAL);
    FX_DONE();
}

TEST(rpc_back_pressure)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 4, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    CHECK_EQ(bind(OTH, "srv/echo", V10), 0);
    for (uint32_t i = 0; i < 3; i++)
        CHECK_EQ(call_async(CLI, i, 0, 0, O_REQ, 1, 0, 0), 0);
    CHECK_EQ(call_async(OTH, 0, 0, 0, O_REQ, 1, 0, 0), 0);
    CHECK_EQ(call_async(CLI, 4, 0, 0, O_REQ, 1, 0, 0), HV_EBUSY);
    CHECK_EQ(call_async(OTH, 1, 0, 0, O_REQ, 1, 0, 0), HV_EBUSY);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, 0, 0, 0, 0), HV_EBUSY); /* sync too: at once, no wait */
    CHECK_EQ(async_of(CLI, 4)->done, 0);
    CHECK_EQ(pending_of(CLI, 0), 3);
    CHECK_EQ(pending_of(OTH, 0), 1);
    CHECK_EQ(fake_ipi_count, 4);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 2, 0, 0, 0), 0);
    CHECK_EQ(async_of(CLI, 2)->done, 1);
    CHECK_EQ(call_async(CLI, 4, 0, 0, O_REQ, 1, 0, 0), 0);
    CHECK_EQ(slot_of(SRV, O_RING, 128, 2)->seq, 5);
    CHECK_EQ(call_async(CLI, 5, 0, 0, O_REQ, 1, 0, 0), HV_EBUSY);
    FX_DONE();
}

TEST(rpc_unregister_with_calls_pending)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 4, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(reg(SRV, "wait", 1, 4, 128, VMRPC_RECV_WAIT, O_RING2), 1);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    CHECK_EQ(bind(CLI, "srv/wait", V10), 1);
    memset(H(CLI, O_RESP), 0xCC, 64);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 8, O_RESP, 64), 0);
    CHECK_EQ(call_async(CLI, 1, 0, 0, O_REQ, 8, O_RESP, 64), 0);
    CHECK_EQ(call_async(CLI, 2, 1, 0, O_REQ, 8, O_RESP, 64), 0);
    uint32_t ipis = fake_ipi_count;
    CHECK_EQ(hc(SRV, HC_RPC_UNREGISTER, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(async_of(CLI, 0)->result, HV_EPIPE);
    CHECK_EQ(async_of(CLI, 0)->done, 1);
    CHECK_EQ(async_of(CLI, 1)->result, HV_EPIPE);
    CHECK_EQ(async_of(CLI, 2)->done, 0); /* the other module's call goes on */
    CHECK_EQ(fake_ipi_count, ipis + 2);
    CHECK_EQ(fake_ipis[ipis].apic, FAKE_APIC(CLI));
    CHECK(all_bytes(H(CLI, O_RESP), 0xCC, 64));
    CHECK_EQ(pending_of(CLI, 0), 0);
    /* the stale binding: calls and queue ops get HV_EPIPE; the server's
     * descriptor is closed */
    CHECK_EQ(call_async(CLI, 3, 0, 0, O_REQ, 1, 0, 0), HV_EPIPE);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, 0, 0, 0, 0), HV_EPIPE);
    CHECK_EQ(hc(CLI, HC_EVQ_PUT, 0, 0, G(O_EV), 0, 0), HV_EPIPE);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 0, 0), HV_EBADF);
    /* registered again: the old binding stays stale, a new one works */
    CHECK_EQ(reg(SRV, "echo", 1, 4, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(call_async(CLI, 3, 0, 0, O_REQ, 1, 0, 0), HV_EPIPE);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 2);
    CHECK_EQ(call_async(CLI, 3, 2, 0, O_REQ, 1, 0, 0), 0);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 2, 0, 0, 0, 0), HV_EBUSY);
    FX_DONE();
}

TEST(rpc_unbind_busy_while_pending)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 2, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 1, 0, 0), 0);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 0, 0, 0, 0, 0), HV_EBUSY);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 0, 0, 0, 0, 0), HV_EBADF);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 1, 0, 0), HV_EBADF);
    FX_DONE();
}

/* --------------------------------------------------------- hostile args */

TEST(rpc_call_rejects_hostile_arguments)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 4, 2, 256, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    CHECK_EQ(reg(CLI, "back", 1, 1, 128, VMRPC_RECV_WAIT, O_RING), 1);
    memset(H(SRV, O_RING), 0x5A, 512);
    uint32_t cap = 256 - 64;
    /* descriptors */
    CHECK_EQ(call_async(CLI, 0, 1, 0, O_REQ, 1, 0, 0), HV_EBADF); /* a module it serves */
    CHECK_EQ(call_async(CLI, 0, 2, 0, O_REQ, 1, 0, 0), HV_EBADF);
    CHECK_EQ(call_async(CLI, 0, 16, 0, O_REQ, 1, 0, 0), HV_EBADF);
    CHECK_EQ(call_async(CLI, 0, 0xFFFFFFFFu, 0, O_REQ, 1, 0, 0), HV_EBADF);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 2, 0, 0, 0, 0), HV_EBADF);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0xFFFF, 0, 0, 0, 0), HV_EBADF);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 1ull << 32, 0, 0, 0, 0), HV_EINVAL);
    /* procedures */
    CHECK_EQ(call_async(CLI, 0, 0, 4, O_REQ, 1, 0, 0), HV_EINVAL);
    CHECK_EQ(call_async(CLI, 0, 0, 0xFFFFFFFFu, O_REQ, 1, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0 | 4 << 16, 0, 0, 0, 0), HV_EINVAL);
    /* sizes */
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, VMRPC_MAX_MSG + 1, 0, 0), HV_EMSGSIZE);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 0xFFFFFFFFu, 0, 0), HV_EMSGSIZE);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, cap + 1, 0, 0), HV_EMSGSIZE); /* larger than a slot */
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(O_REQ), VMRPC_MAX_MSG + 1, 0, 0), HV_EMSGSIZE);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(O_REQ), 1ull << 32, 0, 0), HV_EMSGSIZE);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(O_REQ), cap + 1, 0, 0), HV_EMSGSIZE);
    /* buffers outside the caller's RAM or straddling its end */
    CHECK_EQ(call_async(CLI, 0, 0, 0, RAM - 4, 8, 0, 0), HV_EFAULT);
    CHECK_EQ(call_async(CLI, 0, 0, 0, RAM, 1, 0, 0), HV_EFAULT);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 8, RAM - 15, 16), HV_EFAULT);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 8, RAM, 1), HV_EFAULT);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(0) - 8, 16, 0, 0), HV_EFAULT);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, ~0ull - 3, 8, 0, 0), HV_EFAULT); /* wraps around */
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(O_REQ), 8, G(RAM) - 8, 9), HV_EFAULT);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(O_REQ), 8, ~0ull, 2), HV_EFAULT);
    /* the asynchronous descriptor itself */
    CHECK_EQ(hc(CLI, HC_RPC_CALL_ASYNC, G(O_ASYNC), sizeof(struct vmrpc_async) - 1, 0, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(CLI, HC_RPC_CALL_ASYNC, G(O_ASYNC) + 4, sizeof(struct vmrpc_async), 0, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(CLI, HC_RPC_CALL_ASYNC, G(RAM) - 40, sizeof(struct vmrpc_async), 0, 0, 0), HV_EFAULT);
    CHECK_EQ(hc(CLI, HC_RPC_CALL_ASYNC, G(RAM), sizeof(struct vmrpc_async), 0, 0, 0), HV_EFAULT);
    CHECK_EQ(hc(CLI, HC_RPC_CALL_ASYNC, 0, sizeof(struct vmrpc_async), 0, 0, 0), HV_EFAULT);
    /* none of these claimed a slot, wrote the ring or rang the server */
    CHECK_EQ(pending_of(CLI, 0), 0);
    CHECK(all_bytes(H(SRV, O_RING), 0x5A, 512));
    CHECK_EQ(fake_ipi_count, 0);
    /* the limits themselves are fine: a full slot, a request ending at RAM's end */
    memset(H(CLI, RAM - cap), 0x77, cap);
    CHECK_EQ(call_async(CLI, 0, 0, 3, RAM - cap, cap, RAM - 1, 1), 0);
    CHECK(all_bytes(slot_of(SRV, O_RING, 256, 0)->data, 0x77, cap));
    /* a huge response capacity is cut to VMRPC_MAX_MSG (only that much is checked) */
    CHECK_EQ(call_async(CLI, 1, 0, 0, O_REQ, 1, RAM - VMRPC_MAX_MSG, 0xFFFFFFFFu), 0);
    CHECK_EQ(slot_of(SRV, O_RING, 256, 1)->resp_cap, VMRPC_MAX_MSG);
    FX_DONE();
}

TEST(rpc_reply_rejects_hostile_arguments)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 2, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 0, 0), HV_EINVAL); /* nothing in slot 0 */
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 1, O_RESP, 64), 0);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 1, 0, 0, 0), HV_EINVAL);   /* slot 1 is free */
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 2, 0, 0, 0), HV_EINVAL);   /* beyond the ring */
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, ~0ull, 0, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 1, 0, 0, 0, 0), HV_EBADF);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, ~0ull, 0, 0, 0, 0), HV_EBADF);
    CHECK_EQ(hc(CLI, HC_RPC_REPLY, 0, 0, 0, 0, 0), HV_EBADF);    /* the client's binding */
    CHECK_EQ(hc(OTH, HC_RPC_REPLY, 0, 0, 0, 0, 0), HV_EBADF);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 65, 0), HV_EINVAL);  /* longer than the slot's data */
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, ~0ull, 0), HV_EINVAL);
    CHECK_EQ(async_of(CLI, 0)->done, 0);
    CHECK_EQ(pending_of(CLI, 0), 1);
    memset(slot_of(SRV, O_RING, 128, 0)->data, 0x42, 64);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 64, 0), 0);
    CHECK_EQ(async_of(CLI, 0)->result, 64);
    CHECK(all_bytes(H(CLI, O_RESP), 0x42, 64));
    FX_DONE();
}

TEST(rpc_response_longer_than_resp_cap)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 1, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    memset(H(CLI, O_RESP), 0xCC, 64);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 1, O_RESP, 8), 0);
    memset(slot_of(SRV, O_RING, 128, 0)->data, 0x42, 9);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 9, 0), HV_EMSGSIZE);
    CHECK_EQ(async_of(CLI, 0)->result, HV_EMSGSIZE);
    CHECK_EQ(async_of(CLI, 0)->done, 1);
    CHECK(all_bytes(H(CLI, O_RESP), 0xCC, 64)); /* nothing, not even 8 bytes */
    CHECK_EQ(pending_of(CLI, 0), 0);
    /* resp_cap 0: any non-empty response is too long */
    CHECK_EQ(call_async(CLI, 1, 0, 0, O_REQ, 1, 0, 0), 0);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 1, 0), HV_EMSGSIZE);
    CHECK_EQ(async_of(CLI, 1)->result, HV_EMSGSIZE);
    FX_DONE();
}

TEST(rpc_negative_status_passed_through)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 1, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    memset(H(CLI, O_RESP), 0xCC, 64);
    const struct {
        uint64_t status, len;
        int32_t want;
    } cases[] = {
        {(uint64_t)-5, 0, -5},
        {(uint32_t)-5, 0, -5},       /* a 32-bit guest's register */
        {(uint64_t)-5, 1000000, -5}, /* length ignored with an error */
        {(uint64_t)-4095, 0, -4095},
        {(uint64_t)-4096, 0, HV_EPROTO}, /* not an error number */
        {0x80000000u, 0, HV_EPROTO},
    };
    for (uint32_t i = 0; i < ARRAY_SIZE(cases); i++) {
        CHECK_EQ(call_async(CLI, i, 0, 0, O_REQ, 1, O_RESP, 64), 0);
        CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, cases[i].status, cases[i].len, 0), 0);
        CHECK_EQ(async_of(CLI, i)->result, cases[i].want);
        CHECK_EQ(async_of(CLI, i)->done, 1);
    }
    CHECK(all_bytes(H(CLI, O_RESP), 0xCC, 64));
    FX_DONE();
}

/* ----------------------------------------------------- synchronous calls */

TEST(rpc_sync_call_times_out_and_late_reply_is_dropped)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 1, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    memset(H(CLI, O_RESP), 0xCC, 64);
    memcpy(H(CLI, O_REQ), "ping", 4);
    uint64_t t0 = fake_tsc;
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(O_REQ), 4, G(O_RESP), 64), HV_ETIMEDOUT);
    uint64_t timeout = VMRPC_SYNC_TIMEOUT_MS * 1000ull * FAKE_TICKS_PER_US;
    CHECK(fake_tsc - t0 >= timeout);
    CHECK(fake_tsc - t0 < timeout + 10 * fake_tsc_step);
    CHECK(fake_wait_ticks[CLI] >= timeout);
    CHECK(memcmp(slot_of(SRV, O_RING, 128, 0)->data, "ping", 4) == 0);
    CHECK_EQ(pending_of(CLI, 0), 0); /* the slot stays the server's until it answers, the binding is free */
    uint32_t ipis = fake_ipi_count;
    memcpy(slot_of(SRV, O_RING, 128, 0)->data, "pong", 4);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 4, 0), 0);
    CHECK(all_bytes(H(CLI, O_RESP), 0xCC, 64)); /* the late reply writes nothing */
    CHECK_EQ(fake_ipi_count, ipis);
    CHECK_EQ(pending_of(CLI, 0), 0);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 0, 0, 0, 0, 0), 0);
    /* an interrupt does not end a synchronous call */
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    fake_irq = true;
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(O_REQ), 1, 0, 0), HV_ETIMEDOUT);
    FX_DONE();
}

/* The server's CPU, run from the client's busy wait: answers slot 0. */
struct server_cpu {
    uint32_t desc, ring_off, slot_size;
    bool wait_mode;
    int64_t took, replied;
    int runs;
};

static void server_cpu(void *ctx)
{
    struct server_cpu *s = ctx;
    if (s->runs++ != 3) /* let the caller spin a little first */
        return;
    uint32_t slot = 0;
    if (s->wait_mode) {
        s->took = hc(SRV, HC_RPC_WAIT, s->desc, VMRPC_NO_REPLY, 0, 0, 0);
        slot = (uint32_t)s->took;
    }
    struct vmrpc_slot *sl = slot_of(SRV, s->ring_off, s->slot_size, slot);
    for (uint32_t i = 0; i < sl->req_len; i++)
        sl->data[i] ^= 0x20;
    s->replied = hc(SRV, HC_RPC_REPLY, s->desc, slot, 0, sl->req_len, 0);
}

TEST(rpc_sync_call_round_trip)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 2, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(reg(SRV, "wait", 1, 2, 256, VMRPC_RECV_WAIT, O_RING2), 1);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    CHECK_EQ(bind(CLI, "srv/wait", V10), 1);
    struct server_cpu s = {.desc = 0, .ring_off = O_RING, .slot_size = 128, .took = -1};
    fake_relax_hook = server_cpu;
    fake_relax_ctx = &s;
    memcpy(H(CLI, O_REQ), "hello", 5);
    memset(H(CLI, O_RESP), 0xCC, 64);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(O_REQ), 5, G(O_RESP), 64), 5);
    CHECK_EQ(s.replied, 0);
    CHECK(memcmp(H(CLI, O_RESP), "HELLO", 5) == 0);
    CHECK_EQ(*(uint8_t *)H(CLI, O_RESP + 5), 0xCC);
    CHECK_EQ(fake_ipi_count, 1); /* the doorbell only: no completion interrupt for a synchronous call */
    CHECK_EQ(pending_of(CLI, 0), 0);
    CHECK(fake_wait_ticks[CLI] > 0);

    s = (struct server_cpu){.desc = 1, .ring_off = O_RING2, .slot_size = 256, .wait_mode = true, .took = -1};
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 1, G(O_REQ), 5, G(O_RESP), 4), HV_EMSGSIZE); /* resp_cap 4 < 5 */
    CHECK_EQ(s.took, 0);
    CHECK_EQ(s.replied, HV_EMSGSIZE);
    s = (struct server_cpu){.desc = 1, .ring_off = O_RING2, .slot_size = 256, .wait_mode = true, .took = -1};
    memcpy(H(CLI, O_REQ), "WORLD", 5);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 1, G(O_REQ), 5, G(O_RESP), 5), 5);
    CHECK(memcmp(H(CLI, O_RESP), "world", 5) == 0);
    CHECK_EQ(fake_ipi_count, 1);
    FX_DONE();
}

/* The server's CPU unregisters while the client waits in a call. */
static void unregister_cpu(void *ctx)
{
    int *runs = ctx;
    if ((*runs)++ == 2)
        CHECK_EQ(hc(SRV, HC_RPC_UNREGISTER, 0, 0, 0, 0, 0), 0);
}

TEST(rpc_sync_call_ends_when_server_unregisters)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 2, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    int runs = 0;
    fake_relax_hook = unregister_cpu;
    fake_relax_ctx = &runs;
    uint64_t t0 = fake_tsc;
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(O_REQ), 1, 0, 0), HV_EPIPE);
    CHECK(fake_tsc - t0 < 100 * fake_tsc_step);
    CHECK_EQ(pending_of(CLI, 0), 0);
    FX_DONE();
}

/* ----------------------------------------------------------------- stop */

TEST(rpc_server_stopped_ends_calls)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 4, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(reg(SRV, "wait", 1, 4, 128, VMRPC_RECV_WAIT, O_RING2), 1);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    CHECK_EQ(bind(CLI, "srv/wait", V10), 1);
    CHECK_EQ(reg(CLI, "back", 1, 1, 128, VMRPC_RECV_WAIT, O_RING), 2);
    CHECK_EQ(bind(SRV, "cli/back", V10), 2);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 1, 0, 0), 0);
    CHECK_EQ(call_async(CLI, 1, 1, 0, O_REQ, 1, 0, 0), 0);
    CHECK_EQ(call_async(SRV, 0, 2, 0, O_REQ, 1, 0, 0), 0); /* srv is a client of cli too */
    partition_table[SRV].state = PART_STOPPED;
    rpc_partition_stopped(&partition_table[SRV]);
    CHECK_EQ(async_of(CLI, 0)->result, HV_EPIPE);
    CHECK_EQ(async_of(CLI, 0)->done, 1);
    CHECK_EQ(async_of(CLI, 1)->result, HV_EPIPE);
    CHECK_EQ(async_of(CLI, 1)->done, 1);
    CHECK_EQ(call_async(CLI, 2, 0, 0, O_REQ, 1, 0, 0), HV_EPIPE);
    CHECK_EQ(bind(CLI, "srv/echo", V10), HV_ENOENT);
    struct vmrpc_module_info *info = H(CLI, O_INFO);
    CHECK_EQ(hc(CLI, HC_RPC_LIST, 0, G(O_INFO), sizeof *info, 0, 0), 0);
    CHECK_EQ(info->registered, 0);
    /* srv's own call to cli still completes (into its unused memory) */
    CHECK_EQ(async_of(SRV, 0)->done, 0);
    CHECK_EQ(hc(CLI, HC_RPC_WAIT, 2, VMRPC_NO_REPLY, 0, 0, 0), 0);
    CHECK_EQ(hc(CLI, HC_RPC_REPLY, 2, 0, (uint64_t)-3, 0, 0), 0);
    CHECK_EQ(async_of(SRV, 0)->result, -3);
    CHECK_EQ(async_of(SRV, 0)->done, 1);
    CHECK_EQ(rpc_parties[SRV].desc[2].pending, 0);
    FX_DONE();
}

TEST(rpc_client_stopped_while_waiting)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 2, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 1);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 1, O_RESP, 8), 0);
    partition_table[CLI].state = PART_STOPPED;
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 1, G(O_REQ), 1, 0, 0), HV_EPIPE); /* its wait ends at once */
    rpc_partition_stopped(&partition_table[CLI]);
    CHECK_EQ(rpc_parties[CLI].desc[1].kind, DESC_FREE); /* its abandoned call no longer counts */
    CHECK_EQ(rpc_parties[CLI].desc[0].kind, DESC_BIND); /* the async one is still the server's */
    CHECK_EQ(rpc_parties[CLI].desc[0].pending, 1);
    memcpy(slot_of(SRV, O_RING, 128, 0)->data, "abcdefgh", 8);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 0, 0, 8, 0), 0);
    CHECK(memcmp(H(CLI, O_RESP), "abcdefgh", 8) == 0);
    CHECK_EQ(async_of(CLI, 0)->result, 8);
    CHECK_EQ(hc(SRV, HC_RPC_REPLY, 0, 1, 0, 0, 0), 0);
    CHECK_EQ(rpc_parties[CLI].desc[1].pending, 0);
    FX_DONE();
}

TEST(rpc_unknown_operation)
{
    fx_setup();
    CHECK_EQ(hc(CLI, HC_RPC_REGISTER - 1, 0, 0, 0, 0, 0), HV_ENOSYS);
    CHECK_EQ(hc(CLI, HC_EVQ_INFO + 1, 0, 0, 0, 0, 0), HV_ENOSYS);
    CHECK(rpc_is_operation(HC_RPC_REGISTER) && rpc_is_operation(HC_EVQ_INFO));
    CHECK(!rpc_is_operation(HC_EVQ_INFO + 1) && !rpc_is_operation(HC_RPC_REGISTER - 1));
    CHECK(!rpc_is_operation(HC_RPC_REGISTER + (1ull << 32)));
    FX_DONE();
}

/* The server's CPU answering without an exit: status, resp_len, then
 * state = VMRPC_SLOT_REPLIED, in slot 0. */
struct exit_free_cpu {
    uint32_t ring_off, slot_size, flags;
    int32_t status;
    uint32_t len;
    int runs;
};

static void exit_free_cpu(void *ctx)
{
    struct exit_free_cpu *e = ctx;
    if (e->runs++ != 3)
        return;
    struct vmrpc_slot *sl = slot_of(SRV, e->ring_off, e->slot_size, 0);
    e->flags = sl->flags;
    memset(sl->data, 0x6B, sl->req_len);
    sl->status = e->status;
    sl->resp_len = e->len;
    __atomic_store_n(&sl->state, VMRPC_SLOT_REPLIED, __ATOMIC_RELEASE);
}

TEST(rpc_sync_call_exit_free_reply)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "echo", 1, 1, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/echo", V10), 0);
    struct exit_free_cpu e = {.ring_off = O_RING, .slot_size = 128, .flags = 99, .len = 6};
    fake_relax_hook = exit_free_cpu;
    fake_relax_ctx = &e;
    memset(H(CLI, O_RESP), 0xCC, 64);
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(O_REQ), 6, G(O_RESP), 64), 6);
    CHECK_EQ(e.flags, 0); /* a synchronous call: no VMRPC_SLOT_ASYNC */
    CHECK(all_bytes(H(CLI, O_RESP), 0x6B, 6));
    CHECK_EQ(*(uint8_t *)H(CLI, O_RESP + 6), 0xCC);
    CHECK_EQ(slot_of(SRV, O_RING, 128, 0)->state, VMRPC_SLOT_FREE);
    CHECK_EQ(pending_of(CLI, 0), 0);
    CHECK_EQ(fake_ipi_count, 1); /* the doorbell; the reply took no hypercall and sends nothing */
    const struct {
        int32_t status;
        uint32_t len, cap;
        int64_t want;
    } cases[] = {
        {-5, 1000, 64, -5},
        {-5000, 0, 64, HV_EPROTO},
        {0, 65, 64, HV_EPROTO}, /* longer than the slot: the server lies */
        {0, 64, 63, HV_EMSGSIZE},
        {0, 0, 0, 0},
    };
    for (uint32_t i = 0; i < ARRAY_SIZE(cases); i++) {
        memset(H(CLI, O_RESP), 0xCC, 64);
        e = (struct exit_free_cpu){.ring_off = O_RING, .slot_size = 128, .status = cases[i].status, .len = cases[i].len};
        CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(O_REQ), 1, G(O_RESP), cases[i].cap), cases[i].want);
        CHECK(all_bytes(H(CLI, O_RESP), 0xCC, 64));
        CHECK_EQ(pending_of(CLI, 0), 0);
    }
    /* an exit-free answer after the caller gave up frees the slot for the next call */
    fake_relax_hook = NULL;
    CHECK_EQ(hc(CLI, HC_RPC_CALL, 0, G(O_REQ), 1, G(O_RESP), 64), HV_ETIMEDOUT);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 1, O_RESP, 8), HV_EBUSY);
    slot_of(SRV, O_RING, 128, 0)->status = 0;
    slot_of(SRV, O_RING, 128, 0)->resp_len = 8;
    slot_of(SRV, O_RING, 128, 0)->state = VMRPC_SLOT_REPLIED;
    memset(H(CLI, O_RESP), 0xCC, 64);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 1, O_RESP, 8), 0);
    CHECK(all_bytes(H(CLI, O_RESP), 0xCC, 64));
    CHECK_EQ(pending_of(CLI, 0), 1);
    CHECK_EQ(slot_of(SRV, O_RING, 128, 0)->state, VMRPC_SLOT_REQUEST);
    FX_DONE();
}
