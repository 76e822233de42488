/* Exception entry stubs for probe_exceptions.c: unlike
 * the kernel's generic entry (conf_try), they record the frame the CPU
 * pushed (EIP, CS, EFLAGS, error code) and DR6, which is what these
 * probes compare: RF in the pushed EFLAGS, where a trap points. Installed
 * with idt_set_gate only around a probe.
 *
 * struct exc_seen (probe_exceptions.c): vector, error, eip, cs, eflags,
 * dr6, count. A non-zero exc_resume makes the handler return there (to
 * flat ring-0 code, selector 0x08) instead of to the pushed EIP; TF is
 * cleared in the returned EFLAGS either way, so a single-step trap is
 * taken once. */

#define EFLAGS_TF (1 << 8)

    .text
    .code32
    .globl exc_catch_db, exc_catch_ud, exc_catch_gp

exc_catch_db:
    pushl $0
    pushl $1
    jmp catch_common

exc_catch_ud:
    pushl $0
    pushl $6
    jmp catch_common

exc_catch_gp:           /* the CPU pushed an error code */
    pushl $13
    jmp catch_common

/* Stack: vector, error, EIP, CS, EFLAGS (then SS:ESP if from ring 3). */
catch_common:
    pushl %eax
    movl 4(%esp), %eax
    movl %eax, exc_seen + 0
    movl 8(%esp), %eax
    movl %eax, exc_seen + 4
    movl 12(%esp), %eax
    movl %eax, exc_seen + 8
    movl 16(%esp), %eax
    movl %eax, exc_seen + 12
    movl 20(%esp), %eax
    movl %eax, exc_seen + 16
    movl %dr6, %eax
    movl %eax, exc_seen + 20
    incl exc_seen + 24
    movl exc_resume, %eax
    testl %eax, %eax
    jz 1f
    movl %eax, 12(%esp)
    movl $0x08, 16(%esp)
    movl $0, exc_resume
1:  andl $~EFLAGS_TF, 20(%esp)
    popl %eax
    addl $8, %esp
    iret

    .bss
    .balign 4
    .globl exc_seen, exc_resume
exc_seen:
    .space 28
exc_resume:
    .long 0
