/* The IOAPIC's indirect registers (82093AA data sheet, 3.0): IOREGSEL at
 * offset 0x00 selects, IOWIN at 0x10 reads or writes. The chip is shared
 * by all partitions, so every select-and-access pair, and every
 * read-check-write of a redirection entry, is done under one lock: any
 * code that touches the chip goes through these functions. */
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
/* One register, read or written under the lock. */
uint32_t ioapic_read(uint32_t index);
void ioapic_write(uint32_t index, uint32_t value);

/* Decides whether redirection entry `entry` (low dword in bits 31:0,
 * high in 63:32) may be written to `pin`: NULL, or the reason. It runs
 * with the lock held: it must not call the functions above; read_entry
 * gives the current entry of any pin. */
typedef const char *(*ioapic_entry_check_fn)(void *ctx, uint32_t pin, uint64_t entry,
                                             uint64_t (*read_entry)(uint32_t pin));

/* Writes one dword of a redirection entry (index = IOAPIC_REG_REDTBL +
 * 2 * pin, + 1 for the high half) as one step: under the lock, the entry
 * the write would leave (the new half with the chip's other half) goes to
 * check, and is written only if check returns NULL. Returns check's
 * answer. */
const char *ioapic_write_entry_checked(uint32_t index, uint32_t value, ioapic_entry_check_fn check, void *ctx);

#endif
