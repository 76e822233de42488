/* conf_try (conform.h): a recovery point like setjmp. The caller's
 * callee-saved registers and EFLAGS go on the stack with the previous
 * recovery point (so tries nest); conf_try_esp points at them while fn
 * runs. An exception in fn makes isr_dispatch (conf.c) return through
 * IRET to conf_try_landing with the vector in EAX, which unwinds to that
 * stack; a normal return gives -1. */

    .text
    .code32
    .globl conf_try, conf_try_landing

conf_try:
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    pushfl
    pushl conf_try_esp      /* the enclosing try's point, if any */
    movl %esp, conf_try_esp
    movl 28(%esp), %eax     /* fn: past 6 saved words and the return address */
    pushl 32(%esp)          /* arg */
    call *%eax
    addl $4, %esp
    movl $-1, %eax
    jmp 1f

conf_try_landing:
    /* Flat ring-0 data segments first: fn may have left others (a ring-3
     * excursion), and the stack switch reads conf_try_esp through DS. */
    movw $0x10, %cx
    movw %cx, %ds
    movw %cx, %es
    movw %cx, %fs
    movw %cx, %gs
    movw %cx, %ss
    movl conf_try_esp, %esp
1:  popl conf_try_esp
    popfl
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

    .bss
    .balign 4
    .globl conf_try_esp
conf_try_esp:
    .long 0
