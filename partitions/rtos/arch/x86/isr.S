/* Interrupt entry of the timer and spurious vectors (idt.c installs
 * them). Every other vector enters the generic entry in
 * partitions/common/isr.S, which builds a struct frame for isr_dispatch
 * (exception report, stray interrupts). */

    .text
    .code32

/* Timer interrupt, for both sources (TSC-deadline vector 0x40, HPET via
 * IOAPIC vector 0x41). Only the caller-saved registers are pushed: the C
 * calls keep EBX/ESI/EDI/EBP (i386 SysV ABI), and rtos_isr_exit may
 * switch tasks, which saves those on this task's stack; the switch back
 * returns here later and the IRET resumes the interrupted task.
 *
 * The TSC is read first, before anything but the pushes RDTSC needs, so
 * rtos_isr_entry_tsc is the closest software can get to the interrupt's
 * arrival; the optional scope hook toggles a port bit right after.
 *
 * EOI goes to the local APIC before rtos_isr_exit, which may not return
 * for a long time. The HPET interrupt is edge-triggered at the IOAPIC:
 * edge entries have no Remote IRR to clear, so the LAPIC EOI is the only
 * one needed (SDM Vol. 3A 11.8.5; 82093AA datasheet, redirection table). */
    .globl isr_timer
    .balign 16
isr_timer:
    pushl %eax
    pushl %edx
    rdtsc
    movl %eax, rtos_isr_entry_tsc
    movl %edx, rtos_isr_entry_tsc + 4
    pushl %ecx
    movzwl rtos_scope_port, %edx
    testl %edx, %edx
    jz 1f
    movb $1, %al
    outb %al, %dx
1:  cld
    call rtos_timer_isr
    movl $0x80B, %ecx       /* x2APIC EOI MSR */
    xorl %eax, %eax
    xorl %edx, %edx
    wrmsr
    call rtos_isr_exit
    popl %ecx
    popl %edx
    popl %eax
    iret

/* VMRPC interrupt (the partition's rpc_vector, option rpc_vector): a
 * doorbell for a served module or the completion of an asynchronous
 * call, both on one vector. Minimal work: EOI first (a doorbell arriving
 * meanwhile stays pending in the IRR and is taken after the IRET, so none
 * is lost), then rtos_rpc_isr wakes the tasks concerned, and
 * rtos_isr_exit switches to one if it outranks the interrupted task. Its
 * vector sits in a lower priority class than the timers' (0x30 < 0x40),
 * which matters once interrupts are open again. */
    .globl isr_rpc
    .balign 16
isr_rpc:
    pushl %eax
    pushl %ecx
    pushl %edx
    cld
    movl $0x80B, %ecx       /* x2APIC EOI MSR */
    xorl %eax, %eax
    xorl %edx, %edx
    wrmsr
    call rtos_isr_enter
    call rtos_rpc_isr
    call rtos_isr_exit
    popl %edx
    popl %ecx
    popl %eax
    iret

/* Spurious vector: no EOI (SDM Vol. 3A 11.9). */
    .globl isr_spurious
    .balign 16
isr_spurious:
    iret
