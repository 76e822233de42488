/* The build-time port -> model map (tools/gen_io_dispatch.c) and the
 * config rule for emulated UARTs (hv/config_check_uart.c, reached through
 * config_check): the demo's maps, ports a partition owns left out, and a
 * UART on a port someone owns or the hypervisor emulates refused with a
 * message naming both. */
#include <string.h>

#include "tools/gen_io_dispatch.h"
#include "unit.h"
#include "config_capture.h"

#define RTOS 0 /* partition indices in configs/demo.c */
#define GPOS 1
#define COM4 0x2E8


static const struct io_port_model *find(const struct io_port_model *m, int n, uint16_t port)
{
    for (int k = 0; k < n; k++)
        if (m[k].port == port)
            return &m[k];
    return NULL;
}

TEST(demo_is_valid_and_rtos_has_its_uart)
{
    struct capture cap;
    CHECK_EQ(check(&hv_config, &cap), 0);
    CHECK_EQ(hv_config.partitions[RTOS].emul_uart_port, COM4);
    CHECK(hv_config.partitions[GPOS].manager);
    CHECK(!hv_config.partitions[RTOS].manager);
}

TEST(map_has_uart_registers_and_fixed_ports_sorted)
{
    struct io_port_model m[IO_MAP_MAX];
    int n = io_port_map(&hv_config, RTOS, m);
    CHECK_EQ(n, 8 + 8 + 2 + 1 + 1 + 2); /* UART, PCI, RTC, 0xf4, 0x8900, ACPI sleep */
    for (int k = 1; k < n; k++)
        CHECK(m[k - 1].port < m[k].port);
    for (unsigned r = 0; r < 8; r++) {
        const struct io_port_model *e = find(m, n, (uint16_t)(COM4 + r));
        CHECK(e && e->model == IO_MODEL_UART && e->reg == r);
    }
    const struct io_port_model *e = find(m, n, 0xCFC);
    CHECK(e && e->model == IO_MODEL_PCI_CFG);
    e = find(m, n, 0x71);
    CHECK(e && e->model == IO_MODEL_RTC);
    e = find(m, n, 0x8900);
    CHECK(e && e->model == IO_MODEL_POWER);
    CHECK(find(m, n, COM4 + 8) == NULL);
    CHECK(find(m, n, 0x3F8) == NULL); /* an owned port: never exits */
}

TEST(partition_without_uart_gets_only_the_fixed_models)
{
    struct io_port_model m[IO_MAP_MAX];
    int n = io_port_map(&hv_config, GPOS, m);
    CHECK_EQ(n, 8 + 2 + 1 + 1 + 2);
    for (int k = 0; k < n; k++)
        CHECK(m[k].model != IO_MODEL_UART);
}

TEST(power_port_owned_by_a_partition_is_left_to_the_owner_check)
{
    struct hv_config c = hv_config;
    c.partitions[GPOS].io[c.partitions[GPOS].io_count++] = (struct cfg_io){0xF4, 1};
    struct io_port_model m[IO_MAP_MAX];
    int n = io_port_map(&c, RTOS, m);
    CHECK(n > 0);
    CHECK(find(m, n, 0xF4) == NULL); /* rtos touching it is stopped: it is gpos's */
    CHECK(find(m, n, 0x8900) != NULL);
}

TEST(uart_over_an_emulated_port_makes_no_map)
{
    struct hv_config c = hv_config;
    c.partitions[RTOS].emul_uart_port = 0x6E; /* [0x6e, 0x76) covers the RTC ports */
    struct io_port_model m[IO_MAP_MAX];
    CHECK_EQ(io_port_map(&c, RTOS, m), -1);
    c.partitions[RTOS].emul_uart_port = 0xFFFC;
    CHECK_EQ(io_port_map(&c, RTOS, m), -1);
}

TEST(uart_on_a_port_another_partition_owns_is_refused)
{
    struct hv_config c = hv_config;
    struct capture cap;
    c.partitions[RTOS].emul_uart_port = 0x3F8; /* gpos's COM1 */
    CHECK_EQ(check(&c, &cap), 1);
    CHECK_STR(cap.msg[0], "partition 'rtos' emulated UART [0x3f8, 0x400) overlaps partition 'gpos' port range "
                          "[0x3f8, 0x400)");
}

TEST(uart_on_its_own_port_is_refused)
{
    struct hv_config c = hv_config;
    struct capture cap;
    c.partitions[RTOS].emul_uart_port = 0x3E4; /* its own COM3 from 0x3e8 */
    CHECK_EQ(check(&c, &cap), 1);
    CHECK_STR(cap.msg[0], "partition 'rtos' emulated UART [0x3e4, 0x3ec) overlaps its own 'rtos' port range "
                          "[0x3e8, 0x3f0)");
}

TEST(uart_on_hypervisor_ports_is_refused)
{
    static const struct {
        uint16_t port;
        const char *why;
    } cases[] = {
        {0x2F8, "overlaps the hypervisor console COM2 [0x2f8, 0x300)"},
        {0xCF4, "overlaps the PCI configuration ports [0xcf8, 0xd00), which the hypervisor emulates"},
        {0x70, "overlaps the CMOS clock ports [0x70, 0x72), which the hypervisor emulates"},
        {0xF0, "overlaps the power-off port 0xf4, which the hypervisor emulates"},
        {0x8900, "overlaps the Bochs shutdown port 0x8900, which the hypervisor emulates"},
        {0x63C, "overlaps the ACPI sleep control ports [0x640, 0x642), which the hypervisor emulates"},
        {0xFFFA, "runs past port 0xFFFF"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hv_config c = hv_config;
        struct capture cap;
        char want[256];
        c.partitions[RTOS].emul_uart_port = cases[i].port;
        CHECK_EQ(check(&c, &cap), 1);
        snprintf(want, sizeof want, "partition 'rtos' emulated UART [0x%x, 0x%x) %s", cases[i].port,
                 cases[i].port + 8, cases[i].why);
        CHECK_STR(cap.msg[0], want);
    }
}

TEST(two_partitions_may_have_uarts_at_the_same_ports)
{
    struct hv_config c = hv_config;
    struct capture cap;
    c.partitions[GPOS].emul_uart_port = COM4; /* each its own model */
    CHECK_EQ(check(&c, &cap), 0);
    struct io_port_model m[IO_MAP_MAX];
    int n = io_port_map(&c, GPOS, m);
    const struct io_port_model *e = find(m, n, COM4 + 5);
    CHECK(e && e->model == IO_MODEL_UART && e->reg == 5);
}

TEST(uart_just_beside_owned_ports_is_valid)
{
    struct hv_config c = hv_config;
    struct capture cap;
    c.partitions[RTOS].emul_uart_port = 0x3F0; /* between COM3 [0x3e8, 0x3f0) and COM1 [0x3f8, ...) */
    CHECK_EQ(check(&c, &cap), 0);
    c.partitions[RTOS].emul_uart_port = 0xFFF8;
    CHECK_EQ(check(&c, &cap), 0);
}
