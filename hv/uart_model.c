/* See uart_model.h. Register behaviour: PC16550D datasheet, section 8
 * ("Registers") and Table IV (interrupt priorities). */
#include "hv/uart_model.h"

#define IER_RDA 0x01  /* received data available */
#define IER_THRE 0x02 /* transmit holding register empty */
#define IER_RLS 0x04  /* receiver line status */
#define IER_MS 0x08   /* modem status */
#define IER_MASK 0x0F
#define MCR_MASK 0x1F /* bits 7-5 are always 0 */
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
#define MSR_TERI 0x04 /* RI went from on to off */
#define FCR_KEPT 0xC9 /* enable, DMA mode select, receiver trigger */
#define IIR_RLS 0x06
#define IIR_RDA 0x04
#define IIR_THRE 0x02
#define IIR_MS 0x00

void uart_reset(struct uart_model *u) { *u = (struct uart_model){0}; }

static bool fifo_mode(const struct uart_model *u) { return u->fcr & UART_FCR_ENABLE; }

/* The modem inputs: a connected cable outside loopback; in loopback the
 * outputs wired back (datasheet 8.6: RTS->CTS, DTR->DSR, OUT1->RI,
 * OUT2->DCD). */
static uint8_t modem_lines(const struct uart_model *u)
{
    if (!(u->mcr & UART_MCR_LOOP))
        return MSR_CTS | MSR_DSR | MSR_DCD;
    return (uint8_t)((u->mcr & MCR_RTS ? MSR_CTS : 0) | (u->mcr & MCR_DTR ? MSR_DSR : 0) |
                     (u->mcr & MCR_OUT1 ? MSR_RI : 0) | (u->mcr & MCR_OUT2 ? MSR_DCD : 0));
}

static void rx_push(struct uart_model *u, uint8_t byte)
{
    uint8_t cap = fifo_mode(u) ? UART_FIFO_BYTES : 1;
    if (u->rx_count == cap) {
        u->lsr_errors |= UART_LSR_OE;
        if (fifo_mode(u))
            return; /* a full FIFO keeps its bytes; the new one is lost */
        u->rx_count = 0; /* 16450 mode: the new byte overwrites the holding register */
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_BYTES] = byte;
    u->rx_count++;
}

static uint8_t rx_pop(struct uart_model *u)
{
    if (!u->rx_count)
        return 0;
    uint8_t b = u->rx[u->rx_head];
    u->rx_head = (uint8_t)((u->rx_head + 1) % UART_FIFO_BYTES);
    u->rx_count--;
    return b;
}

/* The highest-priority pending condition among the enabled ones, as IIR
 * bits 3-0 (Table IV); UART_IIR_NONE when none. */
static uint8_t pending(const struct uart_model *u)
{
    if ((u->ier & IER_RLS) && u->lsr_errors)
        return IIR_RLS;
    if ((u->ier & IER_RDA) && u->rx_count)
        return IIR_RDA;
    if ((u->ier & IER_THRE) && u->thre_pending)
        return IIR_THRE;
    if ((u->ier & IER_MS) && u->msr_deltas)
        return IIR_MS;
    return UART_IIR_NONE;
}

static uint8_t read_iir(struct uart_model *u)
{
    uint8_t id = pending(u);
    if (id == IIR_THRE)
        u->thre_pending = false; /* reading IIR with THRE as the source clears it */
    return (uint8_t)(id | (fifo_mode(u) ? UART_IIR_FIFOS : 0));
}

static uint8_t read_lsr(struct uart_model *u)
{
    uint8_t v = (uint8_t)(UART_LSR_THRE | UART_LSR_TEMT | u->lsr_errors | (u->rx_count ? UART_LSR_DR : 0));
    u->lsr_errors = 0;
    return v;
}

static uint8_t read_msr(struct uart_model *u)
{
    uint8_t v = (uint8_t)(modem_lines(u) | u->msr_deltas);
    u->msr_deltas = 0;
    return v;
}

uint8_t uart_in(struct uart_model *u, unsigned reg)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (reg) {
    case UART_RBR_THR:
        return dlab ? u->dll : rx_pop(u);
    case UART_IER:
        return dlab ? u->dlm : u->ier;
    case UART_IIR_FCR:
        return read_iir(u);
    case UART_LCR:
        return u->lcr;
    case UART_MCR:
        return u->mcr;
    case UART_LSR:
        return read_lsr(u);
    case UART_MSR:
        return read_msr(u);
    case UART_SCR:
        return u->scr;
    default:
        return 0xFF;
    }
}

/* MCR: a change of the modem lines it loops back sets MSR's delta bits
 * (bits 3-0: CTS, DSR changed; RI fell; DCD changed). */
static void write_mcr(struct uart_model *u, uint8_t value)
{
    uint8_t before = modem_lines(u);
    u->mcr = value & MCR_MASK;
    uint8_t after = modem_lines(u), changed = before ^ after;
    u->msr_deltas |= (uint8_t)(((changed & (MSR_CTS | MSR_DSR | MSR_DCD)) >> 4) |
                               ((before & MSR_RI) && !(after & MSR_RI) ? MSR_TERI : 0));
}

static void write_fcr(struct uart_model *u, uint8_t value)
{
    if ((value ^ u->fcr) & UART_FCR_ENABLE)
        u->rx_count = 0; /* switching FIFO mode clears the FIFOs */
    if (value & UART_FCR_CLEAR_RX)
        u->rx_count = 0;
    u->fcr = value & FCR_KEPT;
}

static int write_thr(struct uart_model *u, uint8_t value)
{
    /* The byte leaves at once: THR is empty again, and that is a new
     * THRE condition. */
    u->thre_pending = true;
    if (u->mcr & UART_MCR_LOOP) {
        rx_push(u, value);
        return -1;
    }
    return value;
}

int uart_out(struct uart_model *u, unsigned reg, uint8_t value)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (reg) {
    case UART_RBR_THR:
        if (dlab)
            u->dll = value;
        else
            return write_thr(u, value);
        break;
    case UART_IER:
        if (dlab) {
            u->dlm = value;
        } else {
            /* Enabling the THRE interrupt with THR empty raises it. */
            if ((value & IER_THRE) && !(u->ier & IER_THRE))
                u->thre_pending = true;
            u->ier = value & IER_MASK;
        }
        break;
    case UART_IIR_FCR:
        write_fcr(u, value);
        break;
    case UART_LCR:
        u->lcr = value;
        break;
    case UART_MCR:
        write_mcr(u, value);
        break;
    case UART_SCR:
        u->scr = value;
        break;
    default: /* LSR and MSR: writes do nothing (factory test only) */
        break;
    }
    return -1;
}
