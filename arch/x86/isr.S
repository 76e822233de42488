/* Exception entry points for vectors 0-31 (Intel SDM Vol. 3A 6.15).
 * Each entry makes the frame uniform (a zero error code where the CPU pushes
 * none, then the vector), saves the general registers and calls
 * exception_dispatch(struct exception_frame *). A handler that returns
 * resumes the interrupted code (used for NMIs). */


    .text
    .code64

.macro ISR n
    .align 16
isr_\n:
    .if !(\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
    pushq $0
    .endif
    pushq $\n
    jmp isr_common
.endm

.altmacro
.macro ISR_ALL from=0, to=31
    ISR \from
    .if \to-\from
    ISR_ALL %(\from+1), \to
    .endif
.endm
ISR_ALL

isr_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    cld
    call exception_dispatch
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp  /* vector and error code */
    iretq

.macro ISR_ADDR n
    .quad isr_\n
.endm
.macro ISR_TABLE from=0, to=31
    ISR_ADDR \from
    .if \to-\from
    ISR_TABLE %(\from+1), \to
    .endif
.endm

    .section .rodata
    .align 8
    .global isr_table
isr_table:
    ISR_TABLE
