/* Build-time check of the static configuration: linked with
 * hv/config_check.c and configs/$(CONFIG).c (see the Makefile). Prints
 * every problem as "configs: NAME: error: MSG" on stderr and exits 1, so
 * a bad configuration stops the build before the hypervisor is linked;
 * otherwise prints a summary of what each partition gets. */
#include <stdarg.h>
#include <stdio.h>

#include "hv/config.h"
#include "hv/fmt.h"

static void report(const char *msg, void *ctx)
{
    fprintf(stderr, "configs: %s: error: %s\n", (const char *)ctx, msg);
}

static void print_cpus(uint64_t cpus)
{
    printf("    cpus   ");
    for (unsigned cpu = 0; cpu < 64; cpu++)
        if (cpus >> cpu & 1)
            printf(" %u", cpu);
    printf("\n");
}

static void print_mem(const struct cfg_partition *p)
{
    for (uint32_t m = 0; m < p->mem_count; m++) {
        const struct cfg_mem *r = &p->mem[m];
        bool mib = r->size % MiB(1) == 0;
        const char *kind = r->kind == CFG_MEM_RAM ? "ram" : r->kind == CFG_MEM_HPET ? "hpet" : "mmio";
        printf("    %-6s  [0x%llx, 0x%llx) %llu %s at guest 0x%llx\n", kind,
               (unsigned long long)r->host, (unsigned long long)(r->host + r->size),
               (unsigned long long)(r->size >> (mib ? 20 : 10)), mib ? "MiB" : "KiB",
               (unsigned long long)r->guest);
    }
}

static void print_partition(const struct cfg_partition *p)
{
    printf("  %s\n", p->name);
    print_cpus(p->cpus);
    print_mem(p);
    printf("    ports  ");
    for (uint32_t e = 0; e < p->io_count; e++)
        printf(" [0x%x, 0x%x)", p->io[e].base, p->io[e].base + p->io[e].count);
    printf("\n    pins   ");
    for (uint32_t k = 0; k < p->pin_count; k++)
        printf(" %u", p->ioapic_pins[k]);
    if (p->hpet_timers) {
        printf("\n    hpet    comparators");
        for (unsigned t = 0; t < 32; t++)
            if (p->hpet_timers >> t & 1)
                printf(" %u", t);
        printf(" (mediated: writes checked)");
    }
    printf("\n    image   %s%s%s\n", p->image, p->cmdline ? " " : "", p->cmdline ? p->cmdline : "");
}

int main(void)
{
    const char *name = hv_config.name ? hv_config.name : "(unnamed)";
    if (config_check(&hv_config, report, (void *)name) != 0)
        return 1;
    printf("configs: %s: %u partitions, ok\n", name, hv_config.partition_count);
    for (uint32_t i = 0; i < hv_config.partition_count; i++)
        print_partition(&hv_config.partitions[i]);
    return 0;
}
