/* Multiboot-1 entry: 32-bit protected mode -> long mode -> hv_main.
 *
 * The loader (GRUB or QEMU -kernel) enters _start in 32-bit protected mode
 * with paging off, EAX = 0x2BADB002 and EBX = the multiboot info (Multiboot
 * spec 3.2). We build a temporary identity map of the first 4 GiB with
 * 2 MiB pages, enable PAE + EFER.LME + paging (Intel SDM Vol. 3A 9.8.5) and
 * jump to 64-bit code. The C code replaces these tables with the real ones. */

#include "arch/x86/asm.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* modules page aligned, memory info */

    .section .multiboot, "a"
    .align 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .text.boot, "ax"
    .code32
    .global _start
_start:
    cli
    cld
    movl %eax, boot_mb_magic
    movl %ebx, boot_mb_info

    /* Zero .bss ourselves rather than trust every loader to. */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    movl $(boot_stack + BOOT_STACK_SIZE), %esp

    /* Long mode is required; without it there is nothing we can say
     * (no console yet), so stop. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    btl $29, %edx
    jnc no_long_mode
    movl %edx, boot_ext_features_edx  /* NX support is bit 20 */

    call build_boot_page_tables

    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3

    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    btl $20, boot_ext_features_edx
    jnc 1f
    orl $EFER_NXE, %eax
1:  wrmsr

    movl %cr0, %eax
    orl $(CR0_PG | CR0_WP | CR0_PE), %eax
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $BOOT_CS64, $long_mode_entry

no_long_mode:
    hlt
    jmp no_long_mode

/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 512 x 2 MiB. */
build_boot_page_tables:
    movl $boot_pdpt, %eax
    orl $(PTE_P | PTE_W), %eax
    movl %eax, boot_pml4

    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $12, %eax
    addl $boot_pd, %eax
    orl $(PTE_P | PTE_W), %eax
    movl %eax, boot_pdpt(, %ecx, 8)
    incl %ecx
    cmpl $4, %ecx
    jb 1b

    xorl %ecx, %ecx             /* 2048 entries cover 4 GiB */
2:  movl %ecx, %eax
    shll $21, %eax
    orl $(PTE_P | PTE_W | PTE_PS), %eax
    movl %eax, boot_pd(, %ecx, 8)   /* high half stays 0 (.bss) */
    incl %ecx
    cmpl $2048, %ecx
    jb 2b
    ret

    .code64
long_mode_entry:
    movw $BOOT_DS, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $(boot_stack + BOOT_STACK_SIZE), %rsp
    xorl %ebp, %ebp
    movl boot_mb_magic(%rip), %edi
    movl boot_mb_info(%rip), %esi
    call hv_main
1:  cli
    hlt
    jmp 1b

    .section .rodata
    .align 16
boot_gdt:
    .quad 0
    .quad 0x00AF9B000000FFFF    /* 0x08: 64-bit code, accessed */
    .quad 0x00CF93000000FFFF    /* 0x10: data, accessed */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

    .data
    .align 4
    .global boot_mb_magic, boot_mb_info
boot_mb_magic: .long 0
boot_mb_info:  .long 0
boot_ext_features_edx: .long 0

    .bss
    .align 4096
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4096 * 4
    .global boot_stack
boot_stack: .skip BOOT_STACK_SIZE
