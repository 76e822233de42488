/* The IOAPIC's indirect registers (82093AA data sheet, 3.0): IOREGSEL at
 * offset 0x00 selects, IOWIN at 0x10 reads or writes. The chip is shared
 * by all partitions, so every access pair is done under one lock. */
#ifndef ARCH_X86_IOAPIC_H
#define ARCH_X86_IOAPIC_H

#include "hv/types.h"

#define IOAPIC_MMIO_SIZE 0x1000
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_ARB 0x02
#define IOAPIC_REG_REDTBL 0x10 /* pin n: low dword 0x10 + 2n, high 0x11 + 2n */

void ioapic_set_base(uint64_t base);
uint64_t ioapic_base(void);
uint32_t ioapic_read(uint32_t index);
void ioapic_write(uint32_t index, uint32_t value);

#endif
