/* Hypercalls (ABI in include/hv_abi.h). Every guest address is checked to
 * lie inside the caller's own RAM before anything is read or written. */
#include "arch/x86/platform.h"
#include "hv/console.h"
#include "hv/emul_uart.h"
#include "hv/partition.h"
#include "hv/string.h"
#include "rpc/rpc.h"
#include "vmx/vcpu.h"

/* HC_CONSOLE_WRITE: the text goes to the partition's log ring and is
 * drained by this CPU (hv/console.h: what a full ring drops). Returns len
 * whether or not the ring had room, as a UART that loses characters
 * would: the guest never waits for the log, and the loss shows in the log
 * as "[N bytes dropped]". */
static int64_t console_write(const struct partition *p, uint64_t gpa, uint64_t len)
{
    if (len > HV_CONSOLE_MAX)
        return HV_EINVAL;
    if (len == 0)
        return 0;
    const char *src = guest_ram_ptr(&p->ram, gpa, len);
    if (!src)
        return HV_EFAULT;
    /* One log line per guest line; control characters (terminal escapes)
     * become '.'. The source is read once, so a guest changing it
     * meanwhile only garbles its own message. */
    char line[HV_CONSOLE_MAX];
    uint32_t n = 0;
    for (uint64_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '\n') {
            console_partition_put(p->id, line, n);
            n = 0;
        } else {
            line[n++] = (c >= 0x20 && c < 0x7F) || c == '\t' ? c : '.';
        }
    }
    if (n)
        console_partition_put(p->id, line, n);
    console_partition_drain(p->id, p->cfg->name);
    return (int64_t)len;
}

static int64_t partition_info(const struct vcpu *v, uint64_t gpa, uint64_t size)
{
    const struct partition *p = v->partition;
    if (size < sizeof(struct hv_partition_info))
        return HV_EINVAL;
    struct hv_partition_info *info = guest_ram_ptr(&p->ram, gpa, sizeof *info);
    if (!info)
        return HV_EFAULT;
    struct hv_partition_info out = {.abi_version = HV_ABI_VERSION, .partition_id = p->id};
    strlcpy(out.name, p->cfg->name, sizeof out.name);
    out.cpu_count = p->cpu_count;
    for (uint32_t i = 0; i < p->cpu_count; i++) {
        out.apic_ids[i] = p->apic_ids[i];
        if (p->cpus[i] == v->cpu)
            out.calling_cpu = i;
    }
    out.ram_bytes = p->ram_bytes;
    out.tsc_hz = platform.tsc_hz;
    memcpy(info, &out, sizeof out);
    return sizeof out;
}

static int64_t exit_stats(const struct vcpu *v, uint64_t gpa, uint64_t size)
{
    if (size < sizeof(struct hv_exit_stats))
        return HV_EINVAL;
    void *dst = guest_ram_ptr(&v->partition->ram, gpa, sizeof(struct hv_exit_stats));
    if (!dst)
        return HV_EFAULT;
    struct hv_exit_stats stats;
    vcpu_exit_stats(v, &stats);
    memcpy(dst, &stats, sizeof stats);
    return sizeof stats;
}

/* The partition with an emulated UART named by the NUL-terminated name,
 * or -1. */
static int emul_uart_owner(const char *name)
{
    for (uint32_t i = 0; i < hv_config.partition_count && i < CFG_MAX_PARTITIONS; i++)
        if (hv_config.partitions[i].emul_uart_port && strcmp(hv_config.partitions[i].name, name) == 0)
            return (int)i;
    return -1;
}

#define REFUSALS_LOGGED 8

/* HC_CONSOLE_READ: the manager reads another partition's emulated UART
 * output. The name is copied out of guest memory before it is used, so a
 * guest changing it meanwhile changes nothing. */
static int64_t console_read(const struct partition *p, uint64_t name_gpa, uint64_t gpa, uint64_t len)
{
    static uint32_t refused[CFG_MAX_PARTITIONS];
    if (!p->cfg->manager) {
        if (++refused[p->id] <= REFUSALS_LOGGED)
            printk("%s: HC_CONSOLE_READ refused: not the manager partition%s", p->label,
                   refused[p->id] == REFUSALS_LOGGED ? "; further refusals not logged" : "");
        return HV_EPERM;
    }
    if (len == 0)
        return HV_EINVAL;
    const char *src = guest_ram_ptr(&p->ram, name_gpa, HV_NAME_MAX);
    char *dst = guest_ram_ptr(&p->ram, gpa, len);
    if (!src || !dst)
        return HV_EFAULT;
    char name[HV_NAME_MAX];
    memcpy(name, src, sizeof name);
    if (strnlen(name, sizeof name) == sizeof name)
        return HV_EINVAL;
    int id = emul_uart_owner(name);
    if (id < 0)
        return HV_ENOENT;
    return emul_uart_history((uint32_t)id, dst, len < HV_CONSOLE_HISTORY ? (uint32_t)len : HV_CONSOLE_HISTORY);
}

int64_t hypercall_dispatch(struct vcpu *v)
{
    uint64_t mask = vcpu_in_64bit_mode() ? ~0ull : 0xFFFFFFFFull;
    uint64_t op = v->regs.gpr[GPR_RAX] & mask;
    uint64_t a1 = v->regs.gpr[GPR_RBX] & mask, a2 = v->regs.gpr[GPR_RCX] & mask;
    if (rpc_is_operation(op)) {
        const uint64_t args[RPC_ARGS] = {a1, a2, v->regs.gpr[GPR_RDX] & mask, v->regs.gpr[GPR_RSI] & mask,
                                         v->regs.gpr[GPR_RDI] & mask};
        const struct rpc_caller caller = {v->partition, v->apic_id, &v->wait_ticks, &v->nmi_pending};
        return rpc_hypercall(&caller, (uint32_t)op, args);
    }
    switch (op) {
    case HC_NULL:
        return 0;
    case HC_CONSOLE_WRITE:
        return console_write(v->partition, a1, a2);
    case HC_PARTITION_INFO:
        return partition_info(v, a1, a2);
    case HC_EXIT_STATS:
        return exit_stats(v, a1, a2);
    case HC_CONSOLE_READ:
        return console_read(v->partition, a1, a2, v->regs.gpr[GPR_RDX] & mask);
    default:
        return HV_ENOSYS;
    }
}
