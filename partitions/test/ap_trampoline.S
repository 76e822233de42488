/* AP start-up code for smp.c. smp.c copies [ap_tramp_start, ap_tramp_end)
 * to SMP_TRAMPOLINE and fills in ap_tramp_gdtr from its own GDTR. A SIPI
 * with vector SMP_TRAMPOLINE >> 12 starts the AP there in real mode with
 * CS = vector << 8, IP = 0 (SDM Vol. 3A 9.4.4.1, 10.6.1): the real-mode
 * part addresses its data relative to ap_tramp_start. */
#include "partitions/test/smp.h"

    .section .rodata.ap_trampoline, "a" /* copied, never run in place */
    .code16
    .globl ap_tramp_start, ap_tramp_gdtr, ap_tramp_end
ap_tramp_start:
    cli
    cld
    movw %cs, %ax
    movw %ax, %ds
    /* 32-bit operand size, or only 24 bits of the base are loaded: the
     * kernel's GDT is above 1 MiB. */
    lgdtl ap_tramp_gdtr - ap_tramp_start
    movl %cr0, %eax
    orl $1, %eax                /* PE; paging stays off, as on the boot CPU */
    movl %eax, %cr0
    ljmpl $0x08, $ap_entry32    /* 0x08: partitions/common/entry.S: flat code */
    .balign 8
ap_tramp_gdtr:
    .word 0                     /* limit, filled by smp.c */
    .long 0                     /* base, filled by smp.c */
ap_tramp_end:

    .text
    .code32
ap_entry32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    /* Every AP that ever runs claims a stack of its own, even one that
     * comes up after the boot CPU gave up on it and moved on. */
    movl $1, %eax
    lock xaddl %eax, ap_stack_next
    cmpl $SMP_MAX_APS, %eax
    jae 1f
    incl %eax
    shll $SMP_AP_STACK_SHIFT, %eax
    addl $ap_stacks, %eax
    movl %eax, %esp
    call ap_main
1:  cli
    hlt
    jmp 1b
