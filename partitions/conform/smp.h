/* Shared by probe_smp.c and smp_trampoline.S. */
#ifndef CONFORM_SMP_H
#define CONFORM_SMP_H

#define SMP_TRAMPOLINE 0x8000 /* SIPI vector 0x08 */
#define SMP_MAX_APS 7
#define SMP_AP_STACK_SHIFT 12 /* 4 KiB each */

#endif
