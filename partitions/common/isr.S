/* Generic interrupt entry, one per IDT vector (idt.c installs them all;
 * a kernel may give some vectors entry code of its own). Each pushes a
 * dummy error code where the CPU pushes none, so every frame has the same
 * shape, then its vector, and joins isr_common, which hands a struct
 * frame (idt.h) to the kernel's isr_dispatch. */

    .text
    .code32

/* Vectors for which the CPU pushes an error code (SDM Vol. 3A 6.15). */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .altmacro
    .macro vector_entry v
    .balign 8
isr_\v:
    .if !HAS_ERR(\v)
    pushl $0
    .endif
    pushl $\v
    jmp isr_common
    .endm

    .set i, 0
    .rept 256
    vector_entry %i
    .set i, i + 1
    .endr

isr_common:
    pushal
    pushl %esp          /* struct frame * (the value before this push) */
    cld
    call isr_dispatch
    addl $4, %esp
    popal
    addl $8, %esp       /* vector, error code */
    iret

    .macro table_entry v
    .long isr_\v
    .endm

    .section .rodata
    .balign 4
    .globl isr_table
isr_table:
    .set i, 0
    .rept 256
    table_entry %i
    .set i, i + 1
    .endr
