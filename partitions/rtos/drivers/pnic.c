/* The pseudo-NIC driver; see pnic.h. */
#include "partitions/rtos/drivers/pnic.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"

static void data_out(uint16_t port, const uint8_t *p, uint32_t n)
{
    /* One byte per OUTSB: DATA takes byte accesses only (Bochs's pnic_iomask). */
    __asm__ __volatile__("cld; rep outsb" : "+S"(p), "+c"(n) : "d"(port) : "memory");
}

/* One command with `in` bytes of input; its output waits in DATA. */
static uint16_t command(const struct pnic *nic, uint16_t cmd, const void *in, uint16_t in_len)
{
    outw((uint16_t)(nic->io + PNIC_REG_LEN), in_len);
    data_out((uint16_t)(nic->io + PNIC_REG_DATA), in, in_len);
    outw((uint16_t)(nic->io + PNIC_REG_CMD), cmd);
    return inw((uint16_t)(nic->io + PNIC_REG_STAT));
}

/* Reads up to cap bytes of the last command's output; returns its length. */
static uint16_t output(const struct pnic *nic, uint8_t *out, uint16_t cap)
{
    uint16_t len = inw((uint16_t)(nic->io + PNIC_REG_LEN));
    for (uint16_t i = 0; i < len && i < cap; i++)
        out[i] = inb((uint16_t)(nic->io + PNIC_REG_DATA));
    return len;
}

static int failed(const char *what, uint16_t status)
{
    say("pnic: %s failed, status 0x%x", what, status);
    return status != PNIC_STATUS_OK && status ? status : 1;
}

int pnic_init(struct pnic *nic, uint16_t io)
{
    static const uint8_t irq_off = 0;
    uint8_t v[2] = {0, 0};
    uint16_t s;
    nic->io = io;
    if ((s = command(nic, PNIC_CMD_RESET, 0, 0)) != PNIC_STATUS_OK)
        return failed("reset", s);
    if ((s = command(nic, PNIC_CMD_API_VER, 0, 0)) != PNIC_STATUS_OK)
        return failed("API version", s);
    output(nic, v, sizeof v);
    nic->api_version = (uint16_t)(v[0] | v[1] << 8);
    if ((s = command(nic, PNIC_CMD_READ_MAC, 0, 0)) != PNIC_STATUS_OK)
        return failed("read MAC", s);
    uint16_t n = output(nic, nic->mac, sizeof nic->mac);
    if (n != sizeof nic->mac) {
        say("pnic: read MAC answered %u bytes, not 6", n);
        return 1;
    }
    if ((s = command(nic, PNIC_CMD_MASK_IRQ, &irq_off, 1)) != PNIC_STATUS_OK)
        return failed("mask interrupt", s);
    return 0;
}

uint16_t pnic_transmit(const struct pnic *nic, const void *frame, uint16_t len)
{
    if (len > PNIC_MAX_FRAME)
        return 0;
    return command(nic, PNIC_CMD_XMIT, frame, len);
}
