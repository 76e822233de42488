/* hello64: the smallest ELF64 partition kernel, for the loader's 64-bit
 * entry (hv/loader.h). It has no multiboot header, so the hypervisor
 * enters it in 64-bit mode with 0-4 GiB identity mapped (virtual =
 * guest-physical, so buffer addresses go to hypercalls as they are),
 * RAX = 0x2BADB002, RBX = the multiboot info. It needs no UART: it
 * reports through HC_CONSOLE_WRITE, then powers its partition off. It
 * cannot run bare: VMCALL without a hypervisor is #UD, with no IDT. */

/* From include/hv_abi.h, which is C only. */
#define HC_CONSOLE_WRITE 1
#define HC_PARTITION_INFO 2
#define INFO_SIZE 128   /* sizeof(struct hv_partition_info) */
#define INFO_NAME 24    /* offsetof(struct hv_partition_info, name) */
#define NAME_MAX 32     /* HV_NAME_MAX */
#define LINE_MAX 256    /* HV_CONSOLE_MAX: the most one write may carry */

#define MB_BOOT_MAGIC 0x2BADB002
#define MBI_FLAGS 0
#define MBI_CMDLINE 16              /* 32-bit gpa, valid with flags bit 2 */
#define MBI_FLAG_CMDLINE (1 << 2)
#define ISA_DEBUG_EXIT 0xF4         /* the hypervisor's power-off port */
#define EXIT_CODE 0x40

    .text
    .globl _start
_start:
    cli
    cld
    lea stack_top(%rip), %rsp   /* the loader sets no stack */
    mov %rax, %r13              /* RAX, RBX: VMCALL needs them */
    mov %rbx, %r12
    lea line(%rip), %r15        /* line cursor, see put_str */

    lea s_hello(%rip), %rsi
    call put_str
    mov %r13, %rax
    call put_hex
    lea s_ok(%rip), %rsi
    mov $MB_BOOT_MAGIC, %eax
    cmp %rax, %r13              /* all 64 bits: the upper half must be 0 */
    je 1f
    lea s_bad(%rip), %rsi
1:  call put_str
    call flush

    /* Without the magic, RBX is no multiboot info: do not read it. */
    lea s_cmdline(%rip), %rsi
    call put_str
    lea s_nombi(%rip), %rsi
    mov $MB_BOOT_MAGIC, %eax
    cmp %rax, %r13
    jne 2f
    lea s_none(%rip), %rsi
    testl $MBI_FLAG_CMDLINE, MBI_FLAGS(%r12)
    jz 2f
    movl MBI_CMDLINE(%r12), %esi    /* zero-extends: a 32-bit gpa */
2:  call put_str
    call flush

    mov $HC_PARTITION_INFO, %eax
    lea info(%rip), %rbx
    mov $INFO_SIZE, %ecx
    vmcall
    mov %rax, %r14
    lea s_name(%rip), %rsi
    call put_str
    cmp $INFO_SIZE, %r14        /* success returns the size */
    jne 3f
    movb $0, info + INFO_NAME + NAME_MAX - 1(%rip)
    lea info + INFO_NAME(%rip), %rsi
    call put_str
    jmp 4f
3:  lea s_infofail(%rip), %rsi
    call put_str
    mov %r14, %rax
    call put_hex
4:  call flush

    lea s_off(%rip), %rsi
    call put_str
    call flush
    mov $EXIT_CODE, %eax
    outl %eax, $ISA_DEBUG_EXIT
5:  cli
    hlt
    jmp 5b

/* Appends the NUL-terminated string at RSI to the line at R15, dropping
 * what does not fit in LINE_MAX. Clobbers RAX, RDX, RSI. */
put_str:
    lea line + LINE_MAX(%rip), %rdx
1:  lodsb
    test %al, %al
    jz 2f
    cmp %rdx, %r15
    jae 2f
    mov %al, (%r15)
    inc %r15
    jmp 1b
2:  ret

/* Appends RAX in hex, no leading zeros. Clobbers RAX, RDX, RSI, RDI. */
put_hex:
    mov %rax, %rdx
    lea hexbuf + 16(%rip), %rdi
    movb $0, (%rdi)
1:  mov %edx, %eax
    and $15, %eax
    lea s_digits(%rip), %rsi
    movb (%rsi, %rax), %al
    dec %rdi
    mov %al, (%rdi)
    shr $4, %rdx
    jnz 1b
    mov %rdi, %rsi
    jmp put_str

/* One HC_CONSOLE_WRITE of the line (one log line), then empties it. */
flush:
    mov $HC_CONSOLE_WRITE, %eax
    lea line(%rip), %rbx
    mov %r15, %rcx
    sub %rbx, %rcx
    vmcall
    lea line(%rip), %r15
    ret

    .section .rodata
s_hello:    .asciz "hello from 64-bit mode, rax=0x"
s_ok:       .asciz " ok"
s_bad:      .asciz " bad magic"
s_cmdline:  .asciz "cmdline: "
s_none:     .asciz "(none)"
s_nombi:    .asciz "(no multiboot info)"
s_name:     .asciz "partition name: "
s_infofail: .asciz "(HC_PARTITION_INFO failed) rax=0x"
s_off:      .asciz "power off: exit code 0x40 to port 0xf4"
s_digits:   .ascii "0123456789abcdef"

    .bss
    .balign 16
info:   .space INFO_SIZE        /* 8-aligned, as its uint64_t fields want */
line:   .space LINE_MAX
hexbuf: .space 17
    .balign 16
    .space 4096
stack_top:
