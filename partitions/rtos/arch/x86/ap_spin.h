/* ap_spin=APICID (bare metal only): keeps another CPU busy in a tight
 * loop, so that a native latency run sees the same machine load an
 * emulator's CPU scheduling adds when a neighbour partition runs. */
#ifndef RTOS_X86_AP_SPIN_H
#define RTOS_X86_AP_SPIN_H

#include <stdint.h>

/* Starts APIC id `apic_id` on a real-mode `jmp $` at 0x7000 with
 * INIT-SIPI-SIPI (SDM Vol. 3A 9.4.4.1). Needs the x2APIC and a calibrated
 * TSC (call after timer_init). */
void ap_spin_start(uint32_t apic_id);

#endif
