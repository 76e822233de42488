/* The fieldbus master's cyclic frame (fieldbus.c): an Ethernet broadcast
 * with the IEEE 802 local experimental EtherType 0x88B5, carrying a magic,
 * the cycle's sequence number and the TSC at which the send started, both
 * big-endian, zero-padded to the 60-byte minimum frame (the NIC adds the
 * FCS). Pure (host-tested: tests/unit/test_rtos_fieldbus.c). */
#ifndef RTOS_APP_FIELDBUS_FRAME_H
#define RTOS_APP_FIELDBUS_FRAME_H

#include <stdint.h>

#define FIELDBUS_ETHERTYPE 0x88B5
#define FIELDBUS_FRAME_LEN 60 /* ETH_ZLEN: 64 on the wire with the FCS */
#define FIELDBUS_MAGIC 0x52544642u /* "RTFB" */

/* Payload offsets (after the 14-byte header). */
#define FIELDBUS_OFF_MAGIC 14
#define FIELDBUS_OFF_SEQ 18
#define FIELDBUS_OFF_TSC 22

/* Fills the constant part: broadcast destination, source mac, EtherType,
 * magic, zero padding. Returns the frame length. */
uint16_t fieldbus_frame_init(uint8_t frame[FIELDBUS_FRAME_LEN], const uint8_t mac[6]);
/* Writes one cycle's sequence number and send-start TSC. */
void fieldbus_frame_stamp(uint8_t frame[FIELDBUS_FRAME_LEN], uint32_t seq, uint64_t tsc);

#endif
