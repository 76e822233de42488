/* HLT with interrupts disabled (RFLAGS.IF = 0): the CPU then wakes only
 * for an NMI, INIT or SMI (SDM Vol. 2A, HLT). In a
 * one-CPU partition nothing will send one: the partition is dead. A
 * multi-CPU OS parks CPUs so while others run (Linux's stop_this_cpu
 * before power-off or reboot, an offlined CPU's play_dead), and a
 * sibling may wake them with INIT or NMI: the partition is dead only
 * when none of its CPUs runs any more. */
#ifndef VMX_HALT_IRQS_OFF_H
#define VMX_HALT_IRQS_OFF_H

#include "hv/types.h"
#include "vmx/vcpu.h"

/* Called by v's HLT exit with IF = 0: records that v halted so, and
 * returns true when every other CPU of its partition is halted so too
 * (with no exit since) or waits for its INIT-SIPI. Two CPUs halting at
 * once: at least one of them sees the other (each records, then looks). */
bool halt_irqs_off_ends_partition(struct vcpu *v);

#endif
