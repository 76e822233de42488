/* The fieldbus frame; see fieldbus_frame.h. */
#include "partitions/rtos/app/fieldbus_frame.h"

static void put_be(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = bytes; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
}

uint16_t fieldbus_frame_init(uint8_t frame[FIELDBUS_FRAME_LEN], const uint8_t mac[6])
{
    for (unsigned i = 0; i < FIELDBUS_FRAME_LEN; i++)
        frame[i] = i < 6 ? 0xFF : 0; /* broadcast destination, zero padding */
    for (unsigned i = 0; i < 6; i++)
        frame[6 + i] = mac[i];
    put_be(frame + 12, FIELDBUS_ETHERTYPE, 2);
    put_be(frame + FIELDBUS_OFF_MAGIC, FIELDBUS_MAGIC, 4);
    return FIELDBUS_FRAME_LEN;
}

void fieldbus_frame_stamp(uint8_t frame[FIELDBUS_FRAME_LEN], uint32_t seq, uint64_t tsc)
{
    put_be(frame + FIELDBUS_OFF_SEQ, seq, 4);
    put_be(frame + FIELDBUS_OFF_TSC, tsc, 8);
}
