/* Fatal errors. The boot option on_fatal= (halt | poweroff | reboot)
 * says what happens once no CPU can go on; the default, halt, keeps the
 * last messages on the screen of a real board. */
#ifndef HV_PANIC_H
#define HV_PANIC_H

#include "hv/types.h"

enum fatal_action { FATAL_HALT, FATAL_POWEROFF, FATAL_REBOOT };

void panic_set_action(enum fatal_action action);

/* Prints the message, stops every other CPU (NMI) and then this one. */
NORETURN void panic(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Stops only the calling CPU (after a fault it cannot recover from); when
 * it was the last CPU running, carries out the fatal action. */
NORETURN void hv_stop_this_cpu(const char *why);

#endif
