/* Task context switch for the i386 port (partitions/rtos/port.h).
 *
 * A suspended task's stack holds, from its saved ESP upward: EDI, ESI,
 * EBX, EBP (the registers the i386 SysV ABI makes callee-saved), then the
 * return address into whoever called port_context_switch. Everything else
 * was either saved by that caller (C code) or by the interrupt entry whose frame
 * lies further up (a task preempted in an interrupt: isr.S). EFLAGS is not
 * switched: the kernel switches with interrupts masked, and each side
 * restores its own saved flags (or IRETs) when it resumes. */

    .text
    .code32

/* void port_context_switch(port_context_t *from, port_context_t *to) */
    .globl port_context_switch
port_context_switch:
    movl 4(%esp), %eax      /* from */
    movl 8(%esp), %edx      /* to */
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)       /* from->sp (port_context_t's first member) */
    movl (%edx), %esp       /* to->sp */
resume:
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

/* void port_start_first(port_context_t *to): the boot stack is left for
 * good. */
    .globl port_start_first
port_start_first:
    movl 4(%esp), %eax
    movl (%eax), %esp
    jmp resume

/* First return of a new context (port_context_init): EBX = entry, ESI =
 * arg. Tasks run with interrupts enabled; the switch that got here had
 * them masked. Entry must not return: if it does, #UD is reported. */
    .globl port_task_start
port_task_start:
    pushl %esi
    sti
    call *%ebx
    ud2
