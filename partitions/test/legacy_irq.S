/* Interrupts from the legacy 8259 PIC on vectors 8-15, where the BIOS
 * left its master (IRQ 0-7) and where the CPU's own exceptions live.
 * The boot CPU gets them as soon as IF = 1 when nobody masked the PIC:
 * its INTR line reaches the CPU whatever LVT LINT0 says (seen in Bochs),
 * and its ports are not the partition's to reprogram. The generic entry
 * (partitions/common/isr.S) assumes the CPU pushed an error code on
 * vectors 8 and 10-14, which an interrupt does not: the frame would be
 * off by one word. So these entries look first: the word above the top
 * one is CS (0x08, our only code selector) for an interrupt, or the EIP
 * of the faulting instruction (never 8: the kernel runs at 1 MiB) for
 * an exception with an error code. Interrupts go on as alias vector
 * 0xD0 + vector (irq.h), exceptions to the generic entry as before. */

#define KERNEL_CS 0x08
#define ALIAS(v) (0xD0 + (v))

    .text
    .code32

    .macro legacy v
    .globl legacy_irq_\v
legacy_irq_\v:
    cmpl $KERNEL_CS, 4(%esp)
    jne 1f
    jmp *isr_table + 4 * ALIAS(\v)
1:  jmp *isr_table + 4 * \v
    .endm

    legacy 8
    legacy 10
    legacy 11
    legacy 12
    legacy 13
    legacy 14
