/* realmode-gp (attacks_cpu.c): the boot CPU drops to real mode, runs an
 * RDMSR the hypervisor refuses (VMX capability MSR 0x480: #GP), takes the
 * #GP through the real-mode IVT and returns to protected mode.
 *
 * attacks_cpu.c copies [rm_blob_start, rm_blob_end) to RM_BASE (below
 * 1 MiB), points IVT vector 13 at rm_gp_handler, loads a GDT with 16-bit
 * segments at 0x18/0x20 (base RM_BASE) and the real-mode IDTR, then calls
 * rm_run. The real-mode part addresses its data relative to its start
 * (CS = DS = SS = RM_BASE >> 4). A real-mode #GP pushes FLAGS, CS, IP and
 * no error code (SDM Vol. 3A 20.1.4): the handler records its SP, so the
 * caller can tell a frame with an error code from the CPU's own. */
#define RM_BASE 0x60000
#define RM_SEG (RM_BASE >> 4)
#define RM_STACK_TOP 0x0FF0 /* offset in the segment, above the blob */
#define MSR_VMX_BASIC 0x480

    .section .rodata.rm_blob, "a" /* copied, never run in place */
    .code16
    .globl rm_blob_start, rm_blob_end, rm_gp_handler_off, rm_gp_count_off, rm_gp_sp_off
rm_blob_start:
    /* 16-bit protected mode (CS = 0x18): 16-bit data segments, PE off. */
    movw $0x20, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movl %cr0, %eax
    andl $~1, %eax
    movl %eax, %cr0
    ljmp $RM_SEG, $(rm_real - rm_blob_start)
rm_real:
    movw $RM_SEG, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw $RM_STACK_TOP, %sp
    movl $MSR_VMX_BASIC, %ecx
    rdmsr                       /* 2 bytes: the handler resumes past it */
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $rm_back32
rm_gp_handler:
    movw %sp, %cs:(rm_gp_sp - rm_blob_start)
    incw %cs:(rm_gp_count - rm_blob_start)
    movw %sp, %bp
    addw $2, (%bp)              /* the saved IP: past the RDMSR */
    iret
    .balign 2
rm_gp_count:
    .word 0
rm_gp_sp:
    .word 0
rm_blob_end:

    .section .rodata
    .balign 4
rm_gp_handler_off:
    .long rm_gp_handler - rm_blob_start
rm_gp_count_off:
    .long rm_gp_count - rm_blob_start
rm_gp_sp_off:
    .long rm_gp_sp - rm_blob_start

    .text
    .code32
    .globl rm_run
/* void rm_run(void): the GDT and IDTR are set by the caller, interrupts
 * are off. Returns in protected mode with flat segments again. */
rm_run:
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, rm_saved_esp
    ljmp $0x18, $0
rm_back32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movl rm_saved_esp, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

    .bss
    .balign 4
rm_saved_esp:
    .long 0
