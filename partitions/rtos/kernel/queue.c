/* Message queues: a ring of fixed-size messages. Readers wait only while
 * the ring is empty and writers only while it is full, so a put with a
 * reader waiting copies straight into the reader's buffer, and a get that
 * makes room takes the best waiting writer's message into the ring: a
 * woken task finds its transfer done. */
#include "kernel.h"

static uint8_t *slot(rtos_queue_t *q, uint32_t i)
{
    i += q->head;
    if (i >= q->capacity)
        i -= q->capacity;
    return q->buf + (size_t)i * q->msg_size;
}

int rtos_queue_init(rtos_queue_t *q, void *storage, uint32_t msg_size, uint32_t capacity)
{
    if (!q || !storage || !msg_size || !capacity)
        return RTOS_EINVAL;
    q->buf = storage;
    q->msg_size = msg_size;
    q->capacity = capacity;
    q->head = q->count = q->overflows = 0;
    q->readers.head = q->writers.head = NULL;
    return RTOS_OK;
}

/* ISR-safe with RTOS_NO_WAIT. */
int rtos_queue_put(rtos_queue_t *q, const void *msg, rtos_tick_t deadline)
{
    port_irq_state_t s = port_irq_save();
    struct rtos_task *reader = q->readers.head;
    int r = RTOS_OK;
    if (reader) {
        rtos_memcpy(reader->wait_msg, msg, q->msg_size);
        rk_wake(reader, RTOS_OK);
        rk_preempt();
    } else if (q->count < q->capacity) {
        rtos_memcpy(slot(q, q->count), msg, q->msg_size);
        q->count++;
    } else if (deadline == RTOS_NO_WAIT) {
        q->overflows++;
        r = RTOS_EFULL;
    } else if (rk_expired(deadline)) {
        r = RTOS_TIMEOUT;
    } else {
        rk.current->wait_msg = (void *)msg; /* only read, by the get that takes it */
        r = rk_wait(&q->writers, deadline);
    }
    port_irq_restore(s);
    return r;
}

int rtos_queue_get(rtos_queue_t *q, void *msg, rtos_tick_t deadline)
{
    port_irq_state_t s = port_irq_save();
    int r = RTOS_OK;
    if (q->count) {
        struct rtos_task *writer = q->writers.head;
        rtos_memcpy(msg, slot(q, 0), q->msg_size);
        q->head = q->head + 1 == q->capacity ? 0 : q->head + 1;
        q->count--;
        if (writer) {
            rtos_memcpy(slot(q, q->count), writer->wait_msg, q->msg_size);
            q->count++;
            rk_wake(writer, RTOS_OK);
            rk_preempt();
        }
    } else if (deadline == RTOS_NO_WAIT) {
        r = RTOS_EEMPTY;
    } else if (rk_expired(deadline)) {
        r = RTOS_TIMEOUT;
    } else {
        rk.current->wait_msg = msg;
        r = rk_wait(&q->readers, deadline);
    }
    port_irq_restore(s);
    return r;
}
