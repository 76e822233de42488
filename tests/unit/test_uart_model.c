/* The emulated 16550A (hv/uart_model.c) as drivers probe and use it:
 * Linux's 8250 autoconfig (scratch, IER, FIFO bits of IIR, the loopback
 * test of MCR/MSR), transmission, the divisor latch, IIR priorities, the
 * receive FIFO in loopback; and the manager's history of what it sent
 * (hv/console_history.c). */
#include <string.h>

#include "hv/console_history.h"
#include "hv/uart_model.h"
#include "unit.h"

static struct uart_model fresh(void)
{
    struct uart_model u;
    memset(&u, 0xA5, sizeof u); /* reset must not depend on what was there */
    uart_reset(&u);
    return u;
}

TEST(reset_state_reads_as_an_idle_16550)
{
    struct uart_model u = fresh();
    CHECK_EQ(uart_in(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    CHECK_EQ(uart_in(&u, UART_IIR_FCR), UART_IIR_NONE);
    CHECK_EQ(uart_in(&u, UART_IER), 0);
    CHECK_EQ(uart_in(&u, UART_LCR), 0);
    CHECK_EQ(uart_in(&u, UART_MCR), 0);
    CHECK_EQ(uart_in(&u, UART_MSR), 0xB0); /* CTS, DSR, DCD: a connected cable, no deltas */
    CHECK_EQ(uart_in(&u, UART_RBR_THR), 0);
}

TEST(thr_write_transmits_the_byte_and_stays_ready)
{
    struct uart_model u = fresh();
    for (int c = 0; c < 256; c++) {
        CHECK_EQ(uart_out(&u, UART_RBR_THR, (uint8_t)c), c);
        CHECK_EQ(uart_in(&u, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT), UART_LSR_THRE | UART_LSR_TEMT);
    }
}

TEST(other_registers_transmit_nothing)
{
    struct uart_model u = fresh();
    for (unsigned r = 1; r < UART_REGS; r++)
        CHECK_EQ(uart_out(&u, r, 'x'), -1);
    CHECK_EQ(uart_out(&u, UART_LCR, 0x03), -1);
}

TEST(divisor_latch_behind_dlab)
{
    struct uart_model u = fresh();
    uart_out(&u, UART_IER, 0x05);
    uart_out(&u, UART_LCR, UART_LCR_DLAB | 0x03);
    CHECK_EQ(uart_out(&u, UART_DLL, 0x01), -1); /* 115200 baud: not a byte on the line */
    uart_out(&u, UART_DLM, 0x00);
    CHECK_EQ(uart_in(&u, UART_DLL), 0x01);
    CHECK_EQ(uart_in(&u, UART_DLM), 0x00);
    uart_out(&u, UART_LCR, 0x03);
    CHECK_EQ(uart_in(&u, UART_LCR), 0x03);
    CHECK_EQ(uart_in(&u, UART_IER), 0x05); /* IER untouched by the divisor write */
    CHECK_EQ(uart_out(&u, UART_RBR_THR, 'A'), 'A');
}

TEST(scratch_and_ier_read_back_as_8250_autoconfig_expects)
{
    struct uart_model u = fresh();
    uart_out(&u, UART_SCR, 0x55);
    CHECK_EQ(uart_in(&u, UART_SCR), 0x55);
    uart_out(&u, UART_SCR, 0xAA);
    CHECK_EQ(uart_in(&u, UART_SCR), 0xAA);
    uart_out(&u, UART_IER, 0);
    CHECK_EQ(uart_in(&u, UART_IER) & 0x0F, 0);
    uart_out(&u, UART_IER, 0xFF);
    CHECK_EQ(uart_in(&u, UART_IER), 0x0F); /* bits 7-4 are 0 on a 16550 */
    uart_out(&u, UART_MCR, 0xFF);
    CHECK_EQ(uart_in(&u, UART_MCR), 0x1F);
}

TEST(fifo_enable_shows_in_iir_as_16550a)
{
    struct uart_model u = fresh();
    uart_out(&u, UART_IIR_FCR, UART_FCR_ENABLE);
    CHECK_EQ(uart_in(&u, UART_IIR_FCR) >> 6, 3); /* Linux: "16550A" */
    uart_out(&u, UART_IIR_FCR, 0);
    CHECK_EQ(uart_in(&u, UART_IIR_FCR) >> 6, 0);
}

TEST(loopback_test_of_8250_autoconfig)
{
    struct uart_model u = fresh();
    uart_out(&u, UART_MCR, UART_MCR_LOOP | 0x0A); /* RTS, OUT2 */
    CHECK_EQ(uart_in(&u, UART_MSR) & 0xF0, 0x90); /* CTS, DCD */
    uart_out(&u, UART_MCR, UART_MCR_LOOP | 0x05); /* DTR, OUT1 */
    CHECK_EQ(uart_in(&u, UART_MSR) & 0xF0, 0x60); /* DSR, RI */
}

TEST(msr_deltas_set_by_changes_and_cleared_by_reading)
{
    struct uart_model u = fresh();
    uart_out(&u, UART_MCR, UART_MCR_LOOP); /* all lines drop: CTS, DSR, DCD changed */
    CHECK_EQ(uart_in(&u, UART_MSR), 0x0B);
    CHECK_EQ(uart_in(&u, UART_MSR), 0x00);
    uart_out(&u, UART_MCR, UART_MCR_LOOP | 0x04); /* RI rises: no delta (trailing edge only) */
    CHECK_EQ(uart_in(&u, UART_MSR), 0x40);
    uart_out(&u, UART_MCR, UART_MCR_LOOP); /* RI falls */
    CHECK_EQ(uart_in(&u, UART_MSR), 0x04);
}

TEST(loopback_bytes_arrive_in_rbr)
{
    struct uart_model u = fresh();
    uart_out(&u, UART_IIR_FCR, UART_FCR_ENABLE);
    uart_out(&u, UART_MCR, UART_MCR_LOOP);
    CHECK_EQ(uart_out(&u, UART_RBR_THR, 'h'), -1); /* not on the line */
    CHECK_EQ(uart_out(&u, UART_RBR_THR, 'i'), -1);
    CHECK_EQ(uart_in(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
    CHECK_EQ(uart_in(&u, UART_RBR_THR), 'h');
    CHECK_EQ(uart_in(&u, UART_RBR_THR), 'i');
    CHECK_EQ(uart_in(&u, UART_LSR) & UART_LSR_DR, 0);
    uart_out(&u, UART_MCR, 0);
    CHECK_EQ(uart_out(&u, UART_RBR_THR, 'o'), 'o'); /* out of loopback: on the line again */
}

TEST(fifo_overrun_keeps_sixteen_and_sets_oe_once)
{
    struct uart_model u = fresh();
    uart_out(&u, UART_IIR_FCR, UART_FCR_ENABLE);
    uart_out(&u, UART_MCR, UART_MCR_LOOP);
    for (int i = 0; i < UART_FIFO_BYTES + 3; i++)
        uart_out(&u, UART_RBR_THR, (uint8_t)('a' + i));
    CHECK_EQ(uart_in(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_OE | UART_LSR_DR);
    CHECK_EQ(uart_in(&u, UART_LSR) & UART_LSR_OE, 0); /* cleared by the read */
    for (int i = 0; i < UART_FIFO_BYTES; i++)
        CHECK_EQ(uart_in(&u, UART_RBR_THR), 'a' + i);
    CHECK_EQ(uart_in(&u, UART_LSR) & UART_LSR_DR, 0);
}

TEST(without_fifo_a_new_byte_overwrites_the_holding_register)
{
    struct uart_model u = fresh();
    uart_out(&u, UART_MCR, UART_MCR_LOOP);
    uart_out(&u, UART_RBR_THR, '1');
    uart_out(&u, UART_RBR_THR, '2');
    CHECK_EQ(uart_in(&u, UART_LSR) & UART_LSR_OE, UART_LSR_OE);
    CHECK_EQ(uart_in(&u, UART_RBR_THR), '2');
    CHECK_EQ(uart_in(&u, UART_LSR) & UART_LSR_DR, 0);
}

TEST(fcr_clears_the_receive_fifo)
{
    struct uart_model u = fresh();
    uart_out(&u, UART_IIR_FCR, UART_FCR_ENABLE);
    uart_out(&u, UART_MCR, UART_MCR_LOOP);
    uart_out(&u, UART_RBR_THR, 'x');
    uart_out(&u, UART_IIR_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
    CHECK_EQ(uart_in(&u, UART_LSR) & UART_LSR_DR, 0);
}

TEST(thre_condition_raised_by_enable_and_by_each_write)
{
    struct uart_model u = fresh();
    uart_out(&u, UART_IER, 0x02);
    CHECK_EQ(uart_in(&u, UART_IIR_FCR), 0x02);
    CHECK_EQ(uart_in(&u, UART_IIR_FCR), UART_IIR_NONE); /* reading IIR cleared it */
    uart_out(&u, UART_RBR_THR, 'z');
    CHECK_EQ(uart_in(&u, UART_IIR_FCR), 0x02);
    uart_out(&u, UART_IER, 0x02); /* already enabled: no new condition */
    CHECK_EQ(uart_in(&u, UART_IIR_FCR), UART_IIR_NONE);
}

TEST(iir_priorities_rls_then_rda_then_thre_then_modem)
{
    struct uart_model u = fresh();
    uart_out(&u, UART_MCR, UART_MCR_LOOP);
    uart_out(&u, UART_RBR_THR, '1');
    uart_out(&u, UART_RBR_THR, '2'); /* overrun, data ready, THRE, modem deltas all pending */
    uart_out(&u, UART_IER, 0x0F);
    CHECK_EQ(uart_in(&u, UART_IIR_FCR), 0x06);
    uart_in(&u, UART_LSR);
    CHECK_EQ(uart_in(&u, UART_IIR_FCR), 0x04);
    uart_in(&u, UART_RBR_THR);
    CHECK_EQ(uart_in(&u, UART_IIR_FCR), 0x02);
    CHECK_EQ(uart_in(&u, UART_IIR_FCR), 0x00); /* modem status */
    uart_in(&u, UART_MSR);
    CHECK_EQ(uart_in(&u, UART_IIR_FCR), UART_IIR_NONE);
}

TEST(writes_to_lsr_and_msr_change_nothing)
{
    struct uart_model u = fresh();
    uart_out(&u, UART_LSR, 0xFF);
    uart_out(&u, UART_MSR, 0xFF);
    CHECK_EQ(uart_in(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    CHECK_EQ(uart_in(&u, UART_MSR), 0xB0);
}

TEST(history_keeps_what_was_sent_in_order)
{
    static struct console_history h;
    memset(&h, 0, sizeof h);
    char out[64];
    CHECK_EQ(console_history_copy(&h, out, sizeof out), 0);
    for (const char *s = "hello\r\n"; *s; s++)
        console_history_put(&h, *s);
    CHECK_EQ(console_history_copy(&h, out, sizeof out), 7);
    CHECK(memcmp(out, "hello\r\n", 7) == 0);
    CHECK_EQ(console_history_copy(&h, out, 3), 3); /* the newest three */
    CHECK(memcmp(out, "o\r\n", 3) == 0);
    CHECK_EQ(console_history_copy(&h, out, sizeof out), 7); /* reading consumed nothing */
}

TEST(history_wraps_keeping_the_newest_bytes)
{
    static struct console_history h;
    static char out[CONSOLE_HISTORY_BYTES + 16];
    memset(&h, 0, sizeof h);
    for (uint32_t i = 0; i < 3 * CONSOLE_HISTORY_BYTES + 5; i++)
        console_history_put(&h, (char)(i % 251));
    CHECK_EQ(console_history_copy(&h, out, sizeof out), CONSOLE_HISTORY_BYTES);
    uint32_t first = 2 * CONSOLE_HISTORY_BYTES + 5;
    for (uint32_t i = 0; i < CONSOLE_HISTORY_BYTES; i++)
        if (out[i] != (char)((first + i) % 251)) {
            CHECK_EQ(i, UINT32_MAX);
            break;
        }
}
