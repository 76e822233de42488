/* Checker for the static configuration (hv/config.h). The same code runs
 * at build time (tools/config_check_main.c), in the host unit tests and at
 * boot, so it is pure: no allocation, no output except through report().
 *
 * Two passes. The first checks the frame everything else relies on: the
 * counts against their arrays, cpu_count, the board RAM ranges and the
 * hypervisor range. The second pass indexes the arrays by those counts and
 * measures regions against those ranges, so it runs only on a sound frame.
 * Each defect is reported once: a malformed region or port range is
 * reported, then left out of the overlap checks. */
#include "hv/config.h"
#include "hv/fmt.h"
#include "hv/string.h"
#include "hv/emul_ports.h"

#define MSG_MAX 256
#define LABEL_MAX 64
#define DESC_MAX 128
#define CPU_MAX 64         /* cfg_partition.cpus is a 64-bit mask */
#define IOAPIC_PIN_MAX 23  /* the one IOAPIC has 24 inputs */
#define IO_PORT_LIMIT 0x10000u
#define CONSOLE_BASE 0x2F8 /* COM2: the hypervisor log by default (hv/console.c) */
#define CONSOLE_COUNT 8
#define NO_OWNER 0xFF
#define NO_PARTITION UINT32_MAX
#define HPET_TIMER_MAX 32  /* IA-PC HPET 1.0a 2.3.4: NUM_TIM_CAP is 5 bits */

/* The PC's fixed device pages (Intel SDM Vol. 3A 11.4.1 and 11.11.1 for
 * the LAPIC and MSI window; 82093AA for the IOAPIC; IA-PC HPET 1.0a 3.2.4
 * for the HPET). At boot hv/partition.c checks again with the addresses
 * the ACPI tables give. */
#define HPET_PAGE 0xFED00000ull
#define IOAPIC_PAGE 0xFEC00000ull
#define LAPIC_WINDOW 0xFEE00000ull
#define LAPIC_WINDOW_SIZE 0x100000ull

#define RANGE_FMT "[0x%llx, 0x%llx)"
#define RANGE_ARGS(base, size) (unsigned long long)(base), (unsigned long long)((base) + (size))
#define LABEL(c, i, buf) label((c), (i), (buf), sizeof(buf))

struct checker {
    const struct hv_config *cfg;
    void (*report)(const char *msg, void *ctx);
    void *ctx;
    int problems;
    uint8_t bad_mem[CFG_MAX_PARTITIONS]; /* bit m: mem[m] malformed */
    uint16_t bad_io[CFG_MAX_PARTITIONS]; /* bit e: io[e] malformed */
};

static void problem(struct checker *c, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void problem(struct checker *c, const char *fmt, ...)
{
    char msg[MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->problems++;
    if (c->report)
        c->report(msg, c->ctx);
}

/* "partition 'name'", or "partition #i" when it has no name. */
static const char *label(const struct checker *c, uint32_t i, char *buf, size_t size)
{
    const char *name = c->cfg->partitions[i].name;
    if (name && name[0])
        fmt_snprintf(buf, size, "partition '%.40s'", name);
    else
        fmt_snprintf(buf, size, "partition #%u", i);
    return buf;
}

static bool wraps(uint64_t base, uint64_t size) { return base + size < base; }

static bool range_ok(uint64_t base, uint64_t size) { return size && !wraps(base, size); }

/* Half-open ranges; empty ones overlap nothing. */
static bool overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
    return a_size && b_size && a < b + b_size && b < a + a_size;
}

/* ------------------------------------------------------------ first pass */

static void check_count(struct checker *c, const char *what, uint32_t n, uint32_t min, uint32_t max)
{
    if (n < min || n > max)
        problem(c, "%s %u is not between %u and %u", what, n, min, max);
}

static void check_partition_counts(struct checker *c, uint32_t i)
{
    const struct cfg_partition *p = &c->cfg->partitions[i];
    char a[LABEL_MAX];
    if (p->mem_count > CFG_MAX_MEM)
        problem(c, "%s mem_count %u exceeds its array (%d)", LABEL(c, i, a), p->mem_count, CFG_MAX_MEM);
    if (p->io_count > CFG_MAX_IO)
        problem(c, "%s io_count %u exceeds its array (%d)", LABEL(c, i, a), p->io_count, CFG_MAX_IO);
    if (p->pin_count > CFG_MAX_PINS)
        problem(c, "%s pin_count %u exceeds its array (%d)", LABEL(c, i, a), p->pin_count, CFG_MAX_PINS);
    if (p->pci_count > CFG_MAX_PCI)
        problem(c, "%s pci_count %u exceeds its array (%d)", LABEL(c, i, a), p->pci_count, CFG_MAX_PCI);
}

/* Runs only with ram_count within the array (else that is the problem). */
static void check_board_ram(struct checker *c)
{
    const struct hv_config *cfg = c->cfg;
    for (uint32_t i = 0; i < cfg->ram_count; i++) {
        const struct cfg_range *r = &cfg->ram[i];
        if (!range_ok(r->base, r->size)) {
            problem(c, "board RAM %u (base 0x%llx, size 0x%llx) is empty or wraps", i,
                    (unsigned long long)r->base, (unsigned long long)r->size);
            continue;
        }
        for (uint32_t j = 0; j < i; j++) {
            const struct cfg_range *o = &cfg->ram[j];
            if (range_ok(o->base, o->size) && overlap(r->base, r->size, o->base, o->size))
                problem(c, "board RAM " RANGE_FMT " overlaps board RAM " RANGE_FMT,
                        RANGE_ARGS(r->base, r->size), RANGE_ARGS(o->base, o->size));
        }
    }
}

static void check_frame(struct checker *c)
{
    const struct hv_config *cfg = c->cfg;
    check_count(c, "cpu_count", cfg->cpu_count, 1, CPU_MAX);
    check_count(c, "partition_count", cfg->partition_count, 1, CFG_MAX_PARTITIONS);
    check_count(c, "ram_count (board RAM ranges)", cfg->ram_count, 1, CFG_MAX_BOARD_RAM);
    for (uint32_t i = 0; i < MIN(cfg->partition_count, CFG_MAX_PARTITIONS); i++)
        check_partition_counts(c, i);
    if (cfg->ram_count <= CFG_MAX_BOARD_RAM)
        check_board_ram(c);
    if (wraps(cfg->hypervisor.base, cfg->hypervisor.size))
        problem(c, "hypervisor range (base 0x%llx, size 0x%llx) wraps",
                (unsigned long long)cfg->hypervisor.base, (unsigned long long)cfg->hypervisor.size);
}

/* ---------------------------------------------- names, images and VMRPC */

static void check_identity(struct checker *c, uint32_t i)
{
    const struct cfg_partition *p = &c->cfg->partitions[i];
    char a[LABEL_MAX];
    if (!p->name || !p->name[0]) {
        problem(c, "%s has no name", LABEL(c, i, a));
    } else {
        for (uint32_t j = 0; j < i; j++) {
            const char *other = c->cfg->partitions[j].name;
            if (other && strcmp(other, p->name) == 0) {
                problem(c, "partitions #%u and #%u are both named '%s'", j, i, p->name);
                break;
            }
        }
    }
    if (!p->image || !p->image[0])
        problem(c, "%s has no image", LABEL(c, i, a));
}

static bool module_name_ok(const char *s) { return s[0] && !strchr(s, '/'); }

static uint32_t find_partition(const struct checker *c, const char *name, size_t len)
{
    for (uint32_t j = 0; j < c->cfg->partition_count; j++) {
        const char *n = c->cfg->partitions[j].name;
        if (n && strlen(n) == len && strncmp(n, name, len) == 0)
            return j;
    }
    return NO_PARTITION;
}

static bool serves(const struct cfg_partition *p, const char *module)
{
    for (uint32_t r = 0; r < CFG_MAX_RPC && p->rpc_serve[r]; r++)
        if (strcmp(p->rpc_serve[r], module) == 0)
            return true;
    return false;
}

/* Why partition i may not bind s, or NULL. A binding names a module that
 * another partition serves, so it can be granted when the server
 * registers it (VMRPC, ../shared/DESIGN.md). */
static const char *bind_defect(const struct checker *c, uint32_t i, const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash || slash == s || !module_name_ok(slash + 1))
        return "is not \"partition/module\"";
    uint32_t t = find_partition(c, s, (size_t)(slash - s));
    if (t == NO_PARTITION)
        return "names no existing partition";
    if (t == i)
        return "names its own partition";
    if (!serves(&c->cfg->partitions[t], slash + 1))
        return "names a module that partition does not serve";
    return NULL;
}

static void check_rpc(struct checker *c, uint32_t i)
{
    const struct cfg_partition *p = &c->cfg->partitions[i];
    char a[LABEL_MAX];
    for (uint32_t r = 0; r < CFG_MAX_RPC && p->rpc_serve[r]; r++)
        if (!module_name_ok(p->rpc_serve[r]))
            problem(c, "%s rpc_serve '%s' is not a module name (empty or has '/')", LABEL(c, i, a),
                    p->rpc_serve[r]);
    for (uint32_t r = 0; r < CFG_MAX_RPC && p->rpc_bind[r]; r++) {
        const char *why = bind_defect(c, i, p->rpc_bind[r]);
        if (why)
            problem(c, "%s rpc_bind '%s' %s", LABEL(c, i, a), p->rpc_bind[r], why);
    }
    if (p->rpc_vector && p->rpc_vector < 0x20)
        problem(c, "%s rpc_vector 0x%x is an exception vector (use 0x20-0xFF, or 0 for none)", LABEL(c, i, a),
                p->rpc_vector);
}

/* -------------------------------------------------------- CPUs and pins */

static void check_partition_cpus(struct checker *c, uint32_t i, uint64_t board, uint8_t *owner)
{
    uint64_t cpus = c->cfg->partitions[i].cpus;
    char a[LABEL_MAX], b[LABEL_MAX];
    if (!cpus)
        problem(c, "%s has no CPUs", LABEL(c, i, a));
    if (cpus & ~board)
        problem(c, "%s has CPUs (mask 0x%llx) beyond the board's cpu_count %u", LABEL(c, i, a),
                (unsigned long long)(cpus & ~board), c->cfg->cpu_count);
    for (uint32_t cpu = 0; cpu < CPU_MAX; cpu++) {
        if (!(cpus & board & (1ull << cpu)))
            continue;
        if (owner[cpu] != NO_OWNER)
            problem(c, "CPU %u is owned by both %s and %s", cpu, LABEL(c, owner[cpu], a), LABEL(c, i, b));
        else
            owner[cpu] = (uint8_t)i;
    }
}

/* SMT siblings share L1/L2 and the predictors: one partition per core. */
static void check_smt_siblings(struct checker *c, const uint8_t *owner)
{
    uint32_t tpc = c->cfg->threads_per_core;
    char a[LABEL_MAX], b[LABEL_MAX];
    if (tpc > CPU_MAX)
        return problem(c, "threads_per_core %u is beyond %u", tpc, CPU_MAX);
    for (uint32_t cpu = 0; tpc > 1 && cpu < CPU_MAX; cpu++) {
        uint32_t first = cpu - cpu % tpc; /* the core's first thread */
        for (uint32_t sib = first; sib < cpu; sib++)
            if (owner[cpu] != NO_OWNER && owner[sib] != NO_OWNER && owner[cpu] != owner[sib])
                problem(c, "CPU %u of %s and CPU %u of %s are SMT siblings of one core (threads_per_core %u)", sib,
                        LABEL(c, owner[sib], a), cpu, LABEL(c, owner[cpu], b), tpc);
    }
}

static void check_cpus(struct checker *c)
{
    uint32_t n = c->cfg->cpu_count;
    uint64_t board = n == CPU_MAX ? ~0ull : (1ull << n) - 1;
    uint8_t owner[CPU_MAX];
    memset(owner, NO_OWNER, sizeof owner);
    for (uint32_t i = 0; i < c->cfg->partition_count; i++)
        check_partition_cpus(c, i, board, owner);
    check_smt_siblings(c, owner);
}

static void check_partition_pins(struct checker *c, uint32_t i, uint8_t *owner)
{
    const struct cfg_partition *p = &c->cfg->partitions[i];
    char a[LABEL_MAX], b[LABEL_MAX];
    for (uint32_t k = 0; k < p->pin_count; k++) {
        uint8_t pin = p->ioapic_pins[k];
        if (pin > IOAPIC_PIN_MAX)
            problem(c, "%s IOAPIC pin %u is beyond %d", LABEL(c, i, a), pin, IOAPIC_PIN_MAX);
        else if (owner[pin] == i)
            problem(c, "%s lists IOAPIC pin %u twice", LABEL(c, i, a), pin);
        else if (owner[pin] != NO_OWNER)
            problem(c, "IOAPIC pin %u is owned by both %s and %s", pin, LABEL(c, owner[pin], a),
                    LABEL(c, i, b));
        else
            owner[pin] = (uint8_t)i;
    }
}

static void check_pins(struct checker *c)
{
    uint8_t owner[IOAPIC_PIN_MAX + 1];
    memset(owner, NO_OWNER, sizeof owner);
    for (uint32_t i = 0; i < c->cfg->partition_count; i++)
        check_partition_pins(c, i, owner);
}

/* ------------------------------------------------------------ I/O ports */

/* Ports that reach the whole machine, never a partition's: PCI
 * configuration space (every function's BARs and MSI capabilities) and
 * the reset control register inside it, the chipset's fast A20 and reset
 * bit, the keyboard controller's command port (its pulse-reset command),
 * and the RTC index port whose bit 7 masks NMIs. */
static const struct {
    uint16_t base, count;
    const char *what;
} forbidden_ports[] = {
    {0xCF8, 8, "PCI configuration space [0xcf8, 0xd00) (and reset control 0xcf9)"},
    {0x92, 1, "fast A20 and reset (port 0x92)"},
    {0x64, 1, "the keyboard controller's command port 0x64 (machine reset)"},
    {0x70, 2, "the RTC index and NMI mask [0x70, 0x72)"},
};

static const char *forbidden_port_range(const struct cfg_io *io)
{
    for (size_t k = 0; k < ARRAY_SIZE(forbidden_ports); k++)
        if (overlap(io->base, io->count, forbidden_ports[k].base, forbidden_ports[k].count))
            return forbidden_ports[k].what;
    return NULL;
}

static void check_io_entry(struct checker *c, uint32_t i, uint32_t e)
{
    const struct cfg_io *io = &c->cfg->partitions[i].io[e];
    const char *why = NULL, *machine = NULL;
    char a[LABEL_MAX], buf[DESC_MAX];
    if (io->count == 0)
        why = "is empty";
    else if ((uint32_t)io->base + io->count > IO_PORT_LIMIT)
        why = "runs past port 0xFFFF";
    else if (overlap(io->base, io->count, CONSOLE_BASE, CONSOLE_COUNT))
        why = "includes the hypervisor console COM2 [0x2f8, 0x300)";
    else if ((machine = forbidden_port_range(io)) != NULL) {
        fmt_snprintf(buf, sizeof buf, "includes %s", machine);
        why = buf;
    }
    if (!why)
        return;
    c->bad_io[i] |= (uint16_t)(1u << e);
    problem(c, "%s port range " RANGE_FMT " %s", LABEL(c, i, a), RANGE_ARGS(io->base, io->count), why);
}

/* Entry k of all partitions' port ranges (partition k / CFG_MAX_IO), or
 * NULL when absent or malformed. */
static const struct cfg_io *io_at(const struct checker *c, uint32_t k, uint32_t *part)
{
    uint32_t i = k / CFG_MAX_IO, e = k % CFG_MAX_IO;
    if (i >= c->cfg->partition_count || e >= c->cfg->partitions[i].io_count || (c->bad_io[i] >> e & 1))
        return NULL;
    *part = i;
    return &c->cfg->partitions[i].io[e];
}

static void check_io_pair(struct checker *c, uint32_t k, uint32_t l)
{
    uint32_t i = 0, j = 0;
    const struct cfg_io *x = io_at(c, k, &i), *y = io_at(c, l, &j);
    char a[LABEL_MAX], b[LABEL_MAX];
    if (x && y && overlap(x->base, x->count, y->base, y->count))
        problem(c, "%s port range " RANGE_FMT " overlaps %s port range " RANGE_FMT, LABEL(c, i, a),
                RANGE_ARGS(x->base, x->count), LABEL(c, j, b), RANGE_ARGS(y->base, y->count));
}

/* --------------------------------------------------------------- memory */

static const char *kind_name(enum cfg_mem_kind kind)
{
    return kind == CFG_MEM_RAM ? "RAM" : kind == CFG_MEM_MMIO ? "MMIO" : kind == CFG_MEM_HPET ? "HPET" : "region";
}

/* "partition 'rtos' RAM [host range)" or "... RAM at guest [range)". */
static const char *describe(const struct checker *c, uint32_t i, const struct cfg_mem *m, bool guest,
                            char *buf, size_t size)
{
    char a[LABEL_MAX];
    uint64_t base = guest ? m->guest : m->host;
    fmt_snprintf(buf, size, "%s %s %s" RANGE_FMT, LABEL(c, i, a), kind_name(m->kind),
                 guest ? "at guest " : "", RANGE_ARGS(base, m->size));
    return buf;
}

static const char *mem_defect(const struct cfg_mem *m)
{
    if (m->kind != CFG_MEM_RAM && m->kind != CFG_MEM_MMIO && m->kind != CFG_MEM_HPET)
        return "has an unknown kind";
    if (m->size == 0)
        return "is empty";
    if (!IS_ALIGNED(m->guest | m->host | m->size, PAGE_SIZE))
        return "is not 4 KiB aligned";
    if (wraps(m->host, m->size) || wraps(m->guest, m->size))
        return "wraps past the end of the address space";
    if (m->kind == CFG_MEM_HPET && (m->host != HPET_PAGE || m->guest != HPET_PAGE || m->size != PAGE_SIZE))
        return "is not the HPET page [0xfed00000, 0xfed01000) at the same guest address";
    return NULL;
}

/* Whether board RAM ranges (possibly abutting) cover [base, base + size). */
static bool in_board_ram(const struct hv_config *cfg, uint64_t base, uint64_t size)
{
    uint64_t at = base, end = base + size;
    for (uint32_t step = 0; step < cfg->ram_count && at < end; step++)
        for (uint32_t r = 0; r < cfg->ram_count; r++)
            if (at >= cfg->ram[r].base && at < cfg->ram[r].base + cfg->ram[r].size)
                at = cfg->ram[r].base + cfg->ram[r].size;
    return at >= end;
}

static void check_ram_place(struct checker *c, uint32_t i, const struct cfg_mem *m)
{
    const struct cfg_range *hv = &c->cfg->hypervisor;
    char d[DESC_MAX];
    if (!in_board_ram(c->cfg, m->host, m->size))
        problem(c, "%s is not inside board RAM", describe(c, i, m, false, d, sizeof d));
    if (overlap(m->host, m->size, hv->base, hv->size))
        problem(c, "%s overlaps the hypervisor's RAM " RANGE_FMT, describe(c, i, m, false, d, sizeof d),
                RANGE_ARGS(hv->base, hv->size));
}

static void check_partition_mem(struct checker *c, uint32_t i)
{
    const struct cfg_partition *p = &c->cfg->partitions[i];
    bool has_ram = false;
    char a[LABEL_MAX];
    for (uint32_t m = 0; m < p->mem_count; m++) {
        const struct cfg_mem *r = &p->mem[m];
        const char *why = mem_defect(r);
        has_ram |= r->kind == CFG_MEM_RAM;
        if (why) {
            c->bad_mem[i] |= (uint8_t)(1u << m);
            problem(c, "%s %s (guest 0x%llx, host 0x%llx, size 0x%llx) %s", LABEL(c, i, a),
                    kind_name(r->kind), (unsigned long long)r->guest, (unsigned long long)r->host,
                    (unsigned long long)r->size, why);
        } else if (r->kind == CFG_MEM_RAM) {
            check_ram_place(c, i, r);
        }
    }
    if (!has_ram)
        problem(c, "%s has no RAM", LABEL(c, i, a));
}

/* Region k of all partitions' regions (partition k / CFG_MAX_MEM), or
 * NULL when absent or malformed. */
static const struct cfg_mem *mem_at(const struct checker *c, uint32_t k, uint32_t *part)
{
    uint32_t i = k / CFG_MAX_MEM, m = k % CFG_MAX_MEM;
    if (i >= c->cfg->partition_count || m >= c->cfg->partitions[i].mem_count || (c->bad_mem[i] >> m & 1))
        return NULL;
    *part = i;
    return &c->cfg->partitions[i].mem[m];
}

/* Host side: RAM is never shared, MMIO not between partitions (a device
 * has one owner); the mediated HPET page may be, its comparators being
 * split (check_hpet_timers). Guest side: one partition's regions are
 * disjoint. */
static void check_mem_pair(struct checker *c, uint32_t k, uint32_t l)
{
    uint32_t i = 0, j = 0;
    const struct cfg_mem *x = mem_at(c, k, &i), *y = mem_at(c, l, &j);
    char dx[DESC_MAX], dy[DESC_MAX];
    if (!x || !y)
        return;
    bool host_rule = x->kind == y->kind && (x->kind == CFG_MEM_RAM || (x->kind == CFG_MEM_MMIO && i != j));
    if (host_rule && overlap(x->host, x->size, y->host, y->size))
        problem(c, "%s overlaps %s", describe(c, i, x, false, dx, sizeof dx),
                describe(c, j, y, false, dy, sizeof dy));
    if (i == j && overlap(x->guest, x->size, y->guest, y->size))
        problem(c, "%s overlaps %s", describe(c, i, x, true, dx, sizeof dx),
                describe(c, j, y, true, dy, sizeof dy));
}

/* MMIO must not reach RAM: not a partition's, not the hypervisor's, not
 * unassigned board RAM. Reports the first conflict only. */
static void check_mmio_place(struct checker *c, uint32_t k)
{
    const struct hv_config *cfg = c->cfg;
    uint32_t i = 0, j = 0;
    const struct cfg_mem *x = mem_at(c, k, &i);
    char dx[DESC_MAX], dy[DESC_MAX];
    if (!x || x->kind == CFG_MEM_RAM)
        return;
    for (uint32_t l = 0; l < CFG_MAX_PARTITIONS * CFG_MAX_MEM; l++) {
        const struct cfg_mem *y = mem_at(c, l, &j);
        if (y && y->kind == CFG_MEM_RAM && overlap(x->host, x->size, y->host, y->size)) {
            problem(c, "%s overlaps %s", describe(c, i, x, false, dx, sizeof dx),
                    describe(c, j, y, false, dy, sizeof dy));
            return;
        }
    }
    if (overlap(x->host, x->size, cfg->hypervisor.base, cfg->hypervisor.size)) {
        problem(c, "%s overlaps the hypervisor's RAM " RANGE_FMT, describe(c, i, x, false, dx, sizeof dx),
                RANGE_ARGS(cfg->hypervisor.base, cfg->hypervisor.size));
        return;
    }
    for (uint32_t r = 0; r < cfg->ram_count; r++)
        if (overlap(x->host, x->size, cfg->ram[r].base, cfg->ram[r].size)) {
            problem(c, "%s overlaps board RAM " RANGE_FMT, describe(c, i, x, false, dx, sizeof dx),
                    RANGE_ARGS(cfg->ram[r].base, cfg->ram[r].size));
            return;
        }
}

/* -------------------------------------------------------------- devices */

/* Device pages no partition gets raw: the HPET can write any physical
 * address (FSB delivery, IA-PC HPET 1.0a 2.3.8: Tn_FSB_EN_CNF) and route
 * to any IOAPIC pin; the IOAPIC is shared and emulated; a write into the
 * LAPIC window [0xfee00000, 0xfef00000) is an MSI (SDM Vol. 3A 11.11.1). */
static const struct {
    uint64_t base, size;
    const char *what;
} device_windows[] = {
    {HPET_PAGE, PAGE_SIZE, "the HPET (it can send MSIs by FSB delivery: give it as CFG_MEM_HPET, mediated)"},
    {IOAPIC_PAGE, PAGE_SIZE, "the IOAPIC (shared by all partitions, emulated)"},
    {LAPIC_WINDOW, LAPIC_WINDOW_SIZE, "the local APIC and MSI window [0xfee00000, 0xfef00000)"},
};

static void check_device_windows(struct checker *c, uint32_t k)
{
    uint32_t i = 0;
    const struct cfg_mem *x = mem_at(c, k, &i);
    char d[DESC_MAX];
    if (!x || x->kind != CFG_MEM_MMIO)
        return;
    for (size_t w = 0; w < ARRAY_SIZE(device_windows); w++)
        if (overlap(x->host, x->size, device_windows[w].base, device_windows[w].size)) {
            problem(c, "%s overlaps %s", describe(c, i, x, false, d, sizeof d), device_windows[w].what);
            return;
        }
}

static bool has_hpet_region(const struct cfg_partition *p)
{
    for (uint32_t m = 0; m < p->mem_count; m++)
        if (p->mem[m].kind == CFG_MEM_HPET)
            return true;
    return false;
}

/* Comparators come with the HPET page and have one owner each. */
static void check_hpet_timers(struct checker *c)
{
    uint32_t taken = 0;
    char a[LABEL_MAX], b[LABEL_MAX];
    for (uint32_t i = 0; i < c->cfg->partition_count; i++) {
        const struct cfg_partition *p = &c->cfg->partitions[i];
        bool page = has_hpet_region(p);
        if (page && !p->hpet_timers)
            problem(c, "%s has the HPET page but no comparators (hpet_timers)", LABEL(c, i, a));
        else if (!page && p->hpet_timers)
            problem(c, "%s has HPET comparators (hpet_timers 0x%x) but no CFG_MEM_HPET region", LABEL(c, i, a),
                    p->hpet_timers);
        uint32_t twice = p->hpet_timers & taken;
        for (uint32_t t = 0; twice && t < HPET_TIMER_MAX; t++)
            if (twice & (1u << t)) {
                for (uint32_t j = 0; j < i; j++)
                    if (c->cfg->partitions[j].hpet_timers & (1u << t))
                        problem(c, "HPET comparator %u is owned by both %s and %s", t, LABEL(c, j, a),
                                LABEL(c, i, b));
                break; /* one message per partition pair is enough */
            }
        taken |= p->hpet_timers;
    }
}

/* ------------------------------------------------------- PCI functions */


static bool has_guest_function(const struct cfg_partition *p, uint16_t guest)
{
    for (uint32_t k = 0; k < p->pci_count; k++)
        if (p->pci[k].guest == guest)
            return true;
    return false;
}

/* Where a partition sees a function: bus 0 (no bridges are emulated),
 * not 00:00.0 (its host bridge), once, and functions 1-7 of a device only
 * beside a function 0 (kernels look for them only then, PCI 3.0 6.2.1). */
static void check_pci_guest(struct checker *c, uint32_t i, uint32_t k)
{
    const struct cfg_partition *p = &c->cfg->partitions[i];
    uint16_t g = p->pci[k].guest;
    char a[LABEL_MAX];
    const char *why = g == 0             ? "is its emulated host bridge's address"
                      : g >> 8           ? "is not on bus 0 (partitions see one bus)"
                      : (g & 7) && !has_guest_function(p, (uint16_t)(g & ~7u)) ? "has no function 0 at its device"
                                                                              : NULL;
    for (uint32_t j = 0; !why && j < k; j++)
        if (p->pci[j].guest == g)
            why = "is given twice";
    if (why)
        problem(c, "%s PCI function %02x:%02x.%x seen as %02x:%02x.%x: that address %s", LABEL(c, i, a),
                PCI_BDF_ARGS(p->pci[k].host), PCI_BDF_ARGS(g), why);
}

/* A machine function has one owner. */
static void check_pci_host(struct checker *c, uint32_t i, uint32_t k)
{
    uint16_t h = c->cfg->partitions[i].pci[k].host;
    char a[LABEL_MAX], b[LABEL_MAX];
    for (uint32_t j = 0; j <= i; j++) {
        const struct cfg_partition *q = &c->cfg->partitions[j];
        for (uint32_t l = 0; l < (j == i ? k : q->pci_count); l++)
            if (q->pci[l].host == h) {
                problem(c, "PCI function %02x:%02x.%x is given to both %s and %s", PCI_BDF_ARGS(h), LABEL(c, j, a),
                        LABEL(c, i, b));
                return;
            }
    }
}

/* Devices that master the bus use host-physical addresses: the RAM the
 * OS programs them with must be where it thinks it is. */
static void check_dma(struct checker *c, uint32_t i)
{
    const struct cfg_partition *p = &c->cfg->partitions[i];
    char a[LABEL_MAX];
    if (p->dma != CFG_DMA_NONE && p->dma != CFG_DMA_TRUSTED) {
        problem(c, "%s dma %u is neither none nor trusted", LABEL(c, i, a), (unsigned)p->dma);
        return;
    }
    for (uint32_t m = 0; p->dma == CFG_DMA_TRUSTED && m < p->mem_count; m++)
        if (p->mem[m].kind == CFG_MEM_RAM && p->mem[m].guest != p->mem[m].host)
            problem(c, "%s has dma trusted but RAM at guest 0x%llx is host 0x%llx: DMA needs guest == host RAM",
                    LABEL(c, i, a), (unsigned long long)p->mem[m].guest, (unsigned long long)p->mem[m].host);
}

/* Its ECAM window (hv/config.h pci_ecam): one bus, 1 MiB aligned (PCI
 * Express Base 7.2.2: bus number in address bits 27:20), and in a hole of
 * its guest-physical map: an access there must exit to be emulated, so
 * no region of its own and no device page it reaches may lie under it. */
#define ECAM_BUS_BYTES 0x100000ull
#define ECAM_FMT "%s PCI ECAM window [0x%llx, 0x%llx)"

static void check_ecam(struct checker *c, uint32_t i)
{
    const struct cfg_partition *p = &c->cfg->partitions[i];
    uint64_t w = p->pci_ecam;
    char a[LABEL_MAX];
    if (!w)
        return;
    if (!IS_ALIGNED(w, ECAM_BUS_BYTES) || wraps(w, ECAM_BUS_BYTES)) {
        problem(c, ECAM_FMT " is not 1 MiB aligned below the end of the address space", LABEL(c, i, a),
                RANGE_ARGS(w, ECAM_BUS_BYTES));
        return;
    }
    for (uint32_t m = 0; m < p->mem_count; m++)
        if (!(c->bad_mem[i] >> m & 1) && overlap(w, ECAM_BUS_BYTES, p->mem[m].guest, p->mem[m].size))
            problem(c, ECAM_FMT " overlaps its %s at guest " RANGE_FMT, LABEL(c, i, a), RANGE_ARGS(w, ECAM_BUS_BYTES),
                    kind_name(p->mem[m].kind), RANGE_ARGS(p->mem[m].guest, p->mem[m].size));
    static const char *const pages[] = {"HPET page", "IOAPIC page", "local APIC and MSI window"};
    for (size_t k = 0; k < ARRAY_SIZE(device_windows); k++) /* the same order */
        if (overlap(w, ECAM_BUS_BYTES, device_windows[k].base, device_windows[k].size))
            problem(c, ECAM_FMT " overlaps the %s " RANGE_FMT, LABEL(c, i, a), RANGE_ARGS(w, ECAM_BUS_BYTES),
                    pages[k], RANGE_ARGS(device_windows[k].base, device_windows[k].size));
}

static void check_pci(struct checker *c, uint32_t i)
{
    for (uint32_t k = 0; k < c->cfg->partitions[i].pci_count; k++) {
        check_pci_guest(c, i, k);
        check_pci_host(c, i, k);
    }
    check_dma(c, i);
}

/* ------------------------------------------------------------ the check */

static void check_pairs(struct checker *c)
{
    const uint32_t mems = CFG_MAX_PARTITIONS * CFG_MAX_MEM, ios = CFG_MAX_PARTITIONS * CFG_MAX_IO;
    for (uint32_t k = 0; k < mems; k++) {
        check_mmio_place(c, k);
        check_device_windows(c, k);
        for (uint32_t l = k + 1; l < mems; l++)
            check_mem_pair(c, k, l);
    }
    for (uint32_t k = 0; k < ios; k++)
        for (uint32_t l = k + 1; l < ios; l++)
            check_io_pair(c, k, l);
}

int config_check(const struct hv_config *cfg, void (*report)(const char *msg, void *ctx), void *ctx)
{
    struct checker c = {.cfg = cfg, .report = report, .ctx = ctx};
    check_frame(&c);
    if (c.problems)
        return c.problems;
    for (uint32_t i = 0; i < cfg->partition_count; i++) {
        check_identity(&c, i);
        check_rpc(&c, i);
        check_pci(&c, i);
        check_partition_mem(&c, i);
        check_ecam(&c, i); /* after check_partition_mem: malformed regions are known */
        for (uint32_t e = 0; e < cfg->partitions[i].io_count; e++)
            check_io_entry(&c, i, e);
    }
    check_cpus(&c);
    check_pins(&c);
    check_hpet_timers(&c);
    check_pairs(&c);
    c.problems += config_check_emul_uart(cfg, report, ctx); /* hv/config_check_uart.c */
    return c.problems;
}

bool config_mmio_conflict(const struct cfg_partition *p, const struct cfg_forbidden *f, uint32_t n, char *msg,
                          size_t len)
{
    for (uint32_t m = 0; m < p->mem_count && m < CFG_MAX_MEM; m++) {
        const struct cfg_mem *r = &p->mem[m];
        if (r->kind != CFG_MEM_MMIO)
            continue;
        for (uint32_t k = 0; k < n; k++)
            if (overlap(r->host, r->size, f[k].base, f[k].size)) {
                fmt_snprintf(msg, len, "MMIO " RANGE_FMT " overlaps %s " RANGE_FMT, RANGE_ARGS(r->host, r->size),
                             f[k].what, RANGE_ARGS(f[k].base, f[k].size));
                return true;
            }
    }
    return false;
}
