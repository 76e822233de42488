/* VMRPC glue of the i386 port; see rpc.h. */
#include "partitions/rtos/arch/x86/rpc.h"
#include "partitions/common/console.h"
#include "partitions/common/hv.h"
#include "partitions/rtos/arch/x86/idt.h"
#include "partitions/rtos/arch/x86/timer.h"

void isr_rpc(void); /* isr.S */

/* linker.ld: the image's first and last byte. */
extern uint8_t __image_start[], __image_end[];

#define HEALTH_PAGE 4096 /* own segment past __image_end */

struct mb_mmap_entry {
    uint32_t size; /* of the rest of the entry */
    uint64_t base, len;
    uint32_t type; /* 1 = usable RAM */
} __attribute__((packed));

static struct rtos_rpc_platform platform = {.os_name = "rtos", .exit_stats = rpc_port_exit_stats};
static struct hv_exit_stats stats __attribute__((aligned(8))); /* 656 bytes: not on a task stack */

/* Usable RAM in the multiboot memory map (the partition's RAM less the
 * legacy hole), else the mem_lower/mem_upper figures. */
static uint64_t mb_ram(const struct mb_info *mbi)
{
    uint64_t total = 0;
    if (!mbi)
        return 0;
    if (mbi->flags & MB_INFO_MMAP) {
        uint32_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;
        while (p + sizeof(struct mb_mmap_entry) <= end) {
            const struct mb_mmap_entry *e = (const struct mb_mmap_entry *)p;
            if (e->type == 1)
                total += e->len;
            p += e->size + 4;
        }
    }
    if (!total && (mbi->flags & MB_INFO_MEM))
        total = ((uint64_t)mbi->mem_lower + mbi->mem_upper) << 10;
    return total;
}

void rpc_port_init(const struct options *o, const struct mb_info *mbi, uint64_t boot_tsc)
{
    idt_set_gate(o->rpc_vector, isr_rpc);
    rtos_rpc_init(o->rpc_guard_us == OPT_RPC_GUARD_DEFAULT ? RTOS_RPC_GUARD_DEFAULT
                                                           : tsc_us_to_ticks(o->rpc_guard_us));
    platform.mem_total = mb_ram(mbi);
    platform.mem_used = (uint32_t)(__image_end - __image_start) + HEALTH_PAGE;
    platform.boot_tsc = boot_tsc;
}

const struct rtos_rpc_platform *rpc_port_platform(void) { return &platform; }

int32_t rpc_port_exit_stats(uint64_t *exits, uint64_t *root_ticks)
{
    uint32_t s = rtos_rpc_hv_enter(); /* also keeps two tasks off the one buffer */
    int32_t r = hc(HC_EXIT_STATS, (uint32_t)&stats, sizeof stats, 0, 0);
    *exits = stats.total;
    *root_ticks = stats.root_ticks;
    rtos_rpc_hv_exit(s);
    return r < 0 ? r : 0;
}
