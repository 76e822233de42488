/* Protected mode -> real mode -> protected mode (SDM Vol. 3A 9.9.2 and
 * 9.9.1), for probe_realmode.c. realmode_roundtrip (32-bit, in place)
 * loads a GDT with 16-bit segments and jumps to the snippet below (copied
 * to REALMODE_BASE): 16-bit protected mode, segment limits of 64 KiB,
 * CR0.PE = 0, far jump to real mode; there it runs BIOS-free code (an
 * INT through its own IVT, a segmented store, CR0 read), then sets
 * CR0.PE and far-jumps back to 32-bit code here. GDTR and IDTR are
 * restored by the caller-visible wrapper; interrupts stay off. */
#include "partitions/conform/realmode.h"

#define SEL_CODE32 0x08
#define SEL_DATA32 0x10
#define SEL_CODE16 0x18
#define SEL_DATA16 0x20
#define AT(label) (REALMODE_BASE + ((label) - realmode_blob_start))

    .section .rodata
    .globl realmode_blob_start, realmode_blob_end
    .balign 16
    .code16
realmode_blob_start:
    /* 16-bit protected mode, CS = SEL_CODE16 (base 0). */
    movw $SEL_DATA16, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl %cr0, %eax
    andl $~1, %eax              /* CR0.PE = 0 (paging is already off) */
    movl %eax, %cr0
    ljmp $0, $AT(real_entry)

real_entry:
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw $REALMODE_STACK, %sp
    lidt AT(real_idtr)
    movl %cr0, %eax
    movl %eax, REALMODE_RESULTS + 4
    /* Software interrupt through our IVT: the handler adds 0x1111. */
    movw $0x1234, %ax
    int $REALMODE_VECTOR
    movw %ax, REALMODE_RESULTS + 0
    /* Real-mode addressing: linear = segment * 16 + offset. */
    movw $REALMODE_SEGMENT, %bx
    movw %bx, %es
    movw $REALMODE_SEG_MARK, %es:REALMODE_SEG_OFFSET
    xorw %bx, %bx
    movw %bx, %es
    /* Back: CR0.PE = 1, far jump to flat 32-bit code (SDM 9.9.1). */
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $SEL_CODE32, $realmode_back32

real_handler:
    addw $0x1111, %ax
    movw $1, REALMODE_RESULTS + 2
    iret

    .balign 4
real_idtr:
    .word 0x3FF
    .long REALMODE_IVT
    .globl realmode_handler_offset
    .set realmode_handler_offset, AT(real_handler)
realmode_blob_end:

    .balign 8
realmode_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF    /* 0x08: flat 32-bit code */
    .quad 0x00CF92000000FFFF    /* 0x10: flat 32-bit data */
    .quad 0x00009A000000FFFF    /* 0x18: 16-bit code, base 0, 64 KiB */
    .quad 0x000092000000FFFF    /* 0x20: 16-bit data, base 0, 64 KiB */
realmode_gdtr:
    .word 39
    .long realmode_gdt

    .text
    .code32
    .globl realmode_roundtrip
/* void realmode_roundtrip(void): interrupts must be off. */
realmode_roundtrip:
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    subl $16, %esp
    sgdt (%esp)
    sidt 8(%esp)
    movl %esp, saved_esp
    lgdt realmode_gdtr
    ljmp $SEL_CODE16, $REALMODE_BASE
realmode_back32:
    movw $SEL_DATA32, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl saved_esp, %esp
    lgdt (%esp)
    lidt 8(%esp)
    addl $16, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

    .bss
    .balign 4
saved_esp:
    .long 0
