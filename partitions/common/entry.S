/* Multiboot-1 entry (Multiboot spec 0.6.96 §3.1-3.2), the same under GRUB
 * or QEMU on bare metal and under the hypervisor's loader: 32-bit
 * protected mode, paging off, EAX = 0x2BADB002, EBX = the info structure.
 * The loader's GDTR is not ours to keep (spec §3.2: "the OS image must
 * create its own GDT"), so load one before any segment reload or
 * interrupt needs it. Then kmain(magic, info), which must not return. */

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-aligned modules, memory info; ELF, so no a.out kludge */

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
    movl $boot_stack_top, %esp

    /* Zero .bss ourselves: a loader that ignores p_memsz must not leave
     * stale state (EAX waits in ESI; REP STOSB leaves EBX alone). */
    movl %eax, %esi
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    xorl %ebp, %ebp     /* end of the frame chain for debuggers */
    pushl %ebx          /* multiboot info */
    pushl %esi          /* magic */
    call kmain
2:  cli
    hlt
    jmp 2b

    /* The test kernel's AP trampoline copies this GDT's GDTR and jumps
     * to selector 0x08: keep the layout. */
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

    /* The boot CPU's stack until kmain moves on (RTOS tasks and test
     * kernel APs have their own). */
    .section .bss
    .balign 16
    .space 16384
boot_stack_top:
