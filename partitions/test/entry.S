/* Multiboot-1 entry (Multiboot spec 0.6.96 §3.1-3.2). The loader leaves us
 * in 32-bit protected mode, paging off, EAX = 0x2BADB002, EBX = the info
 * structure, with flat segments but a GDTR we must not rely on: load our
 * own GDT before the first interrupt or segment reload needs it. */

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* bit 0: page-aligned modules, bit 1: memory info; ELF, so no a.out kludge */

    .section .multiboot, "a"
    .balign 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .text.entry, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    lgdt gdt_desc
    ljmp $0x08, $1f
1:  movw $0x10, %cx
    movw %cx, %ds
    movw %cx, %es
    movw %cx, %ss
    movw %cx, %fs
    movw %cx, %gs
    movl $stack_top, %esp

    /* Zero .bss ourselves: a loader that ignores p_memsz must not leave
     * us with stale state (EAX/EBX are kept in ESI/EBP meanwhile). */
    movl %eax, %esi
    movl %ebx, %ebp
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    pushl %ebp          /* multiboot info */
    pushl %esi          /* magic */
    call kmain
2:  cli
    hlt
    jmp 2b

    .section .rodata
    .balign 8
gdt:
    .quad 0                     /* null */
    .quad 0x00CF9A000000FFFF    /* 0x08: flat 32-bit code */
    .quad 0x00CF92000000FFFF    /* 0x10: flat 32-bit data */
gdt_end:
    .balign 4
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt

    .section .bss
    .balign 16
    .space 16384
stack_top:
