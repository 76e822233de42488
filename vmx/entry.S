/* Guest entry and VM-exit entry (Intel SDM Vol. 3C 27 and 28).
 *
 * HOST_RSP points at a slot holding the struct vcpu pointer; on an exit
 * the CPU loads RIP = vmx_exit_entry and RSP = HOST_RSP. We save the guest
 * registers into vcpu->regs, call vmx_handle_exit(vcpu) and resume. */

/* Offsets of struct guest_regs (SDM order, 8 bytes each). */
#define R_RAX 0
#define R_RCX 8
#define R_RDX 16
#define R_RBX 24
#define R_RBP 40
#define R_RSI 48
#define R_RDI 56
#define R_R8 64
#define R_R9 72
#define R_R10 80
#define R_R11 88
#define R_R12 96
#define R_R13 104
#define R_R14 112
#define R_R15 120
#define V_LAUNCH_RSP 128 /* struct vcpu.launch_rsp */

/* arch/x86/spec_policy.h */
#define MSR_SPEC_CTRL 0x48
#define SPEC_SWITCH_SPEC_CTRL 0x01
#define SPEC_VERW 0x02
#define PERCPU_ENTRY_WORK 20 /* hv/percpu.h: nonzero when mitigations are due */
#define ENTRY_WORK_L1D_FLUSH 0x2 /* arch/x86/speculation.h */
/* The guest's SPEC_CTRL while the CPU is in root mode: the free slot
 * above the vcpu pointer at HOST_RSP (vmx/vmcs_setup.c), one per vCPU. */
#define GUEST_SPEC_CTRL_SLOT 8

    .text
    .code64

/* Loads every guest register but RAX from (%rax), then RAX itself. */
.macro LOAD_GUEST_REGS
    movq R_RCX(%rax), %rcx
    movq R_RDX(%rax), %rdx
    movq R_RBX(%rax), %rbx
    movq R_RBP(%rax), %rbp
    movq R_RSI(%rax), %rsi
    movq R_RDI(%rax), %rdi
    movq R_R8(%rax), %r8
    movq R_R9(%rax), %r9
    movq R_R10(%rax), %r10
    movq R_R11(%rax), %r11
    movq R_R12(%rax), %r12
    movq R_R13(%rax), %r13
    movq R_R14(%rax), %r14
    movq R_R15(%rax), %r15
    movq R_RAX(%rax), %rax
.endm

    .global vmx_exit_entry
vmx_exit_entry:
    pushq %rax
    movq 8(%rsp), %rax          /* the vcpu pointer at HOST_RSP */
    movq %rcx, R_RCX(%rax)
    movq %rdx, R_RDX(%rax)
    movq %rbx, R_RBX(%rax)
    movq %rbp, R_RBP(%rax)
    movq %rsi, R_RSI(%rax)
    movq %rdi, R_RDI(%rax)
    movq %r8, R_R8(%rax)
    movq %r9, R_R9(%rax)
    movq %r10, R_R10(%rax)
    movq %r11, R_R11(%rax)
    movq %r12, R_R12(%rax)
    movq %r13, R_R13(%rax)
    movq %r14, R_R14(%rax)
    movq %r15, R_R15(%rax)
    popq %rcx
    movq %rcx, R_RAX(%rax)
    movq %rax, %rdi
    xorl %ebp, %ebp
    /* The host's SPEC_CTRL (IBRS) before any indirect branch or return
     * the guest could have trained (arch/x86/spec_policy.c). */
    testb $SPEC_SWITCH_SPEC_CTRL, spec_entry_flags(%rip)
    jz 1f
    movl $MSR_SPEC_CTRL, %ecx
    rdmsr
    movl %eax, GUEST_SPEC_CTRL_SLOT(%rsp)
    movl %edx, GUEST_SPEC_CTRL_SLOT+4(%rsp)
    movl spec_host_spec_ctrl(%rip), %eax
    movl spec_host_spec_ctrl+4(%rip), %edx
    wrmsr
1:  call vmx_handle_exit        /* returns when the guest may go on */
    cmpl $0, %gs:PERCPU_ENTRY_WORK
    jne 3f
2:  movq (%rsp), %rax
    LOAD_GUEST_REGS
    vmresume
    /* Only reached when VMRESUME fails. */
    movq (%rsp), %rdi
    call vmx_entry_failed       /* does not return */
4:  hlt
    jmp 4b
3:  call spec_before_entry
    jmp 2b

/* void vmx_launch(struct vcpu *v, uint64_t host_rsp): switch to the exit
 * stack (whose top slot already holds v) and VMLAUNCH. Returns only on
 * failure (then the caller reads the VM-instruction error). */
    .global vmx_launch
vmx_launch:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, V_LAUNCH_RSP(%rdi)
    movq %rsi, %rsp
    movq $0, GUEST_SPEC_CTRL_SLOT(%rsp) /* a guest starts with SPEC_CTRL 0 */
    movq %rdi, %rbx             /* callee-saved; LOAD_GUEST_REGS sets it again */
    call spec_before_entry
    movq %rbx, %rax
    LOAD_GUEST_REGS
    vmlaunch
    movq (%rsp), %rax           /* failed: back to the caller's stack */
    movq V_LAUNCH_RSP(%rax), %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret


/* Entry-side mitigations (arch/x86/spec_policy.c), with RSP at HOST_RSP
 * when called: the L1D flush after an exit that touched foreign data, the
 * guest's SPEC_CTRL back, then VERW as the last memory access before the
 * guest registers are loaded (clears the CPU buffers: MDS, TAA). */
spec_before_entry:
    testl $ENTRY_WORK_L1D_FLUSH, %gs:PERCPU_ENTRY_WORK
    jz 1f
    subq $8, %rsp               /* the C ABI's 16-byte alignment */
    call spec_l1d_flush
    addq $8, %rsp
1:  testb $SPEC_SWITCH_SPEC_CTRL, spec_entry_flags(%rip)
    jz 2f
    movl GUEST_SPEC_CTRL_SLOT+8(%rsp), %eax
    movl GUEST_SPEC_CTRL_SLOT+12(%rsp), %edx
    cmpl spec_host_spec_ctrl(%rip), %eax
    jne 3f
    cmpl spec_host_spec_ctrl+4(%rip), %edx
    je 2f
3:  movl $MSR_SPEC_CTRL, %ecx
    wrmsr
2:  testb $SPEC_VERW, spec_entry_flags(%rip)
    jz 4f
    verw spec_verw_selector(%rip)
4:  ret

    .section .rodata
/* VERW's operand: any valid writable data selector (the hypervisor's). */
spec_verw_selector:
    .word 0x10
