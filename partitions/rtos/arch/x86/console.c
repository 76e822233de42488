/* The console's line lock (partitions/common/console.h). A task that
 * prints with interrupts enabled takes a kernel mutex for the line: lines
 * from different tasks never interleave, yet interrupts stay open while
 * the UART drains the line (one character time each, 87 us at 115200
 * baud, once its 16-byte FIFO is full), so a higher-priority task, and
 * the timer, preempt a printing task as they would any other (priority
 * inheritance bounds a printer's wait behind a lower-priority line to
 * that line). Where a task cannot block (before rtos_start, in an ISR or
 * exception report, with interrupts masked, in the idle task, or a line
 * inside the same task's line) interrupts are masked for the line
 * instead, as they always were here. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/rtos/include/rtos.h"
#include "partitions/rtos/port.h"

/* Returned for a line held by the mutex: EFLAGS bit 31 is reserved (0),
 * so no saved flags value looks like it. */
#define HELD_BY_MUTEX 0x80000000u

static rtos_mutex_t line_mutex; /* all-zero: unlocked, no waiters */

uint32_t console_line_lock(void)
{
    port_irq_state_t flags = port_irq_save();
    if ((flags & EFLAGS_IF) && !rtos_in_idle()) {
        port_irq_restore(flags);
        /* RTOS_EINVAL before rtos_start or for this task's own line. */
        if (rtos_mutex_lock(&line_mutex, RTOS_FOREVER) == RTOS_OK)
            return HELD_BY_MUTEX;
        flags = port_irq_save();
    }
    return flags;
}

void console_line_unlock(uint32_t held)
{
    if (held == HELD_BY_MUTEX)
        rtos_mutex_unlock(&line_mutex);
    else
        port_irq_restore(held);
}
