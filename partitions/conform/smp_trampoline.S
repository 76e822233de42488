/* The AP start-up code (probe_smp.c): copied to SMP_TRAMPOLINE (below
 * 1 MiB, 4 KiB aligned), where a SIPI with vector SMP_TRAMPOLINE >> 12
 * starts each AP in real mode at CS:IP = vector << 8 : 0 (SDM Vol. 3A
 * 9.4.4). It records CR0 and CS as the AP found them, loads its own
 * flat GDT, enters protected mode (SDM Vol. 3A 9.9.1) and jumps to
 * smp_ap_entry32, which takes a stack and calls smp_ap_main(index). */
#include "partitions/conform/smp.h"

    .section .rodata
    .globl smp_tramp_start, smp_tramp_end
    .balign 16
    .code16
smp_tramp_start:
    cli
    movw %cs, %bx
    movw %bx, %ds
    movl %cr0, %eax
    movl %eax, (tramp_cr0 - smp_tramp_start)
    movw %bx, (tramp_cs - smp_tramp_start)
    lgdtl (tramp_gdtr - smp_tramp_start)
    orl $1, %eax            /* CR0.PE */
    movl %eax, %cr0
    ljmpl $0x08, $smp_ap_entry32

    .balign 8
tramp_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF    /* 0x08: flat 32-bit code */
    .quad 0x00CF92000000FFFF    /* 0x10: flat 32-bit data */
tramp_gdtr:
    .word 23
    .long SMP_TRAMPOLINE + (tramp_gdt - smp_tramp_start)
    .balign 4
    .globl smp_tramp_cr0_offset, smp_tramp_cs_offset
tramp_cr0:
    .long 0
tramp_cs:
    .word 0
smp_tramp_end:

    .set smp_tramp_cr0_offset, tramp_cr0 - smp_tramp_start
    .set smp_tramp_cs_offset, tramp_cs - smp_tramp_start

    .text
    .code32
smp_ap_entry32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl $1, %eax
    lock xaddl %eax, smp_ap_next    /* this AP's index */
    cmpl $SMP_MAX_APS, %eax
    jae 2f                          /* no stack left for it: park */
    leal 1(%eax), %ecx
    shll $SMP_AP_STACK_SHIFT, %ecx
    addl $smp_ap_stacks, %ecx
    movl %ecx, %esp
    xorl %ebp, %ebp
    pushl %eax
    call smp_ap_main
2:  cli
    hlt
    jmp 2b

    .bss
    .balign 16
    .globl smp_ap_next
smp_ap_next:
    .long 0
    .balign 16
smp_ap_stacks:
    .space SMP_MAX_APS << SMP_AP_STACK_SHIFT
