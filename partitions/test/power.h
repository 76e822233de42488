/* Power-off actions (exit=...). */
#ifndef TESTPART_POWER_H
#define TESTPART_POWER_H

#include "partitions/test/options.h"

/* Performs the action; if it returns (nothing listening), says so and
 * halts. EXIT_NONE halts at once. */
__attribute__((noreturn)) void power_off(const struct options *o);

#endif
