/* VMRPC modules and descriptors: register, unregister, bind, unbind,
 * list; a partition's stop. Rights come from the static config
 * (rpc_serve, rpc_bind in hv/config.h). */
#include "hv/string.h"
#include "rpc/rpc_internal.h"

spinlock_t rpc_lock;
struct rpc_module rpc_modules[RPC_MAX_MODULES];
struct rpc_party rpc_parties[CFG_MAX_PARTITIONS];

void rpc_reset(void)
{
    memset(rpc_modules, 0, sizeof rpc_modules);
    memset(rpc_parties, 0, sizeof rpc_parties);
    spin_init(&rpc_lock);
}

/* ------------------------------------------------------------ descriptors */

static struct rpc_desc *desc_of(const struct partition *p, uint64_t d)
{
    return d < VMRPC_MAX_DESCS ? &rpc_parties[p->id].desc[d] : NULL;
}

struct rpc_module *rpc_desc_any_module(const struct partition *p, uint64_t d, int64_t *err)
{
    const struct rpc_desc *e = desc_of(p, d);
    if (!e || e->kind == DESC_FREE) {
        *err = HV_EBADF;
        return NULL;
    }
    struct rpc_module *m = &rpc_modules[e->module];
    if (m->state != MOD_LIVE || m->gen != e->gen) {
        *err = HV_EPIPE;
        return NULL;
    }
    return m;
}

struct rpc_module *rpc_desc_module(const struct partition *p, uint64_t d, enum rpc_desc_kind kind, int64_t *err)
{
    const struct rpc_desc *e = desc_of(p, d);
    if (e && e->kind != kind) {
        *err = HV_EBADF;
        return NULL;
    }
    return rpc_desc_any_module(p, d, err);
}

static int64_t desc_open(const struct partition *p, enum rpc_desc_kind kind, uint32_t module)
{
    for (uint32_t d = 0; d < VMRPC_MAX_DESCS; d++) {
        struct rpc_desc *e = &rpc_parties[p->id].desc[d];
        if (e->kind == DESC_FREE) {
            *e = (struct rpc_desc){.kind = (uint8_t)kind, .module = (uint8_t)module, .gen = rpc_modules[module].gen};
            return d;
        }
    }
    return HV_ENOMEM;
}

/* ------------------------------------------------------------ guest input */

/* Copies a NUL-terminated string of at most cap bytes (NUL included) from
 * the caller's RAM. HV_EFAULT if it leaves the RAM before its end,
 * HV_EINVAL if it is longer. */
static int copy_string(const struct partition *p, uint64_t gpa, char *buf, size_t cap)
{
    for (size_t i = 0; i < cap; i++) {
        const char *c = rpc_guest(p, gpa + i, 1);
        if (!c)
            return HV_EFAULT;
        buf[i] = *c;
        if (!buf[i])
            return 0;
    }
    return HV_EINVAL;
}

static bool listed(const char *const *list, const char *name)
{
    for (uint32_t i = 0; i < CFG_MAX_RPC && list[i]; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* Why a registration is malformed (HV_EINVAL), or 0. */
static int64_t check_register(const struct partition *p, const struct vmrpc_register *r)
{
    uint64_t ring_bytes = (uint64_t)r->slot_count * r->slot_size;
    if (r->proc_count == 0 || r->proc_count > VMRPC_MAX_PROCS || r->slot_count == 0 ||
        r->slot_count > VMRPC_MAX_SLOTS || r->slot_size % 64 || r->slot_size < 128 ||
        r->slot_size > sizeof(struct vmrpc_slot) + VMRPC_MAX_MSG || r->reserved || r->ring_gpa % 64 ||
        r->mode > VMRPC_RECV_POLL)
        return HV_EINVAL;
    if (r->mode == VMRPC_RECV_DOORBELL && !p->cfg->rpc_vector && !p->cfg->rpc_gsi)
        return HV_EINVAL; /* no vector to ring */
    return rpc_guest(p, r->ring_gpa, ring_bytes) ? 0 : HV_EFAULT;
}

static struct rpc_module *find_module(const struct partition *server, const char *name)
{
    for (uint32_t i = 0; i < RPC_MAX_MODULES; i++) {
        struct rpc_module *m = &rpc_modules[i];
        if (m->state == MOD_LIVE && m->server == server && strcmp(m->name, name) == 0)
            return m;
    }
    return NULL;
}

static void module_init(struct rpc_module *m, const struct rpc_caller *c, const struct vmrpc_register *r, uint32_t d)
{
    uint32_t gen = m->gen + 1;
    memset(m, 0, sizeof *m);
    m->gen = gen;
    m->server = c->p;
    m->server_desc = d;
    m->server_apic = c->apic_id;
    memcpy(m->name, r->name, sizeof m->name);
    m->version = r->version;
    m->proc_count = r->proc_count;
    m->mode = r->mode;
    m->slot_count = r->slot_count;
    m->slot_size = r->slot_size;
    m->ring = rpc_guest(c->p, r->ring_gpa, (uint64_t)r->slot_count * r->slot_size);
    for (uint32_t s = 0; s < m->slot_count; s++)
        ((struct vmrpc_slot *)(m->ring + s * m->slot_size))->state = VMRPC_SLOT_FREE;
    m->state = MOD_LIVE;
}

/* --------------------------------------------------------------- register */

int64_t rpc_register(const struct rpc_caller *c, uint64_t reg_gpa, uint64_t size)
{
    if (size < sizeof(struct vmrpc_register) || reg_gpa % 8)
        return HV_EINVAL;
    const struct vmrpc_register *g = rpc_guest(c->p, reg_gpa, sizeof *g);
    if (!g)
        return HV_EFAULT;
    struct vmrpc_register r = *g; /* read once: the guest may change it */
    if (strnlen(r.name, sizeof r.name) == sizeof r.name || !r.name[0] || strchr(r.name, '/'))
        return HV_EINVAL;
    if (!listed(c->p->cfg->rpc_serve, r.name))
        return HV_EPERM;
    int64_t bad = check_register(c->p, &r);
    if (bad)
        return bad;
    spin_lock(&rpc_lock);
    int64_t result = HV_EEXIST;
    if (!find_module(c->p, r.name)) {
        result = HV_ENOMEM;
        for (uint32_t i = 0; i < RPC_MAX_MODULES; i++) {
            if (rpc_modules[i].state != MOD_FREE)
                continue;
            result = desc_open(c->p, DESC_SERVE, i);
            if (result >= 0) {
                module_init(&rpc_modules[i], c, &r, (uint32_t)result);
                rpc_parties[c->p->id].desc[result].gen = rpc_modules[i].gen;
            }
            break;
        }
    }
    spin_unlock(&rpc_lock);
    return result;
}

static bool module_quiet(void *ctx) { return __atomic_load_n(&((struct rpc_module *)ctx)->copying, __ATOMIC_ACQUIRE) == 0; }

/* Under rpc_lock, returns with it held: the module stops taking calls,
 * copies under way finish, then every call and blocked getter is ended
 * with HV_EPIPE and the module is free. */
static void module_remove(struct rpc_module *m)
{
    m->state = MOD_DYING;
    while (!module_quiet(m)) {
        spin_unlock(&rpc_lock);
        while (!module_quiet(m))
            __asm__ __volatile__("" ::: "memory");
        spin_lock(&rpc_lock);
    }
    rpc_calls_abort(m, HV_EPIPE);
    rpc_evq_abort(m);
    rpc_parties[m->server->id].desc[m->server_desc].kind = DESC_FREE;
    m->state = MOD_FREE;
}

int64_t rpc_unregister(const struct rpc_caller *c, uint64_t d)
{
    int64_t err = 0;
    spin_lock(&rpc_lock);
    struct rpc_module *m = rpc_desc_module(c->p, d, DESC_SERVE, &err);
    if (m)
        module_remove(m);
    spin_unlock(&rpc_lock);
    return m ? 0 : err;
}

/* ------------------------------------------------------------------- bind */

static const struct partition *partition_named(const char *name, size_t len)
{
    for (uint32_t i = 0; i < partition_count; i++) {
        const char *n = partition_table[i].cfg->name;
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return &partition_table[i];
    }
    return NULL;
}

/* Under rpc_lock: the module a "partition/module" name from a config's
 * rpc_bind (config_check guarantees the form) names, if registered. */
static struct rpc_module *find_bound(const char *name)
{
    const char *slash = strchr(name, '/');
    const struct partition *server = partition_named(name, (size_t)(slash - name));
    return server ? find_module(server, slash + 1) : NULL;
}

static bool version_fits(uint32_t have, uint32_t want) { return have >> 16 == want >> 16 && (have & 0xFFFF) >= (want & 0xFFFF); }

int64_t rpc_bind(const struct rpc_caller *c, uint64_t name_gpa, uint64_t version)
{
    char name[VMRPC_BIND_NAME_MAX];
    int bad = copy_string(c->p, name_gpa, name, sizeof name);
    if (bad)
        return bad;
    if (!listed(c->p->cfg->rpc_bind, name))
        return HV_EPERM;
    spin_lock(&rpc_lock);
    struct rpc_module *m = find_bound(name);
    int64_t result = !m ? HV_ENOENT : !version_fits(m->version, (uint32_t)version) ? HV_EPROTO
                                                                                      : desc_open(c->p, DESC_BIND, (uint32_t)(m - rpc_modules));
    spin_unlock(&rpc_lock);
    return result;
}

int64_t rpc_unbind(const struct rpc_caller *c, uint64_t d)
{
    spin_lock(&rpc_lock);
    struct rpc_desc *e = desc_of(c->p, d);
    int64_t result = !e || e->kind != DESC_BIND ? HV_EBADF : e->pending ? HV_EBUSY : 0;
    if (result == 0)
        e->kind = DESC_FREE;
    spin_unlock(&rpc_lock);
    return result;
}

int64_t rpc_list(const struct rpc_caller *c, uint64_t index, uint64_t info_gpa, uint64_t size)
{
    if (size < sizeof(struct vmrpc_module_info) || info_gpa % 8)
        return HV_EINVAL;
    struct vmrpc_module_info *out = rpc_guest(c->p, info_gpa, sizeof *out);
    if (!out)
        return HV_EFAULT;
    const char *const *list = c->p->cfg->rpc_bind;
    if (index >= CFG_MAX_RPC || !list[index])
        return HV_ENOENT;
    struct vmrpc_module_info info = {0};
    spin_lock(&rpc_lock);
    const struct rpc_module *m = find_bound(list[index]);
    if (m)
        info = (struct vmrpc_module_info){.registered = 1, .version = m->version, .proc_count = m->proc_count, .mode = m->mode};
    spin_unlock(&rpc_lock);
    strlcpy(info.name, list[index], sizeof info.name);
    memcpy(out, &info, sizeof info);
    return 0;
}

/* ------------------------------------------------------------------- stop */

void rpc_partition_stopped(struct partition *p)
{
    spin_lock(&rpc_lock);
    for (uint32_t i = 0; i < RPC_MAX_MODULES; i++)
        if (rpc_modules[i].state == MOD_LIVE && rpc_modules[i].server == p)
            module_remove(&rpc_modules[i]);
    for (uint32_t d = 0; d < VMRPC_MAX_DESCS; d++)
        if (rpc_parties[p->id].desc[d].kind == DESC_BIND && !rpc_parties[p->id].desc[d].pending)
            rpc_parties[p->id].desc[d].kind = DESC_FREE;
    spin_unlock(&rpc_lock);
}
