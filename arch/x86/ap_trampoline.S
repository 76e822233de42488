/* Application-processor start-up trampoline (Intel SDM Vol. 3A 9.4.4).
 *
 * An AP leaves the SIPI in real mode at CS:IP = (vector << 8):0. smp.c
 * copies this blob to AP_TRAMPOLINE_PA (RX in the hypervisor's tables) and
 * fills the parameter page at AP_PARAMS_PA: the hypervisor CR3 (below 4
 * GiB), the CPU's stack and its 64-bit entry point. The code runs from the
 * copy, so every address is computed relative to that page. */

#include "arch/x86/asm.h"

#define T(sym) ((sym) - ap_trampoline_start + AP_TRAMPOLINE_PA)

    .section .rodata, "a"
    .global ap_trampoline_start, ap_trampoline_end
    .code16
ap_trampoline_start:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl T(tramp_gdt_ptr)
    movl %cr0, %eax
    orl $CR0_PE, %eax
    movl %eax, %cr0
    ljmpl $0x08, $T(tramp32)

    .code32
tramp32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl AP_PARAMS_PA + AP_PARAM_CR3, %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl AP_PARAMS_PA + AP_PARAM_EFER, %eax
    wrmsr
    movl %cr0, %eax
    orl $(CR0_PG | CR0_WP), %eax
    movl %eax, %cr0
    ljmpl $0x18, $T(tramp64)

    .code64
tramp64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movq AP_PARAMS_PA + AP_PARAM_STACK, %rsp
    movq AP_PARAMS_PA + AP_PARAM_ENTRY, %rax
    xorl %ebp, %ebp
    jmp *%rax

    /* Accessed bits preset: the CPU would otherwise write them into this
     * page, which is read-only once paging is on. */
    .align 8
tramp_gdt:
    .quad 0
    .quad 0x00CF9B000000FFFF    /* 0x08: 32-bit code */
    .quad 0x00CF93000000FFFF    /* 0x10: data */
    .quad 0x00AF9B000000FFFF    /* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_ptr:
    .word tramp_gdt_end - tramp_gdt - 1
    .long T(tramp_gdt)
ap_trampoline_end:
