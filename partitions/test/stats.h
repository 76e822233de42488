/* The "stats" option: this CPU's VM-exit counts from the hypervisor. */
#ifndef TESTPART_STATS_H
#define TESTPART_STATS_H

void stats_print(void);

#endif
