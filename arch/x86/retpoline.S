/* Retpolines (Intel "Retpoline: A Branch Target Injection Mitigation"):
 * the hypervisor is compiled with -mindirect-branch=thunk-extern
 * -mindirect-branch-register, so every indirect call or jump goes through
 * one of these thunks, and a target a partition trained into the
 * indirect-branch predictor is never used speculatively: the prediction
 * is the RSB entry of `call 1f`, which lands in the pause/lfence trap.
 * tools/check-indirect-branches.sh fails the build if any other indirect
 * branch is left in the image. */

.macro RETPOLINE_THUNK reg
    .section .text.retpoline, "ax"
    .global __x86_indirect_thunk_\reg
    .type __x86_indirect_thunk_\reg, @function
__x86_indirect_thunk_\reg:
    call 1f
2:  pause
    lfence
    jmp 2b
1:  movq %\reg, (%rsp)
    ret
    .size __x86_indirect_thunk_\reg, . - __x86_indirect_thunk_\reg
.endm

    .code64
    RETPOLINE_THUNK rax
    RETPOLINE_THUNK rbx
    RETPOLINE_THUNK rcx
    RETPOLINE_THUNK rdx
    RETPOLINE_THUNK rsi
    RETPOLINE_THUNK rdi
    RETPOLINE_THUNK rbp
    RETPOLINE_THUNK r8
    RETPOLINE_THUNK r9
    RETPOLINE_THUNK r10
    RETPOLINE_THUNK r11
    RETPOLINE_THUNK r12
    RETPOLINE_THUNK r13
    RETPOLINE_THUNK r14
    RETPOLINE_THUNK r15
