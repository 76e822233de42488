/* The fake PCI machine of tests/unit/pci_fake.h. */
#include "tests/unit/pci_fake.h"

#include <stdio.h>
#include <string.h>

uint32_t fake_get(const struct fake_fn *f, uint32_t reg, uint32_t size)
{
    uint32_t v = 0;
    for (uint32_t b = 0; b < size; b++)
        v |= (uint32_t)f->cfg[reg + b] << (8 * b);
    return v;
}

void fake_set(struct fake_fn *f, uint32_t reg, uint32_t size, uint32_t value)
{
    for (uint32_t b = 0; b < size; b++)
        f->cfg[reg + b] = (uint8_t)(value >> (8 * b));
}

static struct fake_fn *find(struct fake_machine *m, uint16_t bdf)
{
    for (int i = 0; i < FAKE_FNS; i++)
        if (m->fn[i].present && m->fn[i].bdf == bdf)
            return &m->fn[i];
    return NULL;
}

static uint32_t fake_read(void *ctx, uint16_t bdf, uint32_t reg, uint32_t size)
{
    struct fake_fn *f = find(ctx, bdf);
    if (!f)
        return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    return fake_get(f, reg, size);
}

static void fake_write(void *ctx, uint16_t bdf, uint32_t reg, uint32_t size, uint32_t value)
{
    struct fake_fn *f = find(ctx, bdf);
    if (!f)
        return;
    f->writes++;
    if (reg >= 0x10 && reg < 0x28) {
        f->bar_writes++;
        uint32_t i = (reg - 0x10) / 4, s = f->bar_size[i];
        uint32_t type = fake_get(f, 0x10 + 4 * i, 4) & ((f->cfg[0x10 + 4 * i] & 1) ? 3 : 0xF);
        fake_set(f, 0x10 + 4 * i, 4, s ? ((value & ~(s - 1)) | type) : 0);
        return;
    }
    for (uint32_t b = 0; b < size; b++) {
        uint8_t w = f->wmask[reg + b];
        f->cfg[reg + b] = (uint8_t)((f->cfg[reg + b] & ~w) | ((value >> (8 * b)) & w));
    }
}

static void fake_refused(void *ctx, const char *msg)
{
    struct fake_machine *m = ctx;
    if (m->msg_count < FAKE_MSGS)
        snprintf(m->msg[m->msg_count], sizeof m->msg[0], "%s", msg);
    m->msg_count++;
}

static uint32_t fake_read_ext(void *ctx, uint16_t bdf, uint32_t reg, uint32_t size)
{
    struct fake_fn *f = find(ctx, bdf);
    if (!f)
        return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    if (reg < 0x100 || reg > 0x103)
        return 0;
    uint32_t v = f->ext_header >> (8 * (reg & 3));
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void fake_init(struct fake_machine *m)
{
    memset(m, 0, sizeof *m);
    m->backend = (struct pci_cfg_backend){fake_read, fake_write, fake_refused, m, NULL};
}

void fake_with_ecam(struct fake_machine *m) { m->backend.read_ext = fake_read_ext; }

struct fake_fn *fake_add(struct fake_machine *m, uint16_t bdf, uint32_t id, uint32_t class_rev)
{
    for (int i = 0; i < FAKE_FNS; i++) {
        struct fake_fn *f = &m->fn[i];
        if (f->present)
            continue;
        f->present = true;
        f->bdf = bdf;
        fake_set(f, 0, 4, id);
        fake_set(f, 8, 4, class_rev);
        fake_set(f, 4, 2, 0x0003); /* decoding on, as firmware leaves it */
        f->wmask[4] = 0xFF;        /* command: every low bit */
        f->wmask[5] = 0x07;
        f->wmask[0xC] = f->wmask[0xD] = 0xFF;
        f->wmask[0x3C] = 0xFF;
        for (int r = 0x40; r < 0x50; r++)
            f->wmask[r] = 0xFF; /* device-specific registers */
        return f;
    }
    return NULL;
}

void fake_bar(struct fake_fn *f, uint32_t i, uint32_t value, uint32_t size)
{
    f->bar_size[i] = size;
    fake_set(f, 0x10 + 4 * i, 4, value);
}

void fake_cap(struct fake_fn *f, uint8_t at, uint8_t id, uint32_t len)
{
    f->cfg[6] |= 0x10; /* status: capability list */
    uint32_t link = 0x34;
    while (f->cfg[link])
        link = f->cfg[link] + 1u;
    f->cfg[link] = at;
    f->cfg[at] = id;
    f->cfg[at + 1] = 0;
    for (uint32_t r = at + 2; r < at + len; r++)
        f->wmask[r] = 0xFF;
}

const char *fake_last_msg(const struct fake_machine *m)
{
    return m->msg_count ? m->msg[(m->msg_count - 1) % FAKE_MSGS] : "";
}
